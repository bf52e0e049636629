"""Loading: CSV dialects, XLSX, Parquet, Danish dates, optional tables and column mapping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from noegletal.data.load import inspect_data_dir, load_tables
from noegletal.data.parse import blank_to_na, parse_date, parse_number
from noegletal.data.spec import TABLES
from noegletal.data.tables import TABLE_FIELDS, Tables
from tests.conftest import EXAMPLE, TINY

DATE_KINDS = ("date", "month_or_date")


def frames_of(tables: Tables) -> dict[str, pd.DataFrame]:
    return {name: getattr(tables, name) for name in TABLE_FIELDS if tables.has(name)}


def write_danish_csv(tables: Tables, target: Path) -> None:
    """Write every table as a Danish Excel-style CSV: ';' separator, decimal comma,
    DD-MM-YYYY dates."""
    target.mkdir()
    (target / "municipality.yml").write_bytes(tables.sources["municipality"].path.read_bytes())
    for name, frame in frames_of(tables).items():
        out = frame.copy()
        for col in TABLES[name].columns:
            if col.name not in out:
                continue
            if col.kind in DATE_KINDS:
                out[col.name] = out[col.name].dt.strftime("%d-%m-%Y")
            elif col.kind == "datetime":
                out[col.name] = out[col.name].dt.strftime("%d-%m-%Y %H:%M")
        out.to_csv(target / f"{name}.csv", sep=";", decimal=",", index=False)


def write_xlsx(tables: Tables, target: Path) -> None:
    target.mkdir()
    (target / "municipality.yml").write_bytes(tables.sources["municipality"].path.read_bytes())
    for name, frame in frames_of(tables).items():
        frame.to_excel(target / f"{name}.xlsx", index=False)


def write_parquet(tables: Tables, target: Path) -> None:
    target.mkdir()
    (target / "municipality.yml").write_bytes(tables.sources["municipality"].path.read_bytes())
    for name, frame in frames_of(tables).items():
        frame.to_parquet(target / f"{name}.parquet", index=False)


def assert_same_tables(a: Tables, b: Tables) -> None:
    assert a.table_names() == b.table_names()
    for name, frame in frames_of(a).items():
        pd.testing.assert_frame_equal(frame, getattr(b, name), obj=name)


@pytest.fixture(scope="module")
def reference() -> Tables:
    source = EXAMPLE if (EXAMPLE / "interventions.csv").exists() else TINY
    return load_tables(source)


@pytest.mark.parametrize("writer", [write_danish_csv, write_xlsx, write_parquet])
def test_formats_load_to_identical_frames(reference: Tables, tmp_path: Path, writer) -> None:
    if writer is write_xlsx and len(reference.ledger) > 20_000:
        # XLSX through openpyxl is slow for the full ledger; the tiny set checks the format.
        reference = load_tables(TINY)
    target = tmp_path / writer.__name__
    writer(reference, target)
    assert_same_tables(reference, load_tables(target))


def test_detection_is_reported(reference: Tables, tmp_path: Path) -> None:
    write_danish_csv(load_tables(TINY), tmp_path / "dk")
    result = inspect_data_dir(tmp_path / "dk")
    ledger = result.sources["ledger"]
    assert (ledger.separator, ledger.decimal) == (";", ",")
    assert "semicolon-separated, decimal ','" in ledger.describe()


def test_windows_1252_csv_is_read_and_reported(tiny_dir: Path) -> None:
    path = tiny_dir / "budget_lines.csv"
    text = path.read_text(encoding="utf-8").replace("Forebyggelse", "Forebyggelse Æblegård")
    path.write_bytes(text.encode("cp1252"))
    (tiny_dir / "budget.csv").write_text(
        (tiny_dir / "budget.csv")
        .read_text(encoding="utf-8")
        .replace("Forebyggelse", "Forebyggelse Æblegård"),
        encoding="utf-8",
    )
    result = inspect_data_dir(tiny_dir)
    assert result.ok, result.problems
    assert result.sources["budget_lines"].encoding == "windows-1252"
    assert "Forebyggelse Æblegård" in result.frames["budget_lines"]["budget_line"].tolist()


def test_optional_tables_may_be_absent_but_required_may_not(tiny_dir: Path) -> None:
    tables = load_tables(tiny_dir)
    assert tables.notifications is None and not tables.has("followups")
    assert tables.table_names() == [
        "population",
        "interventions",
        "ledger",
        "budget_lines",
        "budget",
    ]


def test_column_mapping_file_renames_columns_and_recodes_values(tiny_dir: Path) -> None:
    # A real export: Danish file and column names, Danish measure labels.
    path = tiny_dir / "interventions.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("intervention_id,person_id", "Bevillings-ID,Borger")
    text = text.replace("foster_care", "Plejefamilie")
    path.unlink()
    (tiny_dir / "Bevillinger.csv").write_text(text, encoding="utf-8")
    (tiny_dir / "mapping.yml").write_text(
        "interventions:\n"
        "  file: Bevillinger.csv\n"
        "  columns:\n"
        "    Bevillings-ID: intervention_id\n"
        "    Borger: person_id\n"
        "  values:\n"
        "    measure_type:\n"
        "      Plejefamilie: foster_care\n",
        encoding="utf-8",
    )
    tables = load_tables(tiny_dir)
    assert tables.interventions["intervention_id"].tolist() == ["I1", "I2", "I3"]
    assert tables.interventions.loc[1, "measure_type"] == "foster_care"
    assert tables.sources["interventions"].path.name == "Bevillinger.csv"


def test_mapping_with_unknown_table_is_refused(tiny_dir: Path) -> None:
    (tiny_dir / "mapping.yml").write_text("bevillinger:\n  file: x.csv\n", encoding="utf-8")
    errors = inspect_data_dir(tiny_dir).errors
    assert len(errors) == 1 and "unknown table(s) bevillinger" in errors[0].rule


def test_two_files_for_one_table_are_refused(tiny_dir: Path) -> None:
    load_tables(tiny_dir).population.to_parquet(tiny_dir / "population.parquet")
    errors = inspect_data_dir(tiny_dir).errors
    assert "more than one file" in errors[0].rule


def test_extra_columns_are_kept_out_and_ignored(tiny_dir: Path) -> None:
    path = tiny_dir / "population.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",kommentar"] + [line + ",x" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert list(load_tables(tiny_dir).population.columns) == ["year", "age", "persons"]


@pytest.mark.parametrize(
    ("text", "decimal", "expected"),
    [
        ("1234.5", ".", 1234.5),
        ("1234,5", ",", 1234.5),
        ("1.234.567,25", ",", 1234567.25),  # thousands separators with decimal comma
        ("-41,5", ",", -41.5),
        ("12 500", ".", 12500.0),  # a space as thousands separator
        ("\u22121.907.114", ",", -1907114.0),  # the typographic minus of printed reports
    ],
)
def test_parse_number_forms(text: str, decimal: str, expected: float) -> None:
    values, bad = parse_number(pd.Series([text]), decimal=decimal)
    assert not bad[0] and values[0] == expected


def test_parse_number_refuses_commas_in_a_decimal_point_file() -> None:
    values, bad = parse_number(pd.Series(["1,5", "2"]), decimal=".")
    assert bad.tolist() == [True, False] and np.isnan(values[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-07", "2025-03-07"),
        ("07-03-2025", "2025-03-07"),  # Danish DD-MM-YYYY
        ("7.3.2025", "2025-03-07"),
        ("2024-02-29", "2024-02-29"),  # leap day exists in 2024
    ],
)
def test_parse_date_forms(text: str, expected: str) -> None:
    values, bad = parse_date(pd.Series([text]))
    assert not bad[0] and values[0] == pd.Timestamp(expected)


@pytest.mark.parametrize(
    "text", ["2025-02-29", "31-04-2025", "2025-13-01", "i går", "2025-01-01 10:30"]
)
def test_parse_date_refuses(text: str) -> None:
    _, bad = parse_date(pd.Series([text]))
    assert bad[0]


def test_parse_date_on_typed_dates_refuses_a_time_of_day() -> None:
    """A Parquet/Excel date-time column: midnight is a date (also before 1970, and in
    microseconds), any other time of day is bad and left missing; a missing date is fine."""
    values = pd.Series(
        pd.to_datetime(
            ["2025-03-07", "2025-03-07 00:00:01", None, "1969-12-31", "2025-03-07 12:00"],
            format="ISO8601",
        ).astype("datetime64[us]")
    )
    typed, bad = parse_date(values)
    assert bad.tolist() == [False, True, False, False, True]
    assert typed.dtype == "datetime64[ns]"
    assert typed.isna().tolist() == [False, True, True, False, True]
    assert typed[3] == pd.Timestamp("1969-12-31")
    timed, none_bad = parse_date(values, with_time=True)
    assert not none_bad.any() and timed[4] == pd.Timestamp("2025-03-07 12:00")


def test_parse_datetime_and_year_month() -> None:
    values, bad = parse_date(pd.Series(["2025-01-31 23:15", "31-01-2025 08:00:30"]), with_time=True)
    assert not bad.any()
    assert values.tolist() == [
        pd.Timestamp("2025-01-31 23:15"),
        pd.Timestamp("2025-01-31 08:00:30"),
    ]
    values, bad = parse_date(pd.Series(["2015-03"]), year_month=True)
    assert not bad[0] and values[0] == pd.Timestamp("2015-03-01")


@pytest.mark.parametrize("duplicate", [False, True])
def test_large_table_duplicates_are_named_by_row(duplicate) -> None:
    """From 100,000 rows on, uniqueness is first checked on the whole column; a duplicate is
    still reported on every row that holds it."""
    from noegletal.data.schema import check_table

    n = 120_000
    frame = pd.DataFrame(
        {
            "followup_id": pd.Series([f"F{i}" for i in range(n)], dtype="str"),
            "intervention_id": pd.Series(["I1"] * n, dtype="str"),
            "due_on": pd.Timestamp("2025-01-31"),
            "done_on": pd.NaT,
        }
    )
    if duplicate:
        frame.loc[n - 1, "followup_id"] = "F5"
    problems = check_table(TABLES["followups"], frame, "followups.parquet")
    if not duplicate:
        assert problems == []
        return
    assert {(p.row, p.column) for p in problems} == {(5, "followup_id"), (n - 1, "followup_id")}
    assert all(p.rule.startswith("duplicate value") for p in problems)


_EDGE_CHARACTERS = [
    "a",
    "Z",
    "-",
    "~",
    "!",
    " ",
    "\t",
    "\x1f",
    "\x7f",
    "\u00a0",
    "æ",
    "\u3000",
    "\u2028",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.text(alphabet=st.sampled_from(_EDGE_CHARACTERS), max_size=4)),
        max_size=12,
    ),
    st.integers(min_value=0, max_value=3),
)
def test_stripping_is_skipped_only_where_it_changes_nothing(cells: list, skip: int) -> None:
    """blank_to_na gives what stripping every cell gives (parse._may_need_stripping lets
    it skip columns whose cells begin and end with printable ASCII); also on a slice, whose
    Arrow buffers begin at an offset."""
    values = pd.Series(cells, dtype="str").iloc[skip:]
    expected = values.astype("string").str.strip()
    expected = expected.mask((expected == "").fillna(False))
    pd.testing.assert_series_equal(blank_to_na(values), expected)
