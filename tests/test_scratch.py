"""Work folders of killed processes are removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from noegletal.scratch import STALE_AFTER, remove_stale, scratch_dir


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _folder(root: Path, pid: int, age: float) -> Path:
    path = root / f"noegletal-render-{pid}-abc123"
    (path / "charts").mkdir(parents=True)
    (path / "report.typ").write_text("#lorem(5)")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_folders_of_gone_processes_are_removed_once_old(tmp_path: Path) -> None:
    dead = _dead_pid()
    stale = _folder(tmp_path, dead, STALE_AFTER + 60)
    young = tmp_path / f"noegletal-quarto-{dead}-young"
    young.mkdir()  # just made: may belong to a process in another PID namespace
    mine = _folder(tmp_path, os.getpid(), STALE_AFTER + 60)
    parent = _folder(tmp_path, os.getppid(), STALE_AFTER + 60)  # running
    other = tmp_path / "somebody-else-123-x"
    other.mkdir()
    assert remove_stale(tmp_path) == [stale]
    assert not stale.exists()
    assert young.exists() and mine.exists() and parent.exists() and other.exists()


def test_a_killed_render_leaves_a_folder_the_next_one_removes(tmp_path: Path) -> None:
    code = (
        "import sys, time, tempfile; tempfile.tempdir = sys.argv[1]\n"
        "from noegletal.scratch import scratch_dir\n"
        "with scratch_dir('render') as d:\n"
        "    print(d, flush=True); time.sleep(60)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    left = Path(proc.stdout.readline().strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    assert left.is_dir()  # kill -9: nothing cleaned up
    then = time.time() - STALE_AFTER - 1
    os.utime(left, (then, then))
    import tempfile

    saved = tempfile.tempdir
    tempfile.tempdir = str(tmp_path)
    try:
        with scratch_dir("render") as fresh:
            assert Path(fresh).is_dir()
            assert f"-{os.getpid()}-" in Path(fresh).name
    finally:
        tempfile.tempdir = saved
    assert not left.exists()
