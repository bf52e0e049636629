"""FP2 — guidelines that support efficient casework.

Notifications, examinations, caseworkers and caseloads concern the children's area.
Follow-ups and appeals exist for both areas: their ``value`` covers all areas and the
breakdown by ``area`` shows children and adults apart.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from noegletal.codes import AREAS
from noegletal.indicators._common import ratio, series_dict
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.periods import add_months

AGE_0_17 = (0, 17)
REVERSED = ("changed", "remitted", "annulled")


def _between(values: pd.Series, ctx: Context) -> pd.Series:
    """Mask of timestamps (or dates) falling on a day of the period."""
    start = pd.Timestamp(ctx.period.start)
    end = pd.Timestamp(ctx.period.end) + timedelta(days=1)
    return (values >= start) & (values < end)


@indicator(
    "fp2.notifications_per_1000_0_17",
    unit="per_1000",
    label_da="Underretninger pr. 1.000 0-17-årige",
    needs=("notifications",),
)
def notifications_per_1000_0_17(ctx: Context) -> Result:
    """Notifications received in the period per 1,000 inhabitants aged 0–17.

    Not annualised: a half-year shows the half-year's notifications (about half of a year's).
    """
    received = int(_between(ctx.tables.notifications["received_at"], ctx).sum())
    inhabitants = ctx.population(ctx.period.year, *AGE_0_17)
    value = 1000 * ratio(received, inhabitants, "the population aged 0–17")
    return Result("", value, "per_1000", extra={"notifications": received})


@indicator(
    "fp2.notifications_assessed_24h_share",
    unit="share",
    label_da="Andel underretninger vurderet inden for 24 timer",
    needs=("notifications",),
)
def notifications_assessed_24h_share(ctx: Context) -> Result:
    """Share of notifications received in the period with ``assessed_at − received_at <= 24
    h`` (not yet assessed counts as not within 24 h once 24 h have passed at the time of the
    data extract).

    The extract is taken at the end of the extract day (midnight after ``extract_date``). A
    notification not yet assessed and received less than 24 hours before that moment is still
    within its deadline: it is left out of the share (neither in time nor late).
    """
    frame = ctx.tables.notifications
    frame = frame[_between(frame["received_at"], ctx)]
    extract_moment = pd.Timestamp(ctx.tables.extract_date) + timedelta(days=1)
    deadline = frame["received_at"] + timedelta(hours=24)
    assessed = frame["assessed_at"].notna()
    in_time = assessed & (frame["assessed_at"] <= deadline)
    pending = ~assessed & (deadline > extract_moment)
    decided = ~pending
    value = ratio(int(in_time.sum()), int(decided.sum()), "the number of notifications")
    return Result(
        "", value, "share", basis=int(decided.sum()), extra={"pending": int(pending.sum())}
    )


def _completed_examinations(ctx: Context) -> pd.DataFrame:
    frame = ctx.tables.examinations
    done = frame[frame["completed_on"].notna() & _between(frame["completed_on"], ctx)]
    if done.empty:
        raise MissingInput("no child examination was completed in the period")
    return done


@indicator(
    "fp2.examinations_on_time_share",
    unit="share",
    label_da="Andel børnefaglige undersøgelser afsluttet inden for 4 måneder",
    needs=("examinations",),
)
def examinations_on_time_share(ctx: Context) -> Result:
    """Child examinations completed in the period: share completed within 4 months of start
    (calendar months; start 15 Jan → due 15 May).

    A start on the 31st with no such day four months later is due on the last day of that
    month (31 Oct → 28/29 Feb).
    """
    done = _completed_examinations(ctx)
    due = [add_months(d.date(), 4) for d in done["started_on"]]
    on_time = (done["completed_on"].dt.date.to_numpy() <= np.array(due)).sum()
    persons = done["person_id"].nunique()
    return Result("", ratio(int(on_time), len(done), "examinations"), "share", basis=int(persons))


@indicator(
    "fp2.examinations_median_days",
    unit="days",
    label_da="Mediansagsbehandlingstid for børnefaglige undersøgelser (dage)",
    needs=("examinations",),
)
def examinations_median_days(ctx: Context) -> Result:
    """Median days from start to completion, same set (examinations completed in the
    period)."""
    done = _completed_examinations(ctx)
    days = (done["completed_on"] - done["started_on"]).dt.days
    return Result("", float(days.median()), "days", basis=int(done["person_id"].nunique()))


def _followup_measures(ctx: Context) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    return ctx.memo("fp2.followups", lambda: _look_up_measures(ctx))


def _look_up_measures(ctx: Context) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """For each follow-up, the person code of its measure (``-1`` where the measure is
    unknown) and, per area (in sorted order), the mask of follow-ups whose measure is of that
    area (one lookup of each follow-up's measure; ids are unique, validation guarantees it,
    and allows only the children's and the adults' area)."""
    row = ctx.measure_rows(ctx.tables.followups["intervention_id"])
    # A sentinel appended to each array answers for the unknown measures (row -1).
    person = np.append(ctx.person_code, -1)[row]
    area = {
        "adults": np.append(ctx.is_adults, False)[row],
        "children": np.append(ctx.is_children, False)[row],
    }
    return person, area


def _distinct(person: np.ndarray) -> int:
    """Number of distinct known persons among ``person`` codes."""
    return int(np.unique(person[person >= 0]).size)


@indicator(
    "fp2.followups_on_time_share",
    unit="share",
    label_da="Andel opfølgninger foretaget rettidigt",
    needs=("followups",),
)
def followups_on_time_share(ctx: Context) -> Result:
    """Follow-ups due in the period: share done on or before the due date.

    All areas; breakdown by ``area``. A follow-up not done (empty ``done_on``) is not on
    time.
    """
    followups = ctx.tables.followups
    person, areas = _followup_measures(ctx)
    due = _between(followups["due_on"], ctx).to_numpy()
    # A follow-up not done (NaT) compares as not on time.
    on_time = due & (followups["done_on"].to_numpy() <= followups["due_on"].to_numpy())
    value = ratio(int(on_time.sum()), int(due.sum()), "follow-ups due")
    by_area, basis_area = {}, {}
    for area, in_area in areas.items():
        cell = due & in_area
        if cell.any():
            by_area[area] = int(on_time[cell].sum()) / int(cell.sum())
            basis_area[area] = _distinct(person[cell])
    return Result(
        "",
        value,
        "share",
        breakdown={"area": by_area},
        basis=_distinct(person[due]),
        breakdown_basis={"area": basis_area},
    )


@indicator(
    "fp2.followups_overdue",
    unit="count",
    label_da="Opfølgninger over frist",
    needs=("followups",),
)
def followups_overdue(ctx: Context) -> Result:
    """Follow-ups due on or before period end and not done by period end.

    All areas; breakdown by ``area``. Only follow-ups of measures still active on the due
    date would be a stricter reading; the definition does not ask for it.
    """
    followups = ctx.tables.followups
    _, areas = _followup_measures(ctx)
    end = np.datetime64(ctx.period.end)
    done_on = followups["done_on"].to_numpy()
    overdue = (followups["due_on"].to_numpy() <= end) & (np.isnat(done_on) | (done_on > end))
    return Result(
        "",
        int(overdue.sum()),
        "count",
        breakdown={"area": {area: int((overdue & areas[area]).sum()) for area in AREAS}},
    )


@indicator(
    "fp2.caseload",
    unit="persons_per_fte",
    label_da="Aktive børnesager pr. sagsbehandler (årsværk)",
    needs=("caseworkers",),
)
def caseload(ctx: Context) -> Result:
    """Active children's cases (persons with an active measure at period end) / caseworker
    FTE at period end.

    FTE at period end = the ``caseworkers`` row for the children's area with the latest date
    on or before the period end.
    """
    staff = ctx.tables.caseworkers
    staff = staff[(staff["area"] == "children") & (staff["date"] <= pd.Timestamp(ctx.period.end))]
    if staff.empty:
        raise MissingInput("caseworkers has no children's row on or before the period end")
    fte = float(staff.sort_values("date")["fte"].iloc[-1])
    cases = ctx.distinct_persons(ctx.active_on(ctx.period.end) & ctx.is_children)
    return Result(
        "", ratio(cases, fte, "caseworker FTE"), "persons_per_fte", basis=cases, extra={"fte": fte}
    )


@indicator(
    "fp2.appeal_reversal_rate",
    unit="share",
    label_da="Omgørelsesprocent i Ankestyrelsen",
    needs=("appeals",),
)
def appeal_reversal_rate(ctx: Context) -> Result:
    """Ankestyrelsen decisions in the period: (changed + remitted + annulled) / all
    decisions — VIVE "andel ændrede eller hjemviste sager".

    Dismissed cases (not decided on the merits) are left out (``DATA.md``). All areas;
    breakdown by ``area``. ``basis`` is the number of decisions (appeals carry no person).
    """
    frame = ctx.tables.appeals
    frame = frame[_between(frame["decision_date"], ctx) & (frame["outcome"] != "dismissed")]
    reversed_ = frame["outcome"].isin(REVERSED)
    value = ratio(int(reversed_.sum()), len(frame), "decisions on the merits")
    by_area = reversed_.groupby(frame["area"]).mean()
    return Result(
        "",
        value,
        "share",
        breakdown={"area": series_dict(by_area)},
        basis=len(frame),
        breakdown_basis={"area": series_dict(frame.groupby("area").size())},
    )
