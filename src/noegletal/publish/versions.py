"""The version store: layout, listing, the per-series lock and the atomic steps.

Layout of a publication root (``_publish/`` by default)::

    _publish/
      index.html                      the archive (regenerated atomically on every publish)
      .lock                           lock for regenerating index.html
      committee/2026-H1/              one *series*: a report and a period
        .lock                         lock held while publishing this series
        v1/  v2/ …                    published versions (read-only, never changed)
        .tmp-v3-…/                    a version being built (never a version)
      committee/101/2026-H1/          a series of one municipality of several (--municipality)

A version folder appears only by ``os.rename`` of a complete, sealed (read-only) temporary
folder in the same series folder, under the series lock. Anything whose name starts with
``.tmp-`` is a leftover of an interrupted run; the next run removes it under the lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from noegletal.publish.manifest import VERSION_RE, ManifestError, read_manifest

__all__ = [
    "LOCK_FILE",
    "PAUSE_ENV",
    "TEMP_PREFIX",
    "PublishError",
    "SeriesInfo",
    "VersionInfo",
    "fsync_dir",
    "hold_lock",
    "list_versions",
    "pause_point",
    "remove_stale_temps",
    "remove_temp",
    "scan_store",
    "seal",
]

LOCK_FILE = ".lock"
TEMP_PREFIX = ".tmp-"
#: Test hook: comma-separated phases at which a publish sleeps (see :func:`pause_point`).
PAUSE_ENV = "NOEGLETAL_PUBLISH_PAUSE_AT"
PAUSE_SECONDS_ENV = "NOEGLETAL_PUBLISH_PAUSE_SECONDS"


class PublishError(RuntimeError):
    """Publishing failed or was refused; nothing was published."""


# ---- listing ---------------------------------------------------------------------------------


def list_versions(series_dir: Path) -> list[int]:
    """The version numbers present in a series folder, ascending (``v1``, ``v2`` …).

    Temporary folders (``.tmp-…``) and anything else are not versions.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("v1", "v10", "v2", ".tmp-v3-1-ab", "v0", "v2x", "notes"):
    ...     (d / name).mkdir()
    >>> list_versions(d)
    [1, 2, 10]
    """
    series_dir = Path(series_dir)
    if not series_dir.is_dir():
        return []
    numbers = []
    for entry in series_dir.iterdir():
        match = VERSION_RE.match(entry.name)
        if match and entry.is_dir() and not entry.is_symlink():
            numbers.append(int(match.group(1)))
    return sorted(numbers)


@dataclass(frozen=True)
class VersionInfo:
    """One published version: its number, folder and manifest (``None`` if unreadable)."""

    number: int
    path: Path
    manifest: dict[str, Any] | None
    problem: str | None = None

    def report_files(self) -> dict[str, str]:
        """``{"html": name, "pdf": name}`` of the report files listed in the manifest."""
        files = (self.manifest or {}).get("files") or {}
        found: dict[str, str] = {}
        for name in sorted(files):
            if name == "changes.html":
                continue
            for suffix in ("html", "pdf"):
                if name.endswith("." + suffix):
                    found.setdefault(suffix, name)
        return found

    def has_changes(self) -> bool:
        """True when the version carries a change log."""
        return "changes.html" in ((self.manifest or {}).get("files") or {})


@dataclass(frozen=True)
class SeriesInfo:
    """A report and a period (and municipality) with its published versions, ascending."""

    report: str
    period: str
    municipality: str | None
    path: Path
    versions: list[VersionInfo] = field(default_factory=list)

    @property
    def current(self) -> VersionInfo | None:
        """The current (latest) version."""
        return self.versions[-1] if self.versions else None


def _is_series(path: Path) -> bool:
    return (path / LOCK_FILE).exists() or bool(list_versions(path))


def _series(report: str, period: str, municipality: str | None, path: Path) -> SeriesInfo:
    versions = []
    for number in list_versions(path):
        folder = path / f"v{number}"
        try:
            versions.append(VersionInfo(number, folder, read_manifest(folder)))
        except ManifestError as exc:
            versions.append(VersionInfo(number, folder, None, str(exc)))
    return SeriesInfo(report, period, municipality, path, versions)


def _visible_dirs(path: Path) -> list[Path]:
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))


def scan_store(root: Path) -> list[SeriesInfo]:
    """Every series under a publication root that has at least one version."""
    root = Path(root)
    if not root.is_dir():
        return []
    found: list[SeriesInfo] = []
    for report_dir in _visible_dirs(root):
        for child in _visible_dirs(report_dir):
            if _is_series(child):
                found.append(_series(report_dir.name, child.name, None, child))
                continue
            for grandchild in _visible_dirs(child):
                if _is_series(grandchild):
                    found.append(_series(report_dir.name, grandchild.name, child.name, grandchild))
    return [s for s in found if s.versions]


# ---- locking -----------------------------------------------------------------------------------


@contextmanager
def hold_lock(
    path: Path, *, timeout: float = 600.0, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive ``fcntl.flock`` on ``path`` (created if needed) for the block.

    Waits up to ``timeout`` seconds for another holder (calling ``on_wait`` once when it has
    to wait) and then raises :class:`PublishError`. The lock goes with the process: a killed
    publisher never leaves it held. The lock file itself is never removed.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        waited = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishError(
                        f"{path.parent}: another publication has held {path.name} for more "
                        f"than {timeout:g} s; nothing was published — try again later"
                    ) from None
                if not waited and on_wait is not None:
                    on_wait()
                waited = True
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)


# ---- temporary folders, sealing, durability ---------------------------------------------------


def remove_temp(path: Path) -> None:
    """Remove a temporary folder or file (one whose name starts with ``.tmp-``).

    Refuses anything else: the tool never deletes a version.
    """
    path = Path(path)
    if not path.name.startswith(TEMP_PREFIX):
        raise PublishError(f"refusing to remove {path}: not a temporary name")
    if path.is_dir() and not path.is_symlink():
        for dirpath, _, _ in os.walk(path):
            os.chmod(dirpath, 0o755)
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def remove_stale_temps(directory: Path) -> list[Path]:
    """Remove every ``.tmp-…`` entry of ``directory`` (call only under its lock)."""
    removed = []
    for entry in sorted(Path(directory).iterdir()):
        if entry.name.startswith(TEMP_PREFIX):
            remove_temp(entry)
            removed.append(entry)
    return removed


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def seal(directory: Path) -> None:
    """Flush every file of ``directory`` to disk, make them read-only (0o444) and the folder
    read-only (0o555)."""
    directory = Path(directory)
    for entry in directory.iterdir():
        with open(entry, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(entry, 0o444)
    fsync_dir(directory)
    os.chmod(directory, 0o555)


# ---- test hook ---------------------------------------------------------------------------------


def pause_point(phase: str) -> None:
    """Test hook: sleep at ``phase`` when ``NOEGLETAL_PUBLISH_PAUSE_AT`` names it.

    ``NOEGLETAL_PUBLISH_PAUSE_AT=rendered,sealed`` makes a publish announce
    ``noegletal-publish: paused at <phase>`` on stderr and sleep
    ``NOEGLETAL_PUBLISH_PAUSE_SECONDS`` (default 60) there, so a test can kill it at exactly
    that moment. Phases, in order: ``locked`` (series lock held), ``rendered`` (report files
    in the temporary folder), ``sealed`` (temporary folder complete and read-only, just
    before the rename), ``renamed`` (version in place, index not yet rewritten), ``index``
    (new index written to a temporary file, not yet renamed). Without the variable it does
    nothing.
    """
    wanted = {p.strip() for p in os.environ.get(PAUSE_ENV, "").split(",")}
    if phase in wanted:
        print(f"noegletal-publish: paused at {phase}", file=sys.stderr, flush=True)
        time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "60")))
