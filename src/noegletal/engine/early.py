"""Ledger work in DuckDB that runs while pandas validates the other tables.

Validating the other tables is single-threaded Python; DuckDB's ledger work — the rules that
need no other table, the posting-date bounds, the summary — runs in native threads. With a
Parquet ledger and the ``duckdb`` engine, :func:`start` does that work in a background thread
at once, reading the few small inputs of the summary (budget lines, enrolments, family
members, the interventions' person and family ids) straight from their Parquet files.

That summary is **speculative**: it is used only if the same inputs, derived afterwards from
the validated tables, are equal to the ones it was computed from (:meth:`EarlyLedger.summary_for`);
otherwise — a CPR number pseudonymised at load, a blank id, a table given as CSV — it is
computed again from the validated tables. So the result is the same as doing everything in
order, only sooner.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from noegletal.data.problems import Problem
from noegletal.engine.db import allow_budgeted, thread_budget
from noegletal.engine.validate import ledger_problems

__all__ = ["EarlyLedger", "start"]

log = logging.getLogger(__name__)

#: Columns of each table the summary's inputs are derived from.
_INPUTS = {
    "budget_lines": None,
    "cross_sector_enrolments": None,
    "family_members": None,
    "interventions": ["person_id", "family_id", "municipality_code"],
}


def _rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``frame`` as text, sorted: equal for two frames exactly when they hold the
    same rows, each as many times (a repeated enrolled person would repeat ledger rows in
    the summary's join: ``101`` read as a number from one table and as text from another)."""
    text = frame.astype("string").fillna("\0")
    return text.sort_values(list(text.columns)).reset_index(drop=True)


@dataclass
class EarlyLedger:
    """What the background thread found: the ledger's own problems, and — when it is readable
    — its bounds, its distinct accounts and (if the inputs could be read) a summary."""

    problems: list[Problem]
    readable: bool
    bounds: tuple[date, date] | None = None
    accounts: pd.Series | None = None
    by_code: bool | None = None
    table: pd.DataFrame | None = None
    persons: pd.DataFrame | None = None
    raw_summary: pd.DataFrame | None = None

    def summary_for(
        self, table: pd.DataFrame, persons: pd.DataFrame, by_code: bool
    ) -> pd.DataFrame | None:
        """The speculative summary if it was computed from exactly these inputs."""
        if self.raw_summary is None or self.table is None or self.persons is None:
            return None
        same = (
            by_code == self.by_code
            and list(table.columns) == list(self.table.columns)
            and list(persons.columns) == list(self.persons.columns)
            and _rows(table).equals(_rows(self.table))
            and _rows(persons).equals(_rows(self.persons))
        )
        if not same:
            log.info("early ledger summary not used: its inputs differ after validation")
        return self.raw_summary if same else None


def _raw_inputs(data_dir: Path) -> dict[str, pd.DataFrame] | None:
    """The summary's input tables as stored, or ``None`` unless all present ones are Parquet."""
    frames = {}
    for name, columns in _INPUTS.items():
        path = data_dir / f"{name}.parquet"
        if not path.exists():
            if any(data_dir.glob(f"{name}.*")):
                return None  # CSV or XLSX: only the loader reads those
            continue
        if columns is not None:
            import pyarrow.parquet as pq

            present = set(pq.read_schema(path).names)
            columns = [c for c in columns if c in present]
        frames[name] = pd.read_parquet(path, columns=columns)
    return frames if {"budget_lines", "interventions"} <= set(frames) else None


def _work(path: Path, data_dir: Path, key: bytes | None) -> EarlyLedger:
    with thread_budget(1):  # pandas validates on the other core meanwhile
        return _ledger_work(path, data_dir, key)


def _ledger_work(path: Path, data_dir: Path, key: bytes | None) -> EarlyLedger:
    problems, readable = ledger_problems(path, key=key)
    early = EarlyLedger(problems, readable)
    if readable:
        try:
            _speculate(early, path, data_dir)
        except Exception:  # the raw files are judged by validation; nothing of this is used
            log.info("early ledger summary skipped", exc_info=True)
    return early


def _speculate(early: EarlyLedger, path: Path, data_dir: Path) -> None:
    """Bounds, accounts and a summary from the raw files. Whatever goes wrong here (a table
    the loader will refuse, all dates empty …) only means the main thread does it later."""
    from noegletal.engine import (
        _duckdb_summary,
        _ledger_bounds_and_accounts,
        enrolled_persons,
        summary_inputs,
    )

    early.bounds, early.accounts = _ledger_bounds_and_accounts(str(path))
    raw = _raw_inputs(data_dir)
    if raw is None:
        return
    by_code = "municipality_code" in raw["interventions"]
    table, persons = summary_inputs(
        raw["budget_lines"], enrolled_persons(raw), early.accounts, by_code
    )
    early.raw_summary = _duckdb_summary(str(path), table, persons, by_code)
    early.by_code, early.table, early.persons = by_code, table, persons


def start(path: Path, data_dir: Path, key: bytes | None) -> Future[EarlyLedger]:
    """Begin the ledger work in a background thread; ``.result()`` waits for it."""
    allow_budgeted()
    pool = ThreadPoolExecutor(1, thread_name_prefix="noegletal-ledger")
    future = pool.submit(_work, path, data_dir, key)
    pool.shutdown(wait=False)
    return future
