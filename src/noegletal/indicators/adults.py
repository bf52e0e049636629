"""Adults — the semiannual key-figure report to the social committee.

Adults' measures only (``area = adults``). A paragraph is recognised by ``measure_type``
(``support_own_home`` = § 85, ``temporary_housing`` = § 107, ``long_term_housing`` = § 108,
``shelter`` = § 110 …), not by the free-text ``paragraph`` column, so ``SEL 108``,
``SEL §108`` and ``Servicelovens § 108`` in an export all land in the same place. Seeds:
``004_…`` (Høje-Taastrup's semiannual report: savings from strengthened follow-up, how well
citizens are helped into their own home, distribution and development of expenses) and
``002_…`` (the baseline effect of the professional reform). ``docs/adults.md`` explains every
choice below for the reader of the report.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

from noegletal.codes import ADULT_HOUSING, PROVIDER_TYPES
from noegletal.indicators._common import clean, group_sums, ratio, series_dict, string_ranks
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.lookup import positions_in
from noegletal.measures import day_number
from noegletal.periods import Period

__all__ = [
    "BASELINE_YEAR_KEY",
    "EXPECTED_EFFECTS_KEY",
    "FOLLOWUP_EFFECT_DAYS",
    "OWN_HOME_WINDOW_DAYS",
    "PARAGRAPH_OF",
    "baseline_effect",
    "followup_savings",
    "housing_flow",
    "housing_persons",
    "moved_to_own_home",
    "own_home_share",
    "spend_by_paragraph",
]

#: Paragraph label of each adults' measure type; other types are reported as ``other``.
PARAGRAPH_OF: dict[str, str] = {
    "support_own_home": "§ 85",
    "protected_employment": "§ 103",
    "day_activity": "§ 104",
    **ADULT_HOUSING,
}
OWN_HOME = "support_own_home"
#: The housing offers that "own home" is measured against (§ 107 and § 108).
HOUSING_107_108 = ("temporary_housing", "long_term_housing")
#: A § 85 measure active on some day of [end + 1, end + 30] counts as a move to own home.
OWN_HOME_WINDOW_DAYS = 30
#: A price change or an ending up to this many days after a follow-up is its effect.
FOLLOWUP_EFFECT_DAYS = 90
#: End reasons where the cost moved elsewhere (a bigger measure, another municipality).
NOT_A_SAVING = ("stepped_up", "moved_away")
BASELINE_YEAR_KEY = "baseline_year"
EXPECTED_EFFECTS_KEY = "expected_effects"


# ---- small helpers ---------------------------------------------------------------------------
class _Measures(NamedTuple):
    """Per-measure arrays the adults' indicators share (computed once per context)."""

    start: np.ndarray  # first day (day number)
    end: np.ndarray  # last day (day number; an open end is far in the future)
    type_code: np.ndarray  # position of the measure type in ``types`` (-1 when missing)
    types: list[str]
    paragraph: np.ndarray  # paragraph label (``other`` for types without one)


def _measures(ctx: Context) -> _Measures:
    def compute() -> _Measures:
        type_code, types = ctx.codes("measure_type")
        labels = [PARAGRAPH_OF.get(name, "other") for name in types]
        # Code -1 (no measure type) picks the trailing "other".
        paragraph = np.array([*labels, "other"], dtype=object)[type_code]
        return _Measures(
            start=ctx.start_day,
            end=ctx.end_day,
            type_code=type_code,
            types=types,
            paragraph=paragraph,
        )

    return ctx.memo("adults.measures", compute)


def _of_types(ctx: Context, measure_types: tuple[str, ...] | list[str]) -> np.ndarray:
    """Mask of adults' measures of the given measure types."""
    measures = _measures(ctx)
    # One flag per type code; the extra last one is for code -1 (no measure type).
    wanted = np.array([name in measure_types for name in measures.types] + [False])
    return ctx.is_adults & wanted[measures.type_code]


def _person_set(ctx: Context, mask: np.ndarray) -> set[int]:
    return set(np.unique(ctx.person_code[mask]).tolist())


