"""Change logs between two published versions: what a reader of the reports sees change.

Two versions are compared on their **published** values — the values after discretion
(:func:`noegletal.discretion.publish`), as printed by :func:`~noegletal.present.formats.fmt_value`
— for every indicator's value and every cell of its breakdown. A value is *changed* when its
printed text changes: ``"<5"`` that stays ``"<5"`` is unchanged, and so is 9,04 → 9,06 per
1.000 (both print ``9,1``). The difference is computed from the printed (rounded) numbers, so
``9,0 → 9,1`` reads ``+0,1``; shares differ in percentage points. A value that is hidden or
missing on either side (``<5``, ``–``) has no difference.

Besides the indicators, a change log lists every printed cell of the report's tables that
changed (:mod:`noegletal.publish.tables`: the tables read back from the rendered HTML, so
nothing is compared that the report does not print), names the input files that changed (by
name and SHA-256), and says whether the code (code hash), the lock file or the parameters
changed.
"""

from __future__ import annotations

import html
import math
import numbers
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from noegletal.codes import MEASURE_LABELS_DA, PROVIDER_LABELS_DA, STEP_LABELS_DA
from noegletal.discretion import publish
from noegletal.indicators.registry import Result
from noegletal.periods import MONTHS_DA
from noegletal.present.formats import DASH, MINUS, NBSP, fmt_date, fmt_number, fmt_value
from noegletal.publish.manifest import CHANGES_JSON, PUBLISHED_JSON, read_json, read_manifest
from noegletal.publish.pages import page
from noegletal.publish.tables import CellChange, TableChange, compare_tables

__all__ = [
    "ChangeLog",
    "Edition",
    "FileChange",
    "IndicatorChange",
    "TableChange",
    "ValueChange",
    "cell_difference",
    "cell_label",
    "changelog_lines",
    "changes_html",
    "compare",
    "difference_text",
    "load_changes",
    "published_document",
    "replaces_text",
]

#: Danish names of the breakdown dimensions.
DIMENSIONS_DA = {
    "step": "trin",
    "budget_line": "budgetlinje",
    "movement": "bevægelse",
    "area": "område",
    "month": "måned",
    "measure_type": "indsats",
    "paragraph": "paragraf",
    "sector": "sektor",
    "solution": "løsning",
    "year": "år",
    "age_band": "alder",
    "cost_band": "årlig udgift",
    "provider_type": "leverandør",
}
_AREAS_DA = {"children": "børn og unge", "adults": "voksne"}
_KEYS_DA: dict[str, dict[str, str]] = {
    "area": _AREAS_DA,
    "sector": {**_AREAS_DA, "employment": "beskæftigelse", "other": "øvrige"},
    "movement": {
        "lower": "lavere trin",
        "same": "samme trin",
        "higher": "højere trin",
        "none": "ingen indsats",
    },
    "paragraph": {"other": "øvrige"},
    "cost_band": {
        "<0.5m": "under 0,5 mio. kr.",
        "0.5-1m": "0,5–1 mio. kr.",
        "1-2m": "1–2 mio. kr.",
        "2-4m": "2–4 mio. kr.",
        ">=4m": "4 mio. kr. og derover",
    },
    "provider_type": {k: v[:1].lower() + v[1:] for k, v in PROVIDER_LABELS_DA.items()},
    "measure_type": {k: v[:1].lower() + v[1:] for k, v in MEASURE_LABELS_DA.items()},
}

#: Longest cell label or indicator name quoted on a title page.
_EXAMPLE_MAX = 70
#: Longest ``replaces`` text: about three lines on the title page.
_REPLACES_MAX = 260


# ---- the published values of one version ------------------------------------------------


