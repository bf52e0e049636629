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

import weakref
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from noegletal.indicators._common import clean, ratio
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
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
@dataclass(frozen=True)
class _CrossSector:
    """Everything the five indicators share for one context.

    ``enrolments``: enrolments of the period (``enrolment_id``, ``solution``, ``enrolled_on``,
    ``unit``, ``full_years``). ``persons``: (``enrolment_id``, ``solution``, ``person_id``).
    ``spend``: (``enrolment_id``, ``window``, ``sector``, ``amount``), ``window`` being
    ``baseline``, ``"1"``, ``"2"``, … or ``ytd``. ``sectors``: sector areas in display order.
    """

    enrolments: pd.DataFrame
    persons: pd.DataFrame
    spend: pd.DataFrame
    sectors: list[str]
    notes: tuple[str, ...]


_CACHE: weakref.WeakKeyDictionary[Context, _CrossSector] = weakref.WeakKeyDictionary()


def _sectors(ctx: Context) -> list[str]:
    found = [str(s) for s in pd.unique(ctx.tables.line_sector.dropna())]
    standard = [s for s in STANDARD_SECTORS if s in found]
    return standard + sorted(s for s in found if s not in STANDARD_SECTORS)


def _enrolments(ctx: Context) -> pd.DataFrame:
    table = ctx.tables.cross_sector_enrolments
    assert table is not None  # guaranteed by needs=
    end = pd.Timestamp(ctx.period.end)
    rows = table[table["enrolled_on"] <= end]
    if rows.empty:
        raise MissingInput(f"no cross-sector enrolment on or before {ctx.period.end}")
    person = rows["person_id"] if "person_id" in rows else pd.Series(pd.NA, index=rows.index)
    family = rows["family_id"] if "family_id" in rows else pd.Series(pd.NA, index=rows.index)
    enrolled = [d.date() for d in rows["enrolled_on"]]
    return pd.DataFrame(
        {
            "enrolment_id": rows["enrolment_id"].astype(str).to_numpy(),
            "solution": rows["solution"].astype(str).to_numpy(),
            "person_id": person.to_numpy(),
            "family_id": family.to_numpy(),
            "enrolled_on": enrolled,
            "unit": ["family" if pd.notna(f) else "person" for f in family],
            "full_years": [complete_followup_years(d, ctx.period.end) for d in enrolled],
        }
    )


def _family_persons(ctx: Context) -> pd.DataFrame:
    """(family_id, person_id) from ``family_members`` and ``interventions.family_id``."""
    parts = []
    if ctx.tables.family_members is not None:
        parts.append(ctx.tables.family_members[["family_id", "person_id"]])
    interventions = ctx.tables.interventions
    if "family_id" in interventions:
        parts.append(
            interventions.loc[interventions["family_id"].notna(), ["family_id", "person_id"]]
        )
    if not parts:
        return pd.DataFrame({"family_id": pd.Series(dtype=str), "person_id": pd.Series(dtype=str)})
    return pd.concat(parts, ignore_index=True).astype(str).drop_duplicates()


def _enrolled_persons(ctx: Context, enrolments: pd.DataFrame) -> pd.DataFrame:
    families = enrolments[enrolments["unit"] == "family"]
    if not families.empty and ctx.tables.family_members is None:
        raise MissingInput(
            "family enrolments need the optional table family_members, which is absent"
        )
    direct = enrolments.loc[enrolments["person_id"].notna(), ["enrolment_id", "person_id"]]
    via_family = families[["enrolment_id", "family_id"]].merge(
        _family_persons(ctx), on="family_id"
    )[["enrolment_id", "person_id"]]
    pairs = pd.concat([direct, via_family], ignore_index=True).astype(str).drop_duplicates()
    solution = enrolments.set_index("enrolment_id")["solution"]
    pairs["solution"] = pairs["enrolment_id"].map(solution)
    return pairs.reset_index(drop=True)


def _windows(enrolments: pd.DataFrame, ytd_start: date, period_end: date) -> pd.DataFrame:
    rows = []
    for record in enrolments.itertuples(index=False):
        rows.append((record.enrolment_id, BASELINE, *baseline_window(record.enrolled_on)))
        for year in range(1, record.full_years + 1):
            rows.append(
                (record.enrolment_id, str(year), *followup_window(record.enrolled_on, year))
            )
        rows.append((record.enrolment_id, YTD, max(ytd_start, record.enrolled_on), period_end))
    frame = pd.DataFrame(rows, columns=["enrolment_id", "window", "first", "last"])
    frame["first"] = pd.to_datetime(frame["first"]).astype("datetime64[ns]")
    frame["last"] = pd.to_datetime(frame["last"]).astype("datetime64[ns]")
    return frame


