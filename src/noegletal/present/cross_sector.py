"""Cross-sector solutions (seed ``003_…``, VIVE: *Økonomistyring af tværgående løsninger*):
the solutions, the baseline (økonomigrundlag), the follow-up after enrolment, the change by
sector area, Albertslund's retrospective reallocation and the job/education outcome.

Tables (``table_*``), charts (``plot_*``) and Danish text (``text_*``) from the ``xs.*``
results (``src/noegletal/indicators/cross_sector.py``, ``docs/cross-sector.md``). Only
publishable values are shown: ``data.published`` for breakdowns, ``publish_table`` for table
rows, with the enrolled unit (a family or a person enrolment, *forløb*) as the basis.

Solutions are small (a dozen young people, single enrolments), so this module adds three
guards on top of the published values, each against recovering the spend of fewer than
``threshold`` units by subtracting two shown figures:

* **Solutions** (:func:`hidden_solutions`): a solution of fewer than ``threshold`` units is
  hidden, and while the hidden solutions together have fewer than ``threshold`` units the
  next-smallest solution is hidden too, because the all-solutions figure by sector area is
  shown (total − shown solutions = hidden solutions).
* **Newly enrolled** (:func:`baseline_hidden`): the baseline of *all* enrolments and the
  baseline of the *compared* enrolments (those with a full year) differ by the enrolments of
  the last 12 months; when there are 1–4 of them, the all-enrolments baseline is not shown.
* **Latest year** (:func:`hidden_windows`): the latest full year of each compared enrolment,
  minus follow-up year *K* (the last year any enrolment has reached), is the spend of the
  enrolments with fewer than *K* full years; when there are 1–4 of them, year *K* is not
  shown.

``data.published`` suppresses within each solution's sector map, but not yet across the
solutions against the all-solutions ``sector`` breakdown (2023: «Familie i Fokus» shown next
to the totals gives «Unge på vej», 4 enrolments, by subtraction) — hence the first guard.
The comparison (change, reallocation) is shown for all solutions together only.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
from great_tables import GT
from plotnine import (
    aes,
    annotate,
    coord_flip,
    element_blank,
    geom_col,
    geom_hline,
    geom_rect,
    geom_text,
    ggplot,
    labs,
    position_dodge,
    scale_fill_manual,
    scale_x_continuous,
    scale_x_discrete,
    scale_y_continuous,
    theme,
)

from noegletal.discretion import discretion_note, publish_table
from noegletal.present.formats import (
    DASH,
    fmt_change_pct,
    fmt_date,
    fmt_kr,
    fmt_mio_kr,
    fmt_number,
    fmt_pct,
)
from noegletal.present.report import ReportData
from noegletal.present.theme import (
    house_table,
    label_kr,
    label_mio_kr,
    label_pct,
    palette,
    theme_house,
    tints,
)

__all__ = [
    "SECTOR_LABELS",
    "TARGET_JOB_EDUCATION",
    "baseline_hidden",
    "hidden_solutions",
    "hidden_windows",
    "plot_baseline",
    "plot_change",
    "plot_followup",
    "plot_followup_years",
    "plot_outcomes",
    "sector_label",
    "table_baseline",
    "table_change",
    "table_followup_years",
    "table_outcomes",
    "table_reallocation",
    "table_solutions",
    "text_baseline",
    "text_change",
    "text_followup",
    "text_method",
    "text_outcomes",
    "text_questions",
    "text_reallocation",
    "text_solutions",
    "text_summary",
]

BASELINE = "xs.baseline"
FOLLOWUP = "xs.followup"
CHANGE = "xs.change_by_sector"
REALLOCATION = "xs.budget_reallocation"
OUTCOME = "xs.outcome_job_education_share"

#: Seed slide 26 (Furesø Kommune): "fx 15 % af borgerne i job eller uddannelse på årsbasis".
TARGET_JOB_EDUCATION = 0.15

SECTOR_LABELS = {
    "children": "Børn og unge",
    "adults": "Voksne",
    "employment": "Beskæftigelse",
    "other": "Øvrige områder",
}
SECTOR_TEXT = {
    "children": "børne- og ungeområdet",
    "adults": "voksenområdet",
    "employment": "beskæftigelsesområdet",
    "other": "øvrige områder",
}
SOURCE = (
    "Kilde: kommunens økonomisystem (udgifter bogført med CPR-nummer) og registreringen af "
    "indskrivninger i de tværgående løsninger."
)
SOURCE_OUTCOMES = "Kilde: registrering af borgernes job- og uddannelsesstatus (seneste 12 måneder)."
BEFORE = "12 mdr. før indskrivning"
LATEST = "Seneste hele år efter"


# ---- small helpers ---------------------------------------------------------------------------
def sector_label(sector: str) -> str:
    """Danish name of a sector area (``children`` → ``Børn og unge``; free text as given).

    >>> sector_label("employment"), sector_label("sygedagpenge")
    ('Beskæftigelse', 'Sygedagpenge')
    """
    return SECTOR_LABELS.get(sector, sector[:1].upper() + sector[1:])


def _sector_text(sector: str) -> str:
    return SECTOR_TEXT.get(sector, sector)


def _num(value: Any) -> bool:
    """A shown number (not ``None``/NaN, not a small-count label).

    >>> _num(0), _num(12.5), _num(None), _num("<5"), _num(float("nan"))
    (True, True, False, False, False)
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    return not math.isnan(value)


def _units_text(value: Any) -> str:
    """``60 forløb`` / ``færre end 5 forløb``."""
    if isinstance(value, str) and value.startswith("<"):
        return f"færre end {value[1:]} forløb"
    return f"{fmt_number(value)} forløb"


def _sectors(data: ReportData) -> list[str]:
    """Sector areas in display order (as the indicators list them)."""
    breakdown = data.results[BASELINE].breakdown or {}
    return list(breakdown.get("sector", {}))


def _rows(data: ReportData, indicator_id: str, **match: str) -> list[dict]:
    return [
        row
        for row in (data.results[indicator_id].table or [])
        if all(row.get(k) == v for k, v in match.items())
    ]


def _total_row(data: ReportData, indicator_id: str, window: str) -> dict | None:
    rows = _rows(data, indicator_id, window=window, solution="total", sector="total")
    return rows[0] if rows else None


def _reason_da(data: ReportData, indicator_id: str) -> str:
    """A Danish sentence for a result that could not be computed."""
    reason = data.results[indicator_id].reason or ""
    if "full 12-month follow-up year" in reason:
        return (
            "Ingen af forløbene har endnu været indskrevet i et helt år, så der er endnu "
            "ikke noget at sammenligne med økonomigrundlaget."
        )
    if "no cross-sector enrolment" in reason:
        return f"Der er ingen indskrivninger i tværgående løsninger til og med {_end(data)}."
    if "outcomes" in reason:
        return "Data om borgernes job- og uddannelsesstatus er ikke leveret."
    return "Tallet kan ikke opgøres for perioden (de nødvendige data mangler)."


def _end(data: ReportData) -> str:
    """The period's last day in Danish: ``30. juni 2026``."""
    return fmt_date(data.period.end)


def _end_sentence(text: str) -> str:
    """Close a sentence with one full stop (``… 12 kr.`` already ends with one).

    >>> _end_sentence("i alt 12 kr."), _end_sentence("i alt 12 %")
    ('i alt 12 kr.', 'i alt 12 %.')
    """
    return text if text.endswith(".") else text + "."


