"""Budget and economy: VIVE focus points 3 (frame budgeting, the closed year), 4 (volume and
price behind the deviation) and 5 (year-end forecast, month by month, and its backtest) as
tables, charts and Danish text.

Every function takes a :class:`~noegletal.present.report.ReportData` and an optional
``area`` (``"children"`` or ``"adults"``; ``None``: both areas of the specialised social area,
grouped by area). Amounts are shown in kroner through :mod:`noegletal.present.formats`;
values hidden by discretion (FP4's averages and effects of lines with fewer than 5 persons)
are shown as ``–`` in tables and left out of charts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from great_tables import GT
from plotnine import (
    aes,
    annotate,
    geom_hline,
    geom_line,
    geom_point,
    geom_rect,
    geom_segment,
    geom_text,
    ggplot,
    labs,
    scale_color_manual,
    scale_fill_manual,
    scale_x_continuous,
    scale_x_discrete,
    scale_y_continuous,
)

from noegletal.discretion import publish_table
from noegletal.periods import MONTH_ABBR_DA, MONTHS_DA, Period
from noegletal.present._focus import (
    VIVE_BUDGET_OVERSPEND,
    VIVE_BUDGET_PRECISION,
    area_label,
    fmt_1000_kr,
    gt_table,
    has_hidden,
    is_number,
    join_da,
    label_auto,
    nbsp,
    published_at,
)
from noegletal.present.formats import (
    fmt_change_pct,
    fmt_kr,
    fmt_mio_kr,
    fmt_number,
    fmt_pct,
)
from noegletal.present.report import ReportData
from noegletal.present.theme import GREY, palette, theme_house

__all__ = [
    "bridge_frame",
    "budget_adherence_frame",
    "forecast_by_month_frame",
    "forecast_frame",
    "plot_backtest",
    "plot_bridge",
    "plot_forecast_by_month",
    "table_assumptions",
    "table_budget_adherence",
    "table_budget_precision",
    "table_effects",
    "table_forecast",
    "text_budget",
    "text_forecast",
    "text_frame",
    "text_volume_price",
]

INCREASE = "#D55E00"  # Okabe–Ito vermilion: more spend
DECREASE = "#009E73"  # Okabe–Ito bluish green: less spend


def _areas(area: str | None) -> list[str]:
    return ["children", "adults"] if area is None else [area]


def _line_areas(data: ReportData) -> dict[str, str]:
    lines = data.tables.budget_lines
    return dict(zip(lines["budget_line"], lines["area"], strict=True))


def _in_area(data: ReportData, lines: list[str], area: str | None) -> list[str]:
    areas = _line_areas(data)
    return [line for line in lines if areas.get(line) in _areas(area)]


def _cell(data: ReportData, indicator_id: str, dim: str, key: str) -> Any:
    return ((data.published[indicator_id].breakdown or {}).get(dim) or {}).get(key)


def _signed_kr(value: Any) -> str:
    """``+1.234 kr.`` / ``−1.234 kr.`` (an effect or deviation)."""
    text = fmt_kr(value)
    return "+" + text if is_number(value) and round(float(value)) > 0 else text


def _signed_mio(value: float) -> str:
    text = fmt_mio_kr(value, 1)
    return "+" + text if round(value / 1e6, 1) > 0 else text


def _over_under(value: float) -> str:
    return "et merforbrug" if value > 0 else "et mindreforbrug"


def _join(sentences: list[str]) -> str:
    """Sentences joined by a space, with no doubled full stop after ``kr.``."""
    return nbsp(" ".join(s.replace("kr..", "kr.") for s in sentences))


def _closed_year(data: ReportData) -> int:
    end = data.period.end
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


def _cutoff_da(data: ReportData) -> str:
    end = data.period.end
    return f"{end.day}. {MONTHS_DA[end.month - 1]} {end.year}"


# ---- FP3: frame budgeting, the closed year ---------------------------------------------------
def budget_adherence_frame(data: ReportData, area: str | None = None) -> pd.DataFrame:
    """Lines of the closed year (exact values): ``budget_line``, ``area``, ``original``,
    ``supplementary``, ``corrected``, ``actual``, ``deviation``, ``adherence``,
    ``precision``; an empty frame when FP3 has no result (the year is not in the data)."""
    result = data.results["fp3.deviation_by_line"]
    if not result.table:
        return pd.DataFrame()
    rows, _ = publish_table(result.table, data.threshold)
    frame = pd.DataFrame(rows)
    frame = frame[frame["area"].isin(_areas(area))].reset_index(drop=True)
    frame["adherence"] = [
        _cell(data, "fp3.budget_adherence", "budget_line", line) for line in frame["budget_line"]
    ]
    frame["precision"] = [
        _cell(data, "fp3.budget_precision", "budget_line", line) for line in frame["budget_line"]
    ]
    # Areas in their order, lines in the order of budget_lines (the account plan).
    area_order = {a: i for i, a in enumerate(_areas(area))}
    line_order = {line: i for i, line in enumerate(_line_areas(data))}
    return frame.sort_values(
        ["area", "budget_line"],
        key=lambda s: s.map(area_order if s.name == "area" else line_order),
    ).reset_index(drop=True)


def _adherence_row(part: pd.DataFrame, adherence: Any, precision: Any) -> dict:
    return {
        "Opr. budget": fmt_1000_kr(part["original"].sum()),
        "Korr. budget": fmt_1000_kr(part["corrected"].sum()),
        "Regn\u00adskab": fmt_1000_kr(part["actual"].sum()),
        "Afvi\u00adgelse": fmt_1000_kr(part["deviation"].sum(), signed=True),
        "Budget\u00adafvigelse": fmt_change_pct(adherence),
    }


def _precision_row(part: pd.DataFrame, adherence: Any, precision: Any) -> dict:
    return {
        "Tillægs\u00adbevillinger": fmt_1000_kr(part["supplementary"].sum()),
        "Afvi\u00adgelse": fmt_1000_kr(part["deviation"].sum(), signed=True),
        "Budget\u00adpræcision": fmt_pct(precision),
    }


def _closed_year_rows(data: ReportData, area: str | None, row) -> list[dict]:
    """Rows per line, a total per area and (both areas) a grand total, each ``row(part,
    adherence, precision)`` with the published adherence and precision of the line/area."""
    frame = budget_adherence_frame(data, area)
    rows = []
    for area_key in _areas(area):
        part = frame[frame["area"] == area_key] if len(frame) else frame
        if part.empty:
            continue
        group = area_label(area_key)
        for line in part.itertuples():
            cells = row(part.loc[[line.Index]], line.adherence, line.precision)
            rows.append({"Område": group, "Budgetlinje": line.budget_line, **cells})
        cells = row(
            part,
            _cell(data, "fp3.budget_adherence", "area", area_key),
            _cell(data, "fp3.budget_precision", "area", area_key),
        )
        rows.append({"Område": group, "Budgetlinje": f"I alt, {group.lower()}", **cells})
    if area is None and len(frame):
        cells = row(
            frame,
            data.published["fp3.budget_adherence"].value,
            data.published["fp3.budget_precision"].value,
        )
        rows.append({"Område": "I alt", "Budgetlinje": "Socialområdet i alt", **cells})
    return rows


def _closed_year_table(
    data: ReportData,
    area: str | None,
    rows: list[dict],
    columns: list[str],
    table_id: str,
    title: str,
    explanation: str,
) -> GT:
    year = _closed_year(data)
    frame = pd.DataFrame(rows, columns=["Område", "Budgetlinje", *columns])
    if area is not None:
        frame = frame.drop(columns="Område")
    subtitle = (
        f"{area_label(area)}, regnskabsåret {year} (seneste afsluttede år). {explanation}"
        if len(frame)
        else f"Regnskabsåret {year} findes ikke i data."
    )
    return gt_table(
        frame,
        f"{table_id}-{area or 'all'}",
        data,
        title=f"{title} {year}",
        subtitle=subtitle,
        right=columns,
        sources=["Kilde: Kommunens budget og regnskab (økonomisystemet)."],
        groupname_col="Område" if area is None else None,
    )


def table_budget_adherence(data: ReportData, area: str | None = None) -> GT:
    """The closed budget year by line: original and corrected budget, actual, deviation from
    the corrected budget (1.000 kr.) and budget adherence (actual against the original
    budget, in %), with a total per area (and for both areas)."""
    return _closed_year_table(
        data,
        area,
        _closed_year_rows(data, area, _adherence_row),
        [
            "Opr. budget",
            "Korr. budget",
            "Regn\u00adskab",
            "Afvi\u00adgelse",
            "Budget\u00adafvigelse",
        ],
        "budget-adherence",
        "Budgetoverholdelse",
        "Beløb i 1.000 kr. Afvigelse: regnskab minus korrigeret budget (positiv = "
        "merforbrug). Budgetafvigelse: regnskab mod oprindeligt budget i procent.",
    )


def table_budget_precision(data: ReportData, area: str | None = None) -> GT:
    """The closed budget year by line: supplementary appropriations, deviation from the
    corrected budget (1.000 kr.) and budget precision (the deviation in % of the corrected
    budget, without sign; for areas and in total the net deviation of the lines)."""
    return _closed_year_table(
        data,
        area,
        _closed_year_rows(data, area, _precision_row),
        ["Tillægs\u00adbevillinger", "Afvi\u00adgelse", "Budget\u00adpræcision"],
        "budget-precision",
        "Tillægsbevillinger og budgetpræcision",
        "Beløb i 1.000 kr. Budgetpræcision: afvigelsen fra det korrigerede budget i procent, "
        "uden fortegn; for området som helhed opvejer linjerne hinanden.",
    )


def text_frame(data: ReportData, area: str | None = None) -> str:
    """FP3 in Danish: the closed year's budget adherence and precision, supplementary
    appropriations, how much overspend was absorbed inside the frame, and the lines with
    the largest deviations; ends with questions."""
    frame = budget_adherence_frame(data, area)
    year = _closed_year(data)
    if frame.empty:
        return f"Regnskabsåret {year} findes ikke i data, så budgetoverholdelsen kan ikke vises."
    name = area_label(area).lower() if area else "det specialiserede socialområde"
    if area == "children":
        name = "det specialiserede børneområde"
    adherence = (
        data.published["fp3.budget_adherence"].value
        if area is None
        else _cell(data, "fp3.budget_adherence", "area", area)
    )
    precision = (
        data.published["fp3.budget_precision"].value
        if area is None
        else _cell(data, "fp3.budget_precision", "area", area)
    )
    actual, original = frame["actual"].sum(), frame["original"].sum()
    sentences = [
        f"I regnskabsåret {year} brugte {name} {fmt_kr(actual)} mod et oprindeligt budget på "
        f"{fmt_kr(original)}: {_over_under(actual - original)} på "
        f"{fmt_kr(abs(actual - original))} ({fmt_change_pct(adherence)})."
    ]
    sentences.append(
        f"Budgetpræcisionen – afvigelsen fra det korrigerede budget – var {fmt_pct(precision)}; "
        f"VIVE opgør landsgennemsnittet for børneområdet i 2015 til et merforbrug på "
        f"{fmt_pct(VIVE_BUDGET_OVERSPEND, 0)} og en afvigelse på "
        f"{fmt_pct(VIVE_BUDGET_PRECISION)}."
    )
    supplementary = frame["supplementary"].sum()
    if round(supplementary) == 0:
        sentences.append("Der blev ikke givet tillægsbevillinger.")
    else:
        lines = frame.loc[frame["supplementary"].round() != 0, "budget_line"]
        sentences.append(
            f"Der blev givet tillægsbevillinger på {fmt_kr(supplementary)} "
            f"({join_da(lines)}); målet i håndfast rammestyring er ingen tillægsbevillinger."
        )
    offset = (
        data.published["fp3.offset_within_frame_share"].value
        if area is None
        else _cell(data, "fp3.offset_within_frame_share", "area", area)
    )
    if is_number(offset):
        sentences.append(
            f"{fmt_pct(offset)} af merforbruget på de enkelte linjer blev opvejet af "
            "mindreforbrug på andre linjer inden for rammen."
        )
    over = frame[frame["deviation"] > 0].sort_values("deviation", ascending=False)
    if not over.empty:
        top = over.iloc[0]
        sentences.append(
            f"Det største merforbrug i forhold til det korrigerede budget var på "
            f"{top['budget_line']} ({_signed_kr(top['deviation'])})."
        )
    sentences.append(
        "Spørgsmål til drøftelse: Var merforbruget kendt i løbet af året, og hvilke "
        "genopretningstiltag blev sat i gang?"
    )
    return _join(sentences)


# ---- FP4: volume and price -------------------------------------------------------------------
def _fp4_lines(data: ReportData, area: str | None) -> list[str]:
    cells = (data.published["fp4.volume_budget"].breakdown or {}).get("budget_line", {})
    return _in_area(data, list(cells), area)


def table_assumptions(data: ReportData, area: str | None = None) -> GT:
    """Budget assumptions against actual per line: full-year persons (Qb, Qa) and average
    cost per full-year person (Pb, Pa), in the period's year (part-years annualised)."""
    rows = []
    for line in _fp4_lines(data, area):
        qb = _cell(data, "fp4.volume_budget", "budget_line", line)
        qa = _cell(data, "fp4.volume_actual", "budget_line", line)
        pb = _cell(data, "fp4.avg_cost_budget", "budget_line", line)
        pa = _cell(data, "fp4.avg_cost_actual", "budget_line", line)
        rows.append(
            {
                "Budgetlinje": line,
                "Antal, budget": fmt_number(qb, 1),
                "Antal, faktisk": fmt_number(qa, 1),
                "Pris, budget": fmt_kr(pb),
                "Pris, faktisk": fmt_kr(pa),
            }
        )
    frame = pd.DataFrame(rows)
    shown = [v for row in rows for v in row.values()]
    note = data.results["fp4.volume_actual"].note or ""
    return gt_table(
        frame,
        f"fp4-assumptions-{area or 'all'}",
        data,
        title="Budgetforudsætninger og faktisk aktivitet",
        subtitle=f"{area_label(area)}. {note} Antal: helårspersoner (budget Qb, faktisk Qa). "
        "Pris: gennemsnitlig udgift pr. helårsperson (budget Pb, faktisk Pa).",
        right=list(frame.columns[1:]) if len(frame) else [],
        sources=["Kilde: Budgettets forudsætninger, indsatser og regnskab."],
        discretion=any(v in ("–", data.small) for v in shown),
    )


