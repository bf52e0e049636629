"""Shared fixtures: copies of the hand-built data sets that tests may change."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "data" / "tiny"
EXAMPLE = ROOT / "data" / "example"


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    """A writable copy of tests/data/tiny."""
    target = tmp_path / "tiny"
    shutil.copytree(TINY, target)
    return target


def edit_csv(path: Path, change: Callable[[list[dict[str, str]]], list[dict[str, str]] | None]):
    """Read a CSV as dict rows, let ``change`` edit them in place (or return new rows), write
    it back with the same header (a column dropped from every row is dropped from the file)."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        header = list(reader.fieldnames or [])
    result = change(rows)
    rows = rows if result is None else result
    header = [h for h in header if not rows or h in rows[0]] + [
        k for k in (rows[0] if rows else {}) if k not in header
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(autouse=True, scope="session")
def _isolated_render_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests never read or fill the developer's render cache (.cache/render)."""
    import os

    previous = os.environ.get("NOEGLETAL_CACHE_DIR")
    os.environ["NOEGLETAL_CACHE_DIR"] = str(tmp_path_factory.mktemp("render-cache"))
    yield
    if previous is None:
        os.environ.pop("NOEGLETAL_CACHE_DIR", None)
    else:
        os.environ["NOEGLETAL_CACHE_DIR"] = previous
