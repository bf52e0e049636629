"""The built-in Quarto renderer: parsing, parameters, inline code, HTML, PDF, notebook, errors.

The demo report (tests/data/render/demo.qmd) is rendered once per module; the tests then read
its HTML (html.parser), PDF (pypdf: text and positions) and executed notebook.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from noegletal.render import RenderError, RenderResult, render_report
from noegletal.render.assemble import Assembled, Figure, _html_block
from noegletal.render.builtin import _write_pdf
from noegletal.render.execute import FigureSettings, _inline_text, build_notebook
from noegletal.render.pandoc import read_markdown, write
from noegletal.render.qmd import Cell, MarkdownChunk, parse_qmd, resolve_metadata
from noegletal.render.transforms import typst_transforms

DEMO = Path(__file__).parent / "data" / "render" / "demo.qmd"
METADATA: dict[str, object] = {
    "municipality": "Eksempel Kommune",
    "period-label": "2. halvår 2024",
    "version": 2,
    "date": "2026-03-01",
    "replaces": "Erstatter version 1 af 1. februar 2026.",
}
FIG_ALT = "Søjlediagram: anbringelser har de største udgifter"


def _nbsp(text: str) -> str:
    """Typst output keeps the non-breaking spaces we put inside numbers; compare as spaces."""
    return text.replace("\u00a0", " ")


# --------------------------------------------------------------------------- parsing (fast)


def test_parse_demo_cells_and_options() -> None:
    doc = parse_qmd(DEMO)
    assert doc.front_matter["title"] == "Nøgletal for det specialiserede børneområde"
    cells = doc.cells
    assert cells[0].tags == ["parameters"]
    assert cells[0].source.splitlines()[-1] == 'period = "2023"'
    by_label = {c.label: c for c in cells if c.label}
    assert by_label["setup"].options["include"] is False
    fig = by_label["fig-udgifter"]
    assert fig.options["fig-cap"] == "Udgifter pr. område (mio. kr.)"
    assert fig.options["fig-alt"].startswith(FIG_ALT)
    assert by_label["tbl-pr-sag"].options["tbl-cap"] == "Udgift pr. sag"
    assert any(c.options.get("output") == "asis" for c in cells)
    assert any(c.options.get("warning") is False for c in cells)
    # Cell.line is the .qmd line of the cell's first source line.
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    assert lines[fig.line - 1] == "#| label: fig-udgifter"
    assert lines[fig.line - 2] == "```{python}"


def test_parse_keeps_verbatim_fences_as_markdown(tmp_path: Path) -> None:
    qmd = tmp_path / "x.qmd"
    qmd.write_text(
        "Tekst\n\n```python\nprint('ikke kørt')\n```\n\n````{python}\n#| echo: true\n1\n````\n",
        encoding="utf-8",
    )
    doc = parse_qmd(qmd)
    assert len(doc.cells) == 1
    assert doc.cells[0].options == {"echo": True}
    assert isinstance(doc.chunks[0], MarkdownChunk)
    assert "print('ikke kørt')" in doc.chunks[0].text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("```{python}\n1 + 1\n", "not closed"),
        ("```{python}\n#| label: [a\n1\n```\n", "not valid YAML"),
        ("---\ntitle: x\n\nTekst\n", "front matter is not closed"),
    ],
)
def test_parse_errors(tmp_path: Path, text: str, message: str) -> None:
    qmd = tmp_path / "bad.qmd"
    qmd.write_text(text, encoding="utf-8")
    with pytest.raises(RenderError, match=message):
        parse_qmd(qmd)


def test_metadata_merges_project_front_matter_and_overrides() -> None:
    meta = resolve_metadata(parse_qmd(DEMO), {"version": 3, "subtitle": "Ny"})
    assert meta["lang"] == "da"  # from _quarto.yml
    assert meta["execute"] == {"echo": False, "warning": False}
    assert meta["format"]["typst"]["toc"] is True
    assert meta["title"].startswith("Nøgletal")  # front matter
    assert meta["version"] == 3  # override beats front matter (1)
    assert meta["subtitle"] == "Ny"
    assert "project" not in meta


# --------------------------------------------------------------- parameters (no kernel)


def test_parameters_are_injected_right_after_the_parameters_cell() -> None:
    nb, origins = build_notebook(parse_qmd(DEMO), {"period": "2024"}, fig=FigureSettings())
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[0] == ["injected-setup"]
    index = next(i for i, t in enumerate(tags) if "parameters" in t)
    injected = nb.cells[index + 1]
    assert injected.metadata["tags"] == ["injected-parameters"]
    assert injected.source == "# Injected Parameters\nperiod = '2024'"
    assert origins[index + 1] is None
    assert isinstance(origins[index], Cell)
    assert nb.metadata["papermill"] == {"parameters": {"period": "2024"}}
    # Deterministic cell ids (labels where there are any).
    assert [c["id"] for c in nb.cells][:2] == ["cell-0", "cell-1"]
    assert "fig-udgifter" in [c["id"] for c in nb.cells]


def test_parameters_without_parameters_cell_are_an_error(tmp_path: Path) -> None:
    qmd = tmp_path / "x.qmd"
    qmd.write_text("```{python}\n1\n```\n", encoding="utf-8")
    with pytest.raises(RenderError, match="no cell has"):
        render_report(qmd, params={"period": "2024"}, out_dir=tmp_path / "out", backend="builtin")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["2x", "class", "a-b"])
def test_parameter_names_must_be_identifiers(name: str) -> None:
    with pytest.raises(RenderError, match="identifier"):
        build_notebook(parse_qmd(DEMO), {name: 1}, fig=FigureSettings())


def test_inline_values() -> None:
    assert _inline_text({"text/plain": "'2024'"}) == "2024"
    assert _inline_text({"text/plain": '"a\'b"'}) == "a'b"
    assert _inline_text({"text/plain": "3"}) == "3"
    assert _inline_text({"text/plain": "<obj>", "text/markdown": "**x**"}) == "**x**"


def test_render_report_validates_arguments(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="formats"):
        render_report(DEMO, params={}, out_dir=tmp_path, formats=("docx",))
    with pytest.raises(RenderError, match="backend"):
        render_report(DEMO, params={}, out_dir=tmp_path, backend="latex")
    with pytest.raises(RenderError, match="not found"):
        render_report(tmp_path / "nope.qmd", params={}, out_dir=tmp_path)


# ------------------------------------------------ great_tables HTML -> Typst table (no kernel)


def test_great_tables_html_becomes_a_typst_table() -> None:
    import pandas as pd
    from great_tables import GT

    df = pd.DataFrame({"Område": ["A", "B"], "Udgift": [1234567.0, -5.0], "Andel": [0.125, 0.3]})
    gt = (
        GT(df, id="fixed-id", locale="da")
        .tab_header(title="Udgifter", subtitle="2025")
        .fmt_currency("Udgift", currency="DKK", decimals=0, placement="right", incl_space=True)
        .fmt_percent("Andel", decimals=1, incl_space=True)
        .tab_source_note("Kilde: test.")
    )
    cell = Cell(source="", options={"label": "tbl-x"}, line=1)
    doc = read_markdown(_html_block(gt.as_raw_html(), cell, None))
    typ = _nbsp(write(typst_transforms(doc, {}, "da"), "typst"))
    assert "table(" in typ and "table.header([Område], [Udgift], [Andel]" in typ
    assert "align: (left,right,right,)" in typ
    assert "[1.234.567~kr.], [12,5~%]" in typ  # `~` is Typst's non-breaking space
    assert "[−5~kr.]" in typ  # true minus sign U+2212
    assert re.search(r"caption: \[Udgifter -- 2025\]", typ)
    assert "<tbl-x>" in typ
    assert "#noegletal-tablenotes[\nKilde: test." in typ
    assert "<style" not in typ and "gt_table" not in typ


# ------------------------------------------------------------- the rendered demo (kernel)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderResult:
    out_dir = tmp_path_factory.mktemp("render")
    return render_report(
        DEMO,
        params={"period": "2024"},
        out_dir=out_dir,
        backend="builtin",
        metadata=METADATA,
        output_stem="noegletal-2024",
    )


class _Html(HTMLParser):
    """Collect what the HTML tests need: tags with attributes, and text per tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in {"img", "meta", "br", "hr", "link", "col", "input"}:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip():
            self.text.setdefault(self.stack[-1], []).append(data.strip())