def _pct_target(target: float) -> str:
    """The target as ``15 %`` (one decimal only when needed: ``12,5 %``)."""
    whole = abs(target * 100 - round(target * 100)) < 1e-9
    return fmt_pct(target, 0 if whole else 1)


def _note(table: GT, *notes: str) -> GT:
    for note in notes:
        table = table.tab_source_note(note)
    return table


def _shows_hidden(cells: list[str], threshold: int) -> bool:
    """True when a formatted cell is a small-count label (``<5``) or a dash."""
    return any(c == DASH or c == f"<{threshold}" for c in cells)


def _empty_table(data: ReportData, table_id: str, column: str, indicator_id: str) -> GT:
    """A one-cell table saying that there is nothing to show (the text says why)."""
    reason = data.results[indicator_id].reason or ""
    message = (
        "Ingen forløb har endnu et helt år efter indskrivning."
        if "full 12-month follow-up year" in reason
        else "Ingen tal for perioden."
    )
    return house_table(pd.DataFrame([{column: message}]), table_id, primary=data.primary)


def _empty_plot(message: str) -> ggplot:
    """A chart that says why there is nothing to show."""
    return (
        ggplot()
        + annotate("text", x=0, y=0, label=message, size=9, color="#5F6B76")
        + labs(x="", y="")
        + theme_house(figure_size=(6.5, 1.4))
        + theme(axis_text=element_blank(), panel_grid_major=element_blank())
    )


# ---- discretion guards -----------------------------------------------------------------------
def hidden_solutions(units: Mapping[str, int], threshold: int = 5) -> set[str]:
    """Solutions whose amounts are not shown next to the all-solutions figure.

    Primary: fewer than ``threshold`` enrolled units. Secondary: while the hidden solutions
    together have fewer than ``threshold`` units (their sum is total − shown), hide the
    smallest shown solution too.

    >>> sorted(hidden_solutions({"A": 40, "B": 4}))
    ['A', 'B']
    >>> sorted(hidden_solutions({"A": 40, "B": 4, "C": 3}))
    ['B', 'C']
    >>> hidden_solutions({"A": 40, "B": 12})
    set()
    """
    hidden = {k for k, n in units.items() if 0 < n < threshold}
    while hidden and sum(units[k] for k in hidden) < threshold:
        shown = sorted((n, k) for k, n in units.items() if k not in hidden)
        if not shown:
            break
        hidden.add(shown[0][1])
    return hidden


def _gap(data: ReportData) -> int:
    """Enrolments of the period without a full follow-up year (0 when unknown)."""
    extra = data.results[FOLLOWUP].extra
    if "enrolments" not in extra:
        return 0
    return int(extra["enrolments"]) - int(extra["enrolments_with_full_year"])


def baseline_hidden(data: ReportData) -> bool:
    """True when 1 … threshold−1 enrolments have no full year yet: the all-enrolments
    baseline minus the compared baseline would then show their spend, so the former is not
    shown (the comparison is kept)."""
    compared = data.results[FOLLOWUP].extra.get("enrolments_with_full_year", 0)
    return bool(compared) and 0 < _gap(data) < data.threshold


def _window_units(data: ReportData) -> dict[str, int]:
    rows = _rows(data, FOLLOWUP, solution="total", sector="total")
    return {r["window"]: int(r["units"]) for r in rows if r["window"] not in ("ytd", "latest")}


def hidden_windows(data: ReportData) -> set[str]:
    """Follow-up years not shown: fewer than ``threshold`` units, and the last year *K*
    when 1 … threshold−1 compared enrolments have fewer than *K* full years (the latest-year
    follow-up minus year *K* would be their spend)."""
    units = _window_units(data)
    hidden = {w for w, n in units.items() if n < data.threshold}
    if len(units) >= 2:
        last = max(units, key=int)
        if 0 < units["1"] - units[last] < data.threshold:
            hidden.add(last)
    return hidden


# ---- the solutions ---------------------------------------------------------------------------
def _solution_units(data: ReportData) -> dict[str, int]:
    rows = _rows(data, BASELINE, window="baseline", sector="total")
    return {r["solution"]: int(r["units"]) for r in rows if r["solution"] != "total"}


def _longest(data: ReportData) -> dict[str, int]:
    """Per solution: full follow-up years of its longest-running enrolment."""
    longest: dict[str, int] = {}
    for row in _rows(data, FOLLOWUP, sector="total"):
        if row["window"].isdigit() and row["units"] > 0:
            longest[row["solution"]] = max(longest.get(row["solution"], 0), int(row["window"]))
    return longest


def _years_text(years: int) -> str:
    if years == 0:
        return "under 1 år"
    return "1 helt år" if years == 1 else f"{years} hele år"


def solutions_frame(data: ReportData) -> pd.DataFrame:
    """Publishable rows of the solutions table: units, persons, longest follow-up."""
    rows = _rows(data, BASELINE, window="baseline", sector="total")
    body = [r for r in rows if r["solution"] != "total"]
    total = next((r for r in rows if r["solution"] == "total"), None)
    if total is None:
        return pd.DataFrame(columns=["Løsning", "units", "persons", "longest"])
    shown, shown_total = publish_table(
        body, data.threshold, counts=("units", "persons"), total=dict(total)
    )
    longest = _longest(data)
    records = []
    for row, exact in zip(shown, body, strict=True):
        small = exact["units"] < data.threshold
        records.append(
            {
                "Løsning": row["solution"],
                "units": fmt_number(row["units"]),
                "persons": fmt_number(row["persons"]),
                "longest": DASH if small else _years_text(longest.get(row["solution"], 0)),
            }
        )
    assert shown_total is not None
    records.append(
        {
            "Løsning": "I alt",
            "units": fmt_number(shown_total["units"]),
            "persons": fmt_number(shown_total["persons"]),
            "longest": _years_text(max(longest.values(), default=0)),
        }
    )
    return pd.DataFrame(records)


def table_solutions(data: ReportData) -> GT:
    """The solutions: enrolled units (families or persons), persons, longest follow-up."""
    frame = solutions_frame(data)
    table = house_table(
        frame,
        "xs-loesninger",
        title="De tværgående løsninger",
        subtitle=f"Indskrivninger til og med {_end(data)}",
        labels=dict(
            units="Indskrevne forløb",
            persons="Personer i forløbene",
            longest="Længste opfølgning",
        ),
        right=["units", "persons", "longest"],
        bold_last=1,
        primary=data.primary,
    )
    notes = [
        "Et forløb er en indskrevet familie eller enkeltperson. Forløb, der er afsluttet, "
        "følges fortsat.",
        SOURCE,
    ]
    if _shows_hidden(
        frame[["units", "persons", "longest"]].to_numpy().ravel().tolist(), data.threshold
    ):
        notes.append(discretion_note(data.threshold))
    return _note(table, *notes)


def text_solutions(data: ReportData) -> str:
    """Danish introduction to the solutions: how many units and persons, since when."""
    result = data.results[BASELINE]
    if result.value is None:
        return _reason_da(data, BASELINE)
    units = _solution_units(data)
    frame = solutions_frame(data)
    names = [n for n in units]
    name_text = (
        names[0]
        if len(names) == 1
        else ", ".join(f"«{n}»" for n in names[:-1]) + f" og «{names[-1]}»"
    )
    total = frame.iloc[-1]
    text = (
        f"Kommunen har {fmt_number(len(names))} "
        f"{'tværgående løsning' if len(names) == 1 else 'tværgående løsninger'}: "
        f"{name_text}. Til og med {_end(data)} er der indskrevet {total['units']} forløb "
        f"med i alt {total['persons']} personer. Et forløb er en familie eller en enkeltperson; "
        "alle personer i en indskrevet familie følges på CPR-niveau. "
        f"Det længst kørende forløb er nu fulgt i {total['longest']} efter indskrivningen."
    )
    small = [n for n, k in units.items() if k < data.threshold]
    if small:
        text += (
            f" {'Løsningen' if len(small) == 1 else 'Løsningerne'} "
            + " og ".join(f"«{n}»" for n in small)
            + f" har færre end {data.threshold} forløb; udgifterne vises derfor ikke for "
            "løsningen alene."
        )
    return text


