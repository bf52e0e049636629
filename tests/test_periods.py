"""Periods: parsing, boundaries, day counts — values counted by hand from the calendar."""

from datetime import date

import pytest

from noegletal.periods import (
    Period,
    PeriodError,
    add_months,
    days_in_year,
    latest_complete_half,
    month_ends,
    parse_period,
)


@pytest.mark.parametrize(
    ("text", "start", "end", "days"),
    [
        # 2025 is not a leap year: 365 days.
        ("2025", date(2025, 1, 1), date(2025, 12, 31), 365),
        # 2024 is a leap year: 366 days.
        ("2024", date(2024, 1, 1), date(2024, 12, 31), 366),
        # H1 2024: Jan 31 + Feb 29 + Mar 31 + Apr 30 + May 31 + Jun 30 = 182.
        ("2024-H1", date(2024, 1, 1), date(2024, 6, 30), 182),
        # H1 2025: same months with Feb 28 = 181.
        ("2025-H1", date(2025, 1, 1), date(2025, 6, 30), 181),
        # H2: Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 + Dec 31 = 184, leap or not.
        ("2025-H2", date(2025, 7, 1), date(2025, 12, 31), 184),
        # Q3 2025: Jul 31 + Aug 31 + Sep 30 = 92.
        ("2025-Q3", date(2025, 7, 1), date(2025, 9, 30), 92),
        # Q1 2024: Jan 31 + Feb 29 + Mar 31 = 91.
        ("2024-q1", date(2024, 1, 1), date(2024, 3, 31), 91),
        # February of a leap year.
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), 29),
        ("2025-07", date(2025, 7, 1), date(2025, 7, 31), 31),
    ],
)
def test_parse_period_boundaries(text: str, start: date, end: date, days: int) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.days) == (start, end, days)


@pytest.mark.parametrize("text", ["2025-H3", "2025-Q5", "2025-13", "25", "2025H1", "", "2025-1"])
def test_parse_period_refuses_malformed(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_period_round_trips_through_str() -> None:
    for text in ["2025", "2025-H1", "2025-H2", "2025-Q4", "2025-01", "2025-12"]:
        assert str(parse_period(text)) == text


def test_ytd_and_annualisation() -> None:
    # 2024-H1 ends 30 June; ytd = 182 days (leap year); annualised × 366/182.
    period = parse_period("2024-H1")
    assert period.ytd_start == date(2024, 1, 1)
    assert period.ytd_days == 182
    assert period.annualisation_factor() == pytest.approx(366 / 182)
    # 2025-Q3 ytd runs 1 Jan–30 Sep: 181 (H1) + 92 (Q3) = 273 days.
    assert parse_period("2025-Q3").ytd_days == 273
    # A full year is not scaled.
    assert parse_period("2025").annualisation_factor() == 1.0


def test_relatives() -> None:
    assert parse_period("2025-H1").same_period_last_year() == Period(2024, "half", 1)
    assert parse_period("2025-H1").previous() == Period(2024, "half", 2)
    assert parse_period("2025-01").previous() == Period(2024, "month", 12)
    assert parse_period("2025-Q3").previous() == Period(2025, "quarter", 2)
    assert parse_period("2025").previous() == Period(2024, "year")
    assert [str(m) for m in parse_period("2025-Q2").months()] == ["2025-04", "2025-05", "2025-06"]
    assert len(parse_period("2025").months()) == 12


def test_danish_labels() -> None:
    assert parse_period("2025-H2").label_da() == "2. halvår 2025"
    assert parse_period("2025-Q1").label_da() == "1. kvartal 2025"
    assert parse_period("2025-03").label_da() == "marts 2025"
    assert parse_period("2025-H1").ytd_label_da() == "1. januar–30. juni 2025"


def test_latest_complete_half_and_month_ends() -> None:
    assert str(latest_complete_half(date(2026, 6, 30))) == "2026-H1"
    assert str(latest_complete_half(date(2026, 12, 30))) == "2026-H1"
    assert str(latest_complete_half(date(2027, 1, 5))) == "2026-H2"
    ends = month_ends(2024)
    assert ends[1] == date(2024, 2, 29) and ends[-1] == date(2024, 12, 31) and len(ends) == 12
    assert month_ends(2025, until=date(2025, 3, 30)) == [date(2025, 1, 31), date(2025, 2, 28)]


def test_add_months_clips_to_month_end() -> None:
    # The FP2 examination deadline: start 15 Jan → due 15 May.
    assert add_months(date(2025, 1, 15), 4) == date(2025, 5, 15)
    # 31 Oct + 4 months: February has no 31st → last day of February.
    assert add_months(date(2023, 10, 31), 4) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 2) == date(2026, 1, 30)
    assert days_in_year(2100) == 365 and days_in_year(2000) == 366
