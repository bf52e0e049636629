"""The manifest of a published version and the check that a version is complete.

``manifest.json`` is written last into a version, and lists every other file of the version
with its SHA-256 and size. It records what the version was made from — the SHA-256 of every
input file, the code (hash, git commit, package version), the lock file, key package
versions, the parameters and the render backend — and the *publication key*: a hash of
exactly what decides "same publication" (inputs, code hash, lock hash, parameters). The
publication date is recorded but is not part of the key.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from noegletal.data.io import file_sha256
from noegletal.data.tables import Tables

__all__ = [
    "CHANGES_HTML",
    "CHANGES_JSON",
    "INDICATORS_JSON",
    "MANIFEST",
    "MANIFEST_FORMAT",
    "PUBLISHED_JSON",
    "VERSION_RE",
    "ManifestError",
    "file_entries",
    "input_files",
    "publication_key",
    "read_json",
    "read_manifest",
    "verify_version",
    "write_json_durably",
]

MANIFEST = "manifest.json"
INDICATORS_JSON = "indicators.json"
PUBLISHED_JSON = "published.json"
CHANGES_JSON = "changes.json"
CHANGES_HTML = "changes.html"
MANIFEST_FORMAT = 1

#: A version directory: ``v1``, ``v2`` … (never a temporary ``.tmp-…`` directory).
VERSION_RE = re.compile(r"^v([1-9][0-9]*)$")


class ManifestError(RuntimeError):
    """A version's manifest is missing or cannot be read."""


def input_files(tables: Tables, data_dir: Path | None = None) -> list[dict[str, str]]:
    """Every input file with its table and SHA-256, sorted by file name.

    ``Tables.sources`` (the tables and ``municipality.yml``), plus ``mapping.yml`` of the data
    directory when there is one (it changes how the files are read).
    """
    files = {
        source.path.name: {"file": source.path.name, "table": table, "sha256": source.sha256}
        for table, source in tables.sources.items()
    }
    if data_dir is not None:
        mapping = Path(data_dir) / "mapping.yml"
        if mapping.is_file() and mapping.name not in files:
            files[mapping.name] = {
                "file": mapping.name,
                "table": "mapping",
                "sha256": file_sha256(mapping),
            }
    return [files[name] for name in sorted(files)]


def publication_key(
    *,
    inputs: list[dict[str, str]],
    code_sha256: str,
    lock_sha256: str | None,
    parameters: dict[str, Any],
) -> str:
    """SHA-256 of what decides "same publication": input hashes, code, lock, parameters.

    >>> k = publication_key(inputs=[{"file": "a.csv", "sha256": "1"}], code_sha256="c",
    ...                     lock_sha256=None, parameters={"period": "2026-H1"})
    >>> k == publication_key(inputs=[{"file": "a.csv", "table": "a", "sha256": "1"}],
    ...                      code_sha256="c", lock_sha256=None, parameters={"period": "2026-H1"})
    True
    """
    payload = {
        "inputs": sorted([entry["file"], entry["sha256"]] for entry in inputs),
        "code_sha256": code_sha256,
        "lock_sha256": lock_sha256,
        "parameters": parameters,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_entries(directory: Path) -> dict[str, dict[str, Any]]:
    """``{name: {"sha256", "bytes"}}`` of every file in ``directory`` except the manifest."""
    entries: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(directory).iterdir()):
        if path.name == MANIFEST:
            continue
        if not path.is_file() or path.is_symlink():
            raise ManifestError(f"{path}: a version may hold plain files only")
        entries[path.name] = {"sha256": file_sha256(path), "bytes": path.stat().st_size}
    return entries


def write_json_durably(document: Any, path: Path) -> None:
    """Write ``document`` as UTF-8 JSON and fsync it (the caller renames the folder later)."""
    data = json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def read_json(path: Path) -> Any:
    """Read a JSON file (UTF-8)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_manifest(version_dir: Path) -> dict[str, Any]:
    """The manifest of a version; :class:`ManifestError` if missing or unreadable."""
    path = Path(version_dir) / MANIFEST
    try:
        manifest = read_json(path)
    except FileNotFoundError as exc:
        raise ManifestError(
            f"{version_dir}: no {MANIFEST} — not a version made by noegletal, or damaged; "
            "move the folder out of the archive"
        ) from exc
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(manifest, dict) or "key" not in manifest or "files" not in manifest:
        raise ManifestError(f"{path}: not a noegletal manifest")
    return manifest


def verify_version(path: Path, *, number: int | None = None) -> list[str]:
    """Check that a version folder is complete and unaltered; returns the problems found.

    A complete version has a readable ``manifest.json`` whose ``version`` matches the folder
    name (``v2`` → 2), lists ``indicators.json`` and ``published.json`` (and, after v1,
    ``changes.json`` and ``changes.html``) and at least one of the report's HTML or PDF, and
    every listed file exists with the listed size and SHA-256; no file is unlisted.
    An empty list means the version is intact. ``number`` checks a folder that is not yet
    named ``v<number>`` (the publisher checks its temporary folder before the rename).
    """
    path = Path(path)
    if not path.is_dir():
        return [f"{path}: not a directory"]
    match = VERSION_RE.match(path.name)
    if number is None and match is None:
        return [f"{path}: not a version folder name (v1, v2, …)"]
    expected = number if number is not None else int(match.group(1))  # type: ignore[union-attr]
    try:
        manifest = read_manifest(path)
    except ManifestError as exc:
        return [str(exc)]
    problems: list[str] = []
    if manifest.get("version") != expected:
        problems.append(f"{path}: manifest says version {manifest.get('version')!r}")
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return [*problems, f"{path}: the manifest lists no files"]
    required = [INDICATORS_JSON, PUBLISHED_JSON]
    if expected > 1:
        required += [CHANGES_JSON, CHANGES_HTML]
    problems += [f"{path}: {name} is not listed" for name in required if name not in files]
    if not any(name.endswith((".html", ".pdf")) and name != CHANGES_HTML for name in files):
        problems.append(f"{path}: the manifest lists no report (HTML or PDF)")
    for name, entry in sorted(files.items()):
        target = path / name
        if "/" in name or name in ("", ".", "..", MANIFEST):
            problems.append(f"{path}: invalid file name {name!r} in the manifest")
        elif not target.is_file():
            problems.append(f"{path}: {name} is missing")
        elif (size := target.stat().st_size) != entry.get("bytes"):
            problems.append(f"{path}: {name} has {size} bytes, not {entry.get('bytes')}")
        elif file_sha256(target) != entry.get("sha256"):
            problems.append(f"{path}: {name} does not match its SHA-256")
    extra = sorted(p.name for p in path.iterdir() if p.name != MANIFEST and p.name not in files)
    problems += [f"{path}: {name} is not in the manifest" for name in extra]
    return problems
