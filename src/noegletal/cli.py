"""Command-line interface: ``noegletal COMMAND``.

Every command that reads data validates it first; nothing downstream runs on invalid data.
All text that leaves the program passes the CPR redaction filter.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from noegletal import __version__
from noegletal.data import privacy
from noegletal.data.load import LoadResult, inspect_data_dir
from noegletal.data.problems import format_problems

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="noegletal — key figures for the specialised social area (nøgletal).",
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataDir = Annotated[Path, typer.Argument(help="Data directory (one file per table).")]
MappingOpt = Annotated[
    Path | None,
    typer.Option("--mapping", help="Column-mapping file (default: mapping.yml in the data dir)."),
]


class _RedactingFilter(logging.Filter):
    """Mask CPR-shaped numbers in every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = privacy.redact(record.getMessage())
        record.args = ()
        return True


def _setup_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress.")] = False,
) -> None:
    """noegletal — key figures for the specialised social area."""
    _setup_logging(verbose)


def _print_result(result: LoadResult) -> None:
    for source in result.sources.values():
        if source.format != "yaml":
            out.print(f"  read {source.describe()}")
    for note in result.notes:
        out.print(f"  note: {privacy.redact(note)}")
    for line in format_problems(result.problems):
        err.print(line, markup=False)


@app.command()
def validate(data_dir: DataDir, mapping: MappingOpt = None) -> None:
    """Check every table of DATA_DIR against the data contract; list every problem.

    Exits with status 1 if any error is found (warnings alone exit 0).
    """
    result = inspect_data_dir(data_dir, mapping_path=mapping, key=privacy.load_pseudonym_key())
    _print_result(result)
    n_err, n_warn = len(result.errors), len(result.warnings)
    if n_err:
        err.print(
            f"{data_dir}: {n_err:,} error(s), {n_warn:,} warning(s) — nothing was computed. "
            "Fix the errors above and run validate again.",
            markup=False,
        )
        raise typer.Exit(1)
    n_tables = sum(1 for s in result.sources.values() if s.format != "yaml")
    out.print(f"{data_dir}: valid ({n_tables} tables, {n_warn} warning(s)).")


@app.command()
def version() -> None:
    """Print the package version."""
    out.print(__version__)