# ---- the baseline ----------------------------------------------------------------------------
def _baseline_cells(data: ReportData) -> tuple[dict[str, dict[str, Any]], dict[str, Any], Any]:
    """Publishable baseline: ``{solution: {sector: kr}}``, ``{sector: kr}`` and the total."""
    published = data.published[BASELINE]
    sectors = _sectors(data)
    units = _solution_units(data)
    if published.breakdown is None or baseline_hidden(data):
        return {s: dict.fromkeys(sectors) for s in units}, dict.fromkeys(sectors), None
    hidden = hidden_solutions(units, data.threshold)
    solutions = {
        sol: (dict.fromkeys(sectors) if sol in hidden else dict(inner["sector"]))
        for sol, inner in published.breakdown["solution"].items()
    }
    by_sector = dict(published.breakdown["sector"])
    total = published.value
    if total is None and all(_num(v) for v in by_sector.values()):
        # Hidden only because of a solution hidden above; the sectors are shown anyway.
        total = sum(by_sector.values())
    return solutions, by_sector, total


def _baseline_per_unit(data: ReportData) -> dict[str, Any]:
    """Baseline per enrolled unit for each solution and ``total`` (publishable)."""
    rows = _rows(data, BASELINE, window="baseline", sector="total")
    shown, _ = publish_table(rows, data.threshold, basis={"kr_per_unit": "units"})
    hidden = hidden_solutions(_solution_units(data), data.threshold)
    out = {r["solution"]: r["kr_per_unit"] for r in shown}
    if baseline_hidden(data):
        return dict.fromkeys(out)
    return {k: (None if k in hidden else v) for k, v in out.items()}


def table_baseline(data: ReportData) -> GT:
    """The baseline (12 months before enrolment) by sector area and solution, with the total
    and the amount per enrolled unit."""
    solutions, by_sector, total = _baseline_cells(data)
    per_unit = _baseline_per_unit(data)
    names = list(solutions)
    keys = {name: f"s{i}" for i, name in enumerate(names)}
    records = []
    for sector in _sectors(data):
        row = {"Sektorområde": sector_label(sector)}
        for name in names:
            row[keys[name]] = fmt_kr(solutions[name][sector])
        row["total"] = fmt_kr(by_sector[sector])
        records.append(row)
    total_row = {"Sektorområde": "I alt"}
    for name in names:
        cells = solutions[name].values()
        total_row[keys[name]] = fmt_kr(sum(cells) if all(_num(v) for v in cells) else None)
    total_row["total"] = fmt_kr(total)
    unit_row = {"Sektorområde": "Pr. forløb"}
    for name in names:
        unit_row[keys[name]] = fmt_kr(per_unit.get(name))
    unit_row["total"] = fmt_kr(per_unit.get("total"))
    records += [total_row, unit_row]
    frame = pd.DataFrame(records)
    columns = [*keys.values(), "total"]
    table = house_table(
        frame,
        "xs-grundlag",
        title="Økonomigrundlag: udgifter i de 12 måneder før indskrivning",
        subtitle="Alle indskrevne forløb, fordelt på sektorområde og løsning",
        labels=dict(**{keys[n]: n for n in names}, total="I alt"),
        right=columns,
        bold_last=2,
        primary=data.primary,
    )
    notes = [SOURCE]
    if baseline_hidden(data):
        notes.insert(
            0,
            f"Beløbene vises ikke: færre end {data.threshold} forløb er indskrevet inden for "
            "det seneste år, og deres udgifter kunne ellers udledes af sammenligningen "
            "nedenfor.",
        )
    if _shows_hidden(frame[columns].to_numpy().ravel().tolist(), data.threshold):
        notes.append(discretion_note(data.threshold))
    return _note(table, *notes)


def plot_baseline(data: ReportData) -> ggplot:
    """Horizontal bars: the baseline by sector area (mio. kr.), split by solution where every
    solution can be shown."""
    solutions, by_sector, _ = _baseline_cells(data)
    sectors = _sectors(data)
    if not sectors or not any(_num(v) for v in by_sector.values()):
        return _empty_plot("Økonomigrundlaget kan ikke vises for perioden.")
    split = all(_num(v) for inner in solutions.values() for v in inner.values())
    records = []
    if split:
        for name, inner in solutions.items():
            for sector in sectors:
                records.append({"sector": sector_label(sector), "group": name, "kr": inner[sector]})
    else:
        for sector in sectors:
            if _num(by_sector[sector]):
                records.append(
                    {"sector": sector_label(sector), "group": "I alt", "kr": by_sector[sector]}
                )
    frame = pd.DataFrame(records)
    order = [sector_label(s) for s in sectors][::-1]
    frame["sector"] = pd.Categorical(frame["sector"], categories=order)
    groups = list(dict.fromkeys(frame["group"]))
    frame["group"] = pd.Categorical(frame["group"], categories=groups[::-1])
    caption = (
        "" if split else "Fordelingen på løsninger vises ikke, fordi en løsning har for få forløb."
    )
    colours = dict(zip(groups, palette(data.primary, len(groups)), strict=True))
    return (
        ggplot(frame, aes("sector", "kr", fill="group"))
        + geom_col(width=0.65)
        + coord_flip()
        + scale_fill_manual(values=colours, breaks=groups)
        + scale_y_continuous(labels=label_mio_kr(), expand=(0, 0, 0.05, 0))
        + labs(x="", y="Udgifter i de 12 måneder før indskrivning", caption=caption)
        + theme_house(figure_size=(6.5, 2.8))
        + theme(legend_position="bottom" if split else "none")
    )


def text_baseline(data: ReportData) -> str:
    """Danish sentences on the baseline: total, per unit, the largest sector areas."""
    result = data.results[BASELINE]
    if result.value is None:
        return _reason_da(data, BASELINE)
    _, by_sector, total = _baseline_cells(data)
    per_unit = _baseline_per_unit(data).get("total")
    lead = (
        "Økonomigrundlaget (nulpunktsmålingen) er de indskrevne borgeres samlede udgifter på "
        "tværs af sektorområder i de 12 måneder før indskrivningen, opgjort for hvert forløb "
        "ud fra dets egen indskrivningsdato."
    )
    if not _num(total):
        if baseline_hidden(data):
            return (
                lead + f" Beløbene for alle forløb vises ikke i denne periode: færre end "
                f"{data.threshold} forløb er indskrevet inden for det seneste år, og deres "
                "udgifter kunne ellers udledes af sammenligningen i næste afsnit."
            )
        return lead + " Beløbene kan ikke vises for perioden, fordi de bygger på for få forløb."
    count = result.extra.get("units")
    text = [
        lead,
        f"For de {fmt_number(count)} forløb var udgifterne i året før indskrivning i alt "
        f"{fmt_kr(total)}"
        + (f", svarende til {fmt_kr(per_unit)} pr. forløb." if _num(per_unit) else "."),
    ]
    shown = {s: v for s, v in by_sector.items() if _num(v)}
    if shown and total:
        ranked = sorted(shown.items(), key=lambda kv: kv[1], reverse=True)
        top, amount = ranked[0]
        text.append(
            _end_sentence(
                f"Den største del lå på {_sector_text(top)} med {fmt_kr(amount)} "
                f"({fmt_pct(amount / total)} af økonomigrundlaget)"
                + (
                    f", efterfulgt af {_sector_text(ranked[1][0])} med {fmt_kr(ranked[1][1])}"
                    if len(ranked) > 1
                    else ""
                )
            )
        )
    text.append(
        "Grundlaget omfatter kun udgifter, der er bogført med CPR-nummer; udgifter til fx "
        "kollektive tilbud og administration er ikke med."
    )
    return " ".join(text)


