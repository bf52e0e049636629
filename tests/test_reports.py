"""End to end: the reports rendered from the example data, opened and read.

Each report is rendered once per test session (built-in renderer, HTML + PDF). The tests
read the PDF text, parse the HTML, take a headless Chromium screenshot of the committee
page and re-run the executed notebook with nbval.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from noegletal.data.load import load_tables
from noegletal.indicators import compute
from noegletal.indicators.output import results_document
from noegletal.periods import parse_period
from noegletal.present.formats import fmt_value
from noegletal.render.catalog import render_named_report
from tests.conftest import EXAMPLE, ROOT

pytestmark = pytest.mark.slow

PERIOD = parse_period("2026-H1")
DATE = dt.date(2026, 8, 15)


@pytest.fixture(scope="session")
def example_tables():
    return load_tables(EXAMPLE)


@pytest.fixture(scope="session")
def indicators_json(example_tables) -> dict:
    """The same numbers as `noegletal indicators --data data/example --period 2026-H1`."""
    return results_document(example_tables, PERIOD, compute(example_tables, PERIOD))


def _render(name: str, tables, out: Path, period=PERIOD):
    return render_named_report(
        name,
        tables=tables,
        data_dir=EXAMPLE,
        period=period,
        out_dir=out,
        date=DATE,
        backend="builtin",
    )


@pytest.fixture(scope="session")
def rendered(example_tables, tmp_path_factory) -> dict:
    """Every report, rendered once (HTML + PDF + executed notebook)."""
    return {
        name: _render(name, example_tables, tmp_path_factory.mktemp(name))
        for name in ("committee", "focus-points", "cross-sector")
    }


@pytest.fixture(scope="session")
def committee(rendered):
    return rendered["committee"]


def _pdf_text(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _flat(text: str) -> str:
    """PDF text with line breaks and non-breaking spaces folded to single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def test_committee_pdf_has_title_page_and_at_least_four_pages(committee) -> None:
    pages = _pdf_text(committee.pdf)
    assert len(pages) >= 4
    title = _flat(pages[0])
    assert "EGEBJERG KOMMUNE" in title  # the colour band sets the name in small capitals
    for expected in (
        "Nøgletal for det specialiserede socialområde til Socialudvalget",
        "1. halvår 2026",
        "Version 1",
        "15. august 2026",
    ):
        assert expected in title, expected
    assert "Side 2 af" in _flat(pages[1])
    assert "Indhold" in _flat(pages[1])


def test_committee_pdf_uses_danish_number_formats(committee) -> None:
    text = _flat(" ".join(_pdf_text(committee.pdf)))
    assert re.search(r"\d{1,3}\.\d{3}\.\d{3} kr\.", text), "thousands separators"
    assert re.search(r"\d+,\d %", text), "decimal comma in percentages"
    assert not re.search(r"\d{1,3},\d{3},\d{3}", text), "no English thousands separators"


@pytest.mark.parametrize(
    "indicator", ["fp1.placed_per_1000_0_22", "adults.housing_persons", "adults.own_home_share"]
)
def test_committee_pdf_number_equals_json(committee, indicators_json, indicator) -> None:
    entry = next(e for e in indicators_json["indicators"] if e["id"] == indicator)
    assert entry["value"] is not None
    shown = fmt_value(entry["value"], entry["unit"])
    text = _flat(" ".join(_pdf_text(committee.pdf)))
    assert shown in text, f"{indicator} = {entry['value']} should appear as {shown!r}"


def test_committee_spend_table_matches_json(committee, indicators_json) -> None:
    entry = next(e for e in indicators_json["indicators"] if e["id"] == "adults.spend_by_paragraph")
    text = _flat(" ".join(_pdf_text(committee.pdf)))
    for line, amount in entry["breakdown"]["budget_line"].items():
        assert fmt_value(amount, "kr") in text, line


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))


def test_committee_html_is_danish_self_contained_with_alt_texts(committee) -> None:
    html = committee.html.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(html)
    tags = parser.tags
    assert ("html", {"lang": "da"}) in [
        (t, {"lang": a.get("lang")}) for t, a in tags if t == "html"
    ]
    images = [a for t, a in tags if t == "img"]
    assert images and all(a.get("alt") for a in images)
    assert all(a["src"].startswith("data:image/png;base64,") for a in images)
    assert sum(1 for t, _ in tags if t == "table") >= 5
    assert not [a for t, a in tags if t == "script"]
    assert "Nøgletal i overblik" in html


def test_committee_screenshot_in_headless_chromium(committee, tmp_path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    shot = tmp_path / "committee.png"
    subprocess.run(
        [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
            "--window-size=1200,2400", committee.html.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    from PIL import Image

    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 2400)
    # Not a blank page: the title block in the primary colour and text are there.
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50


@pytest.mark.parametrize("name", ["committee", "focus-points", "cross-sector"])
def test_report_notebook_reproduces_under_nbval(rendered, name) -> None:
    notebook = rendered[name].notebook
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         str(notebook)],
        capture_output=True,
        text=True,
        cwd=notebook.parent,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("focus-points", "Økonomistyring af det specialiserede børneområde"),
        ("cross-sector", "Tværgående løsninger"),
    ],
)
def test_other_reports_render_with_title_page_and_figures(rendered, name, title) -> None:
    pages = _pdf_text(rendered[name].pdf)
    assert len(pages) >= 4
    assert title in _flat(pages[0]) and "1. halvår 2026" in _flat(pages[0])
    html = rendered[name].html.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(html)
    images = [a for t, a in parser.tags if t == "img"]
    assert images and all(a.get("alt") for a in images)


def test_period_parameter_changes_the_report_without_code_changes(example_tables, tmp_path) -> None:
    result = render_named_report(
        "committee",
        tables=example_tables,
        data_dir=EXAMPLE,
        period=parse_period("2025"),
        out_dir=tmp_path,
        date=DATE,
        formats=("html",),
        backend="builtin",
    )
    html = result.html.read_text(encoding="utf-8")
    assert "2025" in html and "1. halvår 2026" not in html
    document = results_document(
        example_tables, parse_period("2025"), compute(example_tables, "2025")
    )
    entry = next(e for e in document["indicators"] if e["id"] == "fp1.placed_per_1000_0_22")
    assert fmt_value(entry["value"], entry["unit"]) in html


def test_indicator_json_is_written_by_the_cli_like_the_fixture(indicators_json, tmp_path) -> None:
    out = tmp_path / "out.json"
    subprocess.run(
        [sys.executable, "-m", "noegletal", "indicators", "--data", str(EXAMPLE), "--period",
         "2026-H1", "--json", str(out), "--format", "none"],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(json.dumps(indicators_json))
