"""Reporting periods: parsing, boundaries and day arithmetic.

A period is a calendar year (``2025``), a half-year (``2025-H1``), a quarter (``2025-Q3``)
or a month (``2025-07``) — ``INDICATORS.md``, *Common definitions*. Every boundary is an
inclusive calendar day (``datetime.date``).

Examples
--------
>>> p = parse_period("2024-H1")
>>> p.start, p.end, p.days
(datetime.date(2024, 1, 1), datetime.date(2024, 6, 30), 182)
>>> str(p.same_period_last_year())
'2023-H1'
>>> p.label_da()
'1. halvår 2024'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

__all__ = [
    "Period",
    "PeriodError",
    "add_months",
    "days_in_year",
    "latest_complete_half",
    "month_ends",
    "parse_period",
    "resolve_period",
]

Kind = Literal["year", "half", "quarter", "month"]

_PATTERNS: list[tuple[Kind, re.Pattern[str]]] = [
    ("year", re.compile(r"^(\d{4})$")),
    ("half", re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)),
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
]

MONTHS_DA = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]
#: Short month names for chart axes.
MONTH_ABBR_DA = [m[:3] + "." if len(m) > 3 else m for m in MONTHS_DA]


class PeriodError(ValueError):
    """A period string that cannot be parsed."""


def days_in_year(year: int) -> int:
    """Number of days in a calendar year (366 in leap years).

    >>> days_in_year(2024), days_in_year(2025)
    (366, 365)
    """
    return 366 if calendar.isleap(year) else 365


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period.

    Parameters
    ----------
    year
        Calendar year.
    kind
        ``year``, ``half``, ``quarter`` or ``month``.
    number
        Half (1–2), quarter (1–4) or month (1–12); 0 for a year.
    """

    year: int
    kind: Kind
    number: int = 0

    # ---- boundaries -------------------------------------------------------------------
    @property
    def first_month(self) -> int:
        """Calendar month in which the period starts."""
        if self.kind == "year":
            return 1
        if self.kind == "half":
            return 1 + 6 * (self.number - 1)
        if self.kind == "quarter":
            return 1 + 3 * (self.number - 1)
        return self.number

    @property
    def n_months(self) -> int:
        """Length of the period in months."""
        return {"year": 12, "half": 6, "quarter": 3, "month": 1}[self.kind]

    @property
    def start(self) -> date:
        """First day of the period."""
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Last day of the period (the *period end*)."""
        last_month = self.first_month + self.n_months - 1
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def ytd_start(self) -> date:
        """1 January of the period's year (start of year-to-date)."""
        return date(self.year, 1, 1)

    @property
    def ytd_days(self) -> int:
        """Days from 1 January to the period end, both included."""
        return (self.end - self.ytd_start).days + 1

    @property
    def is_full_year(self) -> bool:
        """True for a calendar year."""
        return self.kind == "year"

    def annualisation_factor(self) -> float:
        """Days in the year / days year-to-date: scales a ytd sum to a full year.

        >>> round(parse_period("2025-H1").annualisation_factor(), 6)  # 365 / 181
        2.016575
        """
        return days_in_year(self.year) / self.ytd_days

    # ---- relatives --------------------------------------------------------------------
    def same_period_last_year(self) -> Period:
        """The same period one year earlier (for "change against last year")."""
        return Period(self.year - 1, self.kind, self.number)

    def previous(self) -> Period:
        """The period immediately before this one, of the same kind."""
        if self.kind == "year":
            return Period(self.year - 1, "year")
        per_year = {"half": 2, "quarter": 4, "month": 12}[self.kind]
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, per_year)

    def months(self) -> list[Period]:
        """The calendar months of the period, in order."""
        return [Period(self.year, "month", m) for m in range(self.first_month, self.end.month + 1)]

    def contains(self, day: date) -> bool:
        """True if ``day`` lies within the period."""
        return self.start <= day <= self.end

    # ---- text -------------------------------------------------------------------------
    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "half":
            return f"{self.year}-H{self.number}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}-{self.number:02d}"

    def label_da(self) -> str:
        """Danish label for reports: ``2025``, ``1. halvår 2025``, ``3. kvartal 2025``,
        ``juli 2025``."""
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "half":
            return f"{self.number}. halvår {self.year}"
        if self.kind == "quarter":
            return f"{self.number}. kvartal {self.year}"
        return f"{MONTHS_DA[self.number - 1]} {self.year}"

    def ytd_label_da(self) -> str:
        """Danish label of the year-to-date span, e.g. ``1. januar–30. juni 2025``."""
        end = self.end
        return f"1. januar–{end.day}. {MONTHS_DA[end.month - 1]} {self.year}"


