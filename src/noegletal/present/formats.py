"""Danish number formats — the one place that turns numbers into text for a reader.

``1.234.567 kr.``, ``12,3 %``, ``8,7``, ``40 mio. kr.``; negative numbers use the true minus
sign (U+2212), as great_tables does. A published value that is a small-count label
(``"<5"``) is passed through; ``None`` (suppressed or missing) prints as an en dash.

>>> fmt_kr(1234567.4), fmt_pct(0.1234), fmt_number(8.74, 1), fmt_mio_kr(40_000_000)
('1.234.567 kr.', '12,3 %', '8,7', '40 mio. kr.')
>>> fmt_kr(-2500), fmt_number(None), fmt_number("<5")
('−2.500 kr.', '–', '<5')
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from noegletal.periods import MONTH_ABBR_DA, MONTHS_DA, Period

__all__ = [
    "DASH",
    "MINUS",
    "NBSP",
    "fmt_change_pct",
    "fmt_count_text",
    "fmt_date",
    "fmt_kr",
    "fmt_mio_kr",
    "fmt_number",
    "fmt_pct",
    "fmt_period_end",
    "fmt_value",
]

MINUS = "\u2212"
DASH = "–"
NBSP = "\u00a0"


def _passthrough(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, str):
        return value
    return None


def fmt_number(value: Any, decimals: int = 0) -> str:
    """``1234567.891`` → ``1.234.567,89`` with ``decimals`` decimals (rounded half away from
    zero, as a controller expects)."""
    passed = _passthrough(value)
    if passed is not None:
        return passed
    number = float(value)
    scaled = abs(number) * 10**decimals
    rounded = math.floor(scaled + 0.5) / 10**decimals
    text = f"{rounded:,.{decimals}f}"  # 1,234,567.89
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    negative = number < 0 and rounded != 0
    return (MINUS if negative else "") + text


def fmt_kr(value: Any, decimals: int = 0) -> str:
    """Kroner: ``1.234.567 kr.``."""
    passed = _passthrough(value)
    return passed if passed is not None else f"{fmt_number(value, decimals)} kr."


def fmt_mio_kr(value: Any, decimals: int | None = None) -> str:
    """Millions of kroner: ``40 mio. kr.``, ``12,5 mio. kr.`` (one decimal unless whole)."""
    passed = _passthrough(value)
    if passed is not None:
        return passed
    millions = float(value) / 1e6
    if decimals is None:
        decimals = 0 if abs(round(millions, 1) - round(millions)) < 1e-9 else 1
    return f"{fmt_number(millions, decimals)} mio. kr."


def fmt_pct(value: Any, decimals: int = 1) -> str:
    """A share (fraction) as a Danish percentage: ``0.123`` → ``12,3 %``."""
    passed = _passthrough(value)
    return passed if passed is not None else f"{fmt_number(float(value) * 100, decimals)} %"


def fmt_change_pct(value: Any, decimals: int = 1) -> str:
    """A relative change with its sign: ``+4,2 %`` / ``−3,0 %``."""
    passed = _passthrough(value)
    if passed is not None:
        return passed
    text = fmt_pct(value, decimals)
    return text if text.startswith(MINUS) or float(value) == 0 else "+" + text


_DECIMALS = {
    "persons": 0,
    "count": 0,
    "full_year_persons": 1,
    "per_1000": 1,
    "ratio": 2,
    "days": 0,
    "persons_per_fte": 1,
}


def fmt_value(value: Any, unit: str) -> str:
    """Format a value by its indicator unit (share → %, kr → kr., counts → whole numbers)."""
    if unit in ("share", "rate"):
        return fmt_pct(value)
    if unit in ("kr", "kr_per_person"):
        return fmt_kr(value)
    return fmt_number(value, _DECIMALS.get(unit, 1))


def fmt_period_end(period: Period) -> str:
    """A chart's axis label for a status at a period's end, on two lines: ``jun.``/``2025``.

    >>> fmt_period_end(Period(2025, "half", 1))
    'jun.\\n2025'
    """
    return f"{MONTH_ABBR_DA[period.end.month - 1]}\n{period.end.year}"


def fmt_date(day: date | Any) -> str:
    """A date in Danish long form: ``30. juni 2026`` (``–`` when missing).

    >>> fmt_date(date(2026, 6, 30))
    '30. juni 2026'
    """
    if day is None or (isinstance(day, float) and math.isnan(day)):
        return DASH
    if hasattr(day, "to_pydatetime"):
        day = day.to_pydatetime()
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def fmt_count_text(value: Any) -> str:
    """A count for running text: ``12``, ``færre end 5`` (for ``"<5"``), ``et ukendt antal``.

    >>> fmt_count_text("<5"), fmt_count_text(1234), fmt_count_text(None)
    ('færre end 5', '1.234', 'et ukendt antal')
    """
    if isinstance(value, str) and value.startswith("<"):
        return f"færre end {value[1:]}"
    if value is None:
        return "et ukendt antal"
    return fmt_number(value)
