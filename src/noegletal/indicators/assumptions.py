"""FP4 — budget assumptions on volume and average cost (volume/price decomposition).

``budget`` gives, per budget line and year, ``budget_full_year_persons`` (Qb) and
``budget_avg_cost`` (Pb). Actual volume Qa = full-year persons of the line's measure types in
the year (year-to-date for part-years, which is already a yearly rate: days active / days
year-to-date); actual average cost Pa = actual spend on the line (year-to-date, annualised) / Qa.

    volume effect      = (Qa − Qb) × Pb
    price effect       = (Pa − Pb) × Qb
    interaction effect = (Qa − Qb) × (Pa − Pb)

The three sum exactly to Qa·Pa − Qb·Pb. Money is rounded to øre: the volume and price effects
are rounded, and the interaction effect is the exact remainder, so the sum holds to the øre in
decimal arithmetic (:func:`decompose`).

A line takes part when its budget row has both Qb and Pb and it lists measure types. A line
with no activity (Qa = 0) has no average cost and is left out of the effects.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import pandas as pd

from noegletal.data.accounts import split_list
from noegletal.indicators._common import series_dict
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator

__all__ = ["Decomposition", "decompose"]

ORE = Decimal("0.01")


@dataclass(frozen=True)
class Decomposition:
    """Volume, price and interaction effects (kr., to the øre) and their sum."""

    volume: Decimal
    price: Decimal
    interaction: Decimal
    total: Decimal


def _ore(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(ORE, ROUND_HALF_UP)


def decompose(qa: float, pa: float, qb: float, pb: float) -> Decomposition:
    """Split Qa·Pa − Qb·Pb into volume, price and interaction effects.

    >>> d = decompose(qa=12, pa=110_000, qb=10, pb=100_000)
    >>> d.volume, d.price, d.interaction, d.total  # 2×100k, 10k×10, 2×10k, 1.32m − 1m
    (Decimal('200000.00'), Decimal('100000.00'), Decimal('20000.00'), Decimal('320000.00'))
    """
    qa_, pa_, qb_, pb_ = (Fraction(x) for x in (qa, pa, qb, pb))
    volume = _ore((qa_ - qb_) * pb_)
    price = _ore((pa_ - pb_) * qb_)
    total = _ore(qa_ * pa_ - qb_ * pb_)
    return Decomposition(volume, price, total - volume - price, total)


class _Lines(NamedTuple):
    """The budget lines with Qb and Pb in the period's year, sorted by name, as columns (one
    entry per line): cheaper to read than a frame, which the indicators would index again and
    again."""

    budget_line: np.ndarray  # object: str
    area: np.ndarray  # object: str
    qa: np.ndarray
    qb: np.ndarray
    pa: np.ndarray  # NaN where Qa = 0
    pb: np.ndarray
    spend: np.ndarray  # annualised
    persons: np.ndarray  # int64


def _lines(ctx: Context) -> _Lines:
    return ctx.memo("fp4.lines", lambda: _line_volumes(ctx))


def _line_volumes(ctx: Context) -> _Lines:
    year = ctx.period.year
    budget = ctx.tables.budget
    if "budget_full_year_persons" not in budget or "budget_avg_cost" not in budget:
        raise MissingInput("budget has no budget_full_year_persons/budget_avg_cost columns")
    # Each column read once, as an array: the tables are small, pandas' overhead is not.
    full_year_persons = budget["budget_full_year_persons"].to_numpy()
    avg_cost = budget["budget_avg_cost"].to_numpy()
    row = (budget["year"].to_numpy() == year) & pd.notna(full_year_persons) & pd.notna(avg_cost)
    lines = ctx.tables.budget_lines
    names = lines["budget_line"].tolist()
    line_types = dict(zip(names, lines["measure_types"].tolist(), strict=True))
    line_area = dict(zip(names, lines["area"].tolist(), strict=True))
    first, last = ctx.period.ytd_start, ctx.period.end
    days = ctx.days_active(first, last) / ((last - first).days + 1)
    active = days > 0
    spend = ctx.spend_by_line(first, last).to_dict()
    factor = ctx.period.annualisation_factor()
    # Measure types as integer codes: comparing codes is far cheaper than strings.
    measure, measure_names = ctx.codes("measure_type")
    in_area = {"children": ctx.is_children, "adults": ctx.is_adults}  # measures' only areas
    records = []
    for line, qb, pb in zip(
        budget["budget_line"].to_numpy()[row],
        full_year_persons[row],
        avg_cost[row],
        strict=True,
    ):
        types = split_list(line_types[line]) if line in line_types else []
        if not types:
            continue
        of_types = np.array([name in types for name in measure_names], dtype=bool)
        mask = of_types[measure] & in_area.get(line_area[line], False)
        qa = float(days[mask].sum())
        line_spend = float(spend.get(line, 0.0) * factor)
        records.append(
            (
                line,
                line_area[line],
                qa,
                float(qb),
                line_spend / qa if qa > 0 else np.nan,
                float(pb),
                line_spend,
                ctx.distinct_persons(mask & active),
            )
        )
    if not records:
        raise MissingInput(f"no budget line has volume and price assumptions for {year}")
    records.sort(key=lambda record: record[0])  # by budget line, a stable sort
    line, area, qa, qb, pa, pb, spend, persons = zip(*records, strict=True)
    return _Lines(
        np.array(line, dtype=object),
        np.array(area, dtype=object),
        np.array(qa),
        np.array(qb),
        np.array(pa),
        np.array(pb),
        np.array(spend),
        np.array(persons, dtype=np.int64),
    )


def _area_sums(ctx: Context) -> pd.DataFrame:
    """Σ Qa and Σ Qb per area (index: the areas, sorted)."""

    def compute() -> pd.DataFrame:
        lines = _lines(ctx)
        # pandas' group-by sum (compensated summation), as the published figures have always
        # been summed; one group-by serves both columns.
        return pd.DataFrame({"qa": lines.qa, "qb": lines.qb}).groupby(lines.area).sum()

    return ctx.memo("fp4.area_sums", compute)


def _by_line(lines: _Lines, values: np.ndarray) -> dict:
    return series_dict(dict(zip(lines.budget_line, values.tolist(), strict=True)))


def _by_line_and_area(ctx: Context, column: str) -> dict:
    """``column`` (``qa`` or ``qb``) per budget line and summed per area."""
    lines = _lines(ctx)
    return {
        "budget_line": _by_line(lines, getattr(lines, column)),
        "area": series_dict(_area_sums(ctx)[column]),
    }


def _note(ctx: Context) -> str:
    if ctx.period.is_full_year:
        return f"Året {ctx.period.year}."
    return f"{ctx.period.ytd_label_da()}, opregnet til helår."


@indicator(
    "fp4.volume_actual", unit="full_year_persons", label_da="Faktisk antal helårspersoner (Qa)"
)
def volume_actual(ctx: Context) -> Result:
    """Qa per line: full-year persons of the line's measure types in the year (ytd for
    part-years, annualised to the year)."""
    return Result(
        "",
        float(_lines(ctx).qa.sum()),
        "full_year_persons",
        breakdown=_by_line_and_area(ctx, "qa"),
        note=_note(ctx),
    )


@indicator(
    "fp4.volume_budget", unit="full_year_persons", label_da="Budgetteret antal helårspersoner (Qb)"
)
def volume_budget(ctx: Context) -> Result:
    """Qb per line: ``budget_full_year_persons``."""
    return Result(
        "",
        float(_lines(ctx).qb.sum()),
        "full_year_persons",
        breakdown=_by_line_and_area(ctx, "qb"),
        note=_note(ctx),
    )


def _average(areas: np.ndarray, amounts: np.ndarray, volumes: np.ndarray) -> tuple[float, dict]:
    """Weighted average Σ amount / Σ volume, in total and per area."""
    total_volume = volumes.sum()
    if total_volume <= 0:
        raise MissingInput("no full-year persons on the lines with assumptions")
    by_area = {}
    for area in sorted(set(areas)):  # the order of groupby("area")
        part = areas == area
        v = volumes[part].sum()
        if v > 0:
            by_area[area] = float(amounts[part].sum() / v)
    return float(amounts.sum() / total_volume), by_area


def _persons_basis(lines: list[str], areas: list[str], persons: list[int]) -> dict:
    by_area: dict[str, int] = {}
    for area, count in zip(areas, persons, strict=True):
        by_area[area] = by_area.get(area, 0) + count
    return {
        "budget_line": series_dict(dict(zip(lines, persons, strict=True))),
        "area": dict(sorted(by_area.items())),  # the order of groupby("area")
    }


@indicator(
    "fp4.avg_cost_actual",
    unit="kr_per_person",
    label_da="Faktisk gennemsnitspris pr. helårsperson (Pa)",
)
def avg_cost_actual(ctx: Context) -> Result:
    """Pa per line: actual spend on the line / Qa.

    The total and the areas' values are weighted: Σ spend / Σ Qa.
    """
    lines = _lines(ctx)
    total, by_area = _average(lines.area, lines.spend, lines.qa)
    return Result(
        "",
        total,
        "kr_per_person",
        breakdown={"budget_line": _by_line(lines, lines.pa), "area": by_area},
        basis=int(lines.persons.sum()),
        breakdown_basis=_persons_basis(
            lines.budget_line.tolist(), lines.area.tolist(), lines.persons.tolist()
        ),
        note=_note(ctx),
    )


@indicator(
    "fp4.avg_cost_budget",
    unit="kr_per_person",
    label_da="Budgetteret gennemsnitspris pr. helårsperson (Pb)",
)
def avg_cost_budget(ctx: Context) -> Result:
    """Pb per line: ``budget_avg_cost``.

    The total and the areas' values are weighted: Σ Qb·Pb / Σ Qb.
    """
    lines = _lines(ctx)
    total, by_area = _average(lines.area, lines.qb * lines.pb, lines.qb)
    return Result(
        "",
        total,
        "kr_per_person",
        breakdown={"budget_line": _by_line(lines, lines.pb), "area": by_area},
        note=_note(ctx),
    )


def _effects(ctx: Context) -> dict[str, list]:
    return ctx.memo("fp4.effects", lambda: _compute_effects(ctx))


def _compute_effects(ctx: Context) -> dict[str, list]:
    """The lines with activity (Qa > 0), as columns: those of :func:`_lines` and the
    :class:`Decomposition` fields."""
    lines = _lines(ctx)
    active = lines.qa > 0
    if not active.any():
        raise MissingInput("no line with assumptions had any activity")
    columns = {name: values[active].tolist() for name, values in lines._asdict().items()}
    parts = [
        decompose(*values)
        for values in zip(columns["qa"], columns["pa"], columns["qb"], columns["pb"], strict=True)
    ]
    return {
        **columns,
        "volume": [p.volume for p in parts],
        "price": [p.price for p in parts],
        "interaction": [p.interaction for p in parts],
        "total": [p.total for p in parts],
    }


def _effect_result(ctx: Context, column: str) -> Result:
    effects = _effects(ctx)
    values = effects[column]
    by_area: dict[str, Decimal] = {}
    for area, value in zip(effects["area"], values, strict=True):
        by_area[area] = by_area.get(area, Decimal(0)) + value
    total = sum(values, Decimal(0))
    return Result(
        "",
        float(total),
        "kr",
        breakdown={
            "budget_line": {
                line: float(v) for line, v in zip(effects["budget_line"], values, strict=True)
            },
            "area": {area: float(v) for area, v in by_area.items()},
        },
        basis=sum(effects["persons"]),
        breakdown_basis=_persons_basis(effects["budget_line"], effects["area"], effects["persons"]),
        note=_note(ctx),
        extra={"exact": total, "total_deviation": float(sum(effects["total"], Decimal(0)))},
    )


@indicator("fp4.volume_effect", unit="kr", label_da="Mængdeeffekt (kr.)")
def volume_effect(ctx: Context) -> Result:
    """(Qa − Qb) × Pb."""
    return _effect_result(ctx, "volume")


@indicator("fp4.price_effect", unit="kr", label_da="Priseffekt (kr.)")
def price_effect(ctx: Context) -> Result:
    """(Pa − Pb) × Qb."""
    return _effect_result(ctx, "price")


@indicator("fp4.interaction_effect", unit="kr", label_da="Samspilseffekt (kr.)")
def interaction_effect(ctx: Context) -> Result:
    """(Qa − Qb) × (Pa − Pb).

    Computed as the exact remainder Qa·Pa − Qb·Pb − volume − price after the other two are
    rounded to the øre, so that the three effects add up exactly.
    """
    return _effect_result(ctx, "interaction")
