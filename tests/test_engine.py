"""Engines: the ledger summarised in DuckDB (and Spark) gives the pandas path's indicators."""

from __future__ import annotations

import math
import threading
import warnings
from pathlib import Path

import pandas as pd
import pytest

from noegletal.data.load import load_tables
from noegletal.engine import enrolled_persons, load_with_engine, summarise_ledger
from noegletal.engine.ledger import (
    TIED,
    account_table,
    enrolled_table,
    finish_summary,
    spark_sql,
    summary_sql,
)
from noegletal.indicators import compute
from noegletal.periods import parse_period
from tests.conftest import EXAMPLE


def _close(a, b) -> bool:
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


@pytest.fixture(scope="module")
def pandas_tables():
    return load_tables(EXAMPLE)


@pytest.fixture(scope="module")
def duckdb_tables():
    tables, result = load_with_engine(EXAMPLE, "duckdb")
    assert tables is not None, result.problems
    return tables


@pytest.mark.parametrize("period", ["2025", "2026-H1", "2024-Q3"])
def test_duckdb_engine_gives_the_pandas_indicators(pandas_tables, duckdb_tables, period) -> None:
    expected = {r.id: r for r in compute(pandas_tables, period)}
    actual = {r.id: r for r in compute(duckdb_tables, period)}
    assert expected.keys() == actual.keys()
    for key, result in expected.items():
        other = actual[key]
        assert _close(result.value, other.value), (key, result.value, other.value)
        assert _close(result.breakdown, other.breakdown), key
        assert result.reason == other.reason, key


def test_summary_keeps_every_krone_per_line_and_month(pandas_tables, duckdb_tables) -> None:
    raw = pandas_tables.ledger.assign(
        line=pandas_tables.ledger_budget_line,
        month=pandas_tables.ledger["posting_date"].dt.to_period("M"),
        ore=(pandas_tables.ledger["amount"] * 100).round().astype("int64"),
    )
    summary = duckdb_tables.ledger.assign(
        line=duckdb_tables.ledger_budget_line,
        month=duckdb_tables.ledger["posting_date"].dt.to_period("M"),
        ore=(duckdb_tables.ledger["amount"] * 100).round().astype("int64"),
    )
    left = raw.groupby(["line", "month"])["ore"].sum()
    right = summary.groupby(["line", "month"])["ore"].sum()
    pd.testing.assert_series_equal(left, right)
    assert len(summary) < len(raw) / 5
    assert set(summary["intervention_id"].dropna()) == {TIED}
    assert duckdb_tables.ledger_first_posting == pandas_tables.ledger_first_posting
    assert duckdb_tables.ledger_last_posting == pandas_tables.ledger_last_posting


def test_enrolled_persons_keep_their_booking_days(pandas_tables, duckdb_tables) -> None:
    frames = {n: getattr(pandas_tables, n) for n in pandas_tables.table_names()}
    persons = set(enrolled_persons(frames)["person_id"])
    assert persons
    kept = duckdb_tables.ledger[duckdb_tables.ledger["person_id"].isin(persons)]
    raw = pandas_tables.ledger[pandas_tables.ledger["person_id"].isin(persons)]
    assert sorted(kept["posting_date"].unique()) == sorted(raw["posting_date"].unique())


def test_tied_means_an_id_that_is_not_blank() -> None:
    """A booking is tied to a measure when its ``intervention_id`` is not blank after
    trimming (the summary skips the trim for ids that begin with a printable character)."""
    from noegletal.engine import _duckdb_summary

    ids = [None, "", "   ", "\u3000", "I-1", " I-2", "~x", "!", "\u3000I-3", "æ"]
    ledger = pd.DataFrame(
        {
            "posting_date": pd.to_datetime(["2025-01-15"] * len(ids)),
            "account": [f"A{i}" for i in range(len(ids))],  # one summary row per booking
            "amount": 1.0,
            "person_id": None,
            "intervention_id": pd.Series(ids, dtype=object),
        }
    )
    accounts = account_table(ledger["account"], pd.DataFrame({"budget_line": [], "accounts": []}))
    enrolled = enrolled_table(pd.DataFrame({"person_id": pd.Series([], dtype=object)}))
    raw = _duckdb_summary(ledger, accounts, enrolled, False)
    tied = finish_summary(raw, accounts, enrolled).set_index("account")["intervention_id"].notna()
    expected = [False, False, False, False, True, True, True, True, True, True]
    assert [bool(tied[f"A{i}"]) for i in range(len(ids))] == expected


