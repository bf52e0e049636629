"""The children's area: VIVE focus points 1 (strategy and staircase), 2 (casework) and
6 (key figures) as tables, charts and Danish text.

Every function takes a :class:`~noegletal.present.report.ReportData` and shows only
publishable values (``data.published`` / :func:`~noegletal.discretion.publish_table`);
suppressed values are left out of charts, and the chart says so.

>>> from noegletal.present.report import load_report_data
>>> data = load_report_data("data/example", "2026-H1")  # doctest: +SKIP
>>> plot_staircase(data)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from great_tables import GT
from plotnine import (
    aes,
    annotate,
    coord_flip,
    geom_col,
    geom_hline,
    geom_line,
    geom_point,
    geom_text,
    ggplot,
    labs,
    scale_color_manual,
    scale_fill_manual,
    scale_x_discrete,
    scale_y_continuous,
)

from noegletal.codes import MEASURE_LABELS_DA, STEP_LABELS_DA
from noegletal.discretion import publish_table
from noegletal.periods import Period
from noegletal.present._focus import AREA_LABELS_DA as AREA_LABELS
from noegletal.present._focus import (
    VIVE_APPEAL_REVERSAL,
    VIVE_NEED_PER_0_22,
    VIVE_PLACED_PER_1000,
    VIVE_SOURCE,
    VIVE_SPEND_PER_0_22,
    fmt_1000_kr,
    gt_table,
    is_number,
    join_da,
    label_auto,
    nbsp,
    needs_note,
    published_at,
    which_way,
)
from noegletal.present.formats import (
    fmt_change_pct,
    fmt_kr,
    fmt_number,
    fmt_pct,
    fmt_period_end,
    fmt_value,
)
from noegletal.present.report import ReportData
from noegletal.present.theme import label_kr, label_number, palette, theme_house, tints

__all__ = [
    "casework_frame",
    "half_year_points",
    "key_figures_rows",
    "per_1000_frame",
    "plot_age_bands",
    "plot_per_1000",
    "plot_placed_per_1000",
    "plot_spend_per_0_22",
    "plot_staircase",
    "plot_step_movement",
    "staircase_frame",
    "table_casework",
    "table_cost_bands",
    "table_flow",
    "table_key_figures",
    "table_key_figures_cost",
    "table_staircase",
    "table_strategy",
    "text_casework",
    "text_children",
    "text_key_figures",
    "text_summary",
]

STEPS = [str(step) for step in STEP_LABELS_DA]
PER_1000_SERIES = {
    "fp1.supported_per_1000_0_22": "Med foranstaltning i alt (trin 1–7)",
    "fp1.preventive_per_1000_0_22": "Med forebyggende indsats (trin 1–3)",
    "fp1.placed_per_1000_0_22": "Anbragte (trin 4–7)",
}


def step_label(step: str | int) -> str:
    """``4`` → ``4. Netværksplejefamilie``."""
    return f"{step}. {STEP_LABELS_DA[int(step)]}"


def _small_text(data: ReportData, value: Any, unit: str) -> str:
    """A shown value for a sentence: ``<5`` reads "færre end 5", ``None`` reads "–"."""
    if isinstance(value, str):
        return f"færre end {data.threshold}"
    return fmt_value(value, unit)


def _dropped_caption(dropped: list[str], threshold: int) -> str | None:
    if not dropped:
        return None
    return f"Ikke vist (færre end {threshold} personer, diskretionering): {join_da(dropped)}."


# ---- FP1: the staircase ---------------------------------------------------------------------
def staircase_frame(data: ReportData) -> pd.DataFrame:
    """Persons at period end per step (publishable): ``trin``, ``personer``, ``vist``
    (the shown text, ``<5`` included)."""
    cells = (data.published["fp1.staircase_persons"].breakdown or {}).get("step", {})
    rows = []
    for step in STEPS:
        value = cells.get(step)
        rows.append(
            {
                "trin": step_label(step),
                "personer": float(value) if is_number(value) else None,
                "vist": fmt_value(value, "persons"),
            }
        )
    return pd.DataFrame(rows)


def plot_staircase(data: ReportData) -> ggplot:
    """Children and young people at the period end by step of the intervention staircase
    (each person once, at the highest active step), least intrusive step at the top."""
    frame = staircase_frame(data)
    order = list(frame["trin"])
    dropped = list(frame.loc[frame["personer"].isna(), "trin"])
    shown = frame[frame["personer"].notna()].copy()
    shown["trin"] = pd.Categorical(shown["trin"], categories=order[::-1], ordered=True)
    top = float(shown["personer"].max()) if len(shown) else 1.0
    colours = dict(zip(order, tints(data.primary, len(order)), strict=True))
    end = data.period.end
    return (
        ggplot(shown, aes(x="trin", y="personer", fill="trin"))
        + geom_col(width=0.7, show_legend=False)
        + geom_text(aes(label="vist"), ha="left", nudge_y=top * 0.015, size=8, color="#222222")
        + coord_flip()
        + scale_x_discrete(limits=order[::-1], drop=False)
        + scale_y_continuous(labels=label_number(), expand=(0, 0, 0.12, 0))
        + scale_fill_manual(values=colours, guide=None)
        + labs(
            title="Børn og unge på indsatstrappen",
            subtitle=f"Personer pr. {end.day}. {_month_name(end.month)} {end.year}, "
            "opgjort på det højeste aktive trin",
            x="",
            y="Personer",
            caption=_dropped_caption(dropped, data.threshold),
        )
        + theme_house()
    )


def _month_name(month: int) -> str:
    from noegletal.periods import MONTHS_DA

    return MONTHS_DA[month - 1]


# ---- FP1: placements per 1,000 over time ------------------------------------------------
def half_year_points(data: ReportData) -> list[Period]:
    """Half-years from the first year of the data to the report's period (the period itself
    last, when it does not end on a half-year end)."""
    years = data.years()
    first = years[0] if years else data.period.year
    points: list[Period] = []
    half = Period(first, "half", 1)
    while half.end <= data.period.end:
        points.append(half)
        half = Period(half.year + half.number // 2, "half", half.number % 2 + 1)
    if not points or points[-1].end != data.period.end:
        points.append(data.period)
    return points


def per_1000_frame(data: ReportData, ids: list[str] | None = None) -> pd.DataFrame:
    """Persons per 1,000 inhabitants aged 0–22 at each half-year end (publishable values;
    suppressed points are ``None``): ``periode``, ``tidspunkt`` (axis label), ``serie``,
    ``værdi``, ``vist``."""
    ids = ids or list(PER_1000_SERIES)
    rows = []
    for period in half_year_points(data):
        published = published_at(data, period, ids)
        for indicator_id in ids:
            value = published[indicator_id].value
            rows.append(
                {
                    "periode": str(period),
                    "tidspunkt": fmt_period_end(period),
                    "serie": PER_1000_SERIES[indicator_id],
                    "værdi": float(value) if is_number(value) else None,
                    "vist": fmt_value(value, "per_1000"),
                }
            )
    return pd.DataFrame(rows)


def _per_1000_plot(data: ReportData, ids: list[str], title: str) -> ggplot:
    frame = per_1000_frame(data, ids)
    order = list(dict.fromkeys(frame["tidspunkt"]))
    dropped = sorted(set(frame.loc[frame["værdi"].isna(), "periode"]))
    shown = frame[frame["værdi"].notna()].copy()
    shown["tidspunkt"] = pd.Categorical(shown["tidspunkt"], categories=order, ordered=True)
    names = [PER_1000_SERIES[i] for i in ids]
    shown["serie"] = pd.Categorical(shown["serie"], categories=names, ordered=True)
    # The primary colour for the placements, the series of VIVE's reference value.
    colours = dict(zip(names[::-1], palette(data.primary, len(names)), strict=True))
    caption = f"Stiplet linje: VIVEs gennemsnitskommune 2015, {fmt_number(VIVE_PLACED_PER_1000, 1)}"
    caption += " anbragte pr. 1.000 0-22-årige."
    if dropped:
        caption += f" Ikke vist (diskretionering): {join_da(dropped)}."
    reference_label = f"VIVE: {fmt_number(VIVE_PLACED_PER_1000, 1)}"
    return (
        ggplot(shown, aes(x="tidspunkt", y="værdi", color="serie", group="serie"))
        + geom_hline(yintercept=VIVE_PLACED_PER_1000, linetype="dashed", color="#5F6B76", size=0.6)
        + annotate(
            "text",
            x=0.6,
            y=VIVE_PLACED_PER_1000,
            label=reference_label,
            ha="left",
            va="bottom",
            size=7.5,
            color="#5F6B76",
        )
        + geom_line(size=0.9)
        + geom_point(size=1.8)
        + scale_x_discrete(limits=order)
        + scale_y_continuous(labels=label_auto(), limits=(0, None))
        + scale_color_manual(
            values=colours, breaks=names, guide=None if len(names) == 1 else "legend"
        )
        + labs(
            title=title,
            subtitle="Status ved udgangen af hvert halvår",
            x="",
            y="Pr. 1.000 0-22-årige",
            caption=caption,
        )
        + theme_house()
    )


def plot_placed_per_1000(data: ReportData) -> ggplot:
    """Placed children and young people (steps 4–7) per 1,000 inhabitants aged 0–22 at each
    half-year end, with VIVE's average municipality (9,2) as a dashed reference line."""
    return _per_1000_plot(data, ["fp1.placed_per_1000_0_22"], "Anbragte pr. 1.000 0-22-årige")


