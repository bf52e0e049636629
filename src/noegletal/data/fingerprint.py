"""Fingerprints of a data directory's input files, without reading the tables.

The files the loader would read (one per table, found as :func:`noegletal.data.io` finds
them, honouring ``mapping.yml``), ``municipality.yml`` and the mapping file itself, each with
its SHA-256. Cheap (hashing, no parsing), so a cache can be checked before any data are
loaded.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from noegletal.data.spec import TABLES
from noegletal.hashing import file_sha256

__all__ = ["input_fingerprints"]

_FORMATS = ("csv", "xlsx", "parquet")


def input_fingerprints(data_dir: Path, mapping_path: Path | None = None) -> list[tuple[str, str]]:
    """Sorted ``(file name, sha256)`` of every input file of ``data_dir``."""
    data_dir = Path(data_dir)
    if mapping_path is None and (data_dir / "mapping.yml").is_file():
        mapping_path = data_dir / "mapping.yml"
    mapping = {}
    if mapping_path is not None and Path(mapping_path).is_file():
        mapping = yaml.safe_load(Path(mapping_path).read_text(encoding="utf-8")) or {}
    files: list[Path] = []
    for name in TABLES:
        mapped = (mapping.get(name) or {}).get("file") if isinstance(mapping, dict) else None
        if mapped:
            candidates = [data_dir / mapped]
        else:
            candidates = [data_dir / f"{name}.{fmt}" for fmt in _FORMATS]
        files += [p for p in candidates if p.is_file()]
    for extra in (data_dir / "municipality.yml", mapping_path):
        if extra is not None and Path(extra).is_file():
            files.append(Path(extra))
    return sorted((p.name, file_sha256(p)) for p in files)