def _plain(value: Any) -> Any:
    """JSON-ready: numpy numbers → Python numbers, NaN → None, trees recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isnan(number) else number
    return value


def published_document(results: Iterable[Result], threshold: int) -> dict[str, Any]:
    """The publishable values (discretion applied) of every indicator: ``published.json``."""
    indicators = []
    for result in results:
        shown = publish(result, threshold)
        indicators.append(
            {
                "id": shown.id,
                "label_da": shown.label_da,
                "unit": shown.unit,
                "value": _plain(shown.value),
                "breakdown": _plain(shown.breakdown),
            }
        )
    return {"discretion_threshold": threshold, "indicators": indicators}


# ---- one side of a comparison -----------------------------------------------------------


@dataclass(frozen=True)
class Edition:
    """One side of a comparison: a published version, or the one being built."""

    version: int
    date: str  # ISO date printed on the report
    inputs: list[dict[str, str]]
    code: dict[str, Any]
    lock_sha256: str | None
    parameters: dict[str, Any]
    published: dict[str, Any]

    @classmethod
    def from_version_dir(cls, path: Path) -> Edition:
        """Read a published version's manifest and ``published.json``."""
        manifest = read_manifest(path)
        return cls.from_manifest(manifest, read_json(Path(path) / PUBLISHED_JSON))

    @classmethod
    def from_manifest(cls, manifest: dict[str, Any], published: dict[str, Any]) -> Edition:
        """An edition from a manifest (as stored in ``manifest.json``) and published values."""
        return cls(
            version=int(manifest["version"]),
            date=str(manifest["date"]),
            inputs=list(manifest["inputs"]),
            code=dict(manifest["code"]),
            lock_sha256=manifest.get("lock_sha256"),
            parameters=dict(manifest["parameters"]),
            published=published,
        )


# ---- the change log -----------------------------------------------------------------------


@dataclass
class ValueChange:
    """One printed value that changed: the indicator's own value (``path`` empty) or a cell."""

    path: list[str]
    label: str
    old: Any
    new: Any
    old_text: str
    new_text: str
    difference: str


@dataclass
class IndicatorChange:
    """An indicator with at least one changed published value (``status``: ``changed``,
    ``added`` or ``removed``)."""

    id: str
    label_da: str
    unit: str
    status: str
    changes: list[ValueChange] = field(default_factory=list)

    @property
    def total(self) -> ValueChange | None:
        """The change of the indicator's own value, if it changed."""
        return next((c for c in self.changes if not c.path), None)


@dataclass
class FileChange:
    """An input file that changed (``status``: ``changed``, ``added`` or ``removed``)."""

    file: str
    status: str
    old_sha256: str | None
    new_sha256: str | None


@dataclass
class ChangeLog:
    """What changed from ``old_version`` to ``new_version`` of one report and period."""

    report: str
    period: str
    old_version: int
    old_date: str
    new_version: int
    new_date: str
    indicators: list[IndicatorChange]
    files: list[FileChange]
    code: dict[str, Any]
    lock: dict[str, Any]
    parameters: dict[str, list[Any]]
    threshold: int = 5  # the discretion threshold of the new version ("<5")
    tables: list[TableChange] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The short Danish text for the new version's title page (:func:`replaces_text`)."""
        return replaces_text(self)

    def to_dict(self) -> dict[str, Any]:
        """``changes.json``."""
        document = asdict(self)
        document["summary"] = self.summary
        document["changed_indicators"] = len(self.indicators)
        document["changed_tables"] = len(self.tables)
        return _plain(document)

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> ChangeLog:
        """Read back :meth:`to_dict`."""
        indicators = [
            IndicatorChange(
                **{k: v for k, v in entry.items() if k != "changes"},
                changes=[ValueChange(**c) for c in entry["changes"]],
            )
            for entry in document["indicators"]
        ]
        return cls(
            report=document["report"],
            period=document["period"],
            old_version=document["old_version"],
            old_date=document["old_date"],
            new_version=document["new_version"],
            new_date=document["new_date"],
            indicators=indicators,
            files=[FileChange(**f) for f in document["files"]],
            code=document["code"],
            lock=document["lock"],
            parameters=document["parameters"],
            threshold=int(document.get("threshold", 5)),
            tables=[
                TableChange(
                    **{k: v for k, v in entry.items() if k != "cells"},
                    cells=[CellChange(**c) for c in entry["cells"]],
                )
                for entry in document.get("tables", [])
            ],
        )