def plot_per_1000(data: ReportData) -> ggplot:
    """Placed, preventive and all supported children per 1,000 inhabitants aged 0–22 at each
    half-year end, with VIVE's 9,2 placed per 1,000 as a reference line."""
    return _per_1000_plot(
        data,
        list(PER_1000_SERIES),
        "Børn og unge med foranstaltning pr. 1.000 0-22-årige",
    )


# ---- FP1: text --------------------------------------------------------------------------------
def _value(data: ReportData, indicator_id: str) -> Any:
    return data.published[indicator_id].value


def text_children(data: ReportData) -> str:
    """Three to five Danish sentences on the staircase and placements: persons on the
    staircase and placed per 1,000 (against last year and VIVE's average), family placements,
    prevention against placement, movement on the staircase, and a question to ask."""
    end = data.period.end
    day = f"{end.day}. {_month_name(end.month)} {end.year}"
    sentences = []

    persons = _value(data, "fp1.staircase_persons")
    placed = _value(data, "fp1.placed_per_1000_0_22")
    parts = []
    if persons is not None:
        parts.append(
            f"Den {day} havde {_small_text(data, persons, 'persons')} børn og unge en aktiv "
            "indsats på indsatstrappen"
        )
    if is_number(placed):
        last_year = data.period.same_period_last_year()
        before = published_at(data, last_year, ["fp1.placed_per_1000_0_22"])
        before_value = before["fp1.placed_per_1000_0_22"].value
        text = f"der var {fmt_value(placed, 'per_1000')} anbragte pr. 1.000 0-22-årige"
        if is_number(before_value):
            text += f" mod {fmt_value(before_value, 'per_1000')} ved samme tid året før"
        text += (
            f" – {which_way(placed, VIVE_PLACED_PER_1000)} VIVEs gennemsnitskommune "
            f"({fmt_number(VIVE_PLACED_PER_1000, 1)} i 2015)"
        )
        parts.append(text)
    if parts:
        sentence = ", og ".join(parts)
        sentences.append(sentence[0].upper() + sentence[1:] + ".")

    family = _value(data, "fp1.family_placement_share")
    kinship = _value(data, "fp1.kinship_share")
    if is_number(family):
        text = f"{fmt_pct(family)} af de anbragte var anbragt i familiepleje"
        if is_number(kinship):
            text += f", heraf {fmt_pct(kinship)} i netværkspleje"
        sentences.append(text + ".")

    ratio_ = _value(data, "fp1.preventive_to_placement_ratio")
    spend = _value(data, "fp1.preventive_spend_share")
    if is_number(ratio_) and is_number(spend):
        sentences.append(
            f"For hver anbragt helårsperson var der {fmt_number(ratio_, 2)} helårspersoner i "
            f"forebyggende indsatser, og forebyggelsen udgjorde {fmt_pct(spend)} af de "
            "disponerede udgifter på trappen."
        )

    cells = (data.published["fp1.step_movement"].breakdown or {}).get("movement", {})
    lower, higher = cells.get("lower"), cells.get("higher")
    if is_number(lower) and is_number(higher):
        sentences.append(
            "Af de børn og unge, der havde en indsats ved periodens start, var "
            f"{fmt_pct(lower)} ved periodens slutning på et lavere trin og {fmt_pct(higher)} "
            "på et højere trin."
        )

    sentences.append(
        "Spørgsmål til drøftelse: Hvilke børn er rykket op ad trappen, og blev et mindre "
        "indgribende trin afprøvet først?"
    )
    return nbsp(" ".join(sentences))


