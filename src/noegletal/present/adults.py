"""The adults' area in the committee report (seed ``004_…``): spend by paragraph and its
development, housing offers and flows, own home, savings from follow-up, effect against the
baseline (seed ``002_…``). Tables (``table_*``), charts (``plot_*``) and Danish text
(``text_*``); publishable values only."""

from __future__ import annotations

import pandas as pd
from great_tables import GT
from plotnine import (
    aes,
    geom_col,
    geom_line,
    geom_point,
    ggplot,
    guide_legend,
    guides,
    labs,
    scale_fill_manual,
    scale_y_continuous,
)

from noegletal.codes import PROVIDER_LABELS_DA, PROVIDER_TYPES
from noegletal.discretion import discretion_note, publish_table
from noegletal.periods import Period, parse_period
from noegletal.present.formats import (
    DASH,
    fmt_change_pct,
    fmt_count_text,
    fmt_date,
    fmt_kr,
    fmt_mio_kr,
    fmt_number,
    fmt_pct,
    fmt_period_end,
)
from noegletal.present.report import ReportData
from noegletal.present.theme import house_table, label_mio_kr, label_pct, palette, theme_house

__all__ = [
    "housing_paragraphs",
    "plot_own_home_share",
    "plot_spend_by_year",
    "table_baseline_effect",
    "table_followup_savings",
    "table_housing",
    "table_housing_flow",
    "table_spend_by_paragraph",
    "text_baseline",
    "text_followup",
    "text_housing",
    "text_spend",
]

SPEND = "adults.spend_by_paragraph"
SOURCE_LEDGER = (
    "Kilde: kommunens økonomisystem (bogførte udgifter), konti på voksenområdets budgetlinjer."
)
SOURCE_CASES = "Kilde: kommunens fagsystem (bevillinger)."
PARAGRAPH_NAMES = {
    "§ 85": "§ 85 Socialpædagogisk støtte",
    "§ 103": "§ 103 Beskyttet beskæftigelse",
    "§ 104": "§ 104 Aktivitets- og samværstilbud",
    "§ 107": "§ 107 Midlertidigt botilbud",
    "§ 108": "§ 108 Længerevarende botilbud",
    "§ 110": "§ 110 Forsorgshjem/herberg",
    "other": "Øvrige indsatser",
}


def _note_source(table: GT, *notes: str) -> GT:
    for note in notes:
        table = table.tab_source_note(note)
    return table


def _has_hidden(values: list[object]) -> bool:
    return any(v is None or isinstance(v, str) for v in values)


def _plain(value: object, fmt) -> str:  # type: ignore[no-untyped-def]
    return fmt(value) if value is not None else DASH


# ---- spend -------------------------------------------------------------------------------------
def table_spend_by_paragraph(data: ReportData) -> GT:
    """Actual spend year-to-date per budget line, same period last year and the change."""
    result = data.results[SPEND]
    rows = result.table or []
    total = {
        "budget_line": "I alt",
        "ytd": result.value,
        "ytd_last_year": result.extra.get("ytd_last_year"),
        "change_kr": result.extra.get("change_kr"),
        "change_share": result.extra.get("change_share"),
    }
    frame = pd.DataFrame(
        [
            {
                "Budgetlinje": row["budget_line"],
                "periode": fmt_kr(row["ytd"]),
                "sidste_aar": fmt_kr(row["ytd_last_year"]),
                "aendring_kr": fmt_kr(row["change_kr"]),
                "aendring_pct": fmt_change_pct(row["change_share"]),
            }
            for row in [*rows, total]
        ]
    )
    period = data.period
    last = period.same_period_last_year()
    table = house_table(
        frame,
        "voksen-udgifter",
        title="Udgifter på voksenområdet fordelt på budgetlinjer",
        subtitle=f"Bogførte udgifter {period.ytd_label_da()} og samme periode {last.year}",
        labels=dict(
            periode=f"{period.year} (år til dato)",
            sidste_aar=f"{last.year} (samme periode)",
            aendring_kr="Ændring, kr.",
            aendring_pct="Ændring, %",
        ),
        right=["periode", "sidste_aar", "aendring_kr", "aendring_pct"],
        bold_last=1,
        primary=data.primary,
    )
    return _note_source(table, SOURCE_LEDGER)


