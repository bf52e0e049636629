"""What a report needs, computed once: tables, exact results and their publishable view.

A ``.qmd`` calls :func:`load_report_data` in its first cell and hands the object to the
``table_*``, ``plot_*`` and ``text_*`` functions; it never computes anything itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from noegletal.data.load import load_tables
from noegletal.data.tables import Tables
from noegletal.discretion import PublishedResult, publish, small_label
from noegletal.indicators import compute
from noegletal.indicators.registry import REGISTRY, Result, indicator_ids
from noegletal.periods import Period, resolve_period
from noegletal.present.formats import fmt_value

__all__ = ["ReportData", "load_report_data"]


@dataclass
class ReportData:
    """The data of one report: one municipality, one period."""

    tables: Tables
    period: Period
    results: dict[str, Result]
    _history: dict[Period, dict[str, Result]] = field(default_factory=dict, repr=False)

    @property
    def municipality(self) -> str:
        """The municipality's name."""
        return self.tables.municipality.name

    @property
    def threshold(self) -> int:
        """The discretion threshold (5 unless ``municipality.yml`` says otherwise)."""
        return self.tables.municipality.discretion_threshold

    @property
    def primary(self) -> str:
        """The municipality's primary colour."""
        return self.tables.municipality.branding.primary_colour

    @property
    def small(self) -> str:
        """The label of a small count: ``<5``."""
        return small_label(self.threshold)

    @cached_property
    def published(self) -> dict[str, PublishedResult]:
        """Publishable view of every result (small counts and bases hidden)."""
        return {k: publish(r, self.threshold) for k, r in self.results.items()}

    def result(self, indicator_id: str) -> Result:
        """The exact result of an indicator."""
        return self.results[indicator_id]

    def value(self, indicator_id: str) -> Any:
        """The publishable value (a number, ``"<5"`` or ``None``)."""
        return self.published[indicator_id].value

    def show(self, indicator_id: str) -> str:
        """The publishable value in Danish format (``9,6``, ``12,3 %``, ``<5``, ``–``)."""
        return fmt_value(self.value(indicator_id), self.results[indicator_id].unit)

    def label(self, indicator_id: str) -> str:
        """The Danish label of an indicator."""
        return REGISTRY[indicator_id].label_da

    def at(self, period: Period | str, ids: list[str] | None = None) -> dict[str, Result]:
        """Exact results of another period (for time series), computed once and cached.

        ``ids`` limits the computation to some indicators (the cache keeps what was asked).
        """
        period = resolve_period(period, self.tables.extract_date)
        if period == self.period:
            return self.results
        cached = self._history.setdefault(period, {})
        wanted = [i for i in (ids or indicator_ids()) if i not in cached]
        if wanted:
            cached.update({r.id: r for r in compute(self.tables, period, ids=wanted)})
        return cached

    def years(self, first: int | None = None) -> list[int]:
        """Complete calendar years in the data up to the period's year (oldest first)."""
        start = self.tables.interventions["start_date"].min().year
        ledger_start = self.tables.ledger["posting_date"].min().year
        first = max(first or 0, start, ledger_start)
        last = self.period.end.year if self.period.end.month == 12 else self.period.year - 1
        return list(range(first, last + 1))


def load_report_data(
    data_dir: str | Path,
    period: str | Period,
    municipality: str | None = None,
    *,
    ids: list[str] | None = None,
) -> ReportData:
    """Load and validate ``data_dir``, select ``municipality`` (a code, for data sets of
    several municipalities) and compute the indicators (all, or ``ids``) for ``period``."""
    tables = load_tables(data_dir)
    if municipality:
        tables = tables.for_municipality(str(municipality).zfill(3))
    resolved = resolve_period(period, tables.extract_date)
    results = {r.id: r for r in compute(tables, resolved, ids=ids)}
    return ReportData(tables, resolved, results)