def test_summary_keys_turn_back_into_the_accounts_and_persons() -> None:
    """The summary groups by integer keys; the finished summary carries the strings again:
    the line's first prefix for a mapped account, the person for an enrolled one (by day),
    and an account missing from the account table is a bug, not a silent row."""
    from noegletal.engine import _duckdb_summary

    ledger = pd.DataFrame(
        {
            "posting_date": pd.to_datetime(["2025-01-15", "2025-01-20", "2025-01-20"]),
            "account": ["5.28.22.001", "5.28.20.9", "6.1"],
            "amount": [100.25, 50.0, 7.5],
            "person_id": ["P9", "P1", None],
            "intervention_id": None,
        }
    )
    lines = pd.DataFrame({"budget_line": ["A"], "accounts": ["5.28.20;5.28.22"]})
    accounts = account_table(ledger["account"], lines)
    enrolled = enrolled_table(pd.DataFrame({"person_id": ["P9"]}))
    summary = finish_summary(_duckdb_summary(ledger, accounts, enrolled, False), accounts, enrolled)
    # 5.28.22.001 and 5.28.20.9 share line A (shown as 5.28.20); P9 is enrolled, so their
    # bookings stay apart (by person and day); 6.1 is unmapped and keeps its own account.
    rows = summary[["account", "person_id", "amount"]].astype(object).where(summary.notna(), None)
    assert rows.values.tolist() == [
        ["5.28.20", None, 50.0],
        ["5.28.20", "P9", 100.25],
        ["6.1", None, 7.5],
    ]
    with pytest.raises(ValueError, match="account table"):
        partial = accounts[accounts["account"] != "6.1"]
        finish_summary(_duckdb_summary(ledger, partial, enrolled, False), partial, enrolled)


def test_summary_query_transpiles_to_spark() -> None:
    spark = spark_sql(summary_sql(by_municipality=True))
    assert "DATE_TRUNC" in spark.upper() and "GROUP BY" in spark.upper()


def _example_as_parquet(tmp_path: Path, pandas_tables, change=None) -> Path:
    target = tmp_path / "pq"
    target.mkdir()
    (target / "municipality.yml").write_bytes((EXAMPLE / "municipality.yml").read_bytes())
    for name in pandas_tables.table_names():
        frame = getattr(pandas_tables, name)
        if name == "ledger" and change is not None:
            frame = change(frame.copy())
        frame.to_parquet(target / f"{name}.parquet", index=False)
    return target


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_ledger_with_time_zoned_dates_is_refused_with_a_clear_problem(
    tmp_path, pandas_tables, engine
) -> None:
    """Which day an instant falls on depends on the time zone: a Parquet timestamp with one
    is refused (not guessed, not a traceback) by both engines, naming the column."""

    def zoned(frame: pd.DataFrame) -> pd.DataFrame:
        frame["posting_date"] = frame["posting_date"].dt.tz_localize("Europe/Copenhagen")
        return frame

    folder = _example_as_parquet(tmp_path, pandas_tables, zoned)
    tables, result = load_with_engine(folder, engine)
    assert tables is None
    [problem] = result.errors
    assert (problem.file, problem.column) == ("ledger.parquet", "posting_date")
    assert "time zone" in problem.rule and "without time zone" in problem.fix


