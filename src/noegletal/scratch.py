"""Temporary work folders that do not outlive a killed process.

A render builds in a temporary folder (Markdown, Typst source, chart PNGs), and the Spark
engine stages frames as Parquet. ``tempfile.TemporaryDirectory`` removes its folder when the
process ends normally or on Ctrl-C, but not after ``kill -9``. So every folder is named with
the process id (``noegletal-render-<pid>-…``), and each new one first removes the folders of
processes that no longer run — once they are :data:`STALE_AFTER` seconds old, so a folder of a
process in another PID namespace (a container sharing ``/tmp``) is left alone while it works.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

__all__ = ["STALE_AFTER", "remove_stale", "scratch_dir"]

#: Seconds after which a folder of a process that is gone is removed.
STALE_AFTER = 15 * 60

_NAME = re.compile(r"^noegletal-[a-z]+-(\d+)-")


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_stale(root: Path | str | None = None, *, now: float | None = None) -> list[Path]:
    """Remove the work folders below ``root`` (default: the system's temporary folder) left
    by processes that no longer run; returns the folders removed."""
    root = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for path in entries:
        match = _NAME.match(path.name)
        if match is None or not path.is_dir() or int(match.group(1)) == os.getpid():
            continue
        try:
            old = now - path.stat().st_mtime > STALE_AFTER
        except OSError:
            continue
        if old and not _running(int(match.group(1))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def scratch_dir(kind: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder ``noegletal-<kind>-<pid>-…`` (use it in a ``with``), after removing
    the stale folders of killed processes."""
    remove_stale()
    return tempfile.TemporaryDirectory(prefix=f"noegletal-{kind}-{os.getpid()}-")
