"""FP5 — person-level commitment accounts and year-end forecasts.

The forecast of year-end spend at a cut-off day t, per budget line (``INDICATORS.md``)::

    forecast = actual spend 1 Jan..t
             + Σ active measures at t: commitment cost from t+1 to min(end_date, 31 Dec)
             + expected new measures: start rate × average annual cost of new measures
               × expected remaining fraction of the year
             − expected early endings of open-ended measures (historical ending rate)

plus the rest of the year's bookings that are not tied to a measure (refunds,
administration). ``docs/forecast.md`` writes every term out; :func:`forecast_at` computes
exactly that, term by term, and :func:`backtest` replays it at every month end of a closed
year. The cut-off of a period is its end; the year forecast is the period's year.

Only the budget lines of the specialised social area (``area`` children or adults) take part,
as in FP3.
"""

from __future__ import annotations

import calendar
import weakref
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

import numpy as np
import pandas as pd

from noegletal.codes import AREAS
from noegletal.data.accounts import split_list
from noegletal.data.tables import Tables
from noegletal.indicators._common import series_dict
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.lookup import arrow_strings, positions_in
from noegletal.measures import OPEN_END, day_number
from noegletal.periods import Period, add_months, days_in_year, month_ends

__all__ = [
    "Backtest",
    "Forecast",
    "actual_year",
    "backtest",
    "corrected_budget",
    "forecast_at",
    "months_before",
    "new_measures_cost",
]

#: Columns of :attr:`Forecast.lines`, in the order of ``docs/forecast.md``.
TERMS = ("actual_ytd", "committed", "new_measures", "early_endings", "non_measure_rest")


_EPOCH = date(1970, 1, 1).toordinal()


def _dn(day: date) -> int:
    """Day number of ``day`` (as :func:`noegletal.measures.day_number`)."""
    return day.toordinal() - _EPOCH


def _date(day_no: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day_no))


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier; a month's last day maps to the last day of the
    earlier month (28 Feb 2025 − 12 months = 29 Feb 2024), so month-end cut-offs give whole
    months.

    >>> months_before(date(2025, 2, 28), 12), months_before(date(2025, 3, 15), 24)
    (datetime.date(2024, 2, 29), datetime.date(2023, 3, 15))
    """
    earlier = add_months(day, -months)
    if (day + timedelta(days=1)).day == 1:
        return date(
            earlier.year, earlier.month, calendar.monthrange(earlier.year, earlier.month)[1]
        )
    return earlier


# ---- period-independent arrays, prepared once per Tables ------------------------------------
@dataclass(frozen=True)
class _Prepared:
    lines: pd.Index  # the social-area budget lines, in budget_lines order
    line_area: np.ndarray
    m_line: np.ndarray  # line code of each measure (-1: on no social-area line)
    m_start: np.ndarray
    m_end: np.ndarray  # OPEN_END for an empty end_date
    m_start_cost: np.ndarray  # annual cost in force on the start day
    p_row: np.ndarray  # price timeline: measure row, first day, annual cost (sorted)
    p_from: np.ndarray
    p_cost: np.ndarray
    l_day: np.ndarray
    l_amount: np.ndarray
    l_line: np.ndarray  # line code of each booking (-1: no social-area line)
    l_tied: np.ndarray  # booking tied to a measure
    tie_rule: str
    data_start: int  # 1 January of the year of the earliest booking
    extract: int
    lookback_months: int
    measures_off_line: int
    b_year: np.ndarray  # budget rows: year, line code (-1: no social-area line), corrected
    b_line: np.ndarray
    b_corrected: np.ndarray
    years: dict[int, _Year] = field(default_factory=dict)  # filled by _year
    budgets: dict[int, tuple[pd.Series, np.ndarray]] = field(default_factory=dict)  # by _budget


@dataclass(frozen=True)
class _Year:
    """What can count at a cut-off in ``year``. Rows of :class:`_Prepared` keep their order
    (so sums over them add the same numbers in the same order):

    - ``l_…``: the bookings on a social-area line dated 1 Jan of the year before .. 31 Dec
      (``l_untied``: not tied to a measure);
    - ``s_…``: the measures on a line starting after ``day0`` .. 31 Dec (every lookback
      window of a cut-off in the year begins after ``day0``), with their start cost;
    - ``p_…``: the price rows of the measures on a line active on some day of the year, with
      their measure's line, start and end.

    The measure counts per day ``day0`` .. 31 Dec (row ``day − day0``) and line (column), of
    the measures on a line: ``active`` that day; ``exposed``, measure-days active ``day0`` ..
    that day; ``ended`` on or before that day; ``open``: active that day without an end
    known that day (none, or one after that day but not after the extract).
    """

    l_day: np.ndarray
    l_amount: np.ndarray
    l_line: np.ndarray
    l_untied: np.ndarray
    s_line: np.ndarray
    s_start: np.ndarray
    s_cost: np.ndarray
    p_row: np.ndarray
    p_from: np.ndarray
    p_cost: np.ndarray
    p_line: np.ndarray
    p_start: np.ndarray
    p_end: np.ndarray
    day0: int
    active: np.ndarray
    exposed: np.ndarray
    ended: np.ndarray
    open: np.ndarray


_PREPARED: weakref.WeakKeyDictionary[Tables, _Prepared] = weakref.WeakKeyDictionary()
_FORECASTS: weakref.WeakKeyDictionary[Tables, dict[date, Forecast]] = weakref.WeakKeyDictionary()


def _line_of_measure(ctx: Context, lines: dict[str, np.ndarray]) -> np.ndarray:
    """Line code of each intervention: the first social-area line whose ``measure_types``
    lists the measure's type (lines and measures of the same area)."""
    code_of: dict[tuple[str, str], int] = {}
    for code, (area, cell) in enumerate(zip(lines["area"], lines["measure_types"], strict=True)):
        for measure_type in split_list(cell):
            code_of.setdefault((str(area), measure_type), code)
    # The context's area masks and type codes, which earlier indicators have derived.
    areas = ("children", "adults")
    area_code = np.where(ctx.is_children, 0, np.where(ctx.is_adults, 1, -1))
    type_code, types = ctx.codes("measure_type")
    # Line code of each (area, measure type) pair; the last row and column (the code -1 of
    # another area or a missing type) stay -1.
    table = np.full((len(areas) + 1, len(types) + 1), -1, dtype=np.int64)
    for i, area in enumerate(areas):
        for j, measure_type in enumerate(types):
            table[i, j] = code_of.get((area, str(measure_type)), -1)
    return table[area_code, type_code]


