"""Incremental rendering: an unchanged re-render comes from the cache, a change renders."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from noegletal import cli
from noegletal.data.load import load_tables
from noegletal.periods import parse_period
from noegletal.render import cache, catalog
from noegletal.render.result import RenderResult

runner = CliRunner()


@pytest.fixture
def fake_renderer(monkeypatch, tmp_path):
    """Replace the real renderer by one that writes small files and counts its calls."""
    calls: list[dict] = []

    def render_report(qmd, *, params, out_dir, formats, backend, metadata, output_stem):
        calls.append(params)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        html = out_dir / f"{output_stem}.html"
        html.write_text(f"<p>{params['period']} {metadata['version']}</p>", encoding="utf-8")
        pdf = out_dir / f"{output_stem}.pdf"
        pdf.write_bytes(b"%PDF-fake")
        return RenderResult(html=html, pdf=pdf, notebook=None, backend="builtin", seconds=1.0)

    monkeypatch.setattr(catalog, "render_report", render_report)
    monkeypatch.setenv("NOEGLETAL_CACHE_DIR", str(tmp_path / "cache"))
    return calls


def _render(tables, data_dir, out, **kwargs):
    return catalog.render_named_report(
        "committee",
        tables=tables,
        data_dir=data_dir,
        period=parse_period("2025"),
        out_dir=out,
        date=dt.date(2026, 8, 15),
        backend="builtin",
        **kwargs,
    )


def test_unchanged_render_comes_from_the_cache(fake_renderer, tiny_dir, tmp_path) -> None:
    tables = load_tables(tiny_dir)
    first = _render(tables, tiny_dir, tmp_path / "a")
    second = _render(tables, tiny_dir, tmp_path / "b")
    assert len(fake_renderer) == 1
    assert second.html.read_bytes() == first.html.read_bytes()
    assert second.pdf.name == "committee-2025.pdf"


def test_changed_data_parameters_or_metadata_render_again(
    fake_renderer, tiny_dir, tmp_path
) -> None:
    tables = load_tables(tiny_dir)
    _render(tables, tiny_dir, tmp_path / "a")
    _render(tables, tiny_dir, tmp_path / "a", version=2)
    assert len(fake_renderer) == 2
    with (tiny_dir / "ledger.csv").open("a", encoding="utf-8") as handle:
        handle.write("2025-02-28,5.28.21,5,,\n")
    _render(load_tables(tiny_dir), tiny_dir, tmp_path / "a")
    assert len(fake_renderer) == 3


def test_damaged_entry_is_not_served(fake_renderer, tiny_dir, tmp_path) -> None:
    tables = load_tables(tiny_dir)
    _render(tables, tiny_dir, tmp_path / "a")
    for entry in (tmp_path / "cache").iterdir():
        for html in entry.glob("*.html"):
            html.write_text("tampered", encoding="utf-8")
    result = _render(tables, tiny_dir, tmp_path / "b")
    assert len(fake_renderer) == 2 and "tampered" not in result.html.read_text(encoding="utf-8")


def test_cache_can_be_turned_off(fake_renderer, tiny_dir, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NOEGLETAL_NO_CACHE", "1")
    tables = load_tables(tiny_dir)
    _render(tables, tiny_dir, tmp_path / "a")
    _render(tables, tiny_dir, tmp_path / "a")
    assert len(fake_renderer) == 2 and cache.cache_dir() is None


def test_cli_rerender_does_not_load_the_data(
    fake_renderer, tiny_dir, tmp_path, monkeypatch
) -> None:
    (tiny_dir / "municipality.yml").write_text(
        (tiny_dir / "municipality.yml").read_text(encoding="utf-8") + "extract_date: 2025-12-31\n",
        encoding="utf-8",
    )
    out = str(tmp_path / "out")
    args = ["render", "committee", "--data", str(tiny_dir), "--period", "2025",
            "--out", out, "--date", "2026-08-15", "--backend", "builtin"]  # fmt: skip
    first = runner.invoke(cli.app, args)
    assert first.exit_code == 0, first.output
    shutil.rmtree(tmp_path / "out")

    def no_loading(*_args, **_kwargs):
        raise AssertionError("the data were loaded although the render was cached")

    monkeypatch.setattr(cli, "_load_or_exit", no_loading)
    second = runner.invoke(cli.app, args)
    assert second.exit_code == 0, second.output
    assert "from the render cache" in second.output
    assert (tmp_path / "out" / "committee" / "2025" / "committee-2025.pdf").is_file()
    assert len(fake_renderer) == 1
