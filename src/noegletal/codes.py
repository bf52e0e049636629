"""Code lists of the data contract (``DATA.md``) and the staircase (``INDICATORS.md``, FP1).

One place for every closed set of values, so validation, indicators, the generator and the
reports agree. Danish labels are for the reader; keys are what the data holds.
"""

from __future__ import annotations

__all__ = [
    "ADULT_HOUSING",
    "ADULT_MEASURE_TYPES",
    "APPEAL_OUTCOMES",
    "AREAS",
    "BUDGET_AREAS",
    "CHILD_MEASURE_TYPES",
    "END_REASONS",
    "FOLLOWUP_OUTCOMES",
    "MEASURE_LABELS_DA",
    "MEASURE_TYPES_BY_AREA",
    "OUTCOME_STATUSES",
    "PLACEMENT_STEPS",
    "PREVENTIVE_STEPS",
    "PROVIDER_LABELS_DA",
    "PROVIDER_TYPES",
    "STAIRCASE",
    "STEP_LABELS_DA",
]

#: Children's intervention staircase, least to most intrusive (step number → measure_type).
STAIRCASE: dict[int, str] = {
    1: "early_support",
    2: "preventive",
    3: "home_based_intensive",
    4: "kinship_foster_care",
    5: "foster_care",
    6: "residential",
    7: "secure_residential",
}
STEP_OF: dict[str, int] = {measure: step for step, measure in STAIRCASE.items()}
PREVENTIVE_STEPS = (1, 2, 3)
PLACEMENT_STEPS = (4, 5, 6, 7)

CHILD_MEASURE_TYPES = tuple(STAIRCASE.values())
ADULT_MEASURE_TYPES = (
    "support_own_home",  # SEL § 85
    "protected_employment",  # § 103
    "day_activity",  # § 104
    "temporary_housing",  # § 107
    "long_term_housing",  # § 108
    "shelter",  # § 110
    "contact_person",
    "treatment",
    "other",
)
#: Housing offers of the adults' report: measure_type → paragraph label.
ADULT_HOUSING = {
    "temporary_housing": "§ 107",
    "long_term_housing": "§ 108",
    "shelter": "§ 110",
}

AREAS = ("children", "adults")
BUDGET_AREAS = ("children", "adults", "employment", "other")
MEASURE_TYPES_BY_AREA = {"children": CHILD_MEASURE_TYPES, "adults": ADULT_MEASURE_TYPES}

PROVIDER_TYPES = ("own", "other_municipality", "regional", "private")
END_REASONS = ("goal_achieved", "stepped_down", "stepped_up", "moved_away", "age_out", "other")
FOLLOWUP_OUTCOMES = ("unchanged", "reduced", "increased", "ended")
APPEAL_OUTCOMES = ("upheld", "changed", "remitted", "annulled", "dismissed")
OUTCOME_STATUSES = ("job", "education", "benefit", "other")

STEP_LABELS_DA: dict[int, str] = {
    1: "Tidlig støtte",
    2: "Forebyggende indsats",
    3: "Intensiv støtte i hjemmet",
    4: "Netværksplejefamilie",
    5: "Plejefamilie, eget værelse mv.",
    6: "Døgninstitution/opholdssted",
    7: "Sikret institution",
}

MEASURE_LABELS_DA: dict[str, str] = {
    **{STAIRCASE[step]: label for step, label in STEP_LABELS_DA.items()},
    "support_own_home": "Socialpædagogisk støtte (§ 85)",
    "protected_employment": "Beskyttet beskæftigelse (§ 103)",
    "day_activity": "Aktivitets- og samværstilbud (§ 104)",
    "temporary_housing": "Midlertidigt botilbud (§ 107)",
    "long_term_housing": "Længerevarende botilbud (§ 108)",
    "shelter": "Forsorgshjem/herberg (§ 110)",
    "contact_person": "Kontaktperson/ledsager",
    "treatment": "Behandling",
    "other": "Øvrige indsatser",
}

PROVIDER_LABELS_DA = {
    "own": "Egne tilbud",
    "other_municipality": "Andre kommuner",
    "regional": "Regionale tilbud",
    "private": "Private tilbud",
}
