"""Command-line interface: ``noegletal COMMAND``.

Every command that reads data validates it first; nothing downstream runs on invalid data.
All text that leaves the program passes the CPR redaction filter.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from noegletal import __version__
from noegletal.data import privacy
from noegletal.data.problems import format_problems
from noegletal.periods import PeriodError, resolve_period

if TYPE_CHECKING:  # heavy modules (pandas, pandera, …) are imported by the commands that
    # need them, so quick paths (help, a cached re-render) start fast
    from noegletal.data.load import LoadResult
    from noegletal.data.tables import Tables

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
    _choose_arrow_allocator()


#: Arrow's allocator for this process and those it starts, unless the environment names one.
#: Arrow's default, mimalloc, spent 2.7 s in the kernel (fresh, zeroed pages) validating the
#: national benchmark data on the benchmark machine, against 0.8 s for the C library's
#: allocator, which finished the validation 1.2 s sooner (docs/scale.md).
ARROW_ALLOCATOR = "system"


def _choose_arrow_allocator() -> None:
    """Set ``ARROW_DEFAULT_MEMORY_POOL`` before Arrow is first used (the commands import
    pandas and pyarrow lazily, so this runs first); a value already set is kept."""
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", ARROW_ALLOCATOR)


def run() -> None:
    """The console entry point (``noegletal``, ``python -m noegletal``): run the command, then
    end the process without the interpreter's teardown.

    Freeing a national run's objects one by one at exit took 0.3 s — a twentieth of the run
    (``docs/scale.md``). Everything a command writes is closed before it returns; exit
    handlers (``atexit``: log handlers, temporary directories, worker pools) still run, and
    the output streams are flushed. Where ``atexit`` cannot be run by hand (not CPython), the
    process exits normally.
    """
    import atexit

    try:
        app(prog_name="noegletal")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:
        raise SystemExit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # as sys.exit does with a message
        print(code, file=sys.stderr)
        code = 1
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # closed, or a broken pipe
            stream.flush()
    os._exit(code)


def _print_result(result: LoadResult) -> None:
    for source in result.sources.values():
        if source.format != "yaml":
            out.print(f"  read {source.describe()}")
    for note in result.notes:
        out.print(f"  note: {privacy.redact(note)}")
    for line in format_problems(result.problems):
        err.print(line, markup=False)


@app.command()
def validate(
    data_dir: DataDir,
    mapping: MappingOpt = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="pandas, or duckdb: a Parquet ledger is checked in DuckDB without reading it "
            "into pandas (for millions of ledger rows).",
        ),
    ] = "pandas",
) -> None:
    """Check every table of DATA_DIR against the data contract; list every problem.

    Exits with status 1 if any error is found (warnings alone exit 0).
    """
    key = privacy.load_pseudonym_key()
    if engine == "duckdb":
        from noegletal.engine import load_with_engine

        _, result = load_with_engine(data_dir, "duckdb", mapping_path=mapping, key=key)
    elif engine == "pandas":
        from noegletal.data.load import inspect_data_dir

        result = inspect_data_dir(data_dir, mapping_path=mapping, key=key)
    else:
        err.print("--engine is pandas or duckdb", markup=False)
        raise typer.Exit(2)
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


def _load_or_exit(data_dir: Path, mapping: Path | None) -> Tables:
    """Validate and load; print every problem and exit 1 on invalid data."""
    from noegletal.data.load import inspect_data_dir
    from noegletal.data.tables import Tables

    result = inspect_data_dir(data_dir, mapping_path=mapping, key=privacy.load_pseudonym_key())
    if not result.ok or result.municipality is None:
        _print_result(result)
        err.print(f"{data_dir}: invalid data — nothing was computed.", markup=False)
        raise typer.Exit(1)
    frames = {name: frame.reset_index(drop=True) for name, frame in result.frames.items()}
    return Tables(municipality=result.municipality, sources=result.sources, **frames)


PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period",
        "-p",
        help="2025, 2025-H1, 2025-Q3, 2025-07, or latest-half / latest-year.",
    ),
]


@app.command()
def indicators(
    data: Annotated[Path, typer.Option("--data", "-d", help="Data directory.")],
    period: PeriodOpt = "latest-half",
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Write the output contract JSON here.")
    ] = None,
    output_format: Annotated[
        str,
        typer.Option("--format", help="'table' prints a readable summary; 'none' prints nothing."),
    ] = "table",
    by: Annotated[
        str | None,
        typer.Option("--by", help="'municipality': every municipality of the data set."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="pandas, duckdb (ledger in DuckDB) or spark (ledger on Spark)."
        ),
    ] = "pandas",
    workers: Annotated[
        int | None, typer.Option("--workers", help="Processes for --by municipality.")
    ] = None,
    csv_path: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            help="With --by municipality: the published values (discretion applied), one row "
            "per municipality, as a spreadsheet for Danish Excel.",
        ),
    ] = None,
    mapping: MappingOpt = None,
) -> None:
    """Compute every indicator of INDICATORS.md for one period."""
    from noegletal.engine import ENGINES, load_with_engine
    from noegletal.indicators import compute
    from noegletal.indicators.output import results_document, write_json

    if engine not in ENGINES or by not in (None, "municipality"):
        err.print(
            f"--engine is one of {', '.join(ENGINES)}; --by only 'municipality'", markup=False
        )
        raise typer.Exit(2)
    if csv_path is not None and by != "municipality":
        err.print("--csv goes with --by municipality", markup=False)
        raise typer.Exit(2)
    tables, result = load_with_engine(
        data, engine, mapping_path=mapping, key=privacy.load_pseudonym_key()
    )  # type: ignore[arg-type]
    if tables is None:
        _print_result(result)
        err.print(f"{data}: invalid data — nothing was computed.", markup=False)
        raise typer.Exit(1)
    if result.warnings:
        groups = len(format_problems(result.warnings))
        err.print(
            f"{data}: {groups} warning(s) about the data — `noegletal validate {data}` lists them.",
            markup=False,
        )
    try:
        resolved = resolve_period(period, tables.extract_date)
    except PeriodError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    if by == "municipality":
        from noegletal.indicators.batch import compute_by_municipality

        batch = compute_by_municipality(tables, resolved, workers=workers)
        document = batch.document
        count = len(document["municipalities"])
        if json_path is not None:
            write_json(document, json_path)
            out.print(f"wrote {json_path} ({count} municipalities, period {resolved})")
        if csv_path is not None:
            batch.write_csv(csv_path)
            out.print(f"wrote {csv_path} ({count} municipalities, published values)")
        if output_format == "table":
            _print_municipality_table(document)
        return
    results = compute(tables, resolved)
    document = results_document(tables, resolved, results)
    if json_path is not None:
        write_json(document, json_path)
        out.print(f"wrote {json_path} ({len(results)} indicators, period {resolved})")
    if output_format == "table":
        _print_indicator_table(document)


def _print_municipality_table(document: dict) -> None:
    from rich.table import Table

    from noegletal.present.formats import fmt_value

    shown = ["fp1.placed_per_1000_0_22", "fp1.spend_per_0_22", "fp3.budget_adherence"]
    table = Table(title=f"Alle kommuner — {document['period']}", header_style="bold")
    table.add_column("kommune")
    for indicator_id in shown:
        table.add_column(indicator_id, justify="right")
    for entry in document["municipalities"]:
        values = {e["id"]: e for e in entry["indicators"]}
        table.add_row(
            f"{entry['code']} {entry['name']}",
            *(fmt_value(values[i]["value"], values[i]["unit"]) for i in shown),
        )
    out.print(table)


def _print_indicator_table(document: dict) -> None:
    from rich.table import Table

    from noegletal.present.formats import fmt_value

    table = Table(
        title=f"{document['municipality']} — {document['period']}",
        show_lines=False,
        header_style="bold",
    )
    table.add_column("id")
    table.add_column("nøgletal")
    table.add_column("værdi", justify="right")
    table.add_column("note")
    for entry in document["indicators"]:
        shown = fmt_value(entry["value"], entry["unit"]) if entry["value"] is not None else "–"
        note = entry.get("reason") or entry.get("note") or ""
        if entry["suppressed_in_publication"]:
            note = ("diskretioneres i publikation. " + note).strip()
        table.add_row(entry["id"], entry["label_da"], shown, note)
    out.print(table)


@app.command()
def scenario(
    file: Annotated[
        Path, typer.Argument(help="Scenario file (YAML), e.g. scenarios/housing-first.yml.")
    ],
    csv_path: Annotated[
        Path | None, typer.Option("--csv", help="Also write the yearly results as CSV.")
    ] = None,
) -> None:
    """Run a social-investment scenario (cost-group model) and print yearly savings and
    rate-card payments."""
    from rich.table import Table

    from noegletal.present.formats import fmt_kr, fmt_number
    from noegletal.scenarios import ScenarioError, load_scenario, run_scenario

    try:
        loaded = load_scenario(file)
    except (ScenarioError, OSError) as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(1) from exc
    frame = run_scenario(loaded)
    table = Table(title=f"{loaded.name} — {file.name}", header_style="bold")
    columns = [
        ("year", "År", lambda v: str(int(v))),
        ("participants", "Deltagere", lambda v: fmt_number(v, 1)),
        ("cost_without", "Udgift uden indsats", fmt_kr),
        ("cost_with", "Udgift med indsats", fmt_kr),
        ("saving", "Besparelse", fmt_kr),
        ("cumulative_saving_less_investment", "Akk. besparelse − investering", fmt_kr),
        ("rate_card_payment", "Betaling efter rate card", fmt_kr),
    ]
    for _, heading, _ in columns:
        table.add_column(heading, justify="right")
    for record in frame.to_dict("records"):
        table.add_row(*(fmt(record[key]) for key, _, fmt in columns))
    out.print(table)
    out.print(f"Investering: {fmt_kr(loaded.investment)}")
    if csv_path is not None:
        frame.to_csv(csv_path, index=False)
        out.print(f"wrote {csv_path}")


@app.command("example-data")
def example_data(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write the data set to.")],
    seed: Annotated[
        int, typer.Option("--seed", help="Random seed (same seed, same bytes).")
    ] = 2026,
    municipalities: Annotated[
        int | None,
        typer.Option(
            "--municipalities",
            min=1,
            max=98,
            help="National set: the first N of Denmark's 98 municipalities (code order), "
            "as Parquet.",
        ),
    ] = None,
    years: Annotated[
        int | None,
        typer.Option(
            "--years", min=1, help="National set: years from 1 January 2026 − N to 2026-06-30."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="National set: processes (default 2)."),
    ] = None,
) -> None:
    """Generate the fictional example municipality (Egebjerg Kommune, 2020-01-01 to
    2026-06-30): every table of the data contract, as CSV.

    With --municipalities and/or --years: the synthetic national data set instead (default
    98 municipalities × 10 years), one Parquet file per table with a municipality_code column.
    """
    if municipalities is None and years is None:
        if workers is not None:
            err.print("--workers applies to the national set: add --municipalities or --years")
            raise typer.Exit(2)
        from noegletal.synthetic.example import generate_example

        paths = generate_example(out_dir, seed)
        total = sum(p.stat().st_size for p in paths)
        out.print(f"wrote {len(paths)} files ({total / 1e6:.1f} MB) to {out_dir} (seed {seed})")
        return
    import time

    from noegletal.synthetic.national import generate_national

    started = time.perf_counter()
    paths = generate_national(
        out_dir,
        municipalities=municipalities or 98,
        years=years or 10,
        seed=seed,
        workers=workers,
    )
    total = sum(p.stat().st_size for p in paths)
    out.print(
        f"wrote {len(paths)} files ({total / 1e6:.1f} MB) to {out_dir}: "
        f"{municipalities or 98} municipalities × {years or 10} years, seed {seed}, "
        f"{time.perf_counter() - started:.1f} s"
    )


@app.command()
def render(
    report: Annotated[str, typer.Argument(help="committee, focus-points, cross-sector, or all.")],
    data: Annotated[Path, typer.Option("--data", "-d", help="Data directory.")],
    period: PeriodOpt = "latest-half",
    out_root: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("_output"),
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="Code, for data of several municipalities.")
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", help="html,pdf (comma-separated).")
    ] = "html,pdf",
    date: Annotated[
        str | None, typer.Option("--date", help="Report date YYYY-MM-DD (default: today).")
    ] = None,
    backend: Annotated[str, typer.Option("--backend", help="auto, builtin or quarto.")] = "auto",
    mapping: MappingOpt = None,
) -> None:
    """Render a report to HTML and PDF in OUT/<report>/<period>/ (Quarto if installed,
    otherwise the built-in renderer)."""
    import datetime as dt

    from noegletal.render import RenderError
    from noegletal.render.catalog import REPORTS, output_dir, render_named_report

    names = list(REPORTS) if report == "all" else [report]
    unknown = [n for n in names if n not in REPORTS]
    if unknown:
        err.print(f"unknown report {unknown[0]!r}: use {', '.join(REPORTS)} or all", markup=False)
        raise typer.Exit(2)
    fmts = tuple(f.strip() for f in formats.split(",") if f.strip())
    if mapping is None and _render_from_cache(
        names, data, period, out_root, municipality, fmts, date, backend
    ):
        return
    tables = _load_or_exit(data, mapping)
    if municipality:
        tables = tables.for_municipality(municipality.zfill(3))
    try:
        resolved = resolve_period(period, tables.extract_date)
        day = dt.date.fromisoformat(date) if date else None
    except (PeriodError, ValueError) as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    for name in names:
        target = output_dir(out_root, name, resolved, municipality)
        try:
            result = render_named_report(
                name,
                tables=tables,
                data_dir=data,
                period=resolved,
                out_dir=target,
                municipality=municipality,
                date=day,
                formats=fmts,
                backend=backend,
            )
        except RenderError as exc:
            err.print(privacy.redact(str(exc)), markup=False)
            raise typer.Exit(1) from exc
        written = ", ".join(str(p) for p in (result.html, result.pdf) if p)
        out.print(f"{name} {resolved}: {written} ({result.backend}, {result.seconds:.1f} s)")


def _render_from_cache(
    names: list[str],
    data: Path,
    period: str,
    out_root: Path,
    municipality: str | None,
    formats: tuple[str, ...],
    date: str | None,
    backend: str,
) -> bool:
    """Serve every requested report from the render cache without loading the data.

    Possible when the period can be resolved without the data (an explicit period, or an
    ``extract_date`` in municipality.yml) and every report is in the cache for exactly these
    input files, code and parameters (their fingerprints are hashed, not parsed). Returns
    False when a report misses; the full path then validates, loads and renders.
    """
    import datetime as dt

    from noegletal.config import load_municipality
    from noegletal.render.catalog import cached_render, output_dir

    config, problems = load_municipality(data)
    if config is None or any(p.severity == "error" for p in problems):
        return False
    try:
        if period in ("latest-half", "latest-year") and config.extract_date is None:
            return False
        resolved = resolve_period(period, config.extract_date or dt.date.today())
        day = dt.date.fromisoformat(date) if date else None
    except (PeriodError, ValueError):
        return False
    code = municipality.zfill(3) if municipality else None
    for name in names:
        # A hit copies the stored files into place (identical to a fresh render); on the
        # first miss the full path takes over and renders what the cache does not hold.
        result = cached_render(
            name,
            municipality_config=config,
            data_dir=data,
            period=resolved,
            out_dir=output_dir(out_root, name, resolved, code),
            municipality=code,
            date=day,
            formats=formats,
            backend=backend,
        )
        if result is None:
            return False
        written = ", ".join(str(p) for p in (result.html, result.pdf) if p)
        out.print(f"{name} {resolved}: {written} (unchanged, from the render cache)")
    return True


# ---- versioned publication (docs/publishing.md) ------------------------------------------------

PublishRootOpt = Annotated[
    Path, typer.Option("--out", help="Publication root (the archive folder).")
]


@app.command("publish")
def publish_command(
    report: Annotated[str, typer.Argument(help="committee, focus-points, cross-sector, or all.")],
    data: Annotated[Path, typer.Option("--data", "-d", help="Data directory.")],
    period: PeriodOpt = "latest-half",
    out_root: PublishRootOpt = Path("_publish"),
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="Code, for data of several municipalities.")
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="Date printed on the report, YYYY-MM-DD (default: today)."),
    ] = None,
    formats: Annotated[
        str, typer.Option("--formats", help="html,pdf (comma-separated).")
    ] = "html,pdf",
    backend: Annotated[str, typer.Option("--backend", help="auto, builtin or quarto.")] = "auto",
    lock_timeout: Annotated[
        float,
        typer.Option("--lock-timeout", help="Seconds to wait for another publish of the same."),
    ] = 600.0,
) -> None:
    """Publish a report as an immutable version OUT/<report>/<period>/v<N>/ (HTML, PDF,
    manifest, indicators, change log) and update OUT/index.html.

    Publishing again with the same input files, code, lock file and parameters makes no new
    version ("unchanged"); changed data or code make v<N+1>, whose title page says what it
    replaces and what changed.
    """
    import datetime as dt
    import signal

    from noegletal.publish import PublishError, publish_report
    from noegletal.render import RenderError
    from noegletal.render.catalog import REPORTS

    names = list(REPORTS) if report == "all" else [report]
    unknown = [n for n in names if n not in REPORTS]
    if unknown:
        err.print(f"unknown report {unknown[0]!r}: use {', '.join(REPORTS)} or all", markup=False)
        raise typer.Exit(2)
    tables = _load_or_exit(data, None)
    if municipality:
        municipality = municipality.zfill(3)
        tables = tables.for_municipality(municipality)
    try:
        resolved = resolve_period(period, tables.extract_date)
        day = dt.date.fromisoformat(date) if date else None
    except (PeriodError, ValueError) as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from exc
    # SIGTERM unwinds like Ctrl-C, so the temporary folder is removed on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for name in names:
        try:
            outcome = publish_report(
                name,
                tables=tables,
                data_dir=data,
                period=resolved,
                out_root=out_root,
                municipality=municipality,
                date=day,
                formats=tuple(f.strip() for f in formats.split(",") if f.strip()),
                backend=backend,
                lock_timeout=lock_timeout,
                on_wait=lambda name=name: err.print(
                    f"{name} {resolved}: waiting for another publish to finish …", markup=False
                ),
            )
        except (PublishError, RenderError) as exc:
            err.print(privacy.redact(str(exc)), markup=False)
            raise typer.Exit(1) from exc
        out.print(privacy.redact(outcome.message()), markup=False)
        if outcome.changes is not None:
            out.print(f"  {privacy.redact(outcome.changes.summary)}", markup=False)
    out.print(f"archive: {out_root / 'index.html'}", markup=False)


@app.command("versions")
def versions_command(
    report: Annotated[
        str | None, typer.Argument(help="Only this report (default: every report).")
    ] = None,
    out_root: PublishRootOpt = Path("_publish"),
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Check every version's files against its manifest."),
    ] = False,
) -> None:
    """List what is published under OUT: report, period, versions, date and the current one."""
    from rich.table import Table

    from noegletal.publish import scan_store, verify_version

    series = [s for s in scan_store(out_root) if report is None or s.report == report]
    if not series:
        out.print(f"nothing published under {out_root}" + (f" for {report}" if report else ""))
        return
    table = Table(header_style="bold")
    for heading in ("report", "period", "version", "date", "published (UTC)", "status"):
        table.add_column(heading)
    problems: list[str] = []
    for item in series:
        period = f"{item.period} ({item.municipality})" if item.municipality else item.period
        for version in item.versions:
            manifest = version.manifest or {}
            status = "current" if version is item.current else ""
            if version.manifest is None:
                status = "damaged: no readable manifest"
            if verify:
                found = verify_version(version.path)
                problems += found
                status = (status + (", " if status else "") + ("FAILED" if found else "ok")).strip()
            table.add_row(
                item.report,
                period,
                f"v{version.number}",
                str(manifest.get("date", "")),
                str(manifest.get("published_at", "")),
                status,
            )
    out.print(table)
    for problem in problems:
        err.print(privacy.redact(problem), markup=False)
    if problems:
        raise typer.Exit(1)


def _version_number(text: str) -> int:
    value = text.strip().lower().removeprefix("v")
    if not value.isdigit() or int(value) < 1:
        raise typer.BadParameter(f"{text!r} is not a version (v1, v2, …)")
    return int(value)


@app.command("diff")
def diff_command(
    report: Annotated[str, typer.Argument(help="committee, focus-points or cross-sector.")],
    period: Annotated[str, typer.Argument(help="The published period, e.g. 2026-H1.")],
    version_a: Annotated[str, typer.Argument(help="The older version, e.g. v1.")],
    version_b: Annotated[str, typer.Argument(help="The newer version, e.g. v2.")],
    out_root: PublishRootOpt = Path("_publish"),
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="Code, for data of several municipalities.")
    ] = None,
) -> None:
    """Print the change log between two published versions (Danish, as on changes.html)."""
    from noegletal.publish import Edition, ManifestError, changelog_lines, compare

    first, second = _version_number(version_a), _version_number(version_b)
    base = out_root / report / (municipality.zfill(3) if municipality else "") / period
    editions = []
    for number in (first, second):
        folder = base / f"v{number}"
        if not folder.is_dir():
            err.print(f"{folder}: no such version", markup=False)
            raise typer.Exit(1)
        try:
            editions.append(Edition.from_version_dir(folder))
        except (ManifestError, OSError, KeyError, ValueError) as exc:
            err.print(privacy.redact(f"{folder}: cannot be read ({exc})"), markup=False)
            raise typer.Exit(1) from exc
    log = compare(editions[0], editions[1], report=report, period=period)
    for line in changelog_lines(log):
        out.print(privacy.redact(line), markup=False)
