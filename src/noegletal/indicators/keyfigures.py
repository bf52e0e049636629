"""FP6 — professional and financial key figures, per measure type, area and level."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from noegletal.codes import MEASURE_TYPES_BY_AREA
from noegletal.indicators._common import ratio
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.measures import day_number
from noegletal.periods import Period

AGE_BANDS = {
    "children": [("0-5", 0, 5), ("6-11", 6, 11), ("12-17", 12, 17), ("18-22", 18, 22)],
    "adults": [("18-24", 18, 24), ("25-39", 25, 39), ("40-64", 40, 64), ("65+", 65, 200)],
}
COST_BANDS = [
    ("<0.5m", 0, 500_000),
    ("0.5-1m", 500_000, 1_000_000),
    ("1-2m", 1_000_000, 2_000_000),
    ("2-4m", 2_000_000, 4_000_000),
    (">=4m", 4_000_000, float("inf")),
]
PROGRESSION_REASONS = ("goal_achieved", "stepped_down")


FIGURES = (
    "persons_end",
    "unique_persons",
    "full_year_persons",
    "commitment_cost",
    "avg_cost_per_fyp",
)


def _areas(ctx: Context) -> tuple[np.ndarray, list[str]]:
    """``ctx.codes("area")``: each measure's area code and the areas in order of first
    appearance.

    When every measure is a children's or an adults' one (as validation ensures), the codes
    follow from the masks of the two areas, which other modules compute anyway; factorising
    the strings costs more.
    """

    def compute() -> tuple[np.ndarray, list[str]]:
        children, adults = ctx.is_children, ctx.is_adults
        if not len(children) or not (children | adults).all():
            return ctx.codes("area")
        if children[0]:
            areas, second = ["children", "adults"], adults
        else:
            areas, second = ["adults", "children"], children
        return second.astype(np.int64), areas if second.any() else areas[:1]

    return ctx.memo("fp6.areas", compute)


def _in_area(ctx: Context, area: str) -> np.ndarray:
    """Mask of the measures of ``area``."""
    codes, areas = _areas(ctx)
    return codes == areas.index(area) if area in areas else np.zeros(len(codes), dtype=bool)


def _pairs(ctx: Context) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Each measure's (area, measure type) group code and the groups' (area, measure type)
    in order of first appearance (the order of ``groupby(..., sort=False)``)."""

    def compute() -> tuple[np.ndarray, list[tuple[str, str]]]:
        area, areas = _areas(ctx)
        measure, measures = ctx.codes("measure_type")
        group, keys = pd.factorize(area * len(measures) + measure)
        pairs = [(areas[k // len(measures)], measures[k % len(measures)]) for k in keys]
        return group, pairs

    return ctx.memo("fp6.pairs", compute)


def _measure_groups(ctx: Context) -> list[tuple[str, str, int, np.ndarray]]:
    """Group code (:func:`_pairs`) and row positions of each (area, measure type) of
    ``MEASURE_TYPES_BY_AREA`` that has measures, in that order; a group's rows are in their
    original order, so every sum is the one a boolean filter would give."""

    def compute() -> list[tuple[str, str, int, np.ndarray]]:
        group, pairs = _pairs(ctx)
        number = {pair: i for i, pair in enumerate(pairs)}
        return [
            (
                area,
                measure,
                number[(area, measure)],
                np.flatnonzero(group == number[(area, measure)]),
            )
            for area, types in MEASURE_TYPES_BY_AREA.items()
            for measure in types
            if (area, measure) in number
        ]

    return ctx.memo("fp6.measure_groups", compute)


def _distinct_per_group(ctx: Context, mask: np.ndarray) -> list[int]:
    """Number of distinct persons among the measures selected by ``mask`` in each
    (area, measure type) group, by group code (:func:`_pairs`)."""
    group, pairs = _pairs(ctx)
    # One sort of (group, person) keys rather than an np.unique per group (numpy's unique
    # hashes, which costs far more than sorting a few thousand integers). Person codes start
    # at -1 (no person id), hence the shift by one.
    width = len(ctx.persons) + 1
    keys = np.sort(group[mask] * width + ctx.person_code[mask] + 1)
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    return np.bincount(keys[first] // width, minlength=len(pairs)).tolist()


def _measure_figures(ctx: Context, period: Period) -> list[dict]:
    """Per (area, measure_type) with a measure active in ``period``: persons at period end,
    unique persons in the period, full-year persons, commitment cost and average cost per
    full-year person."""
    return ctx.memo(f"fp6.measure_figures.{period}", lambda: _figures(ctx, period))


def _figures(ctx: Context, period: Period) -> list[dict]:
    days = ctx.days_active(period.start, period.end)
    fyp = days / period.days
    cost = ctx.commitment(period.start, period.end)
    persons_end = _distinct_per_group(ctx, ctx.active_on(period.end))
    unique_persons = _distinct_per_group(ctx, days > 0)
    rows = []
    for area, measure, number, at in _measure_groups(ctx):
        if not unique_persons[number]:  # no measure of the group is active in the period
            continue
        fyp_sum = float(fyp[at].sum())
        cost_sum = float(cost[at].sum())
        rows.append(
            {
                "area": area,
                "measure_type": measure,
                "persons_end": persons_end[number],
                "unique_persons": unique_persons[number],
                "full_year_persons": fyp_sum,
                "commitment_cost": cost_sum,
                "avg_cost_per_fyp": cost_sum / fyp_sum if fyp_sum else None,
            }
        )
    return rows


def _change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before == 0 or pd.isna(before) or pd.isna(now):
        return None
    return float(now / before - 1)


@indicator("fp6.key_figures", unit="persons", label_da="Nøgletal pr. indsatstype")
def key_figures(ctx: Context) -> Result:
    """Per measure type and area: persons at period end, unique persons, full-year persons,
    commitment cost, average cost per full-year person, and the change against the same
    period one year earlier.

    ``value`` is the number of distinct persons at period end (both areas); the breakdown
    gives persons at period end per measure type; ``table`` holds every figure per (area,
    measure type) with ``*_last_year`` and relative ``*_change`` columns (``None`` when last
    year had none, or when the data begin after last year's period started). Averages are per
    full-year person.
    """
    now = _measure_figures(ctx, ctx.period)
    if not now:
        raise MissingInput("no measures were active in the period")
    last_year = ctx.period.same_period_last_year()
    first = ctx.tables.ledger_first_posting
    data_start = first.replace(day=1) if first is not None else None  # bookings are monthly
    if data_start is not None and last_year.start < data_start:
        # The data begin after last year's period started: measures that ended before the
        # extract window are missing, so a comparison would overstate every change.
        before = {}
    else:
        before = {(r["area"], r["measure_type"]): r for r in _measure_figures(ctx, last_year)}
    # As in a left join: when a row has no match, last year's counts become floats.
    as_float = bool(before) and any((r["area"], r["measure_type"]) not in before for r in now)
    table = []
    for row in now:
        last = before.get((row["area"], row["measure_type"]), {})
        ago = {col: last.get(col) for col in FIGURES}
        if as_float:
            ago = {col: None if v is None else float(v) for col, v in ago.items()}
        table.append(
            {
                **row,
                **{f"{col}_last_year": v for col, v in ago.items()},
                **{f"{col}_change": _change(row[col], ago[col]) for col in FIGURES},
                "basis": row["unique_persons"],
            }
        )
    total = ctx.distinct_persons(ctx.active_on(ctx.period.end))
    return Result(
        "",
        total,
        "persons",
        breakdown={"measure_type": {r["measure_type"]: r["persons_end"] for r in now}},
        table=table,
    )


@indicator("fp6.flow", unit="count", label_da="Tilgang og afgang af indsatser")
def flow(ctx: Context) -> Result:
    """Starts, ends and net flow of measures per measure type in the period.

    A start is a ``start_date`` in the period; an end is an ``end_date`` in the period.
    ``value`` is the net flow (starts − ends) of all measures; the breakdown gives the net
    flow per measure type; ``table`` has starts, ends and net per (area, measure type).
    """
    first, last = int(day_number(ctx.period.start)), int(day_number(ctx.period.end))
    start, end = ctx.start_day, ctx.end_day
    group, pairs = _pairs(ctx)
    starts = np.bincount(group[(start >= first) & (start <= last)], minlength=len(pairs))
    ends = np.bincount(group[(end >= first) & (end <= last)], minlength=len(pairs))
    table = [
        {"area": area, "measure_type": measure, "starts": s, "ends": e, "net": s - e}
        for (area, measure), s, e in zip(pairs, starts.tolist(), ends.tolist(), strict=True)
        if s > 0 or e > 0
    ]
    return Result(
        "",
        sum(r["net"] for r in table),
        "count",
        breakdown={"measure_type": {r["measure_type"]: r["net"] for r in table}},
        table=table,
        extra={"starts": sum(r["starts"] for r in table), "ends": sum(r["ends"] for r in table)},
    )


@indicator("fp6.age_bands", unit="persons", label_da="Personer fordelt på alder")
def age_bands(ctx: Context) -> Result:
    """Persons at period end by age band (0–5, 6–11, 12–17, 18–22 for children; 18–24,
    25–39, 40–64, 65+ for adults).

    Age on the period end. Breakdown ``area`` → ``age_band``; a person with measures in both
    areas counts in both. Ages outside an area's bands (a child aged 23, an adult under 18)
    are counted in an ``other`` band, shown only when not empty.
    """
    day = ctx.period.end
    active = ctx.active_on(day)
    # Birth dates as day numbers, whatever the column's time unit.
    birth = ctx.interventions["birth_date"].to_numpy().astype("datetime64[D]").view(np.int64)
    width = len(ctx.persons) + 1  # person codes start at -1 (no person id)
    breakdown: dict[str, dict] = {}
    for area, bands in AGE_BANDS.items():
        mask = active & _in_area(ctx, area)
        person = ctx.person_code[mask] + 1
        # A person's age is the highest among their measures (birth dates may disagree): the
        # age of the earliest birth date. Ages are then computed for the persons only.
        earliest = np.full(width, np.iinfo(np.int64).max)
        np.minimum.at(earliest, person, birth[mask])
        seen = np.zeros(width, dtype=bool)
        seen[person] = True
        oldest = _age_on(earliest[seen].view("datetime64[D]"), day)
        counts = {}
        covered = np.zeros(len(oldest), dtype=bool)
        for label, lo, hi in bands:
            hit = (oldest >= lo) & (oldest <= hi)
            counts[label] = int(hit.sum())
            covered |= hit
        if (~covered).any():
            counts["other"] = int((~covered).sum())
        breakdown[area] = {"age_band": counts}
    total = ctx.distinct_persons(active)
    return Result("", total, "persons", breakdown={"area": breakdown})


def _age_on(birth: np.ndarray, day: date) -> np.ndarray:
    """Age in whole years on ``day`` of each birth date (``datetime64[D]``): the years since
    the birth year, less one before the birthday.

    >>> _age_on(np.array(["2010-06-15", "2010-06-16", "2008-02-29"], dtype="datetime64[D]"),
    ...         date(2025, 6, 15)).tolist()
    [15, 14, 17]
    """
    year = birth.astype("datetime64[Y]")
    month = birth.astype("datetime64[M]")
    # Month (1-12) and day of month (1-31) of each birth date.
    birth_month = (month - year.astype("datetime64[M]")).astype(np.int64) + 1
    birth_day = (birth - month.astype("datetime64[D]")).astype(np.int64) + 1
    before_birthday = (birth_month > day.month) | (
        (birth_month == day.month) & (birth_day > day.day)
    )
    return day.year - (year.astype(np.int64) + 1970) - before_birthday


def cost_band(amount: float) -> str:
    """The cost band of an annual amount (kr.): ``<0.5m`` … ``>=4m``.

    >>> cost_band(499_999), cost_band(500_000), cost_band(4_000_000)
    ('<0.5m', '0.5-1m', '>=4m')
    """
    for label, lo, hi in COST_BANDS:
        if lo <= amount < hi:
            return label
    return COST_BANDS[0][0]


def _cost_band_numbers(amounts: np.ndarray) -> np.ndarray:
    """Position in ``COST_BANDS`` of each amount's :func:`cost_band`."""
    band = np.zeros(len(amounts), dtype=np.int64)  # outside every band: the first, as there
    for number, (_, lo, hi) in enumerate(COST_BANDS):
        band[(amounts >= lo) & (amounts < hi)] = number
    return band


@indicator("fp6.cost_bands", unit="persons", label_da="Personer fordelt på årlig udgift")
def cost_bands(ctx: Context) -> Result:
    """Persons with an active measure in the year by annual commitment cost per person and
    paragraph: < 0.5 m, 0.5–1 m, 1–2 m, 2–4 m, ≥ 4 m kr. (seed ``000_…``, the § 108 table).

    The year is the period's calendar year up to the period end. A person's annual cost on a
    paragraph is the commitment cost of their measures of that paragraph from 1 January to
    the period end, annualised for part-years (× days in year / days year-to-date).
    Breakdown ``paragraph`` → ``cost_band``; ``value`` is the number of distinct persons.
    """
    period = ctx.period
    first, last = period.ytd_start, period.end
    days = ctx.days_active(first, last)
    cost = ctx.commitment(first, last) * period.annualisation_factor()
    mask = days > 0
    if not mask.any():
        raise MissingInput("no measures were active in the year")
    paragraph, paragraphs = ctx.codes("paragraph")
    width = int(ctx.person_code.max()) + 1  # person codes run 0 … width - 1
    key = paragraph[mask] * width + ctx.person_code[mask]
    # pandas' groupby sum (compensated summation): a sum near a band edge keeps its last digit.
    per_person = pd.Series(cost[mask]).groupby(key).sum()
    band = _cost_band_numbers(per_person.to_numpy())
    counts = np.bincount(
        per_person.index.to_numpy() // width * len(COST_BANDS) + band,
        minlength=len(paragraphs) * len(COST_BANDS),
    ).reshape(len(paragraphs), len(COST_BANDS))
    labels = [label for label, _, _ in COST_BANDS]
    breakdown = {
        str(paragraphs[i]): {"cost_band": dict(zip(labels, counts[i].tolist(), strict=True))}
        for i in sorted(np.flatnonzero(counts.sum(axis=1)), key=lambda i: paragraphs[i])
    }
    return Result("", ctx.distinct_persons(mask), "persons", breakdown={"paragraph": breakdown})


@indicator("fp6.progression", unit="share", label_da="Andel afsluttede indsatser med progression")
def progression(ctx: Context) -> Result:
    """Ended measures in the period: share ended with ``end_reason`` = ``goal_achieved`` or
    ``stepped_down``.

    Ended measures without an end reason count in the denominator (not as progression).
    Breakdown by ``area``; ``basis`` is the number of persons with an ended measure.
    """
    if "end_reason" not in ctx.interventions:
        raise MissingInput("interventions has no end_reason column")
    first, last = int(day_number(ctx.period.start)), int(day_number(ctx.period.end))
    end = ctx.end_day
    ended = (end >= first) & (end <= last)
    good = ended & ctx.interventions["end_reason"].isin(PROGRESSION_REASONS).to_numpy()
    value = ratio(int(good.sum()), int(ended.sum()), "ended measures")
    by_area, basis_area = {}, {}
    for area in sorted(_areas(ctx)[1]):
        in_area = ended & _in_area(ctx, area)
        if in_area.any():
            by_area[area] = int(good[in_area].sum()) / int(in_area.sum())
            basis_area[area] = ctx.distinct_persons(in_area)
    return Result(
        "",
        value,
        "share",
        breakdown={"area": by_area},
        basis=ctx.distinct_persons(ended),
        breakdown_basis={"area": basis_area},
    )