# ---- FP1: tables and further charts --------------------------------------------------------
def table_staircase(data: ReportData) -> GT:
    """Per step: persons at the period end (highest step), full-year persons in the period
    and the step's share of the full-year persons, with a total row."""
    persons = data.published["fp1.staircase_persons"]
    fyp = data.published["fp1.staircase_full_year_persons"]
    share = data.published["fp1.staircase_share"]
    cells = {
        name: (result.breakdown or {}).get("step", {})
        for name, result in (("p", persons), ("f", fyp), ("s", share))
    }
    rows = [
        {
            "Trin": step_label(step),
            "Personer ved periodens slutning": fmt_value(cells["p"].get(step), "persons"),
            "Helårspersoner i perioden": fmt_value(cells["f"].get(step), "full_year_persons"),
            "Andel af helårspersoner": fmt_value(cells["s"].get(step), "share"),
        }
        for step in STEPS
    ]
    rows.append(
        {
            "Trin": "I alt",
            "Personer ved periodens slutning": fmt_value(persons.value, "persons"),
            "Helårspersoner i perioden": fmt_value(fyp.value, "full_year_persons"),
            "Andel af helårspersoner": fmt_value(share.value, "share"),
        }
    )
    frame = pd.DataFrame(rows)
    return gt_table(
        frame,
        "fp1-staircase",
        data,
        title="Indsatstrappen",
        subtitle=f"{data.period.label_da()}. Personer opgøres på det højeste aktive trin; "
        "helårspersoner tælles pr. indsats.",
        right=list(frame.columns[1:]),
        sources=["Kilde: Kommunens sagssystem (indsatser på børne- og ungeområdet)."],
        discretion=needs_note(frame, data.small),
    )


def _extra_at(data: ReportData, period: Period, indicator_id: str, key: str) -> Any:
    result = (
        data.results[indicator_id]
        if period == data.period
        else data.at(period, ids=[indicator_id])[indicator_id]
    )
    return (result.extra or {}).get(key)


#: FP1's table rows: (indicator id or "need", Danish label, VIVE's average or None).
STRATEGY_ROWS: list[tuple[str, str, float | None]] = [
    ("fp1.placed_per_1000_0_22", "Anbragte pr. 1.000 0-22-årige", VIVE_PLACED_PER_1000),
    ("fp1.supported_per_1000_0_22", "Med foranstaltning pr. 1.000 0-22-årige", None),
    ("fp1.preventive_per_1000_0_22", "Med forebyggende indsats pr. 1.000 0-22-årige", None),
    ("fp1.family_placement_share", "Andel af anbragte i familiepleje (trin 4–5)", None),
    ("fp1.kinship_share", "Andel af anbragte i netværkspleje (trin 4)", None),
    (
        "fp1.preventive_to_placement_ratio",
        "Forebyggende helårspersoner pr. anbragt helårsperson",
        None,
    ),
    ("fp1.preventive_spend_share", "Forebyggelsens andel af disponerede udgifter", None),
    ("fp1.spend_per_0_22", "Udgifter pr. 0-22-årig (helårsniveau)", VIVE_SPEND_PER_0_22),
    ("need", "Udgiftsbehov pr. 0-22-årig", VIVE_NEED_PER_0_22),
    (
        "fp1.spend_vs_need",
        "Udgifter i forhold til udgiftsbehov",
        VIVE_SPEND_PER_0_22 / VIVE_NEED_PER_0_22,
    ),
]


