"""FP1 — shared professional and financial strategy: the intervention staircase.

Children's measures only (``area = children``). Steps 1–3 are preventive, 4–7 placements.
A person with several active measures is placed on the *highest* active step.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from noegletal.codes import PLACEMENT_STEPS, PREVENTIVE_STEPS
from noegletal.indicators._common import by_step, group_sums, ratio
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator

AGE_0_22 = (0, 22)


@indicator("fp1.staircase_persons", unit="persons", label_da="Børn og unge på indsatstrappen")
def staircase_persons(ctx: Context) -> Result:
    """Persons at period end, each counted once at the highest step active that day
    (breakdown by step); total = distinct persons."""
    highest = ctx.highest_step_on(ctx.period.end)
    counts = dict(enumerate(np.bincount(highest, minlength=8)))  # count 0: persons not active
    return Result(
        "", int(np.count_nonzero(highest)), "persons", breakdown={"step": by_step(counts)}
    )


def _full_year_persons_per_step(ctx: Context) -> tuple[float, dict[int, float]]:
    """Full-year persons of the children's measures, total and per step present (computed
    once per context: two indicators ask)."""

    def compute() -> tuple[float, dict[int, float]]:
        fyp = ctx.full_year_persons()
        mask = ctx.is_children & (ctx.step > 0)
        steps, sums = group_sums(ctx.step[mask], fyp[mask])
        # The total adds the steps' sums in step order, as the Series sum did.
        return float(sums.sum()), dict(zip(steps.tolist(), sums.tolist(), strict=True))

    return ctx.memo("fp1.full_year_persons_per_step", compute)


@indicator(
    "fp1.staircase_full_year_persons",
    unit="full_year_persons",
    label_da="Helårspersoner pr. trin",
)
def staircase_full_year_persons(ctx: Context) -> Result:
    """Full-year persons per step in the period."""
    total, per_step = _full_year_persons_per_step(ctx)
    return Result("", total, "full_year_persons", breakdown={"step": by_step(per_step)})


@indicator("fp1.staircase_share", unit="share", label_da="Andel af helårspersoner pr. trin")
def staircase_share(ctx: Context) -> Result:
    """Share of full-year persons per step.

    The total is the sum of the shares (1 when there is any activity); ``basis`` is the number
    of distinct children with a measure in the period.
    """
    fyp_total, per_step = _full_year_persons_per_step(ctx)
    total = ratio(fyp_total, fyp_total, "full-year persons on the staircase")
    shares = {step: fyp / fyp_total for step, fyp in per_step.items()}
    in_period = ctx.is_children & (ctx.step > 0) & (ctx.full_year_persons() > 0)
    # Distinct (person, step) pairs, counted per step (steps are 1–7).
    pairs = np.unique(ctx.person_code[in_period].astype(np.int64) * 8 + ctx.step[in_period])
    basis_per_step = dict(enumerate(np.bincount(pairs % 8, minlength=8)))
    return Result(
        "",
        total,
        "share",
        breakdown={"step": by_step(shares)},
        basis=ctx.distinct_persons(in_period),
        breakdown_basis={"step": by_step(basis_per_step)},
        distribution=True,
    )


def _inhabitants_0_22(ctx: Context) -> int:
    """Inhabitants aged 0–22 in the period's year (computed once per context: five FP1
    indicators ask)."""
    return ctx.memo("fp1.inhabitants_0_22", lambda: ctx.population(ctx.period.year, *AGE_0_22))


def _per_1000_0_22(ctx: Context, persons: int) -> Result:
    inhabitants = _inhabitants_0_22(ctx)
    value = 1000 * ratio(persons, inhabitants, "the population aged 0–22")
    return Result("", value, "per_1000", basis=persons, extra={"inhabitants_0_22": inhabitants})


@indicator("fp1.placed_per_1000_0_22", unit="per_1000", label_da="Anbragte pr. 1.000 0-22-årige")
def placed_per_1000_0_22(ctx: Context) -> Result:
    """Persons in placement (steps 4–7) at period end per 1,000 inhabitants aged 0–22
    (population of the period's year) — VIVE table 1.1 "anbragte pr. 1.000 0-22-årige"."""
    return _per_1000_0_22(ctx, ctx.persons_on_steps(ctx.period.end, PLACEMENT_STEPS))


@indicator(
    "fp1.supported_per_1000_0_22",
    unit="per_1000",
    label_da="Børn og unge med foranstaltning pr. 1.000 0-22-årige",
)
def supported_per_1000_0_22(ctx: Context) -> Result:
    """Persons with any active children's measure (steps 1–7) at period end per 1,000
    inhabitants aged 0–22 — Statistics Denmark's "udsatte børn og unge i pct. af
    0-22-årige" (table BU43) × 10."""
    return _per_1000_0_22(
        ctx, ctx.persons_on_steps(ctx.period.end, (*PREVENTIVE_STEPS, *PLACEMENT_STEPS))
    )


@indicator(
    "fp1.preventive_per_1000_0_22",
    unit="per_1000",
    label_da="Børn og unge med forebyggende indsats pr. 1.000 0-22-årige",
)
def preventive_per_1000_0_22(ctx: Context) -> Result:
    """Persons with an active preventive measure (steps 1–3) at period end per 1,000
    inhabitants aged 0–22, whether or not they are also placed — Statistics Denmark's
    preventive-measures share × 10."""
    return _per_1000_0_22(ctx, ctx.persons_on_steps(ctx.period.end, PREVENTIVE_STEPS))


def _placed_share(ctx: Context, steps: tuple[int, ...]) -> Result:
    """Share of the placed persons whose highest step is one of ``steps`` (placement steps)."""
    persons = np.bincount(ctx.highest_step_on(ctx.period.end), minlength=8)  # per step
    placed = int(persons[list(PLACEMENT_STEPS)].sum())
    value = ratio(int(persons[list(steps)].sum()), placed, "the number of placed persons")
    return Result("", value, "share", basis=placed)


@indicator(
    "fp1.family_placement_share",
    unit="share",
    label_da="Andel anbragte i familiepleje",
)
def family_placement_share(ctx: Context) -> Result:
    """Among placed persons at period end: share in steps 4–5.

    A person's step is the highest active step on the period end.
    """
    return _placed_share(ctx, (4, 5))


@indicator("fp1.kinship_share", unit="share", label_da="Andel anbragte i netværkspleje")
def kinship_share(ctx: Context) -> Result:
    """Among placed persons at period end: share in step 4.

    A person's step is the highest active step on the period end.
    """
    return _placed_share(ctx, (4,))


@indicator(
    "fp1.preventive_to_placement_ratio",
    unit="ratio",
    label_da="Forebyggende helårspersoner pr. anbragt helårsperson",
)
def preventive_to_placement_ratio(ctx: Context) -> Result:
    """Full-year persons steps 1–3 / full-year persons steps 4–7."""
    fyp = ctx.full_year_persons()
    preventive = fyp[ctx.is_children & ctx.on_steps(PREVENTIVE_STEPS)].sum()
    placed_mask = ctx.is_children & ctx.on_steps(PLACEMENT_STEPS)
    value = ratio(preventive, fyp[placed_mask].sum(), "full-year persons in placement")
    return Result("", value, "ratio", basis=ctx.distinct_persons(placed_mask & (fyp > 0)))


@indicator(
    "fp1.preventive_spend_share",
    unit="share",
    label_da="Forebyggelsens andel af disponerede udgifter",
)
def preventive_spend_share(ctx: Context) -> Result:
    """Commitment cost steps 1–3 / commitment cost steps 1–7."""
    cost = ctx.commitment(ctx.period.start, ctx.period.end)
    children = ctx.is_children & (ctx.step > 0)
    preventive = cost[children & ctx.on_steps(PREVENTIVE_STEPS)].sum()
    value = ratio(preventive, cost[children].sum(), "commitment cost on the staircase")
    return Result("", value, "share", basis=ctx.distinct_persons(children & (cost > 0)))


def _children_spend_annualised(ctx: Context) -> tuple[float, dict[str, float]]:
    """Children's-area actual spend 1 Jan..period end, annualised, total and per line
    (computed once per context: ``fp1.spend_vs_need`` asks again)."""
    return ctx.memo("fp1.children_spend", lambda: _children_spend(ctx))


def _children_spend(ctx: Context) -> tuple[float, dict[str, float]]:
    period = ctx.period
    ledger = ctx.ledger_arrays
    rows = ctx.ledger_rows_between(period.ytd_start, period.end) & ctx.ledger_in_area("children")
    amounts = pd.Series(ledger.amount[rows])
    by_line = amounts.groupby(ledger.budget_line[rows]).sum()
    # Scaled and added as plain arrays (the same products, the same sum, in line order).
    annualised = by_line.to_numpy() * period.annualisation_factor()
    return float(annualised.sum()), dict(zip(by_line.index, annualised.tolist(), strict=True))


@indicator(
    "fp1.spend_per_0_22",
    unit="kr_per_person",
    label_da="Udgifter pr. 0-22-årig (kr.)",
)
def spend_per_0_22(ctx: Context) -> Result:
    """Actual spend (children's area, ytd, annualised for part-years: × days in year / days
    ytd) per inhabitant aged 0–22 — VIVE "udgiftsniveau pr. 0-22-årig".

    The children's area is every ledger row whose account maps to a budget line with
    ``area = children``.
    """
    total, by_line = _children_spend_annualised(ctx)
    inhabitants = _inhabitants_0_22(ctx)
    value = ratio(total, inhabitants, "the population aged 0–22")
    return Result(
        "",
        value,
        "kr_per_person",
        breakdown={"budget_line": {str(k): v / inhabitants for k, v in by_line.items()}},
        extra={"spend_annualised": total, "inhabitants_0_22": inhabitants},
    )


def expenditure_need(ctx: Context, year: int) -> float:
    """``reference.expenditure_need_per_0_22`` for ``year``."""
    reference = ctx.tables.reference
    if reference is None:
        raise MissingInput("needs the optional table reference, which is absent")
    # Plain arrays: the table has a few rows, and pandas' filtering costs more than the look-up.
    # ``year`` is nullable (keys without a year); a missing year never matches.
    rows = np.flatnonzero(
        (reference["key"].to_numpy() == "expenditure_need_per_0_22")
        & (reference["year"].to_numpy(dtype=float, na_value=np.nan) == year)
    )
    if not rows.size:
        raise MissingInput(f"reference has no expenditure_need_per_0_22 for {year}")
    return float(reference["value"].to_numpy()[rows[0]])


@indicator(
    "fp1.spend_vs_need",
    unit="ratio",
    label_da="Udgiftsniveau i forhold til udgiftsbehov",
    needs=("reference",),
)
def spend_vs_need(ctx: Context) -> Result:
    """``fp1.spend_per_0_22`` / expenditure need per 0–22-year-old
    (``reference.expenditure_need_per_0_22``)."""
    need = expenditure_need(ctx, ctx.period.year)
    spend = spend_per_0_22(ctx).value
    return Result("", ratio(spend, need, "the expenditure need"), "ratio", extra={"need": need})


@indicator("fp1.step_movement", unit="share", label_da="Bevægelser på indsatstrappen")
def step_movement(ctx: Context) -> Result:
    """Among persons active at period start: shares that at period end are on a lower step,
    the same step, a higher step, or have no active measure (the *highest* active step
    counts when a person has several).

    The total is the sum of the shares (1); ``basis`` is the number of persons active at the
    period start; ``breakdown_basis`` holds the number of persons in each movement.
    """
    start = ctx.highest_step_on(ctx.period.start)
    end = ctx.highest_step_on(ctx.period.end)
    # Each person's step at the start and at the end (0: no active measure), for the persons
    # active at the start.
    active = start > 0
    before, after = start[active], end[active]
    counts = {
        "lower": int(((after > 0) & (after < before)).sum()),
        "same": int((after == before).sum()),
        "higher": int((after > before).sum()),
        "none": int((after == 0).sum()),
    }
    total_persons = int(before.size)
    ratio(total_persons, total_persons, "the number of children active at the period start")
    shares = {k: float(n / total_persons) for k, n in counts.items()}
    return Result(
        "",
        float(sum(shares.values())),
        "share",
        breakdown={"movement": shares},
        basis=total_persons,
        breakdown_basis={"movement": counts},
        distribution=True,
    )
