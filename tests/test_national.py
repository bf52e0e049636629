"""The national synthetic data set (``noegletal.synthetic.national``) on small runs, and the
validator's keys within each municipality.

The full run (98 municipalities × 10 years) is not a test: ``data/README.md`` says how to make
it and what it holds.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from noegletal.cli import app
from noegletal.config import load_municipality
from noegletal.data import privacy
from noegletal.data.load import inspect_data_dir, load_tables
from noegletal.data.schema import check_table
from noegletal.data.spec import TABLES
from noegletal.data.tables import Tables
from noegletal.indicators import compute
from noegletal.synthetic.example import TABLE_ORDER, generate_municipality
from noegletal.synthetic.national import (
    ID_COLUMNS,
    _casework_speed,
    _Extra,
    _object_strings,
    _select,
    _to_arrow,
    draw_profile,
    generate_national,
    read_municipalities,
    table_schema,
)
from tests.conftest import edit_csv

SMALL = {"municipalities": 3, "years": 2, "seed": 2026}
CODES = ["101", "147", "151"]  # the first three of municipalities.csv


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("national")
    return out, generate_national(out, workers=1, **SMALL)


@pytest.fixture(scope="module")
def tables(national: tuple[Path, list[Path]]) -> Tables:
    return load_tables(national[0])


def read_back(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLE_ORDER}


# ---------------------------------------------------------------------------------------------
# Municipalities
# ---------------------------------------------------------------------------------------------
def test_municipality_list_has_the_98_real_municipalities() -> None:
    known = read_municipalities()
    assert len(known) == 98 and len({m.code for m in known}) == 98
    assert [m.code for m in known] == sorted(m.code for m in known)
    by_code = {m.code: m for m in known}
    assert by_code["101"].name == "København" and 600_000 < by_code["101"].population < 700_000
    assert by_code["825"].name == "Læsø" and by_code["825"].population < 2_500
    assert "411" not in by_code  # Christiansø is no municipality
    assert 5.8e6 < sum(m.population for m in known) < 6.1e6
    assert all(re.fullmatch(r"\d{3}", m.code) for m in known)


def test_selection_first_n_or_codes() -> None:
    assert [m.code for m in _select(3)] == CODES
    assert [m.code for m in _select(["825", "101"])] == ["101", "825"]  # list order
    for bad in (0, 99, ["999"], ["101", "101"]):
        with pytest.raises(ValueError):
            _select(bad)


def test_profiles_are_deterministic_and_plausible() -> None:
    drawn = [
        draw_profile(np.random.default_rng(i), m.population)
        for i, m in enumerate(read_municipalities())
    ]
    again = draw_profile(np.random.default_rng(0), read_municipalities()[0].population)
    assert again == drawn[0]
    need = np.array([extra.need for _, extra in drawn])
    assert need.min() >= np.exp(-1.05) and need.max() <= np.exp(1.05)
    assert need.std() > 0.1  # municipalities differ
    for profile, _ in drawn:
        assert 0.82 <= profile.price_level <= 1.25
        assert 14 <= profile.children_caseload <= 26
        assert -0.008 <= profile.growth <= 0.015


# ---------------------------------------------------------------------------------------------
# Files, schema, contract
# ---------------------------------------------------------------------------------------------
def test_writes_parquet_per_table_and_the_config(national: tuple[Path, list[Path]]) -> None:
    out, paths = national
    assert [p.name for p in paths] == [f"{n}.parquet" for n in TABLE_ORDER] + ["municipality.yml"]
    assert not [p for p in out.iterdir() if p not in paths]  # no temporary files left
    for name in TABLE_ORDER:
        schema = pq.read_schema(out / f"{name}.parquet")
        assert schema.equals(table_schema(name)), name
        assert schema.names[1 if name != "budget_lines" else 0 :] == TABLES[name].names
        if name == "budget_lines":
            assert "municipality_code" not in schema.names
        else:
            assert schema.names[0] == "municipality_code"
            codes = pq.read_table(out / f"{name}.parquet", columns=["municipality_code"])
            assert set(codes.column(0).to_pylist()) <= set(CODES), name
    frames = read_back(out)
    for name in ("population", "interventions", "ledger", "notifications", "budget"):
        assert sorted(frames[name]["municipality_code"].unique()) == CODES, name
    assert len(frames["budget_lines"]) == 13


def test_municipality_yml(national: tuple[Path, list[Path]]) -> None:
    municipality, problems = load_municipality(national[0])
    assert not problems and municipality is not None
    assert (municipality.name, municipality.code) == ("Danmarks kommuner (syntetisk)", "000")
    assert municipality.municipalities == (
        ("101", "København"),
        ("147", "Frederiksberg"),
        ("151", "Ballerup"),
    )
    assert municipality.extract_date == date(2026, 6, 30)
    assert (municipality.discretion_threshold, municipality.language) == (5, "da")


def test_validates_without_errors_or_warnings(national: tuple[Path, list[Path]]) -> None:
    result = inspect_data_dir(national[0])
    assert result.ok
    assert result.problems == []


def test_window_runs_from_1_january_to_the_extract_date(tables: Tables) -> None:
    assert sorted(tables.population["year"].unique()) == [2024, 2025, 2026]
    posting = tables.ledger["posting_date"]
    assert posting.min() == pd.Timestamp("2024-01-31") and posting.max() <= pd.Timestamp(
        "2026-06-30"
    )
    assert tables.extract_date == date(2026, 6, 30)
    assert (tables.notifications["received_at"] >= pd.Timestamp("2024-01-01")).all()


def test_identifiers_carry_the_code_are_unique_and_never_cpr_shaped(
    national: tuple[Path, list[Path]],
) -> None:
    frames = read_back(national[0])
    seen = 0
    for name, frame in frames.items():
        for column in ID_COLUMNS:
            if column not in frame:
                continue
            values = frame[column].dropna().astype(str)
            codes = frame.loc[values.index, "municipality_code"]
            assert values.str.fullmatch(r"[A-Z]\d{3}-\d{4,7}").all(), (name, column)
            assert (values.str.slice(1, 4) == codes).all(), (name, column)
            assert not privacy.cpr_mask(values).any(), (name, column)
            assert not values.str.contains(r"\d{10}").any()
            seen += 1
    assert seen >= 15
    for name, column in (
        ("interventions", "intervention_id"),
        ("notifications", "notification_id"),
        ("examinations", "examination_id"),
        ("followups", "followup_id"),
        ("cross_sector_enrolments", "enrolment_id"),
    ):
        assert frames[name][column].is_unique, name
    # References stay inside one municipality.
    ledger = frames["ledger"].dropna(subset=["intervention_id"])
    assert (ledger["intervention_id"].str.slice(1, 4) == ledger["municipality_code"]).all()


# ---------------------------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------------------------
def test_same_arguments_give_the_same_files_whatever_the_workers(
    national: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    out, paths = national
    again = generate_national(tmp_path / "again", workers=2, **SMALL)
    for a, b in zip(paths, again, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    first, second = read_back(out), read_back(tmp_path / "again")
    for name in TABLE_ORDER:
        pd.testing.assert_frame_equal(first[name], second[name])


def test_a_municipality_does_not_depend_on_the_others(
    national: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    alone = read_back(Path(generate_national(tmp_path, municipalities=["147"], years=2)[0]).parent)
    together = read_back(national[0])
    for name in ("interventions", "ledger", "budget", "reference", "notifications"):
        part = together[name][together[name]["municipality_code"] == "147"]
        pd.testing.assert_frame_equal(alone[name], part.reset_index(drop=True), check_dtype=False)


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    a = generate_national(tmp_path / "a", municipalities=["825"], years=1, seed=1)
    b = generate_national(tmp_path / "b", municipalities=["825"], years=1, seed=2)
    assert a[1].read_bytes() != b[1].read_bytes()


def test_object_strings_change_speed_not_values() -> None:
    def make() -> dict[str, pd.DataFrame]:
        rng = np.random.default_rng(7)
        return generate_municipality(rng, "492", "Ærø", 6_000, date(2024, 1, 1), date(2026, 6, 30))

    default = make()
    with _object_strings():
        fast = make()
    assert pd.Series(["text"]).dtype != object  # the default is back
    for name in TABLE_ORDER:  # the same Arrow tables are written
        assert _to_arrow(name, default[name], "492").equals(_to_arrow(name, fast[name], "492"))


def test_casework_speed_moves_the_on_time_shares() -> None:
    frames = generate_municipality(
        np.random.default_rng(3), "101", "X", 100_000, date(2024, 1, 1), date(2026, 6, 30)
    )

    def shares(f: dict[str, pd.DataFrame]) -> tuple[float, float]:
        n = f["notifications"]
        fast = (n["assessed_at"] - n["received_at"]) <= pd.Timedelta(hours=24)
        x = f["examinations"]
        deadline = x["started_on"] + pd.DateOffset(months=4)
        return float(fast.mean()), float((x["completed_on"] <= deadline).mean())

    before = shares(frames)
    for shift in (0.1, -0.1):
        copy = {k: v.copy() for k, v in frames.items()}
        _casework_speed(
            np.random.default_rng(1), copy, _Extra(1.0, shift, shift), date(2026, 6, 30)
        )
        after = shares(copy)
        assert after[0] - before[0] == pytest.approx(shift, abs=0.02)
        assert after[1] - before[1] == pytest.approx(shift, abs=0.03)
        n = copy["notifications"]
        assert (n["assessed_at"].dropna() >= n.loc[n["assessed_at"].notna(), "received_at"]).all()
        assert (n["assessed_at"].dropna() < pd.Timestamp("2026-07-01")).all()


# ---------------------------------------------------------------------------------------------
# One municipality of the set
# ---------------------------------------------------------------------------------------------
def test_one_municipality_computes(tables: Tables) -> None:
    assert tables.municipality_codes == CODES
    results = {}
    for code in CODES:
        one = tables.for_municipality(code)
        assert one.municipality.name == dict(tables.municipality.municipalities)[code]
        assert set(one.interventions["municipality_code"]) == {code}
        assert len(one.budget_lines) == 13  # shared, not filtered
        values = {r.id: r.value for r in compute(one, "2025")}
        assert 2 < values["fp1.placed_per_1000_0_22"] < 30, code
        assert 3_000 < values["fp1.spend_per_0_22"] < 30_000, code
        results[code] = values
    assert len({round(v["fp1.placed_per_1000_0_22"], 3) for v in results.values()}) == 3


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------
def test_cli_writes_the_national_set(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["example-data", str(tmp_path), "--municipalities", "1", "--years", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "1 municipalities × 1 years" in result.output
    assert (tmp_path / "ledger.parquet").exists() and not list(tmp_path.glob("*.csv"))
    refused = runner.invoke(app, ["example-data", str(tmp_path / "x"), "--workers", "2"])
    assert refused.exit_code == 2


# ---------------------------------------------------------------------------------------------
# Keys within each municipality (noegletal.data.schema)
# ---------------------------------------------------------------------------------------------
def test_duplicate_key_within_a_municipality_is_refused(tiny_dir: Path) -> None:
    def duplicate(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows = [{"municipality_code": "101", **row} for row in rows]
        return [*rows, dict(rows[0])]

    edit_csv(tiny_dir / "population.csv", duplicate)
    errors = inspect_data_dir(tiny_dir).errors
    assert errors, "a duplicate (municipality_code, year, age) must be refused"
    assert {p.rule for p in errors} == {
        "duplicate key (rule: one row per municipality_code + year + age)"
    }
    assert {p.column for p in errors} == {"municipality_code + year + age"}


def test_same_key_in_two_municipalities_is_accepted(tiny_dir: Path) -> None:
    def second_municipality(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        rows = [{"municipality_code": "101", **row} for row in rows]
        return [*rows, {**rows[0], "municipality_code": "147"}]

    edit_csv(tiny_dir / "population.csv", second_municipality)
    result = inspect_data_dir(tiny_dir)
    assert result.ok, result.problems


@pytest.mark.parametrize("table", ["budget", "caseworkers", "reference", "measure_prices"])
def test_every_key_is_per_municipality(table: str) -> None:
    spec = TABLES[table]
    row = {
        "year": 2025,
        "budget_line": "Plejefamilier",
        "original_budget": 1.0,
        "supplementary_appropriations": 0.0,
        "date": pd.Timestamp("2025-01-31"),
        "area": "children",
        "fte": 1.0,
        "key": "expenditure_need_per_0_22",
        "value": 1.0,
        "intervention_id": "I101-0000001",
        "valid_from": pd.Timestamp("2025-01-01"),
        "annual_cost": 1.0,
    }
    frame = pd.DataFrame([{c.name: row[c.name] for c in spec.columns if c.required}] * 2)
    frame.insert(0, "municipality_code", ["101", "147"])
    assert check_table(spec, frame, f"{table}.parquet") == []
    frame["municipality_code"] = "101"
    problems = check_table(spec, frame, f"{table}.parquet")
    assert problems and all("one row per municipality_code + " in p.rule for p in problems)
    assert check_table(spec, frame.drop(columns="municipality_code"), f"{table}.parquet")


def test_by_municipality_equals_one_municipality_at_a_time(
    national: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    from noegletal.data.accounts import map_accounts
    from noegletal.engine import load_with_engine
    from noegletal.indicators.batch import split_by_municipality

    out_dir, _ = national
    target = tmp_path / "all.json"
    result = CliRunner().invoke(
        app,
        ["indicators", "--data", str(out_dir), "--period", "2025", "--by", "municipality",
         "--engine", "duckdb", "--json", str(target), "--format", "none", "--workers", "2",
         "--csv", str(tmp_path / "all.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    _check_published_csv(tmp_path / "all.csv", document)
    tables, _ = load_with_engine(out_dir, "duckdb")
    split = split_by_municipality(tables)
    assert [m["code"] for m in document["municipalities"]] == list(split)
    for entry in document["municipalities"]:
        one = split[entry["code"]]
        assert one.interventions["municipality_code"].eq(entry["code"]).all()
        # The budget lines mapped once for the country are those of the municipality's rows.
        pd.testing.assert_series_equal(
            one.ledger_budget_line, map_accounts(one.ledger["account"], one.budget_lines)
        )
        expected = compute(one, "2025")
        assert [e["id"] for e in entry["indicators"]] == [r.id for r in expected]
        placed = next(e for e in entry["indicators"] if e["id"] == "fp1.placed_per_1000_0_22")
        assert placed["value"] == next(
            r.value for r in expected if r.id == "fp1.placed_per_1000_0_22"
        )


def _check_published_csv(path: Path, document: dict) -> None:
    """The spreadsheet of published values: Danish Excel's form, one row per municipality,
    each cell the indicator's published value (small counts ``<5``, hidden values empty)."""
    import csv

    from noegletal.discretion import publish
    from noegletal.indicators.registry import Result

    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads æøå
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:2] == ["kode", "kommune"]
    assert header[2] == "Børn og unge på indsatstrappen [fp1.staircase_persons]"
    assert [r[0] for r in body] == [m["code"] for m in document["municipalities"]]
    threshold = document["discretion_threshold"]
    column = header.index("Anbragte pr. 1.000 0-22-årige [fp1.placed_per_1000_0_22]")
    for row, entry in zip(body, document["municipalities"], strict=True):
        exact = next(e for e in entry["indicators"] if e["id"] == "fp1.placed_per_1000_0_22")
        shown = publish(
            Result(exact["id"], exact["value"], exact["unit"], basis=exact.get("basis")),
            threshold,
        ).value
        # Ten significant digits with a decimal comma, or the discretion mark, or empty.
        if isinstance(shown, float):
            assert row[column] == f"{shown:.10g}".replace(".", ",")
        else:
            assert row[column] == ("" if shown is None else str(shown))
    counts = [
        r[header.index("Børn og unge på indsatstrappen [fp1.staircase_persons]")] for r in body
    ]
    assert all((c.isdigit() and int(c) >= threshold) or c == f"<{threshold}" for c in counts)


