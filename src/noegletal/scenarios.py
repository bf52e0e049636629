"""Social-investment scenarios: a cost-group model (seed ``000_…``, Housing First).

A scenario tool, not a key figure. Participants are split into cost groups with an average
annual municipal cost (seed: 0; 2,000; 7,000; 69,000; 337,000 kr.). The intervention moves a
share of the participants one group down (seed: 20 %); each year a share moves out of the
municipality (6 %) and a share of the successes relapses to their old group (10 %). The model
gives, per year over a horizon, the expected cost without and with the intervention, the saving,
the cumulative saving against the investment, and the payments of an outcome rate card (seed:
Aarhus Kommune and Den Sociale Investeringsfond, payments at 6/12/18/24/36 months).

Every number comes from a scenario file (YAML, :func:`load_scenario`); nothing is built in.
The equations are in ``docs/scenarios.md``.

Timing convention: everything that happens during a year (move-out, relapse) counts for the
whole year, i.e. each year is costed on the participants and groups at its *end*. This errs on
the side of smaller savings.

>>> scenario = Scenario(
...     name="doc", horizon_years=2, investment=0.0,
...     groups=(CostGroup("low", 0.0, 0.0), CostGroup("high", 100.0, 10.0)),
...     move_down_share=0.5, move_out_rate=0.0, relapse_rate=0.0)
>>> run_scenario(scenario)["saving"].tolist()  # 5 participants × 100 kr. lower cost a year
[500.0, 500.0]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

__all__ = [
    "COLUMNS",
    "CostGroup",
    "RateCard",
    "RateCardOutcome",
    "Scenario",
    "ScenarioError",
    "ScenarioProblem",
    "load_scenario",
    "rate_card_payments",
    "run_scenario",
]

#: Columns of :func:`run_scenario`'s frame, in order (money in kr., counts expected values).
COLUMNS = (
    "year",
    "participants",
    "successes",
    "cost_without",
    "cost_with",
    "saving",
    "cumulative_saving",
    "cumulative_saving_less_investment",
    "rate_card_payment",
    "cumulative_rate_card_payment",
    "cumulative_saving_less_rate_card",
)

MAX_HORIZON_YEARS = 50


# ---- the scenario ------------------------------------------------------------------------------
@dataclass(frozen=True)
class CostGroup:
    """A cost group: name, average annual municipal cost (kr.), participants at the start."""

    name: str
    annual_cost: float
    participants: float


@dataclass(frozen=True)
class RateCardOutcome:
    """One row of a rate card: the payment (kr.) at each milestone and the expected share of
    the participants still in the municipality who achieve the outcome at that milestone."""

    name: str
    payments: tuple[float, ...]
    probabilities: tuple[float, ...]
    label_da: str = ""


@dataclass(frozen=True)
class RateCard:
    """An outcome rate card: milestones in months after the start and one row per outcome."""

    milestones_months: tuple[int, ...]
    outcomes: tuple[RateCardOutcome, ...]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario (see ``scenarios/housing-first.yml`` for the file form).

    ``groups`` are ordered from the lowest to the highest annual cost; ``move_down_share``,
    ``move_out_rate`` and ``relapse_rate`` are fractions per year (0.2, not 20).
    """

    name: str
    horizon_years: int
    investment: float
    groups: tuple[CostGroup, ...]
    move_down_share: float
    move_out_rate: float
    relapse_rate: float
    rate_card: RateCard | None = None
    description: str = ""
    source: Path | None = field(default=None, compare=False)

    @property
    def participants(self) -> float:
        """Participants at the start (all groups)."""
        return float(sum(g.participants for g in self.groups))


# ---- the model ---------------------------------------------------------------------------------
def _participants_by_year(scenario: Scenario) -> np.ndarray:
    """Expected participants in years 1..H (index 0 = year 1): N (1 − m)^t."""
    years = np.arange(1, scenario.horizon_years + 1)
    return scenario.participants * (1.0 - scenario.move_out_rate) ** years