def _effect_rows(data: ReportData, area: str | None) -> list[dict[str, Any]]:
    """Per line with effects: the publishable volume, price and interaction effects."""
    cells = (data.published["fp4.volume_effect"].breakdown or {}).get("budget_line", {})
    rows = []
    for line in _in_area(data, list(cells), area):
        volume = _cell(data, "fp4.volume_effect", "budget_line", line)
        price = _cell(data, "fp4.price_effect", "budget_line", line)
        interaction = _cell(data, "fp4.interaction_effect", "budget_line", line)
        parts = [volume, price, interaction]
        total = sum(parts) if all(is_number(v) for v in parts) else None
        rows.append(
            {
                "line": line,
                "volume": volume,
                "price": price,
                "interaction": interaction,
                "total": total,
            }
        )
    return rows


def _driver(row: dict[str, Any]) -> str | None:
    """``mængde`` or ``pris``: the larger of the volume and price effect."""
    if not (is_number(row["volume"]) and is_number(row["price"])):
        return None
    return "mængde" if abs(row["volume"]) >= abs(row["price"]) else "pris"


def table_effects(data: ReportData, area: str | None = None) -> GT:
    """The deviation Qa·Pa − Qb·Pb per line split into volume effect (Qa − Qb)·Pb, price
    effect (Pa − Pb)·Qb and interaction effect, and which of volume or price weighs most."""
    rows = []
    for row in _effect_rows(data, area):
        driver = _driver(row)
        rows.append(
            {
                "Budgetlinje": row["line"],
                "Mængde": fmt_1000_kr(row["volume"], signed=True),
                "Pris": fmt_1000_kr(row["price"], signed=True),
                "Samspil": fmt_1000_kr(row["interaction"], signed=True),
                "I alt": fmt_1000_kr(row["total"], signed=True),
                "Primært": driver.capitalize() if driver else "–",
            }
        )
    frame = pd.DataFrame(rows)
    hidden = any(v is None for r in _effect_rows(data, area) for v in (r["volume"], r["price"]))
    note = data.results["fp4.volume_effect"].note or ""
    return gt_table(
        frame,
        f"fp4-effects-{area or 'all'}",
        data,
        title="Afvigelse fra budgetforudsætningerne: mængde og pris",
        subtitle=(
            f"{area_label(area)}. {note} Beløb i 1.000 kr.; positiv = mere udgift end forudsat. "
            "Mængde = (Qa − Qb) × Pb; pris = (Pa − Pb) × Qb; samspil = (Qa − Qb) × (Pa − Pb). "
            "Primært: den største af mængde- og priseffekten."
        ),
        right=["Mængde", "Pris", "Samspil", "I alt"],
        sources=["Kilde: Budgettets forudsætninger, indsatser og regnskab."],
        discretion=hidden,
    )


