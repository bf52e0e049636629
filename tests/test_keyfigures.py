"""FP6 on hand-built measures. Period 2025-H1 (181 days; 2025 costs per day = annual/365);
last year 2024-H1 (182 days; 2024 is a leap year, cost per day = annual/366).

| id | person | type              | active                 | annual    | birth   |
|----|--------|-------------------|------------------------|-----------|---------|
| A1 | P1     | foster_care       | 2024-01-01 – open      | 365,000   | 2014-01 |
| A2 | P2     | foster_care       | 2025-03-01 – open      | 365,000   | 2008-06 |
| A3 | P3     | foster_care       | 2024-02-01 – 2025-01-31 stepped_down | 730,000 | 2003-05 |
| A4 | P4     | long_term_housing | 2020-01-01 – open      | 1,500,000 | 1960-06 |
| A5 | P5     | support_own_home  | 2025-06-30 – open      | 73,000    | 2007-07 |
| A6 | P1     | preventive        | 2025-01-01 – 2025-06-30 goal_achieved | 36,500 | 2014-01 |
| A7 | P6     | residential       | 2024-01-01 – 2025-04-30 stepped_up | 1,200,000 | 2010-01 |
"""

from __future__ import annotations

import pytest

from noegletal.data.tables import Tables
from noegletal.indicators import compute, indicator_ids
from tests.builders import build_tables, measure


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    tables: Tables = build_tables(
        tmp_path_factory.mktemp("fp6"),
        interventions=[
            measure("A1", "P1", "foster_care", "2024-01-01", None, 365_000, birth_date="2014-01"),
            measure("A2", "P2", "foster_care", "2025-03-01", None, 365_000, birth_date="2008-06"),
            measure("A3", "P3", "foster_care", "2024-02-01", "2025-01-31", 730_000,
                    birth_date="2003-05", end_reason="stepped_down"),
            measure("A4", "P4", "long_term_housing", "2020-01-01", None, 1_500_000,
                    birth_date="1960-06"),
            measure("A5", "P5", "support_own_home", "2025-06-30", None, 73_000,
                    birth_date="2007-07"),
            measure("A6", "P1", "preventive", "2025-01-01", "2025-06-30", 36_500,
                    birth_date="2014-01", end_reason="goal_achieved"),
            measure("A7", "P6", "residential", "2024-01-01", "2025-04-30", 1_200_000,
                    birth_date="2010-01", end_reason="stepped_up"),
        ],
    )  # fmt: skip
    return {r.id: r for r in compute(tables, "2025-H1", ids=indicator_ids("fp6"))}


def _row(result, measure_type: str) -> dict:
    return next(r for r in result.table if r["measure_type"] == measure_type)


def test_key_figures_foster_care(results) -> None:
    r = results["fp6.key_figures"]
    # Active on 30 June 2025: P1 (A1, A6), P2 (A2), P4 (A4), P5 (A5).
    assert r.value == 4
    row = _row(r, "foster_care")
    assert row["persons_end"] == 2  # P1, P2
    assert row["unique_persons"] == 3  # P1, P2, P3 (A3 active 1–31 Jan)
    # Days in H1: A1 181, A2 31+30+31+30 = 122, A3 31.
    assert row["full_year_persons"] == pytest.approx(334 / 181)
    # 181×1,000 + 122×1,000 + 31×2,000 = 365,000.
    assert row["commitment_cost"] == pytest.approx(365_000)
    assert row["avg_cost_per_fyp"] == pytest.approx(365_000 / (334 / 181))


def test_key_figures_change_against_last_year(results) -> None:
    row = _row(results["fp6.key_figures"], "foster_care")
    # 2024-H1: A1 182 days, A3 1 Feb–30 Jun = 29+31+30+31+30 = 151 days; both on 30 June.
    assert row["persons_end_last_year"] == 2
    assert row["unique_persons_last_year"] == 2
    assert row["commitment_cost_last_year"] == pytest.approx(
        182 * 365_000 / 366 + 151 * 730_000 / 366
    )
    assert row["persons_end_change"] == pytest.approx(0.0)
    assert row["unique_persons_change"] == pytest.approx(0.5)
    # Support in own home started in 2025: no last-year figure, no change.
    assert _row(results["fp6.key_figures"], "support_own_home")["persons_end_change"] is None


def test_flow(results) -> None:
    r = results["fp6.flow"]
    # Starts in H1: A2, A5, A6 (3); ends: A3, A6, A7 (3).
    assert (r.extra["starts"], r.extra["ends"], r.value) == (3, 3, 0)
    # Types with neither starts nor ends (long-term housing) are left out.
    assert r.breakdown["measure_type"] == {
        "foster_care": 0, "support_own_home": 1, "preventive": 0, "residential": -1,
    }  # fmt: skip


def test_age_bands(results) -> None:
    # 30 June 2025: P1 born 2014-01 → 11; P2 born 2008-06 → 17; P4 born 1960-06 → 65;
    # P5 born 2007-07 → 17 (birthday in July): an adult's measure under 18 → "other".
    r = results["fp6.age_bands"]
    assert r.value == 4
    assert r.breakdown["area"]["children"] == {
        "age_band": {"0-5": 0, "6-11": 1, "12-17": 1, "18-22": 0}
    }
    assert r.breakdown["area"]["adults"] == {
        "age_band": {"18-24": 0, "25-39": 0, "40-64": 0, "65+": 1, "other": 1}
    }


def test_cost_bands(results) -> None:
    # Ytd 1 Jan–30 Jun 2025 annualised × 365/181:
    # BL 46: P1 A1 181,000 → 365,000; P2 A2 122,000 → 246,022; P3 A3 62,000 → 125,028 (all
    # < 0.5 m); P6 A7 120 days × 1,200,000/365 = 394,521 → 795,580 (0.5–1 m).
    # SEL 108: P4 1,500,000 (1–2 m). SEL 85: P5 1 day → 403 (< 0.5 m). BL 32: P1 36,500.
    r = results["fp6.cost_bands"]
    assert r.value == 6
    bands = r.breakdown["paragraph"]
    assert bands["BL 46"]["cost_band"] == {"<0.5m": 3, "0.5-1m": 1, "1-2m": 0, "2-4m": 0, ">=4m": 0}
    assert bands["SEL 108"]["cost_band"]["1-2m"] == 1
    assert bands["SEL 85"]["cost_band"]["<0.5m"] == 1 and bands["BL 32"]["cost_band"]["<0.5m"] == 1


def test_progression(results) -> None:
    # Ended in H1: A3 stepped_down, A6 goal_achieved, A7 stepped_up → 2/3.
    r = results["fp6.progression"]
    assert r.value == pytest.approx(2 / 3)
    assert r.breakdown == {"area": {"children": pytest.approx(2 / 3)}}
    assert r.basis == 3


def test_no_change_against_a_year_before_the_data(tmp_path) -> None:
    # The ledger begins in January 2025: the same period of 2024 lies before the data, where
    # measures that had already ended are missing, so no change is computed.
    tables = build_tables(
        tmp_path,
        interventions=[measure("A1", "P1", "foster_care", "2024-01-01", None, 365_000)],
        ledger=[{"posting_date": "2025-01-31", "account": "5.28.20", "amount": 31_000}],
    )
    row = compute(tables, "2025-H1", ids=["fp6.key_figures"])[0].table[0]
    assert row["persons_end"] == 1
    assert row["persons_end_last_year"] is None and row["persons_end_change"] is None