def table_strategy(data: ReportData) -> GT:
    """FP1's key figures for the period, the same period last year and VIVE's average
    municipality (2015)."""
    now, before = data.period, data.period.same_period_last_year()
    ids = [i for i, _, _ in STRATEGY_ROWS if i != "need"]
    published = {p: published_at(data, p, ids) for p in (now, before)}
    rows = []
    for indicator_id, label, vive in STRATEGY_ROWS:
        unit = data.results[indicator_id].unit if indicator_id in data.results else "kr"
        cells = {}
        for key, period in (("now", now), ("before", before)):
            if indicator_id == "need":
                cells[key] = fmt_kr(_extra_at(data, period, "fp1.spend_vs_need", "need"))
            else:
                cells[key] = fmt_value(published[period][indicator_id].value, unit)
        rows.append(
            {
                "Nøgletal": label,
                now.label_da(): cells["now"],
                before.label_da(): cells["before"],
                "VIVE, gns. 2015": fmt_value(vive, unit) if vive is not None else "–",
            }
        )
    frame = pd.DataFrame(rows)
    return gt_table(
        frame,
        "fp1-strategy",
        data,
        title="Nøgletal for den faglige og økonomiske strategi",
        subtitle="Personer pr. 1.000 og andele ved periodens slutning; helårspersoner og "
        "udgifter i perioden. Udgifter pr. 0-22-årig er årets forbrug til dato opregnet til "
        "helår.",
        right=list(frame.columns[1:]),
        sources=[
            "Kilde: Kommunens sagssystem, regnskab, befolkningstal og udgiftsbehov "
            "(udligningssystemet).",
            f"VIVE-tallene er fra {VIVE_SOURCE}; kronebeløb i 2015-priser.",
        ],
        discretion=needs_note(frame.drop(columns="VIVE, gns. 2015"), data.small),
    )


MOVEMENT_LABELS = {
    "lower": "Et lavere trin",
    "same": "Samme trin",
    "higher": "Et højere trin",
    "none": "Ingen indsats",
}


def plot_step_movement(data: ReportData) -> ggplot:
    """Where the children active at the period start are at the period end: a lower step,
    the same step, a higher step or no measure (shares)."""
    published = data.published["fp1.step_movement"]
    cells = (published.breakdown or {}).get("movement", {})
    labels = list(MOVEMENT_LABELS.values())
    frame = pd.DataFrame(
        {
            "bevægelse": labels,
            "andel": [
                float(cells[k]) if is_number(cells.get(k)) else None for k in MOVEMENT_LABELS
            ],
            "vist": [fmt_value(cells.get(k), "share") for k in MOVEMENT_LABELS],
        }
    )
    dropped = list(frame.loc[frame["andel"].isna(), "bevægelse"])
    shown = frame[frame["andel"].notna()].copy()
    shown["bevægelse"] = pd.Categorical(shown["bevægelse"], categories=labels[::-1], ordered=True)
    colours = dict(zip(labels, palette(data.primary, 4), strict=True))
    basis = data.results["fp1.step_movement"].basis
    subtitle = "Børn og unge med indsats ved periodens start: hvor er de ved periodens slutning?"
    if is_number(basis) and basis >= data.threshold:
        subtitle = (
            f"De {fmt_number(basis)} børn og unge med indsats ved periodens start: hvor er de "
            "ved periodens slutning?"
        )
    return (
        ggplot(shown, aes(x="bevægelse", y="andel", fill="bevægelse"))
        + geom_col(width=0.65, show_legend=False)
        + geom_text(aes(label="vist"), ha="left", nudge_y=0.01, size=8, color="#222222")
        + coord_flip()
        + scale_x_discrete(limits=labels[::-1])
        + scale_y_continuous(labels=label_auto("pct"), limits=(0, 1), expand=(0, 0, 0.02, 0))
        + scale_fill_manual(values=colours, guide=None)
        + labs(
            title="Bevægelser på indsatstrappen",
            subtitle=subtitle,
            x="",
            y="Andel",
            caption=_dropped_caption(dropped, data.threshold),
        )
        + theme_house(figure_size=(6.5, 2.6))
    )


def plot_spend_per_0_22(data: ReportData) -> ggplot:
    """Spend per inhabitant aged 0–22 by year (the current year to date, annualised) against
    the expenditure need, with VIVE's average municipality (2015) as a reference."""
    periods = [Period(y, "year") for y in data.years()]
    if not periods or periods[-1].end != data.period.end:
        periods.append(data.period)
    names = ["Udgifter pr. 0-22-årig", "Udgiftsbehov pr. 0-22-årig"]
    rows = []
    for period in periods:
        published = published_at(data, period, ["fp1.spend_per_0_22"])["fp1.spend_per_0_22"]
        label = str(period.year) if period.is_full_year else f"{period.year}*"
        if is_number(published.value):
            rows.append({"år": label, "serie": names[0], "kr": float(published.value)})
        need = _extra_at(data, period, "fp1.spend_vs_need", "need")
        if is_number(need):
            rows.append({"år": label, "serie": names[1], "kr": float(need)})
    frame = pd.DataFrame(rows, columns=["år", "serie", "kr"])
    order = list(dict.fromkeys(frame["år"]))
    frame["år"] = pd.Categorical(frame["år"], categories=order, ordered=True)
    frame["serie"] = pd.Categorical(frame["serie"], categories=names, ordered=True)
    colours = dict(zip(names, palette(data.primary, 2), strict=True))
    caption = (
        f"Stiplet linje: VIVEs gennemsnitskommune 2015, {fmt_kr(VIVE_SPEND_PER_0_22)} "
        "(2015-priser)."
    )
    if not data.period.is_full_year:
        caption += f"\n*{data.period.ytd_label_da()}, opregnet til helår."
    return (
        ggplot(frame, aes(x="år", y="kr", color="serie", group="serie"))
        + geom_hline(yintercept=VIVE_SPEND_PER_0_22, linetype="dashed", color="#5F6B76", size=0.6)
        + geom_line(size=0.9)
        + geom_point(size=1.8)
        + scale_x_discrete(limits=order)
        + scale_y_continuous(labels=label_kr(), limits=(0, None))
        + scale_color_manual(values=colours, breaks=names)
        + labs(title="Udgifter og udgiftsbehov pr. 0-22-årig", x="", y="", caption=caption)
        + theme_house(figure_size=(6.5, 3.0))
    )


