"""The committed example data under data/example is exactly what the generator makes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from noegletal.cli import app
from tests.conftest import EXAMPLE

runner = CliRunner()


def test_committed_example_equals_a_fresh_generation(tmp_path: Path) -> None:
    fresh = tmp_path / "example"
    result = runner.invoke(app, ["example-data", str(fresh), "--seed", "2026"])
    assert result.exit_code == 0, result.output
    committed = sorted(p.name for p in EXAMPLE.iterdir() if p.is_file() and p.name != "README.md")
    assert committed == sorted(p.name for p in fresh.iterdir())
    for name in committed:
        assert (EXAMPLE / name).read_bytes() == (fresh / name).read_bytes(), (
            f"data/example/{name} differs from a fresh generation: run `make example-data`"
        )


def test_committed_example_validates() -> None:
    result = runner.invoke(app, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "0 warning(s)" in result.output