def spend_by_year(data: ReportData) -> pd.DataFrame:
    """Adults' spend per budget line for each complete year in the data (kr.)."""
    records = []
    for year in data.years():
        result = data.at(Period(year, "year"), ids=[SPEND]).get(SPEND)
        if result is None or not result.breakdown:
            continue
        for line, amount in result.breakdown["budget_line"].items():
            records.append({"year": str(year), "budget_line": line, "amount": amount or 0.0})
    return pd.DataFrame(records)


def plot_spend_by_year(data: ReportData) -> ggplot:
    """Stacked columns: adults' spend per budget line and year (mio. kr.)."""
    frame = spend_by_year(data)
    lines = list(dict.fromkeys(frame["budget_line"]))
    # The first line (§ 85) at the bottom of each column, in the primary colour.
    frame["budget_line"] = pd.Categorical(frame["budget_line"], categories=lines[::-1])
    colours = dict(zip(lines, palette(data.primary, len(lines)), strict=True))
    return (
        ggplot(frame, aes("year", "amount", fill="budget_line"))
        + geom_col(width=0.7)
        + scale_fill_manual(values=colours, breaks=lines)
        + scale_y_continuous(labels=label_mio_kr(), expand=(0, 0, 0.05, 0))
        + guides(fill=guide_legend(ncol=2))
        + labs(x="", y="Udgifter")
        + theme_house(figure_size=(6.5, 4.2))
    )


def text_spend(data: ReportData) -> str:
    """Danish sentences on the adults' spend year to date and its largest changes."""
    result = data.results[SPEND]
    change = result.extra.get("change_share")
    period = data.period
    sentence = (
        f"Udgifterne på det specialiserede voksenområde var {fmt_mio_kr(result.value)} i "
        f"perioden {period.ytd_label_da()}"
    )
    if change is not None:
        direction = "mere" if change > 0 else "mindre"
        sentence += (
            f", {fmt_pct(abs(change))} {direction} end i samme periode {period.year - 1} "
            f"({fmt_mio_kr(result.extra.get('ytd_last_year'))})."
        )
    else:
        sentence += "."
    rows = [r for r in (result.table or []) if r.get("change_kr") is not None]
    rows.sort(key=lambda r: abs(r["change_kr"]), reverse=True)
    parts = []
    for row in rows[:2]:
        verb = "steget" if row["change_kr"] > 0 else "faldet"
        parts.append(
            f"udgifterne til {row['budget_line']} er {verb} med {fmt_mio_kr(abs(row['change_kr']))}"
            + (
                f" ({fmt_change_pct(row['change_share'])})"
                if row["change_share"] is not None
                else ""
            )
        )
    if parts:
        sentence += " Størst er ændringen på to linjer: " + " og ".join(parts) + "."
    return sentence + (
        " Hvor meget af ændringen skyldes flere borgere, og hvor meget dyrere forløb? "
        "Det belyser afsnittene om botilbud og om opfølgning nedenfor."
    )


# ---- housing -------------------------------------------------------------------------------------
def housing_paragraphs(data: ReportData) -> list[str]:
    """The housing paragraphs in the order of the results (§ 107, § 108, § 110)."""
    breakdown = data.results["adults.housing_persons"].breakdown or {}
    return list(breakdown.get("paragraph", {}))


def table_housing(data: ReportData) -> GT:
    """Persons in housing offers at period end by paragraph and provider type."""
    published = data.published["adults.housing_persons"]
    cells = (published.breakdown or {}).get("paragraph", {})
    exact = (data.results["adults.housing_persons"].breakdown or {}).get("paragraph", {})
    rows = []
    for paragraph, inner in cells.items():
        shown = inner["provider_type"]
        row = {"Tilbud": PARAGRAPH_NAMES.get(paragraph, paragraph)}
        for provider in PROVIDER_TYPES:
            row[provider] = fmt_number(shown.get(provider))
        total = sum(exact[paragraph]["provider_type"].values())
        row["total"] = fmt_number(total if total >= data.threshold or total == 0 else data.small)
        rows.append(row)
    frame = pd.DataFrame(rows)
    table = house_table(
        frame,
        "voksen-botilbud",
        title="Borgere i botilbud fordelt på leverandør",
        subtitle=f"Personer med aktivt tilbud {fmt_date(data.period.end)}",
        labels=dict(**{p: PROVIDER_LABELS_DA[p] for p in PROVIDER_TYPES}, total="I alt"),
        right=[*PROVIDER_TYPES, "total"],
        primary=data.primary,
    )
    notes = [SOURCE_CASES]
    if published.suppressed:
        notes.append(discretion_note(data.threshold))
    return _note_source(table, *notes)


