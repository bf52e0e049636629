"""The committee report's summary: the key figures that matter and their change.

Seed ``004_…`` (Høje-Taastrup's semiannual key-figure report to the social committee) and
KL's note on political steering (``RENDERING-NOTES.md``): a realistic status and forecast,
follow-up on decided savings, activity next to spending.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from great_tables import GT

from noegletal.discretion import discretion_note, publish
from noegletal.present.formats import (
    DASH,
    NBSP,
    fmt_change_pct,
    fmt_mio_kr,
    fmt_number,
    fmt_pct,
    fmt_value,
)
from noegletal.present.report import ReportData
from noegletal.present.theme import house_table

__all__ = ["SUMMARY_FIGURES", "summary_rows", "table_key_figures", "text_about", "text_summary"]


@dataclass(frozen=True)
class Figure:
    """One row of the summary: an indicator and how to show it."""

    indicator: str
    label: str
    kind: str = "value"  # value | mio (money in millions) | share
    compare: bool = True  # compare with the same period last year


#: The 5–8 figures a politician should see first (order = order in the table).
SUMMARY_FIGURES = (
    Figure("adults.spend_by_paragraph", "Udgifter på voksenområdet, år til dato", "mio"),
    Figure("adults.housing_persons", "Borgere i botilbud (§ 107, § 108, § 110)"),
    Figure("adults.own_home_share", "Andel borgere i eget hjem med støtte", "share"),
    Figure("adults.followup_savings", "Årlig besparelse fra opfølgning", "mio"),
    Figure("fp1.placed_per_1000_0_22", "Anbragte børn og unge pr. 1.000 0-22-årige"),
    Figure("fp1.spend_per_0_22", "Udgifter pr. 0-22-årig (helårsniveau)"),
    Figure(
        "fp5.forecast_vs_budget", "Forventet afvigelse fra budget ved årets udgang", "mio", False
    ),
)


def _show(value: object, unit: str, kind: str) -> str:
    if kind == "mio":
        return fmt_mio_kr(value)
    if kind == "share":
        return fmt_pct(value)
    return fmt_value(value, unit)


def summary_rows(data: ReportData) -> list[dict[str, object]]:
    """The summary figures: publishable value now, same period last year, change."""
    last_period = data.period.same_period_last_year()
    wanted = [f.indicator for f in SUMMARY_FIGURES if f.compare]
    last = data.at(last_period, ids=wanted)
    rows = []
    for figure in SUMMARY_FIGURES:
        result = data.results[figure.indicator]
        now = data.published[figure.indicator].value
        before = None
        if figure.compare and figure.indicator in last:
            before = publish(last[figure.indicator], data.threshold).value
        change: object = None
        numbers = all(isinstance(v, int | float) for v in (now, before))
        if numbers and figure.kind == "share":
            change = f"{'+' if now > before else ''}{fmt_number((now - before) * 100, 1)} pct.point"
        elif numbers and before:
            change = fmt_change_pct(now / before - 1)
        rows.append(
            {
                "indicator": figure.indicator,
                "label": figure.label,
                "now": _show(now, result.unit, figure.kind),
                "before": _show(before, result.unit, figure.kind) if figure.compare else DASH,
                "change": change if change is not None else DASH,
                "suppressed": data.published[figure.indicator].suppressed,
            }
        )
    return rows


def table_key_figures(data: ReportData) -> GT:
    """The summary table of the committee report."""
    rows = summary_rows(data)
    frame = pd.DataFrame(rows)[["label", "now", "before", "change"]]
    period = data.period
    table = house_table(
        frame,
        "noegletal-sammenfatning",
        title="Nøgletal i overblik",
        subtitle=period.label_da(),
        labels=dict(
            label="Nøgletal",
            now=period.label_da().replace(" ", NBSP),
            before=period.same_period_last_year().label_da().replace(" ", NBSP),
            change="Ændring",
        ),
        right=["now", "before", "change"],
        notes=[
            "Kilde: kommunens fag- og økonomisystemer. Udgifter år til dato sammenlignes med "
            "samme periode sidste år; andele ændres i procentpoint."
        ],
        primary=data.primary,
    )
    hidden = [
        r[col] == data.small or (r[col] == DASH and r["suppressed"])
        for r in rows
        for col in ("now", "before")
    ]
    if any(hidden):
        table = table.tab_source_note(discretion_note(data.threshold))
    return table


def text_summary(data: ReportData) -> str:
    """A few Danish sentences reading the summary figures for a politician."""
    rows = {r["indicator"]: r for r in summary_rows(data)}
    spend = rows["adults.spend_by_paragraph"]
    placed = rows["fp1.placed_per_1000_0_22"]
    forecast = data.results["fp5.forecast_vs_budget"]
    sentences = [
        f"Rapporten dækker {data.period.label_da()} for {data.municipality}.",
    ]
    if spend["change"] != DASH:
        sentences.append(
            f"Udgifterne på voksenområdet var {spend['now']} år til dato, en ændring på "
            f"{spend['change']} i forhold til samme periode sidste år."
        )
    if placed["now"] != DASH:
        sentences.append(
            f"På børneområdet var der {placed['now']} anbragte pr. 1.000 0-22-årige "
            f"(samme tidspunkt sidste år: {placed['before']}; landsgennemsnittet i VIVEs "
            "analyse var 9,2)."
        )
    if forecast.value is not None:
        direction = "merforbrug" if forecast.value > 0 else "mindreforbrug"
        sentences.append(
            f"Prognosen for {data.period.year} peger på et {direction} på "
            f"{fmt_mio_kr(abs(forecast.value))} i forhold til det korrigerede budget."
        )
    sentences.append(
        "Nøgletallene er til at stille spørgsmål med: de viser, hvor udviklingen afviger, "
        "ikke hvorfor."
    )
    return " ".join(sentences)


def text_about(data: ReportData) -> str:
    """How the figures were made: sources, extract date, data fingerprint, discretion."""
    from noegletal import __version__
    from noegletal.discretion import discretion_note
    from noegletal.present.formats import fmt_date

    tables = data.tables
    files = ", ".join(sorted(s.path.name for s in tables.sources.values() if s.format != "yaml"))
    return "\n\n".join(
        [
            f"Tallene bygger på udtræk fra kommunens fag- og økonomisystemer pr. "
            f"{fmt_date(tables.extract_date)} ({files}). Udgifter er bogførte beløb; antal "
            "personer og helårspersoner er opgjort fra bevillingerne. Definitionen af hvert "
            "nøgletal følger projektets indikatorkatalog (docs/indicators.md).",
            discretion_note(data.threshold),
            f"Datagrundlagets fingeraftryk (SHA-256): {tables.data_sha256[:16]}…; beregnet med "
            f"noegletal {__version__}. Samme data giver altid de samme tal.",
        ]
    )
