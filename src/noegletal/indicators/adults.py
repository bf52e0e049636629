"""Adults — the semiannual key-figure report to the social committee.

Adults' measures only (``area = adults``). A paragraph is recognised by ``measure_type``
(``support_own_home`` = § 85, ``temporary_housing`` = § 107, ``long_term_housing`` = § 108,
``shelter`` = § 110 …), not by the free-text ``paragraph`` column, so ``SEL 108``,
``SEL §108`` and ``Servicelovens § 108`` in an export all land in the same place. Seeds:
``004_…`` (Høje-Taastrup's semiannual report: savings from strengthened follow-up, how well
citizens are helped into their own home, distribution and development of expenses) and
``002_…`` (the baseline effect of the professional reform). ``docs/adults.md`` explains every
choice below for the reader of the report.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from noegletal.codes import ADULT_HOUSING, PROVIDER_TYPES
from noegletal.indicators._common import clean, ratio, series_dict
from noegletal.indicators.context import Context
from noegletal.indicators.registry import MissingInput, Result, indicator
from noegletal.measures import day_number
from noegletal.periods import Period

__all__ = [
    "BASELINE_YEAR_KEY",
    "EXPECTED_EFFECTS_KEY",
    "FOLLOWUP_EFFECT_DAYS",
    "OWN_HOME_WINDOW_DAYS",
    "PARAGRAPH_OF",
    "baseline_effect",
    "followup_savings",
    "housing_flow",
    "housing_persons",
    "moved_to_own_home",
    "own_home_share",
    "spend_by_paragraph",
]

#: Paragraph label of each adults' measure type; other types are reported as ``other``.
PARAGRAPH_OF: dict[str, str] = {
    "support_own_home": "§ 85",
    "protected_employment": "§ 103",
    "day_activity": "§ 104",
    **ADULT_HOUSING,
}
OWN_HOME = "support_own_home"
#: The housing offers that "own home" is measured against (§ 107 and § 108).
HOUSING_107_108 = ("temporary_housing", "long_term_housing")
#: A § 85 measure active on some day of [end + 1, end + 30] counts as a move to own home.
OWN_HOME_WINDOW_DAYS = 30
#: A price change or an ending up to this many days after a follow-up is its effect.
FOLLOWUP_EFFECT_DAYS = 90
#: End reasons where the cost moved elsewhere (a bigger measure, another municipality).
NOT_A_SAVING = ("stepped_up", "moved_away")
BASELINE_YEAR_KEY = "baseline_year"
EXPECTED_EFFECTS_KEY = "expected_effects"


# ---- small helpers ---------------------------------------------------------------------------
def _of_types(ctx: Context, measure_types: tuple[str, ...] | list[str]) -> np.ndarray:
    """Mask of adults' measures of the given measure types."""
    return ctx.is_adults & ctx.interventions["measure_type"].isin(measure_types).to_numpy()


def _paragraphs(ctx: Context) -> np.ndarray:
    """Paragraph label of each measure (``other`` for types without one)."""
    return ctx.interventions["measure_type"].map(PARAGRAPH_OF).fillna("other").to_numpy()


def _person_set(ctx: Context, mask: np.ndarray) -> set[int]:
    return set(np.unique(ctx.person_code[mask]).tolist())


def _within(days: np.ndarray, first: date, last: date) -> np.ndarray:
    """Day numbers within ``first``..``last`` (both inclusive)."""
    return (days >= int(day_number(first))) & (days <= int(day_number(last)))