def bridge_frame(data: ReportData, area: str | None = None) -> pd.DataFrame:
    """The steps of the bridge from budget (Σ Qb·Pb) through the volume, price and
    interaction effects to actual (Σ Qa·Pa), over the lines with activity in ``area``:
    ``trin``, ``beløb`` (the step), ``start``, ``slut`` (the running total), ``type``
    (``total``/``op``/``ned``). Empty when a needed value is hidden by discretion."""
    rows = _effect_rows(data, area)
    budget = 0.0
    for row in rows:
        qb = _cell(data, "fp4.volume_budget", "budget_line", row["line"])
        pb = _cell(data, "fp4.avg_cost_budget", "budget_line", row["line"])
        if not (is_number(qb) and is_number(pb)):
            return pd.DataFrame()
        budget += float(qb) * float(pb)
    effects = {}
    for key, name in (
        ("volume", "Mængdeeffekt"),
        ("price", "Priseffekt"),
        ("interaction", "Samspilseffekt"),
    ):
        values = [row[key] for row in rows]
        if not rows or has_hidden(values):
            return pd.DataFrame()
        effects[name] = float(sum(values))
    records = [
        {"trin": "Budget (Qb × Pb)", "beløb": budget, "start": 0.0, "slut": budget, "type": "total"}
    ]
    running = budget
    for name, value in effects.items():
        records.append(
            {
                "trin": name,
                "beløb": value,
                "start": running,
                "slut": running + value,
                "type": "op" if value >= 0 else "ned",
            }
        )
        running += value
    records.append(
        {
            "trin": "Faktisk (Qa × Pa)",
            "beløb": running,
            "start": 0.0,
            "slut": running,
            "type": "total",
        }
    )
    return pd.DataFrame(records)


