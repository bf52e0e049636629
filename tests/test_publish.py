"""Versioned publication, fast: the store, the key, the change log and the archive page.

These tests publish the tiny data set with a fake renderer (a few bytes of "HTML" and
"PDF"), so every rule of the version store is exercised in milliseconds. Rendering for
real, killing publishers and concurrent processes are in tests/test_publish_e2e.py and
tests/test_publish_crash.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from typer.testing import CliRunner

from noegletal.cli import app
from noegletal.data.load import load_tables
from noegletal.indicators import compute
from noegletal.indicators.output import results_document
from noegletal.periods import parse_period
from noegletal.provenance import code_files, code_sha256
from noegletal.publish import (
    Edition,
    PublishError,
    compare,
    publish_report,
    scan_store,
    series_dir,
    verify_version,
)
from noegletal.publish import publisher as publisher_module
from noegletal.publish.changelog import (
    ChangeLog,
    changelog_lines,
    changes_html,
    difference_text,
    replaces_text,
)
from noegletal.publish.manifest import publication_key, read_manifest
from noegletal.publish.site import index_html, write_index
from noegletal.publish.versions import hold_lock, list_versions, remove_temp
from noegletal.render import RenderError, RenderResult
from tests.conftest import edit_csv

PERIOD = parse_period("2025")
DAY = dt.date(2026, 8, 15)
runner = CliRunner()


# ---- helpers ------------------------------------------------------------------------------------


class FakeRenderer:
    """Writes tiny report files like render_named_report and remembers its calls."""

    def __init__(self, delay: float = 0.0, fail: BaseException | None = None) -> None:
        self.calls: list[dict] = []
        self.delay = delay
        self.fail = fail

    def __call__(self, name, *, out_dir, period, version, replaces, formats, backend, **kw):
        self.calls.append({"version": version, "replaces": replaces, "formats": formats})
        time.sleep(self.delay)
        if self.fail is not None:
            (out_dir / "half-written.html").write_text("<p>", encoding="utf-8")
            raise self.fail
        stem = f"{name}-{period}"
        html = pdf = None
        if "html" in formats:
            html = out_dir / f"{stem}.html"
            html.write_text(
                f"<html><body>Version {version}. {replaces or ''}</body></html>", encoding="utf-8"
            )
        if "pdf" in formats:
            pdf = out_dir / f"{stem}.pdf"
            pdf.write_bytes(b"%PDF-1.7 fake " + str(version).encode())
        notebook = out_dir / f"{stem}.ipynb"
        notebook.write_text("{}", encoding="utf-8")
        return RenderResult(html, pdf, notebook, backend, 0.01)


def _publish(tables, data_dir, root, renderer=None, **kwargs):
    kwargs.setdefault("date", DAY)
    kwargs.setdefault("backend", "builtin")
    return publish_report(
        "committee",
        tables=tables,
        data_dir=data_dir,
        period=PERIOD,
        out_root=root,
        renderer=renderer or FakeRenderer(),
        **kwargs,
    )


def _tree_hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _raise_ledger(data_dir: Path) -> None:
    def change(rows):
        for row in rows:
            if row["account"] == "5.28.20":
                row["amount"] = "51666.67"

    edit_csv(data_dir / "ledger.csv", change)


@pytest.fixture
def tiny(tiny_dir: Path):
    return tiny_dir, load_tables(tiny_dir)


# ---- publishing ---------------------------------------------------------------------------------


def test_first_publish_makes_a_complete_read_only_v1(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    outcome = _publish(tables, data_dir, root)
    v1 = root / "committee" / "2025" / "v1"
    assert outcome.created and outcome.version == 1 and outcome.path == v1
    assert verify_version(v1) == []
    names = sorted(p.name for p in v1.iterdir())
    assert names == [
        "committee-2025.html",
        "committee-2025.pdf",
        "indicators.json",
        "manifest.json",
        "published.json",
    ]  # the executed notebook is not published
    assert stat.S_IMODE(v1.stat().st_mode) == 0o555
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o444 for p in v1.iterdir())

    manifest = read_manifest(v1)
    assert manifest["report"] == "committee" and manifest["period"] == "2025"
    assert manifest["version"] == 1 and manifest["date"] == "2026-08-15"
    assert {e["file"]: e["sha256"] for e in manifest["inputs"]} == {
        s.path.name: s.sha256 for s in tables.sources.values()
    }
    assert manifest["code"]["sha256"] == code_sha256(code_files(Path("reports/committee.qmd")))
    assert manifest["code"]["package_version"]
    assert manifest["lock_sha256"] and len(manifest["lock_sha256"]) == 64
    for package in ("pandas", "great-tables", "plotnine", "typst", "pypandoc-binary", "duckdb"):
        assert manifest["packages"][package], package
    assert manifest["parameters"] == {
        "report": "committee",
        "period": "2025",
        "municipality": None,
        "formats": ["html", "pdf"],
        "backend": "builtin",
    }
    assert manifest["backend"] == "builtin"
    assert dt.datetime.fromisoformat(manifest["published_at"]).utcoffset() == dt.timedelta(0)
    assert manifest["replaces"] is None
    # indicators.json is the output contract document of the version's inputs
    stored = json.loads((v1 / "indicators.json").read_text(encoding="utf-8"))
    expected = results_document(tables, PERIOD, compute(tables, PERIOD))
    assert stored == json.loads(json.dumps(expected))
    assert (root / "index.html").is_file()


def test_code_hash_covers_templates_report_and_quarto_config() -> None:
    names = set(code_files(Path("reports/committee.qmd")))
    assert "noegletal/publish/publisher.py" in names
    assert "noegletal/render/templates/report.css" in names
    assert {"reports/committee.qmd", "_quarto.yml"} <= names


def test_publishing_again_unchanged_makes_no_version(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    renderer = FakeRenderer()
    _publish(tables, data_dir, root, renderer)
    v1_before = _tree_hashes(root / "committee" / "2025" / "v1")
    again = _publish(tables, data_dir, root, renderer, date=dt.date(2026, 9, 1))  # date ≠ key
    assert not again.created and again.version == 1
    assert "unchanged: v1 is current" in again.message()
    assert len(renderer.calls) == 1
    assert list_versions(root / "committee" / "2025") == [1]
    assert _tree_hashes(root / "committee" / "2025" / "v1") == v1_before


def test_other_parameters_make_a_new_version(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    second = _publish(tables, data_dir, root, formats=("html",))
    assert second.created and second.version == 2
    assert second.changes is not None
    assert second.changes.parameters == {"formats": [["html", "pdf"], ["html"]]}
    assert "Ændrede indstillinger: formats." in second.changes.summary


def test_changed_data_makes_v2_with_change_log_and_leaves_v1_untouched(
    tiny, tmp_path: Path
) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    renderer = FakeRenderer()
    _publish(tables, data_dir, root, renderer)
    v1 = root / "committee" / "2025" / "v1"
    v1_before = _tree_hashes(v1)
    _raise_ledger(data_dir)
    outcome = _publish(load_tables(data_dir), data_dir, root, renderer)
    v2 = root / "committee" / "2025" / "v2"
    assert outcome.created and outcome.version == 2 and outcome.path == v2
    assert verify_version(v2) == [] and verify_version(v1) == []
    assert _tree_hashes(v1) == v1_before

    # The title page text was computed before rendering and handed to the renderer.
    replaces = renderer.calls[-1]["replaces"]
    assert replaces == (
        "Erstatter version 1 af 15. august 2026. Ændrede tal: 1 nøgletal (Udgifter pr. "
        "0-22-årig (kr.): 86 kr. → 103 kr.). Ændrede datafiler: ledger.csv."
    )
    assert renderer.calls[-1]["version"] == 2
    manifest = read_manifest(v2)
    assert manifest["replaces"] == {"version": 1, "text": replaces}

    changes = json.loads((v2 / "changes.json").read_text(encoding="utf-8"))
    assert changes["changed_indicators"] == 1
    (entry,) = changes["indicators"]
    assert entry["id"] == "fp1.spend_per_0_22"
    assert entry["label_da"] == "Udgifter pr. 0-22-årig (kr.)"
    total = entry["changes"][0]
    assert (total["old_text"], total["new_text"], total["difference"]) == (
        "86 kr.",
        "103 kr.",
        "+17 kr.",
    )
    assert [(f["file"], f["status"]) for f in changes["files"]] == [("ledger.csv", "changed")]
    old_sha = next(e["sha256"] for e in read_manifest(v1)["inputs"] if e["file"] == "ledger.csv")
    assert changes["files"][0]["old_sha256"] == old_sha
    assert changes["code"]["changed"] is False

    page = (v2 / "changes.html").read_text(encoding="utf-8")
    for text in ("Ændringer i version 2", "Udgifter pr. 0-22-årig (kr.)", "86 kr.", "103 kr."):
        assert text in page
    assert "ledger.csv" in page and "<script" not in page


def test_code_change_makes_a_new_version(tiny, tmp_path: Path, monkeypatch) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    real = publisher_module.code_info

    def edited(qmd):
        return {**real(qmd), "sha256": "0" * 64}

    monkeypatch.setattr(publisher_module, "code_info", edited)
    outcome = _publish(tables, data_dir, root)
    assert outcome.created and outcome.version == 2
    assert outcome.changes.code["changed"] and not outcome.changes.files
    assert outcome.changes.summary == (
        "Erstatter version 1 af 15. august 2026. Ingen offentliggjorte tal er ændret. "
        "Ændret programkode."
    )


def test_stale_temporary_folders_are_not_versions_and_are_removed(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    series = series_dir(root, "committee", PERIOD)
    series.mkdir(parents=True)
    stale = series / ".tmp-v1-999-deadbeef"
    stale.mkdir()
    (stale / "manifest.json").write_text("{}", encoding="utf-8")
    os.chmod(stale / "manifest.json", 0o444)
    os.chmod(stale, 0o555)  # a sealed temporary folder of a killed run
    assert list_versions(series) == []
    assert scan_store(root) == []
    outcome = _publish(tables, data_dir, root)
    assert outcome.version == 1
    assert not stale.exists()
    assert sorted(p.name for p in series.iterdir()) == [".lock", "v1"]


@pytest.mark.parametrize(
    "failure", [RenderError("cell 3 failed"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_a_failed_render_leaves_no_version_and_no_temporary_folder(
    tiny, tmp_path: Path, failure
) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    with pytest.raises(type(failure)):
        _publish(tables, data_dir, root, FakeRenderer(fail=failure))
    series = series_dir(root, "committee", PERIOD)
    assert sorted(p.name for p in series.iterdir()) == [".lock"]
    assert _publish(tables, data_dir, root).version == 1  # and the next run works


def test_input_file_changed_while_rendering_is_refused(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"

    class Meddler(FakeRenderer):
        def __call__(self, *args, **kwargs):
            _raise_ledger(data_dir)  # the report reads the data folder itself
            return super().__call__(*args, **kwargs)

    with pytest.raises(PublishError, match=r"ledger\.csv"):
        _publish(tables, data_dir, root, Meddler())
    assert list_versions(series_dir(root, "committee", PERIOD)) == []


def test_an_existing_version_is_never_overwritten(tiny, tmp_path: Path, monkeypatch) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    v1 = series_dir(root, "committee", PERIOD) / "v1"
    before = _tree_hashes(v1)
    _raise_ledger(data_dir)
    # Pretend the listing missed v1: the publisher would build "v1" again.
    monkeypatch.setattr(publisher_module, "list_versions", lambda path: [])
    with pytest.raises(PublishError, match="exists already"):
        _publish(load_tables(data_dir), data_dir, root)
    assert _tree_hashes(v1) == before
    assert not [p for p in v1.parent.iterdir() if p.name.startswith(".tmp-")]


def test_a_damaged_current_version_stops_publishing(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    v1 = series_dir(root, "committee", PERIOD) / "v1"
    os.chmod(v1, 0o755)
    (v1 / "published.json").unlink()
    with pytest.raises(PublishError, match=r"v1 is damaged.*published\.json is missing"):
        _publish(tables, data_dir, root)
    assert list_versions(v1.parent) == [1]


def test_one_municipality_of_several_has_its_own_series(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    outcome = _publish(tables.for_municipality("999"), data_dir, root, municipality="999")
    assert outcome.path == root / "committee" / "999" / "2025" / "v1"
    (series,) = scan_store(root)
    assert (series.report, series.municipality, series.period) == ("committee", "999", "2025")
    assert "committee/999/2025/v1/committee-2025.html" in assert_links_resolve(root / "index.html")
    assert "2025 · Testby Kommune" in (root / "index.html").read_text(encoding="utf-8")


def test_lock_wait_times_out_clearly(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    series = series_dir(root, "committee", PERIOD)
    series.mkdir(parents=True)
    waited = []
    with (
        hold_lock(series / ".lock"),
        pytest.raises(PublishError, match=r"another publication has held \.lock"),
    ):
        _publish(tables, data_dir, root, lock_timeout=0.3, on_wait=lambda: waited.append(1))
    assert waited == [1]
    assert list_versions(series) == []


def test_concurrent_publishers_make_exactly_one_version(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    outcomes, errors = [], []
    renderer = FakeRenderer(delay=0.5)

    def run() -> None:
        try:
            outcomes.append(_publish(tables, data_dir, root, renderer))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(o.created for o in outcomes) == [False, False, True]
    assert {o.version for o in outcomes} == {1}
    assert len(renderer.calls) == 1
    assert list_versions(series_dir(root, "committee", PERIOD)) == [1]


def test_remove_temp_refuses_anything_but_a_temporary_name(tmp_path: Path) -> None:
    (tmp_path / "v1").mkdir()
    with pytest.raises(PublishError):
        remove_temp(tmp_path / "v1")
    assert (tmp_path / "v1").is_dir()


# ---- verify_version -----------------------------------------------------------------------------


@pytest.fixture
def published_copy(tiny, tmp_path: Path) -> Path:
    """A writable copy of a published v2 (with its change log)."""
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    _raise_ledger(data_dir)
    _publish(load_tables(data_dir), data_dir, root)
    copy = tmp_path / "copy" / "v2"
    shutil.copytree(series_dir(root, "committee", PERIOD) / "v2", copy)
    os.chmod(copy, 0o755)
    for path in copy.iterdir():
        os.chmod(path, 0o644)
    assert verify_version(copy) == []
    return copy


def test_verify_version_finds_a_changed_file(published_copy: Path) -> None:
    pdf = published_copy / "committee-2025.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"2", b"3"))
    assert verify_version(published_copy) == [
        f"{published_copy}: committee-2025.pdf does not match its SHA-256"
    ]


def test_verify_version_finds_missing_extra_and_renamed(published_copy: Path) -> None:
    (published_copy / "changes.html").unlink()
    (published_copy / "notes.txt").write_text("x", encoding="utf-8")
    problems = verify_version(published_copy)
    assert f"{published_copy}: changes.html is missing" in problems
    assert f"{published_copy}: notes.txt is not in the manifest" in problems
    renamed = published_copy.with_name("v3")
    published_copy.rename(renamed)
    assert any("manifest says version 2" in p for p in verify_version(renamed))


def test_verify_version_without_manifest(published_copy: Path) -> None:
    (published_copy / "manifest.json").unlink()
    (problem,) = verify_version(published_copy)
    assert "no manifest.json" in problem


# ---- change logs --------------------------------------------------------------------------------


def _edition(version: int, indicators: list[dict], inputs=None, code="c") -> Edition:
    return Edition(
        version=version,
        date=f"2026-08-{14 + version}",
        inputs=inputs or [{"file": "a.csv", "table": "a", "sha256": "1" * 64}],
        code={"sha256": code},
        lock_sha256="l",
        parameters={"formats": ["html", "pdf"]},
        published={"discretion_threshold": 5, "indicators": indicators},
    )


def _ind(id_, value, unit="per_1000", breakdown=None, label=None) -> dict:
    label = label or id_
    return {"id": id_, "label_da": label, "unit": unit, "value": value, "breakdown": breakdown}


def test_change_log_compares_published_printed_values() -> None:
    old = _edition(
        1,
        [
            _ind("a.small", "<5", "persons"),
            _ind("b.round", 9.01),
            _ind("c.rate", 8.96, label="Anbragte pr. 1.000 0-22-årige"),
            _ind("d.share", 0.123, "share"),
            _ind("e.hidden", None, "share"),
            _ind("f.count", "<5", "persons"),
            _ind("g.gone", 1, "count"),
            _ind(
                "h.nested",
                100.0,
                "kr",
                {"area": {"adults": {"paragraph": {"§ 107": 60.0, "§ 108": 40.0}}}},
            ),
        ],
    )
    new = _edition(
        2,
        [
            _ind("a.small", "<5", "persons"),  # still <5: unchanged
            _ind("b.round", 9.04),  # prints 9,0 both times: unchanged
            _ind("c.rate", 9.14, label="Anbragte pr. 1.000 0-22-årige"),
            _ind("d.share", 0.118, "share"),
            _ind("e.hidden", None, "share"),
            _ind("f.count", 7, "persons"),
            _ind(
                "h.nested",
                100.0,
                "kr",
                {"area": {"adults": {"paragraph": {"§ 107": 55.0, "§ 108": 45.0}}}},
            ),
            _ind("i.new", 3.0, "ratio"),
        ],
        inputs=[
            {"file": "a.csv", "table": "a", "sha256": "2" * 64},
            {"file": "b.csv", "table": "b", "sha256": "3" * 64},
        ],
    )
    log = compare(old, new, report="committee", period="2026-H1")
    by_id = {c.id: c for c in log.indicators}
    assert list(by_id) == ["c.rate", "d.share", "f.count", "h.nested", "i.new", "g.gone"]
    rate = by_id["c.rate"].total
    assert (rate.old_text, rate.new_text, rate.difference) == ("9,0", "9,1", "+0,1")
    share = by_id["d.share"].total
    assert (share.old_text, share.new_text, share.difference) == (
        "12,3 %",
        "11,8 %",
        "−0,5 pct.-point",
    )
    count = by_id["f.count"].total
    assert (count.old_text, count.new_text, count.difference) == ("<5", "7", "–")
    nested = by_id["h.nested"]
    assert nested.total is None
    assert [(c.label, c.old_text, c.new_text, c.difference) for c in nested.changes] == [
        ("område: voksne · paragraf: § 107", "60 kr.", "55 kr.", "−5 kr."),
        ("område: voksne · paragraf: § 108", "40 kr.", "45 kr.", "+5 kr."),
    ]
    assert by_id["i.new"].status == "added" and by_id["g.gone"].status == "removed"
    assert [(f.file, f.status) for f in log.files] == [("a.csv", "changed"), ("b.csv", "added")]
    assert log.summary == (
        "Erstatter version 1 af 15. august 2026. Ændrede tal: 6 nøgletal (bl.a. Anbragte pr. "
        "1.000 0-22-årige: 9,0 → 9,1). Ændrede datafiler: a.csv og b.csv."
    )
    # changes.json round trip
    assert ChangeLog.from_dict(json.loads(json.dumps(log.to_dict()))) == log
    text = "\n".join(changelog_lines(log))
    assert "c.rate — Anbragte pr. 1.000 0-22-årige" in text
    assert "i alt: 9,0 → 9,1 (+0,1)" in text


def test_replaces_text_stays_short() -> None:
    label = "Et meget langt nøgletalsnavn " * 6
    old = _edition(1, [_ind("x", 1.0, label=label), _ind("y", 2.0)])
    many_files = [{"file": f"table_{i}.csv", "table": "t", "sha256": str(i)} for i in range(12)]
    new = _edition(2, [_ind("x", 5.0, label=label), _ind("y", 3.0)], inputs=many_files, code="d")
    text = replaces_text(compare(old, new, report="committee", period="2025"))
    assert text.startswith("Erstatter version 1 af 15. august 2026. Ændrede tal: 2 nøgletal")
    assert len(text) <= 260, len(text)
    assert "Ændret programkode." in text


def test_difference_text_handles_units_and_hidden_values() -> None:
    assert difference_text("1.234 kr.", "1.200 kr.", "kr") == "−34 kr."
    assert difference_text("–", "5,0", "per_1000") == "–"
    assert difference_text("0,98", "0,98", "ratio") == "±0,00"


def test_change_page_is_self_contained_danish_html() -> None:
    old = _edition(1, [_ind("c.rate", 8.96, label="Anbragte <pr.> 1.000")])
    new = _edition(2, [_ind("c.rate", 9.14, label="Anbragte <pr.> 1.000")])
    log = compare(old, new, report="committee", period="2026-H1")
    page = changes_html(
        log,
        title="Nøgletal",
        municipality="Egebjerg Kommune",
        period_label="1. halvår 2026",
        old_links=[("HTML", "../v1/r.html")],
        new_links=[("HTML", "r.html")],
        archive_href="../../../index.html",
    )
    assert '<html lang="da">' in page
    assert "Anbragte &lt;pr.&gt; 1.000" in page  # escaped
    assert "<script" not in page and "http" not in page.replace('charset="utf-8"', "")
    assert 'href="../v1/r.html"' in page and 'href="../../../index.html"' in page


def test_publication_key_ignores_order_and_table_names() -> None:
    a = [{"file": "a.csv", "table": "x", "sha256": "1"}, {"file": "b.csv", "sha256": "2"}]
    b = list(reversed(a))
    key = publication_key(inputs=a, code_sha256="c", lock_sha256="l", parameters={"p": 1})
    assert key == publication_key(inputs=b, code_sha256="c", lock_sha256="l", parameters={"p": 1})
    assert key != publication_key(inputs=a, code_sha256="d", lock_sha256="l", parameters={"p": 1})


# ---- the archive page and the commands ----------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.hrefs.append(value)


def assert_links_resolve(page: Path) -> list[str]:
    """Every link of an HTML page is relative and points at an existing file."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    assert "script" not in parser.tags and "link" not in parser.tags
    for href in parser.hrefs:
        parsed = urlparse(href)
        assert not parsed.scheme and not parsed.netloc and not href.startswith("/"), href
        assert (page.parent / unquote(parsed.path)).is_file(), href
    return parser.hrefs