# ---- FP2: casework ---------------------------------------------------------------------------
#: FP2's rows: (indicator id, area of the breakdown cell or None for the value, label, VIVE).
CASEWORK_ROWS: list[tuple[str, str | None, str, float | None]] = [
    ("fp2.notifications_per_1000_0_17", None, "Underretninger pr. 1.000 0-17-årige", None),
    (
        "fp2.notifications_assessed_24h_share",
        None,
        "Andel underretninger vurderet inden for 24 timer",
        None,
    ),
    (
        "fp2.examinations_on_time_share",
        None,
        "Andel børnefaglige undersøgelser afsluttet inden for 4 måneder",
        None,
    ),
    (
        "fp2.examinations_median_days",
        None,
        "Mediantid for børnefaglige undersøgelser (dage)",
        None,
    ),
    ("fp2.followups_on_time_share", "children", "Andel opfølgninger foretaget rettidigt", None),
    ("fp2.followups_overdue", "children", "Opfølgninger over frist ved periodens slutning", None),
    ("fp2.caseload", None, "Aktive børnesager pr. sagsbehandler (årsværk)", None),
    (
        "fp2.appeal_reversal_rate",
        "children",
        "Omgørelsesprocent i Ankestyrelsen",
        VIVE_APPEAL_REVERSAL,
    ),
]


def _casework_value(published: Any, area: str | None) -> Any:
    if area is None:
        return published.value
    return ((published.breakdown or {}).get("area") or {}).get(area)


def casework_frame(data: ReportData) -> pd.DataFrame:
    """FP2's publishable values for the period and the same period last year (the children's
    cell where the indicator covers both areas): ``id``, ``label``, ``unit``, ``now``,
    ``before``, ``vive``."""
    now, before = data.period, data.period.same_period_last_year()
    ids = [row[0] for row in CASEWORK_ROWS]
    published = {p: published_at(data, p, ids) for p in (now, before)}
    rows = [
        {
            "id": indicator_id,
            "label": label,
            "unit": data.results[indicator_id].unit,
            "now": _casework_value(published[now][indicator_id], area),
            "before": _casework_value(published[before][indicator_id], area),
            "vive": vive,
        }
        for indicator_id, area, label, vive in CASEWORK_ROWS
    ]
    return pd.DataFrame(rows)


def table_casework(data: ReportData) -> GT:
    """FP2's key figures for casework: notifications, examinations, follow-ups, caseload and
    appeals, for the period, the same period last year and VIVE's average (appeals)."""
    frame = casework_frame(data)
    now, before = data.period, data.period.same_period_last_year()
    units = list(frame["unit"])
    table = pd.DataFrame(
        {
            "Nøgletal": frame["label"],
            now.label_da(): [fmt_value(v, u) for v, u in zip(frame["now"], units, strict=True)],
            before.label_da(): [
                fmt_value(v, u) for v, u in zip(frame["before"], units, strict=True)
            ],
            "VIVE, gns. 2015": [
                fmt_value(v, "share") if is_number(v) else "–" for v in frame["vive"]
            ],
        }
    )
    return gt_table(
        table,
        "fp2-casework",
        data,
        title="Sagsbehandling på børne- og ungeområdet",
        subtitle="Opfølgninger og omgørelser gælder børne- og ungesager. Opfølgninger over "
        "frist er et antal ved periodens slutning; de øvrige tal gælder perioden.",
        right=list(table.columns[1:]),
        sources=[
            "Kilde: Kommunens sagssystem (underretninger, undersøgelser, opfølgninger), "
            "personaleoversigt og Ankestyrelsens afgørelser.",
            "Omgørelsesprocent: ændrede, hjemviste og ophævede afgørelser i procent af "
            "Ankestyrelsens realitetsbehandlede sager.",
            f"VIVE-tallet er fra {VIVE_SOURCE}.",
        ],
        discretion=needs_note(table.drop(columns="VIVE, gns. 2015"), data.small),
    )


