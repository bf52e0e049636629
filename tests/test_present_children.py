"""The children's presentation functions (FP1, FP2, FP6) on the example data.

Expected values come from the published results (``data.published``) formatted with
:mod:`noegletal.present.formats`, so the tests hold when the example data are regenerated.
Small counts are provoked by a report data object with a high discretion threshold.
"""

from __future__ import annotations

import re

import pytest
from great_tables import GT
from plotnine import ggplot

from noegletal.codes import STEP_LABELS_DA
from noegletal.discretion import PublishedResult, discretion_note
from noegletal.periods import Period
from noegletal.present import children
from noegletal.present._focus import VIVE_PLACED_PER_1000, published_at
from noegletal.present.formats import fmt_change_pct, fmt_number, fmt_pct, fmt_value
from noegletal.present.report import ReportData, load_report_data
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def data() -> ReportData:
    return load_report_data(EXAMPLE, "2026-H1")


class _HighThreshold(ReportData):
    """The same tables and results with discretion threshold 30 (many cells become small)."""

    @property
    def threshold(self) -> int:
        return 30


@pytest.fixture(scope="module")
def strict(data) -> ReportData:
    return _HighThreshold(data.tables, data.period, data.results)


def _plain(text: str) -> str:
    """Generated text with its non-breaking spaces read as spaces."""
    assert " %" not in text and " kr." not in text, "units are bound with non-breaking spaces"
    return text.replace("\u00a0", " ")


def _rows(table: GT) -> list[dict]:
    return table._tbl_data.to_dict("records")


def _notes(table: GT) -> str:
    return " ".join(str(note) for note in table._source_notes)


def _sentences(text: str) -> int:
    """Sentence ends (not the "pr." of "pr. 1.000")."""
    return len(re.findall(r"(?<!pr)[.?!](?=\s+[A-ZÆØÅ0-9]|\s*$)", text))


# ---- FP1 -----------------------------------------------------------------------------------
def test_plot_staircase_shows_the_published_persons_per_step(data) -> None:
    plot = children.plot_staircase(data)
    assert isinstance(plot, ggplot)
    cells = data.published["fp1.staircase_persons"].breakdown["step"]
    shown = dict(zip(plot.data["trin"].astype(str), plot.data["personer"], strict=True))
    for step, label in STEP_LABELS_DA.items():
        assert shown[f"{step}. {label}"] == cells[str(step)]
    assert plot.labels.get("title", None) == "Børn og unge på indsatstrappen"
    assert plot.labels.get("y", None) == "Personer"
    assert list(plot.data["vist"]) == [fmt_value(cells[str(s)], "persons") for s in range(1, 8)]


def test_plot_staircase_drops_small_counts_and_says_so(strict) -> None:
    plot = children.plot_staircase(strict)
    cells = strict.published["fp1.staircase_persons"].breakdown["step"]
    small = [s for s, v in cells.items() if not isinstance(v, int | float)]
    assert "<30" in cells.values(), "the high threshold should make a step small"
    assert len(plot.data) == 7 - len(small)
    assert "Ikke vist" in plot.labels.get("caption", None)
    assert children.step_label(small[0]) in plot.labels.get("caption", None)


def test_table_staircase_has_steps_total_and_small_counts(strict, data) -> None:
    rows = _rows(children.table_staircase(data))
    assert [r["Trin"] for r in rows] == [
        *(f"{step}. {label}" for step, label in STEP_LABELS_DA.items()),
        "I alt",
    ]
    assert rows[-1]["Personer ved periodens slutning"] == data.show("fp1.staircase_persons")
    assert rows[0]["Andel af helårspersoner"] == fmt_pct(
        data.published["fp1.staircase_share"].breakdown["step"]["1"]
    )
    strict_table = children.table_staircase(strict)
    assert "<30" in [r["Personer ved periodens slutning"] for r in _rows(strict_table)]
    assert discretion_note(30) in _notes(strict_table)


