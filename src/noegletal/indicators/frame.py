"""FP3 — firm, data-based frame budgeting.

Per budget line and per area (children, adults), and in total. The budget figures are
defined for full years, so every FP3 indicator refers to the **closed budget year**: the
period's year when the period ends on 31 December, otherwise the year before (for 2026-H1:
2025). The current year's expected deviation is FP5's ``fp5.forecast_vs_budget``.

Only budget lines of the children's and adults' areas take part (the specialised social
area); employment/other lines exist for the cross-sector baselines.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from noegletal.codes import AREAS
from noegletal.indicators._common import ratio, series_dict
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator


class BudgetFrame(NamedTuple):
    """The budget frame column by column, one row per budget line (sorted by line). Plain
    arrays, not a DataFrame: a handful of rows, where each pandas step costs more than the
    data."""

    budget_line: np.ndarray  # object: the line's name
    area: np.ndarray  # object: "children" or "adults"
    original: np.ndarray  # float64, kr.
    supplementary: np.ndarray  # float64, kr. (0 where absent)
    corrected: np.ndarray  # float64, kr.: original + supplementary
    actual: np.ndarray  # float64, kr.: the ledger's spend in the full year


def budget_frame(ctx: Context, year: int | None = None) -> BudgetFrame:
    """One row per social-area budget line with a budget for ``year`` (default: the closed
    year): ``original``, ``supplementary``, ``corrected``, ``actual`` (ledger, full year)."""
    year = ctx.closed_year if year is None else year
    return ctx.memo(f"fp3.budget_frame.{year}", lambda: _budget_frame(ctx, year))


def _budget_frame(ctx: Context, year: int) -> BudgetFrame:
    budget = ctx.tables.budget
    in_year = np.flatnonzero(budget["year"].to_numpy() == year)
    names = budget["budget_line"].to_numpy()[in_year]
    area_of = ctx.line_area.to_dict()
    areas = [area_of.get(line) for line in names]
    keep = [i for i, area in enumerate(areas) if area in AREAS]
    if not keep:
        raise MissingInput(f"budget has no children's or adults' lines for {year}")
    actual = ctx.spend_by_line(date(year, 1, 1), date(year, 12, 31)).to_dict()
    last_posting = ctx.tables.ledger_last_posting
    if last_posting is None or last_posting < date(year, 12, 31):
        raise MissingInput(f"the ledger does not cover all of {year}")
    keep.sort(key=lambda i: names[i])  # by budget line, a stable sort
    rows = in_year[keep]
    original = budget["original_budget"].to_numpy()[rows]
    supplementary = budget["supplementary_appropriations"].to_numpy()[rows]
    supplementary = np.where(np.isnan(supplementary), 0.0, supplementary)
    return BudgetFrame(
        budget_line=names[keep],
        area=np.array([areas[i] for i in keep], dtype=object),
        original=original,
        supplementary=supplementary,
        corrected=original + supplementary,
        actual=np.array([float(actual.get(names[i], 0.0)) for i in keep]),
    )


def _note(ctx: Context) -> str:
    return f"Regnskabsåret {ctx.closed_year} (seneste afsluttede år)."


def _relative(
    frame: BudgetFrame, numerator: np.ndarray, denominator: np.ndarray, what: str
) -> tuple[float, dict, dict]:
    """Total, per-line and per-area ratios of ``numerator`` summed / ``denominator`` summed
    (``what`` names the denominator when its total is zero)."""
    total = ratio(numerator.sum(), denominator.sum(), what)
    lines = {
        line: (float(n / d) if d else None)
        for line, n, d in zip(frame.budget_line, numerator, denominator, strict=True)
    }
    by_area = {}
    for area in AREAS:
        mask = frame.area == area
        d = denominator[mask].sum()
        if mask.any() and d:
            by_area[area] = float(numerator[mask].sum() / d)
    return total, lines, by_area


def _area_sums(ctx: Context) -> pd.DataFrame:
    """Per area of the closed year's budget frame (the index, sorted): ``supplementary``
    and the deviation from the corrected budget, net (``deviation``) and split into
    ``over``- and ``under``spend (both ≥ 0), summed over the area's lines."""
    return ctx.memo("fp3.area_sums", lambda: _compute_area_sums(budget_frame(ctx)))


def _compute_area_sums(frame: BudgetFrame) -> pd.DataFrame:
    deviation = frame.actual - frame.corrected
    columns = {
        "supplementary": frame.supplementary,
        "deviation": deviation,
        "over": np.clip(deviation, 0, None),
        "under": np.clip(-deviation, 0, None),
    }
    # pandas' group-by sum, as the published figures have always been added; one group-by
    # for all four columns gives each column the same sums as a group-by of its own.
    return pd.DataFrame(columns).groupby(frame.area).sum()


