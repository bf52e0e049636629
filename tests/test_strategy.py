"""FP1 on a hand-built staircase. Period 2024-H1: 1 Jan–30 Jun 2024, 182 days (leap year).

Children (annual cost → cost per day in 2024 = annual / 366):

| id | person | step | active              | days in H1          | kr./day |
|----|--------|------|---------------------|---------------------|---------|
| C1 | A      | 2    | 2023-06-01 – open   | 182                 | 200     |
| C2 | A      | 5    | 2024-03-01 – open   | 31+30+31+30 = 122   | 1,000   |
| C3 | B      | 6    | 2023-01-01 – 04-30  | 31+29+31+30 = 121   | 3,000   |
| C4 | B      | 4    | 2024-05-01 – open   | 31+30 = 61          | 500     |
| C5 | C      | 3    | 2024-01-01 – 06-30  | 182                 | 400     |
| C6 | D      | 1    | 2023-10-01 – 02-15  | 31+15 = 46          | 100     |
| C7 | E      | 7    | 2024-06-30 – open   | 1                   | 4,000   |
| C8 | F      | 2    | 2024-07-01 – open   | 0 (after)           |         |
| C9 | G      | 5    | 2022-01-01 – 2023-12-31 | 0 (before)      |         |

Population 1 Jan 2024: ages 0–22 sum to 200+300+100+250+150 = 1,000 (age 23: 5,000 and
age 40: 10,000 are outside).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from noegletal.data.tables import Tables
from noegletal.indicators import compute, indicator_ids
from noegletal.indicators.registry import Result
from tests.builders import build_tables, measure, population


@pytest.fixture(scope="module")
def staircase(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    tmp = tmp_path_factory.mktemp("fp1")
    return build_tables(
        tmp,
        interventions=[
            measure("C1", "A", "preventive", "2023-06-01", None, 73_200),
            measure("C2", "A", "foster_care", "2024-03-01", None, 366_000),
            measure("C3", "B", "residential", "2023-01-01", "2024-04-30", 1_098_000),
            measure("C4", "B", "kinship_foster_care", "2024-05-01", None, 183_000),
            measure("C5", "C", "home_based_intensive", "2024-01-01", "2024-06-30", 146_400),
            measure("C6", "D", "early_support", "2023-10-01", "2024-02-15", 36_600),
            measure("C7", "E", "secure_residential", "2024-06-30", None, 1_464_000),
            measure("C8", "F", "preventive", "2024-07-01", None, 50_000),
            measure("C9", "G", "foster_care", "2022-01-01", "2023-12-31", 400_000),
            measure("V1", "X", "long_term_housing", "2020-01-01", None, 1_000_000),
        ],
        population_rows=population(
            2024, {0: 200, 10: 300, 17: 100, 20: 250, 22: 150, 23: 5000, 40: 10_000}
        ),
        ledger=[
            {"posting_date": "2024-01-31", "account": "5.28.21", "amount": 50_000},
            {"posting_date": "2024-06-30", "account": "5.28.21.002", "amount": 20_000},
            {"posting_date": "2024-03-31", "account": "5.28.20", "amount": 100_000},
            {"posting_date": "2024-04-30", "account": "5.28.23", "amount": -10_000},
            {"posting_date": "2024-07-31", "account": "5.28.20", "amount": 999_999},
            {"posting_date": "2023-12-31", "account": "5.28.20", "amount": 888_888},
            {"posting_date": "2024-02-29", "account": "5.38.50", "amount": 500_000},
        ],
        reference=[{"key": "expenditure_need_per_0_22", "year": 2024, "value": 9_899}],
    )


@pytest.fixture(scope="module")
def results(staircase: Tables) -> dict[str, Result]:
    return {r.id: r for r in compute(staircase, "2024-H1", ids=indicator_ids("fp1"))}


def test_staircase_persons_counts_each_child_once_at_highest_step(results) -> None:
    # On 30 June: A has steps 2 and 5 → 5; B step 4; C step 3 (ends that day); E step 7.
    r = results["fp1.staircase_persons"]
    assert r.value == 4
    assert r.breakdown == {"step": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1, "6": 0, "7": 1}}


def test_staircase_full_year_persons(results) -> None:
    r = results["fp1.staircase_full_year_persons"]
    expected = {"1": 46, "2": 182, "3": 182, "4": 61, "5": 122, "6": 121, "7": 1}
    assert r.breakdown["step"] == pytest.approx({k: v / 182 for k, v in expected.items()})
    assert r.value == pytest.approx(715 / 182)  # 46+182+182+61+122+121+1 = 715


def test_staircase_share(results) -> None:
    r = results["fp1.staircase_share"]
    assert r.breakdown["step"]["2"] == pytest.approx(182 / 715)
    assert r.breakdown["step"]["7"] == pytest.approx(1 / 715)
    assert r.value == pytest.approx(1.0)
    assert r.basis == 5  # children A, B, C, D, E were active in H1
    assert r.distribution


def test_rates_per_1000_0_22(results) -> None:
    # Placed on 30 June: A (C2), B (C4), E (C7) = 3 of 1,000 inhabitants aged 0–22.
    assert results["fp1.placed_per_1000_0_22"].value == pytest.approx(3.0)
    # Any children's measure: A, B, C, E = 4.
    assert results["fp1.supported_per_1000_0_22"].value == pytest.approx(4.0)
    # Preventive (steps 1–3) whether or not also placed: A (C1) and C (C5) = 2.
    assert results["fp1.preventive_per_1000_0_22"].value == pytest.approx(2.0)
    assert results["fp1.placed_per_1000_0_22"].basis == 3


def test_placement_shares(results) -> None:
    # Placed by highest step: A 5, B 4, E 7 → family care (4–5) 2/3, kinship (4) 1/3.
    assert results["fp1.family_placement_share"].value == pytest.approx(2 / 3)
    assert results["fp1.kinship_share"].value == pytest.approx(1 / 3)


def test_preventive_to_placement_ratio(results) -> None:
    # Steps 1–3: (46+182+182)/182; steps 4–7: (61+122+121+1)/182 → 410/305.
    assert results["fp1.preventive_to_placement_ratio"].value == pytest.approx(410 / 305)


def test_preventive_spend_share(results) -> None:
    # 2024 costs per day = annual/366: C1 182×200 + C5 182×400 + C6 46×100 = 113,800;
    # placements C2 122×1000 + C3 121×3000 + C4 61×500 + C7 1×4000 = 519,500.
    assert results["fp1.preventive_spend_share"].value == pytest.approx(113_800 / 633_300)


def test_spend_per_0_22_annualised(results) -> None:
    # Children's ledger 1 Jan–30 Jun 2024: 50,000 + 20,000 + 100,000 − 10,000 = 160,000
    # (July, 2023 and the adults' booking are outside); × 366/182 per 1,000 inhabitants.
    r = results["fp1.spend_per_0_22"]
    assert r.value == pytest.approx(160_000 * 366 / 182 / 1000)
    assert r.breakdown["budget_line"]["Institution"] == pytest.approx(-10_000 * 366 / 182 / 1000)
    assert results["fp1.spend_vs_need"].value == pytest.approx(160_000 * 366 / 182 / 1000 / 9_899)


def test_step_movement(results) -> None:
    # Active on 1 Jan: A (2), B (6), C (3), D (1). On 30 June: A 5 (higher), B 4 (lower),
    # C 3 (same), D none. E starts on 30 June and is not in the base.
    r = results["fp1.step_movement"]
    assert r.breakdown == {"movement": {"lower": 0.25, "same": 0.25, "higher": 0.25, "none": 0.25}}
    assert r.basis == 4
    assert r.breakdown_basis == {"movement": {"lower": 1, "same": 1, "higher": 1, "none": 1}}


def test_missing_population_year_gives_null_with_reason(staircase: Tables) -> None:
    r = {x.id: x for x in compute(staircase, "2025-H1", ids=indicator_ids("fp1"))}[
        "fp1.placed_per_1000_0_22"
    ]
    assert r.value is None and "population has no rows for 2025" in r.reason


def test_spend_vs_need_without_reference_year(staircase: Tables) -> None:
    r = compute(staircase, "2023", ids=["fp1.spend_vs_need"])[0]
    assert r.value is None


def test_empty_placement_group_is_null_not_zero(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[measure("C1", "A", "preventive", "2024-01-01", None, 1000)],
        population_rows=population(2024, {5: 100}),
    )
    r = {x.id: x for x in compute(tables, "2024", ids=indicator_ids("fp1"))}
    assert r["fp1.family_placement_share"].value is None
    assert "zero" in r["fp1.family_placement_share"].reason
    assert r["fp1.preventive_to_placement_ratio"].value is None
    assert r["fp1.placed_per_1000_0_22"].value == 0.0
