"""The real-Quarto backend, driven against a fake ``quarto`` placed first on PATH.

The fake records its arguments and working directory and writes a dummy output file where
Quarto would (``--output-dir`` / ``--output``), or fails when told to.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from noegletal.render import RenderError, render_report

DEMO = Path(__file__).parent / "data" / "render" / "demo.qmd"

FAKE_QUARTO = """\
#!{python}
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_QUARTO_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({{"args": args, "cwd": os.getcwd()}}) + "\\n")
if os.environ.get("FAKE_QUARTO_FAIL"):
    sys.stderr.write("ERROR: fake failure\\n")
    sys.exit(1)
out = os.path.join(args[args.index("--output-dir") + 1], args[args.index("--output") + 1])
with open(out, "w", encoding="utf-8") as f:
    f.write("rendered by fake quarto: " + args[args.index("--to") + 1])
"""


@pytest.fixture
def fake_quarto(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "quarto"
    script.write_text(FAKE_QUARTO.format(python=sys.executable), encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))
    return log


def _calls(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_auto_backend_uses_quarto_with_params_and_metadata(
    fake_quarto: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    result = render_report(
        DEMO,
        params={"period": "2024", "months": 6},
        out_dir=out_dir,
        metadata={"version": 2, "subtitle": "Børn og unge", "date": "2026-03-01"},
        output_stem="rapport",
    )
    assert result.backend == "quarto"
    assert result.notebook is None
    assert result.html == out_dir / "rapport.html"
    assert result.pdf == out_dir / "rapport.pdf"
    assert result.html.read_text(encoding="utf-8") == "rendered by fake quarto: html"
    assert result.pdf.read_text(encoding="utf-8") == "rendered by fake quarto: typst"
    assert sorted(p.name for p in out_dir.iterdir()) == ["rapport.html", "rapport.pdf"]

    html_call, pdf_call = _calls(fake_quarto)
    assert html_call["cwd"] == str(DEMO.parent.resolve())
    args = html_call["args"]
    assert isinstance(args, list)
    assert args[:4] == ["render", "demo.qmd", "--to", "html"]
    assert args[args.index("--output") + 1] == "rapport.html"
    output_dir = Path(args[args.index("--output-dir") + 1])
    assert output_dir.is_absolute() and output_dir != out_dir  # a temporary folder
    assert "--no-execute-daemon" in args
    # Values are JSON (= YAML) so Quarto keeps their types: "2024" stays a string.
    assert args[args.index("-P") : args.index("-P") + 2] == ["-P", 'period:"2024"']
    assert "months:6" in args
    assert "version:2" in args and 'subtitle:"Børn og unge"' in args
    assert 'date:"2026-03-01"' in args
    assert "embed-resources:true" in args
    pdf_args = pdf_call["args"]
    assert isinstance(pdf_args, list)
    assert pdf_args[:4] == ["render", "demo.qmd", "--to", "typst"]
    assert pdf_args[pdf_args.index("--output") + 1] == "rapport.pdf"
    assert "embed-resources:true" not in pdf_args


def test_quarto_failure_raises_and_writes_nothing(
    fake_quarto: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_QUARTO_FAIL", "1")
    out_dir = tmp_path / "out"
    with pytest.raises(RenderError, match="fake failure"):
        render_report(DEMO, params={}, out_dir=out_dir, formats=("pdf",), backend="quarto")
    assert not out_dir.exists()


def test_explicit_quarto_backend_without_quarto_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenderError, match="not on PATH"):
        render_report(DEMO, params={}, out_dir=tmp_path / "out", backend="quarto")
