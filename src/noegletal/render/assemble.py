"""Turn an executed notebook into one Pandoc Markdown document (shared by HTML and Typst).

Each output becomes Markdown that both writers understand:

* ``text/markdown`` (and ``output: asis`` text) is inserted as Markdown;
* ``image/png`` is written to the build folder and referenced as ``![fig-cap](file)``;
  its ``fig-alt`` is kept in :class:`Figure` and set on the image in the AST later;
* ``text/html`` (great_tables, DataFrames) becomes a raw HTML block inside a
  ``.cell-output-html`` div (with ``tbl-cap`` as a ``.table-caption`` div), which the HTML
  writer keeps and the Typst path re-reads with Pandoc's HTML reader;
* ``text/plain`` (only when nothing richer exists) and printed output become code blocks;
  ``stderr`` (warnings) is dropped when ``warning: false``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from noegletal.render.execute import ExecutedDocument
from noegletal.render.qmd import Cell, MarkdownChunk
from noegletal.render.result import RenderError

__all__ = ["Assembled", "Figure", "assemble", "cell_settings"]

#: Quarto's defaults for the cell options we support.
_DEFAULTS: dict[str, Any] = {"echo": True, "output": True, "warning": True, "include": True}
_OPTION_LINE = re.compile(r"^#\s*\|")


@dataclass(frozen=True)
class Figure:
    """A chart written to the build folder; ``alt`` is the cell's ``fig-alt``."""

    file: str
    alt: str | None
    caption: str | None
    where: str


@dataclass
class Assembled:
    """The Markdown body and the figures it references (keyed by file name)."""

    markdown: str
    figures: dict[str, Figure] = field(default_factory=dict)


def cell_settings(meta: Mapping[str, Any], cell: Cell) -> dict[str, Any]:
    """Effective options of ``cell``: Quarto defaults <- ``execute:`` metadata <- ``#|``."""
    execute = meta.get("execute") if isinstance(meta.get("execute"), Mapping) else {}
    return {**_DEFAULTS, **dict(execute or {}), **cell.options}


def assemble(executed: ExecutedDocument, meta: Mapping[str, Any], build_dir: Path) -> Assembled:
    """Build the Pandoc Markdown body from the executed notebook; write PNGs to ``build_dir``."""
    out = Assembled(markdown="")
    blocks: list[str] = []
    for number, part in enumerate(executed.parts):
        if isinstance(part.chunk, MarkdownChunk):
            blocks.append(part.text)
        elif isinstance(part.chunk, Cell):
            blocks.extend(_cell_blocks(part.chunk, part.cell, number, meta, build_dir, out))
    out.markdown = "\n\n".join(b.strip("\n") for b in blocks if b.strip()) + "\n"
    return out


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _cell_blocks(
    cell: Cell,
    nb_cell: Any,
    number: int,
    meta: Mapping[str, Any],
    build_dir: Path,
    out: Assembled,
) -> list[str]:
    opts = cell_settings(meta, cell)
    if opts["include"] is False:
        return []
    blocks: list[str] = []
    if opts["echo"] is True:
        code = "\n".join(ln for ln in cell.source.splitlines() if not _OPTION_LINE.match(ln))
        blocks.append(_fenced(code.strip("\n"), "{.python .cell-code}"))
    if opts["output"] is False:
        return blocks
    asis = opts["output"] == "asis"
    label = cell.label or f"cell-{number}"
    where = f"cell '{label}' (line {cell.line})"
    captions, alts = _as_list(opts.get("fig-cap")), _as_list(opts.get("fig-alt"))
    n_figures = 0
    for output in nb_cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            text = output.get("text", "")
            if output.get("name") == "stderr":
                if opts["warning"] is not False and text.strip():
                    blocks.append(_fenced(text.rstrip("\n"), "{.cell-output-stderr}"))
            elif asis:
                blocks.append(text)
            elif text.strip():
                blocks.append(_fenced(text.rstrip("\n"), "{.cell-output-stdout}"))
            continue
        if kind not in {"display_data", "execute_result"}:
            continue
        data = output.get("data", {})
        if "text/markdown" in data:
            blocks.append(_text(data["text/markdown"]))
        elif "image/png" in data:
            k = n_figures
            n_figures += 1
            name = f"{_slug(label)}-{k + 1}.png"
            (build_dir / name).write_bytes(base64.b64decode(_text(data["image/png"])))
            cap = str(captions[k]) if k < len(captions) else None
            alt = str(alts[k]) if k < len(alts) else None
            out.figures[name] = Figure(file=name, alt=alt, caption=cap, where=where)
            ident = f"#{label}" if cell.label and label.startswith("fig-") and k == 0 else ""
            attrs = f"{{{ident}}}" if ident else ""
            blocks.append(f"![{cap or ''}]({name}){attrs}")
        elif "text/html" in data:
            html = _text(data["text/html"])
            if asis:
                blocks.append(_fenced(html, "{=html}"))
            else:
                blocks.append(_html_block(html, cell, opts.get("tbl-cap")))
        elif "text/plain" in data:
            text = _text(data["text/plain"])
            blocks.append(text if asis else _fenced(text, "{.cell-output-display}"))
        elif data:
            raise RenderError(f"{where}: no supported output type among {sorted(data)}")
    return blocks


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _slug(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", label).strip("-") or "cell"


def _fenced(text: str, info: str) -> str:
    """A fenced block whose fence is longer than any backtick run in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def _html_block(html: str, cell: Cell, caption: Any) -> str:
    ident = f"#{cell.label} " if cell.label and cell.label.startswith("tbl-") else ""
    parts = [f"::::: {{{ident}.cell-output-html}}"]
    if caption:
        parts += [":::: {.table-caption}", str(caption), "::::"]
    parts += [_fenced(html.strip("\n"), "{=html}"), ":::::"]
    return "\n".join(parts)
