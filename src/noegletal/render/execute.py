"""Run a parsed .qmd in one Jupyter kernel, as Quarto's Jupyter engine does.

The .qmd becomes a notebook (Markdown cells + code cells, ``#|`` options kept in the source),
a setup cell goes first, the ``params`` are injected after the cell tagged ``parameters``
(papermill's convention), and every cell runs once in a ``python3`` kernel whose working
directory is the qmd's folder. Inline ```{python} expr``` code in Markdown is evaluated
between the cells, with the kernel's ``user_expressions`` like Quarto.

The executed notebook keeps the setup and parameter cells, so ``pytest --nbval`` can re-run
it and compare outputs. The setup cell makes text outputs deterministic (fixed warning
format, no memory addresses in the plain-text form of ``GT`` / ``ggplot`` objects, fixed
figure size and DPI).
"""

from __future__ import annotations

import ast
import keyword
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbformat import NotebookNode

from noegletal.render.qmd import INLINE_EXPR, Cell, MarkdownChunk, QmdDocument
from noegletal.render.result import RenderError, strip_ansi

__all__ = [
    "CELL_TIMEOUT",
    "ExecutedDocument",
    "FigureSettings",
    "Part",
    "build_notebook",
    "execute_document",
    "parameters_source",
]

#: Seconds one cell may run before the render is aborted.
CELL_TIMEOUT = 600.0

INJECTED_SETUP_TAG = "injected-setup"
INJECTED_PARAMETERS_TAG = "injected-parameters"


@dataclass(frozen=True)
class FigureSettings:
    """Figure size (inches) and resolution used for every chart; fixed for determinism."""

    width: float = 6.5
    height: float = 3.6
    dpi: int = 200

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> FigureSettings:
        """Read Quarto's ``fig-width``, ``fig-height``, ``fig-dpi`` (top level or ``execute``)."""
        execute = meta.get("execute") if isinstance(meta.get("execute"), Mapping) else {}
        merged = {**dict(execute or {}), **meta}
        default = cls()
        return cls(
            width=float(merged.get("fig-width", default.width)),
            height=float(merged.get("fig-height", default.height)),
            dpi=int(merged.get("fig-dpi", default.dpi)),
        )


@dataclass
class Part:
    """One notebook cell and the .qmd chunk it came from (``None`` for injected cells).

    For Markdown, ``text`` is the chunk with its inline expressions replaced by their values.
    """

    chunk: MarkdownChunk | Cell | None
    cell: NotebookNode
    text: str = ""


@dataclass
class ExecutedDocument:
    """The executed notebook and its cells in document order."""

    notebook: NotebookNode
    parts: list[Part]


def _setup_source(cwd: Path, fig: FigureSettings) -> str:
    size = f"({fig.width!r}, {fig.height!r})"
    return f"""\
# Injected by noegletal's built-in renderer (like Quarto's setup cell): working directory,
# fixed figure size/DPI/format, and deterministic text for warnings and displayed objects.
import os
import sys
import warnings

os.chdir({str(cwd)!r})


def _show_warning(message, category, filename, lineno, file=None, line=None):
    # No file paths or line numbers: they differ between kernels.
    (file or sys.stderr).write(f"{{category.__name__}}: {{message}}\\n")


warnings.showwarning = _show_warning

import matplotlib
import matplotlib.pyplot

matplotlib.rcParams.update({{
    "figure.figsize": {size},
    "figure.dpi": {fig.dpi},
    "savefig.dpi": {fig.dpi},
    "svg.hashsalt": "noegletal",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
}})
get_ipython().run_line_magic("config", "InlineBackend.figure_formats = ['png']")
try:
    import plotnine

    plotnine.options.figure_size = {size}
    plotnine.options.dpi = {fig.dpi}
    plotnine.options.figure_format = "png"
except ImportError:
    pass

_plain = get_ipython().display_formatter.formatters["text/plain"]
_plain.for_type_by_name("great_tables.gt", "GT", lambda obj, p, cycle: p.text("<GT table>"))
_plain.for_type_by_name("plotnine.ggplot", "ggplot", lambda obj, p, cycle: p.text("<ggplot>"))
del _plain, _show_warning
"""