# ---- follow-up by year -----------------------------------------------------------------------
def _window_label(data: ReportData, window: str) -> str:
    if window == "baseline":
        return BEFORE
    if window == "ytd":
        return f"{data.period.year} til dato"
    return f"{window}. år efter indskrivning"


def _window_short(data: ReportData, window: str) -> str:
    """``Før``, ``År 1``, ``År 2``, …, ``2026 til dato``."""
    if window == "baseline":
        return "Før (12 mdr.)"
    if window == "ytd":
        return f"{data.period.year} til dato"
    return f"År {window}"


def followup_years_frame(data: ReportData) -> pd.DataFrame:
    """Publishable rows of the follow-up windows (baseline, year 1, 2, …, ytd): enrolments,
    kr by sector area, total and per enrolment (exact numbers; ``None``/``"<5"`` hidden)."""
    sectors = _sectors(data)
    records = []
    windows = ["baseline"]
    if data.results[FOLLOWUP].breakdown:
        windows += list(data.results[FOLLOWUP].breakdown.get("year", {}))
    hidden = hidden_windows(data)
    for window in windows:
        source = BASELINE if window == "baseline" else FOLLOWUP
        rows = _rows(data, source, window=window, solution="total")
        if not rows:
            continue
        shown, _ = publish_table(
            rows, data.threshold, counts=("units",), basis={"kr": "units", "kr_per_unit": "units"}
        )
        by_sector = {r["sector"]: r for r in shown}
        drop = window in hidden or (window == "baseline" and baseline_hidden(data))
        record: dict[str, Any] = {
            "window": window,
            "label": _window_label(data, window),
            "short": _window_short(data, window),
            "units": by_sector["total"]["units"],
        }
        for sector in [*sectors, "total"]:
            record[sector] = None if drop else by_sector[sector]["kr"]
        record["per_unit"] = None if drop else by_sector["total"]["kr_per_unit"]
        records.append(record)
    return pd.DataFrame(records)


def table_followup_years(data: ReportData) -> GT:
    """Spend before and in each follow-up year after enrolment (and the current year to
    date) by sector area, with the number of enrolments (the amount per enrolment is in
    :func:`plot_followup_years` and :func:`text_followup`)."""
    frame = followup_years_frame(data)
    sectors = _sectors(data)
    shown = pd.DataFrame(
        {
            "Periode": frame["short"] if len(frame) else [],
            "units": [fmt_number(v) for v in frame.get("units", [])],
            **{s: [fmt_kr(v) for v in frame.get(s, [])] for s in sectors},
            "total": [fmt_kr(v) for v in frame.get("total", [])],
        }
    )
    columns = ["units", *sectors, "total"]
    table = house_table(
        shown,
        "xs-aarsvinduer",
        title="Udgifter før og efter indskrivning",
        subtitle="Hvert forløb opgøres fra sin egen indskrivningsdato; alle løsninger",
        labels=dict(
            units="Forløb",
            **{s: sector_label(s) for s in sectors},
            total="I alt",
        ),
        right=columns,
        primary=data.primary,
    )
    notes = [
        "Før: de 12 måneder før indskrivning (alle forløb). År 1, 2, …: de forløb, der har "
        "nået et helt 1., 2., … år efter indskrivning; "
        f"«{data.period.year} til dato» omfatter alle forløb fra 1. januar (eller "
        "indskrivningen) til periodens udgang og er ikke omregnet til helår.",
        SOURCE,
    ]
    if _shows_hidden(shown[columns].to_numpy().ravel().tolist(), data.threshold):
        notes.append(discretion_note(data.threshold))
    return _note(table, *notes)


def plot_followup_years(data: ReportData) -> ggplot:
    """Stacked columns: spend per enrolment before and in each full year after enrolment,
    by sector area (the current year to date is left out: it is not a full year)."""
    frame = followup_years_frame(data)
    sectors = _sectors(data)
    records = []
    for row in frame.to_dict("records"):
        if row["window"] == "ytd" or not _num(row["per_unit"]) or not _num(row["units"]):
            continue
        for sector in sectors:
            if _num(row[sector]):
                records.append(
                    {
                        "window": row["short"],
                        "sector": sector_label(sector),
                        "kr": row[sector] / row["units"],
                    }
                )
    if not records:
        return _empty_plot("Udgiften pr. forløb kan ikke vises for perioden.")
    plot_frame = pd.DataFrame(records)
    windows = list(dict.fromkeys(plot_frame["window"]))
    labels = [sector_label(s) for s in sectors]
    plot_frame["window"] = pd.Categorical(plot_frame["window"], categories=windows)
    plot_frame["sector"] = pd.Categorical(plot_frame["sector"], categories=labels[::-1])
    dropped = [
        r for r in frame.to_dict("records") if r["window"] != "ytd" and not _num(r["per_unit"])
    ]
    caption = "Perioder med for få forløb vises ikke (diskretionering)." if dropped else ""
    colours = dict(zip(labels, palette(data.primary, len(labels)), strict=True))
    return (
        ggplot(plot_frame, aes("window", "kr", fill="sector"))
        + geom_col(width=0.65)
        + scale_fill_manual(values=colours, breaks=labels)
        + scale_y_continuous(labels=label_kr(), expand=(0, 0, 0.05, 0))
        + labs(x="", y="Udgift pr. forløb", caption=caption)
        + theme_house(figure_size=(6.5, 3.2))
    )


def text_followup(data: ReportData) -> str:
    """Danish sentences on the spend per enrolment before and after enrolment."""
    result = data.results[FOLLOWUP]
    if not result.extra:
        return _reason_da(data, FOLLOWUP)
    frame = followup_years_frame(data)
    text = [
        "Efter indskrivningen følges de samme personers udgifter år for år: 1. år er de "
        "første 12 måneder efter indskrivningsdatoen, 2. år de næste 12 måneder osv. Et år "
        "tælles med, når det er helt afsluttet."
    ]
    with_year = result.extra.get("enrolments_with_full_year", 0)
    gap = _gap(data)
    if not with_year:
        text.append(_reason_da(data, FOLLOWUP))
    elif 0 < gap < data.threshold:
        text.append(
            f"Alle forløb på nær færre end {data.threshold} har mindst ét helt år efter "
            "indskrivningen."
        )
    else:
        text.append(
            f"{fmt_number(with_year)} af de {fmt_number(result.extra['enrolments'])} forløb "
            "har mindst ét helt år efter indskrivningen."
        )
    steps = [
        (r["label"], r["per_unit"])
        for r in frame.to_dict("records")
        if r["window"] != "ytd" and _num(r["per_unit"])
    ]
    if len(steps) >= 2:
        parts = [f"{fmt_kr(v)} {_when(label)}" for label, v in steps]
        text.append("Udgiften pr. forløb var " + ", ".join(parts[:-1]) + f" og {parts[-1]}.")
        text.append(
            "Årene omfatter ikke de samme forløb: jo længere efter indskrivningen, jo færre "
            "og jo tidligere indskrevne forløb. Udgifterne er i løbende priser."
        )
    return " ".join(text)


