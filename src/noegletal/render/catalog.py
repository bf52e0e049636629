"""The project's reports and how to render one of them for a data set and period.

The catalogue names each report, its source and its subtitle. :func:`render_named_report`
builds the title-page metadata (municipality, Danish period label, version, date, colour) and
the report parameters, and hands them to :func:`noegletal.render.render_report` — unless the
render cache (:mod:`noegletal.render.cache`) already holds the same render.
:func:`cached_render` checks the cache from the data files' fingerprints alone, before any
data are loaded, which makes an unchanged re-render take a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from noegletal.config import Municipality
from noegletal.data.fingerprint import input_fingerprints
from noegletal.periods import Period
from noegletal.provenance import code_files, code_sha256, lock_sha256
from noegletal.render import RenderResult, render_report
from noegletal.render.cache import cache_key, load_cached, store

if TYPE_CHECKING:
    from noegletal.data.tables import Tables

__all__ = [
    "PROJECT_ROOT",
    "REPORTS",
    "ReportSpec",
    "cached_render",
    "output_dir",
    "render_named_report",
]

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


@dataclass(frozen=True)
class _Plan:
    spec: ReportSpec
    params: dict[str, object]
    metadata: dict[str, object]
    backend: str
    key: str


def _plan(
    name: str,
    *,
    municipality_config: Municipality,
    data_dir: Path,
    period: Period,
    municipality: str | None = None,
    version: int = 1,
    date: dt.date | None = None,
    replaces: str | None = None,
    formats: tuple[str, ...] = ("html", "pdf"),
    backend: str = "auto",
) -> _Plan:
    spec = REPORTS[name]
    date = date or dt.date.today()
    metadata: dict[str, object] = {
        "subtitle": spec.subtitle,
        "municipality": municipality_config.name_of(municipality)
        if municipality
        else municipality_config.name,
        "period-label": period.label_da(),
        "version": version,
        "date": date.isoformat(),
        "primary-colour": municipality_config.branding.primary_colour,
    }
    if replaces:
        metadata["replaces"] = replaces
    params: dict[str, object] = {
        "data_dir": str(Path(data_dir).resolve()),
        "period": str(period),
        "municipality": municipality or "",
    }
    if backend == "auto":
        backend = "quarto" if shutil.which("quarto") else "builtin"
    key = cache_key(
        {
            "inputs": input_fingerprints(data_dir),
            "code": code_sha256(code_files(spec.path)),
            "lock": lock_sha256(),
            "params": params,
            "metadata": metadata,
            "formats": list(formats),
            "backend": backend,
            "stem": f"{name}-{period}",
        }
    )
    return _Plan(spec, params, metadata, backend, key)


def cached_render(
    name: str, *, municipality_config: Municipality, out_dir: Path, **options: Any
) -> RenderResult | None:
    """The stored render of exactly these inputs, code and parameters, copied into
    ``out_dir`` — or ``None`` (then render with :func:`render_named_report`). ``options``
    are those of :func:`render_named_report` (``data_dir``, ``period``, ``municipality``,
    ``version``, ``date``, ``replaces``, ``formats``, ``backend``); only the municipality's
    settings are needed, not the loaded tables."""
    plan = _plan(name, municipality_config=municipality_config, **options)
    return load_cached(plan.key, Path(out_dir))


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
    """Render report ``name`` for ``period`` of the (validated) ``tables`` from ``data_dir``
    (from the render cache when nothing that decides the output has changed)."""
    options = dict(
        data_dir=data_dir,
        period=period,
        municipality=municipality,
        version=version,
        date=date,
        replaces=replaces,
        formats=formats,
        backend=backend,
    )
    plan = _plan(name, municipality_config=tables.municipality, **options)
    cached = load_cached(plan.key, Path(out_dir))
    if cached is not None:
        return cached
    result = render_report(
        plan.spec.path,
        params=plan.params,
        out_dir=out_dir,
        formats=formats,
        backend=plan.backend,
        metadata=plan.metadata,
        output_stem=f"{name}-{period}",
    )
    store(plan.key, result)
    return result
