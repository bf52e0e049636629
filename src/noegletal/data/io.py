"""Read the files of a data directory (``DATA.md``): CSV, XLSX and Parquet, plus a mapping.

A data directory holds one file per table, ``NAME.csv``, ``NAME.xlsx`` (first sheet) or
``NAME.parquet``, and ``municipality.yml``. CSV files may use ``,`` or ``;`` as separator and
``.`` or ``,`` as decimal mark; both are detected and reported. UTF-8 is expected; a file
that is not valid UTF-8 is read as Windows-1252 (what Excel writes) and that is reported.

A **column-mapping file** (``mapping.yml`` in the data directory, or any file given with
``--mapping``) lets a real export with other file and column names be used unchanged::

    interventions:
      file: Bevillinger_2026.xlsx     # optional: another file name
      columns:                        # export column: contract column
        Bevillings-ID: intervention_id
        Borger: person_id
      values:                         # optional: recode values of a contract column
        measure_type:
          Plejefamilie: foster_care

See ``docs/column-mapping.md``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from noegletal.data.problems import Problem
from noegletal.data.spec import TABLES, TableSpec
from noegletal.hashing import file_sha256

__all__ = [
    "FORMATS",
    "RawTable",
    "Source",
    "file_sha256",
    "find_table_file",
    "load_mapping",
    "parquet_rows",
    "read_table",
    "unknown_code_warnings",
    "unreadable_parquet",
    "zoned_dates_problem",
]

Format = Literal["csv", "xlsx", "parquet", "yaml"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "parquet")  # table formats
MAPPING_FILE = "mapping.yml"


@dataclass
class Source:
    """Where a table came from and how it was read."""

    table: str
    path: Path
    format: Format
    sha256: str
    rows: int = 0
    separator: str | None = None
    decimal: str | None = None
    encoding: str | None = None
    first_row: int = 2  # row number (as the user sees it) of the first data row

    def describe(self) -> str:
        """One line for the validation summary, e.g. ``interventions.csv: 1,234 rows, ';'
        separated, decimal ','``."""
        text = f"{self.path.name}: {self.rows:,} rows"
        if self.format == "csv":
            sep = {";": "semicolon", ",": "comma", "\t": "tab"}.get(self.separator or ",", "?")
            text += f", {sep}-separated, decimal '{self.decimal}'"
            if self.encoding and self.encoding != "utf-8":
                text += f", encoding {self.encoding}"
        return text


@dataclass
class RawTable:
    """A table as read from disk, columns renamed to the contract, cells not yet typed."""

    source: Source
    frame: pd.DataFrame
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)


def load_mapping(path: Path | None) -> dict[str, dict[str, Any]]:
    """Read a column-mapping file (empty mapping if ``path`` is ``None``)."""
    if path is None:
        return {}
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(content, dict):
        raise ValueError(f"{path.name}: expected a mapping of table names to settings")
    unknown = sorted(set(content) - set(TABLES))
    if unknown:
        raise ValueError(
            f"{path.name}: unknown table(s) {', '.join(unknown)}; "
            f"known tables are {', '.join(TABLES)}"
        )
    return content


def find_table_file(
    data_dir: Path, spec: TableSpec, mapping: dict[str, Any] | None = None
) -> tuple[Path | None, list[Problem]]:
    """The file that holds table ``spec`` (``None`` if absent) and any problem finding it."""
    mapped = (mapping or {}).get("file")
    if mapped:
        path = data_dir / mapped
        if not path.exists():
            return None, [
                Problem(
                    str(path.name),
                    f"mapping names file '{mapped}' for table {spec.name}, but it does not exist",
                    "correct 'file:' in the mapping file or add the file",
                )
            ]
        return path, []
    found = [data_dir / f"{spec.name}.{fmt}" for fmt in FORMATS]
    found = [p for p in found if p.exists()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        return None, [
            Problem(
                names,
                f"table {spec.name} is given by more than one file",
                "keep one file per table (remove or rename the others)",
            )
        ]
    return (found[0] if found else None), []


def _detect_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","


def _read_csv(path: Path, source: Source) -> tuple[pd.DataFrame | None, list[Problem]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
        source.encoding = "utf-8"
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        source.encoding = "windows-1252"
    header = text.split("\n", 1)[0]
    source.separator = _detect_separator(header)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=source.separator,
            dtype=str,
            keep_default_na=False,
            na_values=[],
            skipinitialspace=True,
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        row = int(match.group(1)) if match else None
        return None, [
            Problem(
                path.name,
                f"the file cannot be read as CSV ({str(exc).strip().splitlines()[-1]})",
                "check that every row has the same number of separators as the header "
                "and that quotes are closed",
                row=row,
            )
        ]
    except pd.errors.EmptyDataError:
        return None, [Problem(path.name, "the file is empty", "export the table with a header")]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame, []


def _cell_to_text(value: Any) -> Any:
    """Spreadsheet cell → the text a CSV export would hold (missing stays missing)."""
    if value is None or (isinstance(value, float) and value != value):
        return pd.NA
    if isinstance(value, datetime | pd.Timestamp):
        if value.hour == value.minute == value.second == 0:
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(path: Path, sheet: str | int = 0) -> tuple[pd.DataFrame | None, list[Problem]]:
    try:
        frame = pd.read_excel(path, sheet_name=sheet, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        return None, [
            Problem(
                path.name,
                f"the file cannot be read as XLSX ({type(exc).__name__})",
                "save it again from Excel as .xlsx, or export it as CSV",
            )
        ]
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda col: col.map(_cell_to_text)).astype("string"), []


def unreadable_parquet(file: str, exc: BaseException) -> Problem:
    """The problem of a Parquet file that cannot be read (truncated, not Parquet …)."""
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    return Problem(
        file,
        f"the file cannot be read as Parquet ({reason})",
        "write the table again from its source (or export it as CSV)",
    )


def parquet_rows(path: Path) -> int:
    """The number of rows a Parquet file says it holds (0 if it cannot be read; the rules
    that read it say why)."""
    import pyarrow.parquet as pq

    try:
        return int(pq.read_metadata(path).num_rows)
    except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        return 0


def unknown_code_warnings(file: str, code: str, rows: list[int], count: int) -> list[Problem]:
    """Warnings for a ``municipality_code`` that no measure has, naming its first ``rows`` of
    ``count``: they belong to no municipality of the data set and are left out."""
    return [
        Problem(
            file,
            f"municipality_code {code} is not one of the measures' municipalities (rule: the "
            "municipalities are those of interventions); its rows are left out",
            "correct the code, or remove the rows of municipalities outside the data set",
            row=row,
            column="municipality_code",
            value=code if i == 0 else None,
            severity="warning",
            more_rows=count - len(rows) if i == len(rows) - 1 else 0,
        )
        for i, row in enumerate(rows)
    ]


def zoned_dates_problem(file: str, column: str, zone: str) -> Problem:
    """The problem of a date column stored with a time zone (a Parquet timestamp with one):
    the day an instant falls on depends on the zone, so it is refused rather than guessed
    (docs/data-contract.md)."""
    return Problem(
        file,
        f"{column} is stored with a time zone ({zone}) (rule: dates and date-times are local, "
        "without a time zone)",
        f"write {column} as a date, or as a timestamp without time zone in local time, or "
        "export the table as CSV",
        column=column,
    )


def _read_parquet(path: Path) -> tuple[pd.DataFrame | None, list[Problem]]:
    import pyarrow as pa

    try:
        return pd.read_parquet(path), []
    except (OSError, ValueError, pa.ArrowException) as exc:
        return None, [unreadable_parquet(path.name, exc)]


def read_table(
    path: Path, spec: TableSpec, mapping: dict[str, Any] | None = None
) -> tuple[RawTable | None, list[Problem]]:
    """Read one table file and rename its columns through the mapping (if any)."""
    mapping = mapping or {}
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        return None, [
            Problem(path.name, f"unknown file type .{suffix}", "use .csv, .xlsx or .parquet")
        ]
    source = Source(spec.name, path, suffix, file_sha256(path))  # type: ignore[arg-type]
    if suffix == "csv":
        frame, problems = _read_csv(path, source)
    elif suffix == "xlsx":
        frame, problems = _read_xlsx(path, mapping.get("sheet", 0))
    else:
        frame, problems = _read_parquet(path)
        source.first_row = 1
    if frame is None:
        return None, problems
    renames = {str(k): str(v) for k, v in (mapping.get("columns") or {}).items()}
    frame = frame.rename(columns=renames)
    duplicated = frame.columns[frame.columns.duplicated()].unique().tolist()
    if duplicated:
        return None, [
            Problem(
                path.name,
                f"column name(s) {', '.join(duplicated)} appear more than once",
                "give every column its own name (check the mapping file)",
            )
        ]
    source.rows = len(frame)
    frame.index = pd.RangeIndex(source.first_row, source.first_row + len(frame))
    value_maps = {
        str(col): {str(k): str(v) for k, v in values.items()}
        for col, values in (mapping.get("values") or {}).items()
    }
    return RawTable(source, frame, value_maps), problems