_LEDGER_VARIANTS = {
    # Parquet types and optional columns the pandas loader accepts: the same indicators.
    "person ids stored as numbers": lambda f: f.assign(
        person_id=pd.array(range(len(f)), dtype="Int64")
    ),
    "accounts stored as numbers": lambda f: f.assign(account=52820001),
    "no bookings": lambda f: f.iloc[:0],
    "no intervention_id column": lambda f: f.drop(columns=["intervention_id"]),
    "no person_id column": lambda f: f.drop(columns=["person_id"]),
    # What it refuses: refused too, with a problem that names the column.
    "a time of day": lambda f: f.assign(posting_date=f["posting_date"] + pd.Timedelta(hours=5)),
    "intervention ids stored as numbers": lambda f: f.assign(
        intervention_id=pd.array([None, *range(1, len(f))], dtype="Int64")
    ),
    # Stripped by the pandas loader; refused by DuckDB, which reads ids as stored.
    "spaces after person ids": lambda f: f.assign(person_id=f["person_id"] + " "),
}


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(_LEDGER_VARIANTS))
def test_duckdb_engine_agrees_with_pandas_on_unusual_ledgers_or_refuses_clearly(
    tmp_path, pandas_tables, variant
) -> None:
    """A Parquet ledger with ids stored as numbers, optional columns missing or no bookings
    gives the pandas engine's indicators; one the pandas engine refuses is refused as well;
    nothing ends in a traceback."""
    folder = _example_as_parquet(tmp_path, pandas_tables, _LEDGER_VARIANTS[variant])
    expected, by_pandas = load_with_engine(folder, "pandas")
    tables, by_duckdb = load_with_engine(folder, "duckdb")
    if tables is None:
        assert by_duckdb.errors
        assert {(p.file, p.column) for p in by_duckdb.errors} <= {
            ("ledger.parquet", "posting_date"),
            ("ledger.parquet", "intervention_id"),
            ("ledger.parquet", "person_id"),
        }
        assert expected is None or variant == "spaces after person ids"
        return
    assert expected is not None, by_pandas.errors
    got = {r.id: r.value for r in compute(tables, parse_period("2025"))}
    want = {r.id: r.value for r in compute(expected, parse_period("2025"))}
    assert got.keys() == want.keys()
    for key, value in want.items():
        if isinstance(value, float) and isinstance(got[key], float):
            assert math.isclose(got[key], value, rel_tol=1e-9, abs_tol=1e-9), key
        else:
            assert got[key] == value, key


@pytest.mark.slow
def test_duckdb_engine_on_a_csv_ledger_without_person_ids(tmp_path, pandas_tables) -> None:
    """A CSV ledger reaches DuckDB as a frame; without its optional person_id column the
    engines still agree (the cross-sector indicators are not computed by either)."""
    import shutil

    folder = tmp_path / "csv"
    shutil.copytree(EXAMPLE, folder)
    ledger = pd.read_csv(folder / "ledger.csv", sep=None, engine="python", dtype=str)
    ledger.drop(columns=["person_id"]).to_csv(folder / "ledger.csv", index=False)
    expected, _ = load_with_engine(folder, "pandas")
    tables, result = load_with_engine(folder, "duckdb")
    assert tables is not None and expected is not None, result.errors
    want = {r.id: r.value for r in compute(expected, parse_period("2025"))}
    got = {r.id: r.value for r in compute(tables, parse_period("2025"))}
    assert want["xs.baseline"] is None and got["xs.baseline"] is None
    assert {k for k, v in got.items() if v is None} == {k for k, v in want.items() if v is None}


def test_validate_command_checks_a_parquet_ledger_in_duckdb(tmp_path, pandas_tables) -> None:
    """``noegletal validate --engine duckdb`` lists the problems of a Parquet ledger as the
    pandas engine does (row and column), without reading the ledger into pandas."""
    from typer.testing import CliRunner

    from noegletal.cli import app

    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[[4], "account"] = None
        return frame

    folder = _example_as_parquet(tmp_path, pandas_tables, spoil)
    rows = len(pandas_tables.ledger)
    for engine in ("pandas", "duckdb"):
        result = CliRunner().invoke(app, ["validate", str(folder), "--engine", engine])
        assert result.exit_code == 1, result.output
        assert "ledger.parquet, row 5, column account: empty cell" in result.output
        assert f"read ledger.parquet: {rows:,} rows" in result.output
    (tmp_path / "clean").mkdir()
    clean = _example_as_parquet(tmp_path / "clean", pandas_tables)
    result = CliRunner().invoke(app, ["validate", str(clean), "--engine", "duckdb"])
    assert result.exit_code == 0 and "valid (15 tables, 0 warning(s))" in result.output


@pytest.fixture(params=["as it comes", "references before the summary"])
def references_first(request, monkeypatch) -> threading.Event | None:
    """Either order of the load's last steps. Forced: pandas finishes first, so the ledger's
    references are checked while the background DuckDB work has not even begun."""
    if request.param == "as it comes":
        return None
    from noegletal import engine
    from noegletal.engine import early

    asked = threading.Event()
    real_references, real_work = engine._references_or_none, early._ledger_work

    def references(*args, **kwargs):
        asked.set()
        return real_references(*args, **kwargs)

    def work(*args, **kwargs):
        asked.wait(timeout=60)
        return real_work(*args, **kwargs)

    monkeypatch.setattr(engine, "_references_or_none", references)
    monkeypatch.setattr(early, "_ledger_work", work)
    return asked