def _when(label: str) -> str:
    if label == BEFORE:
        return "i de 12 måneder før indskrivning"
    return "i " + label.replace(" efter indskrivning", "")


# ---- the comparison: change by sector --------------------------------------------------------
def change_frame(data: ReportData) -> pd.DataFrame:
    """Publishable comparison by sector area (all solutions): baseline and latest full year
    of the compared enrolments, change and relative change; the last row is the total."""
    columns = ["sector", "label", "baseline", "followup", "change", "change_share"]
    result = data.results[CHANGE]
    if result.value is None:
        return pd.DataFrame(columns=columns)
    rows = [r for r in (result.table or []) if r["solution"] == "total"]
    shown, _ = publish_table(
        rows,
        data.threshold,
        basis={"baseline_kr": "units", "followup_kr": "units", "change_kr": "units"},
    )
    published = (data.published[CHANGE].breakdown or {}).get("sector", {})
    records = []
    for row in shown:
        change = published.get(row["sector"]) if _num(row["change_kr"]) else None
        records.append(
            {
                "sector": row["sector"],
                "label": sector_label(row["sector"]),
                "baseline": row["baseline_kr"],
                "followup": row["followup_kr"],
                "change": change,
            }
        )
    total = {"sector": "total", "label": "I alt"}
    for key in ("baseline", "followup", "change"):
        values = [r[key] for r in records]
        total[key] = sum(values) if values and all(_num(v) for v in values) else None
    records.append(total)
    for record in records:
        base, change = record["baseline"], record["change"]
        record["change_share"] = change / base if _num(base) and _num(change) and base else None
    return pd.DataFrame(records, columns=columns)


def _compared(data: ReportData) -> Any:
    extra = data.results[CHANGE].extra
    return extra.get("enrolments_compared")


def table_change(data: ReportData) -> GT:
    """Baseline, latest full year and change by sector area for the enrolments with at least
    one full year (negative = lower spend)."""
    frame = change_frame(data)
    if frame.empty:
        return _empty_table(data, "xs-aendring", "Sektorområde", CHANGE)
    shown = pd.DataFrame(
        {
            "Sektorområde": frame["label"],
            "baseline": [fmt_kr(v) for v in frame["baseline"]],
            "followup": [fmt_kr(v) for v in frame["followup"]],
            "change": [fmt_kr(v) for v in frame["change"]],
            "change_share": [fmt_change_pct(v) for v in frame["change_share"]],
        }
    )
    columns = ["baseline", "followup", "change", "change_share"]
    compared = _compared(data)
    table = house_table(
        shown,
        "xs-aendring",
        title="Udgifter før og efter indskrivning fordelt på sektorområde",
        subtitle=f"De {fmt_number(compared)} forløb med mindst ét helt år efter indskrivning",
        labels=dict(
            baseline=BEFORE,
            followup="Seneste hele år",
            change="Ændring, kr.",
            change_share="Ændring, %",
        ),
        right=columns,
        bold_last=1,
        primary=data.primary,
    )
    notes = [
        "Hvert forløbs seneste hele år efter indskrivning sammenlignes med dets egne 12 "
        "måneder før indskrivning. Negativ ændring = lavere udgift.",
        SOURCE,
    ]
    if _shows_hidden(shown[columns].to_numpy().ravel().tolist(), data.threshold):
        notes.append(discretion_note(data.threshold))
    return _note(table, *notes)


def plot_followup(data: ReportData) -> ggplot:
    """Paired bars per sector area: the 12 months before enrolment and the latest full year
    after, for the same enrolments."""
    frame = change_frame(data)
    body = frame[frame["sector"] != "total"] if len(frame) else frame
    records = []
    for row in body.to_dict("records"):
        if _num(row["baseline"]) and _num(row["followup"]):
            records.append({"sector": row["label"], "when": BEFORE, "kr": row["baseline"]})
            records.append({"sector": row["label"], "when": LATEST, "kr": row["followup"]})
    if not records:
        return _empty_plot("Sammenligningen kan ikke vises for perioden.")
    plot_frame = pd.DataFrame(records)
    order = list(dict.fromkeys(plot_frame["sector"]))
    plot_frame["sector"] = pd.Categorical(plot_frame["sector"], categories=order)
    plot_frame["when"] = pd.Categorical(plot_frame["when"], categories=[BEFORE, LATEST])
    colours = [tints(data.primary, 3)[0], data.primary]
    caption = "" if len(records) == 2 * len(body) else "Sektorområder med for få forløb vises ikke."
    return (
        ggplot(plot_frame, aes("sector", "kr", fill="when"))
        + geom_col(position=position_dodge(width=0.75), width=0.7)
        + scale_fill_manual(values=colours, breaks=[BEFORE, LATEST])
        + scale_x_discrete(limits=order)
        + scale_y_continuous(labels=label_mio_kr(), expand=(0, 0, 0.05, 0))
        + labs(x="", y="Udgifter (samme forløb)", caption=caption)
        + theme_house(figure_size=(6.5, 2.8))
    )


def plot_change(data: ReportData) -> ggplot:
    """Waterfall: from the baseline of the compared enrolments, through each sector area's
    change, to their latest full year (negative = lower spend)."""
    frame = change_frame(data)
    if frame.empty or not all(_num(v) for v in [*frame["change"], *frame["baseline"]]):
        return _empty_plot("Ændringen kan ikke vises for perioden.")
    colours = palette(data.primary, 4)
    steps = []
    total = frame.iloc[-1]
    steps.append(("Før", 0.0, total["baseline"], "niveau", total["baseline"]))
    level = total["baseline"]
    for row in frame.iloc[:-1].to_dict("records"):
        change = row["change"]
        kind = "op" if change > 0 else "ned"
        steps.append((_wrap(row["label"]), level, level + change, kind, change))
        level += change
    steps.append(("Seneste\nhele år", 0.0, total["followup"], "niveau", total["followup"]))
    plot_frame = pd.DataFrame(
        [
            {
                "x": i,
                "xmin": i - 0.38,
                "xmax": i + 0.38,
                "ymin": min(a, b),
                "ymax": max(a, b),
                "kind": kind,
                "label": fmt_mio_kr(value) if kind == "niveau" else _signed_mio(value),
                "ytext": max(a, b),
            }
            for i, (_, a, b, kind, value) in enumerate(steps)
        ]
    )
    kinds = {"niveau": colours[0], "ned": colours[2], "op": colours[3]}
    names = {"niveau": "Udgiftsniveau", "ned": "Lavere udgift", "op": "Højere udgift"}
    present = [k for k in kinds if k in set(plot_frame["kind"])]
    top = float(plot_frame["ymax"].max())
    return (
        ggplot(plot_frame)
        + geom_rect(aes(xmin="xmin", xmax="xmax", ymin="ymin", ymax="ymax", fill="kind"))
        + geom_text(aes(x="x", y="ytext", label="label"), va="bottom", size=7, nudge_y=top * 0.01)
        + scale_fill_manual(
            values=[kinds[k] for k in present], breaks=present, labels=[names[k] for k in present]
        )
        + scale_x_continuous(
            breaks=list(range(len(steps))), labels=[s[0] for s in steps], expand=(0, 0.5)
        )
        + scale_y_continuous(labels=label_mio_kr(), expand=(0, 0, 0.1, 0))
        + labs(x="", y="Udgifter (samme forløb)")
        + theme_house(figure_size=(6.5, 3.1))
        + theme(panel_grid_major_x=element_blank())
    )


