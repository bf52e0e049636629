"""FP6 — professional and financial key figures, per measure type, area and level."""

from __future__ import annotations

import numpy as np
import pandas as pd

from noegletal.codes import MEASURE_TYPES_BY_AREA
from noegletal.indicators._common import clean, ratio, series_dict
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.measures import day_number

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


def _measure_figures(ctx: Context) -> pd.DataFrame:
    """Per (area, measure_type): persons at period end, unique persons in the period,
    full-year persons, commitment cost and average cost per full-year person."""
    return ctx.memo("fp6.measure_figures", lambda: _figures(ctx))


def _figures(ctx: Context) -> pd.DataFrame:
    period = ctx.period
    active_end = ctx.active_on(period.end)
    days = ctx.days_active(period.start, period.end)
    fyp = days / period.days
    cost = ctx.commitment(period.start, period.end)
    frame = pd.DataFrame(
        {
            "area": ctx.interventions["area"].to_numpy(),
            "measure_type": ctx.interventions["measure_type"].to_numpy(),
            "person": ctx.person_code,
            "active_end": active_end,
            "in_period": days > 0,
            "fyp": fyp,
            "cost": cost,
        }
    )
    # Row positions per (area, measure type), found in one pass; a group's rows are taken in
    # their original order, so every sum is the one a boolean filter would give.
    groups = frame.groupby(["area", "measure_type"], sort=False).indices
    rows = []
    for area, types in MEASURE_TYPES_BY_AREA.items():
        for measure in types:
            if (area, measure) not in groups:
                continue
            part = frame.take(groups[(area, measure)])
            if not part["in_period"].any():
                continue
            fyp_sum = float(part["fyp"].sum())
            rows.append(
                {
                    "area": area,
                    "measure_type": measure,
                    "persons_end": int(part.loc[part["active_end"], "person"].nunique()),
                    "unique_persons": int(part.loc[part["in_period"], "person"].nunique()),
                    "full_year_persons": fyp_sum,
                    "commitment_cost": float(part["cost"].sum()),
                    "avg_cost_per_fyp": float(part["cost"].sum() / fyp_sum) if fyp_sum else None,
                }
            )
    return pd.DataFrame(rows)


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
    now = _measure_figures(ctx)
    if now.empty:
        raise MissingInput("no measures were active in the period")
    last_year = ctx.period.same_period_last_year()
    first = ctx.tables.ledger_first_posting
    data_start = first.replace(day=1) if first is not None else None  # bookings are monthly
    if data_start is not None and last_year.start < data_start:
        # The data begin after last year's period started: measures that ended before the
        # extract window are missing, so a comparison would overstate every change.
        before = pd.DataFrame()
    else:
        before = _measure_figures(ctx.shifted(last_year))
    columns = [
        "persons_end",
        "unique_persons",
        "full_year_persons",
        "commitment_cost",
        "avg_cost_per_fyp",
    ]
    if before.empty:
        before = pd.DataFrame(columns=["area", "measure_type", *columns])
    merged = now.merge(before, on=["area", "measure_type"], how="left", suffixes=("", "_last_year"))
    for col in columns:
        merged[f"{col}_change"] = [
            _change(a, b) for a, b in zip(merged[col], merged[f"{col}_last_year"], strict=True)
        ]
    total = ctx.distinct_persons(ctx.active_on(ctx.period.end))
    table = [{k: clean(v) for k, v in row.items()} for row in merged.to_dict("records")]
    for row in table:
        row["basis"] = row["unique_persons"]
    return Result(
        "",
        total,
        "persons",
        breakdown={"measure_type": series_dict(merged.set_index("measure_type")["persons_end"])},
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
    start = day_number(ctx.interventions["start_date"])
    end = day_number(ctx.interventions["end_date"])
    frame = pd.DataFrame(
        {
            "area": ctx.interventions["area"].to_numpy(),
            "measure_type": ctx.interventions["measure_type"].to_numpy(),
            "starts": (start >= first) & (start <= last),
            "ends": (end >= first) & (end <= last),
        }
    )
    grouped = frame.groupby(["area", "measure_type"], sort=False)[["starts", "ends"]].sum()
    grouped = grouped[(grouped["starts"] > 0) | (grouped["ends"] > 0)].reset_index()
    grouped["net"] = grouped["starts"] - grouped["ends"]
    return Result(
        "",
        int(grouped["net"].sum()),
        "count",
        breakdown={"measure_type": series_dict(grouped.set_index("measure_type")["net"])},
        table=[{k: clean(v) for k, v in r.items()} for r in grouped.to_dict("records")],
        extra={"starts": int(grouped["starts"].sum()), "ends": int(grouped["ends"].sum())},
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
    ages = ctx.ages_on(day)
    breakdown: dict[str, dict] = {}
    for area, bands in AGE_BANDS.items():
        mask = active & (ctx.interventions["area"].to_numpy() == area)
        persons = pd.DataFrame({"person": ctx.person_code[mask], "age": ages[mask]})
        persons = persons.groupby("person")["age"].max()
        counts = {}
        covered = np.zeros(len(persons), dtype=bool)
        for label, lo, hi in bands:
            hit = persons.between(lo, hi).to_numpy()
            counts[label] = int(hit.sum())
            covered |= hit
        if (~covered).any():
            counts["other"] = int((~covered).sum())
        breakdown[area] = {"age_band": counts}
    total = ctx.distinct_persons(active)
    return Result("", total, "persons", breakdown={"area": breakdown})


def cost_band(amount: float) -> str:
    """The cost band of an annual amount (kr.): ``<0.5m`` … ``>=4m``.

    >>> cost_band(499_999), cost_band(500_000), cost_band(4_000_000)
    ('<0.5m', '0.5-1m', '>=4m')
    """
    for label, lo, hi in COST_BANDS:
        if lo <= amount < hi:
            return label
    return COST_BANDS[0][0]


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
    frame = pd.DataFrame(
        {
            "person": ctx.person_code[mask],
            "paragraph": ctx.interventions["paragraph"].to_numpy()[mask],
            "cost": cost[mask],
        }
    )
    if frame.empty:
        raise MissingInput("no measures were active in the year")
    per_person = frame.groupby(["paragraph", "person"])["cost"].sum().reset_index()
    per_person["band"] = per_person["cost"].map(cost_band)
    breakdown = {}
    labels = [label for label, _, _ in COST_BANDS]
    for paragraph, part in per_person.groupby("paragraph", sort=True):
        counts = part["band"].value_counts()
        breakdown[str(paragraph)] = {"cost_band": series_dict(counts, labels)}
    return Result("", int(frame["person"].nunique()), "persons", breakdown={"paragraph": breakdown})


@indicator("fp6.progression", unit="share", label_da="Andel afsluttede indsatser med progression")
def progression(ctx: Context) -> Result:
    """Ended measures in the period: share ended with ``end_reason`` = ``goal_achieved`` or
    ``stepped_down``.

    Ended measures without an end reason count in the denominator (not as progression).
    Breakdown by ``area``; ``basis`` is the number of persons with an ended measure.
    """
    if "end_reason" not in ctx.interventions:
        raise MissingInput("interventions has no end_reason column")
    end = ctx.interventions["end_date"]
    ended = (end >= pd.Timestamp(ctx.period.start)) & (end <= pd.Timestamp(ctx.period.end))
    frame = ctx.interventions[ended.to_numpy()]
    good = frame["end_reason"].isin(PROGRESSION_REASONS)
    value = ratio(int(good.sum()), len(frame), "ended measures")
    return Result(
        "",
        value,
        "share",
        breakdown={"area": series_dict(good.groupby(frame["area"]).mean())},
        basis=int(frame["person_id"].nunique()),
        breakdown_basis={"area": series_dict(frame.groupby("area")["person_id"].nunique())},
    )
