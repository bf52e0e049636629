"""Incremental rendering: reuse a previous render when nothing that decides it has changed.

Quarto's ``freeze`` hashes only the ``.qmd``: changed data, imported modules or the
environment would not re-execute (``RENDERING-NOTES.md``). Our cache key is a SHA-256 over
everything that decides the output — the input files' hashes, the code (every package
``.py`` file, the render templates, the report's ``.qmd`` and ``_quarto.yml``), ``uv.lock``,
the report parameters, the title-page metadata, the formats and the backend. A hit copies the
stored HTML, PDF and notebook into the output folder (atomically, as a render does); a miss
renders and stores the result.

The cache lives in ``.cache/render/`` of the project (or ``$NOEGLETAL_CACHE_DIR``). It is
disposable: delete it at any time. ``NOEGLETAL_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from noegletal.render.result import RenderResult, publish

__all__ = ["cache_dir", "cache_key", "load_cached", "store"]

FILES = ("html", "pdf", "notebook")


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is off."""
    if os.environ.get("NOEGLETAL_NO_CACHE"):
        return None
    configured = os.environ.get("NOEGLETAL_CACHE_DIR")
    if configured:
        return Path(configured)
    from noegletal.render.catalog import PROJECT_ROOT

    return PROJECT_ROOT / ".cache" / "render"


def cache_key(parts: dict[str, Any]) -> str:
    """SHA-256 of the JSON of ``parts`` (keys sorted).

    >>> cache_key({"a": 1}) == cache_key({"a": 1}), cache_key({"a": 1}) == cache_key({"a": 2})
    (True, False)
    """
    text = json.dumps(parts, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load_cached(key: str, out_dir: Path) -> RenderResult | None:
    """Copy a stored render into ``out_dir``; ``None`` on a miss or a damaged entry."""
    root = cache_dir()
    if root is None:
        return None
    entry = root / key
    manifest = entry / "entry.json"
    if not manifest.is_file():
        return None
    started = time.perf_counter()
    stored = json.loads(manifest.read_text(encoding="utf-8"))
    paths: dict[str, Path | None] = {}
    for kind in FILES:
        name = stored["files"].get(kind)
        if name is None:
            paths[kind] = None
            continue
        source = entry / name
        if not source.is_file() or _sha256(source) != stored["sha256"][name]:
            return None
        paths[kind] = publish(source, Path(out_dir), name)
    return RenderResult(
        html=paths["html"],
        pdf=paths["pdf"],
        notebook=paths["notebook"],
        backend=stored["backend"],
        seconds=time.perf_counter() - started,
    )


def store(key: str, result: RenderResult) -> None:
    """Keep a copy of a finished render under ``key`` (atomically: a complete entry or none)."""
    root = cache_dir()
    if root is None:
        return
    root.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        files: dict[str, str | None] = {}
        hashes = {}
        for kind in FILES:
            path = getattr(result, kind)
            files[kind] = path.name if path else None
            if path:
                shutil.copyfile(path, building / path.name)
                hashes[path.name] = _sha256(building / path.name)
        entry = {"files": files, "sha256": hashes, "backend": result.backend}
        (building / "entry.json").write_text(json.dumps(entry, indent=1), encoding="utf-8")
        target = root / key
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.replace(building, target)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def with_seconds(result: RenderResult, seconds: float) -> RenderResult:
    """``result`` with another wall time."""
    return replace(result, seconds=seconds)