def test_archive_index_lists_every_version_and_links_resolve(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    _raise_ledger(data_dir)
    _publish(load_tables(data_dir), data_dir, root, date=dt.date(2026, 8, 16))
    publish_report(
        "cross-sector",
        tables=load_tables(data_dir),
        data_dir=data_dir,
        period=PERIOD,
        out_root=root,
        date=DAY,
        formats=("html",),
        backend="builtin",
        renderer=FakeRenderer(),
    )
    index = root / "index.html"
    hrefs = assert_links_resolve(index)
    assert hrefs == [
        "committee/2025/v2/committee-2025.html",
        "committee/2025/v2/committee-2025.pdf",
        "committee/2025/v2/changes.html",
        "committee/2025/v1/committee-2025.html",
        "committee/2025/v1/committee-2025.pdf",
        "cross-sector/2025/v1/cross-sector-2025.html",
    ]
    html = index.read_text(encoding="utf-8")
    assert html.count('<span class="badge">gældende</span>') == 2
    assert "erstattet af version 2" in html and "16. august 2026" in html
    assert "1 ændrede nøgletal" in html
    assert_links_resolve(root / "committee" / "2025" / "v2" / "changes.html")


def test_archive_index_is_rewritten_atomically(tmp_path: Path) -> None:
    root = tmp_path / "_publish"
    root.mkdir()
    (root / ".tmp-index-1-ab.html").write_text("stale", encoding="utf-8")
    write_index(root)
    assert sorted(p.name for p in root.iterdir()) == [".lock", "index.html"]
    assert "Der er endnu ikke udgivet nogen rapporter." in index_html(root)


def test_versions_and_diff_commands(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    _raise_ledger(data_dir)
    _publish(load_tables(data_dir), data_dir, root, date=dt.date(2026, 8, 16))

    result = runner.invoke(app, ["versions", "--out", str(root), "--verify"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "committee" in line]
    assert len(lines) == 2 and "v1" in lines[0] and "2026-08-15" in lines[0]
    assert "v2" in lines[1] and "current" in lines[1] and "current" not in lines[0]

    result = runner.invoke(app, ["diff", "committee", "2025", "v1", "v2", "--out", str(root)])
    assert result.exit_code == 0, result.output
    assert "version 1 (15. august 2026) → version 2 (16. august 2026)" in result.output
    assert "fp1.spend_per_0_22 — Udgifter pr. 0-22-årig (kr.)" in result.output
    assert "i alt: 86 kr. → 103 kr. (+17 kr.)" in result.output
    assert "ledger.csv: ændret" in result.output

    result = runner.invoke(app, ["diff", "committee", "2025", "v1", "v7", "--out", str(root)])
    assert result.exit_code == 1 and "no such version" in result.output


def test_versions_verify_fails_on_a_damaged_version(tiny, tmp_path: Path) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    _publish(tables, data_dir, root)
    pdf = root / "committee" / "2025" / "v1" / "committee-2025.pdf"
    os.chmod(pdf.parent, 0o755)
    os.chmod(pdf, 0o644)
    pdf.write_bytes(b"tampered")
    result = runner.invoke(app, ["versions", "committee", "--out", str(root), "--verify"])
    assert result.exit_code == 1
    assert "committee-2025.pdf has 8 bytes" in result.output


def test_publish_command_refuses_an_unknown_report(tiny_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["publish", "budget", "--data", str(tiny_dir), "--out", str(tmp_path / "p")]
    )
    assert result.exit_code == 2
    assert "unknown report 'budget'" in result.output


class TableRenderer(FakeRenderer):
    """Prints one report table whose cell is ``self.cell``."""

    cell = "12"

    def __call__(self, name, *, out_dir, period, version, replaces, formats, backend, **kw):
        result = super().__call__(
            name,
            out_dir=out_dir,
            period=period,
            version=version,
            replaces=replaces,
            formats=formats,
            backend=backend,
            **kw,
        )
        result.html.write_text(
            f"<html><body><p>{replaces or ''}</p><div id='t1'><table><thead><tr><th>Linje</th>"
            f"<th>Personer</th></tr></thead><tbody><tr><td>A</td><td>{self.cell}</td></tr>"
            "</tbody></table></div></body></html>",
            encoding="utf-8",
        )
        return result


def test_a_change_only_in_a_report_table_reaches_the_title_page(
    tiny, tmp_path: Path, monkeypatch
) -> None:
    data_dir, tables = tiny
    root = tmp_path / "_publish"
    renderer = TableRenderer()
    _publish(tables, data_dir, root, renderer=renderer)
    published = json.loads((root / "committee" / "2025" / "v1" / "published.json").read_text())
    assert published["tables"]["t1"]["rows"] == [["A", "12"]]
    # New code prints another number in the table; no indicator changes.
    real = publisher_module.code_info
    monkeypatch.setattr(publisher_module, "code_info", lambda q: {**real(q), "sha256": "1" * 64})
    renderer.cell, renderer.calls = "13", []
    outcome = _publish(tables, data_dir, root, renderer=renderer)
    assert outcome.version == 2 and outcome.changes.indicators == []
    (change,) = outcome.changes.tables
    assert [(c.row, c.column, c.old, c.new) for c in change.cells] == [
        ("A", "Personer", "12", "13")
    ]
    # Rendered twice: the first title page could not know; the second says it.
    first, second = (call["replaces"] for call in renderer.calls)
    assert "Ingen offentliggjorte tal er ændret" in first
    assert "Ændrede tal i 1 tabel (bl.a. t1, A, Personer: 12 → 13)" in second
    manifest = read_manifest(root / "committee" / "2025" / "v2")
    assert manifest["replaces"]["text"] == second and manifest["changed_tables"] == 1
