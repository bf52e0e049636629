"""The archive site: ``_publish/index.html`` lists every published version.

For every report, period and version: links to the HTML and the PDF, the change log, the
date, and which version is current (``gældende``). Static, self-contained, relative links
only: the whole ``_publish`` folder can be copied to any web server or intranet share.

The index is regenerated on every publish, under a lock on the publication root, by
writing a temporary file and renaming it over ``index.html`` (atomic).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import secrets
from pathlib import Path
from urllib.parse import quote

from noegletal.present.formats import fmt_date
from noegletal.publish.pages import page
from noegletal.publish.versions import (
    LOCK_FILE,
    TEMP_PREFIX,
    SeriesInfo,
    VersionInfo,
    fsync_dir,
    hold_lock,
    pause_point,
    remove_stale_temps,
    scan_store,
)

__all__ = ["INDEX", "index_html", "write_index"]

INDEX = "index.html"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _href(root: Path, target: Path) -> str:
    return "/".join(quote(part) for part in target.relative_to(root).parts)


def _day(iso: object) -> str:
    try:
        return fmt_date(dt.date.fromisoformat(str(iso)))
    except ValueError:
        return str(iso)


def _report_order(name: str) -> tuple[int, str]:
    from noegletal.render.catalog import REPORTS

    names = list(REPORTS)
    return (names.index(name) if name in names else len(names), name)


def _changed_counts(version: VersionInfo) -> tuple[int, int] | None:
    """(changed indicators, report tables with changed cells) of a version's change log."""
    path = version.path / "changes.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return int(document["changed_indicators"]), int(document.get("changed_tables") or 0)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _version_row(root: Path, version: VersionInfo, current: int) -> str:
    manifest = version.manifest or {}
    if version.manifest is None:
        return (
            f'<tr><td>Version {version.number}</td><td colspan="4" class="muted">'
            "Versionen mangler sin manifest-fil og vises ikke.</td></tr>"
        )
    files = version.report_files()
    links = [
        f'<a href="{_href(root, version.path / name)}">{label}</a>'
        for fmt, label in (("html", "HTML"), ("pdf", "PDF"))
        if (name := files.get(fmt))
    ]
    if version.has_changes():
        counts = _changed_counts(version)
        if counts is None:
            text = "Ændringer"
        elif counts[0]:
            text = f"{counts[0]} ændrede nøgletal"
        elif counts[1]:
            text = f"Ændrede tal i {counts[1]} {'tabel' if counts[1] == 1 else 'tabeller'}"
        else:
            text = "Ingen ændrede tal"
        changes = f'<a href="{_href(root, version.path / "changes.html")}">{_e(text)}</a>'
    else:
        changes = '<span class="muted">Første version</span>'
    is_current = version.number == current
    status = (
        '<span class="badge">gældende</span>'
        if is_current
        else f'<span class="muted">erstattet af version {version.number + 1}</span>'
    )
    row_class = ' class="current"' if is_current else ""
    return (
        f"<tr{row_class}>"
        f'<th scope="row">Version {version.number}</th>'
        f"<td>{_e(_day(manifest.get('date')))}</td>"
        f"<td>{' · '.join(links) or '–'}</td>"
        f"<td>{changes}</td>"
        f"<td>{status}</td></tr>"
    )


def _series_block(root: Path, series: SeriesInfo) -> str:
    current = series.current
    newest = (current.manifest if current else None) or {}
    label = newest.get("period_label") or series.period
    if series.municipality:
        municipality = (newest.get("municipality") or {}).get("name") or series.municipality
        label = f"{label} · {municipality}"
    rows = [
        _version_row(root, version, current.number if current else 0)
        for version in reversed(series.versions)
    ]
    return "\n".join(
        [
            f"<h3>{_e(label)}</h3>",
            '<table class="versions">',
            '<colgroup><col class="c-version"><col class="c-date"><col class="c-report">'
            '<col class="c-changes"><col class="c-status"></colgroup>',
            '<thead><tr><th scope="col">Version</th><th scope="col">Dato</th>'
            '<th scope="col">Rapport</th><th scope="col">Ændringer</th>'
            '<th scope="col">Status</th></tr></thead>',
            "<tbody>",
            *rows,
            "</tbody>",
            "</table>",
        ]
    )


def index_html(root: Path, *, now: dt.datetime | None = None) -> str:
    """The archive page of the publication root ``root`` (Danish, self-contained)."""
    root = Path(root)
    series = scan_store(root)
    by_report: dict[str, list[SeriesInfo]] = {}
    for item in series:
        by_report.setdefault(item.report, []).append(item)
    manifests = [s.current.manifest for s in series if s.current and s.current.manifest]
    municipalities = sorted({(m.get("municipality") or {}).get("name", "") for m in manifests})
    kicker = municipalities[0] if len(municipalities) == 1 else "Nøgletal"
    colour = next((m.get("primary_colour") for m in manifests if m.get("primary_colour")), None)
    parts = [
        '<p class="note">Alle udgivne versioner af rapporterne. Den <strong>gældende</strong> '
        "version er den seneste. En udgivet version ændres aldrig: når data rettes, udgives en "
        "ny version med en oversigt over, hvilke tal og datafiler der er ændret.</p>"
    ]
    if not series:
        parts.append("<p>Der er endnu ikke udgivet nogen rapporter.</p>")
    for report in sorted(by_report, key=_report_order):
        items = sorted(by_report[report], key=lambda s: (s.period, s.municipality or ""))
        items.reverse()
        newest = next((s.current.manifest for s in items if s.current and s.current.manifest), {})
        title = newest.get("title") or report
        subtitle = newest.get("subtitle") or ""
        sub = f'<span class="sub">{_e(subtitle)}</span>' if subtitle else ""
        parts.append(f'<h2 id="{_e(report)}">{_e(title)}{sub}</h2>')
        parts += [_series_block(root, item) for item in items]
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    updated = f"{fmt_date(stamp.date())} kl. {stamp:%H.%M} UTC"
    return page(
        title="Arkiv over udgivne nøgletalsrapporter",
        kicker=kicker,
        heading="Arkiv over udgivne rapporter",
        lead="Nøgletal for det specialiserede socialområde — alle versioner",
        body="\n".join(parts),
        footer=f"Opdateret {_e(updated)}. Lavet af noegletal.",
        colour=colour,
    )


def write_index(root: Path, *, lock_timeout: float = 600.0) -> Path:
    """Regenerate ``root/index.html`` atomically (temporary file + rename, under a lock)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with hold_lock(root / LOCK_FILE, timeout=lock_timeout):
        remove_stale_temps(root)
        text = index_html(root)
        tmp = root / f"{TEMP_PREFIX}index-{os.getpid()}-{secrets.token_hex(4)}.html"
        try:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o644)
            pause_point("index")
            os.replace(tmp, root / INDEX)
        except BaseException:
            if os.path.lexists(tmp):
                tmp.unlink()
            raise
        fsync_dir(root)
    return root / INDEX
