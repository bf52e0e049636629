"""FP2 on hand-built casework data. Period 2025-H1 (1 Jan–30 Jun 2025); the data extract is
taken on 30 June 2025, so the extract moment is midnight 1 July 2025."""

from __future__ import annotations

from pathlib import Path

import pytest

from noegletal.data.tables import Tables
from noegletal.indicators import compute, indicator_ids
from noegletal.indicators.registry import Result
from tests.builders import build_tables, measure, population


@pytest.fixture(scope="module")
def casework(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    return build_tables(
        tmp_path_factory.mktemp("fp2"),
        extract_date="2025-06-30",
        interventions=[
            measure("K1", "A", "preventive", "2024-01-01"),
            measure("K2", "B", "foster_care", "2025-01-01"),
            measure("K3", "C", "early_support", "2025-01-01", "2025-06-29"),
            measure("V1", "X", "support_own_home", "2024-01-01"),
        ],
        # 0–17-year-olds: 1,000 + 1,000 = 2,000 (age 18 is outside).
        population_rows=population(2025, {5: 1000, 15: 1000, 18: 500}),
        notifications=[
            # Assessed exactly 24 h later: in time.
            {"notification_id": "N1", "person_id": "A", "received_at": "2025-01-10 08:00",
             "assessed_at": "2025-01-11 08:00"},
            # 24 h and 1 minute: late.
            {"notification_id": "N2", "person_id": "B", "received_at": "2025-02-01 10:00",
             "assessed_at": "2025-02-02 10:01"},
            # Never assessed, and more than 24 h have passed at the extract: late.
            {"notification_id": "N3", "person_id": "C", "received_at": "2025-03-01 12:00",
             "assessed_at": ""},
            # Not assessed, deadline 1 July 10:00 is after the extract moment: pending.
            {"notification_id": "N4", "person_id": "D", "received_at": "2025-06-30 10:00",
             "assessed_at": ""},
            # Received before the period.
            {"notification_id": "N5", "person_id": "E", "received_at": "2024-12-31 23:00",
             "assessed_at": "2025-01-01 09:00"},
            # Received on the last evening and assessed within minutes: in time.
            {"notification_id": "N6", "person_id": "F", "received_at": "2025-06-30 23:15",
             "assessed_at": "2025-06-30 23:40"},
        ],
        examinations=[
            # Start 15 Jan → due 15 May; completed 15 May: on time, 16+28+31+30+15 = 120 days.
            {"examination_id": "E1", "person_id": "A", "started_on": "2025-01-15",
             "completed_on": "2025-05-15"},
            # Start 31 Oct → due 28 Feb (no 31 Feb); completed 1 Mar: late, 121 days.
            {"examination_id": "E2", "person_id": "B", "started_on": "2024-10-31",
             "completed_on": "2025-03-01"},
            {"examination_id": "E3", "person_id": "C", "started_on": "2025-02-01",
             "completed_on": "2025-02-11"},
            {"examination_id": "E4", "person_id": "D", "started_on": "2025-01-01",
             "completed_on": ""},
            {"examination_id": "E5", "person_id": "E", "started_on": "2024-09-01",
             "completed_on": "2024-12-20"},
        ],
        followups=[
            {"followup_id": "F1", "intervention_id": "K1", "due_on": "2025-03-01",
             "done_on": "2025-02-20"},
            {"followup_id": "F2", "intervention_id": "K1", "due_on": "2025-06-30",
             "done_on": "2025-07-05"},
            {"followup_id": "F3", "intervention_id": "V1", "due_on": "2025-04-01",
             "done_on": ""},
            {"followup_id": "F4", "intervention_id": "V1", "due_on": "2024-12-01",
             "done_on": ""},
            {"followup_id": "F5", "intervention_id": "K1", "due_on": "2025-08-01",
             "done_on": ""},
            {"followup_id": "F6", "intervention_id": "V1", "due_on": "2024-11-01",
             "done_on": "2025-01-10"},
        ],
        caseworkers=[
            {"date": "2025-05-31", "area": "children", "fte": 2.0},
            {"date": "2025-07-31", "area": "children", "fte": 9.0},
            {"date": "2025-06-30", "area": "adults", "fte": 5.0},
        ],
        appeals=[
            {"decision_date": "2025-01-05", "area": "children", "outcome": "changed"},
            {"decision_date": "2025-02-05", "area": "children", "outcome": "upheld"},
            {"decision_date": "2025-03-05", "area": "children", "outcome": "remitted"},
            {"decision_date": "2025-04-05", "area": "children", "outcome": "dismissed"},
            {"decision_date": "2025-05-05", "area": "adults", "outcome": "annulled"},
            {"decision_date": "2025-06-30", "area": "adults", "outcome": "upheld"},
            {"decision_date": "2024-12-31", "area": "adults", "outcome": "changed"},
        ],
    )  # fmt: skip


@pytest.fixture(scope="module")
def results(casework: Tables) -> dict[str, Result]:
    return {r.id: r for r in compute(casework, "2025-H1", ids=indicator_ids("fp2"))}


def test_notifications_per_1000(results) -> None:
    # Received in H1: N1, N2, N3, N4, N6 = 5 per 2,000 aged 0–17 → 2.5 per 1,000.
    assert results["fp2.notifications_per_1000_0_17"].value == pytest.approx(2.5)


def test_notifications_assessed_within_24h(results) -> None:
    # Decided: N1 (in time), N2 (late), N3 (late), N6 (in time); N4 pending → 2/4.
    r = results["fp2.notifications_assessed_24h_share"]
    assert r.value == pytest.approx(0.5)
    assert r.basis == 4 and r.extra["pending"] == 1


def test_examinations(results) -> None:
    # Completed in H1: E1 (on time, 120 days), E2 (late, 121), E3 (on time, 10).
    assert results["fp2.examinations_on_time_share"].value == pytest.approx(2 / 3)
    assert results["fp2.examinations_median_days"].value == 120


def test_followups(results) -> None:
    # Due in H1: F1 (done before due), F2 (done after), F3 (not done) → 1/3.
    r = results["fp2.followups_on_time_share"]
    assert r.value == pytest.approx(1 / 3)
    assert r.breakdown == {"area": {"adults": 0.0, "children": 0.5}}
    # Overdue on 30 June: F2 (done 5 July), F3 and F4 (never done); F5 not yet due, F6 done.
    overdue = results["fp2.followups_overdue"]
    assert overdue.value == 3
    assert overdue.breakdown == {"area": {"children": 1, "adults": 2}}


def test_caseload(results) -> None:
    # Children active on 30 June: A (K1) and B (K2); C ended 29 June. FTE: the 31 May row (2.0).
    r = results["fp2.caseload"]
    assert r.value == pytest.approx(1.0) and r.extra["fte"] == 2.0


def test_appeal_reversal_rate(results) -> None:
    # On the merits in H1: changed, upheld, remitted (children), annulled, upheld (adults);
    # reversed = changed + remitted + annulled = 3 of 5. The dismissed case is left out.
    r = results["fp2.appeal_reversal_rate"]
    assert r.value == pytest.approx(0.6)
    assert r.breakdown["area"] == pytest.approx({"children": 2 / 3, "adults": 0.5})


def test_absent_optional_tables_give_null_with_reason(tmp_path: Path) -> None:
    tables = build_tables(tmp_path, interventions=[measure("K1", "A", "preventive", "2024-01-01")])
    for r in compute(tables, "2024", ids=indicator_ids("fp2")):
        assert r.value is None and "optional table" in r.reason


def test_no_completed_examinations_is_null(casework: Tables) -> None:
    r = compute(casework, "2025-Q3", ids=["fp2.examinations_median_days"])[0]
    assert r.value is None and "no child examination" in r.reason
