"""Atomicity and locking of ``noegletal publish``, with real processes and real signals.

A publisher is started as a subprocess and killed (SIGKILL) or interrupted (SIGINT) after
0.5 s, 2 s and 5 s, and at named phases (the test hook ``NOEGLETAL_PUBLISH_PAUSE_AT`` makes
it announce the phase on stderr and sleep there). After every kill each ``v<N>`` folder must
be complete (``verify_version``), and at the end a normal publish must succeed and leave no
temporary folder behind. Two publishers started together must make exactly one version.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from noegletal.publish import verify_version
from noegletal.publish.manifest import VERSION_RE
from noegletal.publish.versions import PAUSE_ENV, PAUSE_SECONDS_ENV, list_versions
from tests.conftest import EXAMPLE, ROOT
from tests.test_publish import assert_links_resolve

pytestmark = pytest.mark.slow


def start(out: Path, *, pause: str | None = None, formats: str = "html") -> subprocess.Popen:
    """``python -m noegletal publish committee`` on the example data, in its own session."""
    env = dict(os.environ)
    env.pop(PAUSE_ENV, None)
    if pause:
        env[PAUSE_ENV] = pause
        env[PAUSE_SECONDS_ENV] = "300"
    return subprocess.Popen(
        [sys.executable, "-m", "noegletal", "publish", "committee", "--data", str(EXAMPLE),
         "--period", "2026-H1", "--out", str(out), "--backend", "builtin",
         "--formats", formats, "--date", "2026-08-15"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip


def wait_for(proc: subprocess.Popen, marker: str, timeout: float = 300) -> None:
    """Read the publisher's stderr until ``marker`` appears."""
    selector = selectors.DefaultSelector()
    selector.register(proc.stderr, selectors.EVENT_READ)
    seen = b""
    deadline = time.monotonic() + timeout
    while marker.encode() not in seen:
        if time.monotonic() > deadline:
            pytest.fail(f"no {marker!r} within {timeout} s; stderr: {seen[-2000:]!r}")
        if selector.select(timeout=1):
            chunk = os.read(proc.stderr.fileno(), 65536)
            if not chunk:
                pytest.fail(f"publisher exited before {marker!r}; stderr: {seen[-3000:]!r}")
            seen += chunk
    selector.close()


def stop(proc: subprocess.Popen, sig: int) -> int:
    """Send ``sig`` to the publisher, wait for it, then end anything it left running (the
    Jupyter kernel of the built-in renderer shares its session)."""
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(sig)
    try:
        code = proc.wait(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    return code


def assert_consistent(out: Path) -> dict[str, list[str]]:
    """Every version folder is complete; everything else is the lock or a temporary entry.

    Returns the temporary entries found per folder."""
    temporary: dict[str, list[str]] = {}
    if not out.exists():
        return temporary
    for folder in [out, *[p for p in out.rglob("*") if p.is_dir()]]:
        if VERSION_RE.match(folder.name) or folder.name.startswith(".tmp-"):
            continue
        for entry in folder.iterdir():
            if VERSION_RE.match(entry.name):
                assert verify_version(entry) == [], entry
            elif entry.name.startswith(".tmp-"):
                temporary.setdefault(folder.relative_to(out).as_posix(), []).append(entry.name)
    return temporary


def test_killing_a_publish_at_any_moment_leaves_no_partial_version(tmp_path: Path) -> None:
    out = tmp_path / "_publish"
    series = out / "committee" / "2026-H1"

    # Killed at moments in time: during start-up, loading, rendering.
    for sig, after in ((signal.SIGKILL, 0.5), (signal.SIGINT, 2.0), (signal.SIGKILL, 5.0)):
        proc = start(out)
        time.sleep(after)
        stop(proc, sig)
        assert_consistent(out)

    # SIGINT right after rendering: the temporary folder is removed on the way out.
    proc = start(out, pause="rendered")
    wait_for(proc, "paused at rendered")
    assert [p.name[:8] for p in series.iterdir() if p.name.startswith(".tmp-")] == [".tmp-v1-"]
    assert stop(proc, signal.SIGINT) != 0
    assert assert_consistent(out) == {} and list_versions(series) == []

    # SIGKILL with a complete, sealed temporary folder just before the rename: not a version.
    proc = start(out, pause="sealed")
    wait_for(proc, "paused at sealed")
    stop(proc, signal.SIGKILL)
    temporary = assert_consistent(out)
    assert list_versions(series) == []
    assert len(temporary["committee/2026-H1"]) == 1  # left for the next run to remove

    # SIGINT at the same point: the next run removed the stale folder, this one its own.
    proc = start(out, pause="sealed")
    wait_for(proc, "paused at sealed")
    assert stop(proc, signal.SIGINT) != 0
    assert assert_consistent(out) == {} and list_versions(series) == []

    # SIGKILL after the rename, before the index: v1 is complete, the index is stale.
    proc = start(out, pause="renamed")
    wait_for(proc, "paused at renamed")
    stop(proc, signal.SIGKILL)
    assert list_versions(series) == [1]
    assert assert_consistent(out) == {}
    index = out / "index.html"
    assert not index.exists() or "v1/committee-2026-H1.html" not in index.read_text("utf-8")

    # Interrupted while writing the index (an unchanged run): SIGINT cleans, SIGKILL leaves
    # a temporary file.
    proc = start(out, pause="index")
    wait_for(proc, "paused at index")
    assert stop(proc, signal.SIGINT) != 0
    assert assert_consistent(out) == {}
    proc = start(out, pause="index")
    wait_for(proc, "paused at index")
    stop(proc, signal.SIGKILL)
    assert list(assert_consistent(out)) == ["."]

    # The next publish works: unchanged, every leftover removed, the index complete.
    final = subprocess.run(
        [sys.executable, "-m", "noegletal", "publish", "committee", "--data", str(EXAMPLE),
         "--period", "2026-H1", "--out", str(out), "--backend", "builtin", "--formats", "html",
         "--date", "2026-08-15"],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )  # fmt: skip
    assert final.returncode == 0, final.stderr[-3000:]
    assert "unchanged: v1 is current" in final.stdout
    assert assert_consistent(out) == {}
    assert list_versions(series) == [1]
    assert "committee/2026-H1/v1/committee-2026-H1.html" in assert_links_resolve(index)


def test_two_concurrent_publishes_make_exactly_one_version(tmp_path: Path) -> None:
    out = tmp_path / "_publish"
    procs = [start(out), start(out)]
    outputs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr.decode()[-3000:]
        outputs.append(stdout.decode())
    published = [o for o in outputs if "published v1" in o]
    unchanged = [o for o in outputs if "unchanged: v1 is current" in o]
    assert len(published) == 1 and len(unchanged) == 1, outputs
    series = out / "committee" / "2026-H1"
    assert list_versions(series) == [1]
    assert assert_consistent(out) == {}
