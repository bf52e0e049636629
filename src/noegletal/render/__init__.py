"""Render Quarto reports (.qmd) to HTML and PDF.

With the Quarto CLI on PATH the reports are rendered by Quarto itself; otherwise a small
built-in renderer drives the same engines (a Jupyter kernel, Pandoc and Typst) for the
subset of Quarto the reports use. See ``docs/quarto-features.md``.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from noegletal.render.result import RenderError, RenderResult

__all__ = ["BACKENDS", "FORMATS", "RenderError", "RenderResult", "render_report"]

FORMATS = ("html", "pdf")
BACKENDS = ("auto", "quarto", "builtin")


def render_report(
    qmd: Path,
    *,
    params: dict[str, object],
    out_dir: Path,
    formats: Sequence[str] = ("html", "pdf"),
    backend: str = "auto",
    metadata: dict[str, object] | None = None,
    output_stem: str | None = None,
) -> RenderResult:
    """Render one Quarto report to HTML and/or PDF in ``out_dir``.

    Parameters
    ----------
    qmd
        The report source; a ``_quarto.yml`` in its folder or a parent folder applies.
    params
        Values for the report's parameters cell (``#| tags: [parameters]``).
    out_dir
        Where ``<stem>.html``, ``<stem>.pdf`` (and, built-in only, the executed
        ``<stem>.ipynb``) are written. Nothing else is written there, and files appear only
        when complete.
    formats
        Any of ``"html"`` and ``"pdf"``.
    backend
        ``"quarto"``, ``"builtin"`` or ``"auto"`` (Quarto if ``quarto`` is on PATH).
    metadata
        Overrides/extends the YAML front matter, e.g. ``subtitle``, ``municipality``,
        ``period-label``, ``version``, ``date`` (ISO), ``primary-colour``, ``replaces``.
    output_stem
        File name without extension (default: the qmd's stem).

    Returns
    -------
    RenderResult
        Paths of the written files, the backend used and the wall time.

    Raises
    ------
    RenderError
        When a cell fails (the message names the cell, its line and the traceback), the
        document is malformed, or Pandoc/Typst/Quarto fail.
    """
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise RenderError(f"formats must be a non-empty subset of {FORMATS}, got {formats!r}")
    if backend not in BACKENDS:
        raise RenderError(f"backend must be one of {BACKENDS}, got {backend!r}")
    qmd = Path(qmd)
    if not qmd.is_file():
        raise RenderError(f"report source not found: {qmd}")
    if backend == "auto":
        backend = "quarto" if shutil.which("quarto") else "builtin"
    if backend == "quarto":
        from noegletal.render.quarto import render_quarto

        return render_quarto(
            qmd,
            params=params,
            out_dir=Path(out_dir),
            formats=formats,
            metadata=metadata,
            output_stem=output_stem,
        )
    from noegletal.render.builtin import render_builtin

    return render_builtin(
        qmd,
        params=params,
        out_dir=Path(out_dir),
        formats=formats,
        metadata=metadata,
        output_stem=output_stem,
    )