def test_half_year_points_run_from_the_data_start_to_the_period(data) -> None:
    points = children.half_year_points(data)
    assert points[0] == Period(data.years()[0], "half", 1)
    assert points[-1] == data.period
    assert all(p.kind == "half" for p in points)
    assert len(points) == len(set(points))


def test_plot_placed_per_1000_is_the_published_series_with_vive_reference(data) -> None:
    plot = children.plot_placed_per_1000(data)
    points = children.half_year_points(data)
    assert list(plot.data["periode"]) == [str(p) for p in points]
    for period, value in zip(points, plot.data["værdi"], strict=True):
        published = published_at(data, period, ["fp1.placed_per_1000_0_22"])
        assert value == pytest.approx(published["fp1.placed_per_1000_0_22"].value)
    assert plot.data["værdi"].iloc[-1] == data.value("fp1.placed_per_1000_0_22")
    hlines = [layer for layer in plot.layers if type(layer.geom).__name__ == "geom_hline"]
    assert list(hlines[0].geom.data["yintercept"]) == [VIVE_PLACED_PER_1000]
    assert "9,2" in plot.labels.get("caption", None)
    assert plot.labels.get("y", None) == "Pr. 1.000 0-22-årige"


def test_plot_per_1000_has_three_series(data) -> None:
    plot = children.plot_per_1000(data)
    assert set(plot.data["serie"]) == set(children.PER_1000_SERIES.values())


def test_text_children_uses_published_values_in_three_to_five_sentences(data) -> None:
    text = _plain(children.text_children(data))
    assert data.show("fp1.placed_per_1000_0_22") in text
    assert data.show("fp1.staircase_persons") in text
    assert fmt_pct(data.value("fp1.family_placement_share")) in text
    assert fmt_number(VIVE_PLACED_PER_1000, 1) in text
    assert 3 <= _sentences(text) <= 5, text
    assert "Spørgsmål" in text


def test_text_children_reads_a_small_count_as_words(strict) -> None:
    published = dict(strict.published)
    published["fp1.staircase_persons"] = PublishedResult(
        "fp1.staircase_persons", "", "persons", "<30", None, True
    )
    object.__setattr__(strict, "published", published)  # cached_property slot
    try:
        assert "færre end 30 børn og unge" in children.text_children(strict)
    finally:
        del strict.__dict__["published"]


def test_table_strategy_compares_period_last_year_and_vive(data) -> None:
    table = children.table_strategy(data)
    rows = {r["Nøgletal"]: r for r in _rows(table)}
    placed = rows["Anbragte pr. 1.000 0-22-årige"]
    assert placed[data.period.label_da()] == data.show("fp1.placed_per_1000_0_22")
    assert placed["VIVE, gns. 2015"] == "9,2"
    assert rows["Udgifter pr. 0-22-årig (helårsniveau)"]["VIVE, gns. 2015"] == "9.747 kr."
    last = data.period.same_period_last_year()
    before = published_at(data, last, ["fp1.kinship_share"])["fp1.kinship_share"].value
    assert rows["Andel af anbragte i netværkspleje (trin 4)"][last.label_da()] == fmt_pct(before)


def test_plot_step_movement_shares(data) -> None:
    plot = children.plot_step_movement(data)
    cells = data.published["fp1.step_movement"].breakdown["movement"]
    shown = dict(zip(plot.data["bevægelse"].astype(str), plot.data["andel"], strict=True))
    assert shown["Et lavere trin"] == pytest.approx(cells["lower"])
    assert shown["Ingen indsats"] == pytest.approx(cells["none"])


def test_plot_spend_per_0_22_has_spend_and_need(data) -> None:
    plot = children.plot_spend_per_0_22(data)
    assert set(plot.data["serie"]) == {"Udgifter pr. 0-22-årig", "Udgiftsbehov pr. 0-22-årig"}
    last = plot.data[plot.data["serie"] == "Udgifter pr. 0-22-årig"].iloc[-1]
    assert last["kr"] == pytest.approx(data.value("fp1.spend_per_0_22"))
    assert str(last["år"]) == f"{data.period.year}*"