def _wrap(label: str, width: int = 10) -> str:
    """Break a long axis label at the space nearest its middle.

    >>> _wrap("Øvrige områder"), _wrap("Voksne")
    ('Øvrige\\nområder', 'Voksne')
    """
    if len(label) <= width or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return label[:cut] + "\n" + label[cut + 1 :]


def _signed_mio(value: float) -> str:
    text = fmt_mio_kr(value)
    return f"+{text}" if value > 0 else text


def text_change(data: ReportData) -> str:
    """Danish sentences on the change by sector area for the compared enrolments."""
    frame = change_frame(data)
    if frame.empty:
        return _reason_da(data, CHANGE)
    total = frame.iloc[-1]
    compared = _compared(data)
    text = [
        f"For de {fmt_number(compared)} forløb, der har været indskrevet i mindst et år, "
        "sammenlignes udgifterne i det seneste hele år efter indskrivningen med udgifterne i "
        "de 12 måneder før. Det er de samme personer før og efter, og begge perioder er 12 "
        "måneder."
    ]
    if not (_num(total["baseline"]) and _num(total["followup"]) and _num(total["change"])):
        text.append("Beløbene kan ikke vises, fordi de bygger på for få forløb.")
        return " ".join(text)
    change = total["change"]
    direction = "lavere" if change < 0 else "højere"
    text.append(
        f"Udgifterne var {fmt_kr(total['followup'])} i seneste hele år mod "
        f"{fmt_kr(total['baseline'])} før indskrivning – "
        + (
            "uændret."
            if change == 0
            else f"{fmt_kr(abs(change))} {direction} ({fmt_change_pct(total['change_share'])})."
        )
    )
    body = [r for r in frame.iloc[:-1].to_dict("records") if _num(r["change"])]
    down = sorted([r for r in body if r["change"] < 0], key=lambda r: r["change"])
    up = sorted([r for r in body if r["change"] > 0], key=lambda r: -r["change"])
    if down:
        r = down[0]
        text.append(
            f"Det største fald er på {_sector_text(r['sector'])}: {fmt_kr(abs(r['change']))} "
            f"({fmt_change_pct(r['change_share'])})."
        )
    if up:
        parts = [f"{_sector_text(r['sector'])} (+{fmt_kr(r['change'])})" for r in up]
        text.append("Udgifterne er steget på " + _and(parts) + ".")
    elif body:
        text.append("Ingen sektorområder har højere udgifter end før indskrivningen.")
    return " ".join(text)


# ---- Albertslund reallocation ----------------------------------------------------------------
def _decision(change: Any) -> str:
    """``Budgettet tilføres 3 mio. kr.`` / ``… reduceres med …`` (slide 22's wording)."""
    if not _num(change):
        return DASH
    if change > 0:
        return f"Budgettet tilføres {fmt_mio_kr(change)}"
    if change < 0:
        return f"Budgettet reduceres med {fmt_mio_kr(abs(change))}"
    return "Ingen regulering"


def _explain(baseline: Any, followup: Any, decision: str) -> str:
    """Slide 22's wording: ``Gl. løsning 5 mio. kr., ny løsning 8 mio. kr.: budgettet
    tilføres 3 mio. kr.``"""
    if not (_num(baseline) and _num(followup)) or decision == DASH:
        return decision
    return (
        f"Gl. løsning {fmt_mio_kr(baseline)}, ny løsning {fmt_mio_kr(followup)}: "
        f"{_end_sentence(decision[:1].lower() + decision[1:])}"
    )


def reallocation_frame(data: ReportData) -> pd.DataFrame:
    """Publishable rows of the Albertslund table: per sector area the old and new cost and
    the budget adjustment (= change), the net total and the solution's counter-entry."""
    result = data.results[REALLOCATION]
    columns = ["sector", "label", "baseline", "followup", "adjustment", "decision", "explanation"]
    if result.value is None:
        return pd.DataFrame(columns=columns)
    frame = change_frame(data)
    published = (data.published[REALLOCATION].breakdown or {}).get("sector", {})
    records = []
    for row in frame.iloc[:-1].to_dict("records"):
        adjustment = published.get(row["sector"]) if _num(row["change"]) else None
        records.append(
            {
                "sector": row["sector"],
                "label": row["label"],
                "baseline": row["baseline"],
                "followup": row["followup"],
                "adjustment": adjustment,
                "decision": _decision(adjustment),
                "explanation": _explain(row["baseline"], row["followup"], _decision(adjustment)),
            }
        )
    total = frame.iloc[-1]
    values = [r["adjustment"] for r in records]
    net = sum(values) if values and all(_num(v) for v in values) else None
    if _num(net):
        net_text = (
            "Sektorområdernes budgetter reduceres samlet med " + fmt_mio_kr(abs(net))
            if net < 0
            else "Sektorområdernes budgetter tilføres samlet " + fmt_mio_kr(net)
            if net > 0
            else "Ingen samlet regulering"
        )
    else:
        net_text = DASH
    records.append(
        {
            "sector": "net",
            "label": "Netto",
            "baseline": total["baseline"],
            "followup": total["followup"],
            "adjustment": net,
            "decision": net_text,
            "explanation": _explain(total["baseline"], total["followup"], net_text),
        }
    )
    counter = -net if _num(net) else None
    counter_text = (
        DASH
        if not _num(counter)
        else "Løsningens fælles budget tilføres " + fmt_mio_kr(counter)
        if counter > 0
        else "Løsningens fælles budget reduceres med " + fmt_mio_kr(abs(counter))
        if counter < 0
        else "Ingen modpost"
    )
    records.append(
        {
            "sector": "counter",
            "label": "Løsningens fælles budget (modpost)",
            "baseline": None,
            "followup": None,
            "adjustment": counter,
            "decision": counter_text,
            "explanation": counter_text if counter_text == DASH else _end_sentence(counter_text),
        }
    )
    return pd.DataFrame(records, columns=columns)


def table_reallocation(data: ReportData) -> GT:
    """The Albertslund model (seed slide 22): each sector area's budget is adjusted by its
    new cost minus its baseline cost; the net goes to the solution's common budget."""
    frame = reallocation_frame(data)
    if frame.empty:
        return _empty_table(data, "xs-omfordeling", "Sektorområde", REALLOCATION)
    shown = pd.DataFrame(
        {
            "Sektorområde": frame["label"],
            "adjustment": [fmt_kr(v) for v in frame["adjustment"]],
            "explanation": frame["explanation"],
        }
    )
    columns = ["adjustment"]
    table = house_table(
        shown,
        "xs-omfordeling",
        title="Omfordeling af budget mellem sektorområder (Albertslund-modellen)",
        subtitle="Budgetregulering = udgift i ny løsning (seneste hele år) − udgift i "
        "gammel løsning (12 mdr. før indskrivning)",
        labels=dict(adjustment="Budgetregulering", explanation="Det betyder"),
        right=columns,
        bold_last=2,
        primary=data.primary,
    )
    notes = [
        "Positiv regulering: sektorområdets budget tilføres midler, fordi udgiften er flyttet "
        "dertil. Negativ regulering: budgettet reduceres. Modposten føres på løsningens fælles "
        "budget. Model efter Albertslund Kommune (VIVE 2019).",
        SOURCE,
    ]
    if _shows_hidden(shown[columns].to_numpy().ravel().tolist(), data.threshold):
        notes.append(discretion_note(data.threshold))
    return _note(table, *notes)


