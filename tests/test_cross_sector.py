"""Cross-sector baselines (``xs.*``) on hand-built data; every expected value is counted out
by hand in the comments (dates of each window, amounts added up)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from noegletal.data.load import load_tables
from noegletal.data.tables import Tables
from noegletal.indicators import REGISTRY, Result, indicator_ids
from noegletal.indicators.context import Context
from noegletal.indicators.cross_sector import (
    baseline_window,
    complete_followup_years,
    followup_window,
)
from noegletal.indicators.registry import compute_one
from noegletal.periods import parse_period

MUNICIPALITY = 'name: Testby Kommune\ncode: "999"\n'


def write_data(
    target: Path,
    *,
    lines: list[tuple[str, str, str, str]],
    interventions: list[dict],
    ledger: list[tuple[str, str, float, str]],
    enrolments: list[dict] | None,
    family_members: list[tuple[str, str]] | None = None,
    outcomes: list[tuple[str, str, str]] | None = None,
    ledger_has_person_id: bool = True,
) -> Tables:
    """Write a data directory (``lines``: budget_line, area, sector, account; ``ledger``:
    posting_date, account, amount, person_id or "") and load it (validation included)."""
    target.mkdir()
    (target / "municipality.yml").write_text(MUNICIPALITY, encoding="utf-8")
    pd.DataFrame({"year": [2023], "age": [30], "persons": [1000]}).to_csv(
        target / "population.csv", index=False
    )
    pd.DataFrame(lines, columns=["budget_line", "area", "sector", "accounts"]).assign(
        measure_types=""
    ).to_csv(target / "budget_lines.csv", index=False)
    pd.DataFrame(
        {
            "year": [2023],
            "budget_line": [lines[0][0]],
            "original_budget": [0],
            "supplementary_appropriations": [0],
        }
    ).to_csv(target / "budget.csv", index=False)
    base = {
        "family_id": "",
        "birth_date": "1990-01",
        "area": "adults",
        "paragraph": "SEL 85",
        "measure_type": "support_own_home",
        "provider_type": "own",
        "start_date": "2020-01-01",
        "end_date": "",
        "annual_cost": 1000,
    }
    pd.DataFrame([{**base, **row} for row in interventions]).to_csv(
        target / "interventions.csv", index=False
    )
    frame = pd.DataFrame(ledger, columns=["posting_date", "account", "amount", "person_id"])
    if not ledger_has_person_id:
        frame = frame.drop(columns="person_id")
    frame.to_csv(target / "ledger.csv", index=False)
    if enrolments is not None:
        pd.DataFrame(enrolments).reindex(
            columns=[
                "enrolment_id",
                "solution",
                "person_id",
                "family_id",
                "enrolled_on",
                "ended_on",
            ]
        ).to_csv(target / "cross_sector_enrolments.csv", index=False)
    if family_members is not None:
        pd.DataFrame(family_members, columns=["family_id", "person_id"]).to_csv(
            target / "family_members.csv", index=False
        )
    if outcomes is not None:
        pd.DataFrame(outcomes, columns=["person_id", "date", "status"]).to_csv(
            target / "outcomes.csv", index=False
        )
    return load_tables(target, key=b"test-key")


def run(tables: Tables, indicator_id: str, period: str) -> Result:
    return compute_one(REGISTRY[indicator_id], Context(tables, parse_period(period)))


# ---- Albertslund, seed 003 slide 22 -----------------------------------------------------------
# The slide's five budget areas, each its own (free-text) sector of budget_lines.
ALBERTSLUND_LINES = [
    ("Sygedagpenge", "employment", "sygedagpenge", "5.58.80"),
    ("Anbringelser, familieafsnit", "children", "anbringelser", "5.28.20"),
    ("Kørsel, PPR", "other", "koersel", "3.22.07"),
    ("Specialundervisning, PPR", "other", "specialundervisning", "3.22.05"),
    ("Familiebehandling", "children", "familiebehandling", "5.28.21"),
]
SYG, ANBR, KOER, SPEC, FAMB = "5.58.80", "5.28.20", "3.22.07", "3.22.05", "5.28.21"


@pytest.fixture
def albertslund(tmp_path: Path) -> Tables:
    """Solution F2: family F1 (P1 carries F1 in interventions and is also listed in
    family_members; P2 is listed in family_members only) and person P3, both enrolled
    2023-01-01. Baseline window 2022-01-01..2022-12-31; year 1 2023-01-01..2023-12-31."""
    return write_data(
        tmp_path / "albertslund",
        lines=ALBERTSLUND_LINES,
        interventions=[
            {"intervention_id": "I1", "person_id": "P1", "family_id": "F1"},
            {"intervention_id": "I9", "person_id": "P9"},
        ],
        family_members=[("F1", "P1"), ("F1", "P2")],
        enrolments=[
            {
                "enrolment_id": "E1",
                "solution": "F2",
                "family_id": "F1",
                "enrolled_on": "2023-01-01",
            },
            {
                "enrolment_id": "E2",
                "solution": "F2",
                "person_id": "P3",
                "enrolled_on": "2023-01-01",
            },
        ],
        ledger=[
            # baseline (2022): sygedagpenge 3 + 2 = 5 m; anbringelser 4 m; kørsel 0;
            # specialundervisning 6 + 4 = 10 m; familiebehandling 2.5 m; total 21.5 m.
            ("2022-01-01", SYG, 3_000_000, "P2"),  # first day of the baseline window
            ("2022-05-31", SYG, 2_000_000, "P3"),
            ("2022-12-31", ANBR, 4_000_000, "P1"),  # last day of the baseline window
            ("2022-03-31", SPEC, 6_000_000, "P1"),
            ("2022-09-30", SPEC, 4_000_000, "P3"),
            ("2022-06-30", FAMB, 2_500_000, "P2"),
            # not counted:
            ("2021-12-31", ANBR, 999_999, "P1"),  # the day before the baseline window
            ("2022-06-01", SPEC, 7_777_777, ""),  # no person_id
            ("2022-06-01", SYG, 1_234_567, "P9"),  # P9 is not enrolled
            ("2022-06-01", "9.99.99", 555_555, "P1"),  # account of no budget line
            # year 1 (2023): sygedagpenge 5 + 3 = 8 m; anbringelser 3 m; kørsel 2 m;
            # specialundervisning 5 m; familiebehandling 2.1 − 0.1 = 2 m; total 20 m.
            ("2023-01-01", SYG, 5_000_000, "P2"),  # first day of year 1
            ("2023-06-30", SYG, 3_000_000, "P3"),
            ("2023-04-30", ANBR, 3_000_000, "P1"),
            ("2023-12-31", KOER, 2_000_000, "P1"),  # last day of year 1 = period end
            ("2023-08-31", SPEC, 5_000_000, "P1"),
            ("2023-02-28", FAMB, 2_100_000, "P2"),
            ("2023-10-31", FAMB, -100_000, "P2"),  # a refund
            ("2024-01-01", ANBR, 888_888, "P1"),  # after year 1 and after the period
        ],
    )


# Sectors in display order: none is a standard name, so alphabetical.
SECTORS = ["anbringelser", "familiebehandling", "koersel", "specialundervisning", "sygedagpenge"]
BASELINE_M = {"sygedagpenge": 5, "anbringelser": 4, "koersel": 0, "specialundervisning": 10}
BASELINE_M["familiebehandling"] = 2.5
FOLLOWUP_M = {"sygedagpenge": 8, "anbringelser": 3, "koersel": 2, "specialundervisning": 5}
FOLLOWUP_M["familiebehandling"] = 2
# Slide 22: +3 (sygedagpenge), −1 (anbringelser), +2 (kørsel), −5 (sp.uv.), −0.5 (fam.b.).
ADJUSTMENT_M = {"sygedagpenge": 3, "anbringelser": -1, "koersel": 2, "specialundervisning": -5}
ADJUSTMENT_M["familiebehandling"] = -0.5


def million(values: dict[str, float]) -> dict[str, float]:
    return {k: v * 1_000_000 for k, v in values.items()}


def test_albertslund_baseline(albertslund: Tables) -> None:
    result = run(albertslund, "xs.baseline", "2023")
    assert result.value == 21_500_000  # 5 + 4 + 0 + 10 + 2.5 m
    assert list(result.breakdown["sector"]) == SECTORS
    assert result.breakdown["sector"] == million(BASELINE_M)
    assert result.breakdown["solution"] == {"F2": {"sector": million(BASELINE_M)}}
    assert result.basis == 2  # two enrolled units (family F1, person P3)
    assert result.breakdown_basis["solution"]["F2"]["sector"]["koersel"] == 2
    # Per enrolled unit: 21.5 m / 2 units = 10.75 m; specialundervisning 10 m / 2 = 5 m.
    assert result.extra["per_unit"] == 10_750_000
    assert result.extra["per_unit_by_sector"]["specialundervisning"] == 5_000_000
    assert result.extra["persons"] == 3  # P1 once (family_members and interventions), P2, P3
    total_row = next(r for r in result.table if (r["solution"], r["sector"]) == ("F2", "total"))
    assert (total_row["units"], total_row["kr"], total_row["kr_per_unit"]) == (
        2,
        21_500_000,
        10_750_000,
    )


def test_albertslund_followup(albertslund: Tables) -> None:
    result = run(albertslund, "xs.followup", "2023")
    # Year 1 ends 2023-12-31 = the period end: complete, and it is the latest year.
    assert result.value == 20_000_000  # 8 + 3 + 2 + 5 + 2 m
    assert result.breakdown["sector"] == million(FOLLOWUP_M)
    assert result.breakdown["year"]["1"]["sector"] == million(FOLLOWUP_M)
    # ytd 2023 = 2023-01-01..2023-12-31 = year 1 here.
    assert result.breakdown["year"]["ytd"]["sector"] == million(FOLLOWUP_M)
    assert set(result.breakdown["year"]) == {"1", "ytd"}


@pytest.mark.parametrize("indicator_id", ["xs.change_by_sector", "xs.budget_reallocation"])
def test_albertslund_reallocation_reproduces_slide_22(albertslund: Tables, indicator_id) -> None:
    result = run(albertslund, indicator_id, "2023")
    assert result.breakdown["sector"] == million(ADJUSTMENT_M)
    assert result.breakdown["solution"]["F2"]["sector"] == million(ADJUSTMENT_M)
    # Net: 3 − 1 + 2 − 5 − 0.5 = −1.5 m (20 m − 21.5 m): a saving.
    assert result.value == -1_500_000
    assert result.extra["baseline"] == 21_500_000
    assert result.extra["followup"] == 20_000_000
    # The solution's common budget (F2) takes the counter-entry: −1.5 + 1.5 = 0 on the slide.
    assert result.extra["solution_budget_counter_entry"] == 1_500_000
    row = next(r for r in result.table if (r["solution"], r["sector"]) == ("total", "koersel"))
    assert (row["baseline_kr"], row["followup_kr"], row["change_kr"]) == (0, 2_000_000, 2_000_000)


# ---- edge cases ----------------------------------------------------------------------------------
STANDARD_LINES = [
    ("Børn", "children", "children", "5.28.20"),
    ("Voksne", "adults", "adults", "5.38.50"),
    ("Beskæftigelse", "employment", "employment", "5.58.80"),
    ("Andet", "other", "other", "3.22.05"),
]
CHI, ADU, EMP, OTH = "5.28.20", "5.38.50", "5.58.80", "3.22.05"
ENROLMENTS = [
    # A: a person enrolment. Baseline 2022-03-01..2023-02-28; year 1 2023-03-01..2024-02-29
    # (366 days, leap year); year 2 2024-03-01..2025-02-28.
    {"enrolment_id": "A", "solution": "Ung", "person_id": "P10", "enrolled_on": "2023-03-01"},
    # B: a family whose members (P20, P21) are in family_members only. Baseline
    # 2023-07-01..2024-06-30; year 1 ends 2025-06-30.
    {"enrolment_id": "B", "solution": "Familie", "family_id": "F2", "enrolled_on": "2024-07-01"},
    # C: enrolled the day after the end of 2024: not an enrolment of 2024.
    {"enrolment_id": "C", "solution": "Ung", "person_id": "P30", "enrolled_on": "2025-01-01"},
]
EDGE_LEDGER = [
    ("2022-02-28", EMP, 1_000, "P10"),  # A: day before the baseline window
    ("2022-03-01", EMP, 10_000, "P10"),  # A: baseline, first day
    ("2023-02-28", CHI, 20_000, "P10"),  # A: baseline, last day
    ("2023-03-01", CHI, 40_000, "P10"),  # A: year 1, first day
    ("2024-02-29", ADU, 7_000, "P10"),  # A: year 1, last day (leap day); ytd 2024
    ("2024-03-01", ADU, 100, "P10"),  # A: year 2 (not complete in 2024); ytd 2024
    ("2023-06-30", OTH, 50, "P20"),  # B: day before the baseline window
    ("2023-07-01", CHI, 300_000, "P20"),  # B: baseline, first day
    ("2024-06-30", EMP, 5_000, "P21"),  # B: baseline, last day
    ("2024-07-01", CHI, 200_000, "P20"),  # B: enrolment day: ytd 2024
    ("2024-06-01", ADU, 999, "P30"),  # C: not enrolled in 2024
    ("2024-05-01", CHI, 123_456, ""),  # no person_id: ignored
]
EDGE_INTERVENTIONS = [{"intervention_id": "I1", "person_id": "P10"}]
EDGE_OUTCOMES = [
    ("P10", "2024-01-01", "job"),  # first day of the 12 months to 2024-12-31
    ("P20", "2023-12-31", "education"),  # the day before
    ("P20", "2024-05-01", "benefit"),  # not job/education
    ("P21", "2024-12-31", "education"),  # the period end
    ("P30", "2024-06-01", "job"),  # P30 is not enrolled in 2024
]


@pytest.fixture
def edge(tmp_path: Path) -> Tables:
    return write_data(
        tmp_path / "edge",
        lines=STANDARD_LINES,
        interventions=EDGE_INTERVENTIONS,
        family_members=[("F2", "P20"), ("F2", "P21")],
        enrolments=ENROLMENTS,
        ledger=EDGE_LEDGER,
        outcomes=EDGE_OUTCOMES,
    )


def test_baseline_window_boundaries_and_family_members_only(edge: Tables) -> None:
    result = run(edge, "xs.baseline", "2024")
    # A: employment 10,000 + children 20,000; B: children 300,000 + employment 5,000.
    assert result.value == 335_000
    assert result.breakdown["sector"] == {
        "children": 320_000,
        "adults": 0,
        "employment": 15_000,
        "other": 0,
    }
    assert result.breakdown["solution"] == {
        "Familie": {"sector": {"children": 300_000, "adults": 0, "employment": 5_000, "other": 0}},
        "Ung": {"sector": {"children": 20_000, "adults": 0, "employment": 10_000, "other": 0}},
    }
    assert result.basis == 2  # A and B; C is enrolled after the period
    assert result.extra["persons"] == 3  # P10, P20, P21
    assert result.breakdown_basis["solution"]["Familie"]["sector"]["children"] == 1


def test_enrolled_the_day_after_the_period_end_is_left_out(edge: Tables) -> None:
    # 2024-H1 ends 2024-06-30; B is enrolled 2024-07-01: only A (30,000).
    assert run(edge, "xs.baseline", "2024-H1").value == 30_000


def test_followup_years_and_ytd(edge: Tables) -> None:
    result = run(edge, "xs.followup", "2024")
    # Only A has a complete year (year 1 ends 2024-02-29): children 40,000 + adults 7,000.
    assert result.value == 47_000
    assert result.basis == 1
    assert result.breakdown["year"]["1"]["sector"] == {
        "children": 40_000,
        "adults": 7_000,
        "employment": 0,
        "other": 0,
    }
    # ytd 2024: A 2024-01-01..2024-12-31: adults 7,000 + 100; B 2024-07-01..: children 200,000.
    assert result.breakdown["year"]["ytd"]["sector"] == {
        "children": 200_000,
        "adults": 7_100,
        "employment": 0,
        "other": 0,
    }
    assert result.breakdown_basis["year"]["ytd"]["sector"]["children"] == 2
    assert set(result.breakdown["year"]) == {"1", "ytd"}


def test_followup_year_complete_exactly_on_the_period_end(edge: Tables) -> None:
    # 2024-02 ends 2024-02-29 = last day of A's year 1: complete.
    assert run(edge, "xs.followup", "2024-02").value == 47_000
    # 2024-01 ends 2024-01-31: not complete yet.
    assert run(edge, "xs.followup", "2024-01").value is None


def test_change_only_enrolments_with_a_complete_year(edge: Tables) -> None:
    result = run(edge, "xs.change_by_sector", "2024")
    # A only: year 1 (children 40,000, adults 7,000) − baseline (children 20,000,
    # employment 10,000) = children +20,000, adults +7,000, employment −10,000; net +17,000.
    assert result.value == 17_000
    assert result.breakdown["sector"] == {
        "children": 20_000,
        "adults": 7_000,
        "employment": -10_000,
        "other": 0,
    }
    assert list(result.breakdown["solution"]) == ["Ung"]
    assert result.extra["enrolments_compared"] == 1
    assert result.extra["enrolments_without_full_year"] == 1  # B


def test_no_complete_followup_year_gives_null_with_reason(edge: Tables) -> None:
    # 2023-H2 ends 2023-12-31: A's year 1 ends 2024-02-29; B not yet enrolled.
    for indicator_id in ("xs.change_by_sector", "xs.budget_reallocation"):
        result = run(edge, indicator_id, "2023-H2")
        assert result.value is None
        assert "no enrolment has a full 12-month follow-up year" in result.reason
    result = run(edge, "xs.followup", "2023-H2")
    assert result.value is None and "full 12-month" in result.reason
    # ytd of A: 2023-03-01 (enrolment) .. 2023-12-31: children 40,000.
    assert result.breakdown["year"]["ytd"]["sector"]["children"] == 40_000


def test_outcome_job_education_share(edge: Tables) -> None:
    result = run(edge, "xs.outcome_job_education_share", "2024")
    # Enrolled persons P10, P20, P21; job/education 2024-01-01..2024-12-31: P10 and P21.
    assert result.value == pytest.approx(2 / 3)
    assert result.basis == 3
    assert result.breakdown == {"solution": {"Familie": 0.5, "Ung": 1.0}}
    assert result.breakdown_basis == {"solution": {"Familie": 2, "Ung": 1}}
    # 2024-H1: 2023-07-01..2024-06-30; only A (P10) is enrolled: job on 2024-01-01 → 1/1.
    assert run(edge, "xs.outcome_job_education_share", "2024-H1").value == 1.0


def test_no_enrolment_in_the_period(edge: Tables) -> None:
    result = run(edge, "xs.baseline", "2022")
    assert result.value is None and "no cross-sector enrolment on or before" in result.reason


XS_IDS = [
    "xs.baseline",
    "xs.followup",
    "xs.change_by_sector",
    "xs.budget_reallocation",
    "xs.outcome_job_education_share",
]


def test_all_ids_registered() -> None:
    assert [i for i in indicator_ids() if i.startswith("xs.")] == XS_IDS


def test_absent_enrolments_table_gives_null_with_reason(tmp_path: Path) -> None:
    tables = write_data(
        tmp_path / "none",
        lines=STANDARD_LINES,
        interventions=EDGE_INTERVENTIONS,
        ledger=EDGE_LEDGER,
        enrolments=None,
    )
    for indicator_id in XS_IDS:
        result = run(tables, indicator_id, "2024")
        assert result.value is None
        assert "cross_sector_enrolments" in result.reason


def test_family_enrolment_without_family_members_table(tmp_path: Path) -> None:
    tables = write_data(
        tmp_path / "nofam",
        lines=STANDARD_LINES,
        interventions=EDGE_INTERVENTIONS,
        ledger=EDGE_LEDGER,
        enrolments=ENROLMENTS,
    )
    result = run(tables, "xs.baseline", "2024")
    assert result.value is None and "family_members" in result.reason
    # Only the person enrolment A counts in 2024-H1: no family involved, no table needed.
    assert run(tables, "xs.baseline", "2024-H1").value == 30_000
    # outcomes is absent as well.
    result = run(tables, "xs.outcome_job_education_share", "2024-H1")
    assert result.value is None and "outcomes" in result.reason


def test_ledger_without_person_id_column(tmp_path: Path) -> None:
    tables = write_data(
        tmp_path / "noperson",
        lines=STANDARD_LINES,
        interventions=EDGE_INTERVENTIONS,
        ledger=EDGE_LEDGER,
        enrolments=ENROLMENTS[:1],
        ledger_has_person_id=False,
    )
    result = run(tables, "xs.baseline", "2024")
    assert result.value is None and "person_id" in result.reason


# ---- windows --------------------------------------------------------------------------------
@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2090, 12, 31)))
def test_windows_are_contiguous_and_twelve_months_long(enrolled_on: date) -> None:
    first, last = baseline_window(enrolled_on)
    assert last + timedelta(days=1) == enrolled_on
    assert 364 <= (last - first).days + 1 <= 366  # 364 only when clipped at 29 February
    previous_last = last
    for year in (1, 2, 3):
        first, last = followup_window(enrolled_on, year)
        assert first == previous_last + timedelta(days=1)  # no gap, no overlap
        assert 364 <= (last - first).days + 1 <= 366
        assert complete_followup_years(enrolled_on, last) == year
        assert complete_followup_years(enrolled_on, last - timedelta(days=1)) == year - 1
        previous_last = last
