"""Presentation of the cross-sector report (``noegletal.present.cross_sector``) on the example
data: table rows, discretion (small solutions, the three subtraction guards), charts and the
Danish text."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from noegletal.discretion import discretion_note
from noegletal.present import cross_sector as xs
from noegletal.present.formats import fmt_kr, fmt_mio_kr, fmt_number, fmt_pct, fmt_value
from noegletal.present.report import ReportData, load_report_data
from tests.conftest import ROOT

EXAMPLE = ROOT / "data" / "example"
IDS = [xs.BASELINE, xs.FOLLOWUP, xs.CHANGE, xs.REALLOCATION, xs.OUTCOME]


@pytest.fixture(scope="module")
def data() -> ReportData:
    """2026-H1: two solutions of 48 and 12 enrolments, four follow-up years."""
    return load_report_data(EXAMPLE, "2026-H1")


@pytest.fixture(scope="module")
def data_2023() -> ReportData:
    """2023: «Unge på vej» has fewer than 5 enrolments."""
    return load_report_data(EXAMPLE, "2023", ids=IDS)


@pytest.fixture(scope="module")
def data_2024h2() -> ReportData:
    """2024-H2: «Unge på vej» has 4 compared enrolments, so the published net is hidden."""
    return load_report_data(EXAMPLE, "2024-H2", ids=IDS)


def _frame(table):  # type: ignore[no-untyped-def]
    return table._tbl_data


def _with(data: ReportData, indicator_id: str, **changes) -> ReportData:  # type: ignore[no-untyped-def]
    """A copy of ``data`` with one result changed (published values recomputed)."""
    results = dict(data.results)
    results[indicator_id] = dataclasses.replace(results[indicator_id], **changes)
    return ReportData(data.tables, data.period, results)


# ---- guards ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("units", "hidden"),
    [
        ({"A": 40, "B": 12}, set()),
        ({"A": 40, "B": 4}, {"A", "B"}),  # B alone would be total − A
        ({"A": 40, "B": 4, "C": 3}, {"B", "C"}),  # B + C = 7 units together
        ({"A": 40, "B": 20, "C": 1}, {"B", "C"}),  # the smallest shown joins C
        ({"A": 3}, {"A"}),
        ({"A": 40, "B": 0}, set()),  # an empty solution has nothing to hide
    ],
)
def test_hidden_solutions(units: dict[str, int], hidden: set[str]) -> None:
    assert xs.hidden_solutions(units, 5) == hidden


def test_no_guard_triggers_in_2026h1(data: ReportData) -> None:
    assert not xs.baseline_hidden(data)
    assert xs.hidden_windows(data) == set()
    assert xs.hidden_solutions(xs._solution_units(data), data.threshold) == set()


def test_baseline_hidden_when_few_enrolments_lack_a_full_year(data: ReportData) -> None:
    extra = dict(data.results[xs.FOLLOWUP].extra, enrolments_with_full_year=57)
    changed = _with(data, xs.FOLLOWUP, extra=extra)
    assert xs.baseline_hidden(changed)
    frame = _frame(xs.table_baseline(changed))
    assert set(frame.drop(columns="Sektorområde").to_numpy().ravel()) == {"–"}
    assert "Beløbene vises ikke" in xs.table_baseline(changed)._source_notes[0]
    years = xs.followup_years_frame(changed)
    assert pd.isna(years.iloc[0]["total"]) and years.iloc[0]["units"] == 60
    assert "Beløbene for alle forløb vises ikke" in xs.text_baseline(changed)
    assert "51,5 mio. kr." not in xs.text_summary(changed)


def test_last_year_hidden_when_it_would_reveal_a_small_cohort(data: ReportData) -> None:
    # Year 1 has 52 enrolments; make year 4 hold 49: 3 enrolments with 1–3 full years.
    table = [
        dict(r, units=49) if r["window"] == "4" and r["solution"] == "total" else r
        for r in data.results[xs.FOLLOWUP].table
    ]
    changed = _with(data, xs.FOLLOWUP, table=table)
    assert xs.hidden_windows(changed) == {"4"}
    row = xs.followup_years_frame(changed).set_index("window").loc["4"]
    assert pd.isna(row["total"]) and pd.isna(row["per_unit"])
    assert "År 4" not in set(xs.plot_followup_years(changed).data["window"])


# ---- the solutions ---------------------------------------------------------------------------
def test_table_solutions(data: ReportData) -> None:
    table = xs.table_solutions(data)
    frame = _frame(table)
    assert frame.to_dict("records") == [
        {"Løsning": "Familie i Fokus", "units": "48", "persons": "162", "longest": "4 hele år"},
        {"Løsning": "Unge på vej", "units": "12", "persons": "12", "longest": "3 hele år"},
        {"Løsning": "I alt", "units": "60", "persons": "174", "longest": "4 hele år"},
    ]
    assert discretion_note(data.threshold) not in table._source_notes
    labels = {c.var: c.column_label for c in table._boxhead}
    assert labels["units"] == "Indskrevne forløb"


def test_table_solutions_small_solution(data_2023: ReportData) -> None:
    table = xs.table_solutions(data_2023)
    rows = _frame(table).set_index("Løsning")
    assert rows.loc["Unge på vej", "units"] == "<5"
    assert rows.loc["Unge på vej", "longest"] == "–"
    # One hidden cell would be total − the other: that one is hidden too.
    assert rows.loc["Familie i Fokus", "units"] == "–"
    assert rows.loc["I alt", "units"] == "32"
    assert discretion_note(data_2023.threshold) in table._source_notes
    assert "færre end 5 forløb" in xs.text_solutions(data_2023)


def test_text_solutions(data: ReportData) -> None:
    text = xs.text_solutions(data)
    assert "«Familie i Fokus» og «Unge på vej»" in text
    assert "60 forløb med i alt 174 personer" in text
    assert "30. juni 2026" in text


# ---- the baseline ----------------------------------------------------------------------------
def test_table_baseline_values_are_published(data: ReportData) -> None:
    published = data.published[xs.BASELINE]
    frame = _frame(xs.table_baseline(data)).set_index("Sektorområde")
    assert list(frame.index) == [
        "Børn og unge",
        "Voksne",
        "Beskæftigelse",
        "Øvrige områder",
        "I alt",
        "Pr. forløb",
    ]
    for sector, label in [("children", "Børn og unge"), ("other", "Øvrige områder")]:
        assert frame.loc[label, "total"] == fmt_value(published.breakdown["sector"][sector], "kr")
        cell = published.breakdown["solution"]["Unge på vej"]["sector"][sector]
        assert frame.loc[label, "s1"] == fmt_kr(cell)
    assert frame.loc["I alt", "total"] == data.show(xs.BASELINE) == "51.547.853 kr."
    assert frame.loc["Pr. forløb", "total"] == fmt_kr(data.results[xs.BASELINE].extra["per_unit"])
    assert frame.loc["Pr. forløb", "s0"] == "1.028.524 kr."


def test_table_baseline_hides_both_solutions_when_one_is_small(data_2023: ReportData) -> None:
    table = xs.table_baseline(data_2023)
    frame = _frame(table)
    assert set(frame["s0"]) == {"–"} and set(frame["s1"]) == {"–"}
    by_sector = data_2023.published[xs.BASELINE].breakdown["sector"]
    assert frame["total"].iloc[0] == fmt_kr(by_sector["children"])
    assert frame["total"].iloc[4] == data_2023.show(xs.BASELINE)
    # «Familie i Fokus» next to the all-solutions sectors would give «Unge på vej»
    # (4 enrolments) by subtraction: the published view hides it as well.
    published = data_2023.published[xs.BASELINE].breakdown["solution"]["Familie i Fokus"]
    assert published["sector"]["children"] is None
    assert discretion_note(data_2023.threshold) in table._source_notes
    plot = xs.plot_baseline(data_2023)
    assert set(plot.data["group"]) == {"I alt"}
    assert "for få forløb" in plot.labels.caption


def test_plot_baseline(data: ReportData) -> None:
    plot = xs.plot_baseline(data)
    assert set(plot.data["group"]) == {"Familie i Fokus", "Unge på vej"}
    assert len(plot.data) == 8
    row = plot.data[(plot.data["group"] == "Familie i Fokus") & (plot.data["sector"] == "Voksne")]
    assert row["kr"].item() == pytest.approx(1335211.72)
    assert plot.labels.y == "Udgifter i de 12 måneder før indskrivning"


def test_text_baseline(data: ReportData) -> None:
    text = xs.text_baseline(data)
    assert "For de 60 forløb" in text
    assert "51.547.853 kr." in text and "859.131 kr. pr. forløb" in text
    assert "børne- og ungeområdet med 32.699.057 kr. (63,4 % af økonomigrundlaget)" in text
    assert ".." not in text


# ---- follow-up by year -----------------------------------------------------------------------
def test_followup_years(data: ReportData) -> None:
    frame = _frame(xs.table_followup_years(data))
    assert list(frame["Periode"]) == [
        "Før (12 mdr.)",
        "År 1",
        "År 2",
        "År 3",
        "År 4",
        "2026 til dato",
    ]
    assert list(frame["units"]) == ["60", "52", "42", "22", "8", "60"]
    year = data.published[xs.FOLLOWUP].breakdown["year"]
    assert frame.loc[1, "children"] == fmt_kr(year["1"]["sector"]["children"])
    assert frame.loc[5, "employment"] == fmt_kr(year["ytd"]["sector"]["employment"])
    assert frame.loc[0, "total"] == "51.547.853 kr."


def test_plot_followup_years(data: ReportData) -> None:
    plot = xs.plot_followup_years(data)
    assert list(plot.data["window"].cat.categories) == [
        "Før (12 mdr.)",
        "År 1",
        "År 2",
        "År 3",
        "År 4",
    ]
    before = plot.data[plot.data["window"] == "Før (12 mdr.)"]["kr"].sum()
    assert before == pytest.approx(data.results[xs.BASELINE].extra["per_unit"])
    assert plot.labels.y == "Udgift pr. forløb"


def test_text_followup(data: ReportData) -> None:
    text = xs.text_followup(data)
    assert "52 af de 60 forløb" in text
    assert "859.131 kr. i de 12 måneder før indskrivning, 704.615 kr. i 1. år" in text
    assert "144.149 kr. i 4. år." in text


# ---- comparison ------------------------------------------------------------------------------
def test_table_change(data: ReportData) -> None:
    table = xs.table_change(data)
    frame = _frame(table).set_index("Sektorområde")
    published = data.published[xs.CHANGE]
    assert frame.loc["Børn og unge", "change"] == fmt_kr(published.breakdown["sector"]["children"])
    assert frame.loc["I alt", "change"] == data.show(xs.CHANGE) == "−28.246.542 kr."
    assert frame.loc["I alt", "baseline"] == fmt_kr(data.results[xs.CHANGE].extra["baseline"])
    assert frame.loc["I alt", "followup"] == data.show(xs.FOLLOWUP) == "17.027.109 kr."
    assert frame.loc["I alt", "change_share"] == "−62,4 %"
    assert table._heading.subtitle.startswith("De 52 forløb")


def test_plot_followup_and_change(data: ReportData) -> None:
    plot = xs.plot_followup(data)
    assert set(plot.data["when"]) == {"12 mdr. før indskrivning", "Seneste hele år efter"}
    assert len(plot.data) == 8
    waterfall = xs.plot_change(data)
    frame = waterfall.data
    assert list(frame["kind"]) == ["niveau", "ned", "ned", "ned", "ned", "niveau"]
    assert frame["ymax"].iloc[0] == pytest.approx(45273650.28)
    assert frame["ymax"].iloc[-1] == pytest.approx(17027108.70)
    # The bridge closes: the last sector step ends where the follow-up bar ends.
    assert frame["ymin"].iloc[4] == pytest.approx(frame["ymax"].iloc[5])
    assert frame["label"].iloc[1] == "−20,1 mio. kr."


def test_text_change(data: ReportData) -> None:
    text = xs.text_change(data)
    assert "For de 52 forløb" in text
    assert "17.027.109 kr. i seneste hele år mod 45.273.650 kr." in text
    assert "28.246.542 kr. lavere (−62,4 %)" in text


# ---- Albertslund -----------------------------------------------------------------------------
def test_table_reallocation(data: ReportData) -> None:
    frame = _frame(xs.table_reallocation(data))
    rows = frame.set_index("Sektorområde")
    assert rows.loc["Børn og unge", "adjustment"] == "−20.139.020 kr."
    assert rows.loc["Børn og unge", "explanation"] == (
        "Gl. løsning 29,1 mio. kr., ny løsning 9 mio. kr.: budgettet reduceres med 20,1 mio. kr."
    )
    assert rows.loc["Netto", "adjustment"] == data.show(xs.REALLOCATION)
    counter = data.results[xs.REALLOCATION].extra["solution_budget_counter_entry"]
    assert rows.loc["Løsningens fælles budget (modpost)", "adjustment"] == fmt_kr(counter)
    assert rows.loc["Løsningens fælles budget (modpost)", "explanation"] == (
        f"Løsningens fælles budget tilføres {fmt_mio_kr(counter)}"
    )


def test_reallocation_with_increases(data_2023: ReportData) -> None:
    rows = xs.reallocation_frame(data_2023).set_index("label")
    assert rows.loc["Voksne", "decision"] == "Budgettet tilføres 0,2 mio. kr."
    text = xs.text_reallocation(data_2023)
    assert "tilføres midler på voksenområdet og beskæftigelsesområdet, mens det reduceres" in text
    assert "Netto er reguleringen −2.259.280 kr." in text
    questions = xs.text_questions(data_2023)
    assert "men steget på voksenområdet og beskæftigelsesområdet" in questions


def test_reallocation_when_a_solution_is_small(data_2024h2: ReportData) -> None:
    # «Unge på vej» has 4 compared enrolments; the comparison is shown for all solutions
    # together only, so every sector and the net are shown.
    rows = xs.reallocation_frame(data_2024h2).set_index("label")
    sectors = data_2024h2.published[xs.REALLOCATION].breakdown["sector"]
    assert rows.loc["Netto", "adjustment"] == pytest.approx(sum(sectors.values()))
    assert fmt_kr(rows.loc["Netto", "adjustment"]) == data_2024h2.show(xs.REALLOCATION)
    assert "Unge på vej" not in " ".join(xs.reallocation_frame(data_2024h2)["label"])


# ---- outcomes --------------------------------------------------------------------------------
def test_table_outcomes(data: ReportData) -> None:
    frame = _frame(xs.table_outcomes(data))
    assert frame.to_dict("records")[-1] == {
        "Løsning": "Alle løsninger",
        "persons": "174",
        "share": data.show(xs.OUTCOME),
        "target": "15 %",
    }
    assert frame["share"].iloc[1] == "25,0 %"


def test_outcomes_small_solution(data_2023: ReportData) -> None:
    table = xs.table_outcomes(data_2023)
    rows = _frame(table).set_index("Løsning")
    assert rows.loc["Unge på vej", "persons"] == "<5"
    assert rows.loc["Unge på vej", "share"] == "–"
    plot = xs.plot_outcomes(data_2023)
    assert "Unge på vej" not in set(plot.data["label"])
    assert "for få personer" in plot.labels.caption


def test_plot_and_text_outcomes(data: ReportData) -> None:
    plot = xs.plot_outcomes(data, target=0.2)
    assert list(plot.data["label"]) == ["Familie i Fokus", "Unge på vej", "Alle løsninger"]
    assert plot.labels.y == "Andel i job eller uddannelse"
    text = xs.text_outcomes(data)
    assert f"{data.show(xs.OUTCOME)} af de 174 indskrevne personer" in text
    assert "over målsætningen" in text
    assert "under målsætningen" in xs.text_outcomes(data, target=0.2)


# ---- summary, questions, method --------------------------------------------------------------
def test_text_summary(data: ReportData) -> None:
    text = xs.text_summary(data)
    assert "2 tværgående løsninger med i alt 60 indskrevne forløb og 174 personer" in text
    assert fmt_mio_kr(data.value(xs.BASELINE)) in text
    assert "28,2 mio. kr. lavere" in text
    assert fmt_pct(data.value(xs.OUTCOME)) in text


def test_text_questions_and_method(data: ReportData) -> None:
    questions = xs.text_questions(data).splitlines()
    assert all(line.startswith("- **") for line in questions)
    assert any("flyttet eller forsvundet" in q for q in questions)
    method = xs.text_method(data)
    assert discretion_note(data.threshold) in method


def test_no_comparison_yet() -> None:
    early = load_report_data(EXAMPLE, "2022-H1", ids=IDS)
    assert early.results[xs.CHANGE].value is None
    assert "Ingen af forløbene har endnu været indskrevet i et helt år" in xs.text_change(early)
    assert xs.change_frame(early).empty
    assert xs.reallocation_frame(early).empty
    assert xs.plot_change(early).data is None or len(xs.plot_change(early).data) == 0


def test_no_bare_numbers_in_texts(data: ReportData) -> None:
    """Every number in the generated text is Danish formatted (no ``1234567`` or ``12.5``)."""
    for name in [n for n in xs.__all__ if n.startswith("text_")]:
        text = getattr(xs, name)(data)
        assert not re.search(r"\d{4,}(?!\d*-)", text.replace("2026", "")), name
        assert not re.search(r"\d\.\d(?!\d\d)", text), name


def test_report_uses_only_present_functions() -> None:
    source = Path(ROOT / "reports" / "cross-sector.qmd").read_text(encoding="utf-8")
    for forbidden in (".groupby(", ".merge(", ".pivot"):
        assert forbidden not in source
    called = set(re.findall(r"xs\.(\w+)\(", source))
    assert called <= set(xs.__all__)
    assert source.count("#| fig-alt:") == source.count("#| fig-cap:") == 5


@pytest.mark.slow
def test_render_html(tmp_path: Path) -> None:
    from noegletal.data.load import load_tables
    from noegletal.periods import resolve_period
    from noegletal.render.catalog import render_named_report

    tables = load_tables(EXAMPLE)
    period = resolve_period("2026-H1", tables.extract_date)
    result = render_named_report(
        "cross-sector",
        tables=tables,
        data_dir=EXAMPLE,
        period=period,
        out_dir=tmp_path,
        formats=("html",),
        backend="builtin",
    )
    html = result.html.read_text(encoding="utf-8")
    for text in [
        "51.547.853 kr.",
        "−28.246.542 kr.",
        "15,5 %",
        "budgettet reduceres med 20,1 mio. kr.",
    ]:
        assert text in html
    assert fmt_number(174) in html
