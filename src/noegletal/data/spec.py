"""The data contract of ``DATA.md`` as data: every table, column, type and rule.

:mod:`noegletal.data.io` parses columns by their ``kind``; :mod:`noegletal.data.schema` turns
the same specs into pandera schemas; ``docs/data-contract.md`` is checked against them by a
test. Change a rule here and all three follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from noegletal import codes

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "IDENTIFIER_COLUMNS",
    "SHARED_TABLES",
    "TABLES",
    "ColumnSpec",
    "TableSpec",
    "several_municipalities",
    "table_spec",
]

Kind = Literal["str", "int", "float", "date", "month_or_date", "datetime"]

#: Columns that hold person pseudonyms: the CPR rule applies, values are never printed.
IDENTIFIER_COLUMNS = frozenset({"person_id", "family_id"})


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table.

    ``required``: the column must exist. ``nullable``: cells may be empty. ``allowed``: the
    closed set of values. ``minimum``/``maximum``: inclusive numeric bounds. ``fix``: what to
    tell the user when a value breaks a rule.
    """

    name: str
    kind: Kind = "str"
    required: bool = True
    nullable: bool = False
    unique: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    fix: str = ""

    @property
    def identifier(self) -> bool:
        """True for person pseudonym columns (CPR rule, never printed)."""
        return self.name in IDENTIFIER_COLUMNS


