"""FP3 on a hand-built budget year 2024 (the closed year of periods 2024 and 2025-H1).

| line         | area      | original  | suppl.  | corrected | actual    | actual − corrected |
|--------------|-----------|-----------|---------|-----------|-----------|--------------------|
| Forebyggende | children  | 1,000,000 | 0       | 1,000,000 | 1,100,000 | +100,000           |
| Familiepleje | children  | 2,000,000 | 200,000 | 2,200,000 | 2,000,000 | −200,000           |
| Institution  | children  | 3,000,000 | 0       | 3,000,000 | 3,300,000 | +300,000           |
| Botilbud     | adults    | 5,000,000 | 0       | 5,000,000 | 4,500,000 | −500,000           |
| Støtte       | adults    | 1,000,000 | 0       | 1,000,000 | 1,000,000 | 0                  |
| Beskæftigelse| employment| 9,000,000 | 0       | (not in the social area: left out)             |

Totals: original 12.0 m, corrected 12.2 m, actual 11.9 m.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from noegletal.data.tables import Tables
from noegletal.indicators import compute, indicator_ids
from tests.builders import build_tables, measure

BUDGET = [
    ("Forebyggende", 1_000_000, 0, 1_100_000, "5.28.21"),
    ("Familiepleje", 2_000_000, 200_000, 2_000_000, "5.28.20"),
    ("Institution", 3_000_000, 0, 3_300_000, "5.28.23"),
    ("Botilbud", 5_000_000, 0, 4_500_000, "5.38.50"),
    ("Støtte", 1_000_000, 0, 1_000_000, "5.38.39"),
    ("Beskæftigelse", 9_000_000, 0, 1, "5.57.73"),
]


def _ledger() -> list[dict]:
    rows = []
    for _, _, _, actual, account in BUDGET:
        # Each actual split over two postings in 2024; a 2023 and a 2025 posting are outside.
        rows.append({"posting_date": "2024-03-31", "account": account, "amount": actual / 4})
        rows.append({"posting_date": "2024-12-31", "account": account, "amount": actual * 3 / 4})
        rows.append({"posting_date": "2023-12-31", "account": account, "amount": 777})
    rows.append({"posting_date": "2025-01-31", "account": "5.28.21", "amount": 555})
    return rows


@pytest.fixture(scope="module")
def budget_year(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    return build_tables(
        tmp_path_factory.mktemp("fp3"),
        interventions=[measure("K1", "A", "preventive", "2024-01-01")],
        ledger=_ledger(),
        budget=[
            {"year": 2024, "budget_line": line, "original_budget": original,
             "supplementary_appropriations": supplementary}
            for line, original, supplementary, _, _ in BUDGET
        ],
    )  # fmt: skip


@pytest.mark.parametrize("period", ["2024", "2025-H1", "2025-Q1"])
def test_closed_year_is_2024(budget_year: Tables, period: str) -> None:
    r = {x.id: x for x in compute(budget_year, period, ids=indicator_ids("fp3"))}
    assert r["fp3.deviation_by_line"].value == pytest.approx(-300_000)
    assert "2024" in r["fp3.deviation_by_line"].note


def test_budget_adherence(budget_year: Tables) -> None:
    r = compute(budget_year, "2024", ids=["fp3.budget_adherence"])[0]
    # (11.9 m − 12.0 m) / 12.0 m
    assert r.value == pytest.approx(-0.1 / 12)
    assert r.breakdown["budget_line"] == pytest.approx(
        {
            "Botilbud": -0.1,
            "Familiepleje": 0.0,
            "Forebyggende": 0.1,
            "Institution": 0.1,
            "Støtte": 0.0,
        }
    )
    # children (6.4 − 6.0)/6.0; adults (5.5 − 6.0)/6.0
    assert r.breakdown["area"] == pytest.approx({"children": 0.4 / 6, "adults": -0.5 / 6})


def test_budget_precision(budget_year: Tables) -> None:
    r = compute(budget_year, "2024", ids=["fp3.budget_precision"])[0]
    # |11.9 − 12.2| / 12.2
    assert r.value == pytest.approx(0.3 / 12.2)
    assert r.breakdown["budget_line"]["Familiepleje"] == pytest.approx(0.2 / 2.2)
    # children |6.4 − 6.2| / 6.2; adults |5.5 − 6.0| / 6.0
    assert r.breakdown["area"] == pytest.approx({"children": 0.2 / 6.2, "adults": 0.5 / 6})


def test_supplementary_and_deviation(budget_year: Tables) -> None:
    r = {x.id: x for x in compute(budget_year, "2024", ids=indicator_ids("fp3"))}
    supp = r["fp3.supplementary_appropriations"]
    assert supp.value == 200_000 and supp.breakdown["area"] == {
        "adults": 0.0,
        "children": 200_000.0,
    }
    dev = r["fp3.deviation_by_line"]
    assert dev.breakdown["budget_line"] == pytest.approx(
        {"Botilbud": -500_000, "Familiepleje": -200_000, "Forebyggende": 100_000,
         "Institution": 300_000, "Støtte": 0}
    )  # fmt: skip
    assert dev.breakdown["area"] == pytest.approx({"adults": -500_000, "children": 200_000})


def test_offset_within_frame(budget_year: Tables) -> None:
    r = compute(budget_year, "2024", ids=["fp3.offset_within_frame_share"])[0]
    # children: overspend 100k + 300k = 400k, underspend 200k → 0.5; adults: no overspend.
    assert r.breakdown == {"area": {"children": 0.5}}
    # total absorbed min(200k, 400k) + min(500k, 0) = 200k of 400k.
    assert r.value == pytest.approx(0.5)


def test_offset_is_capped_at_one(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=[measure("K1", "A", "preventive", "2024-01-01")],
        ledger=[
            {"posting_date": "2024-12-31", "account": "5.28.21", "amount": 110},
            {"posting_date": "2024-12-31", "account": "5.28.20", "amount": 0},
        ],
        budget=[
            {"year": 2024, "budget_line": "Forebyggende", "original_budget": 100},
            {"year": 2024, "budget_line": "Familiepleje", "original_budget": 1000},
        ],
    )
    # Overspend 10, underspend 1000 → min(1000/10, 1) = 1.
    assert compute(tables, "2024", ids=["fp3.offset_within_frame_share"])[0].value == 1.0


def test_year_not_covered_by_ledger_is_null(budget_year: Tables) -> None:
    r = compute(budget_year, "2025", ids=["fp3.budget_adherence"])[0]
    assert r.value is None and "2025" in r.reason