def run_scenario(scenario: Scenario) -> pd.DataFrame:
    """Expected costs, savings and rate-card payments per year (one row per year 1..H).

    Columns (:data:`COLUMNS`): ``year``; ``participants`` (expected participants still in the
    municipality); ``successes`` (expected participants one group below their start group);
    ``cost_without`` and ``cost_with`` the intervention (kr.); ``saving`` = without − with;
    ``cumulative_saving``; ``cumulative_saving_less_investment`` (= cumulative saving −
    ``investment``; the break-even year is the first where it is ≥ 0);
    ``rate_card_payment`` (payments for the milestones that fall in the year: 6 and 12 months
    in year 1, 18 and 24 in year 2, 36 in year 3; 0 without a rate card);
    ``cumulative_rate_card_payment``; ``cumulative_saving_less_rate_card``.
    """
    costs = np.array([g.annual_cost for g in scenario.groups], dtype=float)
    start = np.array([g.participants for g in scenario.groups], dtype=float)
    # A success moves one group down; the lowest group has nowhere to go.
    movable = np.arange(len(costs)) >= 1
    cost_down = np.concatenate([costs[:1], costs[:-1]])
    stay = start * np.where(movable, 1.0 - scenario.move_down_share, 1.0)
    success = start * np.where(movable, scenario.move_down_share, 0.0)
    keep, relapse = 1.0 - scenario.move_out_rate, scenario.relapse_rate
    rows = []
    for year in range(1, scenario.horizon_years + 1):
        # During the year: a share moves out (of both stocks), then successes relapse.
        stay, success = stay * keep, success * keep
        relapsed = success * relapse
        stay, success = stay + relapsed, success - relapsed
        cost_without = float(((stay + success) * costs).sum())
        cost_with = float((stay * costs).sum() + (success * cost_down).sum())
        rows.append(
            {
                "year": year,
                "participants": float((stay + success).sum()),
                "successes": float(success.sum()),
                "cost_without": cost_without,
                "cost_with": cost_with,
                "saving": cost_without - cost_with,
            }
        )
    frame = pd.DataFrame(rows)
    frame["cumulative_saving"] = frame["saving"].cumsum()
    frame["cumulative_saving_less_investment"] = frame["cumulative_saving"] - scenario.investment
    payments = rate_card_payments(scenario)
    per_year = (
        payments.groupby("year")["payment"].sum() if len(payments) else pd.Series(dtype=float)
    )
    frame["rate_card_payment"] = frame["year"].map(per_year).fillna(0.0).astype(float)
    frame["cumulative_rate_card_payment"] = frame["rate_card_payment"].cumsum()
    frame["cumulative_saving_less_rate_card"] = (
        frame["cumulative_saving"] - frame["cumulative_rate_card_payment"]
    )
    return frame[list(COLUMNS)]


def payment_year(months: int) -> int:
    """The model year a milestone falls in: ``ceil(months / 12)``.

    >>> [payment_year(m) for m in (6, 12, 18, 24, 36)]
    [1, 1, 2, 2, 3]
    """
    return math.ceil(months / 12)


def rate_card_payments(scenario: Scenario) -> pd.DataFrame:
    """Expected rate-card payments per outcome and milestone.

    Columns: ``outcome``, ``label_da``, ``months``, ``year`` (:func:`payment_year`),
    ``participants`` (expected participants in that year, as in :func:`run_scenario`),
    ``probability``, ``achievers`` (= participants × probability), ``payment_per_achiever``,
    ``payment`` (= achievers × payment per achiever). Milestones after the horizon are listed
    (their ``year`` is beyond it) but are not in :func:`run_scenario`'s frame. Empty without a
    rate card.
    """
    columns = [
        "outcome",
        "label_da",
        "months",
        "year",
        "participants",
        "probability",
        "achievers",
        "payment_per_achiever",
        "payment",
    ]
    card = scenario.rate_card
    if card is None:
        return pd.DataFrame(columns=columns)
    keep = 1.0 - scenario.move_out_rate
    rows = []
    for outcome in card.outcomes:
        for months, pay, prob in zip(
            card.milestones_months, outcome.payments, outcome.probabilities, strict=True
        ):
            year = payment_year(months)
            participants = scenario.participants * keep**year
            rows.append(
                {
                    "outcome": outcome.name,
                    "label_da": outcome.label_da,
                    "months": months,
                    "year": year,
                    "participants": participants,
                    "probability": prob,
                    "achievers": participants * prob,
                    "payment_per_achiever": pay,
                    "payment": participants * prob * pay,
                }
            )
    return pd.DataFrame(rows, columns=columns)


# ---- the scenario file --------------------------------------------------------------------------
@dataclass(frozen=True)
class ScenarioProblem:
    """One broken rule of a scenario file: where (file, key), which rule, what to do."""

    file: str
    key: str
    rule: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.rule}. Fix: {self.fix}."


