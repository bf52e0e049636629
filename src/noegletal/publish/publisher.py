"""Publish a report as an immutable version: ``<root>/<report>/<period>/v<N>/``.

:func:`publish_report` does, for one report and period:

1. hash the inputs (``Tables.sources``), the code (:mod:`~noegletal.provenance`), the
   lock file and the parameters into the *publication key*;
2. take the series lock (``<series>/.lock``, ``fcntl.flock``; a second publisher waits);
3. remove leftovers of interrupted runs (``.tmp-…``) and compare the key with the current
   version's: equal → nothing is made (*unchanged*);
4. otherwise compute the indicators, diff their published values against the current
   version (the change log), render the report with the change summary on its title page
   into ``<series>/.tmp-v<N>-…/``, write ``indicators.json``, ``published.json``,
   ``changes.json``/``changes.html`` and, last, ``manifest.json``; check that no input file
   changed meanwhile; make everything read-only and ``os.rename`` the folder to ``v<N>``;
5. regenerate the archive's ``index.html`` (:mod:`~noegletal.publish.site`).

A crash or Ctrl-C at any moment leaves either no new version (a ``.tmp-…`` folder the next
run removes) or a complete one.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from noegletal.data.io import file_sha256
from noegletal.data.tables import Tables
from noegletal.indicators import compute
from noegletal.indicators.output import results_document
from noegletal.periods import Period
from noegletal.provenance import code_info, lock_sha256, package_versions
from noegletal.publish.changelog import ChangeLog, Edition, changes_html, compare
from noegletal.publish.changelog import published_document as make_published_document
from noegletal.publish.manifest import (
    CHANGES_HTML,
    CHANGES_JSON,
    INDICATORS_JSON,
    MANIFEST,
    MANIFEST_FORMAT,
    PUBLISHED_JSON,
    file_entries,
    input_files,
    publication_key,
    read_json,
    read_manifest,
    verify_version,
    write_json_durably,
)
from noegletal.publish.site import write_index
from noegletal.publish.tables import compare_tables, report_tables
from noegletal.publish.versions import (
    LOCK_FILE,
    TEMP_PREFIX,
    PublishError,
    fsync_dir,
    hold_lock,
    list_versions,
    pause_point,
    remove_stale_temps,
    remove_temp,
    seal,
)
from noegletal.render import BACKENDS, FORMATS, RenderResult
from noegletal.render.catalog import REPORTS, output_dir, render_named_report

__all__ = ["PublishOutcome", "publish_report", "series_dir"]

Renderer = Callable[..., RenderResult]


@dataclass(frozen=True)
class PublishOutcome:
    """What a publish did: made version ``version`` (``created``) or found it current."""

    report: str
    period: str
    version: int
    path: Path
    created: bool
    changes: ChangeLog | None = None
    backend: str | None = None
    seconds: float = 0.0

    def message(self) -> str:
        """One line for the terminal."""
        head = f"{self.report} {self.period}"
        if not self.created:
            return f"{head}: unchanged: v{self.version} is current ({self.path})"
        text = f"{head}: published v{self.version} → {self.path}"
        if self.backend:
            text += f" ({self.backend}, {self.seconds:.1f} s)"
        return text


def series_dir(root: Path, report: str, period: Period, municipality: str | None = None) -> Path:
    """The folder of a report and period: ``root/<report>/<period>`` (or
    ``root/<report>/<code>/<period>`` for one municipality of several)."""
    return output_dir(Path(root), report, period, municipality)  # str(period) inside


def _resolve_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise PublishError(f"backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    if backend == "auto":
        return "quarto" if shutil.which("quarto") else "builtin"
    return backend


def _report_title(name: str) -> str:
    from noegletal.render.qmd import parse_qmd

    try:
        return str(parse_qmd(REPORTS[name].path).front_matter.get("title") or name)
    except Exception:  # a title is nice to have; rendering reports real problems
        return name


def _quarto_version() -> str | None:
    quarto = shutil.which("quarto")
    if quarto is None:
        return None
    try:
        run = subprocess.run([quarto, "--version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout.strip() or None


def _input_paths(tables: Tables, data_dir: Path) -> dict[str, Path]:
    paths = {source.path.name: source.path for source in tables.sources.values()}
    mapping = Path(data_dir) / "mapping.yml"
    if mapping.is_file():
        paths.setdefault(mapping.name, mapping)
    return paths


def _check_inputs_unchanged(inputs: list[dict[str, str]], paths: dict[str, Path]) -> None:
    """The report reads the data folder itself: refuse if a file changed since it was read."""
    changed = []
    for entry in inputs:
        path = paths.get(entry["file"])
        try:
            if path is None or file_sha256(path) != entry["sha256"]:
                changed.append(entry["file"])
        except OSError:
            changed.append(entry["file"])
    if changed:
        raise PublishError(
            f"input file(s) changed since they were read: {', '.join(changed)}; nothing was "
            "published — publish again when the data folder is stable"
        )


def _links(version_dir_name: str | None, files: dict[str, Any]) -> list[tuple[str, str]]:
    prefix = f"../{version_dir_name}/" if version_dir_name else ""
    links = []
    for suffix, label in (("html", "HTML"), ("pdf", "PDF")):
        name = next(
            (n for n in sorted(files) if n.endswith("." + suffix) and n != CHANGES_HTML), None
        )
        if name:
            links.append((label, prefix + name))
    return links


def publish_report(
    name: str,
    *,
    tables: Tables,
    data_dir: Path,
    period: Period,
    out_root: Path = Path("_publish"),
    municipality: str | None = None,
    date: dt.date | None = None,
    formats: Sequence[str] = ("html", "pdf"),
    backend: str = "auto",
    lock_timeout: float = 600.0,
    on_wait: Callable[[], None] | None = None,
    renderer: Renderer | None = None,
) -> PublishOutcome:
    """Publish report ``name`` for ``period`` of the validated ``tables`` read from
    ``data_dir`` as the next version under ``out_root`` — or do nothing if the current
    version was made from the same inputs, code, lock file and parameters.

    ``date`` is the date printed on the report (default: today); it is not part of the key.
    ``renderer`` defaults to :func:`~noegletal.render.catalog.render_named_report` (tests
    may pass a fake with the same signature).

    Raises
    ------
    PublishError
        Unknown report/format/backend, the lock was not obtained within ``lock_timeout``,
        an input file changed while publishing, or the archive is damaged.
    noegletal.render.RenderError
        Rendering failed (nothing was published).
    """
    if name not in REPORTS:
        raise PublishError(f"unknown report {name!r}: use {', '.join(REPORTS)}")
    chosen = [f for f in FORMATS if f in formats]
    if not chosen or set(formats) - set(FORMATS):
        raise PublishError(f"formats must be a non-empty subset of {FORMATS}, got {formats!r}")
    resolved_backend = _resolve_backend(backend)
    root = Path(out_root)
    target_series = series_dir(root, name, period, municipality)
    inputs = input_files(tables, data_dir)
    code = code_info(REPORTS[name].path)
    lock_hash = lock_sha256()
    parameters: dict[str, Any] = {
        "report": name,
        "period": str(period),
        "municipality": municipality,
        "formats": chosen,
        "backend": resolved_backend,
    }
    key = publication_key(
        inputs=inputs, code_sha256=code["sha256"], lock_sha256=lock_hash, parameters=parameters
    )
    target_series.mkdir(parents=True, exist_ok=True)
    with hold_lock(target_series / LOCK_FILE, timeout=lock_timeout, on_wait=on_wait):
        pause_point("locked")
        remove_stale_temps(target_series)
        numbers = list_versions(target_series)
        current = numbers[-1] if numbers else None
        current_manifest = None
        if current is not None:
            damaged = verify_version(target_series / f"v{current}")
            if damaged:
                raise PublishError(
                    f"the current version v{current} is damaged, nothing was published — "
                    "restore it from a backup: " + "; ".join(damaged)
                )
            current_manifest = read_manifest(target_series / f"v{current}")
        if current_manifest is not None and current_manifest.get("key") == key:
            outcome = PublishOutcome(
                name, str(period), current, target_series / f"v{current}", created=False
            )
        else:
            outcome = _publish_new(
                name,
                tables=tables,
                data_dir=Path(data_dir),
                period=period,
                root=root,
                series=target_series,
                municipality=municipality,
                date=date or dt.date.today(),
                formats=tuple(chosen),
                backend=resolved_backend,
                renderer=renderer or render_named_report,
                current=current,
                current_manifest=current_manifest,
                key=key,
                inputs=inputs,
                code=code,
                lock_hash=lock_hash,
                parameters=parameters,
            )
    if outcome.created:
        pause_point("renamed")
    write_index(root, lock_timeout=lock_timeout)
    return outcome


def _publish_new(
    name: str,
    *,
    tables: Tables,
    data_dir: Path,
    period: Period,
    root: Path,
    series: Path,
    municipality: str | None,
    date: dt.date,
    formats: tuple[str, ...],
    backend: str,
    renderer: Renderer,
    current: int | None,
    current_manifest: dict[str, Any] | None,
    key: str,
    inputs: list[dict[str, str]],
    code: dict[str, Any],
    lock_hash: str | None,
    parameters: dict[str, Any],
) -> PublishOutcome:
    """Build version ``current + 1`` in a temporary folder and rename it into place.

    Runs under the series lock.
    """
    number = (current or 0) + 1
    target = series / f"v{number}"
    # The change log comes first: the new title page states what it replaces.
    results = compute(tables, period)
    threshold = tables.municipality.discretion_threshold
    document = results_document(tables, period, results)
    published = make_published_document(results, threshold)
    edition = Edition(number, date.isoformat(), inputs, code, lock_hash, parameters, published)
    changes: ChangeLog | None = None
    before: Edition | None = None
    if current is not None and current_manifest is not None:
        previous = series / f"v{current}"
        before = Edition.from_manifest(current_manifest, read_json(previous / PUBLISHED_JSON))
        changes = compare(before, edition, report=name, period=str(period))
    tmp = series / f"{TEMP_PREFIX}v{number}-{os.getpid()}-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:

        def render(replaces: str | None) -> RenderResult:
            return renderer(
                name,
                tables=tables,
                data_dir=data_dir,
                period=period,
                out_dir=tmp,
                municipality=municipality,
                version=number,
                date=date,
                replaces=replaces,
                formats=formats,
                backend=backend,
            )

        replaces = changes.summary if changes else None
        result = render(replaces)
        if result.html is not None:
            # The report's tables as printed; the change log compares them cell by cell.
            published["tables"] = report_tables(result.html)
            if changes is not None and before is not None:
                changes.tables = compare_tables(before.published.get("tables"), published["tables"])
                if changes.summary != replaces:  # only tables changed: the title page says so
                    result = render(changes.summary)
        if result.notebook is not None:
            Path(result.notebook).unlink(missing_ok=True)
        pause_point("rendered")
        write_json_durably(document, tmp / INDICATORS_JSON)
        write_json_durably(published, tmp / PUBLISHED_JSON)
        title = _report_title(name)
        if changes is not None and current_manifest is not None:
            write_json_durably(changes.to_dict(), tmp / CHANGES_JSON)
            archive = "../" * len(target.relative_to(root).parts) + "index.html"
            page_text = changes_html(
                changes,
                title=title,
                municipality=tables.municipality.name,
                period_label=period.label_da(),
                old_links=_links(f"v{current}", current_manifest.get("files") or {}),
                new_links=_links(None, {p.name: None for p in tmp.iterdir()}),
                archive_href=archive,
                colour=tables.municipality.branding.primary_colour,
            )
            (tmp / CHANGES_HTML).write_text(page_text, encoding="utf-8")
        _check_inputs_unchanged(inputs, _input_paths(tables, data_dir))
        packages: dict[str, Any] = package_versions()
        if result.backend == "quarto":
            packages["quarto"] = _quarto_version()
        manifest = {
            "format": MANIFEST_FORMAT,
            "report": name,
            "title": title,
            "subtitle": REPORTS[name].subtitle,
            "period": str(period),
            "period_label": period.label_da(),
            "municipality": {"name": tables.municipality.name, "code": tables.municipality.code},
            "version": number,
            "date": date.isoformat(),
            "published_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "key": key,
            "parameters": parameters,
            "inputs": inputs,
            "data_sha256": tables.data_sha256,
            "code": code,
            "lock_sha256": lock_hash,
            "packages": packages,
            "backend": result.backend,
            "render_seconds": round(result.seconds, 2),
            "primary_colour": tables.municipality.branding.primary_colour,
            "replaces": (
                {"version": current, "text": changes.summary} if changes is not None else None
            ),
            "changed_indicators": len(changes.indicators) if changes is not None else None,
            "changed_tables": len(changes.tables) if changes is not None else None,
            "files": file_entries(tmp),
        }
        write_json_durably(manifest, tmp / MANIFEST)
        problems = verify_version(tmp, number=number)
        if problems:
            raise PublishError("the new version is incomplete: " + "; ".join(problems))
        seal(tmp)
        pause_point("sealed")
        if os.path.lexists(target):  # cannot happen under the lock; never overwrite
            raise PublishError(f"{target} exists already; nothing was published")
        os.rename(tmp, target)  # fails on an existing non-empty folder: a second guard
        fsync_dir(series)
    except BaseException:
        if os.path.lexists(tmp):
            remove_temp(tmp)
        raise
    return PublishOutcome(
        name,
        str(period),
        number,
        target,
        created=True,
        changes=changes,
        backend=result.backend,
        seconds=result.seconds,
    )
