"""Load a data directory: read → type → CPR rule → validate → :class:`Tables`.

Nothing downstream runs on invalid data: :func:`load_tables` raises :class:`DataError` with
every problem when any error is found. :func:`inspect_data_dir` returns the problems without
raising (used by ``noegletal validate``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from noegletal.config import CONFIG_FILE, Municipality, load_municipality
from noegletal.data import privacy
from noegletal.data.io import (
    MAPPING_FILE,
    RawTable,
    Source,
    file_sha256,
    find_table_file,
    load_mapping,
    parquet_rows,
    read_table,
    zoned_dates_problem,
)
from noegletal.data.parse import parse_date, parse_number, parse_text
from noegletal.data.problems import DataError, Problem
from noegletal.data.schema import check_cross_table, check_table
from noegletal.data.spec import MUNICIPALITY_CODE, TABLES, ColumnSpec, TableSpec
from noegletal.data.tables import Tables

__all__ = ["LoadResult", "inspect_data_dir", "load_tables"]

log = logging.getLogger(__name__)

#: Column kinds read as dates or date-times.
_DATE_KINDS = ("date", "month_or_date", "datetime")


@dataclass
class LoadResult:
    """Everything learned from a data directory."""

    data_dir: Path
    municipality: Municipality | None = None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop the run."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """Problems worth knowing that do not stop the run."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True if no error was found."""
        return not self.errors


def _detect_decimal(raw: RawTable, numeric: list[str]) -> str:
    """``,`` if any cell of a numeric column holds a comma, else ``.``."""
    for name in numeric:
        if name in raw.frame:
            values = raw.frame[name].astype("string")
            if values.str.contains(",", regex=False).fillna(False).any():
                return ","
    return "."


def _type_column(
    col: ColumnSpec, values: pd.Series, decimal: str
) -> tuple[pd.Series, np.ndarray, str]:
    """Typed values, a mask of unreadable cells, and the rule text for them."""
    if col.kind in ("int", "float"):
        typed, bad = parse_number(values, decimal=decimal, integer=col.kind == "int")
        if col.kind == "int":
            typed = typed.astype("Int64") if col.nullable else typed
            rule = "not a whole number (rule: " + col.name + " is an integer)"
        else:
            rule = "not a number (rule: " + col.name + " is numeric)"
        return typed, bad, rule
    if col.kind in ("date", "month_or_date"):
        typed, bad = parse_date(values, year_month=col.kind == "month_or_date")
        forms = "YYYY-MM-DD or DD-MM-YYYY" + (" or YYYY-MM" if col.kind == "month_or_date" else "")
        return typed, bad, f"not a valid date (rule: {forms}, a day that exists)"
    if col.kind == "datetime":
        typed, bad = parse_date(values, with_time=True)
        return typed, bad, "not a valid date-time (rule: YYYY-MM-DD HH:MM, a day that exists)"
    return parse_text(values), np.zeros(len(values), dtype=bool), ""


def _bad_cell_fix(col: ColumnSpec) -> str:
    if col.kind in ("int", "float"):
        return "write a number with digits only (decimal mark . or , used the same in the file)"
    if col.kind == "month_or_date":
        return "write the date as YYYY-MM-DD (or YYYY-MM); check day and month exist"
    if col.kind == "date":
        return "write the date as YYYY-MM-DD (or DD-MM-YYYY); check that the day exists"
    return "write the date-time as YYYY-MM-DD HH:MM"


