"""Every indicator for every municipality of a multi-municipality data set, in one run.

The tables are split by ``municipality_code`` once (a group-by per table, not one filter per
municipality), and the municipalities are computed in a pool of worker processes that
inherit the split tables (fork; nothing is pickled but the results).
"""

from __future__ import annotations

import csv
import gc
import multiprocessing as mp
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from noegletal.data.tables import Tables
from noegletal.discretion import publish
from noegletal.indicators._common import clean
from noegletal.indicators.output import results_document
from noegletal.indicators.registry import compute, indicator_ids
from noegletal.lookup import positions_in
from noegletal.periods import Period, parse_period

__all__ = ["Batch", "compute_by_municipality", "split_by_municipality"]

_SPLIT: dict[str, Tables] = {}


def split_by_municipality(tables: Tables) -> dict[str, Tables]:
    """One :class:`Tables` per municipality code (tables without the column are shared)."""
    codes = tables.municipality_codes
    parts: dict[str, dict[str, pd.DataFrame]] = {code: {} for code in codes}
    line_codes: dict[str, np.ndarray] = {}
    for f in fields(tables):
        frame = getattr(tables, f.name)
        if not isinstance(frame, pd.DataFrame) or "municipality_code" not in frame:
            continue
        # One stable sort by municipality, then zero-copy slices (one take per column,
        # not one per column and municipality).
        position = positions_in(frame["municipality_code"], codes)
        if (position[1:] >= position[:-1]).all():  # already grouped (as exports usually are)
            order, ordered = None, frame.reset_index(drop=True)
        else:
            order = np.argsort(position, kind="stable")
            ordered = frame.take(order).reset_index(drop=True)
            position = position[order]
        bounds = np.searchsorted(position, np.arange(len(codes) + 1))
        # The ledger's budget lines are mapped once for the country, not per municipality.
        line_code = None
        if f.name == "ledger":
            line_code = tables.ledger_line_code
            line_code = line_code if order is None else line_code[order]
        for i, code in enumerate(codes):
            part = ordered.iloc[bounds[i] : bounds[i + 1]]
            parts[code][f.name] = part.reset_index(drop=True)
            if line_code is not None:
                line_codes[code] = line_code[bounds[i] : bounds[i + 1]]
    split = {}
    for code in codes:
        municipality = replace(
            tables.municipality,
            code=code,
            name=tables.municipality.name_of(code),
            municipalities=(),
        )
        split[code] = replace(tables, municipality=municipality, **parts[code])
        if code in line_codes:  # fills the cached property, as computing it would
            split[code].__dict__["ledger_line_code"] = line_codes[code]
    return split


@dataclass
class Batch:
    """Every indicator of every municipality: ``document`` is the JSON output (exact values,
    one entry per municipality); ``published`` holds, per municipality code, each
    indicator's headline value as a report may print it (discretion applied: a number, the
    small-count label ``"<5"``, or ``None`` for a hidden or missing value)."""

    document: dict[str, Any]
    published: dict[str, dict[str, float | int | str | None]]

    def write_csv(self, path: Path | str) -> None:
        """The published headline values as a spreadsheet for benchmarking: one row per
        municipality, one column per indicator (``label [id]``), in the form Danish Excel
        opens directly — ``;`` between fields, decimal comma, UTF-8 with a byte-order mark.
        Hidden or missing values are empty cells; small counts read ``<5``. Exact values
        stay in the JSON (``--json``)."""
        entries = self.document["municipalities"]
        ids = [e["id"] for e in entries[0]["indicators"]] if entries else []
        labels = {e["id"]: e["label_da"] for e in entries[0]["indicators"]} if entries else {}
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(["kode", "kommune", *(f"{labels[i]} [{i}]" for i in ids)])
            for entry in entries:
                shown = self.published.get(entry["code"], {})
                writer.writerow(
                    [entry["code"], entry["name"], *(_csv_cell(shown.get(i)) for i in ids)]
                )


def _csv_cell(value: float | int | str | None) -> str:
    """``12``, ``10,75268817`` (decimal comma, ten significant digits), ``<5`` or empty.

    >>> _csv_cell(10.752688172043012), _csv_cell(12), _csv_cell("<5"), _csv_cell(None)
    ('10,75268817', '12', '<5', '')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    return f"{value:.10g}".replace(".", ",")


def _compute_one(args: tuple[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    code, text = args
    tables = _SPLIT[code]
    period = parse_period(text)
    results = compute(tables, period)
    threshold = tables.municipality.discretion_threshold
    published = {r.id: clean(publish(r, threshold).value) for r in results}
    return results_document(tables, period, results), published


#: Allocations between young-generation collections while computing (Python's default: 700).
#: The indicators allocate many short-lived pandas objects; collecting every 700 of them
#: cost about 15 % of the compute time.
_GC_YOUNG = 50_000


@contextmanager
def _fewer_collections() -> Iterator[None]:
    previous = gc.get_threshold()
    gc.set_threshold(_GC_YOUNG, *previous[1:])
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def _start_worker() -> None:
    """A forked worker: what it inherited stays put (``gc.freeze``: never scanned again),
    and young objects are collected less often."""
    gc.freeze()
    gc.set_threshold(_GC_YOUNG, *gc.get_threshold()[1:])


def compute_by_municipality(tables: Tables, period: Period, *, workers: int | None = None) -> Batch:
    """Every indicator for every municipality (see :class:`Batch`)."""
    global _SPLIT
    _SPLIT = split_by_municipality(tables)
    codes = list(_SPLIT)
    workers = workers or min(len(codes), os.cpu_count() or 1)
    if workers > 1 and len(codes) > 1:
        # Largest municipalities first, one at a time: no worker is left with a big one at
        # the end while the other idles. The document keeps the code order.
        size = {code: len(_SPLIT[code].interventions) for code in codes}
        order = sorted(codes, key=lambda code: -size[code])
        indicator_ids()  # the indicator modules are imported once, before the workers fork
        with ProcessPoolExecutor(
            workers, mp_context=mp.get_context("fork"), initializer=_start_worker
        ) as pool:
            done = dict(
                zip(order, pool.map(_compute_one, [(c, str(period)) for c in order]), strict=True)
            )
        outputs = [done[code] for code in codes]
    else:
        with _fewer_collections():
            outputs = [_compute_one((code, str(period))) for code in codes]
    _SPLIT = {}
    document = {
        "period": str(period),
        "data_sha256": tables.data_sha256,
        "discretion_threshold": tables.municipality.discretion_threshold,
        "municipalities": [
            {
                "code": doc["municipality_code"],
                "name": doc["municipality"],
                "indicators": doc["indicators"],
            }
            for doc, _ in outputs
        ],
    }
    return Batch(document, {doc["municipality_code"]: shown for doc, shown in outputs})