def text_reallocation(data: ReportData) -> str:
    """Danish explanation of the Albertslund model with this period's adjustments."""
    lead = (
        "Albertslund Kommune har planlagt en bagudrettet fordelingsmodel: en nulpunktsmåling "
        "af udgifterne før den tværgående løsning sammenholdes med udgifterne i den nye "
        "løsning, og budgettet flyttes derefter til de sektorområder, hvor udgifterne nu "
        "ligger. Et område, hvis udgifter er steget, tilføres budget; et område, hvis "
        "udgifter er faldet, får sit budget reduceret. Summen af reguleringerne føres som "
        "modpost på løsningens fælles budget, hvor den kan holdes op mod et eventuelt "
        "effektiviseringskrav."
    )
    frame = reallocation_frame(data)
    if frame.empty:
        return lead + "\n\n" + _reason_da(data, REALLOCATION)
    body = [r for r in frame.iloc[:-2].to_dict("records") if _num(r["adjustment"])]
    added = [_sector_text(r["sector"]) for r in body if r["adjustment"] > 0]
    reduced = [_sector_text(r["sector"]) for r in body if r["adjustment"] < 0]
    text = []
    if body:
        if added and reduced:
            effect = (
                f"budgettet tilføres midler på {_and(added)}, mens det reduceres på {_and(reduced)}"
            )
        elif added:
            effect = f"budgettet tilføres midler på {_and(added)}"
        elif reduced:
            effect = f"budgettet reduceres på {_and(reduced)}"
        else:
            effect = "ingen budgetter reguleres"
        text.append(
            f"Anvendt på de {fmt_number(_compared(data))} forløb, der har mindst ét helt år, "
            f"giver modellen tabellen nedenfor: {effect}."
        )
    net = frame.iloc[-2]["adjustment"]
    if _num(net):
        text.append(
            f"Netto er reguleringen {fmt_kr(net)} "
            + (
                f"Løsningens fælles budget tilføres dermed {fmt_mio_kr(-net)} som modpost."
                if net < 0
                else f"Løsningens fælles budget reduceres dermed med {fmt_mio_kr(net)} som modpost."
                if net > 0
                else "Der er ingen modpost."
            )
        )
    text.append(
        "Tabellen er et regneeksempel: om budgetterne faktisk skal flyttes, er en politisk og "
        "administrativ beslutning."
    )
    return lead + "\n\n" + " ".join(text)


