"""Cross-sector baselines (seed ``003_…``): the economy of cross-sector solutions.

A municipality enrols persons or families in *cross-sector solutions* (tværgående løsninger,
``cross_sector_enrolments``). Financial management needs a **baseline** (økonomigrundlag /
nulpunktsmåling): the enrolled citizens' actual spend across sector areas in the 12 months
before enrolment; then the same spend in each full year after enrolment; and a rule that moves
budget between sector areas when costs shift (Albertslund's retrospective model, seed slide 22:
each area's budget is adjusted by new cost − baseline cost).

Choices where ``INDICATORS.md`` is silent (also in ``docs/cross-sector.md``):

* **Enrolments of a period**: every enrolment with ``enrolled_on`` on or before the period end,
  whether or not it has ended since (``ended_on`` is not used): once enrolled, a unit stays in
  the follow-up, so the effect after the solution is counted as well.
* **Enrolled persons**: a person enrolment is its ``person_id``; a family enrolment is the
  ``family_members`` rows of its ``family_id`` together with the persons carrying that
  ``family_id`` in ``interventions`` (``DATA.md``); a row with both ids is the family plus the
  person. A family enrolment needs ``family_members`` (null + reason when it is absent).
* **Spend**: ledger rows whose ``person_id`` is an enrolled person and whose account maps to
  a budget line; sector area = ``budget_lines.sector`` (its ``area`` where empty). Rows without
  ``person_id`` and rows on unmapped accounts are left out. A person in two enrolments counts
  in both (each enrolment has its own baseline).
* **Windows** (both ends inclusive, :func:`noegletal.periods.add_months`): baseline =
  ``enrolled_on − 12 months`` .. ``enrolled_on − 1 day``; follow-up year *k* =
  ``enrolled_on + 12(k−1) months`` .. ``enrolled_on + 12k months − 1 day``; a year counts once
  it ends on or before the period end. Windows are 12 calendar months (365 or 366 days); they
  are not scaled to equal lengths.
* **Current ytd** of an enrolment: its persons' spend from 1 January of the period's year, or
  from ``enrolled_on`` if later, to the period end (not annualised).
* **Basis** (for the small-count rule) of the spend indicators: the number of enrolled
  *units* (enrolments; a family counts once, its spend being one household's), so a solution
  with fewer than 5 enrolments is suppressed in publication, whatever its number of persons.
* **Comparison** (``xs.change_by_sector``, ``xs.budget_reallocation``): each enrolment with at
  least one complete follow-up year compares its *latest* complete year with its own baseline;
  enrolments without a complete year are left out of the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from noegletal.indicators._common import clean, group_sums, ratio, string_ranks
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.lookup import positions_in
from noegletal.periods import add_months

__all__ = [
    "STANDARD_SECTORS",
    "baseline_window",
    "complete_followup_years",
    "followup_window",
]

#: Sector areas of ``budget_lines`` in display order; other (free-text) sectors follow.
STANDARD_SECTORS = ("children", "adults", "employment", "other")
JOB_OR_EDUCATION = ("job", "education")
BASELINE = "baseline"
YTD = "ytd"
LATEST = "latest"
COMPARED_BASELINE = "compared baseline"
NEEDS = ("cross_sector_enrolments",)


# ---- windows ---------------------------------------------------------------------------------
def baseline_window(enrolled_on: date) -> tuple[date, date]:
    """The 12 months before enrolment: ``enrolled_on − 12 months`` .. ``enrolled_on − 1 day``.

    >>> baseline_window(date(2023, 3, 1))
    (datetime.date(2022, 3, 1), datetime.date(2023, 2, 28))
    >>> baseline_window(date(2024, 2, 29))  # clipped to the last day of February 2023
    (datetime.date(2023, 2, 28), datetime.date(2024, 2, 28))
    """
    return add_months(enrolled_on, -12), enrolled_on - timedelta(days=1)


def followup_window(enrolled_on: date, year: int) -> tuple[date, date]:
    """Follow-up year ``year`` (1, 2, …): ``enrolled_on + 12(year−1) months`` ..
    ``enrolled_on + 12·year months − 1 day``.

    >>> followup_window(date(2023, 3, 1), 1)  # 366 days: contains 29 February 2024
    (datetime.date(2023, 3, 1), datetime.date(2024, 2, 29))
    >>> followup_window(date(2023, 3, 1), 2)
    (datetime.date(2024, 3, 1), datetime.date(2025, 2, 28))
    """
    return (
        add_months(enrolled_on, 12 * (year - 1)),
        add_months(enrolled_on, 12 * year) - timedelta(days=1),
    )


def complete_followup_years(enrolled_on: date, period_end: date) -> int:
    """Number of follow-up years that end on or before ``period_end``.

    >>> complete_followup_years(date(2023, 1, 1), date(2023, 12, 31))  # year 1 ends that day
    1
    >>> complete_followup_years(date(2023, 3, 1), date(2024, 2, 28))
    0
    """
    years = 0
    while followup_window(enrolled_on, years + 1)[1] <= period_end:
        years += 1
    return years


# ---- shared derivation: spend per enrolment, window and sector --------------------------------
#: Window codes of ``_CrossSector.spend_window``: ``0`` the baseline, ``k`` follow-up year *k*;
#: the current ytd is ``_CrossSector.ytd_window``. ``NOT_CHOSEN`` leaves an enrolment out of a
#: selection (see :func:`_sums`).
BASELINE_WINDOW = 0
NOT_CHOSEN = -1
ONE_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class _CrossSector:
    """Everything the five indicators share for one context, as arrays.

    Enrolments of the period, in ``enrolment_id`` order (their *position*): ``solution``
    (position in ``solutions``, which are sorted) and ``full_years``. Enrolled persons, one
    entry per (enrolment, person): ``person_enrolment`` and ``person_code`` (position in
    ``person_ids``). Spend per (enrolment, window, sector), in the string order of
    (``enrolment_id``, window name, sector): ``spend_enrolment``, ``spend_window``
    (``BASELINE_WINDOW``, ``k`` for follow-up year *k*, or ``ytd_window``), ``spend_sector``
    (position in ``sectors``, the sector areas in display order) and ``spend_amount``.
    """

    solution: np.ndarray
    solutions: list[str]
    full_years: np.ndarray
    person_enrolment: np.ndarray
    person_code: np.ndarray
    person_ids: list[str]
    spend_enrolment: np.ndarray
    spend_window: np.ndarray
    spend_sector: np.ndarray
    spend_amount: np.ndarray
    ytd_window: int
    sectors: list[str]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Enrolments:
    """Enrolments of the period, in table order (ids and solutions as strings; a missing
    ``person_id`` or ``family_id`` is null)."""

    enrolment_id: np.ndarray
    solution: np.ndarray
    person_id: np.ndarray
    family_id: np.ndarray
    enrolled_on: np.ndarray  # datetime64[D]
    full_years: np.ndarray


def _sectors(ctx: Context) -> list[str]:
    found = [str(s) for s in pd.unique(ctx.tables.line_sector.dropna())]
    standard = [s for s in STANDARD_SECTORS if s in found]
    return standard + sorted(s for s in found if s not in STANDARD_SECTORS)


def _enrolments(ctx: Context) -> _Enrolments:
    table = ctx.tables.cross_sector_enrolments
    assert table is not None  # guaranteed by needs=
    enrolled_on = table["enrolled_on"].to_numpy()
    rows = enrolled_on <= np.datetime64(ctx.period.end)
    if not rows.any():
        raise MissingInput(f"no cross-sector enrolment on or before {ctx.period.end}")

    def column(name: str) -> np.ndarray:
        if name not in table:
            return np.full(int(rows.sum()), None, dtype=object)
        return table[name].to_numpy(dtype=object)[rows]

    enrolled = enrolled_on[rows].astype("datetime64[D]")
    return _Enrolments(
        enrolment_id=table["enrolment_id"].astype(str).to_numpy()[rows],
        solution=table["solution"].astype(str).to_numpy()[rows],
        person_id=column("person_id"),
        family_id=column("family_id"),
        enrolled_on=enrolled,
        full_years=_complete_followup_years(enrolled, ctx.period.end),
    )


def _family_persons(ctx: Context, families: list[str]) -> dict[str, list[str]]:
    """The persons of each of ``families``: its ``family_members`` rows, then the
    ``interventions`` rows carrying its ``family_id``; each person once, in table order."""
    members: dict[str, dict[str, None]] = {family: {} for family in families}
    frames = [ctx.tables.family_members]
    if "family_id" in ctx.tables.interventions:
        frames.append(ctx.tables.interventions)
    for frame in frames:
        if frame is None:
            continue
        family = positions_in(frame["family_id"], families)
        rows = np.flatnonzero(family >= 0)
        persons = np.asarray(frame["person_id"].array[rows], dtype=object)
        for position, person in zip(family[rows].tolist(), persons, strict=True):
            members[families[position]][str(person)] = None
    return {family: list(persons) for family, persons in members.items()}


@dataclass(frozen=True)
class _Persons:
    """Enrolled (enrolment, person) pairs: ``enrolment`` (table position of the enrolment),
    ``code`` (position of the person in ``ids``, the distinct persons)."""

    enrolment: np.ndarray
    code: np.ndarray
    ids: list[str]


def _enrolled_persons(ctx: Context, enrolments: _Enrolments) -> _Persons:
    """Each enrolment's own person, then the persons of the enrolled families; each pair
    once."""
    is_family = pd.notna(enrolments.family_id)
    if is_family.any() and ctx.tables.family_members is None:
        raise MissingInput(
            "family enrolments need the optional table family_members, which is absent"
        )
    pairs = {
        (enrolment, str(enrolments.person_id[enrolment])): None
        for enrolment in np.flatnonzero(pd.notna(enrolments.person_id)).tolist()
    }
    families = [str(f) for f in enrolments.family_id[is_family]]
    members = _family_persons(ctx, list(dict.fromkeys(families))) if families else {}
    for enrolment, family in zip(np.flatnonzero(is_family).tolist(), families, strict=True):
        for person in members[family]:
            pairs[(enrolment, person)] = None
    ids = list(dict.fromkeys(person for _, person in pairs))
    code = {person: i for i, person in enumerate(ids)}
    return _Persons(
        enrolment=np.array([enrolment for enrolment, _ in pairs], dtype=np.int64),
        code=np.array([code[person] for _, person in pairs], dtype=np.int64),
        ids=ids,
    )


def _add_months(days: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """:func:`~noegletal.periods.add_months` of each of ``days`` (``datetime64[D]``)."""
    month = days.astype("datetime64[M]")
    target = month + months
    first = target.astype("datetime64[D]")
    length = (target + 1).astype("datetime64[D]") - first
    return first + np.minimum(days - month.astype("datetime64[D]"), length - ONE_DAY)


def _complete_followup_years(enrolled_on: np.ndarray, period_end: date) -> np.ndarray:
    """:func:`complete_followup_years` of each of ``enrolled_on`` (``datetime64[D]``, on or
    before ``period_end``).

    Year *k* ends the day before ``enrolled_on + 12k months``, which falls in the year *k*
    after enrolment; so the last complete year is the year of the day after the period end
    less the year of enrolment, less one if the anniversary of enrolment in that year is
    after that day.
    """
    after = np.datetime64(period_end + timedelta(days=1), "D")
    enrolled_year = enrolled_on.astype("datetime64[Y]").astype(np.int64)
    years = after.astype("datetime64[Y]").astype(np.int64) - enrolled_year
    return years - (_add_months(enrolled_on, 12 * years) > after)


def _windows_of_rows(
    enrolments: _Enrolments,
    enrolment: np.ndarray,
    day: np.ndarray,
    ytd_start: date,
    period_end: date,
) -> tuple[np.ndarray, np.ndarray]:
    """The windows containing each row (its ``enrolment`` and posting ``day``, a date):
    ``(entry, window code)`` pairs, in row order and window code order (baseline, year 1, 2,
    …, ytd).

    The baseline and the follow-up years follow one another without gap or overlap: window
    ``j`` (0 the baseline, ``k`` year *k*) runs from ``enrolled_on + 12(j−1) months`` to the
    day before window ``j + 1`` starts. So a row's window is the last of its enrolment's
    window starts on or before its day; only the baseline and the complete years count. The
    ytd may overlap them; it comes last.
    """
    days = day.astype("datetime64[D]").astype(np.int64)
    full_years = enrolments.full_years
    n_starts = int(full_years.max()) + 2  # the baseline, each complete year, the next year
    months = 12 * (np.arange(n_starts) - 1)
    starts = _add_months(enrolments.enrolled_on[:, None], months).astype(np.int64)
    # One binary search for all rows: each enrolment's window starts and its rows' days are
    # shifted into a range of days of the enrolment's own, above the previous enrolment's.
    low = days.min(initial=starts.min())
    span = days.max(initial=starts.max()) - low + 1
    shift = np.arange(len(starts)) * span - low
    found = np.searchsorted((starts + shift[:, None]).ravel(), days + shift[enrolment], "right")
    window = found - enrolment * n_starts - 1
    in_window = (window >= 0) & (window <= full_years[enrolment])
    ytd_first = np.maximum(enrolments.enrolled_on, np.datetime64(ytd_start, "D"))
    in_ytd = (days >= ytd_first.astype(np.int64)[enrolment]) & (
        days <= np.datetime64(period_end, "D").astype(np.int64)
    )
    # Row-major: each row's window, then its ytd.
    inside = np.flatnonzero(np.stack([in_window, in_ytd], axis=1))
    entry = inside // 2
    return entry, np.where(inside % 2 == 1, n_starts - 1, window[entry])


def _spend(
    ctx: Context, enrolments: _Enrolments, rank: np.ndarray, persons: _Persons, sectors: list[str]
) -> tuple[np.ndarray, ...]:
    """Spend per (enrolment, window code, sector), ordered by enrolment ``rank`` (then window
    code and sector): the sum of the ledger rows of the enrolment's persons in the window.

    Each sum adds its rows person by person (in pair order), each person's rows in ledger
    order: the order the former pandas merges gave, on which the sum's last digit depends.
    """
    ledger = ctx.ledger_arrays
    person = positions_in(ctx.tables.ledger["person_id"], persons.ids)
    # Each row's sector through its budget line (a sentinel answers for rows without one).
    sector_of_line = positions_in(ctx.tables.line_sector, sectors)
    sector = np.append(sector_of_line, -1)[ledger.line_code]
    # (Rows without a posting day are in no window.)
    rows = np.flatnonzero((person >= 0) & (sector >= 0) & ~np.isnat(ledger.posting_date))
    # The ledger rows of each pair: rows grouped by person (ledger order kept), pair by pair.
    # (As 16-bit integers when they fit: numpy sorts those stably by radix sort, in linear time.)
    sort_key = person[rows]
    if len(persons.ids) <= np.iinfo(np.uint16).max:
        sort_key = sort_key.astype(np.uint16)
    by_person = rows[np.argsort(sort_key, kind="stable")]
    count = np.bincount(person[rows], minlength=len(persons.ids))
    per_pair = count[persons.code]
    pair = np.repeat(np.arange(len(per_pair)), per_pair)
    within = np.arange(len(pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    row = by_person[(np.cumsum(count) - count)[persons.code][pair] + within]
    enrolment = persons.enrolment[pair]
    day = ledger.posting_date[row]
    amount = ledger.amount[row]
    sector = sector[row]

    # Each row once per window of its enrolment that contains it, in window code order.
    entry, window = _windows_of_rows(
        enrolments, enrolment, day, ctx.period.ytd_start, ctx.period.end
    )
    # Keys ordered as (enrolment_id, window name, sector name) strings sort.
    n_windows, n_sectors = int(enrolments.full_years.max()) + 2, len(sectors)
    names = [BASELINE, *(str(year) for year in range(1, n_windows - 1)), YTD]
    window_rank, window_of_rank = string_ranks(names)
    sector_rank, sector_of_rank = string_ranks(sectors)
    keys = (rank[enrolment[entry]] * n_windows + window_rank[window]) * n_sectors
    key, total = group_sums(keys + sector_rank[sector[entry]], amount[entry])
    return (
        key // (n_windows * n_sectors),
        window_of_rank[key // n_sectors % n_windows],
        sector_of_rank[key % n_sectors],
        total,
    )


def _cross_sector(ctx: Context) -> _CrossSector:
    return ctx.memo("cross_sector", lambda: _derive(ctx))


def _derive(ctx: Context) -> _CrossSector:
    if "person_id" not in ctx.tables.ledger:
        raise MissingInput("the ledger has no person_id column, so spend cannot follow persons")
    enrolments = _enrolments(ctx)
    persons = _enrolled_persons(ctx, enrolments)
    rank, order = string_ranks(enrolments.enrolment_id)
    sectors = _sectors(ctx)
    spend_enrolment, spend_window, spend_sector, spend_amount = _spend(
        ctx, enrolments, rank, persons, sectors
    )
    notes = []
    first_posting = ctx.tables.ledger_first_posting
    early = 0
    if first_posting is not None:
        starts = _add_months(enrolments.enrolled_on, -12)
        early = int((starts < np.datetime64(first_posting, "D")).sum())
    if early:
        notes.append(
            f"{early} enrolment(s) have a baseline window starting before the first ledger "
            f"posting ({first_posting}): their baseline may be understated"
        )
    empty = len(order) - len(np.unique(persons.enrolment))
    if empty:
        notes.append(f"{empty} enrolment(s) have no known person (no spend can be found)")
    solutions = sorted(set(enrolments.solution.tolist()))
    solution = np.searchsorted(np.array(solutions, dtype=object), enrolments.solution)
    return _CrossSector(
        solution=solution[order],
        solutions=solutions,
        full_years=enrolments.full_years[order],
        person_enrolment=rank[persons.enrolment],
        person_code=persons.code,
        person_ids=persons.ids,
        spend_enrolment=spend_enrolment,
        spend_window=spend_window,
        spend_sector=spend_sector,
        spend_amount=spend_amount,
        ytd_window=int(enrolments.full_years.max()) + 1,
        sectors=sectors,
        notes=tuple(notes),
    )


# ---- aggregation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Sums:
    """Spend of a selection of enrolments: total, per sector, per solution × sector."""

    total: float
    by_sector: np.ndarray
    solutions: list[str]  # the selection's solutions, sorted
    by_solution: np.ndarray  # solution × sector
    units: np.ndarray  # enrolments per solution
    persons: np.ndarray  # distinct persons per solution
    all_units: int
    all_persons: int


def _sums(cs: _CrossSector, selections: dict[str, np.ndarray]) -> dict[str, _Sums]:
    """Aggregate the spend of several selections of enrolments (one group-by for all): of each
    enrolment, selection ``name`` takes the spend of window code
    ``selections[name][enrolment]`` (none if ``NOT_CHOSEN``). Every sector and every solution
    of a selection is present."""
    n_solutions, n_sectors = len(cs.solutions), len(cs.sectors)
    n_persons = len(cs.person_ids)
    # Selection × enrolment: the window code taken, or NOT_CHOSEN.
    chosen = np.array(list(selections.values()))
    # The spend rows of each selection, selection by selection (spend order kept within each).
    selection, rows = np.nonzero(chosen[:, cs.spend_enrolment] == cs.spend_window)
    # Keys ordered as (solution, sector) strings sort (see group_sums), each selection's keys
    # in a range of their own above the previous selection's.
    sector_rank, sector_of_rank = string_ranks(cs.sectors)
    solution = selection * n_solutions + cs.solution[cs.spend_enrolment[rows]]
    keys = solution * n_sectors + sector_rank[cs.spend_sector[rows]]
    key, total = _group_sums_by_part(selection, keys, cs.spend_amount[rows], len(selections))
    cells = np.zeros((len(selections), n_solutions, n_sectors))
    cells.reshape(-1, n_sectors)[key // n_sectors, sector_of_rank[key % n_sectors]] = total
    result = {}
    for name, window, selected in zip(selections, chosen, cells, strict=True):
        is_chosen = window != NOT_CHOSEN
        units = np.bincount(cs.solution[is_chosen], minlength=n_solutions)
        present = np.flatnonzero(units)
        table = selected[present]
        # Distinct persons by marking them (solution × person), once per solution and overall.
        pair = is_chosen[cs.person_enrolment]
        seen = np.zeros((n_solutions, n_persons), dtype=bool)
        seen[cs.solution[cs.person_enrolment[pair]], cs.person_code[pair]] = True
        result[name] = _Sums(
            total=float(table.sum()),
            by_sector=table.sum(axis=0),
            solutions=[cs.solutions[s] for s in present],
            by_solution=table,
            units=units[present],
            persons=seen.sum(axis=1)[present],
            all_units=int(is_chosen.sum()),
            all_persons=int(seen.any(axis=0).sum()),
        )
    return result


def _group_sums_by_part(
    part: np.ndarray, keys: np.ndarray, values: np.ndarray, n_parts: int
) -> tuple[np.ndarray, np.ndarray]:
    """The :func:`~noegletal.indicators._common.group_sums` of each part's rows taken on their
    own, in two calls at most rather than one per part. ``part`` is ascending and each part's
    keys lie above the previous part's.

    group_sums adds with ``np.add.reduceat`` when the keys are sorted and no value is NaN, else
    Kahan-compensated; so the parts that would take one way are summed together, those that
    would take the other way together: each group's sum then adds the same rows the same way.
    """
    unsorted = part[1:][keys[1:] < keys[:-1]]
    compensated = np.zeros(n_parts, dtype=bool)
    compensated[unsorted] = True
    compensated[part[np.isnan(values)]] = True
    rows = compensated[part]
    sums = [group_sums(keys[take], values[take]) for take in (rows, ~rows) if take.any()]
    if not sums:
        return keys, values
    return np.concatenate([key for key, _ in sums]), np.concatenate([total for _, total in sums])


def _sector_map(sectors: list[str], values: np.ndarray) -> dict[str, float]:
    return dict(zip(sectors, values.tolist(), strict=True))


def _breakdown(sums: _Sums, sectors: list[str]) -> tuple[dict, dict]:
    """``{"sector": …, "solution": {X: {"sector": …}}}`` and its basis: the number of
    enrolled units behind each cell (a family counts once: its spend is one household's)."""
    breakdown = {
        "sector": _sector_map(sectors, sums.by_sector),
        "solution": {
            sol: {"sector": _sector_map(sectors, row)}
            for sol, row in zip(sums.solutions, sums.by_solution, strict=True)
        },
    }
    basis = {
        "sector": dict.fromkeys(sectors, sums.all_units),
        "solution": {
            sol: {"sector": dict.fromkeys(sectors, int(units))}
            for sol, units in zip(sums.solutions, sums.units, strict=True)
        },
    }
    return breakdown, basis


def _per_unit_rows(sums: _Sums, sectors: list[str], **fixed: object) -> list[dict]:
    """Long table rows (solution × sector, plus ``total`` rows) with kr and kr per unit."""
    rows = []
    groups = [
        *zip(sums.solutions, sums.by_solution, sums.units, sums.persons, strict=True),
        ("total", sums.by_sector, sums.all_units, sums.all_persons),
    ]
    for solution, values, n_units, n_persons in groups:
        units, persons = int(n_units), int(n_persons)
        amounts = [*zip(sectors, values.tolist(), strict=True), ("total", float(values.sum()))]
        for sector, kr in amounts:
            rows.append(
                {
                    **fixed,
                    "solution": solution,
                    "sector": sector,
                    "units": units,
                    "persons": persons,
                    "kr": kr,
                    "kr_per_unit": clean(kr / units) if units else None,
                }
            )
    return rows


def _every(cs: _CrossSector, window: int) -> np.ndarray:
    """Selection: window code ``window`` of every enrolment."""
    return np.full(len(cs.full_years), window)


def _with_years(cs: _CrossSector, years: int, window: int | np.ndarray) -> np.ndarray:
    """Selection: ``window`` of the enrolments with at least ``years`` complete years."""
    return np.where(cs.full_years >= years, window, NOT_CHOSEN)


def _latest(cs: _CrossSector) -> np.ndarray:
    """Selection: each enrolment's latest complete follow-up year (if any)."""
    return _with_years(cs, 1, cs.full_years)


def _window_sums(ctx: Context) -> dict[str, _Sums]:
    """The spend of every selection the indicators read, aggregated together once per
    context: every enrolment's baseline (``baseline``); each complete follow-up year of the
    enrolments that have completed it (``"1"``, ``"2"``, …); every enrolment's ytd (``ytd``);
    each enrolment's latest complete year (``latest``) and, of the same enrolments, the
    baseline it is compared with (``compared baseline``)."""

    def aggregate() -> dict[str, _Sums]:
        cs = _cross_sector(ctx)
        selections = {BASELINE: _every(cs, BASELINE_WINDOW)}
        selections.update({str(k): _with_years(cs, k, k) for k in range(1, cs.ytd_window)})
        selections[YTD] = _every(cs, cs.ytd_window)
        selections[LATEST] = _latest(cs)
        selections[COMPARED_BASELINE] = _with_years(cs, 1, BASELINE_WINDOW)
        return _sums(cs, selections)

    return ctx.memo("cross_sector.sums", aggregate)


def _note(cs: _CrossSector, text: str) -> str:
    return " ".join([text, *[f"Note: {n}." for n in cs.notes]])


# ---- indicators --------------------------------------------------------------------------------
@indicator(
    "xs.baseline",
    unit="kr",
    label_da="Økonomigrundlag (12 mdr. før indskrivning) pr. sektorområde",
    needs=NEEDS,
)
def baseline(ctx: Context) -> Result:
    """Actual spend (ledger rows with ``person_id`` of the enrolled persons) in the 12 months
    before ``enrolled_on``, per sector area (children, adults, employment, other — from
    ``budget_lines.sector``), summed per solution; also per enrolled unit.

    Window: ``enrolled_on − 12 months`` .. ``enrolled_on − 1 day``. Enrolments of the period:
    enrolled on or before the period end. ``value`` = Σ over enrolments and sectors;
    breakdown by ``sector`` and ``solution`` × ``sector``; ``basis`` = enrolled units (a
    solution's cells carry its own units). ``table``: solution × sector rows with units,
    persons, kr and kr per enrolled unit (enrolment).
    """
    cs = _cross_sector(ctx)
    sums = _window_sums(ctx)[BASELINE]
    breakdown, basis = _breakdown(sums, cs.sectors)
    units = len(cs.full_years)
    return Result(
        "",
        sums.total,
        "kr",
        breakdown=breakdown,
        basis=sums.all_units,
        breakdown_basis=basis,
        note=_note(cs, "12 months before enrolment, all enrolments up to the period end."),
        table=_per_unit_rows(sums, cs.sectors, window=BASELINE),
        extra={
            "units": units,
            "persons": sums.all_persons,
            "per_unit": sums.total / units,
            "per_unit_by_sector": _sector_map(cs.sectors, sums.by_sector / units),
        },
    )


@indicator(
    "xs.followup",
    unit="kr",
    label_da="Udgifter efter indskrivning pr. sektorområde",
    needs=NEEDS,
)
def followup(ctx: Context) -> Result:
    """The same measure for each full 12-month window after enrolment (year 1, year 2, …)
    and for the current ytd.

    Year *k* = ``enrolled_on + 12(k−1) months`` .. ``enrolled_on + 12k months − 1 day``,
    counted once it ends on or before the period end. Current ytd = 1 January of the
    period's year (or ``enrolled_on`` if later) .. period end, not annualised. ``value`` =
    Σ over enrolments of the spend in their *latest* complete year (the follow-up that
    ``xs.change_by_sector`` compares; null with a reason when no enrolment has one);
    breakdown ``sector`` and ``solution`` × ``sector`` of that value, and ``year`` × ``sector``
    with keys ``"1"``, ``"2"``, … (each enrolment that has completed that year) and ``ytd``
    (every enrolment of the period).
    """
    cs = _cross_sector(ctx)
    with_year = int((cs.full_years >= 1).sum())
    window_sums = _window_sums(ctx)
    windows = [*(str(k) for k in range(1, cs.ytd_window)), YTD]
    years: dict[str, dict] = {}
    years_basis: dict[str, dict] = {}
    table: list[dict] = []
    for window in windows:
        sums = window_sums[window]
        years[window] = {"sector": _sector_map(cs.sectors, sums.by_sector)}
        years_basis[window] = {"sector": dict.fromkeys(cs.sectors, sums.all_units)}
        table += _per_unit_rows(sums, cs.sectors, window=window)
    value = None
    reason = None
    if with_year:
        sums = window_sums[LATEST]
        breakdown, basis = _breakdown(sums, cs.sectors)
        value, units = sums.total, sums.all_units
        table += _per_unit_rows(sums, cs.sectors, window=LATEST)
    else:
        breakdown, basis = {}, {}
        units = 0
        reason = f"no enrolment has a full 12-month follow-up year by {ctx.period.end}"
    breakdown["year"], basis["year"] = years, years_basis
    return Result(
        "",
        value,
        "kr",
        breakdown=breakdown,
        basis=units,
        breakdown_basis=basis,
        reason=reason,
        note=_note(
            cs,
            "Value: each enrolment's latest full year after enrolment; "
            "year: each full year after enrolment; ytd: 1 January (or enrolment) to period end.",
        ),
        table=table,
        extra={"enrolments_with_full_year": with_year, "enrolments": len(cs.full_years)},
    )


def _comparison(ctx: Context) -> tuple[_CrossSector, _Sums, _Sums]:
    """Baseline and latest complete follow-up year of the enrolments that have one."""
    cs = _cross_sector(ctx)
    if not (cs.full_years >= 1).any():
        raise MissingInput(
            f"no enrolment has a full 12-month follow-up year by {ctx.period.end}, "
            "so there is nothing to compare with the baseline"
        )
    sums = _window_sums(ctx)
    return cs, sums[COMPARED_BASELINE], sums[LATEST]


def _change_result(ctx: Context, text: str) -> Result:
    cs, before, after = _comparison(ctx)
    change = _Sums(
        total=after.total - before.total,
        by_sector=after.by_sector - before.by_sector,
        solutions=after.solutions,
        by_solution=after.by_solution - before.by_solution,
        units=after.units,
        persons=after.persons,
        all_units=after.all_units,
        all_persons=after.all_persons,
    )
    breakdown, basis = _breakdown(change, cs.sectors)
    table = []
    groups = [
        *zip(before.solutions, before.by_solution, after.by_solution, before.units, strict=True),
        ("total", before.by_sector, after.by_sector, before.all_units),
    ]
    for solution, old, new, units in groups:
        for sector, old_kr, new_kr in zip(cs.sectors, old.tolist(), new.tolist(), strict=True):
            table.append(
                {
                    "solution": solution,
                    "sector": sector,
                    "units": int(units),
                    "baseline_kr": old_kr,
                    "followup_kr": new_kr,
                    "change_kr": new_kr - old_kr,
                }
            )
    return Result(
        "",
        change.total,
        "kr",
        breakdown=breakdown,
        basis=change.all_units,
        breakdown_basis=basis,
        note=_note(cs, text),
        table=table,
        extra={
            "baseline": before.total,
            "followup": after.total,
            "enrolments_compared": after.all_units,
            "enrolments_without_full_year": int((cs.full_years == 0).sum()),
            "solution_budget_counter_entry": -change.total,
        },
    )


@indicator(
    "xs.change_by_sector",
    unit="kr",
    label_da="Udgiftsændring pr. sektorområde (efter − før)",
    needs=NEEDS,
)
def change_by_sector(ctx: Context) -> Result:
    """Follow-up − baseline per sector area; negative = saving.

    Compared per enrolment: its latest complete follow-up year (12 months) − its baseline
    (the 12 months before enrolment); only enrolments with at least one complete follow-up
    year by the period end take part (null with a reason when there are none). ``value`` =
    net change over all sectors; ``extra`` holds the compared baseline and follow-up.
    """
    return _change_result(
        ctx,
        "Latest full year after enrolment minus the 12 months before, for enrolments "
        "with at least one full year; negative = saving.",
    )


@indicator(
    "xs.budget_reallocation",
    unit="kr",
    label_da="Omfordeling af budget mellem sektorområder (Albertslund-modellen)",
    needs=NEEDS,
)
def budget_reallocation(ctx: Context) -> Result:
    """Albertslund model: per sector area, the budget adjustment that moves money to where
    the cost went (= change by sector), with the net total.

    Same comparison as ``xs.change_by_sector``, read as a budget decision: a positive cell is
    budget added to the sector area (its cost rose), a negative cell budget taken from it.
    ``value`` = the net total; the solution's common budget takes the counter-entry
    (``extra["solution_budget_counter_entry"]`` = −net). Seed slide 22: +3 − 1 + 2 − 5 − 0.5
    = −1.5 m kr., which exactly offsets the solution's starting budget of −1.5 m kr.
    """
    return _change_result(
        ctx,
        "Budget adjustment per sector area = latest full year after enrolment minus the "
        "12 months before; positive = budget added to the area.",
    )


@indicator(
    "xs.outcome_job_education_share",
    unit="share",
    label_da="Andel indskrevne i job eller uddannelse (seneste 12 mdr.)",
    needs=(*NEEDS, "outcomes"),
)
def outcome_job_education_share(ctx: Context) -> Result:
    """Share of enrolled persons with an ``outcomes`` row of ``job`` or ``education`` in the
    last 12 months (seed: target e.g. 15 %).

    Enrolled persons: distinct persons of the enrolments of the period (enrolled on or before
    the period end). Last 12 months: ``period end + 1 day − 12 months`` .. period end (2025-H2:
    1 January–31 December 2025), whether or not the row is dated after the enrolment. A person
    in two solutions counts once in the total and in each solution. Breakdown by ``solution``.
    """
    cs = _cross_sector(ctx)
    outcomes = ctx.tables.outcomes
    assert outcomes is not None  # guaranteed by needs=
    end = ctx.period.end
    first = add_months(end + timedelta(days=1), -12)
    dates = outcomes["date"].to_numpy()
    rows = (
        (positions_in(outcomes["status"], list(JOB_OR_EDUCATION)) >= 0)
        & (dates >= np.datetime64(first))
        & (dates <= np.datetime64(end))
    )
    person = positions_in(outcomes["person_id"], cs.person_ids)
    hit = np.zeros(len(cs.person_ids), dtype=bool)
    hit[person[rows & (person >= 0)]] = True
    hits = int(hit.sum())
    value = ratio(hits, len(cs.person_ids), "the number of enrolled persons")
    # Distinct (solution, person) pairs: a person counts once in each of its solutions.
    n_persons = len(cs.person_ids)
    pairs = np.unique(cs.solution[cs.person_enrolment] * n_persons + cs.person_code)
    solution, person = np.divmod(pairs, n_persons)
    size = np.bincount(solution, minlength=len(cs.solutions))
    hit_size = np.bincount(solution, weights=hit[person], minlength=len(cs.solutions))
    present = np.flatnonzero(size)
    return Result(
        "",
        value,
        "share",
        breakdown={"solution": {cs.solutions[s]: float(hit_size[s] / size[s]) for s in present}},
        basis=n_persons,
        breakdown_basis={"solution": {cs.solutions[s]: int(size[s]) for s in present}},
        note=f"Outcomes dated {first}..{end}.",
        extra={"persons_with_job_or_education": hits},
    )
