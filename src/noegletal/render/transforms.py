"""Format-specific rewrites of the Pandoc AST (what Quarto's Lua filters do for us).

HTML: callouts get a title bar; chart images get their ``fig-alt`` as ``alt``.

Typst: callouts and table notes become calls to functions of our Typst template; chart images
become ``image(..., alt: ...)`` (Pandoc's Typst writer drops alt text, which PDF/UA needs);
raw HTML output (great_tables, DataFrames) is re-read with Pandoc's HTML reader so the PDF
gets real tables: title rows become the caption, source notes and footnotes become text under
the table, column alignment comes from great_tables' ``gt_left/gt_right/gt_center`` classes
(or, failing that, numeric-looking columns are right-aligned), spaces inside numbers like
``12,5 %`` become non-breaking, the table spans the text width (column widths from the text
lengths), and a table without caption takes no table number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from noegletal.render.assemble import Figure
from noegletal.render.pandoc import (
    Node,
    div,
    plain,
    raw_block,
    raw_inline,
    read_html_fragments,
    rewrite,
    stringify,
)
from noegletal.render.result import RenderError

__all__ = ["CALLOUT_TITLES", "html_transforms", "typst_string", "typst_transforms"]

#: Default callout titles by language (Quarto's translations).
CALLOUT_TITLES: dict[str, dict[str, str]] = {
    "da": {
        "note": "Bemærk",
        "important": "Vigtigt",
        "tip": "Tip",
        "warning": "Advarsel",
        "caution": "Forsigtig",
    },
    "en": {
        "note": "Note",
        "important": "Important",
        "tip": "Tip",
        "warning": "Warning",
        "caution": "Caution",
    },
}
_NUMERIC = re.compile(r"^[−\-+]?\s?[\d.,\s\u00a0]*\d[\d.,\s\u00a0]*\s?(%|‰|kr\.?|mio\.?)?$")


def typst_string(text: str) -> str:
    """A Typst string literal.

    Examples
    --------
    >>> typst_string('Søjler "a" \\\\ b')
    '"Søjler \\\\"a\\\\" \\\\\\\\ b"'
    """
    return json.dumps(text, ensure_ascii=False)


def _callout(node: Node, lang: str) -> tuple[str, str, list[Node]] | None:
    """(kind, title, body) if ``node`` is a callout div."""
    if node["t"] != "Div":
        return None
    (_ident, classes, attrs), body = node["c"]
    kind = next((c.removeprefix("callout-") for c in classes if c.startswith("callout-")), None)
    if kind is None:
        return None
    titles = CALLOUT_TITLES.get(lang[:2], CALLOUT_TITLES["en"])
    title = dict(attrs).get("title")
    if title is None and body and body[0]["t"] == "Header":
        title, body = stringify(body[0]["c"][2]), body[1:]
    return kind, title or titles.get(kind, kind.capitalize()), body


def _set_figure_alt(node: Node, figures: Mapping[str, Figure]) -> None:
    """Put the chart's ``fig-alt`` on an ``Image`` node as its ``alt`` attribute."""
    figure = figures.get(node["c"][2][0])
    if figure is not None and figure.alt:
        attrs = [kv for kv in node["c"][0][2] if kv[0] != "alt"]
        node["c"][0][2] = [*attrs, ["alt", figure.alt]]


def html_transforms(doc: Node, figures: Mapping[str, Figure], lang: str) -> Node:
    """Rewrite the AST for the HTML writer."""

    def fn(node: Node) -> list[Node] | None:
        if node["t"] == "Image":
            _set_figure_alt(node, figures)
            return None
        found = _callout(node, lang)
        if found is None:
            return None
        kind, title, body = found
        ident = node["c"][0][0]
        inner = [
            div(["callout-title"], [plain([{"t": "Str", "c": title}])]),
            div(["callout-body"], rewrite(body, fn)),
        ]
        return [{"t": "Div", "c": [[ident, ["callout", f"callout-{kind}"], []], inner]}]

    return rewrite(doc, fn)