def plot_bridge(data: ReportData, area: str | None = None) -> ggplot:
    """Waterfall from budget (Σ Qb·Pb) through the volume, price and interaction effects to
    actual (Σ Qa·Pa). The y axis does not start at 0 (the caption says so)."""
    frame = bridge_frame(data, area)
    note = data.results["fp4.volume_effect"].note or ""
    if frame.empty:
        return (
            ggplot()
            + annotate(
                "text",
                x=0,
                y=0,
                label="Broen kan ikke vises: en del af tallene er "
                "udeladt (diskretionering) eller mangler.",
                size=9,
                color=GREY,
            )
            + labs(title="Fra budget til faktisk udgift", x="", y="")
            + theme_house(figure_size=(6.5, 1.5))
        )
    frame = frame.assign(x=range(1, len(frame) + 1))
    low = float(frame[["start", "slut"]].where(frame["type"] != "total").min().min())
    low = min(low, float(frame.loc[frame["type"] == "total", "slut"].min()))
    high = float(frame[["start", "slut"]].max().max())
    pad = (high - low) * 0.35 or abs(high) * 0.05
    floor = low - pad
    frame["ymin"] = [
        floor if t == "total" else min(s, e)
        for t, s, e in zip(frame["type"], frame["start"], frame["slut"], strict=True)
    ]
    frame["ymax"] = [
        e if t == "total" else max(s, e)
        for t, s, e in zip(frame["type"], frame["start"], frame["slut"], strict=True)
    ]
    frame["tekst"] = [
        fmt_mio_kr(v, 1) if t == "total" else _signed_mio(v)
        for t, v in zip(frame["type"], frame["beløb"], strict=True)
    ]
    frame["ytekst"] = frame["ymax"] + (high - floor) * 0.02
    connectors = pd.DataFrame(
        {
            "x": frame["x"][:-1] + 0.35,
            "xend": frame["x"][1:].to_numpy() - 0.35,
            "y": frame["slut"][:-1].to_numpy(),
        }
    )
    colours = {"total": palette(data.primary, 1)[0], "op": INCREASE, "ned": DECREASE}
    return (
        ggplot(frame)
        + geom_rect(
            aes(xmin="x - 0.35", xmax="x + 0.35", ymin="ymin", ymax="ymax", fill="type"),
            show_legend=False,
        )
        + geom_segment(
            aes(x="x", xend="xend", y="y", yend="y"),
            data=connectors,
            color=GREY,
            linetype="dotted",
            size=0.4,
        )
        + geom_text(aes(x="x", y="ytekst", label="tekst"), va="bottom", size=7.5)
        + scale_fill_manual(values=colours, guide=None)
        + scale_x_continuous(breaks=list(frame["x"]), labels=list(frame["trin"]))
        + scale_y_continuous(
            labels=label_auto("mio_kr"), limits=(floor, high + (high - floor) * 0.1), expand=(0, 0)
        )
        + labs(
            title="Fra budget til faktisk udgift",
            subtitle=f"{area_label(area)}. {note}",
            x="",
            y="",
            caption="Y-aksen starter ikke ved 0. Rød: mere udgift end forudsat; "
            "grøn: mindre udgift end forudsat.",
        )
        + theme_house()
    )


