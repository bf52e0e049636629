"""FP2 — guidelines that support efficient casework.

Notifications, examinations, caseworkers and caseloads concern the children's area.
Follow-ups and appeals exist for both areas: their ``value`` covers all areas and the
breakdown by ``area`` shows children and adults apart.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from noegletal.codes import AREAS
from noegletal.indicators._common import ratio
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.lookup import arrow_strings, positions_in

AGE_0_17 = (0, 17)
REVERSED = ("changed", "remitted", "annulled")


def _in_period(values: np.ndarray, ctx: Context) -> np.ndarray:
    """Mask of timestamps (or dates) falling on a day of the period (NaT never does)."""
    start = np.datetime64(ctx.period.start)
    end = np.datetime64(ctx.period.end) + np.timedelta64(1, "D")
    return (values >= start) & (values < end)


def _received(ctx: Context) -> np.ndarray:
    """Positions of the notifications received in the period, found once for both
    notification indicators."""

    def find() -> np.ndarray:
        received_at = ctx.tables.notifications["received_at"].to_numpy()
        return np.flatnonzero(_in_period(received_at, ctx))

    return ctx.memo("fp2.received", find)


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
    received = len(_received(ctx))
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
    rows = _received(ctx)
    received_at = frame["received_at"].to_numpy()[rows]
    assessed_at = frame["assessed_at"].to_numpy()[rows]
    extract_moment = np.datetime64(ctx.tables.extract_date) + np.timedelta64(1, "D")
    deadline = received_at + np.timedelta64(24, "h")
    assessed = ~np.isnat(assessed_at)
    # A notification not assessed (NaT) compares as not in time.
    in_time = assessed_at <= deadline
    pending = ~assessed & (deadline > extract_moment)
    decided = ~pending
    value = ratio(int(in_time.sum()), int(decided.sum()), "the number of notifications")
    return Result(
        "", value, "share", basis=int(decided.sum()), extra={"pending": int(pending.sum())}
    )


class _Completed(NamedTuple):
    """The child examinations completed in the period, shared by both examination
    indicators."""

    started_on: np.ndarray  # datetime64
    completed_on: np.ndarray  # datetime64
    persons: int  # distinct persons among them


def _completed_examinations(ctx: Context) -> _Completed:
    return ctx.memo("fp2.completed", lambda: _find_completed(ctx))


def _find_completed(ctx: Context) -> _Completed:
    import pyarrow.compute as pc

    frame = ctx.tables.examinations
    # A missing completion date (NaT) is never in the period.
    rows = np.flatnonzero(_in_period(frame["completed_on"].to_numpy(), ctx))
    if not rows.size:
        raise MissingInput("no child examination was completed in the period")
    persons = pc.count_distinct(arrow_strings(frame["person_id"].array.take(rows))).as_py()
    return _Completed(
        started_on=frame["started_on"].to_numpy()[rows],
        completed_on=frame["completed_on"].to_numpy()[rows],
        persons=persons,
    )


def _add_months(days: np.ndarray, months: int) -> np.ndarray:
    """:func:`noegletal.periods.add_months` of each day (timestamps count by their date), as
    ``datetime64[D]``: the same day of the month ``months`` later, clipped to the month's
    last day.

    >>> _add_months(np.array(["2025-01-15", "2025-10-31"], dtype="datetime64[D]"), 4)
    array(['2025-05-15', '2026-02-28'], dtype='datetime64[D]')
    """
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    target = month + months
    first = target.astype("datetime64[D]")
    last = (target + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(first + (day - month.astype("datetime64[D]")), last)


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
    due = _add_months(done.started_on, 4)
    on_time = (done.completed_on.astype("datetime64[D]") <= due).sum()
    count = len(done.completed_on)
    return Result("", ratio(int(on_time), count, "examinations"), "share", basis=done.persons)


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
    # Whole days, rounded down like pandas' ``Series.dt.days``.
    days = (done.completed_on - done.started_on) // np.timedelta64(1, "D")
    return Result("", float(np.median(days)), "days", basis=done.persons)


class _Followups(NamedTuple):
    """The follow-ups the two follow-up indicators read: those due in the period and those
    overdue at its end, each with its measure's person and area. Every array has one entry
    per such follow-up."""

    due: np.ndarray  # mask: due in the period
    on_time: np.ndarray  # mask: due in the period and done on or before the due date
    overdue: np.ndarray  # mask: due on or before period end and not done by period end
    person: np.ndarray  # person code of the follow-up's measure (-1: unknown measure)
    areas: dict[str, np.ndarray]  # per area (sorted): mask of follow-ups of its measures


def _followups(ctx: Context) -> _Followups:
    return ctx.memo("fp2.followups", lambda: _select_followups(ctx))


def _select_followups(ctx: Context) -> _Followups:
    """The follow-ups due in the period or overdue at its end, their measures looked up
    (ids are unique, validation guarantees it, and allows only the children's and the
    adults' area). The other follow-ups count in neither indicator, so only these are looked
    up."""
    followups = ctx.tables.followups
    due_on = followups["due_on"].to_numpy()
    done_on = followups["done_on"].to_numpy()
    end = np.datetime64(ctx.period.end)
    due = _in_period(due_on, ctx)
    overdue = (due_on <= end) & (np.isnat(done_on) | (done_on > end))
    rows = np.flatnonzero(due | overdue)
    due = due[rows]
    # A follow-up not done (NaT) compares as not on time.
    on_time = due & (done_on[rows] <= due_on[rows])
    measure = ctx.measure_rows(followups["intervention_id"].array.take(rows))
    # A sentinel appended to each array answers for the unknown measures (row -1).
    return _Followups(
        due=due,
        on_time=on_time,
        overdue=overdue[rows],
        person=np.append(ctx.person_code, -1)[measure],
        areas={
            "adults": np.append(ctx.is_adults, False)[measure],
            "children": np.append(ctx.is_children, False)[measure],
        },
    )


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
    selected = _followups(ctx)
    due, on_time, person = selected.due, selected.on_time, selected.person
    value = ratio(int(on_time.sum()), int(due.sum()), "follow-ups due")
    by_area, basis_area = {}, {}
    for area, in_area in selected.areas.items():
        cell = due & in_area
        if cell.any():
            by_area[area] = int(on_time[cell].sum()) / int(cell.sum())
            basis_area[area] = ctx.distinct_codes(person[cell])
    return Result(
        "",
        value,
        "share",
        breakdown={"area": by_area},
        basis=ctx.distinct_codes(person[due]),
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
    selected = _followups(ctx)
    overdue, areas = selected.overdue, selected.areas
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
    date = staff["date"].to_numpy()
    rows = np.flatnonzero(
        (staff["area"].to_numpy() == "children") & (date <= np.datetime64(ctx.period.end))
    )
    if not rows.size:
        raise MissingInput("caseworkers has no children's row on or before the period end")
    # (date, area) is the table's key: a single row has the latest date.
    fte = float(staff["fte"].to_numpy()[rows[np.argmax(date[rows])]])
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
    rows = np.flatnonzero(_in_period(frame["decision_date"].to_numpy(), ctx))
    # Each decision's outcome as its position among the dismissed and the reversing ones.
    outcome = positions_in(frame["outcome"].array.take(rows), ("dismissed", *REVERSED))
    on_merits = outcome != 0
    reversed_ = outcome[on_merits] > 0
    value = ratio(int(reversed_.sum()), len(reversed_), "decisions on the merits")
    # Areas in sorted order, as a group-by lists them; validation allows no other area.
    names = sorted(AREAS)
    area = positions_in(frame["area"].array.take(rows[on_merits]), names)
    by_area, basis_area = {}, {}
    for code, name in enumerate(names):
        in_area = area == code
        if in_area.any():
            basis_area[name] = int(in_area.sum())
            by_area[name] = int(reversed_[in_area].sum()) / basis_area[name]
    return Result(
        "",
        value,
        "share",
        breakdown={"area": by_area},
        basis=len(reversed_),
        breakdown_basis={"area": basis_area},
    )