def table_housing_flow(data: ReportData) -> GT:
    """Starts, ends and net flow in § 107, § 108 and § 110 in the period."""
    result = data.results["adults.housing_flow"]
    rows = result.table or []
    total = {
        "paragraph": "I alt",
        "starts": sum(r["starts"] for r in rows),
        "ends": sum(r["ends"] for r in rows),
        "net": result.value,
    }
    shown, shown_total = publish_table(
        rows, data.threshold, counts=("starts", "ends", "net"), total=total
    )
    frame = pd.DataFrame(
        [
            {
                "Tilbud": PARAGRAPH_NAMES.get(r["paragraph"], r["paragraph"]),
                "starts": fmt_number(r["starts"]),
                "ends": fmt_number(r["ends"]),
                "net": _signed(r["net"]),
            }
            for r in [*shown, shown_total]
        ]
    )
    table = house_table(
        frame,
        "voksen-botilbud-flow",
        title="Tilgang og afgang i botilbud",
        subtitle=data.period.label_da(),
        labels=dict(starts="Tilgang", ends="Afgang", net="Nettotilgang"),
        right=["starts", "ends", "net"],
        bold_last=1,
        primary=data.primary,
    )
    notes = [SOURCE_CASES, "Tilgang og afgang tælles pr. bevilling."]
    cells = [v for r in [*shown, shown_total] for v in (r["starts"], r["ends"], r["net"])]
    if _has_hidden(cells):
        notes.append(discretion_note(data.threshold))
    return _note_source(table, *notes)


def _signed(value: object) -> str:
    if value is None or isinstance(value, str):
        return fmt_number(value)
    text = fmt_number(value)
    return f"+{text}" if float(value) > 0 else text


def own_home_series(data: ReportData) -> pd.DataFrame:
    """``adults.own_home_share`` at every half-year end from the first complete year."""
    records = []
    for year in [*data.years(), data.period.year]:
        for half in (1, 2):
            period = Period(year, "half", half)
            if period.end > data.period.end or any(r["period"] == str(period) for r in records):
                continue
            result = data.at(period, ids=["adults.own_home_share"])["adults.own_home_share"]
            published = data.published["adults.own_home_share"] if period == data.period else None
            value = published.value if published else result.value
            if result.basis is not None and result.basis < data.threshold:
                value = None
            if value is not None:
                records.append({"period": str(period), "label": period.label_da(), "share": value})
    return pd.DataFrame(records)


def plot_own_home_share(data: ReportData) -> ggplot:
    """Line: share of citizens in own home (of § 85, § 107 and § 108) at each half-year end."""
    frame = own_home_series(data)
    # The status at each half-year end, labelled as the children's charts are (jun./2025).
    labels = [fmt_period_end(parse_period(p)) for p in frame["period"]]
    frame["x"] = pd.Categorical(labels, categories=labels, ordered=True)
    return (
        ggplot(frame, aes("x", "share", group=1))
        + geom_line(color=data.primary, size=1)
        + geom_point(color=data.primary, size=2)
        + scale_y_continuous(labels=label_pct(), limits=(0, 1))
        + labs(x="", y="Andel i eget hjem")
        + theme_house(figure_size=(6.5, 3.0))
    )