def _flatten(tree: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Leaves of a (nested) breakdown with their key paths."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from _flatten(value, (*path, str(key)))
    else:
        yield path, tree


def _key_label(dim: str, key: str) -> str:
    if dim == "step" and key.isdigit():
        return STEP_LABELS_DA.get(int(key), key).lower()
    if dim == "month" and key.isdigit() and 1 <= int(key) <= 12:
        return MONTHS_DA[int(key) - 1]
    if dim == "age_band" and re.fullmatch(r"\d+-\d+", key):
        return key.replace("-", "–") + " år"
    return _KEYS_DA.get(dim, {}).get(key, key)


def cell_label(path: Iterable[str]) -> str:
    """Danish label of a breakdown cell: ``område: voksne · paragraf: § 107``.

    >>> cell_label(["budget_line", "Plejefamilier"])
    'budgetlinje: Plejefamilier'
    >>> cell_label(["area", "adults", "measure_type", "long_term_housing"])
    'område: voksne · indsats: længerevarende botilbud (§ 108)'
    """
    parts = list(path)
    pairs = zip(parts[0::2], parts[1::2], strict=False)
    labels = [f"{DIMENSIONS_DA.get(dim, dim)}: {_key_label(dim, key)}" for dim, key in pairs]
    if len(parts) % 2:
        labels.append(parts[-1])
    return " · ".join(labels)


def _shown(value: Any, unit: str) -> str:
    return fmt_value(value, unit)


_NUMBER = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})*(?:,\d+)?")


def _parse_shown(text: str) -> tuple[float, int] | None:
    """A printed Danish number back to (value, decimals); ``None`` for ``<5``, ``–`` …."""
    plain = text.replace(NBSP, " ").replace(MINUS, "-").strip()
    for suffix in (" mio. kr.", " kr.", " %"):
        plain = plain.removesuffix(suffix)
    if not _NUMBER.fullmatch(plain):
        return None
    decimals = len(plain.split(",", 1)[1]) if "," in plain else 0
    return float(plain.replace(".", "").replace(",", ".").lstrip("+")), decimals


def difference_text(old_text: str, new_text: str, unit: str) -> str:
    """The difference of two printed values, with sign and unit (``–`` if not numbers).

    >>> difference_text("9,0", "9,1", "per_1000"), difference_text("12,3 %", "11,8 %", "share")
    ('+0,1', '−0,5 pct.-point')
    >>> difference_text("1.234.567 kr.", "1.300.000 kr.", "kr")
    '+65.433 kr.'
    >>> difference_text("<5", "7", "persons")
    '–'
    """
    old, new = _parse_shown(old_text), _parse_shown(new_text)
    if old is None or new is None:
        return DASH
    decimals = max(old[1], new[1])
    diff = round(new[0] - old[0], decimals)
    sign = "+" if diff > 0 else MINUS if diff < 0 else "±"
    suffix = {"share": " pct.-point", "rate": " pct.-point", "kr": " kr.", "kr_per_person": " kr."}
    suffix = suffix.get(unit, "")
    return f"{sign}{fmt_number(abs(diff), decimals)}{suffix}"


def _value_change(
    path: tuple[str, ...], old: Any, new: Any, old_unit: str, new_unit: str
) -> ValueChange | None:
    old_text, new_text = _shown(old, old_unit), _shown(new, new_unit)
    if old_text == new_text:
        return None
    difference = difference_text(old_text, new_text, new_unit) if old_unit == new_unit else DASH
    return ValueChange(list(path), cell_label(path), old, new, old_text, new_text, difference)


def _indicator_change(old: dict[str, Any] | None, new: dict[str, Any] | None) -> IndicatorChange:
    base = new or old or {}
    status = "added" if old is None else "removed" if new is None else "changed"
    old, new = old or {}, new or {}
    old_unit = old.get("unit") or base["unit"]
    new_unit = new.get("unit") or base["unit"]
    change = IndicatorChange(base["id"], base.get("label_da") or base["id"], new_unit, status)
    total = _value_change((), old.get("value"), new.get("value"), old_unit, new_unit)
    if total is not None:
        change.changes.append(total)
    old_cells = dict(_flatten(old.get("breakdown") or {}))
    new_cells = dict(_flatten(new.get("breakdown") or {}))
    for path in [*new_cells, *(p for p in old_cells if p not in new_cells)]:
        cell = _value_change(path, old_cells.get(path), new_cells.get(path), old_unit, new_unit)
        if cell is not None:
            change.changes.append(cell)
    return change


