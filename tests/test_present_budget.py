"""The budget presentation functions (FP3, FP4, FP5) on the example data.

Expected values come from the indicator results formatted with
:mod:`noegletal.present.formats`, so the tests hold when the example data are regenerated.
"""

from __future__ import annotations

import re

import pytest
from great_tables import GT
from plotnine import ggplot

from noegletal.periods import Period
from noegletal.present import budget
from noegletal.present._focus import fmt_1000_kr
from noegletal.present.formats import fmt_change_pct, fmt_kr, fmt_pct
from noegletal.present.report import ReportData, load_report_data
from noegletal.render.catalog import render_named_report
from tests.conftest import EXAMPLE

SOFT = "\u00ad"


@pytest.fixture(scope="module")
def data() -> ReportData:
    return load_report_data(EXAMPLE, "2026-H1")


def _plain(text: str) -> str:
    """Generated text with its non-breaking spaces read as spaces."""
    assert " %" not in text and " kr." not in text, "units are bound with non-breaking spaces"
    return text.replace("\u00a0", " ")


def _rows(table: GT) -> list[dict]:
    """Rows with soft hyphens taken out of the column names."""
    return [
        {k.replace(SOFT, ""): v for k, v in row.items()}
        for row in table._tbl_data.to_dict("records")
    ]


def _children_lines(data: ReportData) -> list[str]:
    """The children's budget lines in the order of budget_lines."""
    lines = data.tables.budget_lines
    return list(lines.loc[lines["area"] == "children", "budget_line"])


# ---- FP3 -----------------------------------------------------------------------------------
def test_table_budget_adherence_children(data) -> None:
    table = budget.table_budget_adherence(data, area="children")
    assert isinstance(table, GT)
    rows = _rows(table)
    assert [r["Budgetlinje"] for r in rows] == [*_children_lines(data), "I alt, børn og unge"]
    exact = {r["budget_line"]: r for r in data.results["fp3.deviation_by_line"].table}
    adherence = data.published["fp3.budget_adherence"].breakdown
    for row in rows[:-1]:
        line = exact[row["Budgetlinje"]]
        assert row["Regnskab"] == fmt_1000_kr(line["actual"])
        assert row["Opr. budget"] == fmt_1000_kr(line["original"])
        assert row["Afvigelse"] == fmt_1000_kr(line["deviation"], signed=True)
        assert row["Budgetafvigelse"] == fmt_change_pct(
            adherence["budget_line"][row["Budgetlinje"]]
        )
    assert rows[-1]["Budgetafvigelse"] == fmt_change_pct(adherence["area"]["children"])
    assert "Område" not in rows[0]


def test_table_budget_adherence_both_areas_has_area_and_grand_totals(data) -> None:
    rows = _rows(budget.table_budget_adherence(data))
    names = [r["Budgetlinje"] for r in rows]
    assert "I alt, børn og unge" in names and "I alt, voksne" in names
    assert names[-1] == "Socialområdet i alt"
    assert rows[-1]["Budgetafvigelse"] == fmt_change_pct(data.value("fp3.budget_adherence"))
    assert rows[-1]["Afvigelse"] == fmt_1000_kr(data.value("fp3.deviation_by_line"), signed=True)


def test_table_budget_precision(data) -> None:
    rows = _rows(budget.table_budget_precision(data, area="children"))
    precision = data.published["fp3.budget_precision"].breakdown
    assert rows[-1]["Budgetpræcision"] == fmt_pct(precision["area"]["children"])


def test_text_frame_and_text_budget(data) -> None:
    frame = budget.budget_adherence_frame(data, "children")
    text = _plain(budget.text_frame(data, area="children"))
    assert fmt_kr(frame["actual"].sum()) in text
    assert fmt_change_pct(data.published["fp3.budget_adherence"].breakdown["area"]["children"]) in (
        text
    )
    assert "6,3 %" in text  # VIVE's budget precision 2015
    summary = _plain(budget.text_budget(data))
    assert fmt_change_pct(data.value("fp3.budget_adherence")) in summary
    assert "kr.." not in summary and "kr.." not in text


# ---- FP4 -----------------------------------------------------------------------------------
def test_bridge_goes_from_budget_through_the_effects_to_actual(data) -> None:
    frame = budget.bridge_frame(data, area="children")
    assert list(frame["trin"]) == [
        "Budget (Qb × Pb)",
        "Mængdeeffekt",
        "Priseffekt",
        "Samspilseffekt",
        "Faktisk (Qa × Pa)",
    ]
    effects = data.published["fp4.volume_effect"].breakdown["budget_line"]
    lines = [line for line in effects if line in _children_lines(data)]
    qa = data.results["fp4.volume_actual"].breakdown["budget_line"]
    pa = data.results["fp4.avg_cost_actual"].breakdown["budget_line"]
    actual = sum(qa[line] * pa[line] for line in lines)
    assert frame["beløb"].iloc[-1] == pytest.approx(actual, abs=1.0)
    assert frame["slut"].iloc[3] == pytest.approx(frame["beløb"].iloc[-1])
    assert frame["beløb"].iloc[1] == pytest.approx(
        data.published["fp4.volume_effect"].breakdown["area"]["children"]
    )
    plot = budget.plot_bridge(data, area="children")
    assert isinstance(plot, ggplot)
    assert plot.labels.get("title", None) == "Fra budget til faktisk udgift"