def typst_transforms(doc: Node, figures: Mapping[str, Figure], lang: str) -> Node:
    """Rewrite the AST for the Typst writer (see the module docstring)."""
    html_divs: list[Node] = []

    def collect(node: Node) -> list[Node] | None:
        if node["t"] == "Div" and "cell-output-html" in node["c"][0][1]:
            html_divs.append(node)
        return None

    rewrite(doc["blocks"], collect)
    fragments = ["\n".join(_raw_html(d)) for d in html_divs]
    parsed = {
        id(d): blocks for d, blocks in zip(html_divs, read_html_fragments(fragments), strict=True)
    }

    def fn(node: Node) -> list[Node] | None:
        kind = node["t"]
        if kind == "Div" and id(node) in parsed:
            return _html_output_to_blocks(node, parsed[id(node)])
        if kind == "Image":
            return [_typst_image(node, figures)]
        if kind == "Span" and "gt_footnote_marks" in node["c"][0][1]:
            return [{"t": "Superscript", "c": node["c"][1]}]
        found = _callout(node, lang)
        if found is None:
            return None
        callout_kind, title, body = found
        opening = (
            f"#noegletal-callout(kind: {typst_string(callout_kind)}, title: {typst_string(title)})["
        )
        return [raw_block("typst", opening), *rewrite(body, fn), raw_block("typst", "]")]

    return rewrite(doc, fn)


def _typst_image(node: Node, figures: Mapping[str, Figure]) -> Node:
    """An ``Image`` as a raw Typst ``image(...)`` call with alt text."""
    (_ident, _classes, attrs), description, (src, _title) = node["c"]
    figure = figures.get(src)
    alt = dict(attrs).get("alt") or (figure.alt if figure else None) or stringify(description)
    if not alt:
        where = figure.where if figure else src
        raise RenderError(f"{where}: image {src!r} has no alt text (set '#| fig-alt:')")
    width = dict(attrs).get("width", "100%" if figure else None)
    size = f", width: {width}" if width and re.fullmatch(r"\d+(\.\d+)?%", width) else ""
    return raw_inline("typst", f"#image({typst_string(src)}, alt: {typst_string(alt)}{size})")


def _raw_html(node: Node) -> list[str]:
    return [b["c"][1] for b in node["c"][1] if b["t"] == "RawBlock" and b["c"][0] == "html"]


def _html_output_to_blocks(node: Node, parsed: list[Node]) -> list[Node]:
    """Replace a ``.cell-output-html`` div by the blocks Pandoc read from its HTML."""
    ident = node["c"][0][0]
    caption: list[Node] | None = None
    for block in node["c"][1]:
        if block["t"] == "Div" and "table-caption" in block["c"][0][1]:
            caption = [i for b in block["c"][1] for i in b["c"]]
    first = True

    def fn(inner: Node) -> list[Node] | None:
        nonlocal first
        if inner["t"] == "Table":
            # Only the first table takes the cell's label and tbl-cap.
            blocks = _clean_table(inner, caption if first else None, ident if first else "")
            first = False
            return blocks
        if inner["t"] == "Span" and "gt_footnote_marks" in inner["c"][0][1]:
            return [{"t": "Superscript", "c": inner["c"][1]}]
        if inner["t"] == "Div":  # great_tables' wrapper <div id=...>: keep only its content
            return rewrite(inner["c"][1], fn)
        return None

    return rewrite(parsed, fn)


def _classes(attr: list[Any]) -> list[str]:
    return attr[1]