def _and(items: list[str]) -> str:
    """``a``, ``a og b``, ``a, b og c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


# ---- outcomes --------------------------------------------------------------------------------
def outcomes_frame(data: ReportData, target: float = TARGET_JOB_EDUCATION) -> pd.DataFrame:
    """Publishable share in job or education per solution and for all (last row)."""
    result = data.results[OUTCOME]
    published = data.published[OUTCOME]
    columns = ["label", "persons", "share", "target"]
    if result.value is None:
        return pd.DataFrame(columns=columns)
    shares = (published.breakdown or {}).get("solution", {})
    bases = (result.breakdown_basis or {}).get("solution", {})
    rows = [{"label": k, "persons": bases.get(k), "share": v} for k, v in shares.items()]
    total = {"label": "Alle løsninger", "persons": result.basis, "share": published.value}
    shown, shown_total = publish_table(rows, data.threshold, counts=("persons",), total=total)
    records = [{**r, "target": target} for r in [*shown, shown_total]]
    return pd.DataFrame(records, columns=columns)


def table_outcomes(data: ReportData, target: float = TARGET_JOB_EDUCATION) -> GT:
    """Share of enrolled persons in job or education in the last 12 months, by solution."""
    frame = outcomes_frame(data, target)
    if frame.empty:
        return _empty_table(data, "xs-resultater", "Løsning", OUTCOME)
    shown = pd.DataFrame(
        {
            "Løsning": frame["label"],
            "persons": [fmt_number(v) for v in frame["persons"]],
            "share": [fmt_pct(v) for v in frame["share"]],
            "target": [_pct_target(v) for v in frame["target"]],
        }
    )
    table = house_table(
        shown,
        "xs-resultater",
        title="Indskrevne personer i job eller uddannelse",
        subtitle=f"Seneste 12 måneder til og med {_end(data)}",
        labels=dict(
            persons="Indskrevne personer",
            share="Andel i job eller uddannelse",
            target="Målsætning",
        ),
        right=["persons", "share", "target"],
        bold_last=1,
        primary=data.primary,
    )
    notes = [
        "Alle personer i de indskrevne forløb tæller med, også børn i indskrevne familier. "
        "En person tæller med, hvis vedkommende har været i job eller uddannelse på et "
        "tidspunkt i de seneste 12 måneder.",
        SOURCE_OUTCOMES,
    ]
    if _shows_hidden(shown[["persons", "share"]].to_numpy().ravel().tolist(), data.threshold):
        notes.append(discretion_note(data.threshold))
    return _note(table, *notes)


def plot_outcomes(data: ReportData, target: float = TARGET_JOB_EDUCATION) -> ggplot:
    """Bars: share in job or education per solution and for all, with the target line."""
    frame = outcomes_frame(data, target)
    shown = frame[[_num(v) for v in frame["share"]]] if len(frame) else frame
    if shown.empty:
        return _empty_plot("Andelen i job eller uddannelse kan ikke vises for perioden.")
    order = list(shown["label"])
    plot_frame = shown.assign(
        label=pd.Categorical(shown["label"], categories=order),
        text=[fmt_pct(v) for v in shown["share"]],
        group=["Alle" if lab == "Alle løsninger" else "Løsning" for lab in shown["label"]],
    )
    top = max(float(plot_frame["share"].max()), target) * 1.2
    caption = "" if len(shown) == len(frame) else "Løsninger med for få personer vises ikke."
    colours = palette(data.primary, 2)
    return (
        ggplot(plot_frame, aes("label", "share", fill="group"))
        + geom_col(width=0.55)
        + geom_text(aes(label="text"), va="bottom", size=8, nudge_y=top * 0.01)
        + geom_hline(yintercept=target, linetype="dashed", color=colours[1], size=0.8)
        + annotate(
            "text",
            x=len(order) + 0.4,
            y=target + top * 0.02,
            label=f"Mål: {_pct_target(target)}",
            ha="left",
            va="bottom",
            size=8,
            color="#5F6B76",
        )
        + scale_fill_manual(values={"Løsning": tints(data.primary, 3)[1], "Alle": data.primary})
        + scale_x_discrete(limits=order, expand=(0, 0.6, 0, 1.1))
        + scale_y_continuous(labels=label_pct(), limits=(0, top), expand=(0, 0))
        + labs(x="", y="Andel i job eller uddannelse", caption=caption)
        + theme_house(figure_size=(6.5, 2.6))
        + theme(legend_position="none")
    )


def text_outcomes(data: ReportData, target: float = TARGET_JOB_EDUCATION) -> str:
    """Danish sentences on the job/education share against the target."""
    frame = outcomes_frame(data, target)
    lead = (
        "Ud over økonomien følges borgernes udvikling i retning af job, praktik eller "
        "uddannelse. Furesø Kommune har som eksempel en målsætning om, at "
        f"{_pct_target(target)} af borgerne i den tværgående løsning er i job eller uddannelse "
        "på årsbasis; samme mål er brugt her."
    )
    if frame.empty:
        return lead + " " + _reason_da(data, OUTCOME)
    total = frame.iloc[-1]
    if not _num(total["share"]):
        return lead + " Andelen kan ikke vises, fordi den bygger på for få personer."
    relation = "over" if total["share"] > target else "under" if total["share"] < target else "på"
    text = [
        lead,
        f"I de seneste 12 måneder har {fmt_pct(total['share'])} af de "
        f"{fmt_number(total['persons'])} indskrevne personer været i job eller uddannelse, "
        f"hvilket er {relation} målsætningen.",
    ]
    parts = [
        f"«{r['label']}» {fmt_pct(r['share'])}"
        for r in frame.iloc[:-1].to_dict("records")
        if _num(r["share"])
    ]
    if len(parts) > 1:
        text.append("Fordelt på løsninger: " + ", ".join(parts[:-1]) + f" og {parts[-1]}.")
    text.append(
        "Andelen tæller alle personer i forløbene, også børn, som ikke er i målgruppen for "
        "job og uddannelse; det er værd at drøfte, om målet skal gælde de voksne og unge alene."
    )
    return " ".join(text)


# ---- summary, questions, method --------------------------------------------------------------
def text_summary(data: ReportData, target: float = TARGET_JOB_EDUCATION) -> str:
    """Danish summary: the solutions, the baseline, the comparison and the outcome."""
    if data.results[BASELINE].value is None:
        return _reason_da(data, BASELINE)
    frame = solutions_frame(data)
    total = frame.iloc[-1]
    n = len(frame) - 1
    text = [
        f"Rapporten følger økonomien i kommunens {fmt_number(n)} "
        f"{'tværgående løsning' if n == 1 else 'tværgående løsninger'} med i alt "
        f"{total['units']} indskrevne forløb og {total['persons']} personer til og med "
        f"{_end(data)}."
    ]
    _, _, baseline_total = _baseline_cells(data)
    if _num(baseline_total):
        text.append(
            f"I de 12 måneder før indskrivning havde de indskrevne borgere udgifter for "
            f"{fmt_mio_kr(baseline_total)} på tværs af sektorområderne (økonomigrundlaget)."
        )
    change = change_frame(data)
    if not change.empty and _num(change.iloc[-1]["change"]):
        row = change.iloc[-1]
        direction = "lavere" if row["change"] < 0 else "højere"
        text.append(
            f"For de {fmt_number(_compared(data))} forløb med mindst ét helt år var udgifterne "
            f"i seneste hele år {fmt_mio_kr(abs(row['change']))} {direction} end før "
            f"indskrivningen ({fmt_change_pct(row['change_share'])})."
        )
    elif change.empty:
        text.append(_reason_da(data, CHANGE))
    outcomes = outcomes_frame(data, target)
    if not outcomes.empty and _num(outcomes.iloc[-1]["share"]):
        text.append(
            f"{fmt_pct(outcomes.iloc[-1]['share'])} af de indskrevne personer har været i job "
            f"eller uddannelse i de seneste 12 måneder (målsætning: {_pct_target(target)})."
        )
    text.append(
        "Tallene er til at stille spørgsmål ud fra – ikke til at konkludere, at løsningerne "
        "virker. Spørgsmålene sidst i rapporten er et forslag til drøftelsen."
    )
    return " ".join(text)


def text_questions(data: ReportData, target: float = TARGET_JOB_EDUCATION) -> str:
    """Danish Markdown list of questions the figures point at (no conclusions)."""
    questions = []
    change = change_frame(data)
    body = change.iloc[:-1] if len(change) else change
    up = [r for r in body.to_dict("records") if _num(r["change"]) and r["change"] > 0]
    down = [r for r in body.to_dict("records") if _num(r["change"]) and r["change"] < 0]
    if up and down:
        questions.append(
            "**Er udgifterne flyttet eller forsvundet?** Udgifterne er faldet på "
            + _and([_sector_text(r["sector"]) for r in down])
            + ", men steget på "
            + _and([_sector_text(r["sector"]) for r in up])
            + ". Skyldes stigningen, at indsatser er flyttet mellem områderne, og er "
            "budgetterne fulgt med?"
        )
    else:
        questions.append(
            "**Er udgifterne flyttet eller forsvundet?** Opgørelsen ser kun udgifter, der er "
            "bogført med CPR-nummer. Er en del af indsatsen flyttet til tilbud, der betales "
            "kollektivt (fx den tværgående enheds egne medarbejdere), så udgiften ikke længere "
            "kan ses her?"
        )
    if down:
        questions.append(
            "**Var året før indskrivning et særligt dyrt år?** Familier og unge indskrives ofte, "
            "når problemerne – og udgifterne – topper. Hvor meget ville udgifterne være faldet "
            "alligevel? En sammenligning med lignende borgere uden for løsningen kan belyse det."
        )
    questions.append(
        "**Holder effekten?** Følg udgiften pr. forløb i 2., 3. og 4. år efter indskrivningen: "
        "kommer udgifterne igen, når forløbet er afsluttet?"
    )
    if _gap(data) > 0:
        questions.append(
            "**Hvad med de nyeste forløb?** Forløb, der endnu ikke har et helt år, indgår ikke i "
            "sammenligningen. Ligner de de tidligere forløb, eller er målgruppen ændret?"
        )
    outcomes = outcomes_frame(data, target)
    if not outcomes.empty and _num(outcomes.iloc[-1]["share"]):
        questions.append(
            "**Er job- og uddannelsesmålet det rigtige mål?** Andelen er "
            f"{fmt_pct(outcomes.iloc[-1]['share'])} mod en målsætning på {_pct_target(target)}. "
            "Hvilke personer skal målet gælde for, og hvordan udvikler andelen sig over tid?"
        )
    questions.append(
        "**Skal budgettet flyttes?** Albertslund-modellen giver et regneeksempel. Er "
        "forskydningerne varige nok til at flytte budget mellem sektorområderne, og hvem har "
        "ansvaret for de udgifter, der er steget?"
    )
    return "\n".join(f"- {q}" for q in questions)


_EARLY = re.compile(r"Note: (\d+) enrolment\(s\) have a baseline window starting before")


def text_method(data: ReportData) -> str:
    """Danish Markdown list: how the figures are made (windows, attribution, discretion)."""
    items = [
        "**Forløb**: en indskrevet familie eller enkeltperson. Alle forløb indskrevet til og "
        f"med {_end(data)} indgår, også forløb, der er afsluttet; en person i to løsninger "
        "tæller med i begge.",
        "**Udgifter**: bogførte udgifter med CPR-nummer for forløbets personer på konti, der "
        "hører til en budgetlinje. Sektorområdet er budgetlinjens sektor. Refusioner "
        "fratrækkes. Beløbene er i løbende priser.",
        "**Økonomigrundlag**: de 12 måneder før indskrivningsdatoen. **År 1, 2, …**: hele "
        "perioder på 12 måneder efter indskrivningsdatoen; et år tæller, når det er afsluttet.",
        "**Sammenligning og omfordeling**: hvert forløb med mindst ét helt år sammenligner sit "
        "seneste hele år med sine egne 12 måneder før indskrivning.",
        "**Job og uddannelse**: andelen af forløbenes personer med en registrering af job eller "
        "uddannelse i de seneste 12 måneder.",
        f"**Diskretionering**: tal for færre end {data.threshold} forløb eller personer vises "
        f"ikke. {discretion_note(data.threshold)}",
    ]
    match = _EARLY.search(data.results[BASELINE].note or "")
    if match:
        items.append(
            f"**Datagrundlag**: for {match.group(1)} forløb begynder økonomigrundlaget før de "
            "første bogføringer i data; deres økonomigrundlag kan være undervurderet."
        )
    return "\n".join(f"- {item}" for item in items)