def compare(old: Edition, new: Edition, *, report: str, period: str) -> ChangeLog:
    """The change log from edition ``old`` to edition ``new`` of one report and period."""
    old_entries = {e["id"]: e for e in old.published["indicators"]}
    new_entries = {e["id"]: e for e in new.published["indicators"]}
    indicators = []
    for indicator_id in [*new_entries, *(i for i in old_entries if i not in new_entries)]:
        change = _indicator_change(old_entries.get(indicator_id), new_entries.get(indicator_id))
        if change.changes or change.status != "changed":
            indicators.append(change)
    old_files = {e["file"]: e["sha256"] for e in old.inputs}
    new_files = {e["file"]: e["sha256"] for e in new.inputs}
    files = []
    for name in sorted(set(old_files) | set(new_files)):
        before, after = old_files.get(name), new_files.get(name)
        if before != after:
            status = "added" if before is None else "removed" if after is None else "changed"
            files.append(FileChange(name, status, before, after))
    code = {
        "changed": old.code.get("sha256") != new.code.get("sha256"),
        "old_sha256": old.code.get("sha256"),
        "new_sha256": new.code.get("sha256"),
        "old_commit": old.code.get("git_commit"),
        "new_commit": new.code.get("git_commit"),
    }
    lock = {
        "changed": old.lock_sha256 != new.lock_sha256,
        "old_sha256": old.lock_sha256,
        "new_sha256": new.lock_sha256,
    }
    parameters = {
        name: [old.parameters.get(name), new.parameters.get(name)]
        for name in sorted(set(old.parameters) | set(new.parameters))
        if old.parameters.get(name) != new.parameters.get(name)
    }
    return ChangeLog(
        report=report,
        period=period,
        old_version=old.version,
        old_date=old.date,
        new_version=new.version,
        new_date=new.date,
        indicators=indicators,
        files=files,
        code=code,
        lock=lock,
        parameters=parameters,
        threshold=int(new.published.get("discretion_threshold", 5)),
        tables=compare_tables(old.published.get("tables"), new.published.get("tables")),
    )


# ---- texts ----------------------------------------------------------------------------------


def _day(iso: str) -> str:
    try:
        return fmt_date(date.fromisoformat(iso))
    except ValueError:
        return iso