def type_table(
    raw: RawTable, spec: TableSpec, key: bytes | None
) -> tuple[pd.DataFrame, list[Problem], list[str]]:
    """Apply value maps, parse each contract column by its kind and apply the CPR rule."""
    file = raw.source.path.name
    frame = raw.frame
    problems: list[Problem] = []
    notes: list[str] = []
    numeric = [c.name for c in spec.columns if c.kind in ("int", "float")]
    decimal = _detect_decimal(raw, numeric) if raw.source.format == "csv" else "."
    if raw.source.format == "csv":
        raw.source.decimal = decimal
    out = pd.DataFrame(index=frame.index)
    columns = list(spec.columns)
    if MUNICIPALITY_CODE.name in frame:
        columns.append(MUNICIPALITY_CODE)
    for col in columns:
        if col.name not in frame:
            if col.required:
                problems.append(
                    Problem(
                        file,
                        f"required column {col.name} is missing",
                        f"add a column named {col.name}, or map the export's column to it "
                        f"in {MAPPING_FILE}",
                        column=col.name,
                    )
                )
            continue
        values = frame[col.name]
        if col.name in raw.value_maps:
            mapping = raw.value_maps[col.name]
            values = values.map(lambda v, m=mapping: m.get(str(v), v) if pd.notna(v) else v)
        if col.identifier:
            values = parse_text(values)
            mask = privacy.cpr_mask(values)
            if mask.any():
                if key is None:
                    problems += [
                        Problem(
                            file,
                            "value looks like a CPR number (rule: identifiers must be "
                            "pseudonyms; the value is not shown)",
                            f"replace it with the case system's pseudonym, or set "
                            f"{privacy.KEY_ENV} to pseudonymise CPR numbers at load",
                            row=int(row),
                            column=col.name,
                        )
                        for row in frame.index[mask]
                    ]
                else:
                    values = privacy.pseudonymise(values, mask, key)
                    notes.append(
                        f"{file}: {int(mask.sum()):,} CPR-shaped values in {col.name} "
                        "pseudonymised (HMAC-SHA256)"
                    )
            out[col.name] = values
            continue
        if col.kind in _DATE_KINDS and isinstance(values.dtype, pd.DatetimeTZDtype):
            problems.append(zoned_dates_problem(file, col.name, str(values.dtype.tz)))
            continue
        typed, bad, rule = _type_column(col, values, decimal)
        if bad.any():
            show = col.kind != "str"
            problems += [
                Problem(
                    file,
                    rule,
                    _bad_cell_fix(col),
                    row=int(row),
                    column=col.name,
                    value=privacy.redact(str(values[row])) if show else None,
                )
                for row in frame.index[bad]
            ]
        if col.name == MUNICIPALITY_CODE.name:
            typed = typed.str.zfill(3)
        out[col.name] = typed
    extra = [c for c in frame.columns if c not in out and c not in spec.names]
    if extra:
        log.info("%s: extra columns kept and ignored: %s", file, ", ".join(map(str, extra)))
    return out, problems, notes


def inspect_data_dir(
    data_dir: Path | str,
    *,
    mapping_path: Path | None = None,
    key: bytes | None = None,
    skip: tuple[str, ...] = (),
) -> LoadResult:
    """Read, type and validate every table; collect all problems (never raises for data).

    Tables named in ``skip`` are found and fingerprinted but not read (an engine validates
    them elsewhere, e.g. a Parquet ledger in DuckDB)."""
    data_dir = Path(data_dir)
    result = LoadResult(data_dir)
    if not data_dir.is_dir():
        result.problems.append(
            Problem(str(data_dir), "the data directory does not exist", "give an existing folder")
        )
        return result
    if mapping_path is None and (data_dir / MAPPING_FILE).exists():
        mapping_path = data_dir / MAPPING_FILE
    try:
        mapping = load_mapping(mapping_path)
    except (ValueError, OSError) as exc:
        result.problems.append(Problem(MAPPING_FILE, str(exc), "fix the mapping file"))
        return result
    result.municipality, config_problems = load_municipality(data_dir)
    result.problems += config_problems
    files: dict[str, str] = {}
    for name, spec in TABLES.items():
        path, problems = find_table_file(data_dir, spec, mapping.get(name))
        result.problems += problems
        if path is None:
            if not spec.optional and not problems:
                result.problems.append(
                    Problem(
                        f"{name}.csv",
                        f"required table {name} is missing",
                        f"add {name}.csv, .xlsx or .parquet to {data_dir}",
                    )
                )
            continue
        if name in skip:
            source = Source(name, path, path.suffix.lstrip("."), file_sha256(path))
            source.rows = parquet_rows(path) if source.format == "parquet" else 0
            result.sources[name] = source
            files[name] = path.name
            continue
        raw, problems = read_table(path, spec, mapping.get(name))
        result.problems += problems
        if raw is None:
            continue
        frame, problems, notes = type_table(raw, spec, key)
        result.problems += problems
        result.notes += notes
        result.sources[name] = raw.source
        files[name] = path.name
        unreadable = {(p.row, p.column) for p in problems}
        result.problems += [
            p for p in check_table(spec, frame, path.name) if (p.row, p.column) not in unreadable
        ]
        result.frames[name] = frame
    config_path = data_dir / CONFIG_FILE
    if config_path.exists():
        result.sources["municipality"] = Source(
            "municipality", config_path, "yaml", file_sha256(config_path), first_row=1
        )
    result.problems += check_cross_table(result.frames, files)
    return result


def load_tables(
    data_dir: Path | str, *, mapping_path: Path | None = None, key: bytes | None = None
) -> Tables:
    """Load and validate a data directory; raise :class:`DataError` on any error.

    ``key`` defaults to the pseudonymisation key configured in the environment.
    """
    if key is None:
        key = privacy.load_pseudonym_key()
    result = inspect_data_dir(data_dir, mapping_path=mapping_path, key=key)
    if not result.ok or result.municipality is None:
        raise DataError(result.problems)
    frames = {name: frame.reset_index(drop=True) for name, frame in result.frames.items()}
    return Tables(municipality=result.municipality, sources=result.sources, **frames)
