"""Computation engines: where the heavy aggregation runs.

* ``pandas`` (default): every table is read into pandas; indicators read the raw ledger.
* ``duckdb``: the ledger — the one table that reaches millions of rows — is validated and
  summarised in DuckDB (the embedded engine) straight from Parquet (or from the loaded
  frame for CSV/XLSX data), and never enters pandas whole. The indicator functions are the
  same; they read the summary (:mod:`noegletal.engine.ledger`).
* ``spark``: the same summary query, transpiled to Spark SQL with sqlglot, runs on Apache
  Spark (local mode here; a cluster via ``SPARK_REMOTE``/``spark.master``, see
  ``docs/scale.md``). Needs the optional extra ``pyspark``.

All three give the same indicators: ``duckdb`` and ``spark`` byte-identical summaries (amounts
are summed in whole øre), ``pandas`` the same values up to the last floating-point digit
(sums taken in a different order). Tests compare them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pandas as pd

from noegletal.data import privacy
from noegletal.data.problems import DataError, Problem
from noegletal.data.tables import Tables
from noegletal.engine.ledger import (
    LEDGER_OPTIONAL,
    account_table,
    enrolled_table,
    finish_summary,
    summary_sql,
)

if TYPE_CHECKING:  # the loader (pandera …) is imported once the ledger work has begun
    from noegletal.data.load import LoadResult

__all__ = [
    "ENGINES",
    "Engine",
    "enrolled_persons",
    "load_with_engine",
    "summarise_ledger",
    "summary_inputs",
]

log = logging.getLogger(__name__)

Engine = Literal["pandas", "duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("pandas", "duckdb", "spark")


def enrolled_persons(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every person that a cross-sector enrolment may reach (person enrolments, members of
    enrolled families from ``family_members`` and from ``interventions.family_id``).

    A superset is harmless: these persons keep day-level rows in the ledger summary.
    """
    enrolments = frames.get("cross_sector_enrolments")
    columns = ["person_id", "municipality_code"]
    if enrolments is None or enrolments.empty:
        return pd.DataFrame(columns=columns)
    has_code = "municipality_code" in enrolments
    parts = []
    if "person_id" in enrolments:
        parts.append(enrolments[["person_id", *(["municipality_code"] if has_code else [])]])
    if "family_id" in enrolments:
        families = enrolments["family_id"].dropna().unique()
        for table in ("family_members", "interventions"):
            frame = frames.get(table)
            if frame is not None and "family_id" in frame:
                hit = frame[frame["family_id"].isin(families)]
                parts.append(hit[["person_id", *(["municipality_code"] if has_code else [])]])
    persons = pd.concat(parts, ignore_index=True).dropna(subset=["person_id"]).drop_duplicates()
    if not has_code:
        persons["municipality_code"] = pd.NA
    return persons[columns].reset_index(drop=True)


def _duckdb_summary(
    ledger_source: str | pd.DataFrame, accounts: pd.DataFrame, enrolled: pd.DataFrame, by_code: bool
) -> pd.DataFrame:
    from noegletal.engine.db import connect

    con = connect()
    try:
        if isinstance(ledger_source, pd.DataFrame):
            con.register("ledger", _with_optional_ids(ledger_source))
        else:
            from noegletal.engine.validate import ledger_relation

            con.execute(f"CREATE VIEW ledger AS {ledger_relation(con, ledger_source)}")
        con.register("accounts", accounts)
        con.register("enrolled", enrolled)
        # Through Arrow: the municipality codes arrive as Arrow strings, not Python objects.
        sql = summary_sql(by_code, _tied_by(ledger_source))
        return con.sql(sql).to_arrow_table().to_pandas()
    finally:
        con.close()


def _spark_summary(
    ledger_source: str | pd.DataFrame, accounts: pd.DataFrame, enrolled: pd.DataFrame, by_code: bool
) -> pd.DataFrame:
    from noegletal.engine.spark import as_ledger, run_spark_sql

    ledger = ledger_source
    if isinstance(ledger, pd.DataFrame):
        ledger = _with_optional_ids(ledger)
    return run_spark_sql(
        summary_sql(by_code, _tied_by(ledger_source)),
        {"ledger": ledger, "accounts": accounts, "enrolled": enrolled},
        prepare={"ledger": as_ledger},
    )