def text_housing(data: ReportData) -> str:
    """Danish sentences on housing persons, flows, own home and moves to own home."""
    housing = data.published["adults.housing_persons"]
    share = data.results["adults.own_home_share"]
    moved = data.published["adults.moved_to_own_home"]
    last = data.at(data.period.same_period_last_year(), ids=["adults.own_home_share"])
    last_share = last["adults.own_home_share"]
    text = [
        f"Ved udgangen af perioden ({fmt_date(data.period.end)}) boede "
        f"{fmt_count_text(housing.value)} borgere i midlertidige eller længerevarende botilbud "
        "eller på forsorgshjem (§ 107, § 108 og § 110)."
    ]
    if share.value is not None and data.published["adults.own_home_share"].value is not None:
        sentence = (
            f"{fmt_pct(share.value)} af borgerne med § 85-støtte eller botilbud (§ 107/§ 108) "
            "bor i eget hjem med støtte"
        )
        if last_share.value is not None:
            diff = (share.value - last_share.value) * 100
            sentence += (
                f", mod {fmt_pct(last_share.value)} et år tidligere "
                f"({'+' if diff > 0 else ''}{fmt_number(diff, 1)} procentpoint)"
            )
        text.append(sentence + ".")
    if moved.value is not None:
        count = fmt_count_text(moved.value)
        text.append(
            f"{count[0].upper() + count[1:]} borgere er i perioden flyttet fra botilbud til eget "
            "hjem med § 85-støtte inden for 30 dage."
        )
    return " ".join(text)


# ---- follow-up savings --------------------------------------------------------------------------
def table_followup_savings(data: ReportData) -> GT:
    """Annual savings from follow-ups with outcome reduced/ended, by paragraph."""
    result = data.results["adults.followup_savings"]
    persons = (result.breakdown_basis or {}).get("paragraph", {})
    rows = [dict(r, persons=persons.get(r["paragraph"], 0)) for r in (result.table or [])]
    total = {
        "paragraph": "I alt",
        "measures": sum(r["measures"] for r in rows),
        "annual_cost_before": sum(r["annual_cost_before"] for r in rows),
        "annual_cost_after": sum(r["annual_cost_after"] for r in rows),
        "saving": result.value,
        "persons": result.basis,
    }
    money = ("annual_cost_before", "annual_cost_after", "saving")
    shown, shown_total = publish_table(
        rows,
        data.threshold,
        counts=("measures",),
        basis={col: "persons" for col in money},
        total=total,
    )
    frame = pd.DataFrame(
        [
            {
                "Paragraf": PARAGRAPH_NAMES.get(r["paragraph"], r["paragraph"]),
                "measures": fmt_number(r["measures"]),
                "before": fmt_kr(r["annual_cost_before"]),
                "after": fmt_kr(r["annual_cost_after"]),
                "saving": fmt_kr(r["saving"]),
            }
            for r in [*shown, shown_total]
        ]
    )
    table = house_table(
        frame,
        "voksen-opfoelgning",
        title="Besparelser som følge af opfølgning",
        subtitle=f"Opfølgninger i {data.period.label_da()} med nedsat eller ophørt indsats",
        labels=dict(
            measures="Indsatser",
            before="Årlig udgift før",
            after="Årlig udgift efter",
            saving="Årlig besparelse",
        ),
        right=["measures", "before", "after", "saving"],
        bold_last=1,
        primary=data.primary,
    )
    notes = [
        SOURCE_CASES,
        "Besparelsen er den årlige udgift før minus efter ændringen (helårseffekt); "
        "ændringer op til 90 dage efter opfølgningen tæller med.",
    ]
    cells = [v for r in [*shown, shown_total] for v in (r["measures"], r["saving"])]
    if _has_hidden(cells):
        notes.append(discretion_note(data.threshold))
    return _note_source(table, *notes)


def text_followup(data: ReportData) -> str:
    """Danish sentences on savings from strengthened follow-up."""
    published = data.published["adults.followup_savings"]
    result = data.results["adults.followup_savings"]
    if published.value is None:
        return (
            "Besparelsen fra opfølgning kan ikke opgøres for perioden "
            f"({result.reason or 'for få borgere til at vise tallet'})."
        )
    last = data.at(data.period.same_period_last_year(), ids=["adults.followup_savings"])
    last_value = last["adults.followup_savings"].value
    text = (
        f"Opfølgninger i {data.period.label_da()} har nedsat eller afsluttet "
        f"{fmt_number(result.extra.get('measures'))} indsatser. Det svarer til en årlig "
        f"besparelse på {fmt_mio_kr(published.value)}"
    )
    if last_value:
        text += f" (samme periode sidste år: {fmt_mio_kr(last_value)})"
    return text + (
        ". Tallet viser, hvad ændringerne er værd på årsbasis – ikke hvad der er sparet i "
        "perioden – og det er værd at spørge, om nedsættelserne holder ved næste opfølgning."
    )