def text_volume_price(data: ReportData, area: str | None = None) -> str:
    """FP4 in Danish: the total deviation from the budget assumptions split into volume and
    price, and the lines that drive it, each named as a volume or a price question."""
    rows = [r for r in _effect_rows(data, area) if is_number(r["total"])]
    frame = bridge_frame(data, area)
    sentences = []
    note = data.results["fp4.volume_effect"].note or ""
    if not frame.empty:
        budget, actual = frame["beløb"].iloc[0], frame["beløb"].iloc[-1]
        volume, price = frame["beløb"].iloc[1], frame["beløb"].iloc[2]
        sentences.append(
            f"Med budgettets forudsætninger om antal og gennemsnitspris svarer aktiviteten "
            f"({note.rstrip('.').lower()}) til {fmt_kr(actual)} mod forudsat {fmt_kr(budget)}; "
            f"mængden (antal helårspersoner) forklarer {_signed_kr(volume)} og prisen "
            f"(gennemsnitsudgiften) {_signed_kr(price)}."
        )
    drivers = sorted(rows, key=lambda r: abs(r["total"]), reverse=True)[:3]
    drivers = [r for r in drivers if round(r["total"]) != 0]
    if drivers:
        parts = []
        for r in drivers:
            driver = _driver(r)
            if driver == "mængde":
                what = "flere helårspersoner" if r["volume"] > 0 else "færre helårspersoner"
            else:
                what = "højere gennemsnitspris" if r["price"] > 0 else "lavere gennemsnitspris"
            kind = "et mængdespørgsmål" if driver == "mængde" else "et prisspørgsmål"
            parts.append(
                f"{r['line']} ({_signed_kr(r['total'])}, især {what} end forudsat – {kind})"
            )
        sentences.append(f"Afvigelsen drives især af {join_da(parts)}.")
    hidden = [r["line"] for r in _effect_rows(data, area) if not is_number(r["total"])]
    if hidden:
        sentences.append(
            f"For {join_da(hidden)} vises effekterne ikke, fordi de bygger på færre end "
            f"{data.threshold} personer."
        )
    sentences.append(
        "Spørgsmål til drøftelse: Ved mængdeafvigelser – hvorfor visiteres flere eller færre "
        "end forudsat? Ved prisafvigelser – er det taksterne eller sammensætningen af "
        "tilbud, der har ændret sig?"
    )
    return _join(sentences)


# ---- FP5: the year-end forecast ----------------------------------------------------------------
def forecast_frame(data: ReportData, area: str | None = None) -> pd.DataFrame:
    """Per social-area line at the period end: ``budget_line``, ``area``, ``corrected``
    (budget of the period's year, ``None`` if absent), ``actual_ytd``, ``committed``,
    ``forecast``, ``deviation`` (forecast − corrected budget)."""
    forecast = data.results["fp5.forecast"]
    versus = data.results["fp5.forecast_vs_budget"]
    if not forecast.table:
        return pd.DataFrame()
    budget = (versus.extra or {}).get("corrected_budget", {})
    records = []
    for row in forecast.table:
        line = row["budget_line"]
        records.append(
            {
                "budget_line": line,
                "area": row["area"],
                "corrected": budget.get(line),
                "actual_ytd": row["actual_ytd"],
                "committed": _cell(data, "fp5.committed_remaining", "budget_line", line),
                "forecast": _cell(data, "fp5.forecast", "budget_line", line),
                "deviation": _cell(data, "fp5.forecast_vs_budget", "budget_line", line),
            }
        )
    frame = pd.DataFrame(records)
    return frame[frame["area"].isin(_areas(area))].reset_index(drop=True)


