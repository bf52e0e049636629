"""Deterministic synthetic municipality: the fictional *Egebjerg Kommune* (code 999).

:func:`generate_municipality` simulates one municipality's specialised social area and returns
every table of ``DATA.md`` as a typed DataFrame (dates ``datetime64[ns]``, money ``float64``
rounded to øre, ids ``str``). :func:`generate_example` calls it once for Egebjerg Kommune
(about 50,000 inhabitants, 2020-01-01 to the extract date 2026-06-30) and writes the CSV files
and ``municipality.yml`` of a data directory. The same seed gives byte-identical files.

How the data are made (every number is a documented modelling choice, not a fact about a real
municipality; the targets come from the seeds, see ``tests/test_synthetic.py``):

* **Population** on 1 January by age 0–110 from the Danish age pyramid (5-year groups, 2023),
  tilted slightly towards families with children, growing 0.4 % a year.
* **Children** (the staircase, ``INDICATORS.md`` FP1): families enter as a Poisson stream
  proportional to the 0–22-year-olds (1–3 siblings each, sharing ``family_id``). Every child
  then walks the staircase: each *episode* has a gamma-distributed duration per step and ends
  by a transition drawn from a step × outcome matrix — a step up (``stepped_up``), a step down
  (``stepped_down``), or an exit (``goal_achieved``, ``moved_away``, ``other``); at the 18th
  (or, for continued support, the 23rd) birthday the episode ends with ``age_out``. Some
  placements carry a parallel preventive measure. The simulation starts 25 years (adults: 20)
  before the data window so the stock is in steady state on its first day; episodes that
  ended before the window are dropped, those still running keep their earlier start date.
* **Adults**: a housing chain (§ 85 own home, § 107, § 108, § 110) run by the same engine
  (§ 107/§ 108 → § 85 within 0–25 days is the move to one's own home), plus day activity
  (§ 104), protected employment (§ 103), contact person and treatment, partly attached to a
  person's housing measure and partly free-standing.
* **Follow-ups** every 6 months per measure; outcome ``reduced``/``increased`` writes a
  ``measure_prices`` row from the first day of the month after ``done_on``; ``ended`` marks the
  follow-up that closed a measure.
* **Ledger**: one posting per measure and month (last day of the month) = that month's
  commitment cost from the price timeline (:func:`noegletal.measures.price_segments`) × noise
  of ±3 %; 3 % of postings are booked a month late. Plus bookings without a person:
  administration and quarterly reimbursements (negative), employment and special-education
  totals, and person-level employment/special-education rows for the cross-sector families.
* **Budget** per line and year from recent actuals (volume × average cost) with drift;
  the children's volumes are budgeted a little low, so that area overspends in most years.
* **Casework**: notifications (weekday/office-hour weighted, ~82 % assessed within 24 h),
  child examinations (~73 % within 4 months), caseworker FTE per month, appeal decisions.
* **Cross-sector** enrolments (``Familie i Fokus``, ``Unge på vej``), their parents (adults with
  cash benefits and sometimes adults' measures), ``family_members`` and ``outcomes``.

Everything is vectorised with numpy over episodes and postings; the only Python loops run over
simulation rounds, years, follow-up numbers and month ends, so the same core scales to the
national data set of issue #6 (98 municipalities × 10 years).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from noegletal import codes
from noegletal.data.accounts import map_accounts
from noegletal.measures import OPEN_END, price_segments

__all__ = [
    "EXAMPLE",
    "ExampleMunicipality",
    "MunicipalityProfile",
    "format_table",
    "generate_example",
    "generate_municipality",
    "municipality_yaml",
]

#: Day number (days since 1970-01-01) of an open end date.
OPEN = OPEN_END

#: Order in which the tables are generated and written.
TABLE_ORDER = (
    "population",
    "interventions",
    "measure_prices",
    "ledger",
    "budget_lines",
    "budget",
    "notifications",
    "examinations",
    "followups",
    "caseworkers",
    "appeals",
    "cross_sector_enrolments",
    "family_members",
    "outcomes",
    "reference",
)

# ---------------------------------------------------------------------------------------------
# Measure types: children's staircase (codes 0–6) then adults' measures (codes 7–15).
# ---------------------------------------------------------------------------------------------
ALL_TYPES: tuple[str, ...] = codes.CHILD_MEASURE_TYPES + codes.ADULT_MEASURE_TYPES
T = {name: code for code, name in enumerate(ALL_TYPES)}
N_CHILD_TYPES = len(codes.CHILD_MEASURE_TYPES)

#: End reasons as small integers (0 = none: the measure is ongoing).
REASONS = ("", *codes.END_REASONS)
R_NONE, R_GOAL, R_DOWN, R_UP, R_MOVED, R_AGE, R_OTHER = range(7)
assert REASONS[R_GOAL] == "goal_achieved" and REASONS[R_OTHER] == "other"

PROVIDERS = codes.PROVIDER_TYPES  # own, other_municipality, regional, private
P_OWN, P_OTHER_MUN, P_REGIONAL, P_PRIVATE = range(4)

#: Annual cost ranges (kr., price level of 2023) per measure type: (low, high); prices are
#: drawn log-uniformly in the range. § 108 uses its own mixture (seed 000, the § 108 table).
PRICE_RANGE: dict[str, tuple[float, float]] = {
    "early_support": (20_000, 60_000),
    "preventive": (50_000, 150_000),
    "home_based_intensive": (150_000, 400_000),
    "kinship_foster_care": (150_000, 300_000),
    "foster_care": (350_000, 700_000),
    "residential": (900_000, 1_800_000),
    "secure_residential": (2_500_000, 4_500_000),
    "support_own_home": (60_000, 450_000),
    "protected_employment": (60_000, 160_000),
    "day_activity": (110_000, 380_000),
    "temporary_housing": (650_000, 1_500_000),
    "long_term_housing": (1_000_000, 2_000_000),
    "shelter": (250_000, 500_000),
    "contact_person": (30_000, 120_000),
    "treatment": (30_000, 220_000),
    "other": (15_000, 90_000),
}
#: § 108: share of measures in 0.55–1 m, 1.05–1.9 m, 2.1–3.6 m and 4–4.8 m kr. (2023 prices).
LONG_TERM_MIX = ((0.12, 550_000, 1_000_000), (0.70, 1_050_000, 1_900_000),
                 (0.16, 2_100_000, 3_600_000), (0.02, 4_000_000, 4_800_000))  # fmt: skip
PRICE_BASE_YEAR = 2023
PRICE_INFLATION = 0.02

#: Provider mix per measure type (own, other municipality, regional, private).
PROVIDER_MIX: dict[str, tuple[float, float, float, float]] = {
    "early_support": (0.90, 0.00, 0.00, 0.10),
    "preventive": (0.70, 0.05, 0.00, 0.25),
    "home_based_intensive": (0.55, 0.05, 0.00, 0.40),
    "kinship_foster_care": (1.00, 0.00, 0.00, 0.00),
    "foster_care": (0.55, 0.05, 0.00, 0.40),
    "residential": (0.00, 0.25, 0.15, 0.60),
    "secure_residential": (0.00, 0.10, 0.90, 0.00),
    "support_own_home": (0.80, 0.05, 0.00, 0.15),
    "protected_employment": (0.75, 0.15, 0.00, 0.10),
    "day_activity": (0.60, 0.20, 0.10, 0.10),
    "temporary_housing": (0.40, 0.25, 0.15, 0.20),
    "long_term_housing": (0.35, 0.25, 0.20, 0.20),
    "shelter": (0.00, 0.60, 0.00, 0.40),
    "contact_person": (0.85, 0.00, 0.00, 0.15),
    "treatment": (0.60, 0.10, 0.20, 0.10),
    "other": (0.70, 0.10, 0.00, 0.20),
}

#: Adults' legal basis per measure type (treatment: § 101 drugs or SUL § 141 alcohol).
ADULT_PARAGRAPH = {
    "support_own_home": "SEL 85",
    "protected_employment": "SEL 103",
    "day_activity": "SEL 104",
    "temporary_housing": "SEL 107",
    "long_term_housing": "SEL 108",
    "shelter": "SEL 110",
    "contact_person": "SEL 99",
    "other": "SEL 102",
}
#: Account (function) per adults' measure type; a grouping .001 (own) / .002 (bought) follows.
ADULT_ACCOUNT = {
    "support_own_home": "5.38.39",
    "protected_employment": "5.38.58",
    "day_activity": "5.38.59",
    "temporary_housing": "5.38.51",
    "long_term_housing": "5.38.50",
    "shelter": "5.38.42",
    "contact_person": "5.38.53",
}
#: Children's accounts per staircase step (residential: 5.28.22 private opholdssteder,
#: otherwise 5.28.23 døgninstitutioner).
CHILD_ACCOUNT = {
    "early_support": "5.28.21.001",
    "preventive": "5.28.21.002",
    "home_based_intensive": "5.28.21.003",
    "kinship_foster_care": "5.28.20.001",
    "foster_care": "5.28.20.002",
    "secure_residential": "5.28.24",
}

#: Budget lines (``budget_lines.csv``): name, area, sector, account prefixes, measure types.
BUDGET_LINES: tuple[tuple[str, str, str, str, str], ...] = (
    ("Forebyggende foranstaltninger", "children", "children", "5.28.21",
     "early_support;preventive;home_based_intensive"),
    ("Plejefamilier", "children", "children", "5.28.20", "kinship_foster_care;foster_care"),
    ("Opholdssteder og døgninstitutioner", "children", "children", "5.28.22;5.28.23",
     "residential"),
    ("Sikrede institutioner", "children", "children", "5.28.24", "secure_residential"),
    ("§ 85 Socialpædagogisk støtte", "adults", "adults", "5.38.39", "support_own_home"),
    ("§ 103 Beskyttet beskæftigelse", "adults", "adults", "5.38.58", "protected_employment"),
    ("§ 104 Aktivitets- og samværstilbud", "adults", "adults", "5.38.59", "day_activity"),
    ("§ 107 Midlertidige botilbud", "adults", "adults", "5.38.51", "temporary_housing"),
    ("§ 108 Længerevarende botilbud", "adults", "adults", "5.38.50", "long_term_housing"),
    ("§ 110 Forsorgshjem", "adults", "adults", "5.38.42", "shelter"),
    ("Kontaktperson og behandling", "adults", "adults", "5.38.53;5.38.44;5.38.45",
     "contact_person;treatment;other"),
    ("Forsørgelse og beskæftigelsesindsats", "employment", "employment", "5.57;5.68", ""),
    ("Specialundervisning", "other", "other", "3.22.05", ""),
)  # fmt: skip

ACCOUNT_BENEFIT = "5.57.72"  # kontanthjælp, person level
ACCOUNT_BENEFIT_OTHERS = "5.57.72.001"  # kontanthjælp, all other recipients (no person)
ACCOUNT_ACTIVATION = "5.68.98"  # beskæftigelsesindsats, person level
ACCOUNT_SPECIAL_EDUCATION = "3.22.05"  # specialundervisning, person level
ACCOUNT_SPECIAL_EDUCATION_OTHERS = "3.22.05.001"

#: The adults' reform (seed 002): baseline date 1 January of BASELINE_YEAR (written to
#: ``reference`` as key ``baseline_year``); from then on adults' follow-ups reduce more often.
#: Expected annual effect per year from the baseline year (Høje-Taastrup, ≈ 50,000
#: inhabitants: 1.5 / 4.5 / 7.3 / 9.2 / 10.3 m kr.), scaled by population.
BASELINE_YEAR = 2022
EXPECTED_EFFECTS = (1_500_000, 4_500_000, 7_300_000, 9_200_000, 10_300_000)


# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MunicipalityProfile:
    """Behaviour of one synthetic municipality; the defaults give Egebjerg Kommune.

    A national generator can draw one profile per municipality to spread the key figures
    (VIVE table 1.1: 3–27 placed per 1,000 0–22-year-olds).
    """

    growth: float = 0.004  # yearly population growth
    young_tilt: float = 1.07  # weight of ages 0–19 in the age pyramid
    child_families_per_1000: float = 15.0  # families entering per 1,000 0–22-year-olds a year
    child_trend: float = 0.005  # yearly growth of child entries
    placement_tilt: float = 1.0  # multiplies the entry shares of the placement steps
    continued_support_share: float = 0.35  # children whose support may continue to age 23
    adult_entries_per_1000: float = 3.25  # entries into the housing chain per 1,000 inhabitants
    adult_trend: float = 0.01
    day_activity_per_1000: float = 0.62  # free-standing § 104 entries per 1,000 inhabitants
    protected_employment_per_1000: float = 0.35
    contact_person_per_1000: float = 0.45
    treatment_per_1000: float = 1.6
    other_adult_per_1000: float = 0.30
    price_level: float = 1.0
    notifications_per_1000_0_17: float = 120.0
    examinations_per_1000_0_17: float = 30.0
    appeals_per_50000: float = 45.0  # Ankestyrelsen decisions per area per year
    children_caseload: float = 19.0  # active children per caseworker FTE
    adults_caseload: float = 42.0
    family_enrolments_per_50000: float = 48.0  # cross-sector family enrolments in all years
    person_enrolments_per_50000: float = 18.0
    budget_volume_bias: dict[str, float] = field(
        default_factory=lambda: {"children": -0.015, "adults": 0.0}
    )


@dataclass(frozen=True)
class ExampleMunicipality:
    """Identity and data window of the example municipality."""

    name: str = "Egebjerg Kommune"
    code: str = "999"
    population: int = 50_000
    first_day: date = date(2020, 1, 1)
    last_day: date = date(2026, 6, 30)  # the extract date
    primary_colour: str = "#1F4E79"


EXAMPLE = ExampleMunicipality()


# ---------------------------------------------------------------------------------------------
# Day arithmetic on int64 day numbers (days since 1970-01-01)
# ---------------------------------------------------------------------------------------------
def _dn(day: date) -> int:
    return int(np.datetime64(day, "D").astype(np.int64))


def _as_days(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).astype("datetime64[D]")


def _month(days: np.ndarray) -> np.ndarray:
    """Month index (months since 1970-01) of each day."""
    return _as_days(days).astype("datetime64[M]").astype(np.int64)


def _month_first(months: np.ndarray) -> np.ndarray:
    return (
        np.asarray(months, dtype=np.int64)
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def _month_last(months: np.ndarray) -> np.ndarray:
    return _month_first(np.asarray(months) + 1) - 1


def _year(days: np.ndarray) -> np.ndarray:
    return _as_days(days).astype("datetime64[Y]").astype(np.int64) + 1970


def _days_in_year(years: np.ndarray) -> np.ndarray:
    years = np.asarray(years)
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    return 365 + leap.astype(np.int64)


def _jan1(year: int) -> int:
    return _dn(date(year, 1, 1))


def _add_months(days: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """Same day of the month ``months`` later, clipped to the month's last day."""
    days = np.asarray(days, dtype=np.int64)
    month = _month(days)
    day_of_month = days - _month_first(month)
    target = month + months
    length = _month_last(target) - _month_first(target)
    return _month_first(target) + np.minimum(day_of_month, length)


