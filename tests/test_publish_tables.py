"""The report's tables read back from rendered HTML, and the change log of their cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from noegletal.present.theme import house_table
from noegletal.publish.changelog import (
    ChangeLog,
    changelog_lines,
    changes_html,
    replaces_text,
)
from noegletal.publish.tables import CellChange, TableChange, compare_tables, report_tables


def _html(tmp_path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "group": ["Børn og unge", "Børn og unge", "Voksne", "Voksne"],
            "line": ["Plejefamilier", "I alt", "§ 108 Længerevarende botilbud", "I alt"],
            "persons": ["12", "<5", "1.234", "1.240"],
            "cost": ["1.234.567 kr.", "–", "12,5 %", "13,0 %"],
        }
    )
    table = house_table(
        frame,
        "test-table",
        title="Udgifter pr. budgetlinje",
        subtitle="1. halvår 2026",
        labels={"line": "Budgetlinje", "persons": "Personer", "cost": "Udgift"},
        right=["persons", "cost"],
        notes=["Kilde: test."],
        groupname_col="group",
    )
    path = tmp_path / "report.html"
    path.write_text(f"<html><body><p>Tekst</p>{table.as_raw_html()}</body></html>", "utf-8")
    return path


def test_report_tables_reads_printed_cells_with_row_groups(tmp_path: Path) -> None:
    tables = report_tables(_html(tmp_path))
    assert list(tables) == ["test-table"]
    table = tables["test-table"]
    assert table["title"] == "Udgifter pr. budgetlinje"
    assert table["columns"] == ["Budgetlinje", "Personer", "Udgift"]
    # Row keys carry the row group, so the two "I alt" rows stay apart.
    assert table["row_keys"] == [
        "Børn og unge · Plejefamilier",
        "Børn og unge · I alt",
        "Voksne · § 108 Længerevarende botilbud",
        "Voksne · I alt",
    ]
    # Printed text as the reader sees it: discretion marks and Danish formats unchanged.
    assert table["rows"][0] == ["Plejefamilier", "12", "1.234.567 kr."]
    assert table["rows"][1] == ["I alt", "<5", "–"]


def _record(rows: dict[str, list[str]], columns=("Linje", "Personer", "Udgift")) -> dict:
    return {
        "title": "T",
        "columns": list(columns),
        "row_keys": list(rows),
        "rows": [[key, *cells] for key, cells in rows.items()],
    }


def test_compare_tables_names_each_changed_cell() -> None:
    old = {
        "a": _record({"A": ["12", "100 kr."], "B": ["<5", "–"], "Gone": ["7", "1 kr."]}),
        "dropped": _record({"X": ["1", "2"]}),
    }
    new = {
        "a": _record({"A": ["13", "100 kr."], "B": ["<5", "–"], "New": ["8", "2 kr."]}),
        "fresh": _record({"Y": ["1", "2"]}),
    }
    changes = compare_tables(old, new)
    assert [(c.id, c.status) for c in changes] == [
        ("a", "changed"),
        ("fresh", "added"),
        ("dropped", "removed"),
    ]
    cells = {(c.row, c.column): (c.old, c.new) for c in changes[0].cells}
    # "<5" that stays "<5" is unchanged; a new row's cells have no old value, a gone row's
    # cells no new one.
    assert cells == {
        ("A", "Personer"): ("12", "13"),
        ("New", "Personer"): (None, "8"),
        ("New", "Udgift"): (None, "2 kr."),
        ("Gone", "Personer"): ("7", None),
        ("Gone", "Udgift"): ("1 kr.", None),
    }
    assert compare_tables(None, new) == []  # a version from before tables were recorded
    assert compare_tables(old, old) == []


def _log(tables: list[TableChange], indicators=None) -> ChangeLog:
    return ChangeLog(
        report="committee",
        period="2026-H1",
        old_version=1,
        old_date="2026-08-15",
        new_version=2,
        new_date="2026-08-16",
        indicators=indicators or [],
        files=[],
        code={"changed": False},
        lock={"changed": False},
        parameters={},
        tables=tables,
    )


def test_a_change_only_in_a_table_is_said_everywhere() -> None:
    cell = CellChange("§ 108 Længerevarende botilbud", "Private tilbud", "12", "13")
    log = _log([TableChange("voksen-botilbud", "Borgere i botilbud", "changed", [cell])])
    title_page = replaces_text(log)
    assert "Ingen offentliggjorte tal" not in title_page
    assert "Ændrede tal i 1 tabel" in title_page and "12 → 13" in title_page
    lines = "\n".join(changelog_lines(log))
    assert "§ 108 Længerevarende botilbud · Private tilbud: 12 → 13 (+1)" in lines
    page = changes_html(
        log,
        title="Nøgletal",
        municipality="Egebjerg Kommune",
        period_label="1. halvår 2026",
        old_links=[],
        new_links=[],
        archive_href="../index.html",
    )
    assert "Ændrede tal i rapportens tabeller" in page and "Private tilbud" in page
    again = ChangeLog.from_dict(log.to_dict())
    assert again.tables == log.tables
    assert log.to_dict()["changed_tables"] == 1