def _cross_sector(ctx: Context) -> _CrossSector:
    if ctx in _CACHE:
        return _CACHE[ctx]
    if "person_id" not in ctx.tables.ledger:
        raise MissingInput("the ledger has no person_id column, so spend cannot follow persons")
    enrolments = _enrolments(ctx)
    persons = _enrolled_persons(ctx, enrolments)
    ledger = ctx.ledger
    ledger = ledger[ledger["person_id"].isin(persons["person_id"]) & ledger["sector"].notna()]
    rows = persons[["enrolment_id", "person_id"]].merge(
        ledger[["person_id", "posting_date", "amount", "sector"]], on="person_id"
    )
    windows = _windows(enrolments, ctx.period.ytd_start, ctx.period.end)
    rows = rows.merge(windows, on="enrolment_id")
    rows = rows[(rows["posting_date"] >= rows["first"]) & (rows["posting_date"] <= rows["last"])]
    spend = rows.groupby(["enrolment_id", "window", "sector"], as_index=False)["amount"].sum()
    notes = []
    first_posting = ctx.tables.ledger_first_posting
    early = 0
    if first_posting is not None:
        starts = [baseline_window(d)[0] for d in enrolments["enrolled_on"]]
        early = sum(start < first_posting for start in starts)
    if early:
        notes.append(
            f"{early} enrolment(s) have a baseline window starting before the first ledger "
            f"posting ({first_posting}): their baseline may be understated"
        )
    empty = sorted(set(enrolments["enrolment_id"]) - set(persons["enrolment_id"]))
    if empty:
        notes.append(f"{len(empty)} enrolment(s) have no known person (no spend can be found)")
    result = _CrossSector(enrolments, persons, spend, _sectors(ctx), tuple(notes))
    _CACHE[ctx] = result
    return result


# ---- aggregation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Sums:
    """Spend of a selection of enrolments: total, per sector, per solution × sector."""

    total: float
    by_sector: pd.Series
    by_solution: pd.DataFrame  # index solution, columns sectors
    units: pd.Series  # enrolments per solution
    persons: pd.Series  # distinct persons per solution
    all_units: int
    all_persons: int


def _sum(cs: _CrossSector, amounts: pd.DataFrame, enrolment_ids: pd.Index) -> _Sums:
    """Aggregate ``amounts`` (``enrolment_id``, ``sector``, ``amount``) over the enrolments in
    ``enrolment_ids``; every sector and every solution of the selection is present."""
    chosen = cs.enrolments[cs.enrolments["enrolment_id"].isin(enrolment_ids)]
    solutions = sorted(chosen["solution"].unique())
    solution_of = chosen.set_index("enrolment_id")["solution"]
    amounts = amounts[amounts["enrolment_id"].isin(enrolment_ids)]
    # The sums pivot_table would take (a group-by), without its overhead.
    summed = (
        amounts.assign(solution=amounts["enrolment_id"].map(solution_of))
        .groupby(["solution", "sector"])["amount"]
        .sum()
    )
    table = (
        summed.unstack("sector")
        if len(summed)
        else pd.DataFrame(index=pd.Index([], name="solution"), dtype=float)
    )
    table = table.reindex(index=solutions, columns=cs.sectors).fillna(0.0)
    persons = cs.persons[cs.persons["enrolment_id"].isin(enrolment_ids)]
    return _Sums(
        total=float(table.to_numpy().sum()),
        by_sector=table.sum(axis=0),
        by_solution=table,
        units=chosen.groupby("solution").size().reindex(solutions, fill_value=0),
        persons=persons.groupby("solution")["person_id"].nunique().reindex(solutions, fill_value=0),
        all_units=len(chosen),
        all_persons=int(persons["person_id"].nunique()),
    )


def _sector_map(values: pd.Series) -> dict[str, float]:
    return {str(k): float(v) for k, v in values.items()}


def _breakdown(sums: _Sums, sectors: list[str]) -> tuple[dict, dict]:
    """``{"sector": …, "solution": {X: {"sector": …}}}`` and its basis: the number of
    enrolled units behind each cell (a family counts once: its spend is one household's)."""
    breakdown = {
        "sector": _sector_map(sums.by_sector),
        "solution": {
            str(sol): {"sector": _sector_map(row)} for sol, row in sums.by_solution.iterrows()
        },
    }
    basis = {
        "sector": dict.fromkeys(sectors, sums.all_units),
        "solution": {
            str(sol): {"sector": dict.fromkeys(sectors, int(sums.units[sol]))}
            for sol in sums.by_solution.index
        },
    }
    return breakdown, basis


def _per_unit_rows(sums: _Sums, sectors: list[str], **fixed: object) -> list[dict]:
    """Long table rows (solution × sector, plus ``total`` rows) with kr and kr per unit."""
    rows = []
    frames = [*sums.by_solution.iterrows(), ("total", sums.by_sector)]
    for solution, values in frames:
        units = sums.all_units if solution == "total" else int(sums.units[solution])
        persons = sums.all_persons if solution == "total" else int(sums.persons[solution])
        for sector in [*sectors, "total"]:
            kr = float(values.sum() if sector == "total" else values[sector])
            rows.append(
                {
                    **fixed,
                    "solution": str(solution),
                    "sector": sector,
                    "units": units,
                    "persons": persons,
                    "kr": kr,
                    "kr_per_unit": clean(kr / units) if units else None,
                }
            )
    return rows


