"""The command line: every command a user runs, end to end on small data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from noegletal.cli import app
from tests.conftest import ROOT

runner = CliRunner()


def test_scenario_command_prints_years_and_writes_csv(tmp_path: Path) -> None:
    csv = tmp_path / "hf.csv"
    result = runner.invoke(
        app, ["scenario", str(ROOT / "scenarios" / "housing-first.yml"), "--csv", str(csv)]
    )
    assert result.exit_code == 0, result.output
    assert "Investering: 3.000.000 kr." in result.output
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("year,participants") and len(lines) == 1 + 5


def test_scenario_command_refuses_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("name: x\nhorizon_years: -1\n", encoding="utf-8")
    result = runner.invoke(app, ["scenario", str(bad)])
    assert result.exit_code == 1
    assert "bad.yml: horizon_years" in result.output


def test_indicators_command_writes_every_id(tiny_dir: Path, tmp_path: Path) -> None:
    from noegletal.indicators import indicator_ids

    out = tmp_path / "out.json"
    result = runner.invoke(
        app, ["indicators", "--data", str(tiny_dir), "--period", "2025", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert [e["id"] for e in document["indicators"]] == indicator_ids()
    assert document["period"] == "2025" and document["municipality"] == "Testby Kommune"
    for entry in document["indicators"]:
        assert set(entry) >= {"id", "value", "unit", "breakdown", "suppressed_in_publication"}
        if entry["value"] is None:
            assert entry["reason"], entry["id"]


def test_indicators_command_refuses_invalid_data_and_writes_nothing(
    tiny_dir: Path, tmp_path: Path
) -> None:
    (tiny_dir / "population.csv").write_text("year,age,persons\n2025,x,1\n", encoding="utf-8")
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["indicators", "--data", str(tiny_dir), "--json", str(out)])
    assert result.exit_code == 1
    assert "population.csv, row 2, column age" in result.output
    assert not out.exists()


def test_indicators_command_rejects_a_bad_period(tiny_dir: Path) -> None:
    result = runner.invoke(app, ["indicators", "--data", str(tiny_dir), "--period", "2025-H3"])
    assert result.exit_code == 2 and "cannot read period" in result.output


def _arrow_pool_after_cli(env: dict[str, str]) -> str:
    """The Arrow allocator a process gets when the CLI ran before Arrow was first used."""
    import os
    import subprocess
    import sys

    code = (
        "from noegletal.cli import app\n"
        "app(['version'], standalone_mode=False)\n"
        "import pyarrow\n"
        "print(pyarrow.default_memory_pool().backend_name)\n"
    )
    clean = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    done = subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
        check=True, cwd=ROOT,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def test_cli_uses_the_system_allocator_for_arrow_unless_told_otherwise() -> None:
    """docs/scale.md: the C library's allocator validates the national data 1.2 s sooner
    than Arrow's default on the benchmark machine; a pool named in the environment wins."""
    assert _arrow_pool_after_cli({}) == "system"
    assert _arrow_pool_after_cli({"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}) == "mimalloc"


def _run_entry_point(args: list[str], before: str = "") -> subprocess.CompletedProcess[str]:
    """``noegletal ARGS`` through the console entry point, in a fresh process."""
    code = (
        f"import sys\n{before}\nfrom noegletal.cli import run\n"
        f"sys.argv = ['noegletal', *{args!r}]\nrun()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_entry_point_skips_the_teardown_but_keeps_exit_codes_output_and_exit_handlers() -> None:
    """docs/scale.md: the process ends without the interpreter's teardown (os._exit), after
    the exit handlers ran and the streams were flushed."""
    from noegletal import __version__

    done = _run_entry_point(["version"], "import atexit; atexit.register(print, 'handler ran')")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [__version__, "handler ran"]
    bad = _run_entry_point(["indicators", "--data", "data/example", "--period", "2025-H3"])
    assert bad.returncode == 2 and "cannot read period" in bad.stderr + bad.stdout
    usage = _run_entry_point(["no-such-command"])
    assert usage.returncode == 2 and "No such command" in usage.stderr


def test_python_dash_m_runs_the_entry_point() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "noegletal", "version"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.strip()