def test_table_effects_and_driver(data) -> None:
    rows = _rows(budget.table_effects(data, area="children"))
    effects = data.published["fp4.volume_effect"].breakdown["budget_line"]
    for row in rows:
        assert row["Mængde"] == fmt_1000_kr(effects[row["Budgetlinje"]], signed=True)
        assert row["Primært"] in {"Mængde", "Pris", "–"}
    text = _plain(budget.text_volume_price(data, area="children"))
    assert "Afvigelsen drives især af" in text
    assert "mængdespørgsmål" in text or "prisspørgsmål" in text


def test_table_assumptions_shows_small_budget_volume(data) -> None:
    rows = {r["Budgetlinje"]: r for r in _rows(budget.table_assumptions(data, area="children"))}
    qb = data.published["fp4.volume_budget"].breakdown["budget_line"]
    for line, row in rows.items():
        if qb[line] == "<5":
            assert row["Antal, budget"] == "<5"


# ---- FP5 -----------------------------------------------------------------------------------
def test_table_forecast_matches_the_indicator(data) -> None:
    rows = _rows(budget.table_forecast(data, area="children"))
    forecast = data.published["fp5.forecast"].breakdown["budget_line"]
    deviation = data.published["fp5.forecast_vs_budget"].breakdown["budget_line"]
    for row in rows[:-1]:
        assert row["Prognose"] == fmt_1000_kr(forecast[row["Budgetlinje"]])
        assert row["Afvigelse"] == fmt_1000_kr(deviation[row["Budgetlinje"]], signed=True)
    assert rows[-1]["Afvigelse"] == fmt_1000_kr(
        data.published["fp5.forecast_vs_budget"].breakdown["area"]["children"], signed=True
    )
    both = _rows(budget.table_forecast(data))
    assert both[-1]["Afvigelse"] == fmt_1000_kr(data.value("fp5.forecast_vs_budget"), signed=True)


def test_plot_forecast_by_month_has_one_point_per_month_end(data) -> None:
    plot = budget.plot_forecast_by_month(data)
    assert list(plot.data["periode"]) == [f"2026-{m:02d}" for m in range(1, 7)]
    last = plot.data.iloc[-1]
    assert last["afvigelse"] == pytest.approx(data.value("fp5.forecast_vs_budget"))
    march = data.at(Period(2026, "month", 3), ids=["fp5.forecast_vs_budget"])
    assert plot.data.iloc[2]["afvigelse"] == pytest.approx(march["fp5.forecast_vs_budget"].value)
    assert plot.labels.get("title", None) == "Regnskabsprognose 2026 måned for måned"
    children = budget.plot_forecast_by_month(data, area="children")
    assert children.data["prognose"].iloc[-1] == pytest.approx(
        data.published["fp5.forecast"].breakdown["area"]["children"]
    )


def test_plot_backtest_is_the_monthly_error_with_budget_reference(data) -> None:
    plot = budget.plot_backtest(data)
    months = data.published["fp5.backtest_error"].breakdown["month"]
    extra = data.results["fp5.backtest_error"].extra
    net = plot.data[plot.data["serie"] == "Samlet beløb"]
    gross = plot.data[plot.data["serie"] == "Linje for linje"]
    assert len(net) == len(months) == 11
    assert list(net["fejl"]) == pytest.approx(list(months.values()))
    assert list(gross["fejl"]) == pytest.approx(list(extra["gross_error"].values()))
    hlines = [layer for layer in plot.layers if type(layer.geom).__name__ == "geom_hline"]
    intercepts = [float(h.geom.data["yintercept"].iloc[0]) for h in hlines]
    assert extra["budget_error"] in intercepts and extra["budget_gross_error"] in intercepts
    assert "korrigerede budget brugt som prognose" in plot.labels.get("caption", "")


def test_text_forecast(data) -> None:
    text = _plain(budget.text_forecast(data, area="children"))
    frame = budget.forecast_frame(data, "children")
    assert fmt_kr(frame["forecast"].sum()) in text
    assert fmt_pct(data.value("fp5.backtest_error")) in text


def test_a_full_year_period_renders_twelve_months(data) -> None:
    year = load_report_data(EXAMPLE, "2025")
    plot = budget.plot_forecast_by_month(year)
    assert len(plot.data) == 12
    assert budget.table_budget_adherence(year)._tbl_data.shape[0] > 0


# ---- the report ----------------------------------------------------------------------------
@pytest.mark.slow
def test_focus_points_report_renders_to_html_with_the_numbers(data, tmp_path) -> None:
    result = render_named_report(
        "focus-points",
        tables=data.tables,
        data_dir=EXAMPLE,
        period=data.period,
        out_dir=tmp_path,
        formats=("html",),
        backend="builtin",
    )
    html = re.sub(r"\s+", " ", result.html.read_text(encoding="utf-8"))
    for expected in (
        data.show("fp1.placed_per_1000_0_22"),
        data.show("fp1.staircase_persons"),
        fmt_kr(budget.forecast_frame(data, "children")["forecast"].sum()),
        "Budgetforudsætninger om antal og gennemsnitsudgifter",
    ):
        assert expected in html, expected
    assert html.count("<img") >= 8 and 'alt=""' not in html