def _window_amounts(cs: _CrossSector, window: str) -> pd.DataFrame:
    return cs.spend[cs.spend["window"] == window]


def _latest_amounts(cs: _CrossSector) -> tuple[pd.DataFrame, pd.Index]:
    """Spend of each enrolment's latest complete follow-up year, and those enrolments."""
    with_year = cs.enrolments[cs.enrolments["full_years"] >= 1]
    latest = with_year.set_index("enrolment_id")["full_years"].astype(str)
    spend = cs.spend[cs.spend["enrolment_id"].map(latest) == cs.spend["window"]]
    return spend, pd.Index(with_year["enrolment_id"])


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
    ids = pd.Index(cs.enrolments["enrolment_id"])
    sums = _sum(cs, _window_amounts(cs, BASELINE), ids)
    breakdown, basis = _breakdown(sums, cs.sectors)
    units = len(ids)
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
            "per_unit_by_sector": _sector_map(sums.by_sector / units),
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
    latest, with_year = _latest_amounts(cs)
    all_ids = pd.Index(cs.enrolments["enrolment_id"])
    years: dict[str, dict] = {}
    years_basis: dict[str, dict] = {}
    table: list[dict] = []
    windows = [str(k) for k in range(1, int(cs.enrolments["full_years"].max()) + 1)] + [YTD]
    for window in windows:
        ids = (
            all_ids
            if window == YTD
            else pd.Index(
                cs.enrolments.loc[cs.enrolments["full_years"] >= int(window), "enrolment_id"]
            )
        )
        sums = _sum(cs, _window_amounts(cs, window), ids)
        years[window] = {"sector": _sector_map(sums.by_sector)}
        years_basis[window] = {"sector": dict.fromkeys(cs.sectors, sums.all_units)}
        table += _per_unit_rows(sums, cs.sectors, window=window)
    value = None
    reason = None
    if len(with_year):
        sums = _sum(cs, latest, with_year)
        breakdown, basis = _breakdown(sums, cs.sectors)
        value, units = sums.total, sums.all_units
        table += _per_unit_rows(sums, cs.sectors, window="latest")
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
        extra={"enrolments_with_full_year": len(with_year), "enrolments": len(all_ids)},
    )


def _comparison(ctx: Context) -> tuple[_CrossSector, _Sums, _Sums, pd.Index]:
    """Baseline and latest complete follow-up year of the enrolments that have one."""
    cs = _cross_sector(ctx)
    latest, ids = _latest_amounts(cs)
    if not len(ids):
        raise MissingInput(
            f"no enrolment has a full 12-month follow-up year by {ctx.period.end}, "
            "so there is nothing to compare with the baseline"
        )
    before = _sum(cs, _window_amounts(cs, BASELINE), ids)
    after = _sum(cs, latest, ids)
    return cs, before, after, ids


def _change_result(ctx: Context, text: str) -> Result:
    cs, before, after, ids = _comparison(ctx)
    change = _Sums(
        total=after.total - before.total,
        by_sector=after.by_sector - before.by_sector,
        by_solution=after.by_solution - before.by_solution,
        units=after.units,
        persons=after.persons,
        all_units=after.all_units,
        all_persons=after.all_persons,
    )
    breakdown, basis = _breakdown(change, cs.sectors)
    table = []
    for solution in [*before.by_solution.index, "total"]:
        old = before.by_sector if solution == "total" else before.by_solution.loc[solution]
        new = after.by_sector if solution == "total" else after.by_solution.loc[solution]
        for sector in cs.sectors:
            table.append(
                {
                    "solution": str(solution),
                    "sector": sector,
                    "units": before.all_units
                    if solution == "total"
                    else int(before.units[solution]),
                    "baseline_kr": float(old[sector]),
                    "followup_kr": float(new[sector]),
                    "change_kr": float(new[sector] - old[sector]),
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
            "enrolments_compared": len(ids),
            "enrolments_without_full_year": int((cs.enrolments["full_years"] == 0).sum()),
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
    hit = outcomes[
        outcomes["status"].isin(JOB_OR_EDUCATION)
        & (outcomes["date"] >= pd.Timestamp(first))
        & (outcomes["date"] <= pd.Timestamp(end))
    ]
    persons = cs.persons.assign(hit=cs.persons["person_id"].isin(hit["person_id"]))
    distinct = persons.drop_duplicates("person_id")
    value = ratio(int(distinct["hit"].sum()), len(distinct), "the number of enrolled persons")
    per_solution = persons.drop_duplicates(["solution", "person_id"]).groupby("solution")["hit"]
    return Result(
        "",
        value,
        "share",
        breakdown={"solution": {str(k): float(v) for k, v in per_solution.mean().items()}},
        basis=len(distinct),
        breakdown_basis={"solution": {str(k): int(v) for k, v in per_solution.size().items()}},
        note=f"Outcomes dated {first}..{end}.",
        extra={"persons_with_job_or_education": int(distinct["hit"].sum())},
    )
