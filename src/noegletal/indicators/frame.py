"""FP3 — firm, data-based frame budgeting.

Per budget line and per area (children, adults), and in total. The budget figures are
defined for full years, so every FP3 indicator refers to the **closed budget year**: the
period's year when the period ends on 31 December, otherwise the year before (for 2026-H1:
2025). The current year's expected deviation is FP5's ``fp5.forecast_vs_budget``.

Only budget lines of the children's and adults' areas take part (the specialised social
area); employment/other lines exist for the cross-sector baselines.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from noegletal.codes import AREAS
from noegletal.indicators._common import ratio, series_dict
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator


def budget_frame(ctx: Context, year: int | None = None) -> pd.DataFrame:
    """One row per social-area budget line with a budget for ``year`` (default: the closed
    year): ``original``, ``supplementary``, ``corrected``, ``actual`` (ledger, full year)."""
    year = ctx.closed_year if year is None else year
    return ctx.memo(f"fp3.budget_frame.{year}", lambda: _budget_frame(ctx, year))


def _budget_frame(ctx: Context, year: int) -> pd.DataFrame:
    budget = ctx.tables.budget
    # Built from plain arrays and dicts: a handful of rows, where each pandas step costs more
    # than the data.
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
    return pd.DataFrame(
        {
            "budget_line": names[keep],
            "area": np.array([areas[i] for i in keep], dtype=object),
            "original": original,
            "supplementary": supplementary,
            "corrected": original + supplementary,
            "actual": np.array([float(actual.get(names[i], 0.0)) for i in keep]),
        }
    )


def _note(ctx: Context) -> str:
    return f"Regnskabsåret {ctx.closed_year} (seneste afsluttede år)."


def _relative(
    frame: pd.DataFrame, numerator: np.ndarray, denominator_col: str
) -> tuple[float, dict, dict]:
    """Total, per-line and per-area ratios of ``numerator`` summed / ``denominator`` summed."""
    denominator = frame[denominator_col].to_numpy()
    total = ratio(numerator.sum(), denominator.sum(), f"the {denominator_col} budget")
    lines = {
        line: (float(n / d) if d else None)
        for line, n, d in zip(frame["budget_line"], numerator, denominator, strict=True)
    }
    by_area = {}
    areas = frame["area"].to_numpy()
    for area in AREAS:
        mask = areas == area
        d = denominator[mask].sum()
        if mask.any() and d:
            by_area[area] = float(numerator[mask].sum() / d)
    return total, lines, by_area


def _records(table: Mapping[str, pd.Series | np.ndarray]) -> list[dict]:
    """``pd.DataFrame(table).to_dict("records")`` (the same Python values), built column by
    column."""
    names = list(table)
    columns = (table[name].tolist() for name in names)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _by_line(frame: pd.DataFrame, values: pd.Series) -> dict:
    """``values`` (aligned with the frame's rows) by budget line."""
    return series_dict(dict(zip(frame["budget_line"], values, strict=True)))


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy()


@indicator(
    "fp3.budget_adherence",
    unit="rate",
    label_da="Budgetafvigelse (regnskab mod oprindeligt budget)",
)
def budget_adherence(ctx: Context) -> Result:
    """(actual − original budget) / original budget, for full years; positive = overspend
    — VIVE "budgetafvigelse"."""
    frame = budget_frame(ctx)
    deviation = _column(frame, "actual") - _column(frame, "original")
    total, lines, by_area = _relative(frame, deviation, "original")
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
    deviation = _column(frame, "actual") - _column(frame, "corrected")
    total, lines, by_area = _relative(frame, deviation, "corrected")
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
    by_area = frame.groupby("area")["supplementary"].sum()
    return Result(
        "",
        float(frame["supplementary"].sum()),
        "kr",
        breakdown={
            "budget_line": _by_line(frame, frame["supplementary"]),
            "area": series_dict(by_area),
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
    frame = budget_frame(ctx)
    deviation = _column(frame, "actual") - _column(frame, "corrected")
    # Both sums in one pandas groupby (the same sums per column as one groupby each).
    spends = pd.DataFrame(
        {"over": np.clip(deviation, 0, None), "under": np.clip(-deviation, 0, None)}
    )
    sums = spends.groupby(_column(frame, "area")).sum()
    over, under = sums["over"], sums["under"]
    by_area = {
        area: float(min(under[area] / over[area], 1.0)) for area in over.index if over[area] > 0
    }
    absorbed = sum(min(under[a], over[a]) for a in over.index)
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
    deviation = frame["actual"] - frame["corrected"]
    return Result(
        "",
        float(deviation.sum()),
        "kr",
        breakdown={
            "budget_line": _by_line(frame, deviation),
            "area": series_dict(deviation.groupby(frame["area"]).sum()),
        },
        note=_note(ctx),
        table=_records({**frame, "deviation": deviation}),
    )
