"""FP4 volume/price decomposition on a hand-built year 2024 (leap year, 366 days).

Familiepleje (Qb = 2, Pb = 400,000; spend 800,000):
  M1 foster 2024-01-01–open: 366 days; M2 foster 07-01–12-31: 184; M3 kinship until 03-31: 91
  Qa = 641/366; Pa = 800,000 × 366/641.
  volume = (641/366 − 2) × 400,000 = −91 × 400,000/366 = −99,453.5519… → −99,453.55
  price  = (800,000×366/641 − 400,000) × 2 = 113,572.5429… → 113,572.54
  total  = 800,000 − 800,000 = 0 → interaction = 0 + 99,453.55 − 113,572.54 = −14,118.99
Forebyggende (Qb = 1, Pb = 100,000; spend 60,000):
  M4 preventive 01-01–06-30: 182 days → Qa = 182/366; Pa = 60,000 × 366/182
  volume = (182/366 − 1) × 100,000 = −50,273.2240… → −50,273.22
  price  = 60,000 × 366/182 − 100,000 = 20,659.3407… → 20,659.34
  total  = 60,000 − 100,000 = −40,000 → interaction = −40,000 + 50,273.22 − 20,659.34 = −10,386.12
Botilbud (Qb = 1, Pb = 1,000,000): no activity → in the volumes, not in the effects.
Institution has no Qb/Pb → left out.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noegletal.data.tables import Tables
from noegletal.indicators import compute, indicator_ids
from noegletal.indicators.assumptions import decompose
from tests.builders import build_tables, measure


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    return build_tables(
        tmp_path_factory.mktemp("fp4"),
        interventions=[
            measure("M1", "A", "foster_care", "2024-01-01"),
            measure("M2", "B", "foster_care", "2024-07-01", "2024-12-31"),
            measure("M3", "C", "kinship_foster_care", "2023-01-01", "2024-03-31"),
            measure("M4", "D", "preventive", "2024-01-01", "2024-06-30"),
            measure("M5", "E", "residential", "2024-01-01"),
        ],
        ledger=[
            {"posting_date": "2024-05-31", "account": "5.28.20", "amount": 800_000},
            {"posting_date": "2024-03-31", "account": "5.28.21", "amount": 60_000},
            {"posting_date": "2024-03-31", "account": "5.28.23", "amount": 1_500_000},
        ],
        budget=[
            {"year": 2024, "budget_line": "Familiepleje", "original_budget": 800_000,
             "budget_full_year_persons": 2, "budget_avg_cost": 400_000},
            {"year": 2024, "budget_line": "Forebyggende", "original_budget": 100_000,
             "budget_full_year_persons": 1, "budget_avg_cost": 100_000},
            {"year": 2024, "budget_line": "Botilbud", "original_budget": 1_000_000,
             "budget_full_year_persons": 1, "budget_avg_cost": 1_000_000},
            {"year": 2024, "budget_line": "Institution", "original_budget": 1_500_000},
        ],
    )  # fmt: skip


@pytest.fixture(scope="module")
def results(year: Tables) -> dict:
    return {r.id: r for r in compute(year, "2024", ids=indicator_ids("fp4"))}


def test_volumes(results) -> None:
    qa = results["fp4.volume_actual"]
    assert qa.breakdown["budget_line"] == pytest.approx(
        {"Botilbud": 0.0, "Familiepleje": 641 / 366, "Forebyggende": 182 / 366}
    )
    assert qa.value == pytest.approx(823 / 366)
    assert results["fp4.volume_budget"].value == 4
    assert "Institution" not in qa.breakdown["budget_line"]


def test_average_costs(results) -> None:
    pa = results["fp4.avg_cost_actual"]
    assert pa.breakdown["budget_line"]["Familiepleje"] == pytest.approx(800_000 * 366 / 641)
    assert pa.breakdown["budget_line"]["Botilbud"] is None  # no activity: no average
    # Weighted: (800,000 + 60,000) / (823/366)
    assert pa.value == pytest.approx(860_000 * 366 / 823)
    # (2×400,000 + 1×100,000 + 1×1,000,000) / 4
    assert results["fp4.avg_cost_budget"].value == pytest.approx(475_000)


def test_effects_per_line_to_the_ore(results) -> None:
    lines = {
        k: results[f"fp4.{k}_effect"].breakdown["budget_line"]
        for k in ("volume", "price", "interaction")
    }
    assert lines["volume"] == {"Familiepleje": -99_453.55, "Forebyggende": -50_273.22}
    assert lines["price"] == {"Familiepleje": 113_572.54, "Forebyggende": 20_659.34}
    assert lines["interaction"] == {"Familiepleje": -14_118.99, "Forebyggende": -10_386.12}


def test_effects_sum_exactly_to_the_deviation(results) -> None:
    parts = [results[f"fp4.{k}_effect"].extra["exact"] for k in ("volume", "price", "interaction")]
    # Qa·Pa − Qb·Pb = (800,000 − 800,000) + (60,000 − 100,000) = −40,000 exactly.
    assert sum(parts) == Decimal("-40000.00")
    assert results["fp4.volume_effect"].value == pytest.approx(-149_726.77)


def test_part_year_is_annualised(year: Tables) -> None:
    # 2024-H1: 182 days. M4 is active all 182 → Qa(Forebyggende) = 1.0; spend 60,000 in H1
    # × 366/182 → Pa = 120,659.34…
    r = {x.id: x for x in compute(year, "2024-H1", ids=indicator_ids("fp4"))}
    assert r["fp4.volume_actual"].breakdown["budget_line"]["Forebyggende"] == pytest.approx(1.0)
    assert r["fp4.avg_cost_actual"].breakdown["budget_line"]["Forebyggende"] == pytest.approx(
        60_000 * 366 / 182
    )
    assert "opregnet til helår" in r["fp4.volume_actual"].note


def test_no_assumptions_for_year_gives_null(year: Tables) -> None:
    r = compute(year, "2023", ids=["fp4.volume_effect"])[0]
    assert r.value is None and "2023" in r.reason


amounts = st.floats(min_value=0, max_value=5e7, allow_nan=False, allow_infinity=False)
volumes = st.floats(min_value=0, max_value=5e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(qa=volumes, pa=amounts, qb=volumes, pb=amounts)
def test_decomposition_sums_exactly(qa: float, pa: float, qb: float, pb: float) -> None:
    d = decompose(qa, pa, qb, pb)
    assert d.volume + d.price + d.interaction == d.total
    exact_total = Fraction(qa) * Fraction(pa) - Fraction(qb) * Fraction(pb)
    assert abs(Fraction(str(d.total)) - exact_total) <= Fraction(1, 200)
    exact_interaction = (Fraction(qa) - Fraction(qb)) * (Fraction(pa) - Fraction(pb))
    # Two roundings to the øre: the remainder is within 1.5 øre of the exact interaction.
    assert abs(Fraction(str(d.interaction)) - exact_interaction) <= Fraction(3, 200)
