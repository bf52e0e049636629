"""Versioned publication end to end: the real command, the real renderer, the example data.

One publication sequence per module (about 30 s): ``noegletal publish committee`` → v1;
the same again → "unchanged"; one ``annual_cost`` of a copy of data/example changed → v2
with a change log, a title page that says it replaces v1, and v1 byte-identical. The
archive index is opened in headless Chromium and every link in it must resolve.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from noegletal.publish import verify_version
from noegletal.publish.manifest import read_manifest
from tests.conftest import EXAMPLE, ROOT, edit_csv
from tests.test_publish import assert_links_resolve

pytestmark = pytest.mark.slow

#: An adults' long-term housing measure without price rows, open in 2026-H1: its
#: annual_cost feeds the FP5 forecast and commitments.
INTERVENTION, NEW_COST = "I0000003", "2182800.00"


def publish(data: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "noegletal", "publish", "committee", "--data", str(data),
         "--period", "2026-H1", "--out", str(out), "--backend", "builtin", *extra],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )  # fmt: skip


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sequence(tmp_path_factory) -> dict:
    """Publish v1, publish again unchanged, change one annual_cost, publish v2."""
    base = tmp_path_factory.mktemp("publish")
    data, out = base / "data", base / "_publish"
    shutil.copytree(EXAMPLE, data)
    first = publish(data, out, "--date", "2026-08-15")
    assert first.returncode == 0, first.stderr[-3000:]
    v1 = out / "committee" / "2026-H1" / "v1"
    v1_hashes = tree_hashes(v1)
    again = publish(data, out, "--date", "2026-08-16")
    listing_after_again = sorted(p.name for p in v1.parent.iterdir())

    def change(rows):
        (row,) = [r for r in rows if r["intervention_id"] == INTERVENTION]
        row["annual_cost"] = NEW_COST

    edit_csv(data / "interventions.csv", change)
    second = publish(data, out, "--date", "2026-08-16")
    assert second.returncode == 0, second.stderr[-3000:]
    return {
        "out": out,
        "v1": v1,
        "v2": v1.parent / "v2",
        "v1_hashes": v1_hashes,
        "first": first,
        "again": again,
        "listing_after_again": listing_after_again,
        "second": second,
    }


def test_first_publish_makes_v1(sequence) -> None:
    assert "committee 2026-H1: published v1" in sequence["first"].stdout
    v1 = sequence["v1"]
    assert verify_version(v1) == []
    assert {"committee-2026-H1.html", "committee-2026-H1.pdf"} <= {p.name for p in v1.iterdir()}
    manifest = read_manifest(v1)
    assert manifest["backend"] == "builtin" and manifest["render_seconds"] > 0
    assert manifest["code"]["git_commit"] is None or re.fullmatch(
        r"[0-9a-f]{40}", manifest["code"]["git_commit"]
    )
    assert len(manifest["inputs"]) == 16  # 15 tables and municipality.yml


def test_second_publish_unchanged(sequence) -> None:
    again = sequence["again"]
    assert again.returncode == 0, again.stderr
    assert "unchanged: v1 is current" in again.stdout
    assert sequence["listing_after_again"] == [".lock", "v1"]


def test_changed_annual_cost_makes_v2_with_change_log(sequence) -> None:
    v2 = sequence["v2"]
    assert "committee 2026-H1: published v2" in sequence["second"].stdout
    assert verify_version(v2) == []
    changes = json.loads((v2 / "changes.json").read_text(encoding="utf-8"))
    by_id = {entry["id"]: entry for entry in changes["indicators"]}
    assert {"fp5.forecast", "fp5.committed_remaining"} <= set(by_id)
    forecast = by_id["fp5.forecast"]
    assert forecast["label_da"] == "Regnskabsprognose for året (kr.)"
    total = forecast["changes"][0]
    assert total["path"] == []
    assert re.fullmatch(r"[\d.]+ kr\.", total["old_text"])
    assert total["new_text"] != total["old_text"]
    assert total["difference"].startswith("+") and total["difference"].endswith(" kr.")
    assert [f["file"] for f in changes["files"]] == ["interventions.csv"]
    assert changes["code"]["changed"] is False
    page = (v2 / "changes.html").read_text(encoding="utf-8")
    for text in (forecast["label_da"], total["old_text"], total["new_text"], "interventions.csv"):
        assert text in page
    # The printed cells of the report's tables that changed: the forecast table's § 108 line
    # (the measure is long-term housing), in thousands of kroner as the report prints them.
    tables = {t["id"]: t for t in changes["tables"]}
    assert "forecast-all" in tables
    cells = {(c["row"], c["column"]): c for c in tables["forecast-all"]["cells"]}
    row = "Voksne · § 108 Længerevarende botilbud"
    assert (row, "Prognose") in cells
    changed = cells[(row, "Prognose")]
    assert changed["old"] != changed["new"] and re.fullmatch(r"[\d.]+", changed["new"])
    assert "Ændrede tal i rapportens tabeller" in page
    assert changes["changed_tables"] == len(changes["tables"])
    v2_published = json.loads((v2 / "published.json").read_text(encoding="utf-8"))
    assert "forecast-all" in v2_published["tables"]


def test_v1_is_byte_identical_after_v2(sequence) -> None:
    assert tree_hashes(sequence["v1"]) == sequence["v1_hashes"]
    assert verify_version(sequence["v1"]) == []


def test_v2_pdf_title_page_says_it_replaces_v1(sequence) -> None:
    title = PdfReader(sequence["v2"] / "committee-2026-H1.pdf").pages[0].extract_text()
    flat = re.sub(r"\s+", " ", title.replace("\u00a0", " "))
    assert "Erstatter version 1 af 15. august 2026" in flat
    assert "Ændrede datafiler: interventions.csv" in flat
    assert "Version 2" in flat
    summary = read_manifest(sequence["v2"])["replaces"]["text"]
    assert summary.startswith("Erstatter version 1") and len(summary) <= 260


def test_diff_and_versions_commands_read_the_archive(sequence) -> None:
    diff = subprocess.run(
        [sys.executable, "-m", "noegletal", "diff", "committee", "2026-H1", "v1", "v2",
         "--out", str(sequence["out"])],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert diff.returncode == 0, diff.stderr
    assert "fp5.forecast — Regnskabsprognose for året (kr.)" in diff.stdout
    assert "Ændrede tal i rapportens tabeller" in diff.stdout
    assert "interventions.csv: ændret" in diff.stdout
    listing = subprocess.run(
        [sys.executable, "-m", "noegletal", "versions", "--out", str(sequence["out"]),
         "--verify"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    rows = [line for line in listing.stdout.splitlines() if "committee" in line]
    assert len(rows) == 2 and "current" in rows[1]


def test_archive_index_links_resolve_and_open_in_chromium(sequence, tmp_path) -> None:
    index = sequence["out"] / "index.html"
    hrefs = assert_links_resolve(index)
    assert "committee/2026-H1/v2/changes.html" in hrefs
    assert "committee/2026-H1/v1/committee-2026-H1.pdf" in hrefs
    assert_links_resolve(sequence["v2"] / "changes.html")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    for page in (index, sequence["v2"] / "changes.html"):
        shot = tmp_path / f"{page.stem}.png"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
             "--window-size=1200,1600", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        from PIL import Image

        image = Image.open(shot).convert("RGB")
        assert image.size == (1200, 1600)
        colours = image.getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50  # text and the title band, not blank
        # the title band is drawn in the municipality's colour (#1F4E79) at the top
        assert image.getpixel((600, 20)) == (0x1F, 0x4E, 0x79)
