"""Render with the real Quarto CLI (used when ``quarto`` is on PATH).

One ``quarto render`` per format: ``--to html`` (self-contained via ``-M embed-resources:true``)
and ``--to typst`` (Quarto compiles the PDF). Parameters go in as ``-P name:value`` and
metadata as ``-M key:value``; Quarto reads each value as YAML, so values are written as JSON
(a subset of YAML) to keep their types (``-P period:"2025"`` stays a string). The kernel
daemon is turned off (``--no-execute-daemon``) so every render starts from a clean kernel.
Output goes to a temporary ``--output-dir`` and complete files are then moved to ``out_dir``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from noegletal.render.result import RenderError, RenderResult, publish
from noegletal.scratch import scratch_dir

__all__ = ["QUARTO_FORMATS", "quarto_command", "render_quarto"]

#: Our format name -> (Quarto ``--to`` value, file extension).
QUARTO_FORMATS = {"html": ("html", "html"), "pdf": ("typst", "pdf")}


def _flag_value(name: str, value: object) -> str:
    return f"{name}:{json.dumps(value, ensure_ascii=False, default=str)}"


def quarto_command(
    quarto: str,
    qmd: Path,
    fmt: str,
    *,
    params: Mapping[str, object],
    metadata: Mapping[str, object],
    output_dir: Path,
    output_stem: str,
) -> list[str]:
    """The ``quarto render`` command line for one format.

    Examples
    --------
    >>> quarto_command("quarto", Path("r.qmd"), "pdf", params={"period": "2025"},
    ...                metadata={"version": 2}, output_dir=Path("/tmp/o"), output_stem="r")
    ... # doctest: +NORMALIZE_WHITESPACE
    ['quarto', 'render', 'r.qmd', '--to', 'typst', '--output-dir', '/tmp/o', '--output',
     'r.pdf', '--no-execute-daemon', '-P', 'period:"2025"', '-M', 'version:2']
    """
    to, ext = QUARTO_FORMATS[fmt]
    cmd = [
        quarto,
        "render",
        qmd.name,
        "--to",
        to,
        "--output-dir",
        str(output_dir),
        "--output",
        f"{output_stem}.{ext}",
        "--no-execute-daemon",
    ]
    for name, value in params.items():
        cmd += ["-P", _flag_value(name, value)]
    for key, value in metadata.items():
        cmd += ["-M", _flag_value(key, value)]
    if fmt == "html":
        cmd += ["-M", "embed-resources:true"]
    return cmd


def render_quarto(
    qmd: Path,
    *,
    params: Mapping[str, object],
    out_dir: Path,
    formats: Sequence[str] = ("html", "pdf"),
    metadata: Mapping[str, object] | None = None,
    output_stem: str | None = None,
) -> RenderResult:
    """Render ``qmd`` with the Quarto CLI found on PATH."""
    quarto = shutil.which("quarto")
    if quarto is None:
        raise RenderError("the quarto command is not on PATH")
    started = time.perf_counter()
    qmd = Path(qmd).resolve()
    stem = output_stem or qmd.stem
    built: dict[str, Path] = {}
    with scratch_dir("quarto") as tmp:
        for fmt in formats:
            cmd = quarto_command(
                quarto,
                qmd,
                fmt,
                params=params,
                metadata=dict(metadata or {}),
                output_dir=Path(tmp),
                output_stem=stem,
            )
            proc = subprocess.run(cmd, cwd=qmd.parent, capture_output=True, text=True, check=False)
            produced = Path(tmp) / f"{stem}.{QUARTO_FORMATS[fmt][1]}"
            if proc.returncode != 0 or not produced.is_file():
                raise RenderError(
                    f"quarto render {qmd.name} --to {QUARTO_FORMATS[fmt][0]} failed "
                    f"(exit {proc.returncode}):\n{proc.stderr.strip() or proc.stdout.strip()}"
                )
            built[fmt] = produced
        html = publish(built["html"], out_dir, f"{stem}.html") if "html" in built else None
        pdf = publish(built["pdf"], out_dir, f"{stem}.pdf") if "pdf" in built else None
    return RenderResult(
        html=html,
        pdf=pdf,
        notebook=None,
        backend="quarto",
        seconds=time.perf_counter() - started,
    )