def _weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days) + 3) % 7


def _to_datetime(days: np.ndarray) -> np.ndarray:
    """Day numbers → ``datetime64[ns]`` (OPEN and negative sentinels → NaT)."""
    days = np.asarray(days, dtype=np.int64)
    out = days.astype("datetime64[D]").astype("datetime64[ns]")
    out[(days >= OPEN) | (days < -(10**6))] = np.datetime64("NaT")
    return out


NA_DAY = np.int64(-(10**7))  # sentinel for a missing date inside the generator


# ---------------------------------------------------------------------------------------------
# Random helpers
# ---------------------------------------------------------------------------------------------
def _categorical(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One draw per element of ``rows`` from the distribution ``probs[row]``."""
    cum = np.cumsum(probs, axis=1)[rows]
    u = rng.random(len(rows))[:, None] * cum[:, -1:]
    return np.minimum((u >= cum).sum(axis=1), probs.shape[1] - 1)


def _gamma_days(rng: np.random.Generator, mean: np.ndarray, shape: float) -> np.ndarray:
    mean = np.asarray(mean, dtype=float)
    return np.maximum(np.ceil(rng.gamma(shape, mean / shape)), 1).astype(np.int64)


def _uniform_days(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    """Integers in ``low..high`` (both inclusive)."""
    return rng.integers(low, high + 1, n).astype(np.int64)


def _poisson_days(
    rng: np.random.Generator, rate_of_year, first: int, last: int, weights: np.ndarray | None = None
) -> np.ndarray:
    """Event days of a Poisson stream with ``rate_of_year(year)`` events per year."""
    out = []
    for year in range(int(_year(np.array([first]))[0]), int(_year(np.array([last]))[0]) + 1):
        lo, hi = max(first, _jan1(year)), min(last, _jan1(year + 1) - 1)
        if hi < lo:
            continue
        n = rng.poisson(rate_of_year(year) * (hi - lo + 1) / int(_days_in_year(year)))
        if weights is None:
            out.append(_uniform_days(rng, lo, hi, n))
        else:
            span = np.arange(lo, hi + 1)
            w = weights[span - first]
            out.append(span[rng.choice(len(span), size=n, p=w / w.sum())])
    return np.sort(np.concatenate(out)) if out else np.zeros(0, np.int64)


# ---------------------------------------------------------------------------------------------
# Population
# ---------------------------------------------------------------------------------------------
#: Denmark 1 January 2023 by 5-year age group (thousands): 0–4, 5–9, …, 95–99, 100+.
_PYRAMID_5Y = (306, 318, 340, 340, 370, 400, 385, 345, 345, 385, 410, 405, 360, 330, 310, 270,
               160, 80, 33, 8, 1.3)  # fmt: skip


def _age_shape(young_tilt: float) -> np.ndarray:
    """Share of the population at each age 0–110 (sums to 1)."""
    per_age = np.repeat(np.asarray(_PYRAMID_5Y[:20], dtype=float) / 5, 5)  # ages 0–99
    per_age = np.convolve(np.pad(per_age, 2, mode="edge"), np.ones(5) / 5, mode="valid")
    tail = _PYRAMID_5Y[20] * 0.45 ** np.arange(11)  # ages 100–110
    tail = tail / tail.sum() * _PYRAMID_5Y[20]
    shape = np.concatenate([per_age, tail])
    shape[:20] *= young_tilt
    return shape / shape.sum()


@dataclass
class _Population:
    first_year: int
    total: int
    growth: float
    shape: np.ndarray

    def total_of(self, year: int) -> float:
        return self.total * (1 + self.growth) ** (year - self.first_year)

    def aged(self, year: int, low: int, high: int) -> float:
        return self.total_of(year) * float(self.shape[low : high + 1].sum())


def _population_table(rng: np.random.Generator, pop: _Population, years: range) -> pd.DataFrame:
    ages = np.arange(111)
    frames = []
    for year in years:
        noise = 1 + rng.normal(0, 0.012, len(ages))
        persons = np.round(pop.total_of(year) * pop.shape * noise).astype(np.int64)
        frames.append(pd.DataFrame({"year": year, "age": ages, "persons": persons}))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Episodes: the staircase / housing-chain engine
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Chain:
    """A Markov chain of measure episodes.

    ``transition[s]`` gives the probabilities of what follows an episode in state ``s``: the
    next state (columns 0..n-1) or an exit (columns n, n+1, n+2 = goal achieved, moved away,
    other). ``rank`` orders the states by intrusiveness (a move to a higher rank is a step up).
    """

    types: tuple[int, ...]  # measure type code per state
    rank: tuple[int, ...]
    transition: np.ndarray
    mean_days: tuple[float, ...]
    shape: float
    max_gap: tuple[int, ...]  # days between an episode's end and the next one, per next state


_EXIT_REASONS = np.array([R_GOAL, R_MOVED, R_OTHER])

#  to:   1     2     3     4     5     6     7   goal moved other
_CHILD_TRANSITION = np.array([
    [0.00, 0.12, 0.05, 0.00, 0.005, 0.00, 0.00, 0.625, 0.07, 0.13],  # 1 early support
    [0.08, 0.00, 0.13, 0.01, 0.025, 0.025, 0.00, 0.50, 0.08, 0.15],  # 2 preventive
    [0.04, 0.16, 0.00, 0.02, 0.05, 0.06, 0.00, 0.44, 0.08, 0.15],  # 3 home-based intensive
    [0.00, 0.05, 0.15, 0.00, 0.08, 0.04, 0.00, 0.40, 0.10, 0.18],  # 4 kinship foster care
    [0.00, 0.06, 0.20, 0.02, 0.00, 0.12, 0.00, 0.30, 0.12, 0.18],  # 5 foster care
    [0.00, 0.00, 0.20, 0.01, 0.18, 0.00, 0.07, 0.30, 0.10, 0.14],  # 6 residential
    [0.00, 0.00, 0.05, 0.00, 0.15, 0.55, 0.00, 0.05, 0.05, 0.15],  # 7 secure residential
])  # fmt: skip

CHILD_CHAIN = _Chain(
    types=tuple(range(7)),
    rank=(1, 2, 3, 4, 5, 6, 7),
    transition=_CHILD_TRANSITION,
    mean_days=(180, 330, 360, 1000, 850, 600, 130),
    shape=1.5,
    max_gap=(0, 0, 0, 0, 0, 0, 0),
)
#: Entry step of a child new to the staircase (step 1..7).
CHILD_ENTRY_MIX = np.array([0.39, 0.31, 0.18, 0.018, 0.042, 0.045, 0.02])

#  to:  §85  §107  §108  §110  goal moved other
_ADULT_TRANSITION = np.array([
    [0.00, 0.035, 0.004, 0.01, 0.50, 0.12, 0.331],  # § 85 support in own home
    [0.45, 0.00, 0.08, 0.02, 0.17, 0.10, 0.18],  # § 107 temporary housing
    [0.10, 0.02, 0.00, 0.00, 0.00, 0.18, 0.70],  # § 108 long-term housing
    [0.30, 0.12, 0.005, 0.00, 0.10, 0.15, 0.325],  # § 110 shelter
])  # fmt: skip

ADULT_CHAIN = _Chain(
    types=(T["support_own_home"], T["temporary_housing"], T["long_term_housing"], T["shelter"]),
    rank=(1, 3, 4, 2),
    transition=_ADULT_TRANSITION,
    mean_days=(800, 600, 3000, 110),
    shape=1.3,
    max_gap=(25, 14, 14, 7),
)
ADULT_ENTRY_MIX = np.array([0.708, 0.05, 0.012, 0.23])
ADULT_CHAIN_TYPES = tuple(ALL_TYPES[t] for t in ADULT_CHAIN.types)


@dataclass
class _Episodes:
    """Measure episodes as parallel arrays (one element per episode)."""

    area: np.ndarray  # 0 children, 1 adults
    person: np.ndarray  # index into the area's persons
    mtype: np.ndarray  # code into ALL_TYPES
    start: np.ndarray
    end: np.ndarray  # OPEN = ongoing
    reason: np.ndarray  # index into REASONS

    @classmethod
    def empty(cls) -> _Episodes:
        z = np.zeros(0, np.int64)
        return cls(z, z, z, z, z, z)

    @classmethod
    def concat(cls, parts: list[_Episodes]) -> _Episodes:
        return cls(
            *(np.concatenate([getattr(p, f) for p in parts]).astype(np.int64) for f in _EP_FIELDS)
        )

    def take(self, mask: np.ndarray) -> _Episodes:
        return _Episodes(*(getattr(self, f)[mask] for f in _EP_FIELDS))

    def __len__(self) -> int:
        return len(self.start)


_EP_FIELDS = ("area", "person", "mtype", "start", "end", "reason")


def _run_chain(
    rng: np.random.Generator,
    chain: _Chain,
    area: int,
    person: np.ndarray,
    start: np.ndarray,
    state: np.ndarray,
    limit: np.ndarray,
    horizon: int,
    limit_reason: int = R_AGE,
) -> _Episodes:
    """Walk every person through the chain from ``start`` in ``state`` until an exit, the age
    limit ``limit[person]`` (first day on which no measure may run; the episode then ends
    with ``limit_reason``) or the ``horizon``."""
    n_states = len(chain.types)
    types = np.asarray(chain.types)
    rank = np.asarray(chain.rank)
    mean = np.asarray(chain.mean_days, dtype=float)
    max_gap = np.asarray(chain.max_gap)
    parts: list[_Episodes] = []
    keep = start < limit[person]
    person, start, state = person[keep], start[keep], state[keep]
    for _ in range(200):
        if not len(person):
            break
        end = start + _gamma_days(rng, mean[state], chain.shape) + 13  # at least two weeks
        nxt = _categorical(rng, chain.transition, state)
        to_state = nxt < n_states
        nxt_state = np.minimum(nxt, n_states - 1)
        reason = np.where(
            to_state,
            np.where(rank[nxt_state] > rank[state], R_UP, R_DOWN),
            _EXIT_REASONS[np.clip(nxt - n_states, 0, 2)],
        )
        lim = limit[person]
        aged = end >= lim
        end = np.where(aged, lim - 1, end)
        reason = np.where(aged, limit_reason, reason)
        ongoing = end > horizon
        end = np.where(ongoing, OPEN, end)
        reason = np.where(ongoing, R_NONE, reason)
        to_state &= ~aged & ~ongoing
        parts.append(
            _Episodes(np.full(len(person), area), person, types[state], start, end, reason)
        )
        gap = rng.integers(0, max_gap[nxt_state] + 1)
        new_start = np.where(to_state, end + 1 + gap, OPEN)
        go = to_state & (new_start <= horizon) & (new_start < lim)
        person, start, state = person[go], new_start[go], nxt_state[go]
    return _Episodes.concat(parts) if parts else _Episodes.empty()


def _attached(
    rng: np.random.Generator,
    hosts: _Episodes,
    share: float,
    mtype: int,
    mean_days: float,
    max_delay: int,
    horizon: int,
    limit: np.ndarray | None = None,
) -> _Episodes:
    """Episodes of ``mtype`` running alongside a share of the host episodes (same person),
    starting within ``max_delay`` days of the host and ending at the latest with it."""
    pick = rng.random(len(hosts)) < share
    h = hosts.take(pick)
    start = h.start + rng.integers(0, max_delay + 1, len(h))
    end = start + _gamma_days(rng, np.full(len(h), mean_days), 1.4) + 13
    cap = h.end.copy()
    if limit is not None:
        cap = np.minimum(cap, limit[h.person] - 1)
    capped = end >= cap
    aged = capped & (cap < h.end)
    end = np.minimum(end, cap)
    reason = np.where(
        capped,
        np.where(aged, R_AGE, R_OTHER),
        np.where(rng.random(len(h)) < 0.7, R_GOAL, R_OTHER),
    )
    ongoing = end > horizon
    end = np.where(ongoing, OPEN, end)
    reason = np.where(ongoing, R_NONE, reason)
    ok = (start <= horizon) & (start <= end)
    return _Episodes(
        np.full(len(h), h.area[0] if len(h) else 0),
        h.person,
        np.full(len(h), mtype),
        start,
        end,
        reason,
    ).take(ok)


def _single(
    rng: np.random.Generator,
    area: int,
    person: np.ndarray,
    start: np.ndarray,
    mtype: int,
    mean_days: float,
    horizon: int,
) -> _Episodes:
    """One free-standing episode per person."""
    end = start + _gamma_days(rng, np.full(len(start), mean_days), 1.4) + 13
    reason = np.array([R_GOAL, R_MOVED, R_OTHER])[
        rng.choice(3, size=len(start), p=[0.55, 0.12, 0.33])
    ]
    ongoing = end > horizon
    end = np.where(ongoing, OPEN, end)
    reason = np.where(ongoing, R_NONE, reason)
    return _Episodes(
        np.full(len(start), area), person, np.full(len(start), mtype), start, end, reason
    )


def _in_window(ep: _Episodes, first: int, last: int) -> np.ndarray:
    return ((ep.end == OPEN) | (ep.end >= first)) & (ep.start <= last)


# ---------------------------------------------------------------------------------------------
# Children
# ---------------------------------------------------------------------------------------------
@dataclass
class _Persons:
    birth: np.ndarray  # first day of the birth month
    limit: np.ndarray  # first day on which no measure may run (OPEN for adults)
    family: np.ndarray  # family index (-1 none)


def _birth_from_age(rng: np.random.Generator, day: np.ndarray, age_years: np.ndarray) -> np.ndarray:
    """First day of a birth month such that the person is ``age_years`` old on ``day``."""
    birth = day - np.round(age_years * 365.25).astype(np.int64) - rng.integers(0, 365, len(day))
    return _month_first(_month(birth))


def _children(
    rng: np.random.Generator, pop: _Population, profile: MunicipalityProfile, first: int, last: int
) -> tuple[_Persons, _Episodes]:
    warm = _jan1(pop.first_year - 25)  # long enough for a newborn to reach 23

    def families_per_year(year: int) -> float:
        trend = (1 + profile.child_trend) ** (year - pop.first_year)
        return profile.child_families_per_1000 * pop.aged(year, 0, 22) / 1000 * trend

    fam_day = _poisson_days(rng, families_per_year, warm, last)
    n_fam = len(fam_day)
    size = rng.choice([1, 2, 3], size=n_fam, p=[0.62, 0.27, 0.11])
    family = np.repeat(np.arange(n_fam), size)
    rank_in_family = np.arange(len(family)) - np.repeat(np.cumsum(size) - size, size)
    # Age at entry: many newborns, a broad school-age band and a teenage peak.
    age_w = np.array([8, 4, 4, 4, 4, 4, 4.5, 4.5, 4.5, 4.5, 4.5, 4.5, 7, 7, 7, 7, 5, 5.0])
    base_age = rng.choice(18, size=n_fam, p=age_w / age_w.sum())[family]
    offset = rng.integers(1, 7, len(family)) * np.where(rng.random(len(family)) < 0.5, -1, 1)
    age = np.where(rank_in_family == 0, base_age, np.clip(base_age + offset, 0, 17))
    entry = fam_day[family] + np.where(rank_in_family == 0, 0, rng.integers(0, 21, len(family)))
    mix = CHILD_ENTRY_MIX.copy()
    mix[3:] *= profile.placement_tilt
    mix /= mix.sum()
    fam_state = rng.choice(7, size=n_fam, p=mix)[family]
    own_state = rng.choice(7, size=len(family), p=mix)
    state = np.where(rng.random(len(family)) < 0.35, fam_state, own_state)
    # Secure institutions are for single teenagers: others start in residential care.
    state = np.where((state == 6) & ((age < 12) | (rank_in_family > 0)), 5, state)
    birth = _birth_from_age(rng, entry, age.astype(float))
    years_limit = np.where(rng.random(len(family)) < profile.continued_support_share, 23, 18)
    limit = _add_months(birth, 12 * years_limit)
    persons = _Persons(birth, limit, family)
    idx = np.arange(len(family))
    ep = _run_chain(rng, CHILD_CHAIN, 0, idx, entry, state, limit, last)
    # A parallel preventive / home-based measure for some placements.
    hosts = ep.take(np.isin(ep.mtype, [3, 4, 5]))
    extra = _attached(rng, hosts, 0.15, T["preventive"], 300, 120, last, limit)
    kinds = np.where(rng.random(len(extra)) < 0.5, T["preventive"], T["home_based_intensive"])
    extra.mtype = kinds
    ep = _Episodes.concat([ep, extra])
    return persons, ep.take(_in_window(ep, first, last))


# ---------------------------------------------------------------------------------------------
# Adults
# ---------------------------------------------------------------------------------------------
def _adult_ages(rng: np.random.Generator, n: int) -> np.ndarray:
    band = rng.choice(4, size=n, p=[0.25, 0.30, 0.35, 0.10])
    low = np.array([18, 26, 41, 61])[band]
    high = np.array([25, 40, 60, 75])[band]
    return rng.integers(low, high + 1).astype(float)


def _adults(
    rng: np.random.Generator, pop: _Population, profile: MunicipalityProfile, first: int, last: int
) -> tuple[_Persons, _Episodes]:
    warm = _jan1(pop.first_year - 20)

    def per_year(rate: float):
        def rate_of(year: int) -> float:
            trend = (1 + profile.adult_trend) ** (year - pop.first_year)
            return rate * pop.total_of(year) / 1000 * trend

        return rate_of

    births: list[np.ndarray] = []
    parts: list[_Episodes] = []
    n_persons = 0

    def new_persons(days: np.ndarray) -> np.ndarray:
        nonlocal n_persons
        births.append(_birth_from_age(rng, days, _adult_ages(rng, len(days))))
        idx = np.arange(n_persons, n_persons + len(days))
        n_persons += len(days)
        return idx

    entry = _poisson_days(rng, per_year(profile.adult_entries_per_1000), warm, last)
    person = new_persons(entry)
    state = rng.choice(4, size=len(entry), p=ADULT_ENTRY_MIX)
    # Nobody lives in a housing offer beyond 92: the measure ends ('other').
    limit = _add_months(births[-1], 12 * 92)
    chain = _run_chain(rng, ADULT_CHAIN, 1, person, entry, state, limit, last, R_OTHER)
    parts.append(chain)
    # Measures alongside the housing chain (same person).
    by_type = {t: chain.take(chain.mtype == T[t]) for t in ADULT_CHAIN_TYPES}
    parts += [
        _attached(rng, by_type["long_term_housing"], 0.55, T["day_activity"], 1500, 90, last),
        _attached(rng, by_type["temporary_housing"], 0.30, T["day_activity"], 500, 60, last),
        _attached(
            rng, by_type["support_own_home"], 0.10, T["protected_employment"], 900, 120, last
        ),
        _attached(rng, by_type["shelter"], 0.30, T["treatment"], 200, 20, last),
        _attached(rng, by_type["support_own_home"], 0.06, T["treatment"], 240, 90, last),
    ]
    # Free-standing measures for persons outside the housing chain.
    for mtype, rate, mean_days in (
        ("day_activity", profile.day_activity_per_1000, 1400),
        ("protected_employment", profile.protected_employment_per_1000, 1200),
        ("contact_person", profile.contact_person_per_1000, 500),
        ("treatment", profile.treatment_per_1000, 240),
        ("other", profile.other_adult_per_1000, 365),
    ):
        days = _poisson_days(rng, per_year(rate), warm, last)
        parts.append(_single(rng, 1, new_persons(days), days, T[mtype], mean_days, last))
    ep = _Episodes.concat(parts)
    birth = np.concatenate(births) if births else np.zeros(0, np.int64)
    persons = _Persons(birth, np.full(len(birth), OPEN), np.full(len(birth), -1))
    return persons, ep.take(_in_window(ep, first, last))


def _compact(persons: _Persons, ep: _Episodes, area: int) -> tuple[_Persons, _Episodes]:
    """Keep only the persons of ``area`` that have an episode; renumber them by first start."""
    mine = ep.area == area
    used = np.unique(ep.person[mine])
    first_start = np.full(len(persons.birth), OPEN)
    np.minimum.at(first_start, ep.person[mine], ep.start[mine])
    order = used[np.lexsort((used, first_start[used]))]
    new_index = np.full(len(persons.birth), -1)
    new_index[order] = np.arange(len(order))
    ep.person = np.where(mine, new_index[ep.person], ep.person)
    fam = persons.family[order].copy()
    if (fam >= 0).any():
        fam[fam >= 0] = np.unique(fam[fam >= 0], return_inverse=True)[1]
    return _Persons(persons.birth[order], persons.limit[order], fam), ep


# ---------------------------------------------------------------------------------------------
# Cross-sector solutions (seed 003)
# ---------------------------------------------------------------------------------------------
@dataclass
class _Spells:
    """Monthly person-level bookings that are not measures (cash benefits, special education)."""

    area: list[np.ndarray] = field(default_factory=list)  # 0 child persons, 1 adult persons
    person: list[np.ndarray] = field(default_factory=list)
    account: list[np.ndarray] = field(default_factory=list)
    start: list[np.ndarray] = field(default_factory=list)
    end: list[np.ndarray] = field(default_factory=list)
    monthly: list[np.ndarray] = field(default_factory=list)

    def add(self, area, person, account, start, end, monthly) -> None:
        n = len(person)
        self.area.append(np.full(n, area))
        self.person.append(np.asarray(person))
        self.account.append(np.full(n, account, dtype=object))
        self.start.append(np.asarray(start))
        self.end.append(np.asarray(end))
        self.monthly.append(np.asarray(monthly, dtype=float))

    def arrays(self) -> dict[str, np.ndarray]:
        return {
            name: np.concatenate(getattr(self, name))
            for name in ("area", "person", "account", "start", "end", "monthly")
        }


@dataclass
class _CrossSector:
    enrol_solution: np.ndarray  # 0 = Familie i Fokus (families), 1 = Unge på vej (persons)
    enrol_family: np.ndarray  # family index or -1
    enrol_person: np.ndarray  # child person index or -1
    enrolled_on: np.ndarray
    ended_on: np.ndarray  # NA_DAY = not ended
    parent_family: np.ndarray  # family of each parent (adult person index in parent_person)
    parent_person: np.ndarray
    spells: _Spells
    outcome_area: np.ndarray
    outcome_person: np.ndarray
    outcome_day: np.ndarray
    outcome_status: np.ndarray  # index into codes.OUTCOME_STATUSES


SOLUTIONS = ("Familie i Fokus", "Unge på vej")
S_JOB, S_EDU, S_BENEFIT, S_OTHER = range(4)


def _status_rows(
    start: np.ndarray,
    stop: np.ndarray,
    first_status: np.ndarray,
    change_day: np.ndarray,
    change_status: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Half-yearly status rows from ``start`` until ``stop``; from ``change_day`` on (if
    before ``stop``) the status is ``change_status``, with an extra row on the change day."""
    rows_i, rows_d, rows_s = [], [], []
    for k in range(0, 20):
        day = _add_months(start, 6 * k)
        ok = day <= stop
        if not ok.any():
            break
        changed = (change_day <= day) & (change_day != NA_DAY)
        rows_i.append(np.flatnonzero(ok))
        rows_d.append(day[ok])
        rows_s.append(np.where(changed, change_status, first_status)[ok])
    extra = (change_day != NA_DAY) & (change_day <= stop) & (change_day > start)
    rows_i.append(np.flatnonzero(extra))
    rows_d.append(change_day[extra])
    rows_s.append(change_status[extra])
    return np.concatenate(rows_i), np.concatenate(rows_d), np.concatenate(rows_s)


def _cross_sector(
    rng: np.random.Generator,
    scale: float,
    profile: MunicipalityProfile,
    children: _Persons,
    ep: _Episodes,
    n_adults: int,
    first: int,
    last: int,
) -> tuple[_CrossSector, _Persons, _Episodes]:
    """Enrolments, the parents of enrolled families (new adult persons with benefits and
    sometimes adults' measures), person-level employment/special-education spells, outcomes.
    Returns the cross-sector data, the parents as persons and the parents' measures."""
    open_from = _dn(date(2022, 1, 10))
    open_until = min(last - 60, _dn(date(2026, 4, 30)))
    child_ep = ep.take(ep.area == 0)
    fam_of = children.family[child_ep.person]
    n_families = max(1, round(profile.family_enrolments_per_50000 * scale))
    # (a) Families whose placement is stepped down 2–9 months after enrolment: the solution's
    #     storyline (seed 003: costs shift from placement to support at home).
    down = child_ep.take(np.isin(child_ep.mtype, [3, 4, 5]) & (child_ep.reason == R_DOWN))
    d_enrol = down.end - rng.integers(60, 271, len(down))
    ok = (d_enrol >= open_from) & (d_enrol <= open_until) & (d_enrol > down.start)
    cand_a_fam = children.family[down.person[ok]]
    cand_a_day = d_enrol[ok]
    # (b) Families with a child in any measure on a random day of the enrolment window.
    pick = rng.integers(0, len(child_ep), 6 * n_families)
    lo = np.maximum(child_ep.start[pick], open_from)
    hi = np.minimum(
        np.where(child_ep.end[pick] == OPEN, open_until, child_ep.end[pick]), open_until
    )
    good = hi >= lo
    pick, lo, hi = pick[good], lo[good], hi[good]
    cand_b_day = lo + (rng.random(len(pick)) * (hi - lo + 1)).astype(np.int64)
    cand_b_fam = fam_of[pick]
    order_a = rng.permutation(len(cand_a_fam))
    order_b = rng.permutation(len(cand_b_fam))
    n_a = min(len(order_a), round(0.55 * n_families))
    fam = np.concatenate([cand_a_fam[order_a][:n_a], cand_b_fam[order_b]])
    day = np.concatenate([cand_a_day[order_a][:n_a], cand_b_day[order_b]])
    _, first_of = np.unique(fam, return_index=True)
    first_of = np.sort(first_of)[:n_families]
    e_fam, e_day = fam[first_of], day[first_of]
    e_end = e_day + _gamma_days(rng, np.full(len(e_day), 540.0), 3.0)
    e_end = np.where(e_end > last, NA_DAY, e_end)

    # Young persons (15–21) with a children's measure: person enrolments from 2023.
    n_young = max(1, round(profile.person_enrolments_per_50000 * scale))
    y_from = _dn(date(2023, 1, 15))
    pick = rng.integers(0, len(child_ep), 20 * n_young)
    y_day = _uniform_days(rng, y_from, open_until, len(pick))
    active = (child_ep.start[pick] <= y_day) & (
        (child_ep.end[pick] == OPEN) | (child_ep.end[pick] >= y_day)
    )
    age = (y_day - children.birth[child_ep.person[pick]]) / 365.25
    okay = active & (age >= 15) & (age < 22)
    y_person, y_first = np.unique(child_ep.person[pick][okay], return_index=True)
    y_day = y_day[okay][y_first]
    order = rng.permutation(len(y_person))[:n_young]
    y_person, y_day = y_person[order], y_day[order]
    y_end = y_day + _gamma_days(rng, np.full(len(y_day), 450.0), 3.0)
    y_end = np.where(y_end > last, NA_DAY, y_end)

    # Parents: one or two per enrolled family, new adult persons.
    n_par = np.where(rng.random(len(e_fam)) < 0.55, 2, 1)
    p_fam = np.repeat(e_fam, n_par)
    p_enrol = np.repeat(e_day, n_par)
    p_end = np.repeat(e_end, n_par)
    oldest_birth = np.full(int(children.family.max()) + 1 if len(children.family) else 1, OPEN)
    np.minimum.at(oldest_birth, children.family, children.birth)
    p_birth = _month_first(
        _month(oldest_birth[p_fam] - np.round(rng.uniform(20, 38, len(p_fam)) * 365.25))
    )
    p_person = n_adults + np.arange(len(p_fam))
    parents = _Persons(p_birth, np.full(len(p_fam), OPEN), p_fam)
    spells = _Spells()
    # Cash benefit for 70 %; 27 % of them get a job 4–20 months after enrolment.
    on_benefit = rng.random(len(p_fam)) < 0.70
    b_start = np.maximum(first, p_enrol - rng.integers(400, 2001, len(p_fam)))
    gets_job = on_benefit & (rng.random(len(p_fam)) < 0.27)
    job_day = np.where(gets_job, p_enrol + rng.integers(120, 601, len(p_fam)), NA_DAY)
    job_day = np.where(job_day > last, NA_DAY, job_day)
    b_end = np.where(job_day != NA_DAY, job_day - 1, last)
    b = on_benefit
    spells.add(
        1, p_person[b], ACCOUNT_BENEFIT, b_start[b], b_end[b], rng.uniform(11_000, 16_500, b.sum())
    )
    # Job-directed effort while enrolled (adds cost in year 1, seed 003).
    act_end = np.where(p_end == NA_DAY, last, p_end)
    act_end = np.where(job_day != NA_DAY, np.minimum(act_end, job_day), act_end)
    act = b & (rng.random(len(p_fam)) < 0.6)
    spells.add(
        1,
        p_person[act],
        ACCOUNT_ACTIVATION,
        p_enrol[act],
        act_end[act],
        rng.uniform(3_000, 8_000, act.sum()),
    )
    # Adults' measures for 30 % of parents: support at home or treatment, around enrolment.
    has_measure = rng.random(len(p_fam)) < 0.30
    m_type = np.where(rng.random(len(p_fam)) < 0.55, T["support_own_home"], T["treatment"])
    m_start = p_enrol - rng.integers(0, 500, len(p_fam))
    m_mean = np.where(m_type == T["treatment"], 300.0, 600.0)
    m_end = m_start + _gamma_days(rng, m_mean, 1.5) + 13
    m_reason = np.where(rng.random(len(p_fam)) < 0.6, R_GOAL, R_OTHER)
    ongoing = m_end > last
    parent_ep = _Episodes(
        np.ones(len(p_fam), np.int64),
        p_person,
        m_type,
        m_start,
        np.where(ongoing, OPEN, m_end),
        np.where(ongoing, R_NONE, m_reason),
    ).take(has_measure)
    parent_ep = parent_ep.take(_in_window(parent_ep, first, last))
    # Special education for a third of school-age children in enrolled families; 40 % return
    # to mainstream school 4–18 months after enrolment.
    enrol_of_family = dict(zip(e_fam.tolist(), e_day.tolist(), strict=True))
    fam_children = np.flatnonzero(np.isin(children.family, e_fam))
    c_enrol = np.array([enrol_of_family[f] for f in children.family[fam_children]], np.int64)
    c_age = (c_enrol - children.birth[fam_children]) / 365.25
    special = (c_age >= 6) & (c_age < 16) & (rng.random(len(fam_children)) < 0.33)
    s_start = np.maximum(first, c_enrol - rng.integers(365, 1501, len(fam_children)))
    leaves = rng.random(len(fam_children)) < 0.40
    s_end = np.where(
        leaves,
        c_enrol + rng.integers(120, 541, len(fam_children)),
        _add_months(children.birth[fam_children], 16 * 12) - 1,
    )
    s_end = np.minimum(s_end, last)
    ok = special & (s_end >= s_start)
    spells.add(
        0,
        fam_children[ok],
        ACCOUNT_SPECIAL_EDUCATION,
        s_start[ok],
        s_end[ok],
        rng.uniform(25_000, 45_000, ok.sum()),
    )

    # Outcomes (seed 003 target: 15 % in job or education) for parents, young persons and
    # the teenagers of enrolled families: a status row at enrolment, then every half year
    # until the extract (registry follow-up continues after the enrolment has ended).
    p_stop = np.full(len(p_fam), last)
    p_first = np.where(
        on_benefit, S_BENEFIT, np.where(rng.random(len(p_fam)) < 0.2, S_JOB, S_OTHER)
    )
    p_change_status = np.full(len(p_fam), S_JOB)
    pi, pd_, ps = _status_rows(p_enrol, p_stop, p_first, job_day, p_change_status)
    y_stop = np.full(len(y_person), last)
    y_first = np.where(rng.random(len(y_person)) < 0.6, S_OTHER, S_BENEFIT)
    y_roll = rng.random(len(y_person))
    y_change_status = np.where(y_roll < 0.22, S_EDU, S_JOB)
    y_change = np.where(y_roll < 0.30, y_day + rng.integers(60, 501, len(y_person)), NA_DAY)
    y_change = np.where(y_change > last, NA_DAY, y_change)
    yi, yd, ys = _status_rows(y_day, y_stop, y_first, y_change, y_change_status)
    teen = np.flatnonzero((c_age >= 15) & (c_age < 23))
    t_person, t_enrol = fam_children[teen], c_enrol[teen]
    t_first = np.where(rng.random(len(teen)) < 0.3, S_EDU, S_OTHER)
    t_change = np.where(
        (t_first == S_OTHER) & (rng.random(len(teen)) < 0.25),
        t_enrol + rng.integers(90, 541, len(teen)),
        NA_DAY,
    )
    t_change = np.where(t_change > last, NA_DAY, t_change)
    ti, td, ts = _status_rows(
        t_enrol, np.full(len(teen), last), t_first, t_change, np.full(len(teen), S_EDU)
    )

    cs = _CrossSector(
        enrol_solution=np.concatenate([np.zeros(len(e_fam)), np.ones(len(y_person))]).astype(int),
        enrol_family=np.concatenate([e_fam, np.full(len(y_person), -1)]),
        enrol_person=np.concatenate([np.full(len(e_fam), -1), y_person]),
        enrolled_on=np.concatenate([e_day, y_day]),
        ended_on=np.concatenate([e_end, y_end]),
        parent_family=p_fam,
        parent_person=p_person,
        spells=spells,
        outcome_area=np.concatenate(
            [np.ones(len(pi), int), np.zeros(len(yi), int), np.zeros(len(ti), int)]
        ),
        outcome_person=np.concatenate([p_person[pi], y_person[yi], t_person[ti]]),
        outcome_day=np.concatenate([pd_, yd, td]),
        outcome_status=np.concatenate([ps, ys, ts]),
    )
    return cs, parents, parent_ep


# ---------------------------------------------------------------------------------------------
# Measure attributes: price, provider, paragraph, account
# ---------------------------------------------------------------------------------------------
def _prices(
    rng: np.random.Generator, mtype: np.ndarray, start: np.ndarray, level: float
) -> np.ndarray:
    lo = np.array([PRICE_RANGE[t][0] for t in ALL_TYPES])[mtype]
    hi = np.array([PRICE_RANGE[t][1] for t in ALL_TYPES])[mtype]
    price = np.exp(rng.uniform(np.log(lo), np.log(hi)))
    # § 108: the seed's cost bands (mostly 1–2 m kr., some below 1 m and above 2 m).
    long_term = mtype == T["long_term_housing"]
    shares = np.array([m[0] for m in LONG_TERM_MIX])
    band = rng.choice(len(shares), size=len(mtype), p=shares / shares.sum())
    band_lo = np.array([m[1] for m in LONG_TERM_MIX])[band]
    band_hi = np.array([m[2] for m in LONG_TERM_MIX])[band]
    price = np.where(long_term, rng.uniform(band_lo, band_hi), price)
    years = np.clip(_year(start) - PRICE_BASE_YEAR, -4, 3)
    price = price * (1 + PRICE_INFLATION) ** years * level
    return np.round(price, -2)


def _providers(rng: np.random.Generator, mtype: np.ndarray) -> np.ndarray:
    mix = np.array([PROVIDER_MIX[t] for t in ALL_TYPES])
    return _categorical(rng, mix, mtype)


def _paragraphs(rng: np.random.Generator, mtype: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Legal basis: SEL (chapter 11) before 2024, Barnets Lov from 1 January 2024."""
    n = len(mtype)
    out = np.empty(n, dtype=object)
    new_law = start >= _jan1(2024)
    roll = rng.random(n)
    sel = {
        0: np.full(n, "SEL 11.3", dtype=object),
        1: np.where(roll < 0.7, "SEL 52.3.3", "SEL 52.3.1"),
        2: np.where(roll < 0.5, "SEL 52.3.2", np.where(roll < 0.75, "SEL 52.3.5", "SEL 52.3.7")),
    }
    bl = {0: "BL 30", 1: "BL 32", 2: "BL 32"}
    for code in range(N_CHILD_TYPES):
        hit = mtype == code
        old = sel.get(code, np.full(n, "SEL 52.3.8", dtype=object))
        out[hit] = np.where(new_law[hit], bl.get(code, "BL 46"), old[hit])
    for name, paragraph in ADULT_PARAGRAPH.items():
        out[mtype == T[name]] = paragraph
    treatment = mtype == T["treatment"]
    out[treatment] = np.where(roll[treatment] < 0.6, "SEL 101", "SUL 141")
    return out


def _accounts(mtype: np.ndarray, provider: np.ndarray, paragraph: np.ndarray) -> np.ndarray:
    out = np.empty(len(mtype), dtype=object)
    for name, account in CHILD_ACCOUNT.items():
        out[mtype == T[name]] = account
    residential = mtype == T["residential"]
    out[residential] = np.where(provider[residential] == P_PRIVATE, "5.28.22", "5.28.23")
    grouping = np.where(provider == P_OWN, ".001", ".002")
    for name, account in ADULT_ACCOUNT.items():
        hit = mtype == T[name]
        out[hit] = account + grouping[hit]
    treatment = mtype == T["treatment"]
    out[treatment] = np.where(paragraph[treatment] == "SEL 101", "5.38.45", "5.38.44")
    out[mtype == T["other"]] = "5.38.53.009"
    return out


# ---------------------------------------------------------------------------------------------
# Follow-ups and price changes
# ---------------------------------------------------------------------------------------------
def _followups(
    rng: np.random.Generator, iv: dict[str, np.ndarray], first: int, last: int
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Half-yearly follow-ups of every measure, their outcomes and the price rows they cause.

    Returns (followups, price rows) as dicts of arrays; ``measure`` is the row in ``iv``.
    """
    start, end, area = iv["start"], iv["end"], iv["area"]
    stop = np.minimum(end, last)
    measure_l, due_l = [], []
    for k in range(1, 200):
        due = _add_months(start, 6 * k)
        alive = due <= stop
        if not alive.any():
            break
        keep = alive & (due >= first)
        measure_l.append(np.flatnonzero(keep))
        due_l.append(due[keep])
    measure = np.concatenate(measure_l)
    due = np.concatenate(due_l)
    n = len(measure)
    # Done on or before the due date in ~80 % (a little better for adults, improving yearly).
    year_gain = 0.008 * np.clip(_year(due) - 2020, 0, 6)
    p_on_time = np.where(area[measure] == 0, 0.74, 0.77) + year_gain
    on_time = rng.random(n) < p_on_time
    done = np.where(
        on_time, due - rng.integers(0, 31, n), due + 1 + _gamma_days(rng, np.full(n, 35.0), 1.2)
    )
    done = np.maximum(done, np.maximum(start[measure], first))
    done = np.where(end[measure] != OPEN, np.minimum(done, end[measure]), done)
    never = rng.random(n) < 0.015
    done = np.where(never | (done > last), NA_DAY, done)
    is_done = done != NA_DAY
    # Outcome probabilities (unchanged, reduced, increased) for children, adults before the
    # adults' reform (baseline year, seed 002) and adults after it (strengthened follow-up,
    # seed 004: more reductions).
    probs = np.array([[0.85, 0.08, 0.07], [0.87, 0.07, 0.06], [0.85, 0.10, 0.05]])
    reform = (area[measure] == 1) & (_year(due) >= BASELINE_YEAR)
    outcome = np.where(is_done, _categorical(rng, probs, area[measure] + reform), -1)
    # 'ended': the last follow-up within 60 days before a deliberate end — one the follow-up
    # decided (goal achieved or stepped down); other ends are not the follow-up's doing.
    deliberate = (end != OPEN) & np.isin(iv["reason"], [R_GOAL, R_DOWN])
    order = np.lexsort((due, measure))
    measure, due, done, outcome = measure[order], due[order], done[order], outcome[order]
    is_done = done != NA_DAY
    last_of_measure = np.r_[measure[1:] != measure[:-1], True]
    near_end = is_done & (end[measure] - done <= 60) & deliberate[measure]
    ended = last_of_measure & near_end & (rng.random(n) < 0.3)
    outcome = np.where(ended, 3, outcome)
    # Ad-hoc closing follow-ups for half of the other deliberate ends.
    has_ended = np.zeros(len(start), bool)
    has_ended[measure[ended]] = True
    adhoc = np.flatnonzero(
        deliberate & ~has_ended & (end >= first) & (rng.random(len(start)) < 0.1)
    )
    a_done = np.maximum(
        end[adhoc] - rng.integers(0, 21, len(adhoc)), np.maximum(start[adhoc], first)
    )
    a_due = np.minimum(a_done + rng.integers(0, 15, len(adhoc)), last)
    measure = np.concatenate([measure, adhoc])
    due = np.concatenate([due, a_due])
    done = np.concatenate([done, a_done])
    outcome = np.concatenate([outcome, np.full(len(adhoc), 3)])
    # Price rows for 'reduced' / 'increased' from the first of the month after done_on.
    changes = np.flatnonzero((outcome == 1) | (outcome == 2))
    valid_from = _month_first(_month(done[changes]) + 1)
    m = measure[changes]
    fits = (valid_from > start[m]) & (valid_from <= np.minimum(end[m], last))
    changes, valid_from, m = changes[fits], valid_from[fits], m[fits]
    o = np.lexsort((valid_from, m))
    changes, valid_from, m = changes[o], valid_from[o], m[o]
    dup = np.r_[False, (m[1:] == m[:-1]) & (valid_from[1:] == valid_from[:-1])]
    changes, valid_from, m = changes[~dup], valid_from[~dup], m[~dup]
    kept = np.zeros(len(measure), bool)
    kept[changes] = True
    outcome = np.where(((outcome == 1) | (outcome == 2)) & ~kept, 0, outcome)
    factor = np.where(
        outcome[changes] == 1,
        rng.uniform(0.65, 0.95, len(changes)),
        rng.uniform(1.05, 1.30, len(changes)),
    )
    # Cumulative factor per measure, in valid_from order: exp of the running sum of log
    # factors since the measure's first price row.
    log_f = np.log(factor)
    csum = np.cumsum(log_f)
    group_start = np.r_[True, m[1:] != m[:-1]] if len(m) else np.zeros(0, bool)
    g0 = np.maximum.accumulate(np.where(group_start, np.arange(len(m)), 0))
    cum = np.exp(csum - (csum[g0] - log_f[g0]))
    new_price = np.round(iv["price"][m] * cum, -2)
    followups = {"measure": measure, "due": due, "done": done, "outcome": outcome}
    prices = {"measure": m, "valid_from": valid_from, "price": new_price}
    return followups, prices


# ---------------------------------------------------------------------------------------------
# Ledger
# ---------------------------------------------------------------------------------------------
def _expand_months(
    start: np.ndarray, end: np.ndarray, first: int, last: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (interval, month) pair of intervals ``start..end`` clipped to ``first..last``:
    returns (interval index, month index, days of the interval in that month)."""
    lo = np.maximum(start, first)
    hi = np.minimum(end, last)
    valid = hi >= lo
    m0 = np.where(valid, _month(np.where(valid, lo, first)), 0)
    m1 = np.where(valid, _month(np.where(valid, hi, first)), -1)
    count = np.maximum(m1 - m0 + 1, 0)
    rep = np.repeat(np.arange(len(start)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    month = m0[rep] + offset
    d0 = np.maximum(lo[rep], _month_first(month))
    d1 = np.minimum(hi[rep], _month_last(month))
    return rep, month, d1 - d0 + 1


def _measure_postings(
    rng: np.random.Generator,
    interventions: pd.DataFrame,
    measure_prices: pd.DataFrame,
    first: int,
    last: int,
) -> pd.DataFrame:
    """One posting per measure and month: the month's commitment cost × (1 ± 3 %)."""
    seg = price_segments(interventions, measure_prices)
    rep, month, days = _expand_months(
        seg["seg_start"].to_numpy(), seg["seg_end"].to_numpy(), first, last
    )
    row = seg["row"].to_numpy()[rep]
    year = _year(_month_first(month))
    cost = seg["annual_cost"].to_numpy()[rep] * days / _days_in_year(year)
    # Sum the price segments of a measure within a month.
    key = row.astype(np.int64) * 100_000 + month
    uniq, inverse = np.unique(key, return_inverse=True)
    amount = np.bincount(inverse, weights=cost)
    row_u, month_u = uniq // 100_000, uniq % 100_000
    amount = amount * (1 + rng.uniform(-0.03, 0.03, len(amount)))
    late = rng.random(len(amount)) < 0.03
    posting_month = month_u + late
    posting = _month_last(posting_month)
    keep = (posting <= last) & (amount > 0)
    row_u, posting, amount = row_u[keep], posting[keep], amount[keep]
    return pd.DataFrame(
        {
            "posting": posting,
            "account": interventions["_account"].to_numpy()[row_u],
            "amount": amount,
            "person_id": interventions["person_id"].to_numpy()[row_u],
            "intervention_id": interventions["intervention_id"].to_numpy()[row_u],
        }
    )


def _spell_postings(
    rng: np.random.Generator,
    spells: dict[str, np.ndarray],
    person_ids: np.ndarray,
    first: int,
    last: int,
) -> pd.DataFrame:
    """Monthly person-level bookings of benefit/special-education spells (pro rata by days)."""
    rep, month, days = _expand_months(spells["start"], spells["end"], first, last)
    month_days = _month_last(month) - _month_first(month) + 1
    amount = spells["monthly"][rep] * days / month_days * (1 + rng.uniform(-0.02, 0.02, len(rep)))
    return pd.DataFrame(
        {
            "posting": _month_last(month),
            "account": spells["account"][rep],
            "amount": amount,
            "person_id": person_ids[rep],
            "intervention_id": None,
        }
    )


def _collective_postings(
    rng: np.random.Generator, measure_rows: pd.DataFrame, scale: float, first: int, last: int
) -> pd.DataFrame:
    """Bookings without a person: administration (monthly), reimbursement of very expensive
    cases and payments from other municipalities (quarterly, negative), and the employment and
    special-education totals of everybody else (monthly)."""
    months = np.arange(int(_month(np.array([first]))[0]), int(_month(np.array([last]))[0]) + 1)
    month_end = _month_last(months)
    years = _year(month_end) - 2020
    parts = []
    for account, low, high in (
        ("5.28.21.099", 35_000, 75_000),
        ("5.28.20.099", 10_000, 30_000),
        ("5.38.39.099", 20_000, 45_000),
        ("5.38.59.099", 10_000, 30_000),
        (ACCOUNT_BENEFIT_OTHERS, 4_300_000, 4_900_000),
        (ACCOUNT_ACTIVATION + ".001", 900_000, 1_200_000),
        (ACCOUNT_SPECIAL_EDUCATION_OTHERS, 2_400_000, 2_900_000),
    ):
        amount = rng.uniform(low, high, len(months)) * scale * 1.02**years
        parts.append(pd.DataFrame({"posting": month_end, "account": account, "amount": amount}))
    # Quarterly income on the expensive lines: 1–6 % of the quarter's spend.
    quarter_end = _month_last(months[(months % 3) == 2])
    posting_q = _month(measure_rows["posting"].to_numpy()) // 3
    function = measure_rows["account"].str.slice(0, 7).to_numpy()
    for account, share in (
        ("5.28.22", (0.02, 0.04)),
        ("5.28.23", (0.02, 0.04)),
        ("5.28.24", (0.03, 0.06)),
        ("5.28.20", (0.005, 0.015)),
        ("5.38.50", (0.03, 0.06)),
        ("5.38.51", (0.03, 0.05)),
    ):
        hit = function == account
        spend = pd.Series(measure_rows["amount"].to_numpy()[hit]).groupby(posting_q[hit]).sum()
        q_index = _month(quarter_end) // 3
        base = spend.reindex(q_index).fillna(0).to_numpy()
        amount = -base * rng.uniform(share[0], share[1], len(quarter_end))
        parts.append(
            pd.DataFrame({"posting": quarter_end, "account": account + ".090", "amount": amount})
        )
    out = pd.concat(parts, ignore_index=True)
    out["person_id"] = None
    out["intervention_id"] = None
    return out[out["posting"] <= last]


# ---------------------------------------------------------------------------------------------
# Casework: notifications, examinations, caseworkers, appeals
# ---------------------------------------------------------------------------------------------
def _notification_times(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Minute of receipt (minutes since 1970) for notifications received on ``days``."""
    n = len(days)
    weekend = _weekday(days) >= 5
    office = (~weekend) & (rng.random(n) < 0.8)
    hour = np.where(office, np.clip(rng.normal(11.5, 2.3, n), 7, 17.95), rng.uniform(0, 23.99, n))
    return days * 1440 + np.floor(hour * 60).astype(np.int64)


def _day_weights(first: int, last: int) -> np.ndarray:
    days = np.arange(first, last + 1)
    w = np.where(_weekday(days) >= 5, 0.38, 1.0)
    month = _month(days) % 12 + 1
    w = np.where(month == 7, w * 0.75, w)
    return w


def _notifications(
    rng: np.random.Generator,
    pop: _Population,
    profile: MunicipalityProfile,
    first: int,
    last: int,
    linked_person: np.ndarray,
    linked_day: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person index, received minute, assessed minute or -1).

    Persons ≥ 0 are children with measures (``linked_person``, first measure on
    ``linked_day``); persons < 0 are children known only from notifications, numbered
    -1, -2, … (repeat notifications share a number)."""
    rate = lambda year: profile.notifications_per_1000_0_17 * pop.aged(year, 0, 17) / 1000  # noqa: E731
    days = _poisson_days(rng, rate, first, last, weights=_day_weights(first, last))
    n = len(days)
    # The notification comes 10–90 days before the child's first measure.
    linked_day = linked_day - rng.integers(10, 91, len(linked_day))
    # A share of the notifications concern children who later get (or have) a measure.
    person = np.zeros(n, np.int64)
    linked = np.zeros(n, bool)
    if len(linked_person):
        order = rng.permutation(len(linked_person))[: int(0.3 * n)]
        lp, ld = linked_person[order], linked_day[order]
        # Each linked child takes the notification nearest in time (first come, first served).
        nearest = np.clip(np.searchsorted(days, ld), 0, n - 1)
        _, winner = np.unique(nearest, return_index=True)
        person[nearest[winner]] = lp[winner]
        linked[nearest[winner]] = True
    # The rest: children known only from notifications, 1.6 notifications each on average.
    rest = np.flatnonzero(~linked)
    n_children = max(1, int(len(rest) / 1.6))
    person[rest] = -1 - rng.integers(0, n_children, len(rest))
    received = _notification_times(rng, days)
    year_gain = 0.012 * np.clip(_year(days) - 2020, 0, 6)
    p24 = 0.80 + year_gain - 0.10 * (_weekday(days) >= 5)
    fast = rng.random(n) < p24
    delay = np.where(
        fast,
        np.minimum(5 + rng.exponential(300, n), 1439),
        1440 + 1 + rng.exponential(3 * 1440, n),
    ).astype(np.int64)
    assessed = received + delay
    # A backlog at the extract: a third of the last three days' notifications are pending.
    pending = (days > last - 3) & (rng.random(n) < 0.33)
    never = (rng.random(n) < 0.004) | pending
    assessed = np.where(never | (assessed > (last + 1) * 1440 - 1), -1, assessed)
    return person, received, assessed


def _examinations(
    rng: np.random.Generator,
    pop: _Population,
    profile: MunicipalityProfile,
    first: int,
    last: int,
    linked_person: np.ndarray,
    linked_day: np.ndarray,
    n_notified: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(person index, started day, completed day or NA_DAY). Child examinations before a new
    child's first measure (steps 2–7), topped up with examinations that led to no measure."""
    start_linked = linked_day - rng.integers(15, 111, len(linked_day))
    ok = start_linked >= first
    lp, ls = linked_person[ok], start_linked[ok]
    rate = lambda year: profile.examinations_per_1000_0_17 * pop.aged(year, 0, 17) / 1000  # noqa: E731
    days = _poisson_days(rng, rate, first, last)
    # Keep as many of the free-standing ones as needed to reach the rate.
    extra = days[rng.random(len(days)) < max(0.0, 1 - len(ls) / max(len(days), 1))]
    ep_person = -1 - rng.integers(0, max(n_notified, 1), len(extra))
    person = np.concatenate([lp, ep_person])
    started = np.concatenate([ls, extra])
    n = len(started)
    deadline = _add_months(started, 4) - started
    year_gain = 0.006 * np.clip(_year(started) - 2020, 0, 6)
    on_time = rng.random(n) < 0.72 + year_gain
    length = np.where(
        on_time,
        (rng.uniform(0.3, 1.0, n) * deadline).astype(np.int64),
        deadline + 1 + _gamma_days(rng, np.full(n, 45.0), 1.3),
    )
    completed = started + length
    stale = rng.random(n) < 0.012
    completed = np.where(stale | (completed > last), NA_DAY, completed)
    return person, started, completed


def _active_persons(ep: _Episodes, days: np.ndarray) -> np.ndarray:
    """Distinct persons with an active episode on each day of ``days``."""
    out = np.zeros(len(days), np.int64)
    for i, d in enumerate(days):
        mask = (ep.start <= d) & (ep.end >= d)
        out[i] = len(np.unique(ep.person[mask]))
    return out


def _caseworkers(
    rng: np.random.Generator, ep: _Episodes, profile: MunicipalityProfile, first: int, last: int
) -> pd.DataFrame:
    months = np.arange(int(_month(np.array([first]))[0]), int(_month(np.array([last]))[0]) + 1)
    month_end = _month_last(months)
    frames = []
    for area, name, caseload in (
        (0, "children", profile.children_caseload),
        (1, "adults", profile.adults_caseload),
    ):
        active = _active_persons(ep.take(ep.area == area), month_end)
        # Staffing follows the caseload with a lag: a slow random walk around the target.
        walk = np.cumsum(rng.normal(0, 0.25, len(months)))
        walk = walk - np.linspace(0, walk[-1], len(walk)) * 0.5
        load = np.clip(caseload * (1 + 0.06 * np.tanh(walk)), caseload * 0.85, caseload * 1.15)
        fte = np.round(active / load, 1)
        frames.append(pd.DataFrame({"date": month_end, "area": name, "fte": fte}))
    return pd.concat(frames, ignore_index=True)


def _appeals(
    rng: np.random.Generator, scale: float, profile: MunicipalityProfile, first: int, last: int
) -> pd.DataFrame:
    # (changed + remitted + annulled) / decided on the merits ≈ 0.33 (VIVE average 36 %).
    probs = np.array([0.58, 0.15, 0.12, 0.02, 0.13])
    weights = np.where(_weekday(np.arange(first, last + 1)) >= 5, 0.0, 1.0)
    frames = []
    for area in codes.AREAS:
        rate = lambda year: profile.appeals_per_50000 * scale  # noqa: E731
        days = _poisson_days(rng, rate, first, last, weights=weights)
        outcome = np.array(codes.APPEAL_OUTCOMES, dtype=object)[
            rng.choice(5, size=len(days), p=probs)
        ]
        frames.append(pd.DataFrame({"decision": days, "area": area, "outcome": outcome}))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Budget
# ---------------------------------------------------------------------------------------------
def _budget_lines_frame() -> pd.DataFrame:
    return pd.DataFrame(
        BUDGET_LINES, columns=["budget_line", "area", "sector", "accounts", "measure_types"]
    ).replace({"measure_types": {"": None}})


def _full_year_persons(start: np.ndarray, end: np.ndarray, year: int) -> np.ndarray:
    lo = np.maximum(start, _jan1(year))
    hi = np.minimum(end, _jan1(year + 1) - 1)
    return np.clip(hi - lo + 1, 0, None) / int(_days_in_year(year))


def _budget(
    rng: np.random.Generator,
    lines: pd.DataFrame,
    ledger: pd.DataFrame,
    interventions: pd.DataFrame,
    profile: MunicipalityProfile,
    years: range,
) -> pd.DataFrame:
    """Budget per line and year: recent volume and last year's average cost, drifted.

    Qb = mean(Qa(y−2), Qa(y−1)) × (1 + a + e), Pb = Pa(y−1) × 1.02 × (1 + b + u), where a and
    b are errors common to all lines of an area in a year (the assumptions of one budget
    process move together: N(bias, 4 %) and N(0, 2.5 %)) and e, u are the line's own
    (N(0, 3 %), N(0, 2 %)); original_budget = round(Qb × Pb). The first year uses its own
    actuals deflated. Lines without measure types (employment, other) budget last year's
    spend × 1.02 ± 4 %.

    Supplementary appropriations are decided at the mid-year follow-up from what was known
    then — the first half-year's spend, annualised: for half of the line-years running more
    than 4 % over the original budget, 30–80 % of the expected overspend is granted.
    """
    line_of = map_accounts(ledger["account"], lines).to_numpy()
    posting = ledger["posting"].to_numpy()
    ledger_year = _year(posting)
    amount = pd.Series(ledger["amount"].to_numpy())
    spend = amount.groupby([line_of, ledger_year]).sum()
    jan1 = {int(y): _jan1(int(y)) for y in np.unique(ledger_year)}
    first_half = posting < np.vectorize(jan1.__getitem__, otypes=[np.int64])(ledger_year) + 181
    h1_spend = amount[first_half].groupby([line_of[first_half], ledger_year[first_half]]).sum()
    start = interventions["_start"].to_numpy()
    end = interventions["_end"].to_numpy()
    mtype = interventions["measure_type"].to_numpy()
    areas = sorted(set(lines["area"]))
    common = {
        (area, y): (
            rng.normal(profile.budget_volume_bias.get(area, 0.0), 0.04),
            rng.normal(0.0, 0.025),
        )
        for area in areas
        for y in years
    }
    rows = []
    for line in lines.itertuples(index=False):
        cell = "" if pd.isna(line.measure_types) else str(line.measure_types)
        types = [t for t in cell.split(";") if t]
        actual = {y: float(spend.get((line.budget_line, y), 0.0)) for y in years}
        if types:
            mine = np.isin(mtype, types)
            volume = {y: float(_full_year_persons(start[mine], end[mine], y).sum()) for y in years}
        for y in years:
            ref = y - 1 if y - 1 in actual else y
            deflate = 1.0 if ref != y else 1.025
            vol_error, price_error = common[(line.area, y)]
            if types:
                recent = [volume[r] for r in (y - 2, y - 1) if r in volume] or [volume[y] / 1.02]
                q_ref = float(np.mean(recent))
                p_ref = actual[ref] / max(volume[ref], 0.1) / deflate
                qb = max(0.1, round(q_ref * (1 + vol_error + rng.normal(0, 0.03)), 1))
                pb = float(round(p_ref * 1.02 * (1 + price_error + rng.normal(0, 0.02))))
                original = float(round(qb * pb))
            else:
                qb, pb = np.nan, np.nan
                original = float(
                    round(actual[ref] / deflate * 1.02 * (1 + rng.normal(0, 0.04)), -3)
                )
            supplementary = 0.0
            run_rate = float(h1_spend.get((line.budget_line, y), 0.0)) * _days_in_year(y) / 181
            roll = rng.random()
            if run_rate > original * 1.04 and roll < 0.5 and y < years[-1]:
                supplementary = float(round((run_rate - original) * rng.uniform(0.3, 0.8), -3))
            rows.append((y, line.budget_line, original, supplementary, qb, pb))
    return pd.DataFrame(
        rows,
        columns=[
            "year",
            "budget_line",
            "original_budget",
            "supplementary_appropriations",
            "budget_full_year_persons",
            "budget_avg_cost",
        ],
    )


# ---------------------------------------------------------------------------------------------
# The core: one municipality
# ---------------------------------------------------------------------------------------------
def _ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.array([f"{prefix}{n:0{width}d}" for n in numbers.tolist()], dtype=object)


def _random_numbers(rng: np.random.Generator, n: int, high: int) -> np.ndarray:
    """``n`` distinct pseudonym numbers in 1..high (random, so they carry no meaning)."""
    return rng.choice(high, size=n, replace=False) + 1


def generate_municipality(
    rng: np.random.Generator,
    code: str,
    name: str,
    population: int,
    first_day: date,
    last_day: date,
    *,
    profile: MunicipalityProfile | None = None,
) -> dict[str, pd.DataFrame]:
    """Simulate one municipality and return every table of ``DATA.md`` as a DataFrame.

    Parameters
    ----------
    rng
        Source of randomness; the result is a pure function of its state and the arguments.
    code, name
        Municipality code (3 digits) and name; stored in each frame's ``attrs`` (a national
        data set adds them as a ``municipality_code`` column).
    population
        Inhabitants on 1 January of ``first_day``'s year.
    first_day, last_day
        The data window; ``last_day`` is the extract date. Measures running on ``first_day``
        keep their earlier start dates; nothing else is dated outside the window.
    profile
        Behaviour of the municipality (defaults: :class:`MunicipalityProfile`).

    Returns
    -------
    dict[str, DataFrame]
        One frame per table, keyed by table name, columns in contract order: dates as
        ``datetime64[ns]`` (``NaT`` = empty), money as ``float64`` rounded to øre, ids as text.
    """
    profile = profile or MunicipalityProfile()
    first, last = _dn(first_day), _dn(last_day)
    years = range(first_day.year, last_day.year + 1)
    scale = population / 50_000
    streams = dict(
        zip(
            (
                "population",
                "children",
                "adults",
                "cross",
                "attributes",
                "ids",
                "followups",
                "ledger",
                "notifications",
                "examinations",
                "caseworkers",
                "appeals",
                "budget",
                "reference",
            ),
            rng.spawn(14),
            strict=True,
        )
    )
    pop = _Population(first_day.year, population, profile.growth, _age_shape(profile.young_tilt))
    population_frame = _population_table(streams["population"], pop, years)

    children, child_ep = _children(streams["children"], pop, profile, first, last)
    children, child_ep = _compact(children, child_ep, 0)
    adults, adult_ep = _adults(streams["adults"], pop, profile, first, last)
    adults, adult_ep = _compact(adults, adult_ep, 1)
    ep = _Episodes.concat([child_ep, adult_ep])
    cs, parents, parent_ep = _cross_sector(
        streams["cross"], scale, profile, children, ep, len(adults.birth), first, last
    )
    adults = _Persons(
        np.concatenate([adults.birth, parents.birth]),
        np.concatenate([adults.limit, parents.limit]),
        np.concatenate([adults.family, parents.family]),
    )
    ep = _Episodes.concat([ep, parent_ep])

    # ---- interventions ------------------------------------------------------------------
    a = streams["attributes"]
    price = _prices(a, ep.mtype, ep.start, profile.price_level)
    provider = _providers(a, ep.mtype)
    paragraph = _paragraphs(a, ep.mtype, ep.start)
    account = _accounts(ep.mtype, provider, paragraph)
    ids = streams["ids"]
    # Notifications and examinations need the children known only from casework, so the
    # children's pseudonyms are drawn after those tables are simulated.
    child_first = np.full(len(children.birth), OPEN)
    is_child = ep.area == 0
    np.minimum.at(child_first, ep.person[is_child], ep.start[is_child])
    # Children new in the window whose first measure is step 2 or higher.
    first_step = np.full(len(children.birth), 99)
    starts_first = is_child & (ep.start == child_first[np.where(is_child, ep.person, 0)])
    np.minimum.at(first_step, ep.person[starts_first], ep.mtype[starts_first])
    new_in_window = np.flatnonzero(child_first >= first)
    n_person, n_received, n_assessed = _notifications(
        streams["notifications"],
        pop,
        profile,
        first,
        last,
        new_in_window,
        child_first[new_in_window],
    )
    n_notified = int(-n_person.min()) if (n_person < 0).any() else 0
    exam_linked = new_in_window[first_step[new_in_window] >= 1]
    x_person, x_started, x_completed = _examinations(
        streams["examinations"],
        pop,
        profile,
        first,
        last,
        exam_linked,
        child_first[exam_linked],
        n_notified,
    )

    n_children_all = len(children.birth) + n_notified
    child_numbers = _random_numbers(ids, n_children_all, 999_999)
    adult_numbers = _random_numbers(ids, len(adults.birth), 999_999)
    child_ids = _ids("B", child_numbers, 6)
    adult_ids = _ids("V", adult_numbers, 6)
    n_fam = int(children.family.max()) + 1 if len(children.family) else 0
    family_ids = _ids("F", _random_numbers(ids, n_fam, 99_999), 5)

    def child_id(index: np.ndarray) -> np.ndarray:
        """Pseudonym of a child: index ≥ 0 has measures, −k is the k-th notified-only child."""
        index = np.asarray(index)
        return child_ids[np.where(index >= 0, index, len(children.birth) - 1 - index)]

    def person_of(area: np.ndarray, index: np.ndarray) -> np.ndarray:
        """Pseudonym of a person of ``area`` (0 children, 1 adults) with ``index``."""
        young = np.asarray(area) == 0
        return np.where(
            young, child_id(np.where(young, index, 0)), adult_ids[np.where(young, 0, index)]
        )

    person_id = person_of(ep.area, ep.person)
    family_id = np.where(
        is_child, family_ids[children.family[np.where(is_child, ep.person, 0)]], None
    )
    birth = np.where(
        is_child,
        children.birth[np.where(is_child, ep.person, 0)],
        adults.birth[np.where(is_child, 0, ep.person)],
    )
    order = np.lexsort((ep.mtype, person_id.astype(str), ep.start))
    intervention_id = np.empty(len(ep), dtype=object)
    intervention_id[order] = _ids("I", np.arange(1, len(ep) + 1), 7)
    iv = {
        "area": ep.area,
        "start": ep.start,
        "end": ep.end,
        "reason": ep.reason,
        "price": price,
    }
    interventions = pd.DataFrame(
        {
            "intervention_id": intervention_id,
            "person_id": person_id,
            "family_id": family_id,
            "birth_date": _to_datetime(birth),
            "area": np.array(codes.AREAS, dtype=object)[ep.area],
            "paragraph": paragraph,
            "measure_type": np.array(ALL_TYPES, dtype=object)[ep.mtype],
            "provider_type": np.array(PROVIDERS, dtype=object)[provider],
            "start_date": _to_datetime(ep.start),
            "end_date": _to_datetime(ep.end),
            "annual_cost": price,
            "end_reason": np.where(
                ep.reason == R_NONE, None, np.array(REASONS, dtype=object)[ep.reason]
            ),
            "_account": account,
            "_start": ep.start,
            "_end": ep.end,
        }
    )

    # ---- follow-ups and price changes --------------------------------------------------
    fu, pr = _followups(streams["followups"], iv, first, last)
    measure_prices = pd.DataFrame(
        {
            "intervention_id": intervention_id[pr["measure"]],
            "valid_from": _to_datetime(pr["valid_from"]),
            "annual_cost": pr["price"],
        }
    )
    fu_order = np.lexsort((intervention_id[fu["measure"]].astype(str), fu["due"]))
    followups = pd.DataFrame(
        {
            "followup_id": _ids("O", np.arange(1, len(fu_order) + 1), 7),
            "intervention_id": intervention_id[fu["measure"][fu_order]],
            "due_on": _to_datetime(fu["due"][fu_order]),
            "done_on": _to_datetime(np.where(fu["done"] == NA_DAY, OPEN, fu["done"])[fu_order]),
            "outcome": np.where(
                fu["outcome"] >= 0,
                np.array(codes.FOLLOWUP_OUTCOMES, dtype=object)[np.maximum(fu["outcome"], 0)],
                None,
            )[fu_order],
        }
    )

    # ---- ledger ------------------------------------------------------------------------
    lr = streams["ledger"]
    measure_rows = _measure_postings(lr, interventions, measure_prices, first, last)
    sp = cs.spells.arrays()
    spell_person = person_of(sp["area"], sp["person"])
    spell_rows = _spell_postings(lr, sp, spell_person, first, last)
    collective = _collective_postings(lr, measure_rows, scale, first, last)
    ledger = pd.concat([measure_rows, spell_rows, collective], ignore_index=True)
    ledger["amount"] = np.round(ledger["amount"].to_numpy(dtype=float), 2) + 0.0
    ledger = ledger.sort_values(
        ["posting", "account", "intervention_id", "person_id", "amount"],
        kind="stable",
        na_position="first",
    )
    ledger_frame = pd.DataFrame(
        {
            "posting_date": _to_datetime(ledger["posting"].to_numpy()),
            "account": ledger["account"].to_numpy(),
            "amount": ledger["amount"].to_numpy(),
            "person_id": ledger["person_id"].to_numpy(),
            "intervention_id": ledger["intervention_id"].to_numpy(),
        }
    )

    # ---- budget ------------------------------------------------------------------------
    lines = _budget_lines_frame()
    budget = _budget(streams["budget"], lines, ledger, interventions, profile, years)

    # ---- casework tables ---------------------------------------------------------------
    n_order = np.lexsort((n_person, n_received))
    assessed = n_assessed[n_order]
    notifications = pd.DataFrame(
        {
            "notification_id": _ids("N", np.arange(1, len(n_order) + 1), 6),
            "person_id": child_id(n_person[n_order]),
            "received_at": (n_received[n_order]).astype("datetime64[m]").astype("datetime64[ns]"),
            "assessed_at": np.where(assessed >= 0, assessed, np.iinfo(np.int64).min)
            .astype("datetime64[m]")
            .astype("datetime64[ns]"),
        }
    )
    x_order = np.lexsort((x_person, x_started))
    examinations = pd.DataFrame(
        {
            "examination_id": _ids("U", np.arange(1, len(x_order) + 1), 6),
            "person_id": child_id(x_person[x_order]),
            "started_on": _to_datetime(x_started[x_order]),
            "completed_on": _to_datetime(
                np.where(x_completed == NA_DAY, OPEN, x_completed)[x_order]
            ),
        }
    )
    caseworkers = _caseworkers(streams["caseworkers"], ep, profile, first, last)
    caseworkers["date"] = _to_datetime(caseworkers["date"].to_numpy())
    appeals = _appeals(streams["appeals"], scale, profile, first, last)
    appeals = appeals.sort_values(["decision", "area", "outcome"], kind="stable")
    appeals = pd.DataFrame(
        {
            "decision_date": _to_datetime(appeals["decision"].to_numpy()),
            "area": appeals["area"].to_numpy(),
            "outcome": appeals["outcome"].to_numpy(),
        }
    )

    # ---- cross-sector ------------------------------------------------------------------
    e_order = np.lexsort((cs.enrol_solution, cs.enrolled_on))
    fam_col = np.where(cs.enrol_family >= 0, family_ids[np.maximum(cs.enrol_family, 0)], None)
    per_col = np.where(cs.enrol_person >= 0, child_id(np.maximum(cs.enrol_person, 0)), None)
    enrolments = pd.DataFrame(
        {
            "enrolment_id": _ids("T", np.arange(1, len(e_order) + 1), 4),
            "solution": np.array(SOLUTIONS, dtype=object)[cs.enrol_solution[e_order]],
            "person_id": per_col[e_order],
            "family_id": fam_col[e_order],
            "enrolled_on": _to_datetime(cs.enrolled_on[e_order]),
            "ended_on": _to_datetime(np.where(cs.ended_on == NA_DAY, OPEN, cs.ended_on)[e_order]),
        }
    )
    enrolled_fams = cs.enrol_family[cs.enrol_family >= 0]
    kids = np.flatnonzero(np.isin(children.family, enrolled_fams))
    members = pd.DataFrame(
        {
            "family_id": np.concatenate(
                [family_ids[children.family[kids]], family_ids[cs.parent_family]]
            ),
            "person_id": np.concatenate([child_id(kids), adult_ids[cs.parent_person]]),
        }
    ).sort_values(["family_id", "person_id"], kind="stable")
    out_person = person_of(cs.outcome_area, cs.outcome_person)
    outcomes = pd.DataFrame(
        {
            "person_id": out_person,
            "date": _to_datetime(cs.outcome_day),
            "status": np.array(codes.OUTCOME_STATUSES, dtype=object)[cs.outcome_status],
        }
    ).drop_duplicates(["person_id", "date"], keep="last")
    outcomes = outcomes.sort_values(["person_id", "date"], kind="stable")

    # ---- reference ---------------------------------------------------------------------
    reference = _reference(streams["reference"], years, scale)

    interventions = interventions.sort_values("intervention_id", kind="stable")
    interventions = interventions.drop(columns=["_account", "_start", "_end"])
    measure_prices = measure_prices.sort_values(["intervention_id", "valid_from"], kind="stable")
    frames = {
        "population": population_frame,
        "interventions": interventions,
        "measure_prices": measure_prices,
        "ledger": ledger_frame,
        "budget_lines": lines,
        "budget": budget,
        "notifications": notifications,
        "examinations": examinations,
        "followups": followups,
        "caseworkers": caseworkers,
        "appeals": appeals,
        "cross_sector_enrolments": enrolments,
        "family_members": members,
        "outcomes": outcomes,
        "reference": reference,
    }
    frames = {key: frame.reset_index(drop=True) for key, frame in frames.items()}
    for frame in frames.values():
        frame.attrs.update({"municipality_code": code, "municipality_name": name})
    return frames


def _reference(rng: np.random.Generator, years: range, scale: float) -> pd.DataFrame:
    rows = []
    for y in years:
        need = 9_600 * 1.013 ** (y - 2020) * (1 + rng.uniform(-0.003, 0.003))
        rows.append(("expenditure_need_per_0_22", y, float(round(need))))
    for i, y in enumerate(range(BASELINE_YEAR, BASELINE_YEAR + len(EXPECTED_EFFECTS))):
        if y in years:
            rows.append(("expected_effects", y, float(round(EXPECTED_EFFECTS[i] * scale, -3))))
    rows.append(("baseline_year", None, float(BASELINE_YEAR)))
    frame = pd.DataFrame(rows, columns=["key", "year", "value"])
    frame["year"] = frame["year"].astype("Int64")
    return frame


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------
#: How each column is written: date, datetime, money (2 decimals), int, float1 (1 decimal) or
#: text. Columns not listed are text.
COLUMN_FORMATS: dict[str, str] = {
    "year": "int",
    "age": "int",
    "persons": "int",
    "birth_date": "month",
    "start_date": "date",
    "end_date": "date",
    "annual_cost": "money",
    "valid_from": "date",
    "posting_date": "date",
    "amount": "money",
    "original_budget": "int",
    "supplementary_appropriations": "int",
    "budget_full_year_persons": "float1",
    "budget_avg_cost": "int",
    "received_at": "datetime",
    "assessed_at": "datetime",
    "started_on": "date",
    "completed_on": "date",
    "due_on": "date",
    "done_on": "date",
    "date": "date",
    "fte": "float1",
    "decision_date": "date",
    "enrolled_on": "date",
    "ended_on": "date",
    "value": "plain",
}


def _format_column(values: pd.Series, kind: str) -> np.ndarray:
    if kind in ("date", "month", "datetime"):
        arr = values.to_numpy(dtype="datetime64[ns]")
        unit = {"date": "D", "month": "M", "datetime": "m"}[kind]
        text = np.datetime_as_string(arr.astype(f"datetime64[{unit}]"), unit=unit)
        text = np.char.replace(text, "T", " ") if kind == "datetime" else text
        return np.where(np.isnat(arr), "", text)
    if kind in ("money", "int", "float1", "plain"):
        arr = values.to_numpy(dtype=float, na_value=np.nan)
        missing = np.isnan(arr)
        filled = np.where(missing, 0.0, arr)
        if kind == "money":
            text = np.char.mod("%.2f", np.round(filled, 2) + 0.0)
        elif kind == "float1":
            text = np.char.mod("%.1f", np.round(filled, 1) + 0.0)
        elif kind == "int":
            text = np.char.mod("%d", np.round(filled).astype(np.int64))
        else:
            whole = filled == np.round(filled)
            text = np.where(
                whole,
                np.char.mod("%d", np.round(filled).astype(np.int64)),
                np.char.mod("%.6g", filled),
            )
        return np.where(missing, "", text)
    text = values.astype(object).to_numpy()
    return np.array(["" if v is None or v != v else str(v) for v in text], dtype=object)


def format_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as text cells exactly as written to CSV (ISO dates, '.' decimal, money with
    two decimals, empty cell for missing)."""
    return pd.DataFrame(
        {name: _format_column(frame[name], COLUMN_FORMATS.get(name, "text")) for name in frame},
        dtype=object,
    )


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    cells = format_table(frame)
    lines = [",".join(frame.columns)]
    columns = [cells[name].to_numpy(dtype=object).astype(str) for name in cells]
    if columns:
        joined = columns[0]
        for col in columns[1:]:
            joined = np.char.add(np.char.add(joined, ","), col)
        lines.extend(joined.tolist())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def municipality_yaml(example: ExampleMunicipality, seed: int) -> str:
    """The ``municipality.yml`` of the example data directory."""
    return (
        f"# {example.name} is fictional: example data made by noegletal.synthetic (seed {seed}).\n"
        f"name: {example.name}\n"
        f'code: "{example.code}"\n'
        "currency: DKK\n"
        "discretion_threshold: 5\n"
        "language: da\n"
        f"extract_date: {example.last_day.isoformat()}\n"
        "branding:\n"
        f'  primary_colour: "{example.primary_colour}"\n'
    )


def generate_example(out_dir: Path, seed: int = 2026) -> list[Path]:
    """Write the example municipality (Egebjerg Kommune) to ``out_dir``.

    Every table of ``DATA.md`` as ``NAME.csv`` (comma-separated, '.' decimal, UTF-8, ISO
    dates) plus ``municipality.yml``. The same ``seed`` gives byte-identical files.

    Returns
    -------
    list[Path]
        The written files, tables first (in :data:`TABLE_ORDER`), then ``municipality.yml``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    frames = generate_municipality(
        rng, EXAMPLE.code, EXAMPLE.name, EXAMPLE.population, EXAMPLE.first_day, EXAMPLE.last_day
    )
    written = []
    for name in TABLE_ORDER:
        path = out_dir / f"{name}.csv"
        _write_csv(frames[name], path)
        written.append(path)
    config = out_dir / "municipality.yml"
    config.write_text(municipality_yaml(EXAMPLE, seed), encoding="utf-8", newline="\n")
    written.append(config)
    return written