def text_casework(data: ReportData) -> str:
    """FP2 in Danish: notifications, examinations, follow-ups, caseload and appeals; ends
    with questions."""
    frame = casework_frame(data).set_index("id")

    def show(indicator_id: str, column: str = "now") -> str:
        row = frame.loc[indicator_id]
        return _small_text(data, row[column], row["unit"])

    def known(indicator_id: str, column: str = "now") -> bool:
        value = frame.loc[indicator_id, column]
        return is_number(value) or isinstance(value, str)

    sentences = []
    if known("fp2.notifications_per_1000_0_17"):
        text = (
            f"Kommunen modtog {show('fp2.notifications_per_1000_0_17')} underretninger pr. "
            "1.000 0-17-årige i perioden"
        )
        if known("fp2.notifications_assessed_24h_share"):
            text += (
                f", og {show('fp2.notifications_assessed_24h_share')} blev vurderet inden for "
                "24 timer"
            )
            if known("fp2.notifications_assessed_24h_share", "before"):
                before = show("fp2.notifications_assessed_24h_share", "before")
                text += f" (samme periode sidste år: {before})"
        sentences.append(text + ".")
    if known("fp2.examinations_on_time_share"):
        text = (
            f"{show('fp2.examinations_on_time_share')} af de børnefaglige undersøgelser blev "
            "afsluttet inden for fristen på 4 måneder"
        )
        if known("fp2.examinations_median_days"):
            text += f", og medianen var {show('fp2.examinations_median_days')} dage"
        sentences.append(text + ".")
    if known("fp2.followups_on_time_share"):
        text = (
            f"{show('fp2.followups_on_time_share')} af opfølgningerne i børnesager blev "
            "foretaget rettidigt"
        )
        if known("fp2.followups_overdue"):
            text += (
                f", og {show('fp2.followups_overdue')} opfølgninger var over frist ved "
                "periodens slutning"
            )
        sentences.append(text + ".")
    if known("fp2.caseload"):
        sentences.append(
            f"En sagsbehandler (årsværk) havde i gennemsnit {show('fp2.caseload')} aktive "
            "børnesager."
        )
    reversal = frame.loc["fp2.appeal_reversal_rate", "now"]
    if is_number(reversal):
        versus = which_way(reversal * 100, VIVE_APPEAL_REVERSAL * 100)
        sentences.append(
            f"Ankestyrelsen ændrede, hjemviste eller ophævede {fmt_pct(reversal)} af de "
            f"påklagede afgørelser på børneområdet; det er {versus} VIVEs gennemsnit på "
            f"{fmt_pct(VIVE_APPEAL_REVERSAL, 0)} (2015)."
        )
    sentences.append(
        "Spørgsmål til drøftelse: Hvor i sagsforløbet opstår forsinkelserne, og hænger de "
        "sammen med antallet af sager pr. sagsbehandler?"
    )
    return nbsp(" ".join(sentences))


# ---- FP6: key figures ------------------------------------------------------------------------
def key_figures_rows(data: ReportData, area: str = "children") -> list[dict[str, Any]]:
    """``fp6.key_figures`` rows of ``area`` after discretion (:func:`publish_table`): counts
    below the threshold → ``<5``; amounts, averages and changes of fewer than 5 persons (now,
    or last year for a change) → ``None``."""
    table = data.results["fp6.key_figures"].table or []
    order = {m: i for i, m in enumerate(MEASURE_LABELS_DA)}
    rows = []
    for row in sorted(table, key=lambda r: order.get(r["measure_type"], len(order))):
        if row["area"] != area:
            continue
        row = dict(row)
        before = row.get("unique_persons_last_year")
        row["change_basis"] = min(row["unique_persons"], before) if is_number(before) else None
        rows.append(row)
    published, _ = publish_table(
        rows,
        data.threshold,
        counts=("persons_end", "unique_persons", "full_year_persons"),
        basis={
            "commitment_cost": "unique_persons",
            "avg_cost_per_fyp": "unique_persons",
            "full_year_persons_change": "change_basis",
            "avg_cost_per_fyp_change": "change_basis",
        },
    )
    return published


def table_key_figures(data: ReportData, area: str = "children") -> GT:
    """FP6's activity per measure type: persons at the period end, unique persons in the
    period, full-year persons and their change against the same period last year."""
    rows = key_figures_rows(data, area)
    last_year = data.period.same_period_last_year().label_da()
    frame = pd.DataFrame(
        [
            {
                "Indsats": MEASURE_LABELS_DA.get(r["measure_type"], r["measure_type"]),
                "Personer ultimo": fmt_value(r["persons_end"], "persons"),
                "Personer i perioden": fmt_value(r["unique_persons"], "persons"),
                "Helårspersoner": fmt_value(r["full_year_persons"], "full_year_persons"),
                "Ændring i\u00a0%": fmt_change_pct(r["full_year_persons_change"]),
            }
            for r in rows
        ],
        columns=[
            "Indsats",
            "Personer ultimo",
            "Personer i perioden",
            "Helårspersoner",
            "Ændring i\u00a0%",
        ],
    )
    return gt_table(
        frame,
        f"fp6-key-figures-{area}",
        data,
        title="Aktivitet pr. indsatstype",
        subtitle=f"{data.period.label_da()}, {AREA_LABELS.get(area, area).lower()}. Personer "
        "ultimo: personer med indsatsen ved periodens slutning. Personer i perioden: personer "
        f"med indsatsen på mindst én dag. Ændring: helårspersoner i forhold til {last_year}.",
        right=list(frame.columns[1:]),
        sources=["Kilde: Kommunens sagssystem (indsatser)."],
        discretion=needs_note(frame, data.small),
    )