# ---- FP2 -----------------------------------------------------------------------------------
def test_table_casework_shows_childrens_cells_and_vive(data) -> None:
    rows = {r["Nøgletal"]: r for r in _rows(children.table_casework(data))}
    assert len(rows) == 8
    now = data.period.label_da()
    reversal = data.published["fp2.appeal_reversal_rate"].breakdown["area"]["children"]
    assert rows["Omgørelsesprocent i Ankestyrelsen"][now] == fmt_pct(reversal)
    assert rows["Omgørelsesprocent i Ankestyrelsen"]["VIVE, gns. 2015"] == "36,0 %"
    assert rows["Aktive børnesager pr. sagsbehandler (årsværk)"][now] == data.show("fp2.caseload")
    overdue = data.published["fp2.followups_overdue"].breakdown["area"]["children"]
    assert rows["Opfølgninger over frist ved periodens slutning"][now] == fmt_value(
        overdue, "count"
    )


def test_text_casework_contains_the_shown_values(data) -> None:
    text = _plain(children.text_casework(data))
    assert data.show("fp2.notifications_per_1000_0_17") in text
    assert data.show("fp2.examinations_on_time_share") in text
    assert "36 %" in text


# ---- FP6 -----------------------------------------------------------------------------------
def test_key_figures_rows_apply_discretion(data, strict) -> None:
    exact = {
        r["measure_type"]: r
        for r in data.results["fp6.key_figures"].table
        if r["area"] == "children"
    }
    for row in children.key_figures_rows(strict):
        source = exact[row["measure_type"]]
        if 0 < source["persons_end"] < 30:
            assert row["persons_end"] == "<30"
        if 0 < source["unique_persons"] < 30:
            assert row["commitment_cost"] is None and row["avg_cost_per_fyp"] is None
    table = children.table_key_figures(strict)
    assert discretion_note(30) in _notes(table)


def test_table_key_figures_values(data) -> None:
    rows = children.key_figures_rows(data)
    table = _rows(children.table_key_figures(data))
    assert len(table) == len(rows)
    assert table[0]["Helårspersoner"] == fmt_value(
        rows[0]["full_year_persons"], "full_year_persons"
    )
    assert table[0]["Ændring i\u00a0%"] == fmt_change_pct(rows[0]["full_year_persons_change"])
    cost = _rows(children.table_key_figures_cost(data))
    assert cost[0]["Pr. helårsperson, kr."] == fmt_number(rows[0]["avg_cost_per_fyp"])


def test_table_flow_shows_small_counts(data) -> None:
    exact = [r for r in data.results["fp6.flow"].table if r["area"] == "children"]
    table = _rows(children.table_flow(data))
    assert table[-1]["Indsats"] == "I alt"
    shown = {r["Indsats"]: r for r in table}
    for row in exact:
        label = children.MEASURE_LABELS_DA[row["measure_type"]]
        if 0 < row["ends"] < 5:
            assert shown[label]["Afgang"] == "<5"


def test_plot_age_bands(data) -> None:
    plot = children.plot_age_bands(data)
    cells = data.published["fp6.age_bands"].breakdown["area"]["children"]["age_band"]
    assert list(plot.data["alder"].astype(str))[:2] == ["0–5 år", "6–11 år"]
    assert plot.data["personer"].iloc[0] == cells["0-5"]


def test_table_cost_bands_lists_childrens_paragraphs(data) -> None:
    rows = _rows(children.table_cost_bands(data))
    assert rows and all(not r["Paragraf"].startswith("SEL § 85") for r in rows)
    assert children.paragraph_label("SEL 52.3.7") == "SEL § 52, stk. 3, nr. 7"
    assert children.paragraph_label("BL 46") == "Barnets lov § 46"


def test_text_key_figures_and_summary(data) -> None:
    text = _plain(children.text_key_figures(data))
    share = data.published["fp6.progression"].breakdown["area"]["children"]
    assert fmt_pct(share) in text
    summary = _plain(children.text_summary(data))
    assert data.show("fp1.placed_per_1000_0_22") in summary
    assert data.show("fp1.spend_per_0_22") in summary