def parse_period(text: str | Period) -> Period:
    """Parse ``YYYY``, ``YYYY-H1``/``H2``, ``YYYY-Q1``…``Q4`` or ``YYYY-MM``.

    Raises
    ------
    PeriodError
        If the text matches none of the forms, with the accepted forms in the message.

    >>> parse_period("2025-07").end
    datetime.date(2025, 7, 31)
    >>> parse_period("2025-13")
    Traceback (most recent call last):
    ...
    noegletal.periods.PeriodError: month 13 in period '2025-13' is not 01–12
    """
    if isinstance(text, Period):
        return text
    raw = str(text).strip()
    for kind, pattern in _PATTERNS:
        match = pattern.match(raw)
        if not match:
            continue
        year = int(match.group(1))
        number = int(match.group(2)) if kind != "year" else 0
        if kind == "month" and not 1 <= number <= 12:
            raise PeriodError(f"month {number} in period '{raw}' is not 01–12")
        return Period(year, kind, number)
    raise PeriodError(
        f"cannot read period '{raw}': use YYYY (2025), YYYY-H1/H2 (2025-H1), "
        "YYYY-Q1..Q4 (2025-Q3) or YYYY-MM (2025-07)"
    )


def latest_complete_half(data_end: date) -> Period:
    """The latest half-year that ends on or before ``data_end``.

    >>> str(latest_complete_half(date(2026, 6, 30)))
    '2026-H1'
    >>> str(latest_complete_half(date(2026, 6, 29)))
    '2025-H2'
    """
    candidate = Period(data_end.year, "half", 2)
    while candidate.end > data_end:
        candidate = candidate.previous()
    return candidate


def month_ends(year: int, until: date | None = None) -> list[date]:
    """Last day of each month of ``year`` (optionally only those on or before ``until``).

    >>> [d.day for d in month_ends(2024)][:3]
    [31, 29, 31]
    """
    ends = []
    for month in range(1, 13):
        day = date(year, month, calendar.monthrange(year, month)[1])
        if until is None or day <= until:
            ends.append(day)
    return ends


def add_months(day: date, months: int) -> date:
    """Same day of the month ``months`` later, clipped to the month's last day.

    >>> add_months(date(2025, 1, 15), 4)
    datetime.date(2025, 5, 15)
    >>> add_months(date(2025, 10, 31), 4)
    datetime.date(2026, 2, 28)
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def one_day(day: date) -> date:
    """The following day (small helper that keeps call sites readable)."""
    return day + timedelta(days=1)


def resolve_period(text: str | Period, data_end: date) -> Period:
    """Parse ``text``, also accepting ``latest-half`` and ``latest-year``: the latest complete
    half-year or calendar year on or before ``data_end`` (the data's extract date).

    >>> str(resolve_period("latest-year", date(2026, 6, 30)))
    '2025'
    """
    if isinstance(text, Period):
        return text
    if text == "latest-half":
        return latest_complete_half(data_end)
    if text == "latest-year":
        year = data_end.year if (data_end.month, data_end.day) == (12, 31) else data_end.year - 1
        return Period(year, "year")
    return parse_period(text)