def table_key_figures_cost(data: ReportData, area: str = "children") -> GT:
    """FP6's spend per measure type: commitment cost in the period, average cost per
    full-year person and its change against the same period last year."""
    rows = key_figures_rows(data, area)
    last_year = data.period.same_period_last_year().label_da()
    frame = pd.DataFrame(
        [
            {
                "Indsats": MEASURE_LABELS_DA.get(r["measure_type"], r["measure_type"]),
                "Udgift, 1.000 kr.": fmt_1000_kr(r["commitment_cost"]),
                "Pr. helårsperson, kr.": fmt_number(r["avg_cost_per_fyp"]),
                "Ændring i\u00a0%": fmt_change_pct(r["avg_cost_per_fyp_change"]),
            }
            for r in rows
        ],
        columns=["Indsats", "Udgift, 1.000 kr.", "Pr. helårsperson, kr.", "Ændring i\u00a0%"],
    )
    return gt_table(
        frame,
        f"fp6-key-figures-cost-{area}",
        data,
        title="Udgifter pr. indsatstype",
        subtitle=f"{data.period.label_da()}, {AREA_LABELS.get(area, area).lower()}. Udgift: "
        "de bevilgede indsatsers (disponerede) udgift i perioden. Ændring: udgift pr. "
        f"helårsperson i forhold til {last_year}.",
        right=list(frame.columns[1:]),
        sources=["Kilde: Kommunens sagssystem (indsatser og priser)."],
        discretion=needs_note(frame, data.small),
    )


def table_flow(data: ReportData, area: str = "children") -> GT:
    """Starts, ends and net flow of measures per measure type in the period, with a total
    (small counts and net flows shown as ``<5``; a total that would reveal them hidden)."""
    order = {m: i for i, m in enumerate(MEASURE_LABELS_DA)}
    table = sorted(
        (r for r in (data.results["fp6.flow"].table or []) if r["area"] == area),
        key=lambda r: order.get(r["measure_type"], len(order)),
    )
    total = {
        "measure_type": "I alt",
        "starts": sum(r["starts"] for r in table),
        "ends": sum(r["ends"] for r in table),
    }
    rows, total_row = publish_table(table, data.threshold, counts=("starts", "ends"), total=total)
    frame = pd.DataFrame(
        [
            {
                "Indsats": MEASURE_LABELS_DA.get(r["measure_type"], r["measure_type"]),
                "Tilgang": fmt_value(r["starts"], "count"),
                "Afgang": fmt_value(r["ends"], "count"),
            }
            for r in [*rows, total_row]
        ],
        columns=["Indsats", "Tilgang", "Afgang"],
    )
    return gt_table(
        frame,
        f"fp6-flow-{area}",
        data,
        title="Tilgang og afgang af indsatser",
        subtitle=f"{data.period.label_da()}, {AREA_LABELS.get(area, area).lower()}. Tilgang: "
        "indsatser startet i perioden; afgang: indsatser afsluttet i perioden.",
        right=["Tilgang", "Afgang"],
        sources=["Kilde: Kommunens sagssystem (indsatser)."],
        discretion=needs_note(frame, data.small),
    )


AGE_LABELS = {
    "0-5": "0–5 år",
    "6-11": "6–11 år",
    "12-17": "12–17 år",
    "18-22": "18–22 år",
    "18-24": "18–24 år",
    "25-39": "25–39 år",
    "40-64": "40–64 år",
    "65+": "65 år og derover",
    "other": "Øvrige aldre",
}


def plot_age_bands(data: ReportData, area: str = "children") -> ggplot:
    """Persons at the period end by age band (bars); small counts are left out."""
    breakdown = (data.published["fp6.age_bands"].breakdown or {}).get("area", {})
    cells = (breakdown.get(area) or {}).get("age_band", {})
    labels = [AGE_LABELS.get(k, k) for k in cells]
    frame = pd.DataFrame(
        {
            "alder": labels,
            "personer": [float(v) if is_number(v) else None for v in cells.values()],
            "vist": [fmt_value(v, "persons") for v in cells.values()],
        }
    )
    dropped = list(frame.loc[frame["personer"].isna(), "alder"])
    shown = frame[frame["personer"].notna()].copy()
    shown["alder"] = pd.Categorical(shown["alder"], categories=labels, ordered=True)
    top = float(shown["personer"].max()) if len(shown) else 1.0
    end = data.period.end
    title = (
        "Børn og unge med indsats fordelt på alder"
        if area == "children"
        else "Borgere med indsats fordelt på alder"
    )
    return (
        ggplot(shown, aes(x="alder", y="personer"))
        + geom_col(width=0.65, fill=data.primary)
        + geom_text(aes(label="vist"), va="bottom", nudge_y=top * 0.02, size=8, color="#222222")
        + scale_x_discrete(limits=labels)
        + scale_y_continuous(labels=label_auto(), expand=(0, 0, 0.12, 0))
        + labs(
            title=title,
            subtitle=f"Personer pr. {end.day}. {_month_name(end.month)} {end.year}; alder på "
            "opgørelsesdagen",
            x="",
            y="Personer",
            caption=_dropped_caption(dropped, data.threshold),
        )
        + theme_house(figure_size=(6.5, 2.8))
    )


COST_BAND_LABELS = {
    "<0.5m": "Under 0,5 mio. kr.",
    "0.5-1m": "0,5–1 mio. kr.",
    "1-2m": "1–2 mio. kr.",
    "2-4m": "2–4 mio. kr.",
    ">=4m": "4 mio. kr. og derover",
}


def _paragraphs(data: ReportData, area: str) -> list[str]:
    """The paragraphs of ``area``'s measures in the data (a lookup, for the cost bands)."""
    interventions = data.tables.interventions
    return sorted(set(interventions.loc[interventions["area"] == area, "paragraph"].dropna()))


def paragraph_label(code: str) -> str:
    """``BL 46`` → ``Barnets lov § 46``; ``SEL 52.3.7`` → ``SEL § 52, stk. 3, nr. 7``."""
    law, _, number = code.partition(" ")
    law = {"BL": "Barnets lov", "SEL": "SEL", "SUL": "SUL"}.get(law, law)
    parts = number.split(".")
    text = f"{law} § {parts[0]}"
    if len(parts) > 1:
        text += f", stk. {parts[1]}"
    if len(parts) > 2:
        text += f", nr. {parts[2]}"
    return text


