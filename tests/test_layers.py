"""Layers kept apart (STYLE.md): computation never imports presentation, reports never compute."""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src" / "noegletal"
PRESENTATION = ("plotnine", "great_tables", "matplotlib", "noegletal.present", "noegletal.render")
COMPUTATION = [
    *sorted((SRC / "indicators").glob("*.py")),
    *sorted((SRC / "data").glob("*.py")),
    SRC / "measures.py",
    SRC / "periods.py",
    SRC / "discretion.py",
    SRC / "scenarios.py",
    SRC / "codes.py",
    SRC / "config.py",
]


def _imports(path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", COMPUTATION, ids=lambda p: str(p.relative_to(SRC)))
def test_computation_does_not_import_presentation(path) -> None:
    bad = [n for n in _imports(path) if n.startswith(PRESENTATION)]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", sorted((ROOT / "reports").glob("*.qmd")), ids=lambda p: p.name)
def test_reports_only_call_and_present(path) -> None:
    text = path.read_text(encoding="utf-8")
    code = "\n".join(re.findall(r"```\{python\}\n(.*?)```", text, flags=re.S))
    for pattern in (
        r"\.groupby\(",
        r"\.merge\(",
        r"\.pivot",
        r"\bpd\.",
        r"\bnp\.",
        r"import pandas",
    ):
        assert not re.search(pattern, code), f"{path.name}: {pattern} belongs in src/noegletal"


def test_every_report_table_is_built_by_the_theme() -> None:
    # One builder (present/theme.py: house_table) gives every table the same look; a GT(...)
    # constructed elsewhere would escape it.
    built_elsewhere = []
    for path in sorted((SRC / "present").glob("*.py")):
        if path.name == "theme.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "GT":
                built_elsewhere.append(f"{path.name}:{node.lineno}")
    assert not built_elsewhere, built_elsewhere