def parameters_source(params: Mapping[str, object]) -> str:
    """The source of the injected parameters cell (papermill's layout, ``repr`` values).

    Examples
    --------
    >>> print(parameters_source({"period": "2025-H2", "n": 3}))
    # Injected Parameters
    period = '2025-H2'
    n = 3
    """
    lines = ["# Injected Parameters"]
    for name, value in params.items():
        if not name.isidentifier() or keyword.iskeyword(name):
            raise RenderError(f"parameter name {name!r} is not a Python identifier")
        text = repr(value)
        try:
            ast.literal_eval(text)
        except (ValueError, SyntaxError) as exc:
            raise RenderError(
                f"parameter {name!r}: only literals (str, numbers, bool, None, lists, dicts) "
                f"can be injected, got {type(value).__name__}"
            ) from exc
        lines.append(f"{name} = {text}")
    return "\n".join(lines)


def build_notebook(
    doc: QmdDocument,
    params: Mapping[str, object],
    *,
    fig: FigureSettings,
) -> tuple[NotebookNode, list[MarkdownChunk | Cell | None]]:
    """Turn the document into a notebook; returns it and the chunk behind each cell."""
    v4 = nbformat.v4
    setup = v4.new_code_cell(_setup_source(doc.path.resolve().parent, fig))
    setup.metadata["tags"] = [INJECTED_SETUP_TAG]
    cells: list[NotebookNode] = [setup]
    origins: list[MarkdownChunk | Cell | None] = [None]
    injected = False
    for chunk in doc.chunks:
        if isinstance(chunk, MarkdownChunk):
            if chunk.text.strip():
                cells.append(v4.new_markdown_cell(chunk.text))
                origins.append(chunk)
            continue
        code = v4.new_code_cell(chunk.source)
        if chunk.tags:
            code.metadata["tags"] = chunk.tags
        cells.append(code)
        origins.append(chunk)
        if "parameters" in chunk.tags and not injected:
            injected = True
            if params:
                extra = v4.new_code_cell(parameters_source(params))
                extra.metadata["tags"] = [INJECTED_PARAMETERS_TAG]
                cells.append(extra)
                origins.append(None)
    if params and not injected:
        raise RenderError(
            f"{doc.path.name}: parameters {sorted(params)} were given but no cell has "
            "'#| tags: [parameters]'"
        )
    # Deterministic cell ids (nbformat makes random ones): the label, else the position.
    used: set[str] = set()
    for index, (cell, origin) in enumerate(zip(cells, origins, strict=True)):
        label = origin.label if isinstance(origin, Cell) else None
        ident = label if label and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", label) else None
        if ident is None or ident in used:
            ident = f"cell-{index}"
            while ident in used:
                ident += "-x"
        used.add(ident)
        cell["id"] = ident
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    if params:
        nb.metadata["papermill"] = {"parameters": dict(params)}
    return nb, origins


def execute_document(
    doc: QmdDocument,
    params: Mapping[str, object],
    *,
    fig: FigureSettings | None = None,
    timeout: float = CELL_TIMEOUT,
) -> ExecutedDocument:
    """Execute ``doc`` in a fresh ``python3`` kernel and return the executed notebook.

    Raises
    ------
    RenderError
        When a cell or an inline expression raises, times out, or the kernel dies; the
        message names the cell, its .qmd line and source line, and the Python traceback.
    """
    fig = fig or FigureSettings()
    nb, origins = build_notebook(doc, params, fig=fig)
    cwd = doc.path.resolve().parent
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    parts: list[Part] = []
    with tempfile.TemporaryFile(mode="w+b") as kernel_log:
        try:
            with client.setup_kernel(stderr=kernel_log):
                info = client.wait_for_reply(client.kc.kernel_info())
                if info and "language_info" in info.get("content", {}):
                    nb.metadata["language_info"] = info["content"]["language_info"]
                for index, (cell, chunk) in enumerate(zip(nb.cells, origins, strict=True)):
                    part = Part(chunk=chunk, cell=cell)
                    if cell.cell_type == "code":
                        _run_cell(client, cell, index, chunk, doc)
                    elif isinstance(chunk, MarkdownChunk):
                        part.text = _run_inline(client, cell, chunk, doc)
                    parts.append(part)
        except DeadKernelError as exc:
            kernel_log.seek(0)
            log = kernel_log.read().decode("utf-8", "replace")[-4000:]
            raise RenderError(f"{doc.path.name}: the Jupyter kernel died: {exc}\n{log}") from exc
    return ExecutedDocument(notebook=nb, parts=parts)