def _segments_on(segments: pd.DataFrame, rows: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Annual cost in force for measure ``rows[i]`` on day number ``days[i]`` (NaN if none)."""
    if not len(rows):
        return np.zeros(0)
    wanted = pd.DataFrame({"i": np.arange(len(rows)), "row": rows, "day": days})
    hits = wanted.merge(segments, on="row")
    hits = hits[(hits["seg_start"] <= hits["day"]) & (hits["seg_end"] >= hits["day"])]
    out = np.full(len(rows), np.nan)
    out[hits["i"].to_numpy()] = hits["annual_cost"].to_numpy()
    return out


def _reference_rows(ctx: Context, key: str) -> pd.DataFrame:
    reference = ctx.tables.reference
    if reference is None:
        return pd.DataFrame(columns=["key", "year", "value"])
    return reference[reference["key"] == key]


# ---- spend -----------------------------------------------------------------------------------
def _adult_spend_ytd(ctx: Context, period: Period) -> pd.Series:
    """Adults' actual spend per budget line, 1 January..period end of ``period``."""
    rows = ctx.ledger_between(period.ytd_start, period.end)
    rows = rows[(rows["area"] == "adults").to_numpy()]
    return rows.groupby("budget_line")["amount"].sum()


@indicator(
    "adults.spend_by_paragraph",
    unit="kr",
    label_da="Udgifter på voksenområdet pr. budgetlinje, år til dato",
)
def spend_by_paragraph(ctx: Context) -> Result:
    """Actual spend per paragraph / budget line, ytd and same period last year, and its
    change.

    The ledger carries accounts, and accounts map to budget lines (``budget_lines.accounts``),
    not to paragraphs: the split is per budget line of area ``adults`` (a municipality that
    keeps one line per paragraph gets the paragraph split). ``value`` is the adults' spend
    1 January..period end; ``breakdown`` is ``{"budget_line": {line: ytd}}`` with every
    adults' line (0 where nothing is booked); ``table`` has one row per line with ``ytd``,
    ``ytd_last_year`` (1 January..the same day one year earlier), ``change_kr`` and
    ``change_share`` (change / last year, ``None`` unless last year is positive). Bookings on
    accounts no line claims are not in the adults' area. Amounts are not annualised.
    """
    lines = [str(k) for k, area in ctx.line_area.items() if area == "adults"]
    if not lines:
        raise MissingInput("budget_lines has no line with area adults")
    last = ctx.period.same_period_last_year()
    now = _adult_spend_ytd(ctx, ctx.period).reindex(lines, fill_value=0.0)
    before = _adult_spend_ytd(ctx, last).reindex(lines, fill_value=0.0)
    table = []
    for line in lines:
        ytd, prior = float(now[line]), float(before[line])
        table.append(
            {
                "budget_line": line,
                "ytd": ytd,
                "ytd_last_year": prior,
                "change_kr": ytd - prior,
                "change_share": (ytd - prior) / prior if prior > 0 else None,
            }
        )
    total, total_before = float(now.sum()), float(before.sum())
    return Result(
        "",
        total,
        "kr",
        breakdown={"budget_line": series_dict(now)},
        table=table,
        note=f"År til dato {ctx.period.ytd_label_da()} mod {last.ytd_label_da()}.",
        extra={
            "ytd_last_year": total_before,
            "change_kr": total - total_before,
            "change_share": (total - total_before) / total_before if total_before > 0 else None,
        },
    )


# ---- housing offers --------------------------------------------------------------------------
@indicator(
    "adults.housing_persons",
    unit="persons",
    label_da="Borgere i botilbud og forsorgshjem (§ 107, § 108, § 110)",
)
def housing_persons(ctx: Context) -> Result:
    """Persons at period end in § 107, § 108, § 110, with provider type (own, other
    municipality, regional, private).

    ``breakdown`` is ``{"paragraph": {"§ 107": {"provider_type": {"own": n, …}}, …}}`` with
    every paragraph and provider type present (zeros kept). A person is counted once per
    paragraph; with two active measures of the same paragraph the one that started last
    gives the provider type (ties: the larger ``intervention_id``). ``value`` is the number
    of distinct persons in any of the three, so a person in both § 107 and § 110 on the day
    counts once in ``value`` and once under each paragraph (``extra["in_several"]``).
    """
    day = ctx.period.end
    mask = ctx.active_on(day) & _of_types(ctx, tuple(ADULT_HOUSING))
    inter = ctx.interventions
    frame = pd.DataFrame(
        {
            "person": ctx.person_code[mask],
            "paragraph": inter["measure_type"].to_numpy()[mask],
            "provider": inter["provider_type"].to_numpy()[mask],
            "start": inter["start_date"].to_numpy()[mask],
            "id": inter["intervention_id"].to_numpy()[mask],
        }
    )
    frame["paragraph"] = frame["paragraph"].map(ADULT_HOUSING)
    frame = frame.sort_values(["person", "paragraph", "start", "id"], kind="stable")
    frame = frame.drop_duplicates(["person", "paragraph"], keep="last")
    counts = frame.groupby(["paragraph", "provider"]).size()
    breakdown = {
        paragraph: {
            "provider_type": {
                provider: int(counts.get((paragraph, provider), 0)) for provider in PROVIDER_TYPES
            }
        }
        for paragraph in ADULT_HOUSING.values()
    }
    per_person = frame.groupby("person").size()
    return Result(
        "",
        int(per_person.size),
        "persons",
        breakdown={"paragraph": breakdown},
        extra={"in_several": int((per_person > 1).sum())},
    )


@indicator(
    "adults.housing_flow",
    unit="count",
    label_da="Tilgang og afgang i botilbud og forsorgshjem (§ 107, § 108, § 110)",
)
def housing_flow(ctx: Context) -> Result:
    """Starts and ends in § 107 / § 108 / § 110 in the period.

    Counted per measure (like ``fp6.flow``): a start is a measure with ``start_date`` in
    the period, an end one with ``end_date`` in the period (a measure ending on the last day
    of the period is an end of this period); a measure that starts and ends in the period
    counts once as each. A move from one housing measure to another is an end and a start.
    ``value`` is the net flow (starts − ends, negative = fewer measures); ``breakdown`` is
    ``{"paragraph": {"§ 107": net, …}}``; ``table`` has one row per paragraph with
    ``starts``, ``ends`` and ``net``.
    """
    period = ctx.period
    inter = ctx.interventions
    starts = _within(day_number(inter["start_date"]), period.start, period.end)
    ends = _within(day_number(inter["end_date"], open_end=True), period.start, period.end)
    table = []
    for measure_type, paragraph in ADULT_HOUSING.items():
        kind = _of_types(ctx, (measure_type,))
        n_starts, n_ends = int((kind & starts).sum()), int((kind & ends).sum())
        table.append(
            {"paragraph": paragraph, "starts": n_starts, "ends": n_ends, "net": n_starts - n_ends}
        )
    total_starts = sum(row["starts"] for row in table)
    total_ends = sum(row["ends"] for row in table)
    return Result(
        "",
        total_starts - total_ends,
        "count",
        breakdown={"paragraph": {row["paragraph"]: row["net"] for row in table}},
        table=table,
        extra={"starts": total_starts, "ends": total_ends},
    )


# ---- own home --------------------------------------------------------------------------------
@indicator(
    "adults.own_home_share",
    unit="share",
    label_da="Andel i eget hjem med støtte (§ 85) af borgere med § 85, § 107 eller § 108",
)
def own_home_share(ctx: Context) -> Result:
    """Persons at period end with § 85 and no active § 107/§ 108 / persons with any of
    § 85, § 107, § 108 — "how well citizens are helped into their own home".

    Implemented as written: § 110 (shelter) is in neither part, so a person with § 85 and a
    shelter stay counts as in own home. ``basis`` is the denominator; no person in any of
    the three → ``null``.
    """
    active = ctx.active_on(ctx.period.end)
    own_home = _person_set(ctx, active & _of_types(ctx, (OWN_HOME,)))
    housing = _person_set(ctx, active & _of_types(ctx, HOUSING_107_108))
    numerator = len(own_home - housing)
    denominator = len(own_home | housing)
    value = ratio(numerator, denominator, "the number of persons with § 85, § 107 or § 108")
    return Result(
        "",
        value,
        "share",
        basis=denominator,
        extra={
            "own_home_persons": numerator,
            "housing_persons": len(housing),
            "own_home_and_housing_persons": len(own_home & housing),
        },
    )


def _active_after(exits: pd.DataFrame, measures: pd.DataFrame, last_offset: int) -> np.ndarray:
    """For each exit (``person``, ``end``): one of the person's ``measures`` (``person``,
    ``s``, ``e`` as day numbers) is active on some day of [end + 1, end + last_offset]."""
    pairs = exits.reset_index().merge(measures, on="person")
    hit = (pairs["s"] <= pairs["end"] + last_offset) & (pairs["e"] >= pairs["end"] + 1)
    found = np.zeros(len(exits), dtype=bool)
    found[pairs.loc[hit, "index"].to_numpy()] = True
    return found


@indicator(
    "adults.moved_to_own_home",
    unit="persons",
    label_da="Borgere flyttet fra botilbud (§ 107/§ 108) til eget hjem med støtte (§ 85)",
)
def moved_to_own_home(ctx: Context) -> Result:
    """Persons who ended § 107/§ 108 in the period and had § 85 active within 30 days after.

    "Within 30 days after" a measure ending on day *e*: a § 85 measure of the person is
    active on at least one day of [*e* + 1, *e* + 30] (it starts on or before *e* + 30 and
    has no end or ends on or after *e* + 1) — so a § 85 starting on day 30 after counts,
    one starting on day 31 does not, and a § 85 that ran alongside the housing offer and
    continues counts. An ending followed by another § 107/§ 108 measure active on *e* + 1 is
    a transfer between housing offers, not an exit, and does not count. A person counts once
    (``breakdown`` ``{"paragraph": {"§ 107": n, "§ 108": n}}``: once per paragraph ended).
    The window may reach past the period end: ``note`` warns when it reaches past the data
    extract, as a later extract may then add persons. ``extra["exits"]`` is the number of
    persons who left § 107/§ 108 in the period (the base of a share).
    """
    period = ctx.period
    inter = ctx.interventions
    start = day_number(inter["start_date"])
    end = day_number(inter["end_date"], open_end=True)
    housing = _of_types(ctx, HOUSING_107_108)
    ended = housing & _within(end, period.start, period.end)
    exits = pd.DataFrame(
        {
            "person": ctx.person_code[ended],
            "paragraph": _paragraphs(ctx)[ended],
            "end": end[ended],
        }
    )

    def other(kind: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame({"person": ctx.person_code[kind], "s": start[kind], "e": end[kind]})

    transfer = _active_after(exits, other(housing), 1)
    exits = exits[~transfer].reset_index(drop=True)
    own_home = other(_of_types(ctx, (OWN_HOME,)))
    is_moved = _active_after(exits, own_home, OWN_HOME_WINDOW_DAYS)
    moved = exits[is_moved]
    per_paragraph = moved.drop_duplicates(["person", "paragraph"]).groupby("paragraph").size()
    note = None
    extract = int(day_number(ctx.tables.extract_date))
    late = int((~is_moved & (exits["end"].to_numpy() + OWN_HOME_WINDOW_DAYS > extract)).sum())
    if late:
        note = (
            f"{late} fraflytning(er) uden § 85 endnu ligger mindre end "
            f"{OWN_HOME_WINDOW_DAYS} dage før dataudtrækket; tallet kan stige, når data "
            "opdateres."
        )
    return Result(
        "",
        int(moved["person"].nunique()),
        "persons",
        breakdown={"paragraph": series_dict(per_paragraph, ["§ 107", "§ 108"])},
        note=note,
        extra={"exits": int(exits["person"].nunique()), "transfers": int(transfer.sum())},
    )


# ---- follow-up savings -----------------------------------------------------------------------
def _decided_followups(ctx: Context) -> pd.DataFrame:
    """Follow-ups of adults' measures done in the period with outcome reduced/ended, with
    ``row`` (position of the measure) and ``done`` (day number), in the order done."""
    followups = ctx.tables.followups
    assert followups is not None
    outcome = (
        followups["outcome"]
        if "outcome" in followups
        else pd.Series(None, index=followups.index, dtype=object)
    )
    done = day_number(followups["done_on"])
    keep = outcome.isin(["reduced", "ended"]).to_numpy() & _within(
        done, ctx.period.start, ctx.period.end
    )
    chosen = pd.DataFrame(
        {
            "followup_id": followups["followup_id"].to_numpy()[keep],
            "outcome": outcome.to_numpy()[keep],
            "done": done[keep],
            "row": ctx.measure_rows(followups["intervention_id"].to_numpy()[keep]),
        }
    )
    chosen = chosen[chosen["row"].to_numpy() >= 0]
    chosen = chosen[ctx.is_adults[chosen["row"].to_numpy()]]
    return chosen.sort_values(["done", "followup_id"], kind="stable").reset_index(drop=True)


def _first_price_change(ctx: Context, reduced: pd.DataFrame) -> pd.Series:
    """For each 'reduced' follow-up (index of ``reduced``): the ``valid_from`` day number of
    the measure's first price row in [done, done + N], after its first day and while it runs.
    """
    prices = ctx.tables.measure_prices
    if prices is None or not len(prices) or reduced.empty:
        return pd.Series(dtype=np.int64)
    inter = ctx.interventions
    price_rows = pd.DataFrame(
        {
            "row": ctx.measure_rows(prices["intervention_id"]),
            "valid_from": day_number(prices["valid_from"]),
        }
    )
    price_rows = price_rows[price_rows["row"] >= 0]
    start = day_number(inter["start_date"])
    end = day_number(inter["end_date"], open_end=True)
    pairs = reduced.reset_index().merge(price_rows, on="row")
    row = pairs["row"].to_numpy()
    pairs = pairs[
        (pairs["valid_from"] >= pairs["done"])
        & (pairs["valid_from"] <= pairs["done"] + FOLLOWUP_EFFECT_DAYS)
        & (pairs["valid_from"] > start[row])
        & (pairs["valid_from"] <= end[row])
    ]
    return pairs.groupby("index")["valid_from"].min()


def _followup_effects(ctx: Context) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per saving: ``row`` (measure), ``person``, ``paragraph``, ``effective`` (the
    day number from which it applies), ``before`` and ``after`` (annual cost); plus counts of
    the follow-ups that gave none."""
    chosen = _decided_followups(ctx)
    if ctx.tables.measure_prices is None and (chosen["outcome"] == "reduced").any():
        raise MissingInput(
            "needs the optional table measure_prices to price follow-ups with outcome "
            "'reduced', which is absent"
        )
    inter = ctx.interventions
    rows = chosen["row"].to_numpy()
    done = chosen["done"].to_numpy()
    is_ended = (chosen["outcome"] == "ended").to_numpy()
    effective = np.full(len(chosen), -1, dtype=np.int64)
    # 'ended': the measure ends within the window; from the next day it costs nothing.
    end = day_number(inter["end_date"], open_end=True)[rows]
    ends_in_window = (end >= done) & (end <= done + FOLLOWUP_EFFECT_DAYS)
    reasons = inter["end_reason"] if "end_reason" in inter else pd.Series(None, index=inter.index)
    moved_on = is_ended & ends_in_window & reasons.isin(NOT_A_SAVING).to_numpy()[rows]
    saved = is_ended & ends_in_window & ~moved_on
    effective[saved] = end[saved] + 1
    # 'reduced': from the first price row in the window the price is that row's.
    first = _first_price_change(ctx, chosen[~is_ended])
    effective[first.index.to_numpy()] = first.to_numpy()
    matched = effective >= 0
    segments = ctx.segments
    after = np.zeros(len(chosen))
    after[first.index.to_numpy()] = _segments_on(
        segments, rows[first.index.to_numpy()], first.to_numpy()
    )
    effects = pd.DataFrame(
        {
            "row": rows[matched],
            "person": ctx.person_code[rows[matched]],
            "paragraph": _paragraphs(ctx)[rows[matched]],
            "effective": effective[matched],
            "before": _segments_on(segments, rows[matched], effective[matched] - 1),
            "after": after[matched],
        }
    )
    # A price change (or ending) is counted once, for the first follow-up that led to it.
    effects = effects.drop_duplicates(["row", "effective"]).reset_index(drop=True)
    unmatched = {
        "reduced_without_price_change": int((~matched & ~is_ended).sum()),
        "ended_without_ending": int((is_ended & ~ends_in_window).sum()),
        "ended_cost_moved": int(moved_on.sum()),
    }
    return effects, unmatched


@indicator(
    "adults.followup_savings",
    unit="kr",
    label_da="Besparelse som følge af opfølgning (årlig effekt, kr.)",
    needs=("followups",),
)
def followup_savings(ctx: Context) -> Result:
    """For measures whose price changed after a follow-up (``followups.outcome`` =
    ``reduced``/``ended``) in the period: Σ (annual cost before − annual cost after),
    annualised — "savings from strengthened follow-up" (seed ``004_…``).

    Follow-ups of adults' measures with ``done_on`` in the period. Outcome ``reduced``: the
    change is the measure's first ``measure_prices`` row with ``valid_from`` in
    [``done_on``, ``done_on`` + 90 days] (after the measure's first day, while it runs);
    after = that row's annual cost. Outcome ``ended``: the measure's ``end_date`` is in
    [``done_on``, ``done_on`` + 90 days] and its ``end_reason`` is not ``stepped_up`` or
    ``moved_away`` (then the cost moved to a bigger measure or another municipality; counted
    in ``extra["ended_cost_moved"]``); after = 0. Before = the annual cost in force the day
    before the change takes effect. No price row / no ending in the window → no saving
    (counted in ``extra``). Each saving is an annual rate (kr. per year), not the amount saved
    within the period. A price *increase* after a 'reduced' follow-up gives a negative
    saving; it is kept. Each change is counted once. ``breakdown``:
    ``{"paragraph": {…}}`` (``other`` for measure types without a paragraph label);
    ``basis``: persons behind the savings. Without ``measure_prices`` 'reduced' follow-ups
    cannot be priced: ``null`` when there are any.
    """
    effects, unmatched = _followup_effects(ctx)
    effects["saving"] = effects["before"] - effects["after"]
    by_paragraph = effects.groupby("paragraph")
    persons = by_paragraph["person"].nunique()
    table = [
        {
            "paragraph": str(paragraph),
            "measures": len(group),
            "annual_cost_before": float(group["before"].sum()),
            "annual_cost_after": float(group["after"].sum()),
            "saving": float(group["saving"].sum()),
        }
        for paragraph, group in by_paragraph
    ]
    return Result(
        "",
        float(effects["saving"].sum()),
        "kr",
        breakdown={"paragraph": series_dict(by_paragraph["saving"].sum())},
        basis=int(effects["person"].nunique()),
        breakdown_basis={"paragraph": series_dict(persons)},
        table=table,
        note=f"Årlig effekt; ændringer op til {FOLLOWUP_EFFECT_DAYS} dage efter opfølgningen.",
        extra={"measures": len(effects), **unmatched},
    )


# ---- baseline effect -------------------------------------------------------------------------
def _baseline_date(ctx: Context) -> date:
    rows = _reference_rows(ctx, BASELINE_YEAR_KEY)
    values = rows["value"].dropna().unique()
    if len(values) == 0:
        raise MissingInput(
            f"reference has no {BASELINE_YEAR_KEY} (the year whose 1 January is the baseline)"
        )
    if len(values) > 1:
        raise MissingInput(f"reference has several values of {BASELINE_YEAR_KEY}")
    year = float(values[0])
    if not year.is_integer() or not 1900 <= year <= 2100:
        raise MissingInput(f"reference {BASELINE_YEAR_KEY} is not a year")
    return date(int(year), 1, 1)


def _expected_effect(ctx: Context, year: int) -> float | None:
    rows = _reference_rows(ctx, EXPECTED_EFFECTS_KEY)
    rows = rows[(rows["year"] == year).fillna(False).to_numpy()]
    return None if rows.empty else float(rows["value"].iloc[0])


def _cost_per_person(ctx: Context, segments: pd.DataFrame, days: pd.Series) -> pd.Series:
    """Σ annual cost in force on ``days[person]`` over the person's adults' measures."""
    rows = np.flatnonzero(ctx.is_adults & np.isin(ctx.person_code, days.index.to_numpy()))
    person = ctx.person_code[rows]
    cost = _segments_on(segments, rows, days.reindex(person).to_numpy())
    return pd.Series(np.nan_to_num(cost), index=person).groupby(level=0).sum()


@indicator(
    "adults.baseline_effect",
    unit="kr",
    label_da="Økonomisk effekt af den faglige omstilling (årlig, kr.)",
)
def baseline_effect(ctx: Context) -> Result:
    """Seed ``002_…``: citizens active on the baseline date: Σ annual cost then − Σ annual
    cost now ("original citizens"); citizens who started after: Σ annual cost at first
    decision − Σ annual cost now ("new citizens"); total; against the expected effect per
    year from ``reference.expected_effects``.

    Baseline date: 1 January of ``reference.baseline_year`` (``null`` without it). "Now" is
    the period end. A citizen's annual cost on a day is the sum of the annual costs in force
    that day (``measure_prices`` included) over all the citizen's active adults' measures,
    whatever the provider — 0 when none is active, so a citizen who left every measure saves
    the whole cost. Original citizens: an adults' measure active on the baseline date. New
    citizens: none active on the baseline date, an adults' measure starting after it and on
    or before the period end; "first decision" is the first such start, priced over the
    measures active that day. Citizens with nothing active now who left through an ending
    with ``end_reason = moved_away`` (on or after the baseline date) moved to another
    municipality — not an effect of the reform — and are left out of both groups (row
    ``moved_away`` of ``table``). ``value`` = original + new effect (positive = saving);
    ``table`` rows ``original``, ``new``, ``total`` (with the expected effect for the
    period's calendar year), ``moved_away``; columns ``persons``, ``annual_cost_then``,
    ``annual_cost_now``, ``effect`` and, to show how much of the effect is citizens leaving
    the area rather than needing less, ``persons_left`` / ``effect_left`` (citizens with no
    active adults' measure now, and their whole cost then); ``basis`` = citizens in the two
    groups.
    """
    baseline = _baseline_date(ctx)
    now = ctx.period.end
    if baseline >= now:
        raise MissingInput(f"the baseline date {baseline} is not before the period end {now}")
    inter = ctx.interventions
    adults = ctx.is_adults
    start = day_number(inter["start_date"])
    end = day_number(inter["end_date"], open_end=True)
    b, e = int(day_number(baseline)), int(day_number(now))
    original = _person_set(ctx, adults & ctx.active_on(baseline))
    later = adults & (start > b) & (start <= e)
    first = pd.Series(start[later], index=ctx.person_code[later]).groupby(level=0).min()
    first = first[~first.index.isin(list(original))]
    active_now = _person_set(ctx, adults & ctx.active_on(now))
    reasons = inter["end_reason"] if "end_reason" in inter else pd.Series(None, index=inter.index)
    moved = (reasons == "moved_away").fillna(False).to_numpy() & adults & (end >= b) & (end <= e)
    moved_away = _person_set(ctx, moved) - active_now

    segments = ctx.segments
    groups = {
        "original": pd.Series(b, index=sorted(original - moved_away), dtype=np.int64),
        "new": first[~first.index.isin(list(moved_away))].astype(np.int64),
        "moved_away": pd.Series(
            [b if p in original else int(first.get(p, b)) for p in sorted(moved_away)],
            index=sorted(moved_away),
            dtype=np.int64,
        ),
    }
    rows: dict[str, dict] = {}
    for name, then_day in groups.items():
        then = _cost_per_person(ctx, segments, then_day).reindex(then_day.index, fill_value=0)
        current = _cost_per_person(ctx, segments, pd.Series(e, index=then_day.index))
        current = current.reindex(then_day.index, fill_value=0.0)
        left = ~then_day.index.isin(list(active_now))
        rows[name] = {
            "group": name,
            "persons": int(then_day.size),
            "annual_cost_then": float(then.sum()),
            "annual_cost_now": float(current.sum()),
            "effect": float(then.sum() - current.sum()),
            "persons_left": int(left.sum()),
            "effect_left": float(then[left].sum()),
            "expected_effect": None,
        }
    rows["moved_away"].update(effect=None, effect_left=None)
    expected = _expected_effect(ctx, ctx.period.year)
    summed = ("persons", "annual_cost_then", "annual_cost_now", "effect", "persons_left")
    total = {
        "group": "total",
        **{key: rows["original"][key] + rows["new"][key] for key in summed},
        "effect_left": rows["original"]["effect_left"] + rows["new"]["effect_left"],
        "expected_effect": expected,
    }
    total = {key: total[key] for key in rows["original"]}
    note = f"Baseline {baseline.isoformat()}; årlig effekt opgjort pr. {now.isoformat()}."
    if expected is None:
        note += f" Ingen forventet effekt for {ctx.period.year} i reference."
    return Result(
        "",
        float(total["effect"]),
        "kr",
        basis=int(total["persons"]),
        table=[rows["original"], rows["new"], total, rows["moved_away"]],
        note=note,
        extra={
            "baseline_date": baseline,
            "original": rows["original"]["effect"],
            "new": rows["new"]["effect"],
            "expected_effect": expected,
            "difference_from_expected": None
            if expected is None
            else clean(total["effect"] - expected),
        },
    )
