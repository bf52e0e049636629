"""The project's reports and how to render one of them for a data set and period.

The catalogue names each report, its source and its subtitle. :func:`render_named_report`
validates the data, resolves the period, builds the title-page metadata (municipality,
Danish period label, version, date, colour) and hands everything to
:func:`noegletal.render.render_report`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from noegletal.data.tables import Tables
from noegletal.periods import Period
from noegletal.render import RenderResult, render_report

__all__ = ["PROJECT_ROOT", "REPORTS", "ReportSpec", "output_dir", "render_named_report"]

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class ReportSpec:
    """One report of the project."""

    name: str
    source: str  # path relative to the project root
    subtitle: str

    @property
    def path(self) -> Path:
        """Absolute path of the ``.qmd``."""
        return PROJECT_ROOT / self.source


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in [
        ReportSpec(
            "committee",
            "reports/committee.qmd",
            "Halvårlig nøgletalsrapport til Socialudvalget",
        ),
        ReportSpec(
            "focus-points",
            "reports/focus-points.qmd",
            "VIVEs seks fokuspunkter for økonomistyring på det specialiserede børneområde",
        ),
        ReportSpec(
            "cross-sector",
            "reports/cross-sector.qmd",
            "Økonomigrundlag og opfølgning for tværgående løsninger",
        ),
    ]
}


def output_dir(root: Path, report: str, period: Period, municipality: str | None = None) -> Path:
    """``root/<report>/<period>`` (``root/<report>/<code>/<period>`` for one of several)."""
    base = Path(root) / report
    return (base / municipality / str(period)) if municipality else base / str(period)


def render_named_report(
    name: str,
    *,
    tables: Tables,
    data_dir: Path,
    period: Period,
    out_dir: Path,
    municipality: str | None = None,
    version: int = 1,
    date: dt.date | None = None,
    replaces: str | None = None,
    formats: tuple[str, ...] = ("html", "pdf"),
    backend: str = "auto",
) -> RenderResult:
    """Render report ``name`` for ``period`` of the (validated) ``tables`` from ``data_dir``."""
    spec = REPORTS[name]
    date = date or dt.date.today()
    metadata: dict[str, object] = {
        "subtitle": spec.subtitle,
        "municipality": tables.municipality.name,
        "period-label": period.label_da(),
        "version": version,
        "date": date.isoformat(),
        "primary-colour": tables.municipality.branding.primary_colour,
    }
    if replaces:
        metadata["replaces"] = replaces
    params = {
        "data_dir": str(Path(data_dir).resolve()),
        "period": str(period),
        "municipality": municipality or "",
    }
    return render_report(
        spec.path,
        params=params,
        out_dir=out_dir,
        formats=formats,
        backend=backend,
        metadata=metadata,
        output_stem=f"{name}-{period}",
    )
