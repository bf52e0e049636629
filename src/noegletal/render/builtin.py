"""The built-in renderer: one kernel run, then Pandoc (HTML, Typst) and Typst (PDF).

Steps: parse the .qmd and merge its metadata -> execute it once in a Jupyter kernel ->
assemble one Pandoc Markdown body -> read it into Pandoc's AST -> per format, rewrite the
AST and write it with our templates -> compile the Typst source to PDF. Everything is built
in a temporary folder and only complete files are moved into ``out_dir``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import time
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
import yaml

from noegletal.periods import MONTHS_DA
from noegletal.render.assemble import Assembled, assemble
from noegletal.render.execute import CELL_TIMEOUT, FigureSettings, execute_document
from noegletal.render.pandoc import Node, read_markdown, rewrite, write
from noegletal.render.qmd import format_options, parse_qmd, resolve_metadata
from noegletal.render.result import RenderError, RenderResult, publish
from noegletal.render.transforms import html_transforms, typst_transforms
from noegletal.scratch import scratch_dir

__all__ = ["DEFAULT_PRIMARY_COLOUR", "document_variables", "font_dir", "render_builtin"]

log = logging.getLogger(__name__)

DEFAULT_PRIMARY_COLOUR = "#1F4E79"
_LABELS = {
    "da": {
        "label-period": "Periode",
        "label-version": "Version",
        "label-date": "Dato",
        "label-author": "Udarbejdet af",
        "label-page": "Side",
        "label-of": "af",
        "toc-title": "Indhold",
    },
    "en": {
        "label-period": "Period",
        "label-version": "Version",
        "label-date": "Date",
        "label-author": "Author",
        "label-page": "Page",
        "label-of": "of",
        "toc-title": "Contents",
    },
}
#: Metadata keys that configure rendering and are not passed to Pandoc as text.
_NOT_TEXT = {"format", "execute", "jupyter", "engine", "params", "project", "toc", "toc-depth"}


def font_dir() -> Path:
    """matplotlib's bundled DejaVu fonts: the PDF uses the same font as the charts."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def _template(name: str) -> Path:
    return Path(str(resources.files("noegletal.render") / "templates" / name))


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        if value.strip() == "today":
            return dt.date.today()
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _display_date(day: dt.date, lang: str) -> str:
    """``1. marts 2026`` in Danish, ISO otherwise."""
    if lang.startswith("da"):
        return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"
    return day.isoformat()


