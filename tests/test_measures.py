"""Measure primitives on hand-built measures; every expected value is counted out by hand."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noegletal.measures import (
    active_on,
    annual_cost_on,
    commitment_cost,
    days_active,
    full_year_persons,
    price_segments,
)
from noegletal.periods import Period, parse_period


def measures(*rows: tuple[str, str, str | None, float]) -> pd.DataFrame:
    """(intervention_id, start, end or None, annual_cost) → interventions-shaped frame."""
    return pd.DataFrame(
        {
            "intervention_id": [r[0] for r in rows],
            "start_date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[ns]"),
            "end_date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[ns]"),
            "annual_cost": [float(r[3]) for r in rows],
        }
    )


def test_active_on_includes_both_boundary_days() -> None:
    frame = measures(
        ("a", "2025-01-01", "2025-06-30", 0),  # ends on 30 June: active that day
        ("b", "2025-06-30", None, 0),  # starts on 30 June: active that day
        ("c", "2025-07-01", None, 0),  # starts the day after
        ("d", "2024-01-01", "2025-06-29", 0),  # ended the day before
    )
    assert active_on(frame, date(2025, 6, 30)).tolist() == [True, True, False, False]


def test_days_active_on_period_boundaries() -> None:
    frame = measures(
        ("whole", "2020-05-01", None, 0),  # open-ended, covers H1 2024 fully: 182 days
        ("starts_last_day", "2024-06-30", None, 0),  # 1 day (30 June)
        ("ends_first_day", "2023-01-01", "2024-01-01", 0),  # 1 day (1 January)
        ("after", "2024-07-01", None, 0),  # 0 days
        ("feb", "2024-02-01", "2024-02-29", 0),  # February of a leap year: 29 days
    )
    assert days_active(frame, date(2024, 1, 1), date(2024, 6, 30)).tolist() == [182, 1, 1, 0, 29]


def test_full_year_persons_leap_year_and_half_year() -> None:
    frame = measures(
        ("a", "2024-01-01", None, 0),  # all 366 days of 2024 → 1.0
        ("b", "2024-07-01", "2024-12-31", 0),  # Jul–Dec = 184 days → 184/366
        ("c", "2024-03-01", "2024-03-31", 0),  # 31 days → 31/366
    )
    year = full_year_persons(frame, parse_period("2024"))
    assert year.tolist() == pytest.approx([1.0, 184 / 366, 31 / 366])
    # H1 2024 has 182 days: a active all 182, b 0, c 31 → 1 + 0 + 31/182.
    half = full_year_persons(frame, parse_period("2024-H1"))
    assert half.sum() == pytest.approx(1 + 31 / 182)


def test_commitment_cost_uses_days_of_the_calendar_year() -> None:
    # 366,000 kr. a year in leap year 2024 is 1,000 kr. a day; 365,000 in 2025 likewise.
    frame = measures(("a", "2024-12-01", None, 366_000))
    # Dec 2024 = 31 days × 366,000/366 = 31,000.
    assert commitment_cost(frame, date(2024, 12, 1), date(2024, 12, 31))[0] == pytest.approx(31_000)
    # Across New Year: 31 days in 2024 at 366,000/366 + 31 days in 2025 at 366,000/365.
    cost = commitment_cost(frame, date(2024, 12, 1), date(2025, 1, 31))[0]
    assert cost == pytest.approx(31_000 + 31 * 366_000 / 365)


def test_commitment_cost_with_price_changes() -> None:
    frame = measures(("a", "2025-01-01", "2025-12-31", 365_000), ("b", "2025-03-01", None, 73_000))
    prices = pd.DataFrame(
        {
            "intervention_id": ["a", "a"],
            "valid_from": pd.to_datetime(["2025-04-01", "2025-10-01"]).astype("datetime64[ns]"),
            "annual_cost": [730_000.0, 0.0],
        }
    )
    # a: Jan–Mar 90 days × 1,000 + Apr–Sep 183 days × 2,000 + Oct–Dec 92 days × 0 = 456,000.
    # b: 1 Mar–31 Dec = 306 days × 200 = 61,200 (no price rows).
    cost = commitment_cost(frame, date(2025, 1, 1), date(2025, 12, 31), prices)
    assert cost.tolist() == pytest.approx([456_000, 61_200])
    assert annual_cost_on(frame, date(2025, 5, 1), prices).tolist() == [730_000, 73_000]
    assert np.isnan(annual_cost_on(frame, date(2025, 2, 1), prices)[1])  # b not yet active


def test_price_row_before_start_replaces_base_price_from_start() -> None:
    frame = measures(("a", "2025-03-01", "2025-03-10", 100_000))
    prices = pd.DataFrame(
        {
            "intervention_id": ["a"],
            "valid_from": pd.to_datetime(["2025-01-01"]).astype("datetime64[ns]"),
            "annual_cost": [365_000.0],
        }
    )
    segments = price_segments(frame, prices)
    assert len(segments) == 1 and segments.loc[0, "annual_cost"] == 365_000
    # 10 days × 1,000 kr.
    assert commitment_cost(frame, date(2025, 1, 1), date(2025, 12, 31), prices)[0] == 10_000


def test_price_row_after_end_is_ignored() -> None:
    frame = measures(("a", "2025-01-01", "2025-01-31", 365_000))
    prices = pd.DataFrame(
        {
            "intervention_id": ["a"],
            "valid_from": pd.to_datetime(["2025-06-01"]).astype("datetime64[ns]"),
            "annual_cost": [1.0],
        }
    )
    assert commitment_cost(frame, date(2025, 1, 1), date(2025, 12, 31), prices)[0] == 31_000


# ---- properties -------------------------------------------------------------------------

day_offsets = st.integers(min_value=0, max_value=4 * 366)
BASE = date(2022, 1, 1)


@st.composite
def measure_frames(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=12))
    rows = []
    for i in range(n):
        start = BASE + timedelta(days=draw(day_offsets))
        length = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=800)))
        end = None if length is None else (start + timedelta(days=length)).isoformat()
        rows.append((f"m{i}", start.isoformat(), end, draw(st.integers(0, 5_000_000))))
    return measures(*rows)


periods = st.sampled_from(
    ["2022", "2023", "2024", "2025", "2024-H1", "2024-H2", "2023-Q1", "2025-Q4", "2024-02"]
)


@settings(max_examples=150, deadline=None)
@given(frame=measure_frames(), text=periods)
def test_full_year_persons_equal_day_weighted_sum_over_months(
    frame: pd.DataFrame, text: str
) -> None:
    period = parse_period(text)
    total = full_year_persons(frame, period).sum()
    by_month = sum(
        full_year_persons(frame, month).sum() * month.days / period.days
        for month in period.months()
    )
    assert total == pytest.approx(by_month, rel=1e-12, abs=1e-12)


@settings(max_examples=150, deadline=None)
@given(frame=measure_frames(), text=periods)
def test_commitment_cost_is_additive_over_months(frame: pd.DataFrame, text: str) -> None:
    period = parse_period(text)
    whole = commitment_cost(frame, period.start, period.end)
    parts = sum(commitment_cost(frame, m.start, m.end) for m in period.months())
    assert whole == pytest.approx(parts, rel=1e-9, abs=1e-6)
    # And never more than the annual cost scaled by the share of the year covered.
    assert (whole <= frame["annual_cost"].to_numpy() * period.days / 365 + 1e-6).all()


@settings(max_examples=100, deadline=None)
@given(frame=measure_frames())
def test_full_year_persons_within_zero_and_one(frame: pd.DataFrame) -> None:
    values = full_year_persons(frame, Period(2024, "year"))
    assert ((values >= 0) & (values <= 1)).all()