def _clip(text: str, limit: int = _EXAMPLE_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _example(log: ChangeLog) -> str:
    """One changed figure, preferring an indicator whose own value changed."""
    chosen = next((c for c in log.indicators if c.total is not None), log.indicators[0])
    if not chosen.changes:  # a removed indicator without values
        return _clip(chosen.label_da)
    value = chosen.total or chosen.changes[0]
    name = chosen.label_da if not value.path else f"{chosen.label_da}, {value.label}"
    return f"{_clip(name)}: {value.old_text} → {value.new_text}"


def _table_example(log: ChangeLog) -> str:
    """One changed table cell: ``bl.a. <title>, <row>, <column>: 12 → 13``."""
    table = next((t for t in log.tables if t.cells), None)
    if table is None:
        return _clip(log.tables[0].title)
    cell = table.cells[0]
    name = _clip(f"{table.title}, {cell.row}, {cell.column}")
    return f"bl.a. {name}: {cell.old or DASH} → {cell.new or DASH}"


def cell_difference(old: str | None, new: str | None) -> str:
    """The difference of two printed table cells (``–`` unless both are numbers).

    >>> cell_difference("1.234 kr.", "1.300 kr."), cell_difference("12,5 %", "13,0 %")
    ('+66 kr.', '+0,5 pct.-point')
    >>> cell_difference("1,4 mio. kr.", "1,9 mio. kr."), cell_difference("+3.494", "+3.988")
    ('+0,5 mio. kr.', '+494')
    >>> cell_difference("<5", "7"), cell_difference("12", "1,2 mio. kr.")
    ('–', '–')
    """
    if old is None or new is None:
        return DASH
    suffixes = (" mio. kr.", " kr.", " %")
    suffix = next((x for x in suffixes if new.endswith(x)), "")
    if suffix != next((x for x in suffixes if old.endswith(x)), ""):
        return DASH  # printed in different units
    if suffix == " mio. kr.":
        plain = difference_text(old.removesuffix(suffix), new.removesuffix(suffix), "number")
        return plain if plain == DASH else f"{plain} mio. kr."
    return difference_text(old, new, {" kr.": "kr", " %": "share"}.get(suffix, "number"))


def _names(names: list[str], limit: int) -> str:
    if len(names) <= limit:
        return ", ".join(names[:-1]) + (" og " if len(names) > 1 else "") + names[-1]
    return ", ".join(names[:limit]) + f" og {len(names) - limit} andre"


def _reasons(log: ChangeLog, file_limit: int) -> list[str]:
    reasons = []
    if log.files:
        reasons.append(f"Ændrede datafiler: {_names([f.file for f in log.files], file_limit)}.")
    if log.code.get("changed"):
        reasons.append("Ændret programkode.")
    if log.lock.get("changed"):
        reasons.append("Opdaterede programpakker.")
    if log.parameters:
        reasons.append("Ændrede indstillinger: " + ", ".join(log.parameters) + ".")
    return reasons


def replaces_text(log: ChangeLog) -> str:
    """The short Danish text on the new version's title page (at most about three lines).

    E.g. "Erstatter version 1 af 15. august 2026. Ændrede tal: 3 nøgletal (bl.a. Anbragte
    pr. 1.000 0-22-årige: 9,0 → 9,1). Ændrede datafiler: interventions.csv."
    """
    lead = f"Erstatter version {log.old_version} af {_day(log.old_date)}."
    count = len(log.indicators)
    attempts = []
    for with_example, file_limit in ((True, 3), (False, 3), (False, 1)):
        tables = len(log.tables)
        if count:
            numbers_text = f"Ændrede tal: {count} nøgletal"
            if with_example:
                numbers_text += f" ({'bl.a. ' if count > 1 else ''}{_example(log)})"
            numbers_text += "."
        elif tables:
            numbers_text = f"Ændrede tal i {tables} {'tabel' if tables == 1 else 'tabeller'}"
            if with_example:
                numbers_text += f" ({_table_example(log)})"
            numbers_text += "."
        else:
            numbers_text = "Ingen offentliggjorte tal er ændret."
        text = " ".join([lead, numbers_text, *_reasons(log, file_limit)])
        attempts.append(text)
        if len(text) <= _REPLACES_MAX:
            return text
    return attempts[-1]


def changelog_lines(log: ChangeLog) -> list[str]:
    """The change log as plain Danish text lines (``noegletal diff``)."""
    lines = [
        f"{log.report} {log.period}: version {log.old_version} ({_day(log.old_date)}) → "
        f"version {log.new_version} ({_day(log.new_date)})",
        "",
    ]
    if log.indicators:
        lines.append(f"Ændrede nøgletal ({len(log.indicators)}):")
        for change in log.indicators:
            status = {"added": " [nyt]", "removed": " [udgået]"}.get(change.status, "")
            lines.append(f"  {change.id} — {change.label_da}{status}")
            for value in change.changes:
                what = value.label or "i alt"
                lines.append(
                    f"      {what}: {value.old_text} → {value.new_text} ({value.difference})"
                )
    else:
        lines.append("Ingen offentliggjorte nøgletal er ændret.")
    if log.tables:
        lines += ["", f"Ændrede tal i rapportens tabeller ({len(log.tables)}):"]
        for table in log.tables:
            status = {"added": " [ny tabel]", "removed": " [udgået tabel]"}.get(table.status, "")
            lines.append(f"  {table.title}{status}")
            for cell in table.cells:
                lines.append(
                    f"      {cell.row} · {cell.column}: {cell.old or DASH} → {cell.new or DASH}"
                    f" ({cell_difference(cell.old, cell.new)})"
                )
    lines.append("")
    if log.files:
        lines.append("Ændrede datafiler:")
        for f in log.files:
            before = (f.old_sha256 or "")[:12] or "(ingen)"
            after = (f.new_sha256 or "")[:12] or "(ingen)"
            lines.append(f"  {f.file}: {_FILE_STATUS_DA[f.status]}, SHA-256 {before} → {after}")
    else:
        lines.append("Ingen datafiler er ændret.")
    lines.append(
        "Programkoden er ændret." if log.code.get("changed") else "Programkoden er uændret."
    )
    if log.lock.get("changed"):
        lines.append("Programpakkerne (uv.lock) er ændret.")
    for name, (before, after) in log.parameters.items():
        lines.append(f"Indstilling {name}: {before} → {after}")
    return lines


_FILE_STATUS_DA = {"changed": "ændret", "added": "ny", "removed": "fjernet"}


# ---- the Danish change page --------------------------------------------------------------------


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _links(links: list[tuple[str, str]]) -> str:
    return " · ".join(f'<a href="{_e(href)}">{_e(label)}</a>' for label, href in links)


def changes_html(
    log: ChangeLog,
    *,
    title: str,
    municipality: str,
    period_label: str,
    old_links: list[tuple[str, str]],
    new_links: list[tuple[str, str]],
    archive_href: str,
    colour: str | None = None,
) -> str:
    """The Danish change page of a version (``changes.html``): self-contained, no scripts.

    ``old_links``/``new_links`` are (label, relative href) pairs to the two versions' reports;
    ``archive_href`` is the relative link to the archive's ``index.html``.
    """
    old_v, new_v = log.old_version, log.new_version
    count = len(log.indicators)
    replaced = (
        f"Version {new_v} af {_e(_day(log.new_date))} erstatter version {old_v} af "
        f"{_e(_day(log.old_date))}."
    )
    tables = len(log.tables)
    in_tables = (
        f"{tables} {'tabel' if tables == 1 else 'tabeller'} i rapporten har ændrede tal"
        if tables
        else ""
    )
    if count:
        also = f", og {in_tables}" if in_tables else ""
        summary = f"<p>{replaced} {count} nøgletal har ændrede tal{also}.</p>"
    elif in_tables:
        summary = f"<p>{replaced} {in_tables[0].upper()}{in_tables[1:]}.</p>"
    else:
        summary = f"<p>{replaced} Ingen offentliggjorte tal er ændret.</p>"
    parts = [
        '<div class="summary">',
        summary,
        f'<p class="links"><strong>Version {new_v}:</strong> {_links(new_links)}'
        f'<span class="sep"></span><strong>Version {old_v}:</strong> {_links(old_links)}'
        f'<span class="sep"></span><a href="{_e(archive_href)}">Alle versioner</a></p>',
        "</div>",
        "<h2>Ændrede nøgletal</h2>",
    ]
    if log.indicators:
        parts += _comparison_head(
            f"Ændrede tal fra version {old_v} til version {new_v}", "Nøgletal", log
        )
        for change in log.indicators:
            status = {"added": " (nyt nøgletal)", "removed": " (udgået)"}.get(change.status, "")
            total = change.total
            cells = (
                f'<td class="num">{_e(total.old_text)}</td><td class="num">'
                f'{_e(total.new_text)}</td><td class="num">{_e(total.difference)}</td>'
                if total
                else '<td class="num"></td><td class="num"></td><td class="num"></td>'
            )
            parts.append(
                f'<tr class="indicator"><th scope="row">{_e(change.label_da)}{_e(status)}'
                f'<span class="id">{_e(change.id)}</span></th>{cells}</tr>'
            )
            for value in change.changes:
                if not value.path:
                    continue
                parts.append(
                    f'<tr class="cell"><td>{_e(value.label)}</td>'
                    f'<td class="num">{_e(value.old_text)}</td>'
                    f'<td class="num">{_e(value.new_text)}</td>'
                    f'<td class="num">{_e(value.difference)}</td></tr>'
                )
        parts += ["</tbody>", "</table>"]
    else:
        parts.append("<p>Ingen offentliggjorte tal er ændret.</p>")
    small = f"&lt;{log.threshold}"
    parts.append(
        '<p class="note">Tallene er sammenlignet, som de offentliggøres: efter diskretionering '
        f"og afrundet som i rapporten. «{small}» angiver 1–{log.threshold - 1} personer eller "
        "sager, «–» et tal, der ikke kan beregnes eller er udeladt. Et tal, der var "
        f"«{small}» og stadig er det, regnes ikke som ændret. Forskellen er beregnet af de "
        "viste tal; for andele i procentpoint.</p>"
    )
    if log.tables:
        parts += _tables_section(log)
    parts.append("<h2>Ændrede datafiler</h2>")
    if log.files:
        parts += [
            "<table>",
            '<thead><tr><th scope="col">Fil</th><th scope="col">Ændring</th>'
            f'<th scope="col">SHA-256, version {old_v}</th>'
            f'<th scope="col">SHA-256, version {new_v}</th></tr></thead>',
            "<tbody>",
        ]
        for f in log.files:
            parts.append(
                f"<tr><td>{_e(f.file)}</td><td>{_FILE_STATUS_DA[f.status]}</td>"
                f"<td>{_hash(f.old_sha256)}</td><td>{_hash(f.new_sha256)}</td></tr>"
            )
        parts += ["</tbody>", "</table>"]
    else:
        parts.append("<p>Ingen datafiler er ændret.</p>")
    parts.append("<h2>Program og indstillinger</h2>")
    program = []
    if log.code.get("changed"):
        program.append(
            f"Programkoden er ændret (kode-hash {_hash(log.code.get('old_sha256'))} → "
            f"{_hash(log.code.get('new_sha256'))})."
        )
    else:
        program.append("Programkoden er uændret.")
    if log.lock.get("changed"):
        program.append("Programpakkerne (uv.lock) er ændret.")
    for name, (before, after) in log.parameters.items():
        program.append(f"Indstillingen {_e(name)} er ændret fra {_e(before)} til {_e(after)}.")
    parts.append("<p>" + " ".join(program) + "</p>")
    return page(
        title=f"Ændringer i version {new_v} — {title} — {period_label}",
        kicker=municipality,
        heading=f"Ændringer i version {new_v}",
        lead=f"{title} · {period_label}",
        body="\n".join(parts),
        footer=(
            f"{_e(municipality)} · {_e(title)} · {_e(period_label)} · version {new_v}. "
            "En udgivet version ændres aldrig; rettelser udgives som en ny version. "
            f'<a href="{_e(archive_href)}">Til arkivet</a>'
        ),
        colour=colour,
    )


def _comparison_head(caption: str, first: str, log: ChangeLog) -> list[str]:
    """The opening of an old-versus-new table: caption (for screen readers) and header."""
    return [
        "<table>",
        f'<caption class="visually-hidden">{_e(caption)}</caption>',
        f'<thead><tr><th scope="col">{_e(first)}</th>'
        f'<th scope="col" class="num">Version {log.old_version}</th>'
        f'<th scope="col" class="num">Version {log.new_version}</th>'
        '<th scope="col" class="num">Forskel</th></tr></thead>',
        "<tbody>",
    ]


def _tables_section(log: ChangeLog) -> list[str]:
    """The printed cells of the report's tables that changed, table by table."""
    caption = (
        f"Ændrede celler i rapportens tabeller fra version {log.old_version} til version "
        f"{log.new_version}"
    )
    parts = [
        "<h2>Ændrede tal i rapportens tabeller</h2>",
        *_comparison_head(caption, "Tabel, række og kolonne", log),
    ]
    for table in log.tables:
        status = {"added": " (ny tabel)", "removed": " (udgået tabel)"}.get(table.status, "")
        parts.append(
            f'<tr class="indicator"><th scope="row" colspan="4">{_e(table.title)}{_e(status)}'
            f'<span class="id">{_e(table.id)}</span></th></tr>'
        )
        for cell in table.cells:
            parts.append(
                f'<tr class="cell"><td>{_e(cell.row)} · {_e(cell.column)}</td>'
                f'<td class="num">{_e(cell.old or DASH)}</td>'
                f'<td class="num">{_e(cell.new or DASH)}</td>'
                f'<td class="num">{_e(cell_difference(cell.old, cell.new))}</td></tr>'
            )
    parts += ["</tbody>", "</table>"]
    parts.append(
        '<p class="note">Cellerne er sammenlignet, som de står i rapportens tabeller: samme '
        "afrunding og enhed som tabellen (se dens overskrift, fx «Beløb i 1.000 kr.»). En række "
        "genkendes på sin første kolonne, en kolonne på sin overskrift.</p>"
    )
    return parts


def _hash(sha: str | None) -> str:
    if not sha:
        return "–"
    return f'<code title="{_e(sha)}">{_e(sha[:12])}…</code>'


def load_changes(version_dir: Path) -> ChangeLog | None:
    """The stored change log of a version (``None`` for v1)."""
    path = Path(version_dir) / CHANGES_JSON
    if not path.is_file():
        return None
    return ChangeLog.from_dict(read_json(path))