def _clean_table(table: Node, caption: list[Node] | None, ident: str) -> list[Node]:
    """A great_tables/DataFrame table as Pandoc read it -> a clean table + notes."""
    _attr, _caption, colspecs, head, bodies, foot = table["c"]
    title: list[Node] = []
    subtitle: list[Node] = []
    head_rows = []
    for row in head[1]:
        if "gt_heading" in _classes(row[0]):
            for cell in row[1]:
                inlines = [i for b in cell[4] for i in b.get("c", [])]
                if "gt_subtitle" in _classes(cell[0]):
                    subtitle = inlines
                else:
                    title = inlines
        else:
            head_rows.append(row)
    notes: list[Node] = []
    foot_rows = []
    note_classes = {"gt_sourcenotes", "gt_footnotes", "gt_sourcenote", "gt_footnote"}
    for row in foot[1]:
        row_classes = {*_classes(row[0]), *(c for cell in row[1] for c in _classes(cell[0]))}
        if not row_classes & note_classes:
            foot_rows.append(row)
            continue
        for cell in row[1]:
            inlines = [i for b in cell[4] for i in b.get("c", [])]
            if stringify(inlines).strip():
                notes.append({"t": "Para", "c": _trim(inlines)})

    body_rows = [row for body in bodies for row in body[3]]
    aligns = _column_alignments(len(colspecs), head_rows, body_rows)
    widths = _column_widths(len(colspecs), head_rows, body_rows)
    colspecs = [[{"t": a}, {"t": "ColWidth", "c": w}] for a, w in zip(aligns, widths, strict=True)]
    for body in bodies:
        for row in body[3]:
            _protect_numbers(row, aligns)

    cap_inlines = caption if caption is not None else list(title)
    if caption is None and title and subtitle:
        cap_inlines += [{"t": "Space"}, {"t": "Str", "c": "–"}, {"t": "Space"}, *subtitle]
    table_caption = [None, [plain(cap_inlines)] if cap_inlines else []]
    cleaned = {
        "t": "Table",
        "c": [
            [ident, [], []],
            table_caption,
            colspecs,
            [head[0], head_rows],
            bodies,
            [foot[0], foot_rows],
        ],
    }
    blocks = [cleaned]
    if not cap_inlines:  # an uncaptioned table must not take a table number
        blocks = [
            raw_block("typst", "#[#set figure(numbering: none)"),
            cleaned,
            raw_block("typst", "]"),
        ]
    if notes:
        # The table sticks to its notes (source, discretion): no page break between them.
        blocks = [raw_block("typst", "#block(sticky: true)["), *blocks, raw_block("typst", "]")]
        blocks += [raw_block("typst", "#noegletal-tablenotes["), *notes, raw_block("typst", "]")]
    return blocks


def _trim(inlines: list[Node]) -> list[Node]:
    while inlines and inlines[0]["t"] in {"Space", "SoftBreak"}:
        inlines = inlines[1:]
    while inlines and inlines[-1]["t"] in {"Space", "SoftBreak"}:
        inlines = inlines[:-1]
    return inlines


def _simple_rows(ncols: int, rows: list[Any]) -> list[list[Any]]:
    """The cells of the rows that have one cell per column (no spans)."""
    return [row[1] for row in rows if len(row[1]) == ncols and all(c[3] == 1 for c in row[1])]


def _column_alignments(ncols: int, head_rows: list[Any], body_rows: list[Any]) -> list[str]:
    """Per column: great_tables' alignment class, else right if every value is numeric."""
    by_class = {"gt_right": "AlignRight", "gt_left": "AlignLeft", "gt_center": "AlignCenter"}
    aligns: list[str | None] = [None] * ncols
    for cells in _simple_rows(ncols, [*head_rows[-1:], *body_rows]):
        for j, cell in enumerate(cells):
            if aligns[j] is None:
                aligns[j] = next((by_class[c] for c in _classes(cell[0]) if c in by_class), None)
    body = _simple_rows(ncols, body_rows)
    result = []
    for j, align in enumerate(aligns):
        texts = [stringify(cells[j][4]).strip() for cells in body]
        if align is not None:
            result.append(align)
        elif any(texts) and all(_NUMERIC.match(t) for t in texts if t):
            result.append("AlignRight")
        else:  # not "default": Pandoc centres the table, and default cells would follow
            result.append("AlignLeft")
    return result


#: Characters added to every column's width for the cell inset.
INSET = 2


def _column_widths(ncols: int, head_rows: list[Any], body_rows: list[Any]) -> list[float]:
    """Relative widths for a full-width table, from the longest text in each column, plus
    two characters for the cell's inset (so a short bold header such as ``I alt`` over short
    numbers does not wrap)."""
    longest = [3] * ncols
    for cells in _simple_rows(ncols, [*head_rows[-1:], *body_rows]):
        for j, cell in enumerate(cells):
            longest[j] = max(longest[j], min(40, len(stringify(cell[4]).strip())))
    total = sum(n + INSET for n in longest)
    return [(n + INSET) / total for n in longest]


def _protect_numbers(row: list[Any], aligns: list[str]) -> None:
    """Make spaces inside right-aligned cells non-breaking (``12,5 %``, ``1.234 kr.``)."""
    col = 0
    for cell in row[1]:
        if col < len(aligns) and aligns[col] in {"AlignRight", "AlignCenter"}:
            for block in cell[4]:
                if block["t"] in {"Plain", "Para"}:
                    block["c"] = [
                        {"t": "Str", "c": "\u00a0"} if i["t"] == "Space" else i for i in block["c"]
                    ]
        col += cell[3]