@dataclass(frozen=True)
class TableSpec:
    """One input table: its columns, whether it may be absent, and its unique key."""

    name: str
    columns: tuple[ColumnSpec, ...]
    optional: bool = False
    key: tuple[str, ...] = ()
    description: str = ""
    ordered: tuple[tuple[str, str], ...] = field(default=())  # (earlier, later) column pairs

    def column(self, name: str) -> ColumnSpec:
        """The spec of column ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """Column names in contract order."""
        return [c.name for c in self.columns]


def _c(name: str, kind: Kind = "str", **kwargs: object) -> ColumnSpec:
    return ColumnSpec(name, kind, **kwargs)  # type: ignore[arg-type]


_NON_NEG = "use 0 or a positive amount; refunds belong in the ledger as negative amounts"

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in [
        TableSpec(
            "population",
            (
                _c("year", "int", minimum=1900, maximum=2100),
                _c("age", "int", minimum=0, maximum=110, fix="ages run 0–110; put 110+ in 110"),
                _c("persons", "int", minimum=0),
            ),
            key=("year", "age"),
            description="Inhabitants on 1 January by single year of age.",
        ),
        TableSpec(
            "interventions",
            (
                _c("intervention_id", unique=True, fix="give every measure episode its own id"),
                _c("person_id"),
                _c("family_id", required=False, nullable=True),
                _c("birth_date", "month_or_date", fix="write YYYY-MM or YYYY-MM-DD"),
                _c("area", allowed=codes.AREAS),
                _c("paragraph", fix="write the legal basis, e.g. 'SEL 108' or 'BL 32'"),
                _c("measure_type"),
                _c("provider_type", allowed=codes.PROVIDER_TYPES),
                _c("start_date", "date"),
                _c("end_date", "date", nullable=True),
                _c("annual_cost", "float", minimum=0, fix=_NON_NEG),
                _c("end_reason", required=False, nullable=True, allowed=codes.END_REASONS),
            ),
            ordered=(("start_date", "end_date"),),
            description="Granted measures, one row per measure episode.",
        ),
        TableSpec(
            "measure_prices",
            (
                _c("intervention_id"),
                _c("valid_from", "date"),
                _c("annual_cost", "float", minimum=0, fix=_NON_NEG),
            ),
            optional=True,
            key=("intervention_id", "valid_from"),
            description="Price changes during a measure.",
        ),
        TableSpec(
            "ledger",
            (
                _c("posting_date", "date"),
                _c("account", fix="write the account as function + grouping, e.g. 5.28.21.002"),
                _c("amount", "float"),
                _c("person_id", required=False, nullable=True),
                _c("intervention_id", required=False, nullable=True),
            ),
            description="Actual bookings from the finance system.",
        ),
        TableSpec(
            "budget_lines",
            (
                _c("budget_line", unique=True),
                _c("area", allowed=codes.BUDGET_AREAS),
                _c("sector", nullable=True),
                _c("accounts", fix="list account prefixes separated by ';', e.g. 5.28.20;5.28.22"),
                _c("measure_types", nullable=True),
            ),
            description="How accounts and measure types roll up to budget lines.",
        ),
        TableSpec(
            "budget",
            (
                _c("year", "int", minimum=1900, maximum=2100),
                _c("budget_line"),
                _c("original_budget", "float"),
                _c("supplementary_appropriations", "float", nullable=True),
                _c("budget_full_year_persons", "float", required=False, nullable=True, minimum=0),
                _c("budget_avg_cost", "float", required=False, nullable=True, minimum=0),
            ),
            key=("year", "budget_line"),
            description="Budget per budget line and year.",
        ),
        TableSpec(
            "notifications",
            (
                _c("notification_id", unique=True),
                _c("person_id"),
                _c("received_at", "datetime"),
                _c("assessed_at", "datetime", nullable=True),
            ),
            optional=True,
            ordered=(("received_at", "assessed_at"),),
            description="Notifications of concern (underretninger).",
        ),
        TableSpec(
            "examinations",
            (
                _c("examination_id", unique=True),
                _c("person_id"),
                _c("started_on", "date"),
                _c("completed_on", "date", nullable=True),
            ),
            optional=True,
            ordered=(("started_on", "completed_on"),),
            description="Child examinations (børnefaglige undersøgelser).",
        ),
        TableSpec(
            "followups",
            (
                _c("followup_id", unique=True),
                _c("intervention_id"),
                _c("due_on", "date"),
                _c("done_on", "date", nullable=True),
                _c("outcome", required=False, nullable=True, allowed=codes.FOLLOWUP_OUTCOMES),
            ),
            optional=True,
            description="Follow-ups (opfølgninger) on granted measures.",
        ),
        TableSpec(
            "caseworkers",
            (
                _c("date", "date"),
                _c("area", allowed=codes.AREAS),
                _c("fte", "float", minimum=0),
            ),
            optional=True,
            key=("date", "area"),
            description="Caseworker full-time equivalents by date and area.",
        ),
        TableSpec(
            "appeals",
            (
                _c("decision_date", "date"),
                _c("area", allowed=codes.AREAS),
                _c("outcome", allowed=codes.APPEAL_OUTCOMES),
            ),
            optional=True,
            description="Decisions of Ankestyrelsen on appealed cases.",
        ),
        TableSpec(
            "cross_sector_enrolments",
            (
                _c("enrolment_id", unique=True),
                _c("solution"),
                _c("person_id", required=False, nullable=True),
                _c("family_id", required=False, nullable=True),
                _c("enrolled_on", "date"),
                _c("ended_on", "date", nullable=True),
            ),
            optional=True,
            ordered=(("enrolled_on", "ended_on"),),
            description="Enrolments of persons or families in cross-sector solutions.",
        ),
        TableSpec(
            "family_members",
            (_c("family_id"), _c("person_id")),
            optional=True,
            key=("family_id", "person_id"),
            description="Members of families.",
        ),
        TableSpec(
            "outcomes",
            (
                _c("person_id"),
                _c("date", "date"),
                _c("status", allowed=codes.OUTCOME_STATUSES),
            ),
            optional=True,
            description="Job/education status of persons.",
        ),
        TableSpec(
            "reference",
            (
                _c("key"),
                _c("year", "int", nullable=True, minimum=1900, maximum=2100),
                _c("value", "float"),
            ),
            optional=True,
            key=("key", "year"),
            description="Reference values, e.g. expenditure_need_per_0_22, expected_effects.",
        ),
    ]
}

#: Optional column present in every table of a multi-municipality data set.
MUNICIPALITY_CODE = ColumnSpec("municipality_code", required=False, fix="use the 3-digit code")

#: Tables that may serve every municipality of a data set of several (no municipality_code).
SHARED_TABLES = ("budget_lines", "reference")


def several_municipalities(interventions: pd.DataFrame | None) -> bool:
    """Whether the measures belong to more than one municipality."""
    return (
        interventions is not None
        and MUNICIPALITY_CODE.name in interventions
        and interventions[MUNICIPALITY_CODE.name].nunique() > 1
    )


def table_spec(name: str) -> TableSpec:
    """The spec of table ``name`` (raises ``KeyError`` for an unknown table)."""
    return TABLES[name]


_KIND_TEXT = {
    "str": "text",
    "int": "whole number",
    "float": "number",
    "date": "date",
    "month_or_date": "date or YYYY-MM",
    "datetime": "date-time",
}


def contract_markdown() -> str:
    """The tables of the contract as Markdown (pasted into ``docs/data-contract.md`` between
    ``<!-- contract:start -->`` and ``<!-- contract:end -->``; ``make docs`` refreshes it and a
    test checks the document is current)."""
    out: list[str] = []
    for name, spec in TABLES.items():
        out += [f"### `{name}`{' (optional)' if spec.optional else ''}", "", spec.description, ""]
        out += ["| column | type | required | may be empty | rule |", "|---|---|---|---|---|"]
        for col in spec.columns:
            rules = []
            if col.unique:
                rules.append("unique")
            if col.allowed:
                rules.append("one of " + ", ".join(f"`{a}`" for a in col.allowed))
            if col.minimum is not None:
                rules.append(f"≥ {col.minimum:g}")
            if col.maximum is not None:
                rules.append(f"≤ {col.maximum:g}")
            if col.identifier:
                rules.append("pseudonym (CPR rule)")
            out.append(
                f"| `{col.name}` | {_KIND_TEXT[col.kind]} | {'yes' if col.required else 'no'} "
                f"| {'yes' if col.nullable else 'no'} | {'; '.join(rules)} |"
            )
        notes = []
        if len(spec.key) > 1:
            notes.append(f"One row per {' + '.join(spec.key)}.")
        notes += [f"`{later}` ≥ `{earlier}` when given." for earlier, later in spec.ordered]
        if notes:
            out += ["", " ".join(notes)]
        out.append("")
    return "\n".join(out)
