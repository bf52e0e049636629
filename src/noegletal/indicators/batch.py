"""Every indicator for every municipality of a multi-municipality data set, in one run.

The tables are split by ``municipality_code`` once (a group-by per table, not one filter per
municipality), and the municipalities are computed in a pool of worker processes that
inherit the split tables (fork; nothing is pickled but the results).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields, replace
from typing import Any

import numpy as np
import pandas as pd

from noegletal.data.tables import Tables
from noegletal.indicators.output import results_document
from noegletal.indicators.registry import compute
from noegletal.periods import Period, parse_period

__all__ = ["compute_by_municipality", "split_by_municipality"]

_SPLIT: dict[str, Tables] = {}


def split_by_municipality(tables: Tables) -> dict[str, Tables]:
    """One :class:`Tables` per municipality code (tables without the column are shared)."""
    codes = tables.municipality_codes
    parts: dict[str, dict[str, pd.DataFrame]] = {code: {} for code in codes}
    wanted = pd.Index(codes)
    for f in fields(tables):
        frame = getattr(tables, f.name)
        if not isinstance(frame, pd.DataFrame) or "municipality_code" not in frame:
            continue
        # One stable sort by municipality, then zero-copy slices (one take per column,
        # not one per column and municipality).
        position = wanted.get_indexer(frame["municipality_code"])
        order = np.argsort(position, kind="stable")
        ordered = frame.take(order).reset_index(drop=True)
        bounds = np.searchsorted(position[order], np.arange(len(codes) + 1))
        for i, code in enumerate(codes):
            part = ordered.iloc[bounds[i] : bounds[i + 1]]
            parts[code][f.name] = part.reset_index(drop=True)
    split = {}
    for code in codes:
        municipality = replace(
            tables.municipality,
            code=code,
            name=tables.municipality.name_of(code),
            municipalities=(),
        )
        split[code] = replace(tables, municipality=municipality, **parts[code])
    return split


def _compute_one(args: tuple[str, str]) -> dict[str, Any]:
    code, text = args
    tables = _SPLIT[code]
    period = parse_period(text)
    return results_document(tables, period, compute(tables, period))


def compute_by_municipality(
    tables: Tables, period: Period, *, workers: int | None = None
) -> dict[str, Any]:
    """The output document with one entry per municipality (code, name, indicators)."""
    global _SPLIT
    _SPLIT = split_by_municipality(tables)
    codes = list(_SPLIT)
    workers = workers or min(len(codes), os.cpu_count() or 1)
    if workers > 1 and len(codes) > 1:
        # Largest municipalities first, one at a time: no worker is left with a big one at
        # the end while the other idles. The document keeps the code order.
        size = {code: len(_SPLIT[code].interventions) for code in codes}
        order = sorted(codes, key=lambda code: -size[code])
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            done = dict(
                zip(order, pool.map(_compute_one, [(c, str(period)) for c in order]), strict=True)
            )
        documents = [done[code] for code in codes]
    else:
        documents = [_compute_one((code, str(period))) for code in codes]
    _SPLIT = {}
    return {
        "period": str(period),
        "data_sha256": tables.data_sha256,
        "discretion_threshold": tables.municipality.discretion_threshold,
        "municipalities": [
            {
                "code": doc["municipality_code"],
                "name": doc["municipality"],
                "indicators": doc["indicators"],
            }
            for doc in documents
        ],
    }
