"""Adults' key figures for the semiannual committee report, on hand-built data.

Period 2025-H1 unless stated: 1 Jan–30 Jun 2025 (181 days); year-to-date is the same span and
"same period last year" is 1 Jan–30 Jun 2024. Every expected value is counted out in the
comments; the code under test never computes an expected value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noegletal.config import Municipality
from noegletal.data.tables import Tables
from noegletal.indicators import compute
from noegletal.indicators.registry import Result
from tests.builders import STANDARD_LINES, build_tables, measure

H1 = "2025-H1"


def one(tables: Tables, indicator_id: str, period: str = H1) -> Result:
    (result,) = compute(tables, period, [indicator_id])
    return result


# ---- adults.spend_by_paragraph ---------------------------------------------------------------
def test_spend_by_paragraph_ytd_against_last_year(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[measure("V1", "P1", "long_term_housing", "2020-01-01", None, 1)],
        ledger=[
            # Botilbud (5.38.50/51/42), 2025 ytd: 100,000 + 50,000 (last day counts) = 150,000
            {"posting_date": "2025-01-31", "account": "5.38.50", "amount": 100_000},
            {"posting_date": "2025-06-30", "account": "5.38.51.001", "amount": 50_000},
            {"posting_date": "2025-07-01", "account": "5.38.50", "amount": 999_999},  # after
            {"posting_date": "2024-12-31", "account": "5.38.50", "amount": 777},  # in neither
            # Botilbud last year 1 Jan–30 Jun 2024: 120,000
            {"posting_date": "2024-03-15", "account": "5.38.50", "amount": 120_000},
            # Støtte (5.38.39): last year 40,000 (30 June 2024 counts); 2025 a refund −10,000
            {"posting_date": "2024-06-30", "account": "5.38.39", "amount": 40_000},
            {"posting_date": "2024-07-01", "account": "5.38.39", "amount": 555},  # after
            {"posting_date": "2025-02-28", "account": "5.38.39", "amount": -10_000},
            # not the adults' area: children, employment, an account no line claims
            {"posting_date": "2025-03-31", "account": "5.28.21", "amount": 500_000},
            {"posting_date": "2025-03-31", "account": "5.57", "amount": 30_000},
            {"posting_date": "2025-04-30", "account": "9.99", "amount": 1_234},
        ],
    )
    result = one(tables, "adults.spend_by_paragraph")
    # Total ytd 150,000 − 10,000 = 140,000; last year 120,000 + 40,000 = 160,000.
    assert result.value == pytest.approx(140_000)
    assert result.breakdown == {"budget_line": {"Botilbud": 150_000.0, "Støtte": -10_000.0}}
    rows = {row["budget_line"]: row for row in result.table}
    # Botilbud: change 150,000 − 120,000 = 30,000 = 25 % of 120,000.
    assert rows["Botilbud"] == pytest.approx(
        {
            "budget_line": "Botilbud",
            "ytd": 150_000,
            "ytd_last_year": 120_000,
            "change_kr": 30_000,
            "change_share": 0.25,
        }
    )
    # Støtte: −10,000 − 40,000 = −50,000 = −125 % of 40,000.
    assert rows["Støtte"]["change_kr"] == pytest.approx(-50_000)
    assert rows["Støtte"]["change_share"] == pytest.approx(-1.25)
    # Totals: −20,000 = −12.5 % of 160,000.
    assert result.extra["ytd_last_year"] == pytest.approx(160_000)
    assert result.extra["change_kr"] == pytest.approx(-20_000)
    assert result.extra["change_share"] == pytest.approx(-0.125)


def test_spend_by_paragraph_no_spend_last_year_and_leap_day(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[measure("V1", "P1", "long_term_housing", "2020-01-01", None, 1)],
        ledger=[
            # Period 2024-02 (ytd 1 Jan–29 Feb 2024); last year ytd 1 Jan–28 Feb 2023.
            {"posting_date": "2024-02-29", "account": "5.38.50", "amount": 10_000},
            {"posting_date": "2023-03-01", "account": "5.38.50", "amount": 5_000},  # after
        ],
    )
    result = one(tables, "adults.spend_by_paragraph", "2024-02")
    assert result.value == pytest.approx(10_000)
    rows = {row["budget_line"]: row for row in result.table}
    # Nothing last year: the change in kr. is the whole amount, the change share undefined.
    assert rows["Botilbud"]["ytd_last_year"] == 0
    assert rows["Botilbud"]["change_kr"] == pytest.approx(10_000)
    assert rows["Botilbud"]["change_share"] is None
    # A line without bookings is listed with zeros.
    assert rows["Støtte"] == {
        "budget_line": "Støtte",
        "ytd": 0.0,
        "ytd_last_year": 0.0,
        "change_kr": 0.0,
        "change_share": None,
    }


def test_spend_by_paragraph_without_adults_lines_is_null(tmp_path: Path) -> None:
    children_only = [line for line in STANDARD_LINES if line["area"] != "adults"]
    tables = build_tables(
        tmp_path,
        interventions=[measure("C1", "A", "preventive", "2025-01-01", None, 1)],
        budget_lines=children_only,
    )
    result = one(tables, "adults.spend_by_paragraph")
    assert result.value is None
    assert "adults" in (result.reason or "")


# ---- adults.housing_persons / housing_flow ---------------------------------------------------
def test_housing_persons_by_paragraph_and_provider(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[
            # P1: § 107 own, and § 110 private ending on the period end (active that day).
            measure("A1", "P1", "temporary_housing", "2025-01-01", None, 1),
            measure("A2", "P1", "shelter", "2025-06-01", "2025-06-30", 1, provider_type="private"),
            # P2: two § 108 measures on the day → once, provider of the later start (private).
            measure("A3", "P2", "long_term_housing", "2020-01-01", None, 1,
                    provider_type="regional"),
            measure("A4", "P2", "long_term_housing", "2025-05-01", None, 1,
                    provider_type="private"),
            # P3: ended the day before the period end; P4: starts the day after.
            measure("A5", "P3", "long_term_housing", "2024-01-01", "2025-06-29", 1,
                    provider_type="other_municipality"),
            measure("A6", "P4", "temporary_housing", "2025-07-01", None, 1),
            # P5: § 85 is not a housing offer.
            measure("A7", "P5", "support_own_home", "2025-01-01", None, 1),
            measure("A8", "P6", "long_term_housing", "2024-01-01", None, 1),
        ],
    )  # fmt: skip
    result = one(tables, "adults.housing_persons")
    # Distinct persons: P1, P2, P6 = 3 (P1 counted under § 107 and § 110).
    assert result.value == 3
    zero = {"own": 0, "other_municipality": 0, "regional": 0, "private": 0}
    assert result.breakdown == {
        "paragraph": {
            "§ 107": {"provider_type": {**zero, "own": 1}},
            "§ 108": {"provider_type": {**zero, "own": 1, "private": 1}},
            "§ 110": {"provider_type": {**zero, "private": 1}},
        }
    }
    assert result.extra["in_several"] == 1


def test_housing_persons_empty_is_zero(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path, interventions=[measure("A1", "P1", "support_own_home", "2025-01-01")]
    )
    result = one(tables, "adults.housing_persons")
    assert result.value == 0
    assert result.breakdown["paragraph"]["§ 108"]["provider_type"]["own"] == 0


def test_housing_flow_starts_and_ends_on_period_boundaries(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[
            measure("A", "P1", "temporary_housing", "2025-01-01", "2025-06-30"),  # start + end
            measure("B", "P2", "temporary_housing", "2024-12-31", "2025-01-01"),  # end (1 Jan)
            measure("C", "P3", "long_term_housing", "2025-06-30"),  # start (last day)
            measure("D", "P4", "long_term_housing", "2025-07-01"),  # after
            measure("E", "P5", "long_term_housing", "2020-01-01", "2024-12-31"),  # before
            measure("F", "P6", "shelter", "2025-03-01", "2025-03-10"),  # start + end
            measure("G", "P7", "shelter", "2025-04-01"),  # start
            measure("H", "P8", "support_own_home", "2025-02-01"),  # not housing
        ],
    )
    result = one(tables, "adults.housing_flow")
    # § 107: starts A = 1, ends A, B = 2 → −1. § 108: starts C = 1, ends 0 → +1.
    # § 110: starts F, G = 2, ends F = 1 → +1. Total: 4 starts − 3 ends = +1.
    assert result.table == [
        {"paragraph": "§ 107", "starts": 1, "ends": 2, "net": -1},
        {"paragraph": "§ 108", "starts": 1, "ends": 0, "net": 1},
        {"paragraph": "§ 110", "starts": 2, "ends": 1, "net": 1},
    ]
    assert result.value == 1
    assert result.breakdown == {"paragraph": {"§ 107": -1, "§ 108": 1, "§ 110": 1}}
    assert result.extra == {"starts": 4, "ends": 3}


# ---- adults.own_home_share -------------------------------------------------------------------
def test_own_home_share(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[
            measure("1", "P1", "support_own_home", "2024-01-01"),  # own home
            measure("2", "P2", "support_own_home", "2024-01-01"),  # § 85 AND § 108: not
            measure("3", "P2", "long_term_housing", "2024-01-01"),
            measure("4", "P3", "temporary_housing", "2024-01-01"),  # denominator only
            measure("5", "P4", "support_own_home", "2024-01-01"),  # § 85 + § 110: own home
            measure("6", "P4", "shelter", "2025-06-01"),  # (as written)
            measure("7", "P5", "shelter", "2025-01-01"),  # § 110 only: in neither
            measure("8", "P6", "support_own_home", "2024-01-01", "2025-06-29"),  # ended
            measure("9", "P7", "support_own_home", "2024-01-01"),  # § 107 ends on the
            measure("10", "P7", "temporary_housing", "2024-01-01", "2025-06-30"),  # last day
        ],
    )
    result = one(tables, "adults.own_home_share")
    # Numerator P1, P4 = 2; denominator P1, P2, P3, P4, P7 = 5 → 2/5 = 0.4.
    assert result.value == pytest.approx(0.4)
    assert result.basis == 5
    assert result.extra["own_home_and_housing_persons"] == 2  # P2, P7


def test_own_home_share_without_persons_is_null(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[
            measure("1", "P1", "shelter", "2025-01-01"),  # § 110 is in neither part
            measure("2", "P2", "support_own_home", "2024-01-01", "2024-12-31"),  # ended
        ],
    )
    result = one(tables, "adults.own_home_share")
    assert result.value is None
    assert "§ 85, § 107 or § 108" in (result.reason or "")


# ---- adults.moved_to_own_home ----------------------------------------------------------------
def test_moved_to_own_home_30_day_window(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[
            # P1: § 107 ends 1 Mar; § 85 starts 31 Mar = 1 Mar + 30 days → counts.
            measure("1a", "P1", "temporary_housing", "2024-01-01", "2025-03-01"),
            measure("1b", "P1", "support_own_home", "2025-03-31"),
            # P2: § 108 ends 1 Mar; § 85 starts 1 Apr = 1 Mar + 31 days → does not count.
            measure("2a", "P2", "long_term_housing", "2024-01-01", "2025-03-01"),
            measure("2b", "P2", "support_own_home", "2025-04-01"),
            # P3: § 107 ends 10 Feb; § 85 running since 2024 and continuing → counts.
            measure("3a", "P3", "temporary_housing", "2024-01-01", "2025-02-10"),
            measure("3b", "P3", "support_own_home", "2024-05-01"),
            # P4: § 107 ends 30 Apr, § 108 from 1 May (transfer), § 85 from 10 May → no.
            measure("4a", "P4", "temporary_housing", "2024-01-01", "2025-04-30"),
            measure("4b", "P4", "long_term_housing", "2025-05-01"),
            measure("4c", "P4", "support_own_home", "2025-05-10"),
            # P5: § 107 ended 31 Dec 2024, before the period → no.
            measure("5a", "P5", "temporary_housing", "2024-01-01", "2024-12-31"),
            measure("5b", "P5", "support_own_home", "2025-01-05"),
            # P6: § 108 ends on the period end, § 85 starts 15 Jul (past the period) → counts.
            measure("6a", "P6", "long_term_housing", "2024-01-01", "2025-06-30"),
            measure("6b", "P6", "support_own_home", "2025-07-15"),
            # P7: § 85 ends the same day as § 107 (not active on any day after) → no.
            measure("7a", "P7", "temporary_housing", "2024-01-01", "2025-03-01"),
            measure("7b", "P7", "support_own_home", "2024-01-01", "2025-03-01"),
            # P8: § 110 is not § 107/§ 108 → no.
            measure("8a", "P8", "shelter", "2024-01-01", "2025-03-01"),
            measure("8b", "P8", "support_own_home", "2025-03-02"),
        ],
    )
    result = one(tables, "adults.moved_to_own_home")
    # Moved: P1, P3 (§ 107), P6 (§ 108) = 3.
    assert result.value == 3
    assert result.breakdown == {"paragraph": {"§ 107": 2, "§ 108": 1}}
    # Exits (not transfers): P1, P2, P3, P6, P7 = 5; one transfer (P4).
    assert result.extra == {"exits": 5, "transfers": 1}
    assert result.note is None  # every window closes before the extract (2026-06-30)


def test_moved_to_own_home_leap_year_window_and_late_extract(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[
            # 10 Feb 2024 + 30 days: 19 days to 29 Feb, 11 more → 11 Mar 2024 (leap year).
            measure("1a", "P1", "temporary_housing", "2023-01-01", "2024-02-10"),
            measure("1b", "P1", "support_own_home", "2024-03-11"),  # day 30 → counts
            measure("2a", "P2", "temporary_housing", "2023-01-01", "2024-02-10"),
            measure("2b", "P2", "support_own_home", "2024-03-12"),  # day 31 → no
            # Ends 20 Jun 2024; the extract is 10 Jul 2024, within the 30-day window.
            measure("3a", "P3", "long_term_housing", "2023-01-01", "2024-06-20"),
        ],
        extract_date="2024-07-10",
    )
    result = one(tables, "adults.moved_to_own_home", "2024-H1")
    assert result.value == 1
    assert result.breakdown == {"paragraph": {"§ 107": 1, "§ 108": 0}}
    assert result.note is not None and result.note.startswith("1 fraflytning")


# ---- adults.followup_savings -----------------------------------------------------------------
def followup(fid: str, intervention: str, done: str | None, outcome: str) -> dict[str, str]:
    return {
        "followup_id": fid,
        "intervention_id": intervention,
        "due_on": done or "2025-03-01",
        "done_on": done or "",
        "outcome": outcome,
    }


SAVINGS_MEASURES = [
    measure("M1", "P1", "temporary_housing", "2024-01-01", None, 365_000),
    measure("M2", "P2", "long_term_housing", "2023-01-01", None, 500_000),
    measure("M3", "P3", "support_own_home", "2024-06-01", None, 100_000),
    measure("M4", "P4", "day_activity", "2024-01-01", "2025-05-15", 200_000),
    measure("M5", "P5", "support_own_home", "2024-01-01", None, 150_000),
    measure("M6", "P6", "temporary_housing", "2024-01-01", None, 300_000),
    measure("M7", "C1", "foster_care", "2024-01-01", None, 400_000),
    measure("M8", "P1", "support_own_home", "2024-01-01", None, 80_000),
    measure("M9", "P7", "long_term_housing", "2024-01-01", None, 400_000),
    measure("M10", "P8", "temporary_housing", "2024-01-01", "2025-04-15", 500_000,
            end_reason="stepped_up"),
]  # fmt: skip
SAVINGS_PRICES = [
    {"intervention_id": "M1", "valid_from": "2025-03-01", "annual_cost": 292_000},
    {"intervention_id": "M2", "valid_from": "2024-07-01", "annual_cost": 600_000},
    {"intervention_id": "M2", "valid_from": "2025-06-30", "annual_cost": 450_000},
    {"intervention_id": "M3", "valid_from": "2025-05-31", "annual_cost": 60_000},
    {"intervention_id": "M5", "valid_from": "2025-04-01", "annual_cost": 100_000},
    {"intervention_id": "M6", "valid_from": "2025-01-01", "annual_cost": 250_000},
    {"intervention_id": "M7", "valid_from": "2025-03-01", "annual_cost": 300_000},
    {"intervention_id": "M9", "valid_from": "2025-03-01", "annual_cost": 420_000},
]
SAVINGS_FOLLOWUPS = [
    # M1 reduced 10 Feb; price row 1 Mar (day 19): 365,000 → 292,000 = 73,000.
    followup("F1", "M1", "2025-02-10", "reduced"),
    # A second follow-up finding the same price change counts it only once.
    followup("F1b", "M1", "2025-02-20", "reduced"),
    # M2 reduced 1 Apr; 1 Apr + 90 days = 30 Jun (29 + 31 + 30): the row of 30 Jun counts.
    # Before = 600,000 (the 2024 price row), after 450,000 → 150,000.
    followup("F2", "M2", "2025-04-01", "reduced"),
    # M3 reduced 1 Mar; 1 Mar + 90 days = 30 May, the row of 31 May is day 91 → no saving.
    followup("F3", "M3", "2025-03-01", "reduced"),
    # M4 ended 1 May, the measure ends 15 May (day 14): 200,000 → 0 = 200,000.
    followup("F4", "M4", "2025-05-01", "ended"),
    # M5 unchanged: the price change of 1 Apr is no saving from follow-up.
    followup("F5", "M5", "2025-03-01", "unchanged"),
    # M6 reduced 15 Dec 2024, before the period.
    followup("F6", "M6", "2024-12-15", "reduced"),
    # M7 is a children's measure.
    followup("F7", "M7", "2025-02-01", "reduced"),
    # M8 'ended' but the measure runs on → no saving.
    followup("F8", "M8", "2025-06-01", "ended"),
    # M9 'reduced' yet the price rose 400,000 → 420,000: saving −20,000, kept.
    followup("F9", "M9", "2025-02-01", "reduced"),
    # Not done: no outcome in the period.
    followup("F10", "M6", None, "reduced"),
    # M10 'ended' 1 Apr and ends 15 Apr, but stepped up: the cost moved, not saved.
    followup("F11", "M10", "2025-04-01", "ended"),
]


def test_followup_savings(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=SAVINGS_MEASURES,
        measure_prices=SAVINGS_PRICES,
        followups=SAVINGS_FOLLOWUPS,
    )
    result = one(tables, "adults.followup_savings")
    # 73,000 + 150,000 + 200,000 − 20,000 = 403,000 kr. a year.
    assert result.value == pytest.approx(403_000)
    # § 107: M1 73,000; § 108: M2 150,000 + M9 −20,000 = 130,000; § 104: M4 200,000.
    assert result.breakdown == {
        "paragraph": {"§ 104": 200_000.0, "§ 107": 73_000.0, "§ 108": 130_000.0}
    }
    assert result.basis == 4  # P1, P2, P4, P7
    assert result.breakdown_basis == {"paragraph": {"§ 104": 1, "§ 107": 1, "§ 108": 2}}
    rows = {row["paragraph"]: row for row in result.table}
    # § 108: before 600,000 + 400,000 = 1,000,000; after 450,000 + 420,000 = 870,000.
    assert rows["§ 108"] == pytest.approx(
        {
            "paragraph": "§ 108",
            "measures": 2,
            "annual_cost_before": 1_000_000,
            "annual_cost_after": 870_000,
            "saving": 130_000,
        }
    )
    assert result.extra == {
        "measures": 4,
        "reduced_without_price_change": 1,  # F3
        "ended_without_ending": 1,  # F8
        "ended_cost_moved": 1,  # F11
    }


def test_followup_savings_unchanged_outcome_gives_nothing(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=SAVINGS_MEASURES,
        measure_prices=SAVINGS_PRICES,
        followups=[followup("F5", "M5", "2025-03-01", "unchanged")],
    )
    result = one(tables, "adults.followup_savings")
    assert result.value == 0
    assert result.basis == 0
    assert result.breakdown == {"paragraph": {}}


def test_followup_savings_needs_followups(tmp_path: Path) -> None:
    tables = build_tables(tmp_path, interventions=SAVINGS_MEASURES, measure_prices=SAVINGS_PRICES)
    result = one(tables, "adults.followup_savings")
    assert result.value is None
    assert "followups" in (result.reason or "")


def test_followup_savings_without_prices(tmp_path: Path) -> None:
    # Only 'ended' follow-ups: no price table is needed (M4: 200,000 → 0).
    ended_only = build_tables(
        tmp_path,
        interventions=SAVINGS_MEASURES,
        followups=[followup("F4", "M4", "2025-05-01", "ended")],
    )
    assert one(ended_only, "adults.followup_savings").value == pytest.approx(200_000)
    # A 'reduced' follow-up cannot be priced without measure_prices → null with the reason.
    reduced = build_tables(
        tmp_path,
        interventions=SAVINGS_MEASURES,
        followups=[followup("F1", "M1", "2025-02-10", "reduced")],
    )
    result = one(reduced, "adults.followup_savings")
    assert result.value is None
    assert "measure_prices" in (result.reason or "")


# ---- adults.baseline_effect ------------------------------------------------------------------
BASELINE_MEASURES = [
    # Original citizens (active on 1 Jan 2022):
    # P1: § 108 600,000 until 31 May 2023, then § 85 150,000 → then 600,000, now 150,000.
    measure("1a", "P1", "long_term_housing", "2020-01-01", "2023-05-31", 600_000),
    measure("1b", "P1", "support_own_home", "2023-06-01", None, 150_000),
    # P2: § 107 400,000, repriced to 500,000 from 2024 → then 400,000, now 500,000.
    measure("2a", "P2", "temporary_housing", "2021-01-01", None, 400_000),
    # P3: § 85 100,000 ended 2024 (goal achieved) → then 100,000, now 0.
    measure("3a", "P3", "support_own_home", "2021-06-01", "2024-12-31", 100_000,
            end_reason="goal_achieved"),
    # P9: starts on the baseline day itself → original; 90,000 then and now.
    measure("9a", "P9", "day_activity", "2022-01-01", None, 90_000),
    # P12: moved away in 2022 but came back (active now) → original: 300,000 → 100,000.
    measure("12a", "P12", "long_term_housing", "2021-01-01", "2022-06-30", 300_000,
            end_reason="moved_away"),
    measure("12b", "P12", "support_own_home", "2024-01-01", None, 100_000),
    # Moved away (nothing active now) → left out: P4 (original), P11 (new).
    measure("4a", "P4", "long_term_housing", "2019-01-01", "2023-02-28", 700_000,
            end_reason="moved_away"),
    measure("11a", "P11", "shelter", "2022-05-01", "2022-08-01", 250_000,
            end_reason="moved_away"),
    # New citizens (started after 1 Jan 2022):
    # P5: § 107 300,000 from 1 Jan 2023 (first decision: only this measure), repriced to
    # 200,000 from 1 Jun 2024; § 104 50,000 from 1 Feb 2024 → now 250,000.
    measure("5a", "P5", "temporary_housing", "2023-01-01", None, 300_000),
    measure("5b", "P5", "day_activity", "2024-02-01", None, 50_000),
    # P6: § 85 from 2 Jan 2022, ends on the period end (active now) → 120,000 then and now.
    measure("6a", "P6", "support_own_home", "2022-01-02", "2025-06-30", 120_000),
    # P10: had § 107 until the day before the baseline, back with § 85 in 2023 → new.
    measure("10a", "P10", "temporary_housing", "2020-01-01", "2021-12-31", 500_000),
    measure("10b", "P10", "support_own_home", "2023-03-01", None, 60_000),
    # Not in either group: starts after the period end; a child.
    measure("7a", "P7", "support_own_home", "2025-07-01", None, 999_000),
    measure("8a", "C8", "foster_care", "2020-01-01", None, 999_000),
]  # fmt: skip
BASELINE_PRICES = [
    {"intervention_id": "2a", "valid_from": "2024-01-01", "annual_cost": 500_000},
    {"intervention_id": "5a", "valid_from": "2024-06-01", "annual_cost": 200_000},
]
BASELINE_REFERENCE = [
    {"key": "baseline_year", "year": "", "value": 2022},
    {"key": "expected_effects", "year": 2025, "value": 100_000},
    {"key": "expected_effects", "year": 2024, "value": 50_000},
]


def test_baseline_effect(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=BASELINE_MEASURES,
        measure_prices=BASELINE_PRICES,
        reference=BASELINE_REFERENCE,
    )
    result = one(tables, "adults.baseline_effect")
    original, new, total, moved = result.table
    # Original P1, P2, P3, P9, P12: then 600,000 + 400,000 + 100,000 + 90,000 + 300,000 =
    # 1,490,000; now 150,000 + 500,000 + 0 + 90,000 + 100,000 = 840,000; effect 650,000.
    assert original == pytest.approx(
        {
            "group": "original",
            "persons": 5,
            "annual_cost_then": 1_490_000,
            "annual_cost_now": 840_000,
            "effect": 650_000,
            "persons_left": 1,  # P3, whose whole 100,000 is saved
            "effect_left": 100_000,
            "expected_effect": None,
        }
    )
    # New P5, P6, P10: then 300,000 + 120,000 + 60,000 = 480,000; now 250,000 + 120,000 +
    # 60,000 = 430,000; effect 50,000.
    assert new == pytest.approx(
        {
            "group": "new",
            "persons": 3,
            "annual_cost_then": 480_000,
            "annual_cost_now": 430_000,
            "effect": 50_000,
            "persons_left": 0,  # P6 ends on the period end: still active "now"
            "effect_left": 0,
            "expected_effect": None,
        }
    )
    # Total 8 citizens, 650,000 + 50,000 = 700,000 against the expected 100,000 for 2025.
    assert total == pytest.approx(
        {
            "group": "total",
            "persons": 8,
            "annual_cost_then": 1_970_000,
            "annual_cost_now": 1_270_000,
            "effect": 700_000,
            "persons_left": 1,
            "effect_left": 100_000,
            "expected_effect": 100_000,
        }
    )
    # Moved away: P4 700,000 + P11 250,000 = 950,000, left out of the effect.
    assert moved == pytest.approx(
        {
            "group": "moved_away",
            "persons": 2,
            "annual_cost_then": 950_000,
            "annual_cost_now": 0,
            "effect": None,
            "persons_left": 2,
            "effect_left": None,
            "expected_effect": None,
        }
    )
    assert result.value == pytest.approx(700_000)
    assert result.basis == 8
    assert result.extra["baseline_date"] == date(2022, 1, 1)
    assert result.extra["difference_from_expected"] == pytest.approx(600_000)


def test_baseline_effect_missing_inputs(tmp_path: Path) -> None:
    no_reference = build_tables(tmp_path, interventions=BASELINE_MEASURES)
    result = one(no_reference, "adults.baseline_effect")
    assert result.value is None and "baseline_year" in (result.reason or "")
    # Baseline year but no expected effect for the period's year: value, expected None.
    only_year = build_tables(
        tmp_path,
        interventions=BASELINE_MEASURES,
        measure_prices=BASELINE_PRICES,
        reference=[{"key": "baseline_year", "year": "", "value": 2022}],
    )
    result = one(only_year, "adults.baseline_effect")
    assert result.value == pytest.approx(700_000)
    assert result.table[2]["expected_effect"] is None
    assert "Ingen forventet effekt" in (result.note or "")
    # A period ending before the baseline date has no effect to measure.
    result = one(only_year, "adults.baseline_effect", "2021-H2")
    assert result.value is None and "not before the period end" in (result.reason or "")


# ---- properties ------------------------------------------------------------------------------
def direct_tables(
    interventions: pd.DataFrame,
    measure_prices: pd.DataFrame | None = None,
    followups: pd.DataFrame | None = None,
) -> Tables:
    """A Tables bundle without files (typed frames; only what these indicators read)."""
    empty_ledger = pd.DataFrame(
        {
            "posting_date": pd.to_datetime([]),
            "account": pd.Series([], dtype=str),
            "amount": pd.Series([], dtype=float),
        }
    )
    return Tables(
        municipality=Municipality("Testby", "999", extract_date=date(2026, 6, 30)),
        population=pd.DataFrame({"year": [2025], "age": [30], "persons": [1]}),
        interventions=interventions,
        ledger=empty_ledger,
        budget_lines=pd.DataFrame(STANDARD_LINES),
        budget=pd.DataFrame(
            {"year": [2025], "budget_line": ["Botilbud"], "original_budget": [0.0]}
        ),
        measure_prices=measure_prices,
        followups=followups,
    )


def frame_of(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in ("start_date", "end_date"):
        frame[col] = pd.to_datetime(frame[col].replace("", None)).astype("datetime64[ns]")
    frame["annual_cost"] = frame["annual_cost"].astype(float)
    return frame


ORIGIN = date(2024, 1, 1)
HOME_TYPES = [
    "support_own_home",
    "temporary_housing",
    "long_term_housing",
    "shelter",
    "day_activity",
]
day_offsets = st.integers(min_value=0, max_value=1000)


@st.composite
def adult_measures(draw: st.DrawFn) -> pd.DataFrame:
    rows = []
    for i in range(draw(st.integers(min_value=1, max_value=15))):
        start = draw(day_offsets)
        length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=600)))
        rows.append(
            measure(
                f"M{i}",
                f"P{draw(st.integers(min_value=0, max_value=5))}",
                draw(st.sampled_from(HOME_TYPES)),
                str(ORIGIN + pd.Timedelta(days=start)),
                None if length is None else str(ORIGIN + pd.Timedelta(days=start + length)),
                1_000,
            )
        )
    return frame_of(rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(adult_measures())
def test_own_home_share_is_a_share(interventions: pd.DataFrame) -> None:
    result = one(direct_tables(interventions), "adults.own_home_share")
    if result.value is None:
        assert result.reason
    else:
        assert 0.0 <= result.value <= 1.0
        assert result.basis > 0


@st.composite
def falling_prices(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Measures whose every price change is a decrease, with 'reduced' follow-ups."""
    measures, prices, followups = [], [], []
    for i in range(draw(st.integers(min_value=1, max_value=6))):
        start = draw(st.integers(min_value=0, max_value=500))
        cost = float(draw(st.integers(min_value=0, max_value=2_000_000)))
        measures.append(
            measure(f"M{i}", f"P{i % 3}", draw(st.sampled_from(HOME_TYPES)),
                    str(ORIGIN + pd.Timedelta(days=start)), None, cost)
        )  # fmt: skip
        day = start
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            day += draw(st.integers(min_value=1, max_value=200))
            cost = float(np.floor(cost * draw(st.floats(min_value=0, max_value=1))))
            prices.append(
                {
                    "intervention_id": f"M{i}",
                    "valid_from": ORIGIN + pd.Timedelta(days=day),
                    "annual_cost": cost,
                }
            )
        for j in range(draw(st.integers(min_value=0, max_value=3))):
            done = ORIGIN + pd.Timedelta(days=draw(st.integers(min_value=start, max_value=1100)))
            followups.append(
                {
                    "followup_id": f"F{i}-{j}",
                    "intervention_id": f"M{i}",
                    "due_on": done,
                    "done_on": done,
                    "outcome": "reduced",
                }
            )
    price_frame = pd.DataFrame(prices, columns=["intervention_id", "valid_from", "annual_cost"])
    price_frame["valid_from"] = pd.to_datetime(price_frame["valid_from"]).astype("datetime64[ns]")
    price_frame = price_frame.drop_duplicates(["intervention_id", "valid_from"])
    followup_frame = pd.DataFrame(
        followups, columns=["followup_id", "intervention_id", "due_on", "done_on", "outcome"]
    )
    for col in ("due_on", "done_on"):
        followup_frame[col] = pd.to_datetime(followup_frame[col]).astype("datetime64[ns]")
    return frame_of(measures), price_frame, followup_frame


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(falling_prices(), st.sampled_from(["2024-H2", "2025-H1", "2025"]))
def test_reduced_followups_with_falling_prices_save(
    data: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame], period: str
) -> None:
    interventions, prices, followups = data
    result = one(direct_tables(interventions, prices, followups), "adults.followup_savings", period)
    assert result.value is not None and result.value >= 0
    assert all(v >= 0 for v in result.breakdown["paragraph"].values())