@pytest.fixture(scope="module")
def html(rendered: RenderResult) -> tuple[str, _Html]:
    assert rendered.html is not None
    source = rendered.html.read_text(encoding="utf-8")
    parser = _Html()
    parser.feed(source)
    return source, parser


@pytest.mark.slow
def test_outputs_are_only_the_finished_files(rendered: RenderResult) -> None:
    assert rendered.backend == "builtin"
    assert rendered.html is not None and rendered.pdf is not None
    assert rendered.notebook is not None
    out_dir = rendered.html.parent
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "noegletal-2024.html",
        "noegletal-2024.ipynb",
        "noegletal-2024.pdf",
    ]
    assert 0 < rendered.seconds < 60


@pytest.mark.slow
def test_html_title_block_and_language(html: tuple[str, _Html]) -> None:
    source, parser = html
    assert source.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "da"}) in parser.tags
    assert parser.text["title"] == ["Nøgletal for det specialiserede børneområde"]
    assert "Nøgletal for det specialiserede børneområde" in parser.text["h1"]
    for expected in ["Eksempel Kommune", "Demorapport for den indbyggede renderer"]:
        assert expected in parser.text["p"]
    assert parser.text["dd"] == ["2. halvår 2024", "2", "1. marts 2026"]
    assert "Erstatter version 1 af 1. februar 2026." in parser.text["p"]
    assert "--primary: #1F4E79" in source