def _price_timeline(tables: Tables, start: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every price row (the intervention row from ``start_date``, then ``measure_prices``),
    sorted by measure and first day; a price row dated on or before the start replaces the
    intervention row's price from the start; of two rows on the same day the later
    (price-table) row wins — the rules of :func:`noegletal.measures.price_segments`.
    ``start`` is the day number of each intervention's start."""
    interventions = tables.interventions
    n = len(interventions)
    rows = [np.arange(n)]
    froms = [start]
    costs = [interventions["annual_cost"].to_numpy(dtype=float)]
    prices = tables.measure_prices
    if prices is not None and len(prices):
        # The row of each price row's measure (the intervention ids are unique); −1 for an
        # unknown or missing id.
        row = positions_in(prices["intervention_id"], interventions["intervention_id"])
        known = row >= 0
        row = row[known]
        rows.append(row)
        froms.append(np.maximum(day_number(prices["valid_from"])[known], start[row]))
        costs.append(prices["annual_cost"].to_numpy(dtype=float)[known])
    row, first, cost = np.concatenate(rows), np.concatenate(froms), np.concatenate(costs)
    # Sorted by measure, first day, source (intervention rows before price rows), stably:
    # the three as one int64 key (day numbers span a few million), which a single stable
    # argsort orders faster than a lexsort by three keys, in the same order.
    lo = first.min(initial=0)  # initial: there may be no rows
    key = (row * (first.max(initial=0) - lo + 1) + (first - lo)) * 2
    key[n:] += 1  # the price rows
    order = np.argsort(key, kind="stable")
    row, first, cost = row[order], first[order], cost[order]
    last_of_day = np.append((row[1:] != row[:-1]) | (first[1:] != first[:-1]), True)
    return row[last_of_day], first[last_of_day], cost[last_of_day]


def _tied_bookings(ledger: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Which bookings are tied to a measure: ``intervention_id`` given (not missing, not
    blank); without that column ``person_id`` given; without either, every booking."""
    import pyarrow.compute as pc

    for column, rule in (("intervention_id", "intervention_id"), ("person_id", "person_id")):
        if column in ledger:
            values = ledger[column]
            # Blank: empty once whitespace is trimmed as pandas' ``str.strip()`` trims the
            # Arrow strings of ``astype(str)`` (utf8_trim_whitespace), here on the Arrow
            # array itself.
            trimmed = pc.utf8_trim_whitespace(arrow_strings(values.astype(str)))
            filled = pc.not_equal(trimmed, "").fill_null(False).to_numpy()
            return values.notna().to_numpy() & filled, rule
    return np.ones(len(ledger), dtype=bool), "all"


def _prepare(tables: Tables, ctx: Context | None = None) -> _Prepared:
    """The period-independent arrays of ``tables``, prepared once per tables.

    The measures' day numbers, areas and type codes, the budget lines' areas and the ledger
    rows' amounts and budget lines are read from a :class:`Context` of the tables: ``ctx``
    when an indicator passes its own (the indicators before FP5 have derived them there
    already), else a fresh one.
    """
    if tables in _PREPARED:
        return _PREPARED[tables]
    if ctx is None:
        ctx = Context(tables, Period(tables.extract_date.year, "year"))  # period not read
    line_area = ctx.line_area  # the area of each of budget_lines' lines, indexed by line
    social = np.isin(line_area.to_numpy(), AREAS)
    line_index = line_area.index[social]
    lines = {
        "budget_line": line_index.to_numpy(),
        "area": line_area.to_numpy()[social],
        "measure_types": tables.budget_lines["measure_types"].to_numpy()[social],
    }
    # Code of each of budget_lines' lines among the social-area ones (-1: not one of them);
    # the appended -1 answers for the code -1 of a row without a line.
    social_code = np.append(np.where(social, np.cumsum(social) - 1, -1), -1)
    m_line = _line_of_measure(ctx, lines)
    m_start = ctx.start_day
    p_row, p_from, p_cost = _price_timeline(tables, m_start)
    first_of_row = np.append(True, p_row[1:] != p_row[:-1])
    start_cost = np.zeros(len(tables.interventions))
    start_cost[p_row[first_of_row]] = p_cost[first_of_row]
    ledger = tables.ledger
    l_line = social_code[ctx.ledger_arrays.line_code]
    l_tied, tie_rule = _tied_bookings(ledger)
    l_day = day_number(ledger["posting_date"])
    budget = tables.budget
    supplementary = budget["supplementary_appropriations"].to_numpy(dtype=float)
    supplementary = np.where(np.isnan(supplementary), 0.0, supplementary)  # missing: none
    first_posting = tables.ledger_first_posting
    first_year = first_posting.year if first_posting else tables.extract_date.year
    prepared = _Prepared(
        lines=line_index.rename("budget_line"),
        line_area=lines["area"],
        m_line=m_line,
        m_start=m_start,
        m_end=ctx.end_day,
        m_start_cost=start_cost,
        p_row=p_row,
        p_from=p_from,
        p_cost=p_cost,
        l_day=l_day,
        l_amount=ctx.ledger_arrays.amount,
        l_line=l_line,
        l_tied=l_tied,
        tie_rule=tie_rule,
        data_start=_dn(date(first_year, 1, 1)),
        extract=_dn(tables.extract_date),
        lookback_months=int(tables.municipality.forecast_lookback_months),
        measures_off_line=int((m_line < 0).sum()),
        b_year=budget["year"].to_numpy(),
        b_line=social_code[positions_in(budget["budget_line"], tables.budget_lines["budget_line"])],
        b_corrected=budget["original_budget"].to_numpy(dtype=float) + supplementary,
    )
    _PREPARED[tables] = prepared
    return prepared


def _running_counts(
    line: np.ndarray, add: np.ndarray, remove: np.ndarray | None, n_lines: int, days: int
) -> np.ndarray:
    """Per day index 0 .. days − 1 (rows) and line (columns), how many items count that day,
    where item k counts from day index ``add[k]`` up to, not including, ``remove[k]``
    (indexes clipped to the span; ``remove`` ≥ ``add``; ``None``: to the end of the span).
    Integer counts, exact."""
    width = (days + 1) * n_lines  # a slot after the last day takes the clipped-off changes
    change = np.bincount(np.clip(add, 0, days) * n_lines + line, minlength=width)
    if remove is not None:
        change -= np.bincount(np.clip(remove, 0, days) * n_lines + line, minlength=width)
    return change.reshape(days + 1, n_lines)[:days].cumsum(axis=0)


def _year(prep: _Prepared, year: int) -> _Year:
    """What can count at a cut-off in ``year`` (prepared once per year: the backtest's
    eleven cut-offs share it)."""
    if year in prep.years:
        return prep.years[year]
    jan1, dec31 = _dn(date(year, 1, 1)), _dn(date(year, 12, 31))
    booking = (prep.l_line >= 0) & (prep.l_day >= _dn(date(year - 1, 1, 1))) & (prep.l_day <= dec31)
    # Every lookback window of a cut-off in the year begins after this day.
    day0 = _dn(months_before(date(year, 1, 1), prep.lookback_months))
    keep = (
        (prep.m_line >= 0)
        & (np.maximum(prep.m_start, prep.m_end) >= day0)
        & (np.minimum(prep.m_start, prep.m_end) <= dec31)
    )
    starting = keep & (prep.m_start > day0) & (prep.m_start <= dec31)
    price = (keep & (prep.m_end >= jan1))[prep.p_row]
    p_row = prep.p_row[price]
    # The counts, from the measures that can count in day0 .. 31 Dec (the others count on
    # none of its days).
    n_lines, days = len(prep.lines), dec31 - day0 + 1
    line, start, end = prep.m_line[keep], prep.m_start[keep] - day0, prep.m_end[keep] - day0
    ordered = end >= start  # a measure ending before its start is never active
    active = _running_counts(line[ordered], start[ordered], end[ordered] + 1, n_lines, days)
    # Not open: a known end after the extract (an end up to the extract is not known yet at
    # a day before it).
    unknown = ordered & ((prep.m_end[keep] == OPEN_END) | (prep.m_end[keep] <= prep.extract))
    result = _Year(
        l_day=prep.l_day[booking],
        l_amount=prep.l_amount[booking],
        l_line=prep.l_line[booking],
        l_untied=~prep.l_tied[booking],
        s_line=prep.m_line[starting],
        s_start=prep.m_start[starting],
        s_cost=prep.m_start_cost[starting],
        p_row=p_row,
        p_from=prep.p_from[price],
        p_cost=prep.p_cost[price],
        p_line=prep.m_line[p_row],
        p_start=prep.m_start[p_row],
        p_end=prep.m_end[p_row],
        day0=day0,
        active=active,
        exposed=active.cumsum(axis=0),
        ended=_running_counts(line, end, None, n_lines, days),
        open=_running_counts(line[unknown], start[unknown], end[unknown], n_lines, days),
    )
    prep.years[year] = result
    return result


# ---- the forecast at one cut-off ---------------------------------------------------------------
@dataclass(frozen=True)
class Forecast:
    """The forecast at ``cutoff`` for the calendar year of the cut-off.

    ``lines`` has one row per social-area budget line (index ``budget_line``) with the terms
    (``actual_ytd``, ``committed``, ``new_measures``, ``early_endings``,
    ``non_measure_rest``), ``forecast`` = actual_ytd + committed + new_measures −
    early_endings + non_measure_rest, and the rates behind them (``starts``, ``start_rate``
    per day, ``avg_new_cost``, ``endings``, ``exposure_days``, ``hazard`` per day,
    ``active``, ``open``, ``measure_ytd``, ``non_measure_ytd``, ``area``).
    """

    cutoff: date
    columns: dict[str, np.ndarray]  # the columns of ``lines``, as arrays
    index: pd.Index
    window_first: date
    window_days: int
    lookback_months: int
    non_measure_basis: str  # "last_year" or "run_rate"
    tie_rule: str
    measures_on_no_line: int = 0

    @cached_property
    def lines(self) -> pd.DataFrame:
        """The terms and rates per line (built from :attr:`columns` when first asked for)."""
        return pd.DataFrame(self.columns, index=self.index)

    @property
    def warm_up(self) -> bool:
        """True when the data begin inside the lookback window (fewer months of history)."""
        return self.window_first > months_before(self.cutoff, self.lookback_months) + timedelta(1)

    @property
    def total(self) -> float:
        """Forecast summed over the lines."""
        return float(self.lines["forecast"].sum())


def _bincount(codes: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    return np.bincount(codes, weights=weights, minlength=n).astype(float, copy=False)[:n]


def _survival_prefix(hazard: np.ndarray, remaining: int) -> np.ndarray:
    """``S[ℓ, j] = Σ_{k<j} q_ℓ^k`` for j = 0..remaining, q = 1 − hazard (day-based survival)."""
    q = 1.0 - hazard
    prefix = np.zeros((len(hazard), remaining + 1))
    np.cumsum(q[:, None] ** np.arange(remaining)[None, :], axis=1, out=prefix[:, 1:])
    return prefix


def new_measures_cost(
    start_rate: np.ndarray, avg_cost: np.ndarray, hazard: np.ndarray, remaining: int, n_days: int
) -> np.ndarray:
    """Expected cost to 31 Dec of measures starting after the cut-off, per line:
    ``λ · ā / N · Σ_{m=1}^{R} G_m`` with ``G_m = Σ_{j<m} q^j`` (``docs/forecast.md``)."""
    prefix = _survival_prefix(np.asarray(hazard, dtype=float), remaining)
    return _new_measures(start_rate, avg_cost, prefix, n_days)


def _new_measures(
    start_rate: np.ndarray, avg_cost: np.ndarray, prefix: np.ndarray, n_days: int
) -> np.ndarray:
    """:func:`new_measures_cost` from the survival prefix sums ``prefix``."""
    return np.asarray(start_rate) * np.asarray(avg_cost) / n_days * prefix[:, 1:].sum(axis=1)


def forecast_at(tables: Tables, cutoff: date) -> Forecast:
    """Year-end forecast per social-area budget line at ``cutoff`` (see ``docs/forecast.md``).

    Raises :class:`MissingInput` when the cut-off lies after the data extract or before the
    first booking.
    """
    cache = _FORECASTS.setdefault(tables, {})
    if cutoff in cache:
        return cache[cutoff]
    prep = _prepare(tables)
    t = _dn(cutoff)
    if t > prep.extract:
        raise MissingInput(
            f"the cut-off {cutoff} lies after the data extract {_date(prep.extract)}"
        )
    if t < prep.data_start:
        raise MissingInput(f"the ledger begins after the cut-off {cutoff}")
    year = cutoff.year
    jan1, dec31, n_days = _dn(date(year, 1, 1)), _dn(date(year, 12, 31)), days_in_year(year)
    remaining = dec31 - t
    n_lines = len(prep.lines)

    data = _year(prep, year)

    # -- actual spend 1 Jan..t, and the bookings not tied to a measure --------------------------
    ytd = (data.l_day >= jan1) & (data.l_day <= t)
    actual = _bincount(data.l_line[ytd], data.l_amount[ytd], n_lines)
    untied = ytd & data.l_untied
    non_measure_ytd = _bincount(data.l_line[untied], data.l_amount[untied], n_lines)
    same_day_last_year = _dn(months_before(cutoff, 12))
    if prep.data_start <= _dn(date(year - 1, 1, 1)):
        basis = "last_year"
        span = (
            data.l_untied
            & (data.l_day > same_day_last_year)
            & (data.l_day <= _dn(date(year - 1, 12, 31)))
        )
        non_measure_rest = _bincount(data.l_line[span], data.l_amount[span], n_lines)
    else:
        basis = "run_rate"
        non_measure_rest = non_measure_ytd * remaining / (t - jan1 + 1)

    # -- rates from the lookback window ----------------------------------------------------------
    first = max(_dn(months_before(cutoff, prep.lookback_months)) + 1, prep.data_start)
    window_days = t - first + 1
    started = (data.s_start >= first) & (data.s_start <= t)
    started_line = data.s_line[started]
    starts = _bincount(started_line, None, n_lines)
    start_cost = _bincount(started_line, data.s_cost[started], n_lines)
    # Counts over first..t: the running counts at t less those the day before first.
    at_t, before = t - data.day0, first - 1 - data.day0
    endings = (data.ended[at_t] - data.ended[before]).astype(float)
    exposure = (data.exposed[at_t] - data.exposed[before]).astype(float)
    hazard = np.divide(endings, exposure, out=np.zeros(n_lines), where=exposure > 0)
    start_rate = starts / window_days
    avg_new_cost = np.divide(start_cost, starts, out=np.zeros(n_lines), where=starts > 0)
    prefix = _survival_prefix(hazard, remaining)  # S[ℓ, m] = G_m = Σ_{j<m} q^j

    # -- commitments of the measures active at t ---------------------------------------------------
    # The price rows of the measures active at t that are known at t: dated up to t, or
    # after the extract. Taken by position (cheaper than five boolean selections).
    visible = np.flatnonzero(
        (data.p_start <= t)
        & (data.p_end >= t)
        & ((data.p_from <= t) | (data.p_from > prep.extract))
    )
    row, start, cost = (
        data.p_row.take(visible),
        data.p_from.take(visible),
        data.p_cost.take(visible),
    )
    seg_line, end = data.p_line.take(visible), data.p_end.take(visible)
    hidden_end = (end > t) & (end <= prep.extract)
    known_end = np.where(hidden_end, OPEN_END, end)
    same_measure = np.append(row[1:] == row[:-1], False)
    next_start = np.append(start[1:], 0)
    seg_end = np.where(same_measure, next_start - 1, known_end)
    seg_end = np.minimum(seg_end, known_end)
    first_day = np.maximum(start, t + 1)
    last_day = np.minimum(seg_end, dec31)
    days = np.maximum(last_day - first_day + 1, 0)
    committed_seg = cost * days / n_days
    seg_open = (known_end == OPEN_END) & (days > 0)
    k0 = np.where(seg_open, first_day - t - 1, 0)
    k1 = np.where(seg_open, last_day - t, 0)
    surviving = cost * (prefix[seg_line, k1] - prefix[seg_line, k0]) / n_days
    early_seg = np.where(seg_open, committed_seg - surviving, 0.0)
    committed = _bincount(seg_line, committed_seg, n_lines)
    early_endings = _bincount(seg_line, early_seg, n_lines)

    # -- expected new measures ------------------------------------------------------------------
    new_measures = _new_measures(start_rate, avg_new_cost, prefix, n_days)

    result = Forecast(
        cutoff=cutoff,
        columns={
            "area": prep.line_area,
            "forecast": actual + committed + new_measures - early_endings + non_measure_rest,
            "actual_ytd": actual,
            "committed": committed,
            "new_measures": new_measures,
            "early_endings": early_endings,
            "non_measure_rest": non_measure_rest,
            "measure_ytd": actual - non_measure_ytd,
            "non_measure_ytd": non_measure_ytd,
            "active": data.active[at_t],
            "open": data.open[at_t],
            "starts": starts.astype(int),
            "start_rate": start_rate,
            "avg_new_cost": avg_new_cost,
            "endings": endings.astype(int),
            "exposure_days": exposure.astype(int),
            "hazard": hazard,
        },
        index=prep.lines,
        window_first=_date(first),
        window_days=window_days,
        lookback_months=prep.lookback_months,
        non_measure_basis=basis,
        tie_rule=prep.tie_rule,
        measures_on_no_line=prep.measures_off_line,
    )
    cache[cutoff] = result
    return result


# ---- budget and backtest --------------------------------------------------------------------
def corrected_budget(tables: Tables, year: int) -> pd.Series:
    """Corrected budget (original + supplementary) of ``year`` per social-area line that has
    a budget row (computed once per year; shared, not to be modified)."""
    return _budget(_prepare(tables), year)[0]


def _budget(prep: _Prepared, year: int) -> tuple[pd.Series, np.ndarray]:
    """:func:`corrected_budget` and the line code of each of its lines (their positions in
    the forecasts' lines), computed once per year."""
    if year not in prep.budgets:
        rows = (prep.b_year == year) & (prep.b_line >= 0)
        # Grouped by line code, i.e. in budget_lines order, summed as pandas groups sum.
        sums = pd.Series(prep.b_corrected[rows]).groupby(prep.b_line[rows]).sum()
        codes = sums.index.to_numpy()
        budget = pd.Series(sums.to_numpy(), index=prep.lines[codes].rename(None))
        prep.budgets[year] = budget, codes
    return prep.budgets[year]


def actual_year(tables: Tables, year: int) -> pd.Series:
    """Actual spend of ``year`` per social-area line (every line, 0 where none)."""
    prep = _prepare(tables)
    mask = (
        (prep.l_line >= 0)
        & (prep.l_day >= _dn(date(year, 1, 1)))
        & (prep.l_day <= _dn(date(year, 12, 31)))
    )
    return pd.Series(
        _bincount(prep.l_line[mask], prep.l_amount[mask], len(prep.lines)), index=prep.lines
    )


@dataclass(frozen=True)
class Backtest:
    """Forecasts at the month ends January–November of a closed ``year`` against its actual
    year total. ``rows``: one row per (month, budget line) with ``forecast``, ``actual``,
    ``error`` = (forecast − actual) / actual (NaN where actual is 0).

    ``total_error`` is the net error of the total over lines; ``gross_error`` = Σ_ℓ |forecast
    − actual| / Σ_ℓ actual, where over- and underspends on lines do not offset each other. The
    ``budget_…`` fields are the same measures for the corrected budget ("budget as forecast"),
    over the lines with a budget row."""

    year: int
    row_columns: dict[str, np.ndarray]  # the columns of ``rows``, as arrays
    total_error: pd.Series  # index "01".."11"
    gross_error: pd.Series
    budget_error: float | None
    budget_gross_error: float | None
    budget_error_by_line: pd.Series
    warm_up_months: list[str]

    @cached_property
    def rows(self) -> pd.DataFrame:
        """One row per (month, budget line) (built from :attr:`row_columns` when first asked
        for)."""
        return pd.DataFrame(self.row_columns)

    @property
    def mean_absolute_error(self) -> float:
        """Mean of |total error| over the month-end cut-offs."""
        return float(self.total_error.abs().mean())


def backtest(tables: Tables, year: int) -> Backtest:
    """Replay the forecast at every month end January–November of ``year`` (the December
    cut-off is the actual year total itself, error 0 by construction)."""
    prep = _prepare(tables)
    if _dn(date(year, 12, 31)) > prep.extract:
        raise MissingInput(f"{year} is not complete in the data (extract {_date(prep.extract)})")
    if prep.data_start > _dn(date(year, 1, 1)):
        raise MissingInput(f"the ledger does not cover all of {year}")
    actual = actual_year(tables, year)
    if actual.sum() == 0:
        raise MissingInput(f"actual spend of {year} is zero")
    actual_values = actual.to_numpy()
    actual_total = actual_values.sum()
    actual_or_nan = np.where(actual_values != 0, actual_values, np.nan)
    cutoffs = month_ends(year)[:11]
    months = [f"{cutoff.month:02d}" for cutoff in cutoffs]
    forecasts, errors, totals, gross, warm = [], [], [], [], []
    for month, cutoff in zip(months, cutoffs, strict=True):
        result = forecast_at(tables, cutoff)
        if result.warm_up:
            warm.append(month)
        forecast = result.columns["forecast"]
        forecasts.append(forecast)
        errors.append((forecast - actual_values) / actual_or_nan)
        totals.append(float((forecast.sum() - actual_total) / actual_total))
        gross.append(float(np.abs(forecast - actual_values).sum() / actual_total))
    n_lines = len(prep.lines)
    rows = {
        "month": np.repeat(months, n_lines),
        "cutoff": np.repeat([cutoff.isoformat() for cutoff in cutoffs], n_lines),
        "budget_line": np.tile(prep.lines.to_numpy(), len(cutoffs)),
        "area": np.tile(prep.line_area, len(cutoffs)),
        "forecast": np.concatenate(forecasts),
        "actual": np.tile(actual_values, len(cutoffs)),
        "error": np.concatenate(errors),
    }
    budget, budget_codes = _budget(prep, year)
    budget_values = budget.to_numpy()
    # The actual spend of the budgeted lines, as arrays; the sums skip NaN as the pandas
    # sums of these series did (np.nansum adds the same way).
    budget_actual = actual_values[budget_codes]
    actual_sum = np.nansum(budget_actual)
    has_budget = bool(len(budget)) and bool(actual_sum)
    budget_error = (
        float((np.nansum(budget_values) - actual_sum) / actual_sum) if has_budget else None
    )
    budget_gross = (
        float(np.nansum(np.abs(budget_values - budget_actual)) / actual_sum) if has_budget else None
    )
    by_line = (budget_values - budget_actual) / np.where(budget_actual != 0, budget_actual, np.nan)
    month_index = pd.Index(months)
    return Backtest(
        year=year,
        row_columns=rows,
        total_error=pd.Series(totals, index=month_index),
        gross_error=pd.Series(gross, index=month_index),
        budget_error=budget_error,
        budget_gross_error=budget_gross,
        budget_error_by_line=pd.Series(by_line, index=budget.index),
        warm_up_months=warm,
    )


# ---- the indicators -----------------------------------------------------------------------------
def _pct_da(share: float) -> str:
    """+0.046 → ``+4,6 %``, −0.036 → ``−3,6 %`` (Danish decimal comma, true minus sign)."""
    return f"{share * 100:+.1f} %".replace(".", ",").replace("-", "\u2212")


def _records(columns: dict[str, np.ndarray]) -> list[dict]:
    """``pd.DataFrame(columns).to_dict("records")`` (the same Python values), built column
    by column: a fraction of the row-by-row cost on these small tables."""
    names = list(columns)
    values = (columns[name].tolist() for name in names)
    return [dict(zip(names, row, strict=True)) for row in zip(*values, strict=True)]


def _prepared(ctx: Context) -> Tables:
    """``ctx.tables``, prepared from the arrays ``ctx`` has derived (see :func:`_prepare`)."""
    _prepare(ctx.tables, ctx)
    return ctx.tables


def _period_forecast(ctx: Context) -> Forecast:
    return forecast_at(_prepared(ctx), ctx.period.end)


def _by_line_and_area(values: pd.Series, areas: np.ndarray) -> dict:
    return {
        "budget_line": series_dict(values),
        "area": series_dict(pd.Series(values.to_numpy()).groupby(areas).sum()),
    }


def _note(result: Forecast) -> str:
    note = (
        f"Prognose for {result.cutoff.year} pr. {result.cutoff:%d.%m.%Y}; rater fra "
        f"{result.window_first:%d.%m.%Y}–{result.cutoff:%d.%m.%Y}"
    )
    if result.warm_up:
        note += f" (kun {result.window_days} dages historik)"
    return note + "."


def _extra(result: Forecast) -> dict:
    return {
        "cutoff": result.cutoff,
        "window_first": result.window_first,
        "window_days": result.window_days,
        "warm_up": result.warm_up,
        "non_measure_basis": result.non_measure_basis,
        "tie_rule": result.tie_rule,
        "measures_on_no_line": result.measures_on_no_line,
        "terms": {term: float(result.columns[term].sum()) for term in TERMS},
        "lines": result.lines,
    }


@indicator("fp5.forecast", unit="kr", label_da="Regnskabsprognose for året (kr.)")
def forecast(ctx: Context) -> Result:
    """Year-end forecast per line and total at the cut-off.

    The cut-off is the period end; the year is the period's year. Terms and rates as in
    ``docs/forecast.md``: actual spend 1 Jan..t + commitments of the measures active at t to
    min(known end, 31 Dec) + expected new measures (start rate and average annual cost of
    the lookback window, each new measure surviving with the line's daily ending hazard) −
    expected early endings of the measures without a known end + the rest of the year's
    bookings not tied to a measure (as in the same span last year; run-rate of this year's
    when last year is not in the data). An end date or price row dated after t but on or
    before the extract date is treated as not yet known at t.
    """
    result = _period_forecast(ctx)
    values = result.lines["forecast"]
    return Result(
        "",
        float(values.sum()),
        "kr",
        breakdown=_by_line_and_area(values, result.lines["area"].to_numpy()),
        note=_note(result),
        extra=_extra(result),
        table=_records({"budget_line": result.index.to_numpy(), **result.columns}),
    )


@indicator(
    "fp5.forecast_vs_budget",
    unit="kr",
    label_da="Forventet afvigelse fra korrigeret budget (kr.)",
)
def forecast_vs_budget(ctx: Context) -> Result:
    """forecast − corrected budget (expected over-/underspend).

    Corrected budget = original + supplementary appropriations of the period's year.
    Positive = expected overspend. Lines without a budget row for the year are left out
    (and named in the note); the total is over the lines with a budget.
    """
    result = _period_forecast(ctx)
    year = ctx.period.year
    budget, position = _budget(_prepare(ctx.tables), year)  # position: of the budget's lines
    if budget.empty:
        raise MissingInput(f"budget has no children's or adults' lines for {year}")
    forecast_values = result.columns["forecast"][position]
    values = pd.Series(forecast_values, index=budget.index)
    deviation = pd.Series(forecast_values - budget.to_numpy(), index=budget.index)
    note = _note(result)
    budgeted = np.zeros(len(result.index), dtype=bool)
    budgeted[position] = True
    missing = result.index.to_numpy()[~budgeted].tolist()
    if missing:
        note += f" Uden budget for {year}: {', '.join(missing)}."
    return Result(
        "",
        float(deviation.sum()),
        "kr",
        breakdown=_by_line_and_area(deviation, result.columns["area"][position]),
        note=note,
        extra={
            **_extra(result),
            "corrected_budget": series_dict(budget),
            "forecast": series_dict(values),
        },
    )


@indicator(
    "fp5.committed_remaining",
    unit="kr",
    label_da="Disponeret resten af året (kr.)",
)
def committed_remaining(ctx: Context) -> Result:
    """The commitment part alone (no inflow/outflow).

    Σ over measures active at the cut-off t of their commitment cost from t+1 to
    min(known end date, 31 Dec), prices from ``measure_prices`` where given.
    """
    result = _period_forecast(ctx)
    values = result.lines["committed"]
    return Result(
        "",
        float(values.sum()),
        "kr",
        breakdown=_by_line_and_area(values, result.lines["area"].to_numpy()),
        note=_note(result),
        extra={
            "active": series_dict(result.lines["active"]),
            "open": series_dict(result.lines["open"]),
        },
    )


@indicator("fp5.backtest_error", unit="rate", label_da="Prognosefejl i afsluttet år")
def backtest_error(ctx: Context) -> Result:
    """For a completed year: for each month-end cut-off, (forecast − actual year total) /
    actual year total; the report shows the curve by month.

    The year is the latest complete year ≤ the period's year (for 2026-H1: 2025). Month-end
    cut-offs January–November (December is the year total itself). ``value`` is the mean
    absolute error over those cut-offs; ``breakdown.month`` holds the signed error of the
    total over lines; ``table`` the errors per line. For comparison ``extra.budget_error`` is
    the error of "budget as forecast": (corrected budget − actual) / actual. Because over- and
    underspends on lines offset each other in the total, ``extra`` also holds the gross
    errors Σ|forecast − actual| / Σ actual per month and Σ|budget − actual| / Σ actual.
    """
    year = ctx.closed_year
    test = backtest(_prepared(ctx), year)
    budget_error, budget_gross = test.budget_error, test.budget_gross_error
    better = better_gross = None
    note = (
        f"Regnskabsåret {year}: prognosen ved hvert månedsskifte januar–november"
        " mod årets regnskab."
    )
    if budget_error is not None and budget_gross is not None:
        better = int((test.total_error.abs() < abs(budget_error)).sum())
        better_gross = int((test.gross_error < budget_gross).sum())
        n = len(test.total_error)
        note += (
            f" Budget som prognose: {_pct_da(budget_error)};"
            f" prognosen er tættere på i {better} af {n} måneder for det samlede beløb"
            f" og i {better_gross} af {n} måneder linje for linje."
        )
    if test.warm_up_months:
        months = ctx.tables.municipality.forecast_lookback_months
        note += f" Under {months} måneders historik i måned {', '.join(test.warm_up_months)}."
    return Result(
        "",
        test.mean_absolute_error,
        "rate",
        breakdown={"month": series_dict(test.total_error)},
        note=note,
        table=_records(test.row_columns),
        extra={
            "year": year,
            "budget_error": budget_error,
            "budget_error_by_line": series_dict(test.budget_error_by_line),
            "budget_mean_absolute_error": abs(budget_error) if budget_error is not None else None,
            "months_better_than_budget": better,
            "gross_error": series_dict(test.gross_error),
            "budget_gross_error": budget_gross,
            "months_better_than_budget_gross": better_gross,
            "warm_up_months": test.warm_up_months,
        },
    )