class ScenarioError(ValueError):
    """A scenario file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[ScenarioProblem]):
        self.problems = problems
        lines = [f"the scenario file has {len(problems)} problem(s):"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


TOP_KEYS = {"name", "description", "horizon_years", "investment", "groups", "rates", "rate_card"}
GROUP_KEYS = {"name", "annual_cost", "participants"}
RATE_KEYS = {"move_down_share", "move_out_rate", "relapse_rate"}
CARD_KEYS = {"milestones_months", "outcomes"}
OUTCOME_KEYS = {"name", "label_da", "payments", "probabilities"}


class _Checker:
    """Collects problems while reading the parsed YAML."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[ScenarioProblem] = []

    def add(self, key: str, rule: str, fix: str) -> None:
        self.problems.append(ScenarioProblem(self.file, key, rule, fix))

    def mapping(self, value: Any, key: str, allowed: set[str], required: set[str]) -> dict:
        if not isinstance(value, Mapping):
            self.add(
                key or "(top level)",
                f"must be a mapping of keys to values (found {type(value).__name__})",
                f"write the keys {sorted(allowed)}",
            )
            return {}
        for unknown in sorted(set(map(str, value)) - allowed):
            self.add(
                f"{key}.{unknown}" if key else unknown,
                "is not a known key",
                f"use one of {sorted(allowed)} (check the spelling)",
            )
        for missing in sorted(required - set(map(str, value))):
            self.add(f"{key}.{missing}" if key else missing, "is missing", "add it")
        return dict(value)

    def number(
        self, value: Any, key: str, *, low: float = 0.0, high: float | None = None, fix: str
    ) -> float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if ok and math.isfinite(value) and value >= low and (high is None or value <= high):
            return float(value)
        bounds = f"between {low:g} and {high:g}" if high is not None else f"at least {low:g}"
        self.add(key, f"must be a number {bounds} (found {value!r})", fix)
        return 0.0

    def text(self, value: Any, key: str) -> str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        if value is not None and not isinstance(value, Mapping | list):
            return str(value)
        self.add(key, f"must be a text (found {value!r})", "write a short name in quotes")
        return ""

    def number_list(
        self, value: Any, key: str, length: int | None, *, high: float | None, fix: str
    ) -> tuple[float, ...]:
        """A list of numbers; ``length`` None when the milestones are invalid themselves."""
        if not isinstance(value, list) or (length is not None and len(value) != length):
            count = f"{length} numbers, one per milestone" if length is not None else "numbers"
            self.add(key, f"must be a list of {count} (found {value!r})", fix)
            return (0.0,) * (length or 0)
        return tuple(self.number(v, f"{key}[{i}]", high=high, fix=fix) for i, v in enumerate(value))


def _read_groups(check: _Checker, value: Any) -> tuple[CostGroup, ...]:
    if not isinstance(value, list) or not value:
        check.add("groups", "must be a non-empty list of cost groups", "list at least one group")
        return ()
    groups = []
    problems_before = len(check.problems)
    for i, raw in enumerate(value):
        key = f"groups[{i}]"
        item = check.mapping(raw, key, GROUP_KEYS, GROUP_KEYS)
        groups.append(
            CostGroup(
                name=check.text(item.get("name"), f"{key}.name"),
                annual_cost=check.number(
                    item.get("annual_cost"),
                    f"{key}.annual_cost",
                    fix="write the group's average annual municipal cost in kr., e.g. 69000",
                ),
                participants=check.number(
                    item.get("participants"),
                    f"{key}.participants",
                    fix="write the number of participants in the group at the start, e.g. 20",
                ),
            )
        )
    costs = [g.annual_cost for g in groups]
    if len(check.problems) == problems_before and any(b < a for a, b in itertools.pairwise(costs)):
        check.add(
            "groups",
            "must be ordered from the lowest to the highest annual_cost "
            f"(found {[round(c) for c in costs]}): a success moves one group down",
            "reorder the groups by increasing annual_cost",
        )
    valid = len(check.problems) == problems_before
    if valid and sum(g.participants for g in groups) <= 0:
        check.add("groups", "have no participants in total", "give at least one group participants")
    return tuple(groups)


