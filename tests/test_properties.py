"""Invariants of every indicator on random small data sets (hypothesis).

* every share (unit ``share``) and every cell of its breakdown lies in [0, 1];
* counts and full-year persons are never negative;
* a distribution of shares adds up to 1;
* the staircase persons add up to the distinct children counted.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from noegletal.codes import ADULT_MEASURE_TYPES, CHILD_MEASURE_TYPES
from noegletal.config import Municipality
from noegletal.data.tables import Tables
from noegletal.indicators import compute
from noegletal.indicators.registry import COUNT_UNITS
from tests.builders import STANDARD_LINES

BASE = date(2023, 1, 1)
PERIODS = ["2024", "2024-H1", "2024-H2", "2024-Q3", "2024-05"]


@st.composite
def data_sets(draw: st.DrawFn) -> Tables:
    n = draw(st.integers(min_value=1, max_value=25))
    rows = []
    for i in range(n):
        adult = draw(st.booleans())
        measure = draw(st.sampled_from(ADULT_MEASURE_TYPES if adult else CHILD_MEASURE_TYPES))
        start = BASE + timedelta(days=draw(st.integers(0, 900)))
        length = draw(st.one_of(st.none(), st.integers(0, 700)))
        rows.append(
            {
                "intervention_id": f"I{i}",
                "person_id": f"P{draw(st.integers(0, 8))}{'V' if adult else 'B'}",
                "family_id": None,
                "birth_date": pd.Timestamp("1980-01-01" if adult else "2012-06-01"),
                "area": "adults" if adult else "children",
                "paragraph": "SEL 108" if adult else "BL 46",
                "measure_type": measure,
                "provider_type": draw(st.sampled_from(["own", "private"])),
                "start_date": pd.Timestamp(start),
                "end_date": pd.NaT if length is None else pd.Timestamp(start + timedelta(length)),
                "annual_cost": float(draw(st.integers(0, 3_000_000))),
                "end_reason": draw(st.sampled_from([None, "goal_achieved", "stepped_up"])),
            }
        )
    interventions = pd.DataFrame(rows)
    for column in ("start_date", "end_date", "birth_date"):
        interventions[column] = interventions[column].astype("datetime64[ns]")
    ledger = pd.DataFrame(
        {
            "posting_date": pd.to_datetime(["2024-01-31", "2024-06-30", "2024-12-31"]).astype(
                "datetime64[ns]"
            ),
            "account": ["5.28.21", "5.28.20", "5.38.50"],
            "amount": [float(draw(st.integers(-1000, 900_000))) for _ in range(3)],
        }
    )
    lines = pd.DataFrame(STANDARD_LINES)
    budget = pd.DataFrame(
        {
            "year": [2024] * len(lines),
            "budget_line": lines["budget_line"],
            "original_budget": [float(draw(st.integers(1, 5_000_000))) for _ in range(len(lines))],
            "supplementary_appropriations": [0.0] * len(lines),
            "budget_full_year_persons": [
                float(draw(st.integers(1, 30))) for _ in range(len(lines))
            ],
            "budget_avg_cost": [float(draw(st.integers(1, 900_000))) for _ in range(len(lines))],
        }
    )
    population = pd.DataFrame({"year": [2024, 2024], "age": [5, 40], "persons": [400, 900]})
    return Tables(
        municipality=Municipality("Testby", "999", extract_date=date(2025, 6, 30)),
        population=population,
        interventions=interventions,
        ledger=ledger,
        budget_lines=lines,
        budget=budget,
    )


def _cells(breakdown) -> list:
    if isinstance(breakdown, dict):
        return [c for v in breakdown.values() for c in _cells(v)]
    return [breakdown]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables=data_sets(), period=st.sampled_from(PERIODS))
def test_shares_counts_and_distributions(tables: Tables, period: str) -> None:
    for result in compute(tables, period):
        values = [v for v in [result.value, *_cells(result.breakdown or {})] if v is not None]
        if result.unit == "share":
            assert all(-1e-12 <= v <= 1 + 1e-12 for v in values), (result.id, values)
        if result.unit in COUNT_UNITS and result.id not in ("fp6.flow", "adults.housing_flow"):
            assert all(v >= 0 for v in values), (result.id, values)
        if result.distribution and result.value is not None:
            assert abs(sum(_cells(result.breakdown)) - 1) < 1e-9, result.id
        if result.id == "fp1.staircase_persons":
            assert sum(result.breakdown["step"].values()) == result.value