@pytest.mark.slow
def test_html_is_self_contained(html: tuple[str, _Html]) -> None:
    _source, parser = html
    assert not [t for t, a in parser.tags if t in {"link", "script"}]
    srcs = [a["src"] for t, a in parser.tags if t == "img"]
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)


@pytest.mark.slow
def test_html_parameters_inline_code_and_asis(html: tuple[str, _Html]) -> None:
    source, parser = html
    text = " ".join(" ".join(parser.text["p"]).split())
    # The injected period (2024) replaces the default (2023) in inline code.
    assert "Rapporten dækker perioden 2024." in text
    assert "2.390.117 kr." in text
    assert "fremhævet" in parser.text["strong"]  # inline text/markdown
    # `output: asis`: printed Markdown is parsed, not shown as code.
    assert "12,5 %" in parser.text["strong"]
    assert "<pre" not in source  # echo: false and no stray output blocks
    assert "Denne advarsel" not in source  # warning: false


@pytest.mark.slow
def test_html_table_figure_callouts_toc(html: tuple[str, _Html]) -> None:
    _source, parser = html
    cells = parser.text["td"]
    assert "1.234.567 kr." in cells
    assert "12,5 %" in cells
    assert "−4,2 %" in cells  # U+2212 minus from great_tables
    assert "Udgifter pr. område" in parser.text["td"]  # great_tables' own title row
    imgs = [a for t, a in parser.tags if t == "img"]
    assert imgs[0]["alt"].startswith(FIG_ALT)
    assert parser.text["figcaption"] == ["Udgifter pr. område (mio. kr.)"]
    assert ("figure", {"id": "fig-udgifter"}) in parser.tags
    assert "Udgift pr. sag" in parser.text["p"]  # tbl-cap
    classes = [a.get("class", "") for t, a in parser.tags if t == "div"]
    assert "callout callout-note" in classes and "callout callout-important" in classes
    assert "Sådan læses tallene" in parser.text["div"]
    assert "Vigtigt" in parser.text["div"]  # default Danish title
    assert ("nav", {"id": "TOC", "role": "doc-toc", "aria-labelledby": "toc-title"}) in (
        parser.tags
    )
    assert "Indhold" in parser.text["h2"]
    assert ("h1", {"class": "unnumbered", "id": "sammenfatning"}) in parser.tags


@pytest.fixture(scope="module")
def pdf(rendered: RenderResult) -> PdfReader:
    assert rendered.pdf is not None
    return PdfReader(rendered.pdf)


@pytest.mark.slow
def test_pdf_title_page_and_page_numbers(pdf: PdfReader) -> None:
    pages = [_nbsp(p.extract_text()) for p in pdf.pages]
    assert len(pages) >= 2
    first = " ".join(pages[0].split())
    for expected in [
        "EKSEMPEL KOMMUNE",
        "Nøgletal for det specialiserede børneområde",
        "Demorapport for den indbyggede renderer",
        "Periode: 2. halvår 2024",
        "Version 2",
        "1. marts 2026",
        "Erstatter version 1 af 1. februar 2026.",
    ]:
        assert expected in first
    # A value such as "2. halvår 2024" must not turn into a numbered list in Typst.
    assert "Periode: 2. halvår 2024" in pages[0].splitlines()
    assert "Version 2 1. marts 2026" in pages[0].splitlines()
    assert "Side" not in pages[0]  # no footer on the title page
    n = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Side {number} af {n}" in text
        assert text.startswith("Nøgletal for det specialiserede børneområde")  # running header
    assert "Indhold" in pages[1]


