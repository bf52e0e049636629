"""Read a Quarto document: YAML front matter, Markdown chunks and ``{python}`` cells.

Only the subset of the ``.qmd`` syntax that the built-in renderer supports is recognised
(see ``docs/quarto-features.md``). Everything else in the Markdown is passed to Pandoc as is.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from noegletal.render.result import RenderError

__all__ = [
    "INLINE_EXPR",
    "Cell",
    "MarkdownChunk",
    "QmdDocument",
    "deep_merge",
    "find_project_config",
    "format_options",
    "parse_qmd",
    "resolve_metadata",
]

#: Inline code ```{python} expr``` (Quarto >= 1.4); the same pattern Quarto uses.
INLINE_EXPR = re.compile(r"(^|[^`])`\{python\}[ \t]([^`]+)`", re.MULTILINE)

_CELL_OPEN = re.compile(r"^(?P<fence>`{3,})\s*\{python(?:[\s,][^}]*)?\}\s*$")
_OTHER_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})")
_OPTION_LINE = re.compile(r"^#\s*\| ?(?P<yaml>.*)$")
_FRONT_MATTER_END = {"---", "..."}


@dataclass(frozen=True)
class MarkdownChunk:
    """A run of Markdown between code cells; ``line`` is its first line in the .qmd."""

    text: str
    line: int


@dataclass(frozen=True)
class Cell:
    """One executable ``{python}`` cell.

    ``source`` keeps the ``#|`` option lines (as Quarto's notebooks do); ``line`` is the
    .qmd line of the first source line, so source line *n* is .qmd line ``line + n - 1``.
    """

    source: str
    options: dict[str, Any]
    line: int

    @property
    def label(self) -> str | None:
        """The cell's ``label`` option, if any."""
        label = self.options.get("label")
        return str(label) if label is not None else None

    @property
    def tags(self) -> list[str]:
        """The cell's ``tags`` option as a list of strings."""
        tags = self.options.get("tags") or []
        return [str(t) for t in (tags if isinstance(tags, list) else [tags])]


@dataclass
class QmdDocument:
    """A parsed .qmd file."""

    path: Path
    front_matter: dict[str, Any]
    chunks: list[MarkdownChunk | Cell] = field(default_factory=list)

    @property
    def cells(self) -> list[Cell]:
        """The executable cells, in document order."""
        return [c for c in self.chunks if isinstance(c, Cell)]


def parse_qmd(path: Path) -> QmdDocument:
    """Parse ``path`` into front matter, Markdown chunks and Python cells.

    Raises
    ------
    RenderError
        If the front matter or a cell's ``#|`` options are not valid YAML, or a code
        fence is not closed.

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.qmd").write_text(
    ...     "---\\ntitle: T\\n---\\n\\nTekst\\n\\n```{python}\\n#| label: x\\n1 + 1\\n```\\n"
    ... )
    >>> doc = parse_qmd(d / "a.qmd")
    >>> doc.front_matter, doc.cells[0].label, doc.cells[0].line
    ({'title': 'T'}, 'x', 8)
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    front_matter: dict[str, Any] = {}
    start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in _FRONT_MATTER_END:
                front_matter = _load_yaml("\n".join(lines[1:i]), f"{path.name}: front matter")
                start = i + 1
                break
        else:
            raise RenderError(f"{path.name}: the YAML front matter is not closed with '---'")

    chunks: list[MarkdownChunk | Cell] = []
    md: list[str] = []
    md_line = start + 1
    i = start
    while i < len(lines):
        line = lines[i]
        opened = _CELL_OPEN.match(line)
        other = None if opened else _OTHER_FENCE.match(line)
        if opened is None and other is None:
            md.append(line)
            i += 1
            continue
        fence = (opened or other).group("fence")  # type: ignore[union-attr]
        end = _closing_fence(lines, i + 1, fence)
        if end is None:
            raise RenderError(f"{path.name}, line {i + 1}: code fence {fence!r} is not closed")
        if other is not None:  # a verbatim block in the Markdown: keep it as text
            md.extend(lines[i : end + 1])
        else:
            if md:
                chunks.append(MarkdownChunk("\n".join(md), md_line))
                md = []
            chunks.append(_make_cell(path, lines[i + 1 : end], i + 2))
            md_line = end + 2
        i = end + 1
    if md:
        chunks.append(MarkdownChunk("\n".join(md), md_line))
    return QmdDocument(path=path, front_matter=front_matter, chunks=chunks)


def _closing_fence(lines: list[str], begin: int, fence: str) -> int | None:
    char = fence[0]
    closing = re.compile(rf"^{re.escape(char)}{{{len(fence)},}}\s*$")
    for j in range(begin, len(lines)):
        if closing.match(lines[j]):
            return j
    return None


def _make_cell(path: Path, body: list[str], first_line: int) -> Cell:
    option_lines: list[str] = []
    for line in body:
        m = _OPTION_LINE.match(line)
        if not m:
            break
        option_lines.append(m.group("yaml"))
    options = _load_yaml("\n".join(option_lines), f"{path.name}, line {first_line}: cell options")
    return Cell(source="\n".join(body), options=options, line=first_line)


def _load_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{where} are not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RenderError(f"{where} must be a YAML mapping, got {type(data).__name__}")
    return data


def find_project_config(qmd: Path) -> Path | None:
    """Return the nearest ``_quarto.yml`` (or ``.yaml``) in the qmd's folder or its parents."""
    for folder in [qmd.resolve().parent, *qmd.resolve().parent.parents]:
        for name in ("_quarto.yml", "_quarto.yaml"):
            if (folder / name).is_file():
                return folder / name
    return None


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``override`` into a copy of ``base``; nested mappings merge, other values replace.

    Examples
    --------
    >>> deep_merge({"execute": {"echo": False}, "lang": "da"}, {"execute": {"warning": False}})
    {'execute': {'echo': False, 'warning': False}, 'lang': 'da'}
    """
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def resolve_metadata(
    doc: QmdDocument, overrides: Mapping[str, object] | None = None
) -> dict[str, Any]:
    """Project ``_quarto.yml`` <- document front matter <- ``overrides``, merged in that order.

    The ``project`` key of ``_quarto.yml`` is dropped (it configures Quarto, not the document).
    """
    meta: dict[str, Any] = {}
    config = find_project_config(doc.path)
    if config is not None:
        project = _load_yaml(config.read_text(encoding="utf-8"), str(config))
        project.pop("project", None)
        meta = project
    meta = deep_merge(meta, doc.front_matter)
    return deep_merge(meta, dict(overrides or {}))


def format_options(meta: Mapping[str, Any], fmt: str) -> dict[str, Any]:
    """The metadata as one output format sees it: top level merged with ``format: <fmt>:``.

    ``fmt`` is the Quarto format name (``html`` or ``typst``).
    """
    formats = meta.get("format")
    base = {k: v for k, v in meta.items() if k != "format"}
    if isinstance(formats, Mapping) and isinstance(formats.get(fmt), Mapping):
        return deep_merge(base, formats[fmt])
    return base
