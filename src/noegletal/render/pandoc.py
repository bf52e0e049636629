"""Run Pandoc (the binary shipped by ``pypandoc-binary``) and work with its JSON AST.

The AST is plain JSON: every element is ``{"t": Type, "c": contents}``. The helpers here
walk and rebuild it without a Pandoc filter library.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from noegletal.render.result import RenderError

__all__ = [
    "Node",
    "div",
    "pandoc_path",
    "plain",
    "raw_block",
    "raw_inline",
    "read_html_fragments",
    "read_markdown",
    "rewrite",
    "run_pandoc",
    "stringify",
    "write",
]

Node = dict[str, Any]

#: Pandoc Markdown as Quarto reads it (the default extensions are what we need).
MARKDOWN = "markdown"


@cache
def pandoc_path() -> str:
    """Path of the Pandoc binary bundled with ``pypandoc-binary``."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def run_pandoc(args: Sequence[str], text: str, *, cwd: Path | None = None) -> str:
    """Run Pandoc with ``args`` on ``text`` (UTF-8); return its output or raise RenderError."""
    proc = subprocess.run(
        [pandoc_path(), *args],
        input=text.encode("utf-8"),
        capture_output=True,
        cwd=cwd,
        check=False,
    )
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"pandoc {' '.join(args)} failed ({proc.returncode}): {message}")
    return proc.stdout.decode("utf-8")


def read_markdown(markdown: str) -> Node:
    """Parse Pandoc Markdown into the JSON AST."""
    return json.loads(run_pandoc(["--from", MARKDOWN, "--to", "json"], markdown))


def read_html_fragments(fragments: Sequence[str]) -> list[list[Node]]:
    """Parse HTML fragments with Pandoc's HTML reader, in one Pandoc run.

    Each fragment is wrapped in a numbered ``<div>``; the blocks of each div are returned.
    """
    if not fragments:
        return []
    wrapped = "\n".join(
        f'<div id="noegletal-fragment-{i}">\n{html}\n</div>' for i, html in enumerate(fragments)
    )
    doc = json.loads(run_pandoc(["--from", "html", "--to", "json"], wrapped))
    found: dict[int, list[Node]] = {}
    for block in doc["blocks"]:
        if block["t"] == "Div" and block["c"][0][0].startswith("noegletal-fragment-"):
            found[int(block["c"][0][0].rsplit("-", 1)[1])] = block["c"][1]
    return [found.get(i, []) for i in range(len(fragments))]


def write(doc: Node, to: str, args: Sequence[str] = (), *, cwd: Path | None = None) -> str:
    """Write the AST ``doc`` with Pandoc's ``to`` writer."""
    return run_pandoc(["--from", "json", "--to", to, *args], json.dumps(doc), cwd=cwd)


def rewrite(node: Any, fn: Callable[[Node], list[Node] | None]) -> Any:
    """Rebuild ``node``, replacing elements for which ``fn`` returns a list.

    ``fn`` is called on every element (block or inline) in a list. If it returns ``None``
    the element is kept and its children are visited; if it returns a list, that list is
    spliced in its place (and not visited again).
    """
    if isinstance(node, list):
        result: list[Any] = []
        for item in node:
            if isinstance(item, dict) and "t" in item:
                replacement = fn(item)
                if replacement is not None:
                    result.extend(replacement)
                    continue
            result.append(rewrite(item, fn))
        return result
    if isinstance(node, dict):
        return {key: rewrite(value, fn) for key, value in node.items()}
    return node


def stringify(node: Any) -> str:
    """The plain text of an AST fragment (like ``pandoc.utils.stringify``).

    Examples
    --------
    >>> stringify([{"t": "Str", "c": "12,5"}, {"t": "Space"}, {"t": "Str", "c": "%"}])
    '12,5 %'
    """
    if isinstance(node, list):
        return "".join(stringify(item) for item in node)
    if not isinstance(node, dict):
        return ""
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        return str(content)
    if kind in {"Space", "SoftBreak", "LineBreak"}:
        return " "
    if kind in {"Code", "Math", "RawInline"}:
        return str(content[1]) if kind != "RawInline" else ""
    if kind in {"Plain", "Para"}:
        return stringify(content)
    if kind in {"Image", "Link", "Span"}:
        return stringify(content[1])
    if kind == "Quoted":
        return '"' + stringify(content[1]) + '"'
    if kind == "Cite":
        return stringify(content[1])
    return stringify(content) if isinstance(content, list) else ""


def raw_block(fmt: str, text: str) -> Node:
    """A ``RawBlock`` in format ``fmt``."""
    return {"t": "RawBlock", "c": [fmt, text]}


def raw_inline(fmt: str, text: str) -> Node:
    """A ``RawInline`` in format ``fmt``."""
    return {"t": "RawInline", "c": [fmt, text]}


def plain(inlines: list[Node]) -> Node:
    """A ``Plain`` block."""
    return {"t": "Plain", "c": inlines}


def div(classes: list[str], blocks: list[Node], ident: str = "") -> Node:
    """A ``Div`` with an id and classes."""
    return {"t": "Div", "c": [[ident, classes, []], blocks]}