def _describe(doc: QmdDocument, chunk: MarkdownChunk | Cell | None) -> str:
    if isinstance(chunk, Cell):
        name = f"cell '{chunk.label}'" if chunk.label else "cell"
        return f"{name} at {doc.path.name}, line {chunk.line}"
    if chunk is None:
        return f"injected cell of {doc.path.name}"
    return f"{doc.path.name}, line {chunk.line}"


def _run_cell(
    client: NotebookClient,
    cell: NotebookNode,
    index: int,
    chunk: MarkdownChunk | Cell | None,
    doc: QmdDocument,
) -> None:
    try:
        client.execute_cell(cell, index)
    except CellTimeoutError as exc:
        raise RenderError(f"{_describe(doc, chunk)} timed out: {strip_ansi(str(exc))}") from exc
    except CellExecutionError as exc:
        traceback = strip_ansi(exc.traceback or "")
        where = _describe(doc, chunk)
        failing = ""
        match = re.search(r"Cell In\[\d+\], line (\d+)", traceback)
        if match and isinstance(chunk, Cell):
            n = int(match.group(1))
            source_lines = chunk.source.splitlines()
            if 1 <= n <= len(source_lines):
                line = chunk.line + n - 1
                failing = f"\n  {doc.path.name}:{line} | {source_lines[n - 1].strip()}"
        raise RenderError(
            f"{where} failed: {exc.ename}: {exc.evalue}{failing}\n\n{traceback.strip()}"
        ) from exc


def _run_inline(
    client: NotebookClient, cell: NotebookNode, chunk: MarkdownChunk, doc: QmdDocument
) -> str:
    """Evaluate the chunk's inline expressions; return the Markdown with their values."""
    expressions = [m.group(2).strip() for m in INLINE_EXPR.finditer(chunk.text)]
    if not expressions:
        return chunk.text
    unique = list(dict.fromkeys(expressions))
    request = {str(i): expr for i, expr in enumerate(unique)}
    reply = client.wait_for_reply(client.kc.execute("", silent=False, user_expressions=request))
    content = (reply or {}).get("content", {})
    results = content.get("user_expressions", {})
    values: dict[str, str] = {}
    recorded = []
    for key, expr in request.items():
        result = results.get(key, {"status": "error", "ename": "Error", "evalue": "no reply"})
        if result.get("status") != "ok":
            line = chunk.line + next(
                (i for i, text in enumerate(chunk.text.splitlines()) if expr in text), 0
            )
            trace = strip_ansi("\n".join(result.get("traceback", [])))
            raise RenderError(
                f"inline expression `{{python}} {expr}` at {doc.path.name}, line {line} failed: "
                f"{result.get('ename')}: {result.get('evalue')}\n\n{trace}".rstrip()
            )
        values[expr] = _inline_text(result.get("data", {}))
        recorded.append({"expression": expr, "result": result})
    cell.metadata["user_expressions"] = recorded
    return INLINE_EXPR.sub(lambda m: m.group(1) + values[m.group(2).strip()], chunk.text)


def _inline_text(data: Mapping[str, Any]) -> str:
    """Markdown for one inline value: ``text/markdown`` if given, else the plain text.

    A ``str`` value is inserted without its quotes (as Quarto does since 1.4).

    Examples
    --------
    >>> _inline_text({"text/plain": "'2025-H2'"}), _inline_text({"text/plain": "42"})
    ('2025-H2', '42')
    """
    if "text/markdown" in data:
        return str(data["text/markdown"]).strip()
    plain = str(data.get("text/plain", ""))
    if plain[:1] in {"'", '"'}:
        try:
            value = ast.literal_eval(plain)
        except (ValueError, SyntaxError):
            return plain
        if isinstance(value, str):
            return value
    return plain
