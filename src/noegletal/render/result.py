"""The result and error types of rendering, and the step that publishes finished files."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["RenderError", "RenderResult", "publish", "strip_ansi"]

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


class RenderError(RuntimeError):
    """Rendering failed: a cell raised, the document is malformed, or a tool failed."""


@dataclass(frozen=True)
class RenderResult:
    """Where the rendered files are and how the report was rendered.

    ``notebook`` is the executed notebook (built-in backend only); ``seconds`` is the wall
    time of the whole render.
    """

    html: Path | None
    pdf: Path | None
    notebook: Path | None
    backend: Literal["quarto", "builtin"]
    seconds: float


def strip_ansi(text: str) -> str:
    r"""Remove terminal colour codes (IPython colours its tracebacks).

    Examples
    --------
    >>> strip_ansi("\x1b[0;31mZeroDivisionError\x1b[0m: division by zero")
    'ZeroDivisionError: division by zero'
    """
    return _ANSI.sub("", text)


def publish(built: Path, out_dir: Path, name: str) -> Path:
    """Move a finished file from the build folder to ``out_dir / name`` atomically.

    The file is first copied next to its destination under a hidden temporary name and then
    renamed, so readers of ``out_dir`` never see a half-written file.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / name
    partial = out_dir / f".{name}.partial"
    shutil.copyfile(built, partial)
    os.replace(partial, target)
    return target