def _read_rate_card(check: _Checker, value: Any) -> RateCard | None:
    if value is None:
        return None
    card = check.mapping(value, "rate_card", CARD_KEYS, CARD_KEYS)
    months = card.get("milestones_months")
    valid = (
        isinstance(months, list)
        and months
        and all(isinstance(m, int) and not isinstance(m, bool) and m > 0 for m in months)
        and all(b > a for a, b in itertools.pairwise(months))
    )
    if not valid:
        check.add(
            "rate_card.milestones_months",
            f"must be a list of increasing whole months after the start (found {months!r})",
            "write e.g. [6, 12, 18, 24, 36]",
        )
    length = len(months) if valid else None
    months = months if valid else []
    raw_outcomes = card.get("outcomes")
    if not isinstance(raw_outcomes, list) or not raw_outcomes:
        if "outcomes" in card:
            check.add(
                "rate_card.outcomes", "must be a non-empty list", "list the outcomes paid for"
            )
        return RateCard(tuple(months), ())
    outcomes = []
    for i, raw in enumerate(raw_outcomes):
        key = f"rate_card.outcomes[{i}]"
        item = check.mapping(raw, key, OUTCOME_KEYS, OUTCOME_KEYS - {"label_da"})
        outcomes.append(
            RateCardOutcome(
                name=check.text(item.get("name"), f"{key}.name"),
                label_da=str(item.get("label_da") or ""),
                payments=check.number_list(
                    item.get("payments"),
                    f"{key}.payments",
                    length,
                    high=None,
                    fix="write one payment in kr. (0 or more) per milestone",
                ),
                probabilities=check.number_list(
                    item.get("probabilities"),
                    f"{key}.probabilities",
                    length,
                    high=1.0,
                    fix="write one share between 0 and 1 per milestone (0.25, not 25)",
                ),
            )
        )
    return RateCard(tuple(months), tuple(outcomes))


def parse_scenario(raw: Any, file: str = "<scenario>", source: Path | None = None) -> Scenario:
    """Validate parsed YAML and build a :class:`Scenario`; raise :class:`ScenarioError` with
    every problem (file, key, rule, fix)."""
    check = _Checker(file)
    required = {"name", "horizon_years", "investment", "groups", "rates"}
    top = check.mapping(raw, "", TOP_KEYS, required)
    horizon = top.get("horizon_years")
    if "horizon_years" in top and not (
        isinstance(horizon, int)
        and not isinstance(horizon, bool)
        and 1 <= horizon <= MAX_HORIZON_YEARS
    ):
        check.add(
            "horizon_years",
            f"must be a whole number of years from 1 to {MAX_HORIZON_YEARS} (found {horizon!r})",
            "write e.g. 5",
        )
        horizon = 1
    investment = 0.0
    if "investment" in top:
        investment = check.number(
            top["investment"],
            "investment",
            fix="write the amount invested in kr. before year 1 (0 if none), e.g. 3000000",
        )
    groups = _read_groups(check, top.get("groups")) if "groups" in top else ()
    rates = check.mapping(top.get("rates"), "rates", RATE_KEYS, RATE_KEYS) if "rates" in top else {}
    fix = "write a share per year between 0 and 1 (0.06, not 6)"
    shares = {
        key: check.number(rates[key], f"rates.{key}", high=1.0, fix=fix)
        for key in sorted(RATE_KEYS)
        if key in rates
    }
    card = _read_rate_card(check, top.get("rate_card"))
    name = check.text(top.get("name"), "name") if "name" in top else ""
    if check.problems:
        raise ScenarioError(check.problems)
    return Scenario(
        name=name,
        description=str(top.get("description") or "").strip(),
        horizon_years=int(horizon),  # type: ignore[arg-type]
        investment=investment,
        groups=groups,
        move_down_share=shares["move_down_share"],
        move_out_rate=shares["move_out_rate"],
        relapse_rate=shares["relapse_rate"],
        rate_card=card,
        source=source,
    )


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario file (YAML).

    Raises
    ------
    ScenarioError
        Listing every problem as ``file: key: rule. Fix: …`` (a missing file and invalid
        YAML included).
    """
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(
            [
                ScenarioProblem(
                    str(path), "(file)", "the file does not exist", "give the path of a .yml file"
                )
            ]
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            [
                ScenarioProblem(
                    path.name, "(file)", f"is not valid YAML ({exc})", "fix the YAML syntax"
                )
            ]
        ) from None
    return parse_scenario(raw, path.name, source=path)