def _forecast_row(name: str, part: pd.DataFrame) -> dict[str, str]:
    with_budget = part[part["corrected"].notna()]
    return {
        "Budgetlinje": name,
        "Budget": fmt_1000_kr(with_budget["corrected"].sum()) if len(with_budget) else "–",
        "Forbrug": fmt_1000_kr(part["actual_ytd"].sum()),
        "Disponeret": fmt_1000_kr(part["committed"].sum()),
        "Prognose": fmt_1000_kr(part["forecast"].sum()),
        "Afvi\u00adgelse": fmt_1000_kr(with_budget["deviation"].sum(), signed=True)
        if len(with_budget)
        else "–",
    }


def table_forecast(data: ReportData, area: str | None = None) -> GT:
    """Year-end forecast against the corrected budget per line at the period end: corrected
    budget, spend to date, committed for the rest of the year, forecast and expected
    deviation (positive = expected overspend), with totals per area."""
    frame = forecast_frame(data, area)
    year = data.period.end.year
    rows = []
    for area_key in _areas(area):
        part = frame[frame["area"] == area_key] if len(frame) else frame
        if part.empty:
            continue
        for _, line in part.iterrows():
            rows.append(
                {
                    "Område": area_label(area_key),
                    **_forecast_row(line["budget_line"], part.loc[[line.name]]),
                }
            )
        rows.append(
            {
                "Område": area_label(area_key),
                **_forecast_row(f"I alt, {area_label(area_key).lower()}", part),
            }
        )
    if area is None and len(frame):
        rows.append({"Område": "I alt", **_forecast_row("Socialområdet i alt", frame)})
    columns = [
        "Område",
        "Budgetlinje",
        "Budget",
        "Forbrug",
        "Disponeret",
        "Prognose",
        "Afvi\u00adgelse",
    ]
    table_frame = pd.DataFrame(rows, columns=columns)
    if area is not None:
        table_frame = table_frame.drop(columns="Område")
    note = data.results["fp5.forecast"].note or data.results["fp5.forecast"].reason or ""
    return gt_table(
        table_frame,
        f"forecast-{area or 'all'}",
        data,
        title=f"Regnskabsprognose {year} pr. {_cutoff_da(data)}",
        subtitle=(
            f"{area_label(area)}. Beløb i 1.000 kr. Budget: korrigeret budget {year}. Forbrug: "
            "forbrug til dato. Disponeret: de aktive indsatsers udgift resten af året. Prognose "
            "= forbrug + disponeret + forventede nye indsatser − forventede ophør + øvrige "
            "posteringer. Afvigelse = prognose − budget (positiv = forventet merforbrug)."
        ),
        right=columns[2:],
        sources=[f"Kilde: Indsatser (disponeringer) og regnskab. {note}".strip()],
        groupname_col="Område" if area is None else None,
    )


def forecast_by_month_frame(data: ReportData, area: str | None = None) -> pd.DataFrame:
    """The forecast at each month-end cut-off of the period's year up to the period end,
    against the corrected budget (over the lines with a budget): ``måned`` (``jan.``),
    ``periode`` (``2026-01``), ``prognose``, ``budget``, ``afvigelse``."""
    ids = ["fp5.forecast_vs_budget"]
    records = []
    for month in range(1, data.period.end.month + 1):
        period = Period(data.period.end.year, "month", month)
        result = data.at(period, ids=ids)["fp5.forecast_vs_budget"]
        extra = result.extra or {}
        budget = extra.get("corrected_budget") or {}
        forecast = extra.get("forecast") or {}
        lines = _in_area(data, list(budget), area)
        if result.value is None or not lines:
            continue
        deviation = published_at(data, period, ids)["fp5.forecast_vs_budget"]
        cells = (deviation.breakdown or {}).get("budget_line", {})
        records.append(
            {
                "måned": MONTH_ABBR_DA[month - 1],
                "periode": str(period),
                "prognose": float(sum(forecast[line] for line in lines)),
                "budget": float(sum(budget[line] for line in lines)),
                "afvigelse": float(sum(cells[line] for line in lines)),
            }
        )
    return pd.DataFrame(records, columns=["måned", "periode", "prognose", "budget", "afvigelse"])