def document_variables(meta: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Split merged metadata into Pandoc metadata (Markdown text) and template variables.

    Returns ``(pandoc_metadata, variables)``: metadata values are parsed by Pandoc as
    Markdown (and escaped for the target format); variables are inserted verbatim.

    Examples
    --------
    >>> md, var = document_variables({"title": "T", "date": "2026-03-01", "version": 2})
    >>> md["date"], md["version"], var["date-iso"], md["primary-colour"]
    ('1. marts 2026', '2', '2026-03-01', '#1F4E79')
    """
    lang = str(meta.get("lang") or "da")
    labels = _LABELS.get(lang[:2], _LABELS["en"])
    text: dict[str, Any] = {**labels, "lang": lang}
    for key, value in meta.items():
        if key in _NOT_TEXT or value is None or isinstance(value, bool | Mapping):
            continue
        text[key] = value if isinstance(value, list) else str(value)
    text.setdefault("title", "Rapport")
    if "version" in text:
        text["version"] = re.sub(r"^\s*version\s+", "", text["version"], flags=re.IGNORECASE)
    variables: dict[str, str] = {}
    day = _parse_date(meta.get("date"))
    if day is not None:
        text["date"] = _display_date(day, lang)
        variables["date-iso"] = day.isoformat()
    colour = str(meta.get("primary-colour") or DEFAULT_PRIMARY_COLOUR)
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", colour):
        raise RenderError(f"primary-colour must look like #1F4E79, got {colour!r}")
    text["primary-colour"] = colour.upper()
    return text, variables


def _pandoc_args(meta: Mapping[str, Any], build: Path, name: str) -> list[str]:
    """Metadata file, variables and TOC/numbering flags shared by both writers."""
    text, variables = document_variables(meta)
    meta_file = build / f"{name}.meta.yaml"
    meta_file.write_text(yaml.safe_dump(text, allow_unicode=True), encoding="utf-8")
    args = ["--standalone", "--metadata-file", str(meta_file)]
    for key, value in variables.items():
        args += ["--variable", f"{key}={value}"]
    if meta.get("toc"):
        args += ["--toc", f"--toc-depth={int(meta.get('toc-depth', 2))}"]
    return args


def _copy_local_images(doc: Node, assembled: Assembled, qmd_dir: Path, build: Path) -> Node:
    """Copy images the Markdown references (not charts) into the build folder."""
    copied: dict[str, str] = {}

    def fn(node: Node) -> list[Node] | None:
        if node["t"] != "Image":
            return None
        src = node["c"][2][0]
        if src in assembled.figures or re.match(r"^[a-z][a-z0-9+.-]*:", src):
            return None
        if src not in copied:
            source = (qmd_dir / src).resolve()
            if not source.is_file():
                raise RenderError(f"image {src!r} not found (looked in {qmd_dir})")
            target = Path("assets") / f"{len(copied) + 1}-{source.name}"
            (build / "assets").mkdir(exist_ok=True)
            shutil.copyfile(source, build / target)
            copied[src] = target.as_posix()
        node["c"][2][0] = copied[src]
        return None

    return rewrite(doc, fn)


def _write_html(body: Node, meta: Mapping[str, Any], assembled: Assembled, build: Path) -> Path:
    fmt_meta = format_options(meta, "html")
    lang = str(fmt_meta.get("lang") or "da")
    doc = html_transforms(body, assembled.figures, lang)
    args = [
        *_pandoc_args(fmt_meta, build, "html"),
        "--template",
        str(_template("report.html")),
        "--css",
        str(_template("report.css")),
        "--embed-resources",
        "--resource-path",
        str(build),
    ]
    if fmt_meta.get("number-sections"):
        args.append("--number-sections")
    target = build / "report.html"
    target.write_text(write(doc, "html5", args, cwd=build), encoding="utf-8")
    return target


def _write_pdf(body: Node, meta: Mapping[str, Any], assembled: Assembled, build: Path) -> Path:
    import typst

    fmt_meta = format_options(meta, "typst")
    lang = str(fmt_meta.get("lang") or "da")
    missing = [f.where for f in assembled.figures.values() if not f.alt]
    if missing:
        raise RenderError(
            "every figure needs alt text for the accessible PDF (PDF/UA-1); add "
            f"'#| fig-alt: ...' to: {', '.join(missing)}"
        )
    doc = typst_transforms(body, assembled.figures, lang)
    args = [*_pandoc_args(fmt_meta, build, "typst"), "--template", str(_template("report.typ"))]
    if fmt_meta.get("number-sections"):
        args += ["--variable", "section-numbering=1.1"]
    source = build / "report.typ"
    source.write_text(write(doc, "typst", args, cwd=build), encoding="utf-8")
    _, variables = document_variables(fmt_meta)
    day = variables.get("date-iso")
    stamp = None
    if day:
        moment = dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC)
        stamp = int(moment.timestamp())
    target = build / "report.pdf"
    try:
        pdf = typst.compile(
            str(source),
            root=str(build),
            font_paths=[str(font_dir())],
            ignore_system_fonts=True,
            pdf_standards="ua-1",
            pdf_tags=True,
            timestamp=stamp,
        )
    except Exception as exc:  # typst.TypstError and friends
        raise RenderError(f"Typst could not compile {source.name}: {exc}") from exc
    target.write_bytes(pdf)
    return target


def render_builtin(
    qmd: Path,
    *,
    params: Mapping[str, object],
    out_dir: Path,
    formats: Sequence[str] = ("html", "pdf"),
    metadata: Mapping[str, object] | None = None,
    output_stem: str | None = None,
    timeout: float = CELL_TIMEOUT,
    keep_build: Path | None = None,
) -> RenderResult:
    """Render ``qmd`` with the built-in renderer (see :func:`noegletal.render.render_report`).

    ``keep_build``, if given, receives a copy of the build folder (Markdown, Typst source,
    PNGs) for debugging.
    """
    started = time.perf_counter()
    qmd = Path(qmd)
    stem = output_stem or qmd.stem
    doc = parse_qmd(qmd)
    meta = resolve_metadata(doc, metadata)
    with scratch_dir("render") as tmp:
        build = Path(tmp)
        executed = execute_document(
            doc, params, fig=FigureSettings.from_metadata(meta), timeout=timeout
        )
        log.info("executed %s in %.1f s", qmd.name, time.perf_counter() - started)
        notebook = build / "report.ipynb"
        nbformat.write(executed.notebook, notebook)
        assembled = assemble(executed, meta, build)
        (build / "report.md").write_text(assembled.markdown, encoding="utf-8")
        body = _copy_local_images(read_markdown(assembled.markdown), assembled, qmd.parent, build)
        built: dict[str, Path] = {}
        if "html" in formats:
            built["html"] = _write_html(body, meta, assembled, build)
        if "pdf" in formats:
            built["pdf"] = _write_pdf(body, meta, assembled, build)
        if keep_build is not None:
            shutil.copytree(build, keep_build, dirs_exist_ok=True)
        # Publish only when every requested file is complete.
        html = publish(built["html"], out_dir, f"{stem}.html") if "html" in built else None
        pdf = publish(built["pdf"], out_dir, f"{stem}.pdf") if "pdf" in built else None
        nb_out = publish(notebook, out_dir, f"{stem}.ipynb")
    seconds = time.perf_counter() - started
    log.info("rendered %s in %.1f s", qmd.name, seconds)
    return RenderResult(html=html, pdf=pdf, notebook=nb_out, backend="builtin", seconds=seconds)