def _with_optional_ids(ledger: pd.DataFrame) -> pd.DataFrame:
    """A ledger frame with the optional id columns it lacks added as missing values, as
    :func:`~noegletal.engine.validate.ledger_relation` reads a Parquet ledger."""
    missing = {
        name: pd.Series(pd.NA, index=ledger.index, dtype="string")
        for name in LEDGER_OPTIONAL
        if name not in ledger
    }
    return ledger.assign(**missing) if missing else ledger


def summary_inputs(
    budget_lines: pd.DataFrame, enrolled: pd.DataFrame, accounts: pd.Series, by_municipality: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two small relations the summary query joins: the account table (account → budget
    line and representative account) and the enrolled persons."""
    table = account_table(accounts, budget_lines)
    persons = enrolled if by_municipality else enrolled[["person_id"]].drop_duplicates()
    return table, enrolled_table(persons.reset_index(drop=True))


def summarise_ledger(
    engine: Engine,
    ledger_source: str | pd.DataFrame,
    budget_lines: pd.DataFrame,
    enrolled: pd.DataFrame,
    accounts: pd.Series,
    *,
    by_municipality: bool = False,
) -> pd.DataFrame:
    """The ledger summary computed by ``engine`` (``duckdb`` or ``spark``), ledger-shaped."""
    table, persons = summary_inputs(budget_lines, enrolled, accounts, by_municipality)
    started = time.perf_counter()
    if engine == "duckdb":
        raw = _duckdb_summary(ledger_source, table, persons, by_municipality)
    elif engine == "spark":
        raw = _spark_summary(ledger_source, table, persons, by_municipality)
    else:
        raise ValueError(f"engine {engine!r} does not summarise the ledger")
    log.info(
        "ledger summary (%s): %d rows in %.2f s", engine, len(raw), time.perf_counter() - started
    )
    return finish_summary(raw, table, persons)


def load_with_engine(
    data_dir: Path | str,
    engine: Engine = "pandas",
    *,
    mapping_path: Path | None = None,
    key: bytes | None = None,
) -> tuple[Tables | None, LoadResult]:
    """Validate and load ``data_dir``; with ``duckdb``/``spark`` the ledger arrives summarised.

    Returns ``(tables, result)``; ``tables`` is ``None`` when the data have errors (listed in
    ``result.problems``). A Parquet ledger is validated in DuckDB without loading it into
    pandas (:mod:`noegletal.engine.validate`); other formats go through the normal loader.
    """
    if key is None:
        key = privacy.load_pseudonym_key()
    data_dir = Path(data_dir)
    parquet_ledger = data_dir / "ledger.parquet"
    sql_ledger = (
        engine != "pandas"
        and parquet_ledger.exists()
        and mapping_path is None
        and not (data_dir / "mapping.yml").exists()
    )
    skip = ("ledger",) if sql_ledger else ()
    early = None
    if sql_ledger and engine == "duckdb":
        from noegletal.engine.early import start

        early = start(parquet_ledger, data_dir, key)  # runs while pandas validates
    from noegletal.data.load import inspect_data_dir  # pandera: imported beside DuckDB's work

    references = enrolled = None
    try:
        result = inspect_data_dir(data_dir, mapping_path=mapping_path, key=key, skip=skip)
        if early is not None and not early.done() and result.municipality is not None:
            # Pandas finished first: check the ledger's references while DuckDB finishes the
            # summary (used only if the ledger's own rules find it readable), and find the
            # enrolled persons the summary's inputs are compared with.
            references = _references_or_none(parquet_ledger, result.frames)
            if result.ok:
                enrolled = enrolled_persons(result.frames)
        ledger = early.result() if early is not None else None
    except BaseException:  # Ctrl-C, or a bug: stop the background queries too
        if early is not None:
            from noegletal.engine.db import interrupt_budgeted

            interrupt_budgeted()
        raise
    if sql_ledger and result.municipality is not None:
        from noegletal.data.schema import missing_code_problem
        from noegletal.data.spec import several_municipalities
        from noegletal.engine.validate import ledger_problems, ledger_reference_problems

        if several_municipalities(result.frames.get("interventions")) and (
            "municipality_code" not in _ledger_columns(str(parquet_ledger))
        ):
            result.problems.append(missing_code_problem(parquet_ledger.name))

        problems, readable = (
            (ledger.problems, ledger.readable)
            if ledger is not None
            else ledger_problems(parquet_ledger, key=key)
        )
        result.problems += problems
        if readable:
            if references is None:
                references = ledger_reference_problems(parquet_ledger, result.frames)
            result.problems += references
    if not result.ok or result.municipality is None:
        return None, result
    frames = {name: frame.reset_index(drop=True) for name, frame in result.frames.items()}
    if engine == "pandas":
        return Tables(municipality=result.municipality, sources=result.sources, **frames), result
    by_code = "municipality_code" in frames["interventions"]
    source: str | pd.DataFrame = str(parquet_ledger) if sql_ledger else frames["ledger"]
    if ledger is not None and ledger.bounds is not None and ledger.accounts is not None:
        bounds, accounts = ledger.bounds, ledger.accounts
    else:
        bounds, accounts = _ledger_bounds_and_accounts(source)
    if enrolled is None:
        enrolled = enrolled_persons(frames)
    table, persons = summary_inputs(frames["budget_lines"], enrolled, accounts, by_code)
    raw = ledger.summary_for(table, persons, by_code) if ledger is not None else None
    if raw is not None:
        summary = finish_summary(raw, table, persons)
    else:
        summary = summarise_ledger(
            engine, source, frames["budget_lines"], enrolled, accounts, by_municipality=by_code
        )
    # A ledger without person ids gives a summary without them, as in the pandas engine (the
    # indicators tell "no person ids" from "no enrolled person's bookings"). The summary's
    # intervention_id marks the tied bookings, whichever column tied them (summary_sql).
    if "person_id" not in _ledger_columns(source):
        summary = summary.drop(columns=["person_id"])
    frames["ledger"] = summary
    tables = Tables(
        municipality=result.municipality, sources=result.sources, ledger_bounds=bounds, **frames
    )
    return tables, result


def _ledger_columns(source: str | pd.DataFrame) -> set[str]:
    """The columns of the raw ledger (a Parquet file or a frame)."""
    if isinstance(source, pd.DataFrame):
        return set(source.columns)
    import pyarrow.parquet as pq

    return set(pq.read_schema(source).names)


def _tied_by(source: str | pd.DataFrame) -> str:
    """The column that ties a booking to a measure (see :func:`summary_sql`)."""
    columns = _ledger_columns(source)
    return next((c for c in ("intervention_id", "person_id") if c in columns), "all")


def _references_or_none(path: Path, frames: dict[str, pd.DataFrame]) -> list[Problem] | None:
    """The ledger's reference problems, or ``None`` if the file cannot be read that far (its
    own rules, run in the background, will say why)."""
    import duckdb

    from noegletal.engine.validate import ledger_reference_problems

    try:
        return ledger_reference_problems(path, frames)
    except duckdb.InterruptException as exc:  # Ctrl-C, as DuckDB reports it
        raise KeyboardInterrupt from exc
    except duckdb.Error:
        return None


def _ledger_bounds_and_accounts(source: str | pd.DataFrame):  # type: ignore[no-untyped-def]
    """(first, last) posting day of the raw ledger (``None`` if it has no bookings) and its
    distinct accounts."""
    if isinstance(source, pd.DataFrame):
        first, last = source["posting_date"].min(), source["posting_date"].max()
        accounts = source["account"]
    else:
        from noegletal.engine.db import connect
        from noegletal.engine.validate import ledger_relation

        con = connect()
        try:
            ledger = ledger_relation(con, source)
            ((first, last),) = con.execute(
                f"SELECT MIN(posting_date), MAX(posting_date) FROM ({ledger})"
            ).fetchall()
            accounts = con.execute(
                f"SELECT DISTINCT account FROM ({ledger}) WHERE account IS NOT NULL"
            ).df()["account"]
        finally:
            con.close()
    if pd.isna(first) or pd.isna(last):
        return None, accounts
    return (pd.Timestamp(first).date(), pd.Timestamp(last).date()), accounts


def require_tables(data_dir: Path | str, engine: Engine = "pandas") -> Tables:
    """:func:`load_with_engine` that raises :class:`DataError` on invalid data."""
    tables, result = load_with_engine(data_dir, engine)
    if tables is None:
        raise DataError(result.problems or [Problem(str(data_dir), "invalid data", "")])
    return replace(tables)
