"""Measure primitives every indicator is built from (``INDICATORS.md``, Common definitions).

* **Active on day d**: ``start_date <= d`` and (``end_date`` empty or ``end_date >= d``).
* **Days active within a span**: both ends inclusive, an empty ``end_date`` is open.
* **Full-year persons** in a period: Σ (days active within the period) / (days in the period).
* **Commitment cost** within a span: ``annual_cost`` × days active within the span / days in
  that calendar year; a measure with rows in ``measure_prices`` uses each price for its own
  validity interval (see :func:`price_segments`).

All functions are vectorised over the rows of an ``interventions``-shaped frame (columns
``start_date`` and ``end_date`` as ``datetime64``; ``annual_cost`` as float) and return
arrays aligned with its rows.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from noegletal.lookup import positions_in
from noegletal.periods import Period, days_in_year

__all__ = [
    "OPEN_END",
    "active_on",
    "commitment_cost",
    "day_number",
    "days_active",
    "full_year_persons",
    "price_segments",
]

#: Day number used for an empty ``end_date`` (9999-12-31): later than any period.
OPEN_END = int(np.datetime64("9999-12-31", "D").astype(np.int64))


def day_number(values: pd.Series | date | np.datetime64, *, open_end: bool = False) -> np.ndarray:
    """Days since 1970-01-01 as int64; a missing value becomes :data:`OPEN_END`.

    ``open_end`` only documents intent at call sites that pass end dates; missing values are
    always mapped to the open end (a missing start date is refused by validation).

    >>> int(day_number(date(1970, 1, 2)))
    1
    """
    del open_end
    if isinstance(values, date | np.datetime64):
        return np.asarray(np.datetime64(values, "D").astype(np.int64))
    series = pd.Series(values)
    days = series.to_numpy(dtype="datetime64[D]", na_value=np.datetime64("NaT"))
    out = days.astype(np.int64)
    out[np.isnat(days)] = OPEN_END
    return out


def active_on(frame: pd.DataFrame, day: date) -> np.ndarray:
    """Boolean mask: measure active on ``day`` (start on or before, end empty or on/after)."""
    d = int(day_number(day))
    start = day_number(frame["start_date"])
    end = day_number(frame["end_date"], open_end=True)
    return (start <= d) & (end >= d)


def days_active(frame: pd.DataFrame, first: date, last: date) -> np.ndarray:
    """Days each measure is active within ``first``..``last`` (both inclusive)."""
    lo = np.maximum(day_number(frame["start_date"]), int(day_number(first)))
    hi = np.minimum(day_number(frame["end_date"], open_end=True), int(day_number(last)))
    return np.clip(hi - lo + 1, 0, None)


def full_year_persons(frame: pd.DataFrame, period: Period) -> np.ndarray:
    """Each measure's contribution to full-year persons (helårspersoner) in ``period``.

    The sum over measures is the average number of simultaneously active measures in the
    period; for a calendar year it is the usual helårspersoner.

    >>> f = pd.DataFrame({"start_date": pd.to_datetime(["2024-01-01", "2024-07-01"]),
    ...                   "end_date": pd.to_datetime([None, "2024-12-31"])})
    >>> full_year_persons(f, Period(2024, "year")).round(4).tolist()  # 366/366, 184/366
    [1.0, 0.5027]
    """
    return days_active(frame, period.start, period.end) / period.days


def price_segments(
    interventions: pd.DataFrame,
    measure_prices: pd.DataFrame | None = None,
    *,
    start: np.ndarray | None = None,
    end: np.ndarray | None = None,
) -> pd.DataFrame:
    """Split every measure into intervals of constant annual cost.

    The price on the intervention row applies from ``start_date``; each ``measure_prices``
    row (``intervention_id``, ``valid_from``, ``annual_cost``) applies from its
    ``valid_from`` until the day before the next price row, or until ``end_date``. A price row
    dated on or before ``start_date`` replaces the intervention row's price from the start.
    ``start`` and ``end``, when given, are the measures' :func:`day_number` of ``start_date``
    and ``end_date`` (a caller that has them saves converting the dates again).

    Returns
    -------
    DataFrame
        ``row`` (position of the measure in ``interventions``), ``seg_start`` and ``seg_end``
        (day numbers, inclusive; ``seg_end`` may be :data:`OPEN_END`) and ``annual_cost``.
    """
    if start is None:
        start = day_number(interventions["start_date"])
    if end is None:
        end = day_number(interventions["end_date"], open_end=True)
    row = np.arange(len(interventions))
    begin = start
    cost = interventions["annual_cost"].to_numpy(dtype=float)
    from_table = np.zeros(len(interventions), dtype=bool)
    if measure_prices is not None and len(measure_prices):
        found = positions_in(measure_prices["intervention_id"], interventions["intervention_id"])
        known = found >= 0
        price_row = found[known]
        # A price row at or before the start replaces the base price from the start.
        price_begin = np.maximum(day_number(measure_prices["valid_from"])[known], start[price_row])
        row = np.concatenate([row, price_row])
        begin = np.concatenate([begin, price_begin])
        cost = np.concatenate([cost, measure_prices["annual_cost"].to_numpy(dtype=float)[known]])
        from_table = np.concatenate([from_table, np.ones(len(price_row), dtype=bool)])
    # Sorted by measure, start day, price-table rows last (a stable sort); when two rows
    # start on the same day the later one wins. One stable sort of a combined key costs a
    # fraction of np.lexsort of the three: day offsets from the earliest begin take fewer
    # than 32 bits (0001-01-01 to 9999-12-31 are 3.65 million days), measure positions the
    # bits above.
    offset = begin - begin.min(initial=0)
    order = np.argsort((row << 33) | (offset << 1) | from_table, kind="stable")
    row, begin, cost = row[order], begin[order], cost[order]
    same_next = (row[1:] == row[:-1]) & (begin[1:] == begin[:-1])
    keep = np.append(~same_next, True)
    row, begin, cost = row[keep], begin[keep], cost[keep]
    own_end = end[row]
    next_in_row = np.append(row[1:] == row[:-1], False)
    next_begin = np.append(begin[1:], 0)
    seg_end = np.minimum(np.where(next_in_row, next_begin - 1, own_end), own_end)
    valid = seg_end >= begin
    return pd.DataFrame(
        {
            "row": row[valid],
            "seg_start": begin[valid],
            "seg_end": seg_end[valid].astype(np.int64),
            "annual_cost": cost[valid],
        }
    )


def _cost_of_segments(segments: pd.DataFrame, first: int, last: int) -> np.ndarray:
    """Commitment cost of each segment within day numbers ``first``..``last``."""
    cost = np.zeros(len(segments))
    if not len(segments) or last < first:
        return cost
    seg_start = segments["seg_start"].to_numpy()
    seg_end = segments["seg_end"].to_numpy()
    price = segments["annual_cost"].to_numpy()
    first_year = int(np.datetime64(first, "D").astype("datetime64[Y]").astype(int)) + 1970
    last_year = int(np.datetime64(last, "D").astype("datetime64[Y]").astype(int)) + 1970
    for year in range(first_year, last_year + 1):
        y0 = max(first, int(day_number(date(year, 1, 1))))
        y1 = min(last, int(day_number(date(year, 12, 31))))
        lo = np.maximum(seg_start, y0)
        hi = np.minimum(seg_end, y1)
        days = np.clip(hi - lo + 1, 0, None)
        cost += price * days / days_in_year(year)
    return cost


def commitment_cost(
    interventions: pd.DataFrame,
    first: date,
    last: date,
    measure_prices: pd.DataFrame | None = None,
    *,
    segments: pd.DataFrame | None = None,
) -> np.ndarray:
    """Commitment cost of each measure within ``first``..``last`` (kr., both days inclusive).

    ``annual_cost`` × days active within the span / days in that calendar year, per price
    interval; a span crossing New Year is split at 31 December. ``segments``, when given, are
    the :func:`price_segments` of ``interventions`` and ``measure_prices`` (computed once by a
    caller that asks for many spans).

    >>> f = pd.DataFrame({"intervention_id": ["a"], "annual_cost": [365_000.0],
    ...     "start_date": pd.to_datetime(["2025-03-01"]), "end_date": pd.to_datetime([None])})
    >>> float(commitment_cost(f, date(2025, 1, 1), date(2025, 3, 31))[0])  # 31 days × 1000
    31000.0
    """
    if segments is None:
        segments = price_segments(interventions, measure_prices)
    per_segment = _cost_of_segments(segments, int(day_number(first)), int(day_number(last)))
    return np.bincount(
        segments["row"].to_numpy(), weights=per_segment, minlength=len(interventions)
    )


def annual_cost_on(
    interventions: pd.DataFrame, day: date, measure_prices: pd.DataFrame | None = None
) -> np.ndarray:
    """The annual cost in force on ``day`` for each measure (NaN where not active that day)."""
    segments = price_segments(interventions, measure_prices)
    d = int(day_number(day))
    hit = (segments["seg_start"] <= d) & (segments["seg_end"] >= d)
    out = np.full(len(interventions), np.nan)
    chosen = segments[hit]
    out[chosen["row"].to_numpy()] = chosen["annual_cost"].to_numpy()
    return out
