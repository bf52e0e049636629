"""Where a publication comes from: the code, its hash, the lock file and package versions.

The *code hash* decides whether two publications were made by the same code: a SHA-256 over
every ``.py`` file of the package, the render templates, the report's ``.qmd`` and
``_quarto.yml``. It is computed from the files on disk, so an uncommitted edit counts. The
git commit (with a dirty flag) is recorded beside it for people; it does not decide anything.
"""

from __future__ import annotations

import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import noegletal
from noegletal import __version__
from noegletal.hashing import file_sha256

__all__ = [
    "KEY_PACKAGES",
    "PACKAGE_DIR",
    "code_files",
    "code_info",
    "code_sha256",
    "git_state",
    "lock_sha256",
    "package_versions",
    "project_root",
]

PACKAGE_DIR = Path(noegletal.__file__).resolve().parent

#: Packages whose versions can change a report's numbers or its look.
KEY_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "duckdb",
    "pandera",
    "great-tables",
    "plotnine",
    "matplotlib",
    "typst",
    "pypandoc-binary",
    "nbclient",
    "nbformat",
    "ipykernel",
    "jupyter-client",
    "pyyaml",
)


def project_root() -> Path:
    """The folder holding ``_quarto.yml``, ``reports/`` and ``uv.lock`` (a source checkout)."""
    from noegletal.render.catalog import PROJECT_ROOT

    return PROJECT_ROOT


def code_files(report_qmd: Path | None = None, root: Path | None = None) -> dict[str, Path]:
    """The files whose content is "the code": ``{name: path}``, names relative and stable.

    Every ``.py`` file of the package and every render template, plus the report's ``.qmd``
    and ``_quarto.yml`` of the project (when present).
    """
    root = project_root() if root is None else Path(root)
    files: dict[str, Path] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if "__pycache__" not in path.parts:
            files["noegletal/" + path.relative_to(PACKAGE_DIR).as_posix()] = path
    templates = PACKAGE_DIR / "render" / "templates"
    for path in sorted(templates.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files["noegletal/" + path.relative_to(PACKAGE_DIR).as_posix()] = path
    if report_qmd is not None:
        report_qmd = Path(report_qmd)
        try:
            name = report_qmd.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            name = report_qmd.name
        files[name] = report_qmd
    quarto_yml = root / "_quarto.yml"
    if quarto_yml.is_file():
        files["_quarto.yml"] = quarto_yml
    return files


def code_sha256(files: dict[str, Path]) -> str:
    """SHA-256 over the sorted ``name:sha256`` lines of ``files``.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp()); (d / "a.py").write_text("x = 1\\n")
    6
    >>> before = code_sha256({"a.py": d / "a.py"})
    >>> _ = (d / "a.py").write_text("x = 2\\n")
    >>> code_sha256({"a.py": d / "a.py"}) != before
    True
    """
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(f"{name}:{file_sha256(files[name])}\n".encode())
    return digest.hexdigest()


def git_state(root: Path | None = None) -> dict[str, Any] | None:
    """``{"commit": ..., "dirty": bool}`` when ``root`` is a git checkout, else ``None``.

    Read-only: ``git --no-optional-locks`` never refreshes the index.
    """
    root = project_root() if root is None else Path(root)
    if not (root / ".git").exists():
        return None

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "--no-optional-locks", "-C", str(root), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain"))
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": dirty}


def lock_sha256(root: Path | None = None) -> str | None:
    """SHA-256 of the project's ``uv.lock`` (``None`` when there is none)."""
    path = (project_root() if root is None else Path(root)) / "uv.lock"
    return file_sha256(path) if path.is_file() else None


def package_versions() -> dict[str, str | None]:
    """Installed versions of :data:`KEY_PACKAGES` (``None`` when not installed)."""
    versions: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def code_info(report_qmd: Path | None = None) -> dict[str, Any]:
    """The ``code`` block of a manifest: package version, git state and the code hash."""
    files = code_files(report_qmd)
    git = git_state()
    return {
        "package_version": __version__,
        "git_commit": git["commit"] if git else None,
        "git_dirty": git["dirty"] if git else None,
        "sha256": code_sha256(files),
        "files": len(files),
        "python": platform.python_version(),
    }
