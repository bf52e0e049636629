"""Build small hand-made data sets for indicator tests.

Tables are written as CSV and loaded through :func:`load_tables`, so every fixture is also
checked against the data contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from noegletal.data.load import load_tables
from noegletal.data.tables import Tables

MUNICIPALITY_YML = """name: Testby Kommune
code: "999"
discretion_threshold: 5
extract_date: {extract}
"""

#: Budget lines most tests use: children's preventive/family care/institutions, adults.
STANDARD_LINES = [
    {"budget_line": "Forebyggende", "area": "children", "sector": "children",
     "accounts": "5.28.21", "measure_types": "early_support;preventive;home_based_intensive"},
    {"budget_line": "Familiepleje", "area": "children", "sector": "children",
     "accounts": "5.28.20", "measure_types": "kinship_foster_care;foster_care"},
    {"budget_line": "Institution", "area": "children", "sector": "children",
     "accounts": "5.28.23;5.28.24", "measure_types": "residential;secure_residential"},
    {"budget_line": "Botilbud", "area": "adults", "sector": "adults",
     "accounts": "5.38.50;5.38.51;5.38.42",
     "measure_types": "long_term_housing;temporary_housing;shelter"},
    {"budget_line": "Støtte", "area": "adults", "sector": "adults", "accounts": "5.38.39",
     "measure_types": "support_own_home;protected_employment;day_activity;"
                      "contact_person;treatment;other"},
    {"budget_line": "Beskæftigelse", "area": "employment", "sector": "employment",
     "accounts": "5.57", "measure_types": ""},
]  # fmt: skip

CHILDREN_PARAGRAPH = {
    "early_support": "BL 30",
    "preventive": "BL 32",
    "home_based_intensive": "BL 32",
}
ADULT_PARAGRAPH = {
    "support_own_home": "SEL 85",
    "protected_employment": "SEL 103",
    "day_activity": "SEL 104",
    "temporary_housing": "SEL 107",
    "long_term_housing": "SEL 108",
    "shelter": "SEL 110",
}
ADULT_TYPES = {*ADULT_PARAGRAPH, "contact_person", "treatment", "other"}


def measure(
    intervention_id: str,
    person_id: str,
    measure_type: str,
    start: str,
    end: str | None = None,
    annual_cost: float = 0.0,
    *,
    birth_date: str | None = None,
    provider_type: str = "own",
    end_reason: str | None = None,
    family_id: str | None = None,
    paragraph: str | None = None,
) -> dict[str, Any]:
    """One interventions row with sensible defaults for area, paragraph and birth date."""
    adult = measure_type in ADULT_TYPES
    default_paragraph = (
        ADULT_PARAGRAPH.get(measure_type, "SEL 85")
        if adult
        else CHILDREN_PARAGRAPH.get(measure_type, "BL 46")
    )
    return {
        "intervention_id": intervention_id,
        "person_id": person_id,
        "family_id": family_id or "",
        "birth_date": birth_date or ("1980-01" if adult else "2014-01"),
        "area": "adults" if adult else "children",
        "paragraph": paragraph or default_paragraph,
        "measure_type": measure_type,
        "provider_type": provider_type,
        "start_date": start,
        "end_date": end or "",
        "annual_cost": annual_cost,
        "end_reason": end_reason or "",
    }


def population(year: int, ages: Mapping[int, int]) -> list[dict[str, int]]:
    """Population rows of one year from ``{age: persons}``."""
    return [{"year": year, "age": age, "persons": n} for age, n in sorted(ages.items())]


def build_tables(
    tmp_path: Path,
    *,
    interventions: Iterable[Mapping[str, Any]],
    population_rows: Iterable[Mapping[str, Any]] = (),
    ledger: Iterable[Mapping[str, Any]] = (),
    budget_lines: Iterable[Mapping[str, Any]] | None = None,
    budget: Iterable[Mapping[str, Any]] = (),
    extract_date: str = "2026-06-30",
    **optional: Iterable[Mapping[str, Any]],
) -> Tables:
    """Write the given rows as CSV files in a fresh folder and load them (validated)."""
    folder = tmp_path / f"data{len(list(tmp_path.glob('data*')))}"
    folder.mkdir()
    (folder / "municipality.yml").write_text(
        MUNICIPALITY_YML.format(extract=extract_date), encoding="utf-8"
    )
    ledger_rows = list(ledger) or [
        {"posting_date": "2020-01-31", "account": "5.28.21", "amount": 0.0}
    ]
    tables: dict[str, list[Mapping[str, Any]] | pd.DataFrame] = {
        "interventions": list(interventions),
        "population": list(population_rows) or population(2024, {0: 1}),
        "ledger": ledger_rows,
        "budget_lines": list(budget_lines) if budget_lines is not None else STANDARD_LINES,
        "budget": list(budget)
        or [{"year": 2024, "budget_line": "Forebyggende", "original_budget": 0}],
        **{name: list(rows) for name, rows in optional.items()},
    }
    columns = {
        "ledger": ["posting_date", "account", "amount", "person_id", "intervention_id"],
        "budget": [
            "year",
            "budget_line",
            "original_budget",
            "supplementary_appropriations",
            "budget_full_year_persons",
            "budget_avg_cost",
        ],
    }
    for name, rows in tables.items():
        frame = pd.DataFrame(rows)
        for col in columns.get(name, []):
            if col not in frame:
                frame[col] = ""
        frame.to_csv(folder / f"{name}.csv", index=False)
    return load_tables(folder)