@pytest.mark.slow
def test_pdf_is_tagged_titled_and_danish(pdf: PdfReader) -> None:
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert root["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in root
    assert pdf.metadata is not None
    assert pdf.metadata.title == "Nøgletal for det specialiserede børneområde"
    assert pdf.metadata["/CreationDate"].startswith("D:20260301")  # from `date`, not "now"


def _fragments(page: object) -> list[tuple[str, float, float]]:
    """(text, x, y) of every text run on a page."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            found.append((_nbsp(text).strip(), cm[4], cm[5]))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


def _row(frags: list[tuple[str, float, float]], first: str) -> list[str]:
    """The texts on the same line as ``first``, left to right."""
    y = next(y for text, _, y in frags if text == first)
    return [t for t, _, _ in sorted((f for f in frags if abs(f[2] - y) < 0.5), key=lambda f: f[1])]


@pytest.mark.slow
def test_pdf_table_has_separate_cells(pdf: PdfReader) -> None:
    page = next(p for p in pdf.pages if "Regnskab 2024" in p.extract_text())
    frags = _fragments(page)
    texts = [t for t, _, _ in frags]
    # Each cell is its own text run, in its own column, one row per line.
    assert _row(frags, "Område") == ["Område", "Udgift", "Ændring", "Sager"]
    assert _row(frags, "Anbringelser") == ["Anbringelser", "1.234.567 kr.", "12,5 %", "1.234"]
    assert _row(frags, "Forebyggende foranstaltninger")[1:3] == ["845.300 kr.", "−4,2 %"]
    y = {t: y for t, _, y in reversed(frags)}
    assert y["Område"] > y["Anbringelser"] > y["Forebyggende foranstaltninger"]  # y grows up
    assert "Udgifter pr. område – Regnskab 2024" in texts  # GT title + subtitle -> caption
    assert "Kilde: Kommunens økonomisystem (demodata)." in texts  # source note kept as text
    later = " ".join(_nbsp(p.extract_text()) for p in pdf.pages)
    assert "Udgift pr. sag" in later  # tbl-cap


@pytest.mark.slow
def test_executed_notebook_has_parameters_and_outputs(rendered: RenderResult) -> None:
    assert rendered.notebook is not None
    nb = json.loads(rendered.notebook.read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1
    assert "".join(injected[0]["source"]).endswith("period = '2024'")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] == i for i, c in enumerate(code, start=1))
    outputs = json.dumps(nb)
    assert "image/png" in outputs and "text/html" in outputs
    assert not re.search(r"0x[0-9a-f]{6,}", outputs)  # no memory addresses
    assert "ipykernel_" not in outputs  # no kernel temp paths in warnings
    inline = [c for c in nb["cells"] if "user_expressions" in c.get("metadata", {})]
    assert inline[0]["metadata"]["user_expressions"][0]["expression"] == "period"


@pytest.mark.slow
def test_render_is_byte_stable(rendered: RenderResult, tmp_path: Path) -> None:
    again = render_report(
        DEMO,
        params={"period": "2024"},
        out_dir=tmp_path,
        backend="builtin",
        metadata=METADATA,
        output_stem="noegletal-2024",
    )
    for first, second in [
        (rendered.html, again.html),
        (rendered.pdf, again.pdf),
        (rendered.notebook, again.notebook),
    ]:
        assert first is not None and second is not None
        assert first.read_bytes() == second.read_bytes(), first.name


@pytest.mark.slow
def test_executed_notebook_passes_nbval(rendered: RenderResult) -> None:
    assert rendered.notebook is not None
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            rendered.notebook.name,
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=rendered.notebook.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]


# ---------------------------------------------------------------------------------- errors


@pytest.mark.slow
def test_failing_cell_raises_render_error_naming_the_cell(tmp_path: Path) -> None:
    qmd = tmp_path / "fejl.qmd"
    qmd.write_text(
        "---\ntitle: Fejl\n---\n\nTekst.\n\n"
        "```{python}\n#| label: beregning\nx = 1\ny = x / 0\n```\n",
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    with pytest.raises(RenderError) as info:
        render_report(qmd, params={}, out_dir=out_dir, backend="builtin")
    message = str(info.value)
    assert "cell 'beregning' at fejl.qmd, line 8 failed: ZeroDivisionError" in message
    assert "fejl.qmd:10 | y = x / 0" in message
    assert "Traceback" in message
    assert "\x1b[" not in message  # ANSI colours stripped
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_pdf_needs_alt_text_for_every_figure(tmp_path: Path) -> None:
    figure = Figure(file="fig-a-1.png", alt=None, caption="Kurve", where="cell 'fig-a' (line 7)")
    assembled = Assembled(markdown="![Kurve](fig-a-1.png)\n", figures={figure.file: figure})
    body = read_markdown(assembled.markdown)
    with pytest.raises(RenderError, match=r"fig-alt.*cell 'fig-a' \(line 7\)"):
        _write_pdf(body, {"title": "T"}, assembled, tmp_path)