def test_parquet_ledger_validated_in_duckdb(tmp_path, pandas_tables, references_first) -> None:
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[[4, 9], "account"] = None
        frame.loc[7, "person_id"] = "010190-1234"
        frame.loc[11, "intervention_id"] = "I-unknown"
        return frame

    folder = _example_as_parquet(tmp_path, pandas_tables, spoil)
    tables, result = load_with_engine(folder, "duckdb")
    assert tables is None
    where = sorted((p.row, p.column) for p in result.errors)
    # Parquet rows count from 1: frame index 4 is row 5.
    assert where == [(5, "account"), (8, "person_id"), (10, "account"), (12, "intervention_id")]
    assert all("010190" not in (p.value or "") + p.rule for p in result.errors)
    assert references_first is None or references_first.is_set()


def test_parquet_ledger_municipality_codes_checked(tmp_path, pandas_tables) -> None:
    # The rule runs on the distinct codes first; a bad one is then named by row.
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.insert(0, "municipality_code", "101")
        frame.loc[[3, 6], "municipality_code"] = ["1010", "K101"]
        return frame

    folder = _example_as_parquet(tmp_path, pandas_tables, spoil)
    _, result = load_with_engine(folder, "duckdb")
    bad = [(p.row, p.column) for p in result.errors if "municipality code" in p.rule]
    assert bad == [(4, "municipality_code"), (7, "municipality_code")]


def test_parquet_example_through_duckdb_matches(tmp_path, pandas_tables, duckdb_tables) -> None:
    folder = _example_as_parquet(tmp_path, pandas_tables)
    tables, result = load_with_engine(folder, "duckdb")
    assert tables is not None, result.problems
    pd.testing.assert_frame_equal(tables.ledger, duckdb_tables.ledger)


@pytest.mark.spark
def test_spark_and_duckdb_give_identical_indicators(pandas_tables, duckdb_tables) -> None:
    pytest.importorskip("pyspark")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spark_tables, result = load_with_engine(EXAMPLE, "spark")
    assert spark_tables is not None, result.problems
    pd.testing.assert_frame_equal(spark_tables.ledger, duckdb_tables.ledger)
    for period in ("2025", "2026-H1"):
        a = [(r.id, r.value, r.breakdown) for r in compute(duckdb_tables, period)]
        b = [(r.id, r.value, r.breakdown) for r in compute(spark_tables, period)]
        assert a == b


