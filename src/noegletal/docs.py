"""Refresh the generated parts of ``docs/`` (``make docs``; ``python -m noegletal.docs``).

Generated blocks sit between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->`` markers; the
rest of each page is written by hand. ``tests/test_docs.py`` fails when a block is stale.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from noegletal.data.spec import contract_markdown
from noegletal.indicators.registry import catalog_markdown

__all__ = ["GENERATED", "refresh", "render_block"]

#: (document relative to docs/, marker name, generator)
GENERATED: list[tuple[str, str, Callable[[], str]]] = [
    ("data-contract.md", "contract", contract_markdown),
    ("indicators.md", "catalog", catalog_markdown),
]


def _pattern(marker: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {marker}:start -->\n).*?(<!-- {marker}:end -->)", re.S)


def render_block(text: str, marker: str, content: str) -> str:
    """``text`` with the block between the markers replaced by ``content``."""
    if not _pattern(marker).search(text):
        raise ValueError(f"markers <!-- {marker}:start/end --> not found")
    return _pattern(marker).sub(lambda m: m.group(1) + content + m.group(2), text)


def refresh(docs: Path) -> list[Path]:
    """Rewrite every generated block under ``docs``; returns the files that changed."""
    changed = []
    for name, marker, generate in GENERATED:
        path = docs / name
        text = path.read_text(encoding="utf-8")
        new = render_block(text, marker, generate())
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":  # pragma: no cover
    root = Path(__file__).resolve().parents[2] / "docs"
    for path in refresh(root):
        print(f"updated {path}")
