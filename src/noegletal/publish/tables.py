"""The tables of a rendered report as the reader sees them, and what changed in them.

A report's tables are built by :func:`noegletal.present.theme.house_table` with fixed ids
(``voksen-botilbud``, ``forecast-all`` …). After a render, :func:`report_tables` reads them
back from the HTML with Pandoc's HTML reader — the same reader the renderer uses for the
PDF — as printed text: Danish number formats, discretion already applied (``<5``, ``–``). So
the change log can name every printed cell that changed, and it can never reveal more than the
report itself shows.

A row is identified by its first cell (prefixed by its row group, when the table has groups),
a column by its label; a table by its id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from noegletal.render.pandoc import run_pandoc, stringify

__all__ = ["CellChange", "TableChange", "compare_tables", "report_tables"]

_GROUP_SEPARATOR = " · "


def _text(cell: Any) -> str:
    """A cell's printed text, with soft hyphens dropped and non-breaking spaces plain."""
    return " ".join(stringify(cell[4]).replace("\u00ad", "").replace("\u00a0", " ").split())


def _classes(attr: Any) -> list[str]:
    return list(attr[1]) if isinstance(attr, list) and len(attr) > 1 else []


def _table_record(table: dict[str, Any]) -> dict[str, Any]:
    _attr, _caption, _colspecs, head, bodies, _foot = table["c"]
    title = ""
    label_rows = []
    for row in head[1]:
        cells = row[1]
        heading = "gt_heading" in _classes(row[0]) or any(
            {"gt_title", "gt_subtitle"} & set(_classes(c[0])) for c in cells
        )
        if heading:
            if not title and any("gt_title" in _classes(c[0]) for c in cells):
                title = _text(next(c for c in cells if "gt_title" in _classes(c[0])))
            continue
        label_rows.append(row)
    columns = [_text(c) for c in label_rows[-1][1]] if label_rows else []
    rows: list[list[str]] = []
    keys: list[str] = []
    seen: dict[str, int] = {}
    group = ""
    for body in bodies:
        # A body's own head rows (Pandoc puts a leading row-group heading there), then its rows.
        for row in [*body[2], *body[3]]:
            cells = [_text(c) for c in row[1]]
            if len(cells) == 1 and len(columns) > 1:  # a row-group heading
                group = cells[0]
                continue
            label = cells[0] if cells else ""
            key = f"{group}{_GROUP_SEPARATOR}{label}" if group else label
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key} ({seen[key]})"
            keys.append(key)
            rows.append(cells)
    return {"title": title, "columns": columns, "row_keys": keys, "rows": rows}


def report_tables(html: Path | str) -> dict[str, dict[str, Any]]:
    """Every identified table of a rendered HTML report: ``{id: {title, columns, row_keys,
    rows}}`` with printed cell texts, in the order of the report."""
    text = Path(html).read_text(encoding="utf-8")
    doc = json.loads(run_pandoc(["--from", "html", "--to", "json"], text))
    found: dict[str, dict[str, Any]] = {}

    def walk(blocks: list[Any]) -> None:
        for block in blocks:
            if block.get("t") != "Div":
                continue
            ident, content = block["c"][0][0], block["c"][1]
            table = next((b for b in content if b.get("t") == "Table"), None)
            if ident and table is not None and ident not in found:
                found[ident] = _table_record(table)
            walk(content)

    walk(doc["blocks"])
    return found


@dataclass
class CellChange:
    """One printed table cell that changed (``old``/``new`` ``None``: the row is new/gone)."""

    row: str
    column: str
    old: str | None
    new: str | None


@dataclass
class TableChange:
    """A report table with changed cells (``status``: ``changed``, ``added``, ``removed``)."""

    id: str
    title: str
    status: str
    cells: list[CellChange] = field(default_factory=list)


def _cells(record: dict[str, Any]) -> dict[tuple[str, str], str]:
    columns = record.get("columns") or []
    out = {}
    for key, row in zip(record.get("row_keys") or [], record.get("rows") or [], strict=False):
        for column, value in zip(columns[1:], row[1:], strict=False):
            out[(key, column)] = value
    return out


def compare_tables(
    old: dict[str, dict[str, Any]] | None, new: dict[str, dict[str, Any]] | None
) -> list[TableChange]:
    """The tables whose printed cells differ between two renders, cell by cell, in the order
    of the new report (then the tables it no longer has). ``old`` ``None`` (a version
    published before tables were recorded) compares nothing."""
    if old is None or new is None:
        return []
    changes = []
    for table_id in [*new, *(t for t in old if t not in new)]:
        before, after = old.get(table_id), new.get(table_id)
        if before is None or after is None:
            status = "added" if before is None else "removed"
            title = (after or before or {}).get("title") or table_id
            changes.append(TableChange(table_id, title, status))
            continue
        old_cells, new_cells = _cells(before), _cells(after)
        cells = []
        for key in [*new_cells, *(k for k in old_cells if k not in new_cells)]:
            was, now = old_cells.get(key), new_cells.get(key)
            if was != now:
                cells.append(CellChange(key[0], key[1], was, now))
        if cells:
            changes.append(TableChange(table_id, after.get("title") or table_id, "changed", cells))
    return changes
