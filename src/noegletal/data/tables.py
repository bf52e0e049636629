"""The validated input: one frozen bundle of typed tables that every indicator reads."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from noegletal.config import Municipality
from noegletal.data.accounts import line_positions
from noegletal.data.io import Source

__all__ = ["Tables"]

TABLE_FIELDS = (
    "population",
    "interventions",
    "ledger",
    "budget_lines",
    "budget",
    "measure_prices",
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


@dataclass(frozen=True, eq=False)
class Tables:
    """Typed, validated tables of one data directory (optional tables may be ``None``).

    Dates are ``datetime64[ns]``, money ``float64`` (kr.), ids ``str``. Indicators treat the
    frames as read-only.
    """

    municipality: Municipality
    population: pd.DataFrame
    interventions: pd.DataFrame
    ledger: pd.DataFrame
    budget_lines: pd.DataFrame
    budget: pd.DataFrame
    measure_prices: pd.DataFrame | None = None
    notifications: pd.DataFrame | None = None
    examinations: pd.DataFrame | None = None
    followups: pd.DataFrame | None = None
    caseworkers: pd.DataFrame | None = None
    appeals: pd.DataFrame | None = None
    cross_sector_enrolments: pd.DataFrame | None = None
    family_members: pd.DataFrame | None = None
    outcomes: pd.DataFrame | None = None
    reference: pd.DataFrame | None = None
    sources: dict[str, Source] = field(default_factory=dict)
    #: First and last posting day of the raw ledger, when ``ledger`` holds a summary of it.
    ledger_bounds: tuple[date, date] | None = None

    def has(self, name: str) -> bool:
        """True if table ``name`` was given (optional tables may be absent)."""
        return getattr(self, name) is not None

    def table_names(self) -> list[str]:
        """Names of the tables present."""
        return [name for name in TABLE_FIELDS if self.has(name)]

    @cached_property
    def data_sha256(self) -> str:
        """SHA-256 over the sorted (file name, file SHA-256) pairs of every input file."""
        digest = hashlib.sha256()
        for name in sorted(self.sources):
            source = self.sources[name]
            digest.update(f"{source.path.name}:{source.sha256}\n".encode())
        return digest.hexdigest()

    @cached_property
    def extract_date(self) -> date:
        """Day of the data extract: ``municipality.yml: extract_date`` or the latest date in
        the ledger, interventions and notifications."""
        if self.municipality.extract_date is not None:
            return self.municipality.extract_date
        candidates = [self.ledger_last_posting, self.interventions["start_date"].max()]
        if self.notifications is not None and len(self.notifications):
            candidates.append(self.notifications["received_at"].max().normalize())
        latest = max(pd.Timestamp(c) for c in candidates if pd.notna(c))
        return latest.date()

    @cached_property
    def ledger_first_posting(self) -> date | None:
        """The first posting day of the ledger (of the raw ledger, if summarised)."""
        if self.ledger_bounds is not None:
            return self.ledger_bounds[0]
        first = self.ledger["posting_date"].min()
        return None if pd.isna(first) else pd.Timestamp(first).date()

    @cached_property
    def ledger_last_posting(self) -> date | None:
        """The last posting day of the ledger (of the raw ledger, if summarised)."""
        if self.ledger_bounds is not None:
            return self.ledger_bounds[1]
        last = self.ledger["posting_date"].max()
        return None if pd.isna(last) else pd.Timestamp(last).date()

    # ---- derived columns, computed once --------------------------------------------------
    @cached_property
    def ledger_line_code(self) -> np.ndarray:
        """Position in ``budget_lines`` of each ledger row's budget line (``-1`` where no line
        claims the account)."""
        return line_positions(self.ledger["account"], self.budget_lines)

    @cached_property
    def ledger_budget_line(self) -> pd.Series:
        """Budget line of each ledger row (missing where no line claims the account)."""
        names = self.budget_lines["budget_line"].to_numpy(dtype=object)
        lines = np.append(names, np.nan)  # code −1 (no line) → NaN
        return pd.Series(lines[self.ledger_line_code], index=self.ledger.index, dtype=object)

    @cached_property
    def line_sector(self) -> pd.Series:
        """Sector area of each budget line (``sector``, or ``area`` where empty)."""
        lines = self.budget_lines
        return pd.Series(
            lines["sector"].fillna(lines["area"]).to_numpy(), index=lines["budget_line"]
        )

    # ---- several municipalities -----------------------------------------------------------
    @cached_property
    def municipality_codes(self) -> list[str]:
        """Codes present in ``interventions.municipality_code`` (or this municipality's)."""
        if "municipality_code" in self.interventions:
            return sorted(self.interventions["municipality_code"].dropna().unique().tolist())
        return [self.municipality.code]

    def for_municipality(self, code: str) -> Tables:
        """The tables of one municipality of a multi-municipality data set."""
        kwargs: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, pd.DataFrame) and "municipality_code" in value:
                kwargs[f.name] = value[value["municipality_code"] == code].reset_index(drop=True)
        municipality = replace(
            self.municipality, code=code, name=self.municipality.name_of(code), municipalities=()
        )
        return replace(self, municipality=municipality, **kwargs)