def table_cost_bands(data: ReportData, area: str = "children") -> GT:
    """Persons with an active measure in the year by annual cost per person and paragraph
    (the paragraphs of ``area``); small counts shown as ``<5``."""
    breakdown = (data.published["fp6.cost_bands"].breakdown or {}).get("paragraph", {})
    rows = []
    for paragraph in _paragraphs(data, area):
        cells = (breakdown.get(paragraph) or {}).get("cost_band")
        if not cells:
            continue
        rows.append(
            {
                "Paragraf": paragraph_label(paragraph),
                **{
                    label: fmt_value(cells.get(key), "persons")
                    for key, label in COST_BAND_LABELS.items()
                },
            }
        )
    frame = pd.DataFrame(rows, columns=["Paragraf", *COST_BAND_LABELS.values()])
    span = (
        str(data.period.year)
        if data.period.is_full_year
        else f"{data.period.ytd_label_da()}, opregnet til helår"
    )
    return gt_table(
        frame,
        f"fp6-cost-bands-{area}",
        data,
        title="Personer fordelt på årlig udgift",
        subtitle=f"{AREA_LABELS.get(area, area)}, {span}. Personer med en aktiv indsats i året "
        "efter den disponerede årsudgift pr. person og paragraf.",
        right=list(COST_BAND_LABELS.values()),
        sources=["Kilde: Kommunens sagssystem (indsatser og priser)."],
        discretion=needs_note(frame, data.small),
    )


def _measure_label(measure_type: str) -> str:
    return MEASURE_LABELS_DA.get(measure_type, measure_type)


def text_key_figures(data: ReportData, area: str = "children") -> str:
    """FP6 in Danish: the measure type with most full-year persons, the largest changes
    against last year, progression; ends with questions."""
    rows = key_figures_rows(data, area)
    sentences = []
    counted = [r for r in rows if is_number(r["full_year_persons"])]
    if counted:
        top = max(counted, key=lambda r: r["full_year_persons"])
        sentences.append(
            f"Flest helårspersoner var der i «{_measure_label(top['measure_type'])}» "
            f"({fmt_value(top['full_year_persons'], 'full_year_persons')})."
        )
    changes = [r for r in rows if is_number(r["full_year_persons_change"])]
    if changes:
        big = max(changes, key=lambda r: abs(r["full_year_persons_change"]))
        sentences.append(
            "Den største ændring i antal helårspersoner i forhold til samme periode sidste år "
            f"var i «{_measure_label(big['measure_type'])}» "
            f"({fmt_change_pct(big['full_year_persons_change'])})."
        )
    costs = [r for r in rows if is_number(r["avg_cost_per_fyp_change"])]
    if costs:
        big = max(costs, key=lambda r: abs(r["avg_cost_per_fyp_change"]))
        sentences.append(
            f"Udgiften pr. helårsperson ændrede sig mest i «{_measure_label(big['measure_type'])}» "
            f"({fmt_change_pct(big['avg_cost_per_fyp_change'])})."
        )
    progression = data.published["fp6.progression"]
    share = ((progression.breakdown or {}).get("area") or {}).get(area)
    if is_number(share):
        sentences.append(
            f"{fmt_pct(share)} af de indsatser, der sluttede i perioden, sluttede, fordi målet "
            "var nået, eller fordi barnet eller den unge kunne rykke et trin ned."
        )
    sentences.append(
        "Spørgsmål til drøftelse: Hvilke indsatstyper vokser, og er det i tråd med "
        "strategien? Hvorfor sluttede de øvrige indsatser?"
    )
    return nbsp(" ".join(sentences))


def text_summary(data: ReportData) -> str:
    """The children's area in a few sentences for a report summary (FP1, FP2)."""
    sentences = []
    persons = data.published["fp1.staircase_persons"].value
    placed = data.published["fp1.placed_per_1000_0_22"].value
    end = data.period.end
    if persons is not None and is_number(placed):
        sentences.append(
            f"Den {end.day}. {_month_name(end.month)} {end.year} havde "
            f"{_small_text(data, persons, 'persons')} børn og unge en indsats, og der var "
            f"{fmt_value(placed, 'per_1000')} anbragte pr. 1.000 0-22-årige – "
            f"{which_way(placed, VIVE_PLACED_PER_1000)} VIVEs gennemsnitskommune på "
            f"{fmt_number(VIVE_PLACED_PER_1000, 1)}."
        )
    spend = data.published["fp1.spend_per_0_22"].value
    ratio = data.published["fp1.spend_vs_need"].value
    if is_number(spend) and is_number(ratio):
        sentences.append(
            f"Udgifterne var {fmt_kr(spend)} pr. 0-22-årig, svarende til "
            f"{fmt_number(ratio, 2)} gange udgiftsbehovet."
        )
    frame = casework_frame(data).set_index("id")
    on_time = frame.loc["fp2.examinations_on_time_share", "now"]
    reversal = frame.loc["fp2.appeal_reversal_rate", "now"]
    if is_number(on_time) and is_number(reversal):
        sentences.append(
            f"{fmt_pct(on_time)} af de børnefaglige undersøgelser blev afsluttet inden for "
            f"fristen, og omgørelsesprocenten i Ankestyrelsen var {fmt_pct(reversal)} "
            f"(VIVE: {fmt_pct(VIVE_APPEAL_REVERSAL, 0)})."
        )
    return nbsp(" ".join(sentences))