def _take(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``column`` at positions ``rows`` as a numpy array (without converting the rest)."""
    return column.array.take(rows).to_numpy()


def _is_in(
    frame: pd.DataFrame, column: str, rows: np.ndarray, values: tuple[str, ...]
) -> np.ndarray:
    """Whether ``frame[column]`` at positions ``rows`` is one of ``values`` (False where
    missing, and without the column); Arrow strings are compared as they are, without
    converting them to Python strings."""
    if column not in frame:
        return np.zeros(len(rows), dtype=bool)
    return np.asarray(frame[column].array.take(rows).isin(list(values)), dtype=bool)


def _within(days: np.ndarray, first: date, last: date) -> np.ndarray:
    """Day numbers within ``first``..``last`` (both inclusive)."""
    return (days >= int(day_number(first))) & (days <= int(day_number(last)))


def _join(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``(i, j)`` of every pair with ``left[i] == right[j]`` (an inner join on
    arrays); ``right`` must be sorted. Pairs are ordered by ``i``, then ``j``."""
    lo = np.searchsorted(right, left, side="left")
    count = np.searchsorted(right, left, side="right") - lo
    i = np.repeat(np.arange(len(left)), count)
    j = np.arange(int(count.sum())) + np.repeat(lo - np.cumsum(count) + count, count)
    return i, j


def _adds_exactly(values: np.ndarray) -> bool:
    """Whether every sum of some of ``values``, added in any order, is exact: whole numbers
    (annual costs are whole kroner), Σ |values| below 2**53 (so every partial sum is a whole
    number a float holds exactly) and no -0.0 (the only way a sum's sign could depend on how
    it is added).

    >>> _adds_exactly(np.array([2.0, -3.0])), _adds_exactly(np.array([0.5, 1.0]))
    (True, False)
    >>> _adds_exactly(np.array([np.nan])), _adds_exactly(np.array([-0.0]))
    (False, False)
    """
    return bool(
        np.all(values == np.trunc(values))  # False for NaN; ±inf fails the bound below
        and np.abs(values).sum() < 2.0**53
        and not np.signbit(values[values == 0]).any()
    )


def _group_sum(groups: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    """Sum of ``values`` per group code ``0..size-1`` (:func:`group_sums`; 0 for a code
    without values)."""
    if _adds_exactly(values):
        # Every order of addition gives the same exact sums: pandas' as well as bincount's.
        return np.bincount(groups, weights=values, minlength=size)
    present, sums = group_sums(groups, values)
    total = np.zeros(size)
    total[present] = sums
    return total


def _sum(values: np.ndarray) -> float:
    """Sum as pandas' ``Series.sum`` computes it (NaN skipped, pairwise)."""
    return float(np.nansum(values))


def _first_of_each(*keys: np.ndarray) -> np.ndarray:
    """Mask of the first occurrence of each combination of ``keys`` (integer arrays)."""
    first = np.ones(len(keys[0]), dtype=bool)
    order = np.lexsort(keys[::-1])
    same = np.ones(len(order) - 1 if len(order) else 0, dtype=bool)
    for key in keys:
        same &= key[order][1:] == key[order][:-1]
    first[order[1:][same]] = False
    return first


class _Segments(NamedTuple):
    """The price segments (:attr:`Context.segments`) as arrays ordered by ``row``."""

    row: np.ndarray
    start: np.ndarray
    end: np.ndarray
    annual_cost: np.ndarray


def _segments(ctx: Context) -> _Segments:
    def compute() -> _Segments:
        segments = ctx.segments
        row = segments["row"].to_numpy()
        order = np.argsort(row, kind="stable")
        return _Segments(
            row=row[order],
            start=segments["seg_start"].to_numpy()[order],
            end=segments["seg_end"].to_numpy()[order],
            annual_cost=segments["annual_cost"].to_numpy(dtype=float)[order],
        )

    return ctx.memo("adults.segments", compute)


def _segments_on(ctx: Context, rows: np.ndarray, *days: np.ndarray) -> list[np.ndarray]:
    """For each ``day`` of ``days``: the annual cost in force for measure ``rows[i]`` on day
    number ``day[i]`` (NaN if none). The measures' segments are looked up once for all."""
    segments = _segments(ctx)
    i, j = _join(rows, segments.row)
    start, end, annual_cost = segments.start[j], segments.end[j], segments.annual_cost[j]
    costs = []
    for day in days:
        hit = (start <= day[i]) & (end >= day[i])
        cost = np.full(len(rows), np.nan)
        cost[i[hit]] = annual_cost[hit]
        costs.append(cost)
    return costs


def _reference_rows(ctx: Context, key: str) -> tuple[np.ndarray, np.ndarray]:
    """``year`` (NaN where missing) and ``value`` of the reference rows of ``key``."""

    def compute() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # The small reference table as arrays once; both of its keys are then looked up.
        reference = ctx.tables.reference
        if reference is None:
            return np.zeros(0, dtype=object), np.zeros(0), np.zeros(0)
        return (
            reference["key"].to_numpy(dtype=object, na_value=None),
            reference["year"].to_numpy(dtype=float, na_value=np.nan),
            reference["value"].to_numpy(dtype=float, na_value=np.nan),
        )

    keys, year, value = ctx.memo("adults.reference", compute)
    rows = keys == key
    return year[rows], value[rows]


# ---- spend -----------------------------------------------------------------------------------
class _Ledger(NamedTuple):
    """The adults' ledger rows (area ``adults``) as arrays."""

    posting_date: np.ndarray
    amount: np.ndarray
    line_rank: np.ndarray  # position of the row's budget line in ``lines``
    lines: list[str]  # every budget line, sorted


def _adult_ledger(ctx: Context) -> _Ledger:
    def compute() -> _Ledger:
        ledger = ctx.ledger_arrays
        rows = np.flatnonzero(ctx.ledger_in_area("adults"))
        names = ctx.tables.budget_lines["budget_line"].tolist()
        # Each line's rank among the sorted line names: grouped by these ranks, the sums keep
        # the row order and the key order of a group-by of the line names.
        rank, by_name = string_ranks(names)
        return _Ledger(
            posting_date=ledger.posting_date[rows],
            amount=ledger.amount[rows],
            line_rank=rank[ledger.line_code[rows]],
            lines=[names[at] for at in by_name.tolist()],
        )

    return ctx.memo("adults.ledger", compute)


def _adult_spend_ytd(ctx: Context, period: Period) -> dict[str, float]:
    """Adults' actual spend per budget line, 1 January..period end of ``period``."""
    ledger = _adult_ledger(ctx)
    dates = ledger.posting_date
    rows = (dates >= np.datetime64(period.ytd_start)) & (dates <= np.datetime64(period.end))
    ranks, sums = group_sums(ledger.line_rank[rows], ledger.amount[rows])
    return dict(zip([ledger.lines[rank] for rank in ranks.tolist()], sums.tolist(), strict=True))


@indicator(
    "adults.spend_by_paragraph",
    unit="kr",
    label_da="Udgifter på voksenområdet pr. budgetlinje, år til dato",
)
def spend_by_paragraph(ctx: Context) -> Result:
    """Actual spend per paragraph / budget line, ytd and same period last year, and its
    change.

    The ledger carries accounts, and accounts map to budget lines (``budget_lines.accounts``),
    not to paragraphs: the split is per budget line of area ``adults`` (a municipality that
    keeps one line per paragraph gets the paragraph split). ``value`` is the adults' spend
    1 January..period end; ``breakdown`` is ``{"budget_line": {line: ytd}}`` with every
    adults' line (0 where nothing is booked); ``table`` has one row per line with ``ytd``,
    ``ytd_last_year`` (1 January..the same day one year earlier), ``change_kr`` and
    ``change_share`` (change / last year, ``None`` unless last year is positive). Bookings on
    accounts no line claims are not in the adults' area. Amounts are not annualised.
    """
    lines = [str(k) for k, area in ctx.line_area.items() if area == "adults"]
    if not lines:
        raise MissingInput("budget_lines has no line with area adults")
    last = ctx.period.same_period_last_year()
    by_line = _adult_spend_ytd(ctx, ctx.period)
    now = np.array([by_line.get(line, 0.0) for line in lines])
    by_line = _adult_spend_ytd(ctx, last)
    before = np.array([by_line.get(line, 0.0) for line in lines])
    table = []
    for line, ytd, prior in zip(lines, now.tolist(), before.tolist(), strict=True):
        table.append(
            {
                "budget_line": line,
                "ytd": ytd,
                "ytd_last_year": prior,
                "change_kr": ytd - prior,
                "change_share": (ytd - prior) / prior if prior > 0 else None,
            }
        )
    total, total_before = float(now.sum()), float(before.sum())
    return Result(
        "",
        total,
        "kr",
        breakdown={"budget_line": series_dict(dict(zip(lines, now, strict=True)))},
        table=table,
        note=f"År til dato {ctx.period.ytd_label_da()} mod {last.ytd_label_da()}.",
        extra={
            "ytd_last_year": total_before,
            "change_kr": total - total_before,
            "change_share": (total - total_before) / total_before if total_before > 0 else None,
        },
    )


# ---- housing offers --------------------------------------------------------------------------
@indicator(
    "adults.housing_persons",
    unit="persons",
    label_da="Borgere i botilbud og forsorgshjem (§ 107, § 108, § 110)",
)
def housing_persons(ctx: Context) -> Result:
    """Persons at period end in § 107, § 108, § 110, with provider type (own, other
    municipality, regional, private).

    ``breakdown`` is ``{"paragraph": {"§ 107": {"provider_type": {"own": n, …}}, …}}`` with
    every paragraph and provider type present (zeros kept). A person is counted once per
    paragraph; with two active measures of the same paragraph the one that started last
    gives the provider type (ties: the larger ``intervention_id``). ``value`` is the number
    of distinct persons in any of the three, so a person in both § 107 and § 110 on the day
    counts once in ``value`` and once under each paragraph (``extra["in_several"]``).
    """
    mask = ctx.active_on(ctx.period.end) & _of_types(ctx, tuple(ADULT_HOUSING))
    rows = np.flatnonzero(mask)
    inter = ctx.interventions
    # Per person and paragraph the measure that started last (ties: the larger id, then the
    # later row) gives the provider type.
    latest: dict[tuple[int, str], tuple[int, str, str]] = {}
    for person, paragraph, start, measure_id, provider in zip(
        ctx.person_code[rows].tolist(),
        _measures(ctx).paragraph[rows].tolist(),
        _measures(ctx).start[rows].tolist(),
        _take(inter["intervention_id"], rows).tolist(),
        _take(inter["provider_type"], rows).tolist(),
        strict=True,
    ):
        key = (person, paragraph)
        if key not in latest or (start, measure_id) >= latest[key][:2]:
            latest[key] = (start, measure_id, provider)
    counts = Counter((paragraph, provider) for (_, paragraph), (*_, provider) in latest.items())
    breakdown = {
        paragraph: {
            "provider_type": {
                provider: counts[(paragraph, provider)] for provider in PROVIDER_TYPES
            }
        }
        for paragraph in ADULT_HOUSING.values()
    }
    per_person = Counter(person for person, _ in latest)
    return Result(
        "",
        len(per_person),
        "persons",
        breakdown={"paragraph": breakdown},
        extra={"in_several": sum(1 for n in per_person.values() if n > 1)},
    )


@indicator(
    "adults.housing_flow",
    unit="count",
    label_da="Tilgang og afgang i botilbud og forsorgshjem (§ 107, § 108, § 110)",
)
def housing_flow(ctx: Context) -> Result:
    """Starts and ends in § 107 / § 108 / § 110 in the period.

    Counted per measure (like ``fp6.flow``): a start is a measure with ``start_date`` in
    the period, an end one with ``end_date`` in the period (a measure ending on the last day
    of the period is an end of this period); a measure that starts and ends in the period
    counts once as each. A move from one housing measure to another is an end and a start.
    ``value`` is the net flow (starts − ends, negative = fewer measures); ``breakdown`` is
    ``{"paragraph": {"§ 107": net, …}}``; ``table`` has one row per paragraph with
    ``starts``, ``ends`` and ``net``.
    """
    period = ctx.period
    measures = _measures(ctx)
    starts = _within(measures.start, period.start, period.end)
    ends = _within(measures.end, period.start, period.end)
    table = []
    for measure_type, paragraph in ADULT_HOUSING.items():
        kind = _of_types(ctx, (measure_type,))
        n_starts, n_ends = int((kind & starts).sum()), int((kind & ends).sum())
        table.append(
            {"paragraph": paragraph, "starts": n_starts, "ends": n_ends, "net": n_starts - n_ends}
        )
    total_starts = sum(row["starts"] for row in table)
    total_ends = sum(row["ends"] for row in table)
    return Result(
        "",
        total_starts - total_ends,
        "count",
        breakdown={"paragraph": {row["paragraph"]: row["net"] for row in table}},
        table=table,
        extra={"starts": total_starts, "ends": total_ends},
    )


# ---- own home --------------------------------------------------------------------------------
@indicator(
    "adults.own_home_share",
    unit="share",
    label_da="Andel i eget hjem med støtte (§ 85) af borgere med § 85, § 107 eller § 108",
)
def own_home_share(ctx: Context) -> Result:
    """Persons at period end with § 85 and no active § 107/§ 108 / persons with any of
    § 85, § 107, § 108 — "how well citizens are helped into their own home".

    Implemented as written: § 110 (shelter) is in neither part, so a person with § 85 and a
    shelter stay counts as in own home. ``basis`` is the denominator; no person in any of
    the three → ``null``.
    """
    active = ctx.active_on(ctx.period.end)
    own_home = _person_set(ctx, active & _of_types(ctx, (OWN_HOME,)))
    housing = _person_set(ctx, active & _of_types(ctx, HOUSING_107_108))
    numerator = len(own_home - housing)
    denominator = len(own_home | housing)
    value = ratio(numerator, denominator, "the number of persons with § 85, § 107 or § 108")
    return Result(
        "",
        value,
        "share",
        basis=denominator,
        extra={
            "own_home_persons": numerator,
            "housing_persons": len(housing),
            "own_home_and_housing_persons": len(own_home & housing),
        },
    )


def _active_after(
    ctx: Context, exits: np.ndarray, exit_end: np.ndarray, kind: np.ndarray, last_offset: int
) -> np.ndarray:
    """For each measure ``exits[i]`` ending on day number ``exit_end[i]``: one of its
    person's measures selected by ``kind`` is active on some day of
    [end + 1, end + last_offset]."""
    measures = _measures(ctx)
    candidates = np.flatnonzero(kind)
    candidates = candidates[np.argsort(ctx.person_code[candidates], kind="stable")]
    i, j = _join(ctx.person_code[exits], ctx.person_code[candidates])
    hit = (measures.start[candidates[j]] <= exit_end[i] + last_offset) & (
        measures.end[candidates[j]] >= exit_end[i] + 1
    )
    found = np.zeros(len(exits), dtype=bool)
    found[i[hit]] = True
    return found


@indicator(
    "adults.moved_to_own_home",
    unit="persons",
    label_da="Borgere flyttet fra botilbud (§ 107/§ 108) til eget hjem med støtte (§ 85)",
)
def moved_to_own_home(ctx: Context) -> Result:
    """Persons who ended § 107/§ 108 in the period and had § 85 active within 30 days after.

    "Within 30 days after" a measure ending on day *e*: a § 85 measure of the person is
    active on at least one day of [*e* + 1, *e* + 30] (it starts on or before *e* + 30 and
    has no end or ends on or after *e* + 1) — so a § 85 starting on day 30 after counts,
    one starting on day 31 does not, and a § 85 that ran alongside the housing offer and
    continues counts. An ending followed by another § 107/§ 108 measure active on *e* + 1 is
    a transfer between housing offers, not an exit, and does not count. A person counts once
    (``breakdown`` ``{"paragraph": {"§ 107": n, "§ 108": n}}``: once per paragraph ended).
    The window may reach past the period end: ``note`` warns when it reaches past the data
    extract, as a later extract may then add persons. ``extra["exits"]`` is the number of
    persons who left § 107/§ 108 in the period (the base of a share).
    """
    period = ctx.period
    measures = _measures(ctx)
    housing = _of_types(ctx, HOUSING_107_108)
    exits = np.flatnonzero(housing & _within(measures.end, period.start, period.end))
    transfer = _active_after(ctx, exits, measures.end[exits], housing, 1)
    exits = exits[~transfer]
    end = measures.end[exits]
    is_moved = _active_after(ctx, exits, end, _of_types(ctx, (OWN_HOME,)), OWN_HOME_WINDOW_DAYS)
    person, paragraph = ctx.person_code[exits], measures.paragraph[exits]
    per_paragraph = {
        label: np.unique(person[is_moved & (paragraph == label)]).size
        for label in ("§ 107", "§ 108")
    }
    note = None
    extract = int(day_number(ctx.tables.extract_date))
    late = int((~is_moved & (end + OWN_HOME_WINDOW_DAYS > extract)).sum())
    if late:
        note = (
            f"{late} fraflytning(er) uden § 85 endnu ligger mindre end "
            f"{OWN_HOME_WINDOW_DAYS} dage før dataudtrækket; tallet kan stige, når data "
            "opdateres."
        )
    return Result(
        "",
        int(np.unique(person[is_moved]).size),
        "persons",
        breakdown={"paragraph": per_paragraph},
        note=note,
        extra={"exits": int(np.unique(person).size), "transfers": int(transfer.sum())},
    )


# ---- follow-up savings -----------------------------------------------------------------------
class _Decided(NamedTuple):
    """Follow-ups with outcome reduced/ended, in the order done."""

    row: np.ndarray  # position of the measure
    done: np.ndarray  # day number
    is_ended: np.ndarray  # outcome 'ended' (else 'reduced')


def _decided_followups(ctx: Context) -> _Decided:
    """Follow-ups of adults' measures done in the period with outcome reduced/ended, with
    ``row`` (position of the measure) and ``done`` (day number), in the order done."""
    followups = ctx.tables.followups
    assert followups is not None
    # The follow-ups done in the period first (on or after its first day, before the day
    # after its last: dates compared as they are), then their outcomes.
    done_on = followups["done_on"].to_numpy()
    after_end = ctx.period.end + timedelta(days=1)
    chosen = np.flatnonzero(
        (done_on >= np.datetime64(ctx.period.start)) & (done_on < np.datetime64(after_end))
    )
    chosen = chosen[_is_in(followups, "outcome", chosen, ("reduced", "ended"))]
    # Their measures looked up among the adults' measures only (ids are unique, validation
    # guarantees it): a smaller set to look up in, and the others are left out anyway.
    adult_rows = np.flatnonzero(ctx.is_adults)
    found = positions_in(
        followups["intervention_id"].array.take(chosen),
        ctx.interventions["intervention_id"].array.take(adult_rows),
    )
    chosen, row = chosen[found >= 0], adult_rows[found[found >= 0]]
    # Day numbers as day_number gives them (none of these dates is missing).
    done = done_on[chosen].astype("datetime64[D]").astype(np.int64)
    order = np.lexsort((_take(followups["followup_id"], chosen), done))
    chosen, row = chosen[order], row[order]
    return _Decided(
        row=row,
        done=done[order],
        is_ended=_is_in(followups, "outcome", chosen, ("ended",)),
    )


def _first_price_change(ctx: Context, rows: np.ndarray, done: np.ndarray) -> np.ndarray:
    """For each 'reduced' follow-up of measure ``rows[i]`` done on ``done[i]``: the
    ``valid_from`` day number of the measure's first price row in [done, done + N], after its
    first day and while it runs (-1 when there is none).
    """
    # The measure's price segments (:func:`~noegletal.measures.price_segments`) that begin
    # after its first day begin exactly on the ``valid_from`` of its price rows dated after
    # its first day and on or before its last (the others begin on the first day or are
    # empty): the segments stand in for the price rows, already looked up and sorted.
    segments = _segments(ctx)
    measures = _measures(ctx)
    i, j = _join(rows, segments.row)
    day = segments.start[j]
    hit = (
        (day >= done[i])
        & (day <= done[i] + FOLLOWUP_EFFECT_DAYS)
        & (day > measures.start[rows[i]])
        & (day <= measures.end[rows[i]])
    )
    none = np.iinfo(np.int64).max
    first = np.full(len(rows), none)
    np.minimum.at(first, i[hit], day[hit])
    return np.where(first == none, -1, first)


class _Effects(NamedTuple):
    """One entry per saving."""

    person: np.ndarray
    paragraph: np.ndarray
    before: np.ndarray  # annual cost the day before the change
    after: np.ndarray  # annual cost from the change


def _followup_effects(ctx: Context) -> tuple[_Effects, dict[str, int]]:
    """One entry per saving: ``person``, ``paragraph``, ``before`` and ``after`` (annual
    cost, before and from the day the saving applies); plus counts of the follow-ups that
    gave none."""
    chosen = _decided_followups(ctx)
    rows, done, is_ended = chosen.row, chosen.done, chosen.is_ended
    if ctx.tables.measure_prices is None and (~is_ended).any():
        raise MissingInput(
            "needs the optional table measure_prices to price follow-ups with outcome "
            "'reduced', which is absent"
        )
    inter = ctx.interventions
    # The day number from which each follow-up's saving applies (-1: none).
    effective = np.full(len(rows), -1, dtype=np.int64)
    # 'ended': the measure ends within the window; from the next day it costs nothing.
    end = _measures(ctx).end[rows]
    ends_in_window = (end >= done) & (end <= done + FOLLOWUP_EFFECT_DAYS)
    moved_on = is_ended & ends_in_window & _is_in(inter, "end_reason", rows, NOT_A_SAVING)
    saved = is_ended & ends_in_window & ~moved_on
    effective[saved] = end[saved] + 1
    # 'reduced': from the first price row in the window the price is that row's.
    reduced = ~is_ended
    effective[reduced] = _first_price_change(ctx, rows[reduced], done[reduced])
    matched = effective >= 0
    rows, effective, priced = rows[matched], effective[matched], reduced[matched]
    # A price change (or ending) is counted once, for the first follow-up that led to it.
    once = _first_of_each(rows, effective)
    rows, effective, priced = rows[once], effective[once], priced[once]
    before, from_effective = _segments_on(ctx, rows, effective - 1, effective)
    effects = _Effects(
        person=ctx.person_code[rows],
        paragraph=_measures(ctx).paragraph[rows],
        before=before,
        after=np.where(priced, from_effective, 0.0),
    )
    unmatched = {
        "reduced_without_price_change": int((~matched & ~is_ended).sum()),
        "ended_without_ending": int((is_ended & ~ends_in_window).sum()),
        "ended_cost_moved": int(moved_on.sum()),
    }
    return effects, unmatched


@indicator(
    "adults.followup_savings",
    unit="kr",
    label_da="Besparelse som følge af opfølgning (årlig effekt, kr.)",
    needs=("followups",),
)
def followup_savings(ctx: Context) -> Result:
    """For measures whose price changed after a follow-up (``followups.outcome`` =
    ``reduced``/``ended``) in the period: Σ (annual cost before − annual cost after),
    annualised — "savings from strengthened follow-up" (seed ``004_…``).

    Follow-ups of adults' measures with ``done_on`` in the period. Outcome ``reduced``: the
    change is the measure's first ``measure_prices`` row with ``valid_from`` in
    [``done_on``, ``done_on`` + 90 days] (after the measure's first day, while it runs);
    after = that row's annual cost. Outcome ``ended``: the measure's ``end_date`` is in
    [``done_on``, ``done_on`` + 90 days] and its ``end_reason`` is not ``stepped_up`` or
    ``moved_away`` (then the cost moved to a bigger measure or another municipality; counted
    in ``extra["ended_cost_moved"]``); after = 0. Before = the annual cost in force the day
    before the change takes effect. No price row / no ending in the window → no saving
    (counted in ``extra``). Each saving is an annual rate (kr. per year), not the amount saved
    within the period. A price *increase* after a 'reduced' follow-up gives a negative
    saving; it is kept. Each change is counted once. ``breakdown``:
    ``{"paragraph": {…}}`` (``other`` for measure types without a paragraph label);
    ``basis``: persons behind the savings. Without ``measure_prices`` 'reduced' follow-ups
    cannot be priced: ``null`` when there are any.
    """
    effects, unmatched = _followup_effects(ctx)
    saving = effects.before - effects.after
    paragraphs, group = np.unique(effects.paragraph, return_inverse=True)
    members = [np.flatnonzero(group == k) for k in range(len(paragraphs))]
    table = [
        {
            "paragraph": str(paragraph),
            "measures": len(at),
            "annual_cost_before": _sum(effects.before[at]),
            "annual_cost_after": _sum(effects.after[at]),
            "saving": _sum(saving[at]),
        }
        for paragraph, at in zip(paragraphs, members, strict=True)
    ]
    persons = {
        paragraph: np.unique(effects.person[at]).size
        for paragraph, at in zip(paragraphs, members, strict=True)
    }
    return Result(
        "",
        _sum(saving),
        "kr",
        breakdown={
            "paragraph": series_dict(
                dict(zip(paragraphs, _group_sum(group, saving, len(paragraphs)), strict=True))
            )
        },
        basis=int(np.unique(effects.person).size),
        breakdown_basis={"paragraph": series_dict(persons)},
        table=table,
        note=f"Årlig effekt; ændringer op til {FOLLOWUP_EFFECT_DAYS} dage efter opfølgningen.",
        extra={"measures": len(effects.person), **unmatched},
    )


# ---- baseline effect -------------------------------------------------------------------------
def _baseline_date(ctx: Context) -> date:
    _, value = _reference_rows(ctx, BASELINE_YEAR_KEY)
    values = np.unique(value[~np.isnan(value)])
    if len(values) == 0:
        raise MissingInput(
            f"reference has no {BASELINE_YEAR_KEY} (the year whose 1 January is the baseline)"
        )
    if len(values) > 1:
        raise MissingInput(f"reference has several values of {BASELINE_YEAR_KEY}")
    year = float(values[0])
    if not year.is_integer() or not 1900 <= year <= 2100:
        raise MissingInput(f"reference {BASELINE_YEAR_KEY} is not a year")
    return date(int(year), 1, 1)


def _expected_effect(ctx: Context, year: int) -> float | None:
    years, value = _reference_rows(ctx, EXPECTED_EFFECTS_KEY)
    value = value[years == year]
    return None if not len(value) else float(value[0])


@indicator(
    "adults.baseline_effect",
    unit="kr",
    label_da="Økonomisk effekt af den faglige omstilling (årlig, kr.)",
)
def baseline_effect(ctx: Context) -> Result:
    """Seed ``002_…``: citizens active on the baseline date: Σ annual cost then − Σ annual
    cost now ("original citizens"); citizens who started after: Σ annual cost at first
    decision − Σ annual cost now ("new citizens"); total; against the expected effect per
    year from ``reference.expected_effects``.

    Baseline date: 1 January of ``reference.baseline_year`` (``null`` without it). "Now" is
    the period end. A citizen's annual cost on a day is the sum of the annual costs in force
    that day (``measure_prices`` included) over all the citizen's active adults' measures,
    whatever the provider — 0 when none is active, so a citizen who left every measure saves
    the whole cost. Original citizens: an adults' measure active on the baseline date. New
    citizens: none active on the baseline date, an adults' measure starting after it and on
    or before the period end; "first decision" is the first such start, priced over the
    measures active that day. Citizens with nothing active now who left through an ending
    with ``end_reason = moved_away`` (on or after the baseline date) moved to another
    municipality — not an effect of the reform — and are left out of both groups (row
    ``moved_away`` of ``table``). ``value`` = original + new effect (positive = saving);
    ``table`` rows ``original``, ``new``, ``total`` (with the expected effect for the
    period's calendar year), ``moved_away``; columns ``persons``, ``annual_cost_then``,
    ``annual_cost_now``, ``effect`` and, to show how much of the effect is citizens leaving
    the area rather than needing less, ``persons_left`` / ``effect_left`` (citizens with no
    active adults' measure now, and their whole cost then); ``basis`` = citizens in the two
    groups.
    """
    baseline = _baseline_date(ctx)
    now = ctx.period.end
    if baseline >= now:
        raise MissingInput(f"the baseline date {baseline} is not before the period end {now}")
    inter = ctx.interventions
    adults = ctx.is_adults
    measures = _measures(ctx)
    person = ctx.person_code
    b, e = int(day_number(baseline)), int(day_number(now))

    def persons_of(selected: np.ndarray) -> np.ndarray:
        """Mask over person codes: the persons of the measures ``selected`` picks (a mask
        or positions)."""
        found = np.zeros(len(ctx.persons), dtype=bool)
        found[person[selected]] = True
        return found

    is_original = persons_of(adults & ctx.active_on(baseline))
    later = np.flatnonzero(adults & (measures.start > b) & (measures.start <= e))
    later = later[~is_original[person[later]]]
    is_new = persons_of(later)
    # First start after the baseline date per new citizen.
    first = np.full(len(ctx.persons), np.iinfo(np.int64).max)
    np.minimum.at(first, person[later], measures.start[later])
    is_active_now = persons_of(adults & ctx.active_on(now))
    ended = np.flatnonzero(adults & (measures.end >= b) & (measures.end <= e))
    moved = ended[_is_in(inter, "end_reason", ended, ("moved_away",))]
    is_moved_away = persons_of(moved) & ~is_active_now

    # Each person's group (-1: none; a citizen who moved away is in no other group) and the
    # day the cost "then" is taken (for moved-away citizens who are not new: the baseline).
    names = ("original", "new", "moved_away")
    group = np.full(len(ctx.persons), -1)
    group[is_original] = 0
    group[is_new] = 1
    group[is_moved_away] = 2
    then_day = np.where(is_new, first, b)
    # The adults' measures of the citizens in a group, priced then and now: one lookup of
    # their price segments for all groups and both days.
    priced = np.flatnonzero(adults & (group[person] >= 0))
    cost_then, cost_now = (
        np.nan_to_num(cost)
        for cost in _segments_on(ctx, priced, then_day[person[priced]], np.full(len(priced), e))
    )
    rows: dict[str, dict] = {}
    for code, name in enumerate(names):
        persons = np.flatnonzero(group == code)
        # Per citizen (ascending person code) the sum over their measures, in row order.
        at = group[person[priced]] == code
        slot = np.searchsorted(persons, person[priced[at]])
        then = _group_sum(slot, cost_then[at], len(persons))
        current = _group_sum(slot, cost_now[at], len(persons))
        left = ~is_active_now[persons]
        rows[name] = {
            "group": name,
            "persons": len(persons),
            "annual_cost_then": float(then.sum()),
            "annual_cost_now": float(current.sum()),
            "effect": float(then.sum() - current.sum()),
            "persons_left": int(left.sum()),
            "effect_left": float(then[left].sum()),
            "expected_effect": None,
        }
    rows["moved_away"].update(effect=None, effect_left=None)
    expected = _expected_effect(ctx, ctx.period.year)
    summed = ("persons", "annual_cost_then", "annual_cost_now", "effect", "persons_left")
    total = {
        "group": "total",
        **{key: rows["original"][key] + rows["new"][key] for key in summed},
        "effect_left": rows["original"]["effect_left"] + rows["new"]["effect_left"],
        "expected_effect": expected,
    }
    total = {key: total[key] for key in rows["original"]}
    note = f"Baseline {baseline.isoformat()}; årlig effekt opgjort pr. {now.isoformat()}."
    if expected is None:
        note += f" Ingen forventet effekt for {ctx.period.year} i reference."
    return Result(
        "",
        float(total["effect"]),
        "kr",
        basis=int(total["persons"]),
        table=[rows["original"], rows["new"], total, rows["moved_away"]],
        note=note,
        extra={
            "baseline_date": baseline,
            "original": rows["original"]["effect"],
            "new": rows["new"]["effect"],
            "expected_effect": expected,
            "difference_from_expected": None
            if expected is None
            else clean(total["effect"] - expected),
        },
    )