def plot_forecast_by_month(data: ReportData, area: str | None = None) -> ggplot:
    """The year-end forecast at each month end of the period's year, against the corrected
    budget (dashed line)."""
    frame = forecast_by_month_frame(data, area)
    year = data.period.end.year
    months = [MONTH_ABBR_DA[m - 1] for m in range(1, data.period.end.month + 1)]
    if frame.empty:
        return (
            ggplot()
            + annotate(
                "text", x=0, y=0, label=f"Ingen prognose for {year} i data.", size=9, color=GREY
            )
            + labs(title=f"Regnskabsprognose {year} måned for måned", x="", y="")
            + theme_house(figure_size=(6.5, 1.5))
        )
    frame = frame.assign(
        måned=pd.Categorical(frame["måned"], categories=months, ordered=True),
        serie="Prognose for året",
        tekst=[fmt_number(v / 1e6, 1) for v in frame["prognose"]],
    )
    budget = float(frame["budget"].iloc[-1])
    low = min(frame["prognose"].min(), budget)
    high = max(frame["prognose"].max(), budget)
    span = max(high - low, abs(budget) * 0.02)
    colour = palette(data.primary, 1)[0]
    return (
        ggplot(frame, aes(x="måned", y="prognose", group="serie"))
        + geom_hline(yintercept=budget, linetype="dashed", color=GREY, size=0.6)
        + annotate(
            "text",
            x=0.6,
            y=budget + span * 0.04,
            label=f"Korrigeret budget: {fmt_mio_kr(budget, 1)}",
            ha="left",
            va="bottom",
            size=7.5,
            color=GREY,
        )
        + geom_line(color=colour, size=0.9)
        + geom_point(color=colour, size=2)
        + geom_text(aes(label="tekst"), va="bottom", nudge_y=span * 0.06, size=7, color="#222222")
        + scale_x_discrete(limits=months)
        + scale_y_continuous(
            labels=label_auto("mio_kr"), limits=(low - span * 0.3, high + span * 0.35)
        )
        + labs(
            title=f"Regnskabsprognose {year} måned for måned",
            subtitle=f"{area_label(area)}: prognosen for hele året ved hvert månedsskifte",
            x="",
            y="",
            caption="Beløb i mio. kr. Y-aksen starter ikke ved 0. Stiplet linje: korrigeret budget "
            f"{year} som ved periodens slutning.",
        )
        + theme_house()
    )


def plot_backtest(data: ReportData) -> ggplot:
    """Backtest of the forecast in the latest closed year: the error of the total forecast
    at each month-end cut-off against the year's actual spend, with "budget as forecast"
    as a dashed line."""
    result = data.results["fp5.backtest_error"]
    months = (data.published["fp5.backtest_error"].breakdown or {}).get("month", {})
    year = (result.extra or {}).get("year", _closed_year(data))
    if not months:
        return (
            ggplot()
            + annotate(
                "text",
                x=0,
                y=0,
                label=f"Intet afsluttet år at efterprøve ({year}).",
                size=9,
                color=GREY,
            )
            + labs(title="Prognosens træfsikkerhed", x="", y="")
            + theme_house(figure_size=(6.5, 1.5))
        )
    extra = result.extra or {}
    labels = [MONTH_ABBR_DA[int(m) - 1] for m in months]
    net_name, gross_name = "Samlet beløb", "Linje for linje"
    gross = extra.get("gross_error") or {}
    records = [
        {"måned": label, "fejl": float(value), "serie": net_name}
        for label, value in zip(labels, months.values(), strict=True)
        if is_number(value)
    ]
    records += [
        {"måned": MONTH_ABBR_DA[int(m) - 1], "fejl": float(v), "serie": gross_name}
        for m, v in gross.items()
        if is_number(v)
    ]
    frame = pd.DataFrame(records)
    names = [n for n in (net_name, gross_name) if n in set(frame["serie"])]
    frame["måned"] = pd.Categorical(frame["måned"], categories=labels, ordered=True)
    frame["serie"] = pd.Categorical(frame["serie"], categories=names, ordered=True)
    colours = dict(zip((net_name, gross_name), palette(data.primary, 2), strict=True))
    references = [
        (extra.get("budget_error"), net_name, "Budget, samlet"),
        (extra.get("budget_gross_error"), gross_name, "Budget, linje for linje"),
    ]
    references = [(v, s, t) for v, s, t in references if is_number(v) and s in names]
    values = [*frame["fejl"], *(v for v, _, _ in references), 0.0]
    low, high = min(values), max(values)
    span = max(high - low, 0.01)
    plot = ggplot(frame, aes(x="måned", y="fejl", color="serie", group="serie")) + geom_hline(
        yintercept=0, color="#222222", size=0.4
    )
    for value, series, text in references:
        plot += geom_hline(yintercept=value, linetype="dashed", color=colours[series], size=0.6)
        plot += annotate(
            "text",
            x=len(labels) + 0.4,
            y=value,
            label=f"{text}: {fmt_change_pct(value) if series == net_name else fmt_pct(value)}",
            ha="right",
            va="bottom",
            size=7,
            color=colours[series],
        )
    caption = (
        "Samlet beløb: prognosens afvigelse fra regnskabet for alle linjer tilsammen,\n"
        "i procent af regnskabet (positiv = prognosen var for høj). Linje for linje:\n"
        "afvigelserne på de enkelte linjer uden fortegn, lagt sammen. Stiplede linjer:\n"
        "det korrigerede budget brugt som prognose."
    )
    return (
        plot
        + geom_line(size=0.9)
        + geom_point(size=1.8)
        + scale_x_discrete(limits=labels)
        + scale_y_continuous(
            labels=label_auto("pct"), limits=(min(low, 0) - span * 0.1, high + span * 0.15)
        )
        + scale_color_manual(values=colours, breaks=names)
        + labs(
            title=f"Prognosens træfsikkerhed i {year}",
            subtitle="Socialområdet i alt (børn og voksne): prognosen ved hvert månedsskifte",
            x="",
            y="Prognosefejl",
            caption=caption,
        )
        + theme_house(figure_size=(6.5, 3.6))
    )