@pytest.mark.spark
@pytest.mark.parametrize(
    "variant", ["person ids stored as numbers", "no person_id column", "no intervention_id column"]
)
def test_spark_reads_unusual_parquet_ledgers_as_duckdb_does(
    tmp_path, pandas_tables, variant
) -> None:
    pytest.importorskip("pyspark")
    folder = _example_as_parquet(tmp_path, pandas_tables, _LEDGER_VARIANTS[variant])
    duckdb_tables, _ = load_with_engine(folder, "duckdb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        spark_tables, result = load_with_engine(folder, "spark")
    assert spark_tables is not None and duckdb_tables is not None, result.problems
    pd.testing.assert_frame_equal(spark_tables.ledger, duckdb_tables.ledger)


def test_summarise_refuses_the_pandas_engine(pandas_tables) -> None:
    with pytest.raises(ValueError, match="does not summarise"):
        summarise_ledger(
            "pandas",
            pandas_tables.ledger,
            pandas_tables.budget_lines,
            pd.DataFrame({"person_id": []}),
            pd.Series([], dtype="str"),
        )


def _count_summaries(monkeypatch) -> list[int]:
    import noegletal.engine as engine

    calls: list[int] = []
    real = engine._duckdb_summary

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_duckdb_summary", counted)
    return calls


def test_early_ledger_summary_is_used_when_its_inputs_hold(
    tmp_path, pandas_tables, duckdb_tables, monkeypatch
) -> None:
    # The DuckDB ledger work starts before pandas has validated the other tables; its summary
    # is kept because the inputs read from Parquet equal the validated ones.
    folder = _example_as_parquet(tmp_path, pandas_tables)
    calls = _count_summaries(monkeypatch)
    tables, result = load_with_engine(folder, "duckdb")
    assert tables is not None, result.problems
    assert len(calls) == 1
    pd.testing.assert_frame_equal(tables.ledger, duckdb_tables.ledger)


def test_early_ledger_summary_is_redone_when_validation_changes_its_inputs(
    tmp_path, pandas_tables, duckdb_tables, monkeypatch
) -> None:
    # A person id with spaces around it: the loader strips it, so the validated enrolled
    # persons differ from the ones read straight from Parquet, and the summary is computed
    # again from the validated tables — with the result the ordered run gives.
    folder = _example_as_parquet(tmp_path, pandas_tables)
    enrolments = pandas_tables.cross_sector_enrolments.copy()
    row = enrolments["person_id"].first_valid_index()
    enrolments["person_id"] = enrolments["person_id"].astype(object)
    enrolments.loc[row, "person_id"] = f"  {enrolments.loc[row, 'person_id']} "
    enrolments.to_parquet(folder / "cross_sector_enrolments.parquet", index=False)
    calls = _count_summaries(monkeypatch)
    tables, result = load_with_engine(folder, "duckdb")
    assert tables is not None, result.problems
    assert len(calls) == 2
    pd.testing.assert_frame_equal(tables.ledger, duckdb_tables.ledger)


def test_an_unreadable_parquet_file_is_a_problem_not_a_crash(
    tmp_path, pandas_tables, references_first
) -> None:
    # A truncated ledger (DuckDB reads it) and a file that is no Parquet at all (pandas reads
    # it): both are named with the rule and the fix; nothing is computed.
    folder = _example_as_parquet(tmp_path, pandas_tables)
    ledger = folder / "ledger.parquet"
    ledger.write_bytes(ledger.read_bytes()[:5000])
    (folder / "budget.parquet").write_text("not parquet", encoding="utf-8")
    for engine in ("duckdb", "pandas"):
        tables, result = load_with_engine(folder, engine)
        assert tables is None
        unreadable = sorted(p.file for p in result.errors if "cannot be read as Parquet" in p.rule)
        assert unreadable == ["budget.parquet", "ledger.parquet"], engine
        assert all("write the table again" in p.fix for p in result.errors if p.file in unreadable)


def test_interrupting_background_duckdb_work_stops_it_and_the_next_run_works(
    tmp_path, pandas_tables
) -> None:
    # Ctrl-C in the main thread interrupts the early ledger work (running queries stop, no new
    # one starts); a later load in the same process is not affected.
    import threading
    import time

    import duckdb

    from noegletal.engine.db import connect, interrupt_budgeted, thread_budget

    outcome: list[BaseException] = []
    started = threading.Event()

    def long_query() -> None:
        with thread_budget(1):
            con = connect()
            started.set()
            try:
                con.execute(
                    "SELECT COUNT(*) FROM range(10000000000) t(i) WHERE i % 7 = 3"
                ).fetchall()
            except BaseException as exc:
                outcome.append(exc)
            try:
                connect()
            except duckdb.Error as exc:
                outcome.append(exc)

    thread = threading.Thread(target=long_query)
    thread.start()
    started.wait(10)
    time.sleep(0.2)
    interrupt_budgeted()
    thread.join(30)
    assert not thread.is_alive()
    assert len(outcome) == 2  # the query was interrupted, and no new connection was opened
    folder = _example_as_parquet(tmp_path, pandas_tables)
    tables, result = load_with_engine(folder, "duckdb")
    assert tables is not None, result.problems


def test_raw_inputs_the_loader_refuses_do_not_crash_the_early_work(tmp_path, pandas_tables) -> None:
    # Enrolments without person_id and family_id: the early summary cannot even be set up
    # from the raw file; the load reports the table's problems, as in order it would.
    folder = _example_as_parquet(tmp_path, pandas_tables)
    enrolments = pandas_tables.cross_sector_enrolments.drop(columns=["person_id", "family_id"])
    enrolments.to_parquet(folder / "cross_sector_enrolments.parquet", index=False)
    tables, result = load_with_engine(folder, "duckdb")
    assert tables is None
    assert any(p.file == "cross_sector_enrolments.parquet" for p in result.errors)