def _by_line(frame: BudgetFrame, values: np.ndarray) -> dict:
    """``values`` (aligned with the frame's rows) by budget line."""
    return series_dict(dict(zip(frame.budget_line.tolist(), values.tolist(), strict=True)))


def _records(table: dict[str, np.ndarray]) -> list[dict]:
    """The rows of equally long columns as dictionaries (Python values)."""
    names = list(table)
    columns = (table[name].tolist() for name in names)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


@indicator(
    "fp3.budget_adherence",
    unit="rate",
    label_da="Budgetafvigelse (regnskab mod oprindeligt budget)",
)
def budget_adherence(ctx: Context) -> Result:
    """(actual − original budget) / original budget, for full years; positive = overspend
    — VIVE "budgetafvigelse"."""
    frame = budget_frame(ctx)
    deviation = frame.actual - frame.original
    total, lines, by_area = _relative(frame, deviation, frame.original, "the original budget")
    return Result(
        "", total, "rate", breakdown={"budget_line": lines, "area": by_area}, note=_note(ctx)
    )


@indicator(
    "fp3.budget_precision",
    unit="rate",
    label_da="Budgetpræcision (afvigelse fra korrigeret budget)",
)
def budget_precision(ctx: Context) -> Result:
    """abs(actual − corrected budget) / corrected budget.

    Per line the absolute deviation of the line; per area and in total the absolute value of
    the *net* deviation of the lines summed (lines offset each other inside the frame), as
    VIVE measures budget precision for the area as a whole.
    """
    frame = budget_frame(ctx)
    deviation = frame.actual - frame.corrected
    total, lines, by_area = _relative(frame, deviation, frame.corrected, "the corrected budget")
    return Result(
        "",
        abs(total),
        "rate",
        breakdown={
            "budget_line": {k: (abs(v) if v is not None else None) for k, v in lines.items()},
            "area": {k: abs(v) for k, v in by_area.items()},
        },
        note=_note(ctx),
    )


@indicator("fp3.supplementary_appropriations", unit="kr", label_da="Tillægsbevillinger (kr.)")
def supplementary_appropriations(ctx: Context) -> Result:
    """Sum of supplementary appropriations in the year (kr.); the goal is 0."""
    frame = budget_frame(ctx)
    return Result(
        "",
        float(frame.supplementary.sum()),
        "kr",
        breakdown={
            "budget_line": _by_line(frame, frame.supplementary),
            "area": series_dict(_area_sums(ctx)["supplementary"]),
        },
        note=_note(ctx),
    )


@indicator(
    "fp3.offset_within_frame_share",
    unit="share",
    label_da="Andel af merforbrug opvejet inden for rammen",
)
def offset_within_frame_share(ctx: Context) -> Result:
    """Σ underspends on lines / Σ overspends on lines inside the same area (capped at 1):
    how much of the gross overspend was absorbed inside the frame.

    Spends are measured against the corrected budget. The total is computed over both
    areas' lines together (each area's frame absorbing its own overspend: Σ per area of
    min(under, over) / Σ over). An area without overspend has no share (nothing to absorb).
    """
    sums = _area_sums(ctx)
    over, under = sums["over"], sums["under"]
    areas = sums.index.tolist()
    by_area = {
        area: float(min(u / o, 1.0))
        for area, o, u in zip(areas, over.to_numpy(), under.to_numpy(), strict=True)
        if o > 0
    }
    absorbed = sum(min(u, o) for o, u in zip(over.to_numpy(), under.to_numpy(), strict=True))
    total = ratio(absorbed, over.sum(), "the gross overspend")
    return Result(
        "",
        total,
        "share",
        breakdown={"area": by_area},
        note=_note(ctx),
        extra={"overspend": series_dict(over), "underspend": series_dict(under)},
    )


@indicator("fp3.deviation_by_line", unit="kr", label_da="Afvigelse fra korrigeret budget (kr.)")
def deviation_by_line(ctx: Context) -> Result:
    """actual − corrected budget per budget line (kr.).

    Positive = overspend. The total is the net deviation of all lines.
    """
    frame = budget_frame(ctx)
    deviation = frame.actual - frame.corrected
    return Result(
        "",
        float(deviation.sum()),
        "kr",
        breakdown={
            "budget_line": _by_line(frame, deviation),
            "area": series_dict(_area_sums(ctx)["deviation"]),
        },
        note=_note(ctx),
        table=_records({**frame._asdict(), "deviation": deviation}),
    )
