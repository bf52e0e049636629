"""Private helpers of the focus-point presentation modules (:mod:`.children`, :mod:`.budget`).

Reference values from VIVE's report (seed ``001_…``), the publishable value of an indicator
in another period, table and chart scaffolding in the house style, and small Danish text
helpers. Nothing here computes an indicator: it only reads results and lays them out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd
from great_tables import GT

from noegletal.discretion import discretion_note, publish
from noegletal.periods import Period, parse_period
from noegletal.present.formats import fmt_mio_kr, fmt_number, fmt_pct, fmt_value
from noegletal.present.report import ReportData
from noegletal.present.theme import house_table

__all__ = [
    "AREA_LABELS_DA",
    "VIVE_APPEAL_REVERSAL",
    "VIVE_BUDGET_OVERSPEND",
    "VIVE_BUDGET_PRECISION",
    "VIVE_NEED_PER_0_22",
    "VIVE_PLACED_PER_1000",
    "VIVE_SOURCE",
    "VIVE_SPEND_PER_0_22",
    "area_label",
    "fmt_1000_kr",
    "gt_table",
    "is_number",
    "join_da",
    "label_auto",
    "nbsp",
    "needs_note",
    "published_at",
    "shown_at",
    "which_way",
]

# ---- VIVE (2017): "Inspiration til økonomisk og faglig styring på det specialiserede børn og
# unge-område", table 1.1, "Gennemsnitskommunen" (93 municipalities, 2015) and chapter 1.
#: Anbragte pr. 1.000 0-22-årige.
VIVE_PLACED_PER_1000 = 9.2
#: Udgiftsniveau 2015, kr. pr. 0-22-årig (2015 prices).
VIVE_SPEND_PER_0_22 = 9747.0
#: Forventet udgiftsbehov 2015, kr. pr. 0-22-årig (2015 prices).
VIVE_NEED_PER_0_22 = 9899.0
#: Andel ændrede eller hjemviste sager i Ankestyrelsen (2015).
VIVE_APPEAL_REVERSAL = 0.36
#: Budgetoverskridelse på området i 2015 (kap. 1: "overskridelsen var i 2015 på 3 %"; tabel 1.1
#: viser gennemsnitskommunen som −3 % med omvendt fortegn, positiv = mindreforbrug).
VIVE_BUDGET_OVERSPEND = 0.03
#: Budgetpræcision (afvigelse) på området i 2015 (kap. 1).
VIVE_BUDGET_PRECISION = 0.063
VIVE_SOURCE = (
    "VIVE (2017): Inspiration til økonomisk og faglig styring på det specialiserede børn og "
    "unge-område, tabel 1.1 og kapitel 1 (gennemsnitskommunen 2015)"
)

AREA_LABELS_DA = {"children": "Børn og unge", "adults": "Voksne"}


def area_label(area: str | None) -> str:
    """``children`` → ``Børn og unge``; ``None`` → ``Det specialiserede socialområde``."""
    if area is None:
        return "Det specialiserede socialområde"
    return AREA_LABELS_DA.get(area, area)


def is_number(value: Any) -> bool:
    """True for a publishable number (not ``None``, not the ``"<5"`` label, not NaN)."""
    if value is None or isinstance(value, str | bool):
        return False
    try:
        return not pd.isna(value)
    except TypeError:
        return False


def published_at(data: ReportData, period: Period | str, ids: Sequence[str]) -> dict[str, Any]:
    """Publishable results (:class:`~noegletal.discretion.PublishedResult`) of ``ids`` in
    another ``period`` (the report's own period gives ``data.published``)."""
    period = parse_period(period)
    if period == data.period:
        return {i: data.published[i] for i in ids}
    results = data.at(period, ids=list(ids))
    return {i: publish(results[i], data.threshold) for i in ids}


def shown_at(data: ReportData, period: Period | str, indicator_id: str) -> str:
    """The Danish-formatted publishable value of an indicator in ``period``."""
    result = published_at(data, period, [indicator_id])[indicator_id]
    return fmt_value(result.value, result.unit)


def which_way(now: Any, before: Any, decimals: int = 1) -> str | None:
    """``"højere end"``, ``"lavere end"`` or ``"det samme som"`` — compared at the shown
    precision, so the words never contradict the printed numbers; ``None`` if either is not
    a number."""
    if not (is_number(now) and is_number(before)):
        return None
    a, b = round(float(now), decimals), round(float(before), decimals)
    if a > b:
        return "højere end"
    if a < b:
        return "lavere end"
    return "det samme som"


def join_da(items: Iterable[str]) -> str:
    """``["a", "b", "c"]`` → ``a, b og c``."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " og " + items[-1]


def gt_table(
    frame: pd.DataFrame,
    table_id: str,
    data: ReportData,
    *,
    title: str | None = None,
    subtitle: str | None = None,
    right: Sequence[str] = (),
    sources: Sequence[str] = (),
    discretion: bool = False,
    groupname_col: str | None = None,
) -> GT:
    """:func:`~noegletal.present.theme.house_table` with the report's colour, the ``sources``
    and, when ``discretion``, the discretion footnote."""
    notes = [*sources, *([discretion_note(data.threshold)] if discretion else [])]
    return house_table(
        frame,
        table_id,
        title=title,
        subtitle=subtitle,
        right=right,
        notes=notes,
        primary=data.primary,
        groupname_col=groupname_col,
    )


def label_auto(unit: str = "number") -> Callable[[Sequence[float]], list[str]]:
    """Axis labels with as few decimals as the breaks need (``2,5`` is never shown as ``3``):
    ``unit`` ``number``, ``pct`` (fractions) or ``mio_kr`` (kroner)."""

    def decimals(values: Sequence[float]) -> int:
        for places in range(3):
            if all(abs(v * 10**places - round(v * 10**places)) < 1e-9 for v in values):
                return places
        return 2

    def labels(values: Sequence[float]) -> list[str]:
        values = [float(v) for v in values]
        if unit == "pct":
            places = decimals([v * 100 for v in values])
            return [fmt_pct(v, places) for v in values]
        if unit == "mio_kr":
            places = decimals([v / 1e6 for v in values])
            return [fmt_mio_kr(v, places) for v in values]
        places = decimals(values)
        return [fmt_number(v, places) for v in values]

    return labels


def fmt_1000_kr(value: Any, signed: bool = False) -> str:
    """An amount in thousands of kroner for a table whose header says ``1.000 kr.``:
    ``137229402`` → ``137.229``; with ``signed`` a positive amount gets ``+``. ``None`` → ``–``.

    >>> fmt_1000_kr(137_229_402), fmt_1000_kr(-1_985_349), fmt_1000_kr(2_127_276, signed=True)
    ('137.229', '−1.985', '+2.127')
    """
    if not is_number(value):
        return fmt_number(value)
    text = fmt_number(float(value) / 1000, 0)
    return "+" + text if signed and round(float(value) / 1000) > 0 else text


def nbsp(text: str) -> str:
    """Bind a unit to its number with non-breaking spaces (``12,3 %``, ``1.234 kr.``,
    ``4 mio. kr.``), so a line never breaks between them in the HTML or the PDF.

    >>> nbsp("1.234 kr. (12,3 %), 4 mio. kr.").split(" ")
    ['1.234\\xa0kr.', '(12,3\\xa0%),', '4\\xa0mio.\\xa0kr.']
    """
    return re.sub(
        r"(?<=\d) (%|kr\.|mio\. kr\.)", lambda m: "\u00a0" + m[1].replace(" ", "\u00a0"), text
    )


def needs_note(frame: pd.DataFrame, small: str) -> bool:
    """True if a formatted table shows a small count (``<5``) or a dash (``–``): it then
    carries the discretion footnote."""
    return bool(frame.isin([small, "–"]).to_numpy().any()) if len(frame) else False


def has_hidden(values: Iterable[Any]) -> bool:
    """True if any cell is suppressed (``None``) or a small-count label (``"<5"``)."""
    return any(v is None or isinstance(v, str) for v in values)
