"""FP5 — year-end forecasts on hand-built measures; every expected value is counted out here.

Scenario A: period 2025-H1, cut-off t = 30 Jun 2025, data extracted 30 Jun 2025.
2025 has N = 365 days; the rest of the year t+1..31 Dec is R = 31+31+30+31+30+31 = 184 days.
Lookback 24 months: 1 Jul 2023..30 Jun 2025 = 365 (Jul 23–Jun 24 holds 29 Feb 2024, so 366)
+ 365 = 731 days. The ledger begins in January 2023, so the data start (1 Jan 2023) does not
shorten the window.

| line         | id | type              | active                | annual  | kr./day 2025 |
|--------------|----|-------------------|-----------------------|---------|--------------|
| Forebyggende | P1 | preventive        | 2024-07-01–2024-12-31 | 73,000  | (ended)      |
| Forebyggende | P2 | preventive        | 2025-01-01–open       | 146,000 | 400          |
| Familiepleje | F1 | foster_care       | 2023-01-01–2025-09-30 | 365,000 | 1,000        |
| Institution  | R1 | residential       | 2023-01-01–open       | 730,000 | 2,000 (*)    |
| Botilbud     | B1 | long_term_housing | 2023-01-01–open       | 365,000 | 1,000        |
| Botilbud     | B2 | long_term_housing | 2023-01-01–2024-06-30 | 200,000 | (ended)      |
| Støtte       | –  | no measures       |                       |         |              |

(*) R1 has a price row from 1 Oct 2025: 365,000 (1,000 a day).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noegletal.config import Municipality
from noegletal.data.tables import Tables
from noegletal.indicators import compute
from noegletal.indicators.forecast import (
    backtest,
    forecast_at,
    months_before,
    new_measures_cost,
)
from noegletal.indicators.registry import Result
from noegletal.measures import commitment_cost
from tests.builders import STANDARD_LINES, build_tables, measure

FP5 = ["fp5.forecast", "fp5.forecast_vs_budget", "fp5.committed_remaining", "fp5.backtest_error"]


def results(tables: Tables, period: str) -> dict[str, Result]:
    return {r.id: r for r in compute(tables, period, FP5)}


def monthly(account: str, intervention: str | None, amount: float, year: int, months) -> list:
    rows = []
    for month in months:
        end = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat()
        rows.append(
            {
                "posting_date": end,
                "account": account,
                "amount": amount,
                "intervention_id": intervention or "",
            }
        )
    return rows


SCENARIO_A = [
    measure("P1", "C1", "preventive", "2024-07-01", "2024-12-31", 73_000),
    measure("P2", "C2", "preventive", "2025-01-01", None, 146_000),
    measure("F1", "C3", "foster_care", "2023-01-01", "2025-09-30", 365_000),
    measure("R1", "C4", "residential", "2023-01-01", None, 730_000),
    measure("B1", "V1", "long_term_housing", "2023-01-01", None, 365_000),
    measure("B2", "V2", "long_term_housing", "2023-01-01", "2024-06-30", 200_000),
]
LEDGER_A = [
    # The ledger begins in January 2023 (data start 1 Jan 2023); 0 kr.
    {"posting_date": "2023-01-31", "account": "5.28.21", "amount": 0.0, "intervention_id": ""},
    *monthly("5.28.21", "P2", 12_000, 2025, range(1, 7)),  # 72,000
    *monthly("5.28.20", "F1", 30_000, 2025, range(1, 7)),  # 180,000
    *monthly("5.28.23", "R1", 60_000, 2025, range(1, 7)),  # 360,000
    *monthly("5.38.50", "B1", 30_000, 2025, range(1, 7)),  # 180,000
    # Støtte: bookings without a measure (refunds).
    {"posting_date": "2024-03-31", "account": "5.38.39", "amount": -5_000, "intervention_id": ""},
    {"posting_date": "2024-09-30", "account": "5.38.39", "amount": -12_000, "intervention_id": ""},
    {"posting_date": "2025-03-31", "account": "5.38.39", "amount": -6_000, "intervention_id": ""},
    # Employment is not part of the specialised social area: left out of FP5.
    {"posting_date": "2025-01-31", "account": "5.57", "amount": 1e6, "intervention_id": ""},
]
BUDGET_A = [
    {"year": 2025, "budget_line": "Forebyggende", "original_budget": 150_000,
     "supplementary_appropriations": 0},
    {"year": 2025, "budget_line": "Familiepleje", "original_budget": 250_000,
     "supplementary_appropriations": 10_000},
    {"year": 2025, "budget_line": "Institution", "original_budget": 700_000,
     "supplementary_appropriations": 0},
    {"year": 2025, "budget_line": "Botilbud", "original_budget": 400_000,
     "supplementary_appropriations": 0},
]  # fmt: skip
PRICES_A = [{"intervention_id": "R1", "valid_from": "2025-10-01", "annual_cost": 365_000}]

# ---- expected values of scenario A, by hand -----------------------------------------------------
# Forebyggende: starts in the window P1 (1 Jul 2024) and P2 (1 Jan 2025): λ = 2/731 per day,
# ā = (73,000 + 146,000)/2 = 109,500. Endings: P1 (31 Dec 2024). Exposure in the window:
# P1 1 Jul–31 Dec 2024 = 184 days, P2 1 Jan–30 Jun 2025 = 181 days → h = 1/365, q = 364/365.
# P2 (open): committed 400 × 184 = 73,600; expected early endings
#   400 × Σ_{k=1}^{184} (1 − q^(k−1)) = 400 × (184 − (1 − q^184)/h) = 400 × (184 − 365(1 − q^184)).
# New measures: λ ā / N × Σ_{m=1}^{R} (1 − q^m)/h = λ ā / N × (R − q(1 − q^R)/h)/h;
#   with 1/h = N = 365: (2/731) × 109,500 × (184 − 364 (1 − q^184)).
Q_F = 364 / 365
EARLY_F = 400 * (184 - 365 * (1 - Q_F**184))
NEW_F = (2 / 731) * 109_500 * (184 - 364 * (1 - Q_F**184))
FORECAST_F = 72_000 + 73_600 + NEW_F - EARLY_F
# Familiepleje: F1 ends 30 Sep 2025, after the extract: a known end. Commitment 1 Jul–30 Sep =
# 31+31+30 = 92 days × 1,000 = 92,000; no ending adjustment; no starts or endings in the window.
FORECAST_FP = 180_000 + 92_000
# Institution: R1 open, 1 Jul–30 Sep 92 days × 2,000 + 1 Oct–31 Dec 92 days × 1,000 = 276,000
# (the price row of 1 Oct lies after the extract: a decided price change). h = 0: no adjustment.
FORECAST_I = 360_000 + 276_000
# Botilbud: B2 ended 30 Jun 2024 in the window. Exposure B1 731 + B2 (1 Jul 2023–30 Jun 2024)
# 366 = 1,097 days, 1 ending → h = 1/1097, q = 1096/1097. B1 (open) committed 184 × 1,000;
# early endings 1,000 × (184 − 1097 (1 − q^184)).
Q_B = 1096 / 1097
EARLY_B = 1_000 * (184 - 1097 * (1 - Q_B**184))
FORECAST_B = 180_000 + 184_000 - EARLY_B
# Støtte: actual ytd −6,000 (31 Mar 2025); the rest of the year as last year after 30 Jun 2024:
# −12,000 (30 Sep 2024; the −5,000 of 31 Mar 2024 lies before). Forecast −18,000.
FORECAST_S = -6_000 - 12_000


@pytest.fixture(scope="module")
def scenario_a(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    return build_tables(
        tmp_path_factory.mktemp("fp5a"),
        interventions=SCENARIO_A,
        ledger=LEDGER_A,
        budget=BUDGET_A,
        measure_prices=PRICES_A,
        extract_date="2025-06-30",
    )


def test_forecast_terms_per_line(scenario_a: Tables) -> None:
    lines = forecast_at(scenario_a, date(2025, 6, 30)).lines
    assert list(lines.index) == [
        "Forebyggende",
        "Familiepleje",
        "Institution",
        "Botilbud",
        "Støtte",
    ]
    assert lines.loc["Forebyggende", "start_rate"] == pytest.approx(2 / 731)
    assert lines.loc["Forebyggende", "avg_new_cost"] == pytest.approx(109_500)
    assert lines.loc["Forebyggende", "hazard"] == pytest.approx(1 / 365)
    assert lines.loc["Forebyggende", "committed"] == pytest.approx(73_600)
    assert lines.loc["Forebyggende", "early_endings"] == pytest.approx(EARLY_F)
    assert lines.loc["Forebyggende", "new_measures"] == pytest.approx(NEW_F)
    assert lines.loc["Familiepleje", "committed"] == pytest.approx(92_000)
    assert lines.loc["Familiepleje", "early_endings"] == 0
    assert lines.loc["Institution", "committed"] == pytest.approx(276_000)
    assert lines.loc["Botilbud", "hazard"] == pytest.approx(1 / 1097)
    # Zero starts in the window (B1, B2 started before it): no new-measure term.
    assert lines.loc["Botilbud", ["starts", "new_measures"]].tolist() == [0, 0]
    assert lines.loc["Botilbud", "early_endings"] == pytest.approx(EARLY_B)
    assert lines.loc["Støtte", ["committed", "new_measures", "early_endings"]].tolist() == [0, 0, 0]
    assert lines.loc["Støtte", "non_measure_rest"] == pytest.approx(-12_000)
    expected = [FORECAST_F, FORECAST_FP, FORECAST_I, FORECAST_B, FORECAST_S]
    assert lines["forecast"].tolist() == pytest.approx(expected)


def test_indicators_scenario_a(scenario_a: Tables) -> None:
    r = results(scenario_a, "2025-H1")
    total = FORECAST_F + FORECAST_FP + FORECAST_I + FORECAST_B + FORECAST_S
    assert r["fp5.forecast"].value == pytest.approx(total)
    assert r["fp5.forecast"].breakdown["area"] == pytest.approx(
        {"children": FORECAST_F + FORECAST_FP + FORECAST_I, "adults": FORECAST_B + FORECAST_S}
    )
    assert "Beskæftigelse" not in r["fp5.forecast"].breakdown["budget_line"]
    # Commitment alone: 73,600 + 92,000 + 276,000 + 184,000 + 0 = 625,600.
    committed = r["fp5.committed_remaining"]
    assert committed.value == pytest.approx(625_600)
    assert committed.breakdown["area"] == pytest.approx({"children": 441_600, "adults": 184_000})
    # Forecast − corrected budget: Familiepleje 272,000 − (250,000 + 10,000) = +12,000;
    # Institution 636,000 − 700,000 = −64,000; Støtte has no budget row: left out, named.
    vs = r["fp5.forecast_vs_budget"]
    lines = vs.breakdown["budget_line"]
    assert lines["Familiepleje"] == pytest.approx(12_000)
    assert lines["Institution"] == pytest.approx(-64_000)
    assert lines["Forebyggende"] == pytest.approx(FORECAST_F - 150_000)
    assert lines["Botilbud"] == pytest.approx(FORECAST_B - 400_000)
    assert "Støtte" not in lines and "Støtte" in vs.note
    assert vs.value == pytest.approx(FORECAST_F + FORECAST_FP + FORECAST_I + FORECAST_B - 1_510_000)


def test_information_after_the_cutoff_but_before_the_extract_is_hidden(tmp_path: Path) -> None:
    # Same data extracted on 31 Dec 2025: F1's end (30 Sep) and R1's price change (1 Oct) were
    # registered after 30 Jun and before the extract, so at the cut-off they were not known.
    tables = build_tables(
        tmp_path,
        interventions=SCENARIO_A,
        ledger=LEDGER_A,
        budget=BUDGET_A,
        measure_prices=PRICES_A,
        extract_date="2025-12-31",
    )
    lines = forecast_at(tables, date(2025, 6, 30)).lines
    # F1 open: 184 days × 1,000 = 184,000 (Familiepleje has no endings in the window: h = 0).
    assert lines.loc["Familiepleje", "committed"] == pytest.approx(184_000)
    assert lines.loc["Familiepleje", "early_endings"] == 0
    # R1 at 2,000 a day all 184 days.
    assert lines.loc["Institution", "committed"] == pytest.approx(368_000)


def test_cutoff_on_31_december_gives_the_actual_year(tmp_path: Path) -> None:
    tables = build_tables(
        tmp_path,
        interventions=SCENARIO_A,
        ledger=LEDGER_A,
        budget=BUDGET_A,
        measure_prices=PRICES_A,
        extract_date="2025-12-31",
    )
    r = results(tables, "2025")
    # No days remain: every term but actual spend is 0. Actual 2025 (Jan–Jun bookings only):
    # 72,000 + 180,000 + 360,000 + 180,000 − 6,000.
    assert r["fp5.forecast"].breakdown["budget_line"] == pytest.approx(
        {
            "Forebyggende": 72_000,
            "Familiepleje": 180_000,
            "Institution": 360_000,
            "Botilbud": 180_000,
            "Støtte": -6_000,
        }
    )
    assert r["fp5.committed_remaining"].value == 0


def test_leap_year_and_a_start_in_the_window(tmp_path: Path) -> None:
    # Period 2024-H1: t = 30 Jun 2024, N = 366, R = 184. Window 1 Jul 2022–30 Jun 2024 = 365 + 366
    # = 731 days (the ledger begins in 2022). G1 started 1 Jan 2024, open, 366,000 (1,000 a
    # day in 2024): 1 start → λ = 1/731, ā = 366,000; no endings → h = 0.
    # Committed 184 × 1,000 = 184,000. New: λ ā / N × Σ_{m=1}^{184} m = (1/731) × 1,000 × 17,020.
    tables = build_tables(
        tmp_path,
        interventions=[measure("G1", "C1", "foster_care", "2024-01-01", None, 366_000)],
        ledger=[
            {"posting_date": "2022-01-31", "account": "5.28.20", "amount": 0.0},
            *monthly("5.28.20", "G1", 30_500, 2024, range(1, 7)),  # 183,000
        ],
        extract_date="2024-06-30",
    )
    f = forecast_at(tables, date(2024, 6, 30))
    assert f.window_days == 731 and not f.warm_up
    line = f.lines.loc["Familiepleje"]
    assert line["committed"] == pytest.approx(184_000)
    assert line["new_measures"] == pytest.approx(17_020_000 / 731)
    assert line["forecast"] == pytest.approx(183_000 + 184_000 + 17_020_000 / 731)
    # A line with no measures and no bookings forecasts 0 (and its rates are 0).
    assert f.lines.loc["Botilbud", ["forecast", "start_rate", "hazard"]].tolist() == [0, 0, 0]


def test_run_rate_when_last_year_is_not_in_the_data(tmp_path: Path) -> None:
    # The ledger begins in 2025: no last year to copy. Non-measure bookings 1 Jan–31 Mar 2025
    # (t = 31 Mar, 31+28+31 = 90 days): −9,000 → rest of the year −9,000 × 275/90 = −27,500.
    # The window starts at the data start 1 Jan 2025 (warm-up: 90 days instead of 24 months).
    tables = build_tables(
        tmp_path,
        interventions=[measure("X", "C1", "preventive", "2025-02-01", None, 0)],
        ledger=[{"posting_date": "2025-03-31", "account": "5.38.39", "amount": -9_000.0}],
        extract_date="2025-03-31",
    )
    f = forecast_at(tables, date(2025, 3, 31))
    assert f.non_measure_basis == "run_rate"
    assert f.window_first == date(2025, 1, 1) and f.window_days == 90 and f.warm_up
    assert f.lines.loc["Støtte", "forecast"] == pytest.approx(-9_000 - 27_500)


def test_missing_inputs(scenario_a: Tables) -> None:
    # 2025-H2 ends after the extract (30 Jun 2025); 2025 is not a complete year in the data;
    # 2024 has no budget rows.
    r = results(scenario_a, "2025-H2")
    assert r["fp5.forecast"].value is None and "extract" in r["fp5.forecast"].reason
    assert r["fp5.backtest_error"].value is None
    r = results(scenario_a, "2024")
    assert r["fp5.forecast_vs_budget"].value is None
    assert "2024" in r["fp5.forecast_vs_budget"].reason


# ---- backtest -------------------------------------------------------------------------------
# 2024 (366 days). Extract 31 Dec 2024; ledger from January 2024 (data start 1 Jan 2024, so
# every cut-off is a warm-up with less than 24 months of history). No starts or endings.
# Institution: R (residential, start 2020, open) at 366,000 (1,000 a day); from 1 Jul 2024 a
#   price row of 732,000 (2,000 a day). Ledger = the true cost month by month:
#   Jan–Jun 182 days × 1,000 = 182,000 + Jul–Dec 184 days × 2,000 = 368,000 → actual 550,000.
# Forebyggende: P (preventive, start 2020, open) at 73,200 (200 a day); from 1 Jul 2024 a price
#   row of 0. Ledger Jan–Jun 182 × 200 = 36,400, nothing after → actual 36,400.
# Both price rows lie after the cut-offs Jan–Jun and before the extract: hidden there.
# Jan–Jun cut-offs: R: ytd + 1,000 × remaining days = 366,000 (−184,000 against actual);
#   P: ytd + 200 × remaining = 73,200 (+36,800). Total 439,200 against 586,400:
#   net error −147,200/586,400; gross error (184,000 + 36,800)/586,400 = 220,800/586,400.
# Jul–Nov cut-offs: the price rows are known: R 182,000 + 2,000 × 184 = 550,000; P 36,400 + 0.
#   Error 0.
# Mean absolute error = 6 × 147,200/586,400 / 11.
# Budget: Institution 500,000, Forebyggende 40,000 → net (540,000 − 586,400)/586,400 =
#   −46,400/586,400; gross (50,000 + 3,600)/586,400 = 53,600/586,400.
DAYS_2024 = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
TOTAL_2024 = 586_400


@pytest.fixture(scope="module")
def backtest_tables(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    ledger = [
        row
        for month, days in enumerate(DAYS_2024, start=1)
        for row in [
            *monthly("5.28.23", "R", days * (1_000 if month <= 6 else 2_000), 2024, [month]),
            *monthly("5.28.21", "P", days * (200 if month <= 6 else 0), 2024, [month]),
        ]
    ]
    return build_tables(
        tmp_path_factory.mktemp("fp5b"),
        interventions=[
            measure("R", "C1", "residential", "2020-01-01", None, 366_000),
            measure("P", "C2", "preventive", "2020-01-01", None, 73_200),
        ],
        ledger=ledger,
        measure_prices=[
            {"intervention_id": "R", "valid_from": "2024-07-01", "annual_cost": 732_000},
            {"intervention_id": "P", "valid_from": "2024-07-01", "annual_cost": 0},
        ],
        budget=[
            {"year": 2024, "budget_line": "Institution", "original_budget": 500_000},
            {"year": 2024, "budget_line": "Forebyggende", "original_budget": 40_000},
        ],
        extract_date="2024-12-31",
    )


def test_backtest_by_hand(backtest_tables: Tables) -> None:
    test = backtest(backtest_tables, 2024)
    net = {f"{m:02d}": (-147_200 / TOTAL_2024 if m <= 6 else 0.0) for m in range(1, 12)}
    gross = {f"{m:02d}": (220_800 / TOTAL_2024 if m <= 6 else 0.0) for m in range(1, 12)}
    assert test.total_error.to_dict() == pytest.approx(net)
    assert test.gross_error.to_dict() == pytest.approx(gross)
    assert test.budget_error == pytest.approx(-46_400 / TOTAL_2024)
    assert test.budget_gross_error == pytest.approx(53_600 / TOTAL_2024)
    assert test.mean_absolute_error == pytest.approx(6 * 147_200 / TOTAL_2024 / 11)
    assert len(test.warm_up_months) == 11
    rows = test.rows.set_index(["budget_line", "month"])
    assert rows.loc[("Institution", "01"), "forecast"] == pytest.approx(366_000)
    assert rows.loc[("Institution", "07"), "forecast"] == pytest.approx(550_000)
    assert rows.loc[("Institution", "03"), "error"] == pytest.approx(-184 / 550)
    assert rows.loc[("Forebyggende", "06"), "error"] == pytest.approx(36_800 / 36_400)
    assert rows.loc[("Forebyggende", "11"), "forecast"] == pytest.approx(36_400)
    assert rows.loc["Botilbud", "error"].isna().all()  # actual 0: no relative error


def test_backtest_indicator(backtest_tables: Tables) -> None:
    r = results(backtest_tables, "2024")["fp5.backtest_error"]
    assert r.value == pytest.approx(6 * 147_200 / TOTAL_2024 / 11)
    assert r.breakdown["month"]["01"] == pytest.approx(-147_200 / TOTAL_2024)
    assert r.breakdown["month"]["11"] == pytest.approx(0)
    assert r.extra["budget_error"] == pytest.approx(-46_400 / TOTAL_2024)
    # Jan–Jun: 147,200 > 46,400 (net) and 220,800 > 53,600 (gross); Jul–Nov 0 is closer:
    # 5 months closer than the budget either way.
    assert r.extra["months_better_than_budget"] == 5
    assert r.extra["months_better_than_budget_gross"] == 5
    assert "5 af 11" in r.note
    assert len(r.table) == 11 * 5  # 11 cut-offs × 5 social-area lines


def test_months_before_keeps_month_ends() -> None:
    assert months_before(date(2025, 2, 28), 12) == date(2024, 2, 29)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2025, 6, 30), 24) == date(2023, 6, 30)
    assert months_before(date(2025, 6, 15), 1) == date(2025, 5, 15)


# ---- properties -----------------------------------------------------------------------------
def _direct_tables(
    measures: list[dict], prices: list[dict], ledger: list[dict], extract: date
) -> Tables:
    """Typed tables without CSV (fast enough for property tests)."""
    iv = pd.DataFrame(measures)
    for col in ("start_date", "end_date"):
        iv[col] = pd.to_datetime(iv[col]).astype("datetime64[ns]")
    iv["annual_cost"] = iv["annual_cost"].astype(float)
    mp = pd.DataFrame(prices, columns=["intervention_id", "valid_from", "annual_cost"])
    mp["valid_from"] = pd.to_datetime(mp["valid_from"]).astype("datetime64[ns]")
    mp["annual_cost"] = mp["annual_cost"].astype(float)
    led = pd.DataFrame(ledger, columns=["posting_date", "account", "amount", "intervention_id"])
    led["posting_date"] = pd.to_datetime(led["posting_date"]).astype("datetime64[ns]")
    led["amount"] = led["amount"].astype(float)
    lines = pd.DataFrame(STANDARD_LINES)
    budget = pd.DataFrame(
        {"year": [2025], "budget_line": ["Familiepleje"], "original_budget": [0.0]}
    ).assign(supplementary_appropriations=0.0)
    return Tables(
        municipality=Municipality(name="T", code="999", extract_date=extract),
        population=pd.DataFrame({"year": [2025], "age": [0], "persons": [1]}),
        interventions=iv,
        ledger=led,
        budget_lines=lines,
        budget=budget,
        measure_prices=mp,
    )


DAY0 = date(2015, 1, 1)


@st.composite
def quiet_window_data(draw: st.DrawFn) -> tuple[Tables, date]:
    """Measures that neither start nor end in the lookback window (zero start and ending rates);
    prices changing at any time; all bookings tied to a measure."""
    cutoff = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    n = draw(st.integers(1, 6))
    measures, prices, ledger = [], [], []
    for i in range(n):
        start = DAY0 + timedelta(days=draw(st.integers(0, 2900)))  # up to 9 Dec 2022
        kind = draw(st.sampled_from(["open", "after", "before"]))
        end = {
            "open": None,
            "after": cutoff + timedelta(days=draw(st.integers(1, 800))),
            "before": start + timedelta(days=draw(st.integers(0, 20))),
        }[kind]
        measure_type = draw(st.sampled_from(["foster_care", "long_term_housing", "preventive"]))
        annual = draw(st.integers(0, 2_000_000))
        measures.append(
            {**measure(f"M{i}", f"P{i}", measure_type, start.isoformat(), None, annual),
             "end_date": end}
        )  # fmt: skip
        for _ in range(draw(st.integers(0, 3))):
            valid = start + timedelta(days=draw(st.integers(-30, 4000)))
            prices.append({"intervention_id": f"M{i}", "valid_from": valid, "annual_cost":
                           draw(st.integers(0, 2_000_000))})  # fmt: skip
        for _ in range(draw(st.integers(0, 3))):
            posted = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
            amount = draw(st.integers(-50_000, 50_000))
            ledger.append({"posting_date": posted, "account": "5.28.20.001", "amount": amount,
                           "intervention_id": f"M{i}"})  # fmt: skip
    ledger.append({"posting_date": date(2020, 1, 31), "account": "5.28.20", "amount": 0,
                   "intervention_id": "M0"})  # fmt: skip
    return _direct_tables(measures, prices, ledger, cutoff), cutoff


@settings(max_examples=60, deadline=None)
@given(quiet_window_data())
def test_zero_rates_give_actual_plus_commitment(data: tuple[Tables, date]) -> None:
    tables, cutoff = data
    f = forecast_at(tables, cutoff)
    assert (f.lines["start_rate"] == 0).all() and (f.lines["hazard"] == 0).all()
    ledger = tables.ledger
    ytd = ledger["posting_date"].between(pd.Timestamp(2025, 1, 1), pd.Timestamp(cutoff))
    actual = ledger.loc[ytd, "amount"].sum()
    # Reference: the commitment primitive of noegletal.measures over every measure.
    commitment = commitment_cost(
        tables.interventions, cutoff + timedelta(days=1), date(2025, 12, 31), tables.measure_prices
    ).sum()
    assert f.total == pytest.approx(actual + commitment, abs=1e-6)


@st.composite
def any_data(draw: st.DrawFn) -> tuple[Tables, date]:
    cutoff = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
    measures = []
    for i in range(draw(st.integers(1, 8))):
        start = date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 1460)))
        end = draw(st.none() | st.integers(0, 900).map(lambda d, s=start: s + timedelta(days=d)))
        measures.append(
            {**measure(f"M{i}", f"P{i}", "foster_care", start.isoformat(), None,
                       draw(st.integers(0, 1_000_000))), "end_date": end}
        )  # fmt: skip
    ledger = [{"posting_date": date(2022, 1, 31), "account": "5.28.20", "amount": 0,
               "intervention_id": "M0"}]  # fmt: skip
    extract = draw(st.sampled_from([cutoff, date(2026, 6, 30)]))
    return _direct_tables(measures, [], ledger, extract), cutoff


@settings(max_examples=60, deadline=None)
@given(any_data())
def test_terms_are_bounded_and_add_up(data: tuple[Tables, date]) -> None:
    tables, cutoff = data
    lines = forecast_at(tables, cutoff).lines
    assert (lines["early_endings"] >= -1e-9).all()
    assert (lines["early_endings"] <= lines["committed"] + 1e-6).all()
    assert (lines["new_measures"] >= 0).all()
    total = (
        lines["actual_ytd"] + lines["committed"] + lines["new_measures"]
        - lines["early_endings"] + lines["non_measure_rest"]
    )  # fmt: skip
    assert lines["forecast"].to_numpy() == pytest.approx(total.to_numpy())
    # The term in the table is the documented function of the line's rates.
    remaining = (date(2025, 12, 31) - cutoff).days
    expected = new_measures_cost(
        lines["start_rate"].to_numpy(),
        lines["avg_new_cost"].to_numpy(),
        lines["hazard"].to_numpy(),
        remaining,
        365,
    )
    assert lines["new_measures"].to_numpy() == pytest.approx(expected)


@settings(max_examples=200, deadline=None)
@given(
    rates=st.tuples(st.floats(0, 0.1), st.floats(0, 0.1)),
    cost=st.floats(0, 5e6),
    hazard=st.floats(0, 0.05),
    remaining=st.integers(0, 365),
)
def test_new_measures_monotone_in_start_rate(rates, cost, hazard, remaining) -> None:
    low, high = sorted(rates)
    a, b = (
        new_measures_cost(np.array([r]), np.array([cost]), np.array([hazard]), remaining, 365)[0]
        for r in (low, high)
    )
    assert 0 <= a <= b + 1e-9
    # Never more than with no endings: λ ā / N × R(R+1)/2 (each new measure runs to 31 Dec).
    bound = high * cost / 365 * remaining * (remaining + 1) / 2
    assert b <= bound * (1 + 1e-9) + 1e-9
    if hazard == 0:
        assert b == pytest.approx(bound)