def text_forecast(data: ReportData, area: str | None = None) -> str:
    """FP5 in Danish: the forecast for the year at the period end against the corrected
    budget, how it moved during the year, the lines with the largest expected deviations and
    the backtest of the last closed year."""
    frame = forecast_frame(data, area)
    year = data.period.end.year
    if frame.empty:
        return f"Der kan ikke beregnes en prognose for {year} med de foreliggende data."
    with_budget = frame[frame["corrected"].notna()]
    forecast, budget = with_budget["forecast"].sum(), with_budget["corrected"].sum()
    deviation = with_budget["deviation"].sum()
    sentences = [
        f"Prognosen pr. {_cutoff_da(data)} viser et forventet forbrug i {year} på "
        f"{fmt_kr(forecast)} mod et korrigeret budget på {fmt_kr(budget)}: "
        f"{_over_under(deviation).replace('et ', 'et forventet ', 1)} på "
        f"{fmt_kr(abs(deviation))}."
    ]
    months = forecast_by_month_frame(data, area)
    if len(months) > 1:
        first = months.iloc[0]
        sentences.append(
            f"Ved udgangen af {MONTHS_DA[int(first['periode'][-2:]) - 1]} var den forventede "
            f"afvigelse {_signed_kr(first['afvigelse'])}."
        )
    over = with_budget.sort_values("deviation", ascending=False)
    if len(over) and over["deviation"].iloc[0] > 0:
        top = over.iloc[0]
        sentences.append(
            f"Den største forventede overskridelse er på {top['budget_line']} "
            f"({_signed_kr(top['deviation'])})."
        )
    backtest = data.results["fp5.backtest_error"]
    if is_number(data.published["fp5.backtest_error"].value):
        extra = backtest.extra or {}
        text = (
            f"Efterprøvet på regnskabsåret {extra.get('year')} lå prognosen for hele "
            f"socialområdet i gennemsnit {fmt_pct(backtest.value)} fra årets regnskab"
        )
        if is_number(extra.get("budget_error")):
            text += (
                f", mens budgettet brugt som prognose afveg {fmt_change_pct(extra['budget_error'])}"
            )
        better, n = (
            extra.get("months_better_than_budget"),
            len((data.published["fp5.backtest_error"].breakdown or {}).get("month", {})),
        )
        if is_number(better) and n:
            text += f"; prognosen var tættere på end budgettet i {better} af {n} måneder"
        sentences.append(text + ".")
    sentences.append(
        "Spørgsmål til drøftelse: Hvilke forudsætninger om tilgang og afgang bærer prognosen, "
        "og hvad kan bringe den forventede afvigelse ned inden årets udgang?"
    )
    return _join(sentences)


def text_budget(data: ReportData, area: str | None = None) -> str:
    """The economy in a few Danish sentences for the committee: the closed year's budget
    adherence and the current year's forecast against the corrected budget."""
    frame = budget_adherence_frame(data, area)
    parts = []
    year = _closed_year(data)
    name = (
        "det specialiserede børneområde"
        if area == "children"
        else ("voksenområdet" if area == "adults" else "det specialiserede socialområde")
    )
    if not frame.empty:
        actual, original = frame["actual"].sum(), frame["original"].sum()
        adherence = (
            data.published["fp3.budget_adherence"].value
            if area is None
            else _cell(data, "fp3.budget_adherence", "area", area)
        )
        supplementary = frame["supplementary"].sum()
        text = (
            f"I regnskabsåret {year} havde {name} {_over_under(actual - original)} på "
            f"{fmt_kr(abs(actual - original))} ({fmt_change_pct(adherence)}) i forhold til det "
            f"oprindelige budget"
        )
        text += (
            f", og der blev givet tillægsbevillinger på {fmt_kr(supplementary)}."
            if round(supplementary)
            else ", uden tillægsbevillinger."
        )
        parts.append(text)
    forecast = forecast_frame(data, area)
    if len(forecast):
        with_budget = forecast[forecast["corrected"].notna()]
        deviation = with_budget["deviation"].sum()
        parts.append(
            f"Prognosen pr. {_cutoff_da(data)} peger på {_over_under(deviation)} i "
            f"{data.period.end.year} på {fmt_kr(abs(deviation))} i forhold til det korrigerede "
            f"budget på {fmt_kr(with_budget['corrected'].sum())}."
        )
        over = with_budget.sort_values("deviation", ascending=False)
        under = with_budget.sort_values("deviation")
        lines = []
        if over["deviation"].iloc[0] > 0:
            lines.append(
                f"størst forventet merforbrug på {over['budget_line'].iloc[0]} "
                f"({_signed_kr(over['deviation'].iloc[0])})"
            )
        if under["deviation"].iloc[0] < 0:
            lines.append(
                f"størst forventet mindreforbrug på {under['budget_line'].iloc[0]} "
                f"({_signed_kr(under['deviation'].iloc[0])})"
            )
        if lines:
            parts.append(f"Der er {join_da(lines)}.")
    if not parts:
        return "Der er ingen budget- eller regnskabstal for perioden."
    parts.append(
        "Spørgsmål til drøftelse: Skal et forventet merforbrug dækkes inden for rammen, og "
        "hvilke budgetlinjer kan bidrage?"
    )
    return _join(parts)