@pytest.mark.parametrize("shuffle", [False, True])
def test_split_gives_each_municipality_its_own_rows_in_order(tables: Tables, shuffle) -> None:
    """Split tables equal one filter per municipality, whether or not the rows arrive
    grouped by municipality (grouped tables are sliced without a sort)."""
    from dataclasses import replace

    from noegletal.indicators.batch import split_by_municipality

    if shuffle:
        rng = np.random.default_rng(7)
        tables = replace(
            tables,
            interventions=tables.interventions.iloc[rng.permutation(len(tables.interventions))],
            ledger=tables.ledger.iloc[rng.permutation(len(tables.ledger))],
        )
    split = split_by_municipality(tables)
    assert list(split) == tables.municipality_codes
    for code, one in split.items():
        expected = tables.for_municipality(code)
        for name in ("interventions", "ledger", "followups"):
            pd.testing.assert_frame_equal(getattr(one, name), getattr(expected, name))
        pd.testing.assert_series_equal(
            one.ledger_budget_line, expected.ledger_budget_line, check_names=False
        )


def test_duckdb_engine_with_municipality_codes_stored_as_numbers(
    national: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """Codes stored as numbers in one table and as text in another are the same codes. The
    ledger summary computed early from the raw files must not be used then: its enrolled
    persons were found twice (101 and "101"), which repeated their bookings in the join."""
    import shutil

    from noegletal.engine import load_with_engine

    out_dir, _ = national
    folder = tmp_path / "numbers"
    shutil.copytree(out_dir, folder)
    interventions = pd.read_parquet(folder / "interventions.parquet")
    codes = interventions["municipality_code"].astype("int64")
    interventions.assign(municipality_code=codes).to_parquet(
        folder / "interventions.parquet", index=False
    )
    as_text, _ = load_with_engine(out_dir, "duckdb")
    as_numbers, result = load_with_engine(folder, "duckdb")
    assert as_text is not None and as_numbers is not None, result.errors
    pd.testing.assert_frame_equal(as_numbers.ledger, as_text.ledger)


def _national_variant(out_dir: Path, folder: Path, table: str, change) -> Path:  # type: ignore[no-untyped-def]
    import shutil

    shutil.copytree(out_dir, folder)
    frame = change(pd.read_parquet(folder / f"{table}.parquet"))
    frame.to_parquet(folder / f"{table}.parquet", index=False)
    return folder


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_table_without_municipality_codes_is_refused(
    national: tuple[Path, list[Path]], tmp_path: Path, engine: str
) -> None:
    """Without codes, the ledger would be given whole to every municipality: refused."""
    from noegletal.engine import load_with_engine

    folder = _national_variant(
        national[0], tmp_path / "m", "ledger", lambda f: f.drop(columns="municipality_code")
    )
    tables, result = load_with_engine(folder, engine)
    assert tables is None
    [problem] = result.errors
    assert (problem.file, problem.column) == ("ledger.parquet", "municipality_code")
    assert "several municipalities" in problem.rule


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_rows_of_a_municipality_outside_the_data_set_are_named_and_left_out(
    national: tuple[Path, list[Path]], tmp_path: Path, engine: str
) -> None:
    from noegletal.engine import load_with_engine

    def stray(frame: pd.DataFrame) -> pd.DataFrame:
        code = frame["municipality_code"].where(frame.index % 100 != 7, "999")
        return frame.assign(municipality_code=code)

    folder = _national_variant(national[0], tmp_path / "m", "ledger", stray)
    expected, _ = load_with_engine(national[0], engine)
    tables, result = load_with_engine(folder, engine)
    assert tables is not None and expected is not None, result.errors
    stray_rows = sum(1 + p.more_rows for p in result.warnings if "999" in p.rule)
    assert stray_rows == len(pd.read_parquet(folder / "ledger.parquet").query("index % 100 == 7"))
    assert {p.file for p in result.warnings if "999" in p.rule} == {"ledger.parquet"}
    assert "999" not in set(tables.municipality_codes)


def test_indicators_command_points_to_the_warnings(
    national: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    def stray(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(
            municipality_code=frame["municipality_code"].where(frame.index > 0, "999")
        )

    folder = _national_variant(national[0], tmp_path / "m", "population", stray)
    result = CliRunner().invoke(
        app, ["indicators", "--data", str(folder), "--period", "2025", "--by", "municipality",
              "--format", "none"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 warning(s) about the data" in result.output
    assert f"noegletal validate {folder}" in result.output