# ---- baseline effect -----------------------------------------------------------------------------
GROUP_NAMES = {
    "original": "Oprindelige borgere",
    "new": "Nye borgere",
    "total": "I alt",
}


def table_baseline_effect(data: ReportData) -> GT:
    """Effect against the baseline (seed 002): original and new citizens, and the part from
    citizens still receiving support, against the expected effect."""
    result = data.results["adults.baseline_effect"]
    rows = [r for r in (result.table or []) if r["group"] in GROUP_NAMES]
    for row in rows:
        row["effect_staying"] = row["effect"] - (row.get("effect_left") or 0.0)
        row["persons_staying"] = row["persons"] - (row.get("persons_left") or 0)
    shown, _ = publish_table(
        rows,
        data.threshold,
        counts=("persons",),
        basis={
            "effect": "persons",
            "effect_staying": "persons_staying",
            "annual_cost_then": "persons",
            "annual_cost_now": "persons",
        },
    )
    frame = pd.DataFrame(
        [
            {
                "Gruppe": GROUP_NAMES[r["group"]],
                "persons": fmt_number(r["persons"]),
                "then": fmt_mio_kr(r["annual_cost_then"]),
                "now": fmt_mio_kr(r["annual_cost_now"]),
                "effect": fmt_mio_kr(r["effect"]),
                "staying": fmt_mio_kr(r["effect_staying"]),
                "expected": fmt_mio_kr(r["expected_effect"]) if r["expected_effect"] else DASH,
            }
            for r in shown
        ]
    )
    baseline = result.extra.get("baseline_date")
    table = house_table(
        frame,
        "voksen-baseline",
        title="Effekt i forhold til baseline",
        subtitle=(
            f"Årlig udgift ved baseline {fmt_date(baseline)} (nye borgere: ved første "
            f"bevilling) og {fmt_date(data.period.end)}"
            if baseline
            else ""
        ),
        labels=dict(
            persons="Borgere",
            then="Årlig udgift dengang",
            now="Årlig udgift nu",
            effect="Effekt i alt",
            staying="Heraf borgere med støtte nu",
            expected="Forventet effekt",
        ),
        right=["persons", "then", "now", "effect", "staying", "expected"],
        bold_last=1,
        primary=data.primary,
    )
    return _note_source(
        table,
        SOURCE_CASES,
        "Effekt = årlig udgift dengang minus nu. «Heraf borgere med støtte nu» udelader borgere "
        "uden aktive indsatser i dag; borgere, der er fraflyttet kommunen, indgår ikke.",
    )


def text_baseline(data: ReportData) -> str:
    """Danish sentences on the baseline effect, explaining the two readings."""
    result = data.results["adults.baseline_effect"]
    if result.value is None:
        return f"Effekten i forhold til baseline kan ikke opgøres ({result.reason})."
    total = next((r for r in result.table or [] if r["group"] == "total"), None)
    if total is None:
        return ""
    staying = total["effect"] - (total.get("effect_left") or 0.0)
    expected = total.get("expected_effect")
    baseline = result.extra.get("baseline_date")
    text = (
        f"Borgerne på voksenområdet koster samlet {fmt_mio_kr(result.value)} mindre om året end "
        f"ved baseline ({fmt_date(baseline)}) eller ved deres første bevilling. Det meste skyldes "
        "borgere, der ikke længere modtager støtte; for de borgere, der stadig modtager støtte, "
        f"er effekten {fmt_mio_kr(staying)} om året"
    )
    if expected:
        text += f" mod en forventet effekt på {fmt_mio_kr(expected)} i {data.period.year}"
    return text + (
        ". Hvilket af de to tal der svarer til den politisk forudsatte effekt, afhænger af, "
        "hvordan forventningen i sin tid blev opgjort."
    )
