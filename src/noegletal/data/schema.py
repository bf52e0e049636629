"""Validation rules: pandera schemas built from :mod:`noegletal.data.spec`, and cross-table
rules that a single-table schema cannot express.

Per table (pandera): cells not empty where required, closed value sets, numeric bounds,
unique ids and keys, date order (``end_date >= start_date`` …), known ``measure_type`` per
``area``. Across tables (here): every ``intervention_id`` in ``ledger``, ``followups`` and
``measure_prices`` exists in ``interventions``; every ``budget_line`` in ``budget`` is defined
in ``budget_lines``; the measure types listed on a budget line are known for its area; no
account prefix is claimed by two budget lines. Warnings (the run goes on): ledger accounts that
no budget line claims.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import pandera.pandas as pa
    from pandera.errors import SchemaErrors

from noegletal import codes
from noegletal.data.accounts import map_accounts, split_list
from noegletal.data.io import unknown_code_warnings
from noegletal.data.problems import FIRST_ROWS_SHOWN, Problem
from noegletal.data.spec import (
    MUNICIPALITY_CODE,
    SHARED_TABLES,
    ColumnSpec,
    TableSpec,
    several_municipalities,
)
from noegletal.lookup import positions_in, positions_in_each

__all__ = [
    "build_schema",
    "check_cross_table",
    "check_table",
    "missing_code_problem",
    "unknown_code_problems",
]


@dataclass(frozen=True)
class _Rule:
    rule: str
    fix: str


def _fmt_bound(value: float) -> str:
    return f"{value:g}"


def _column_rules(col: ColumnSpec) -> tuple[list[pa.Check], dict[str, _Rule]]:
    checks: list[pa.Check] = []
    rules: dict[str, _Rule] = {}
    if col.allowed is not None:
        name = f"{col.name}: allowed values"
        allowed = list(col.allowed)
        checks.append(pa.Check(lambda s, a=allowed: s.isin(a), name=name))
        rules[name] = _Rule(
            f"value not allowed (rule: one of {', '.join(col.allowed)})",
            col.fix or f"use one of: {', '.join(col.allowed)} (or recode it in mapping.yml)",
        )
    if col.minimum is not None:
        name = f"{col.name}: minimum"
        checks.append(pa.Check(lambda s, m=col.minimum: s >= m, name=name))
        negative = col.minimum == 0
        rules[name] = _Rule(
            ("negative value" if negative else "value too small")
            + f" (rule: {col.name} >= {_fmt_bound(col.minimum)})",
            col.fix or f"use a value of at least {_fmt_bound(col.minimum)}",
        )
    if col.maximum is not None:
        name = f"{col.name}: maximum"
        checks.append(pa.Check(lambda s, m=col.maximum: s <= m, name=name))
        rules[name] = _Rule(
            f"value too large (rule: {col.name} <= {_fmt_bound(col.maximum)})",
            col.fix or f"use a value of at most {_fmt_bound(col.maximum)}",
        )
    return checks, rules


#: From this many rows on, uniqueness is first checked by a hash table of the whole column.
_LARGE = 100_000


def _all_distinct(values: pd.Series) -> bool:
    """Whether a large column holds every value once (missing values count as equal, as in
    pandera), by pandas' index hash table — several times faster than pandera's own check,
    which counts distinct values. Runs before pandera: only a column with duplicates is
    checked row by row, to name the rows."""
    return pd.Index(values).is_unique


def _unique_values(values: pd.Series) -> pd.Series:
    """True for each value that occurs once (missing values count as equal, as in pandera).
    pandera's own ``unique=True`` asks ``Series.is_unique`` first, which costs three times a
    ``duplicated`` pass on Arrow strings; the rows reported are the same."""
    return ~values.duplicated(keep=False)


def _measure_type_known(frame: pd.DataFrame) -> pd.Series:
    known = pd.Series(False, index=frame.index)
    for area, types in codes.MEASURE_TYPES_BY_AREA.items():
        known |= (frame["area"] == area) & frame["measure_type"].isin(types)
    # Rows with an unknown area are reported by the area rule alone.
    return known | ~frame["area"].isin(codes.AREAS) | frame["measure_type"].isna()


def _enrolment_has_unit(frame: pd.DataFrame) -> pd.Series:
    person = frame["person_id"] if "person_id" in frame else pd.Series(pd.NA, index=frame.index)
    family = frame["family_id"] if "family_id" in frame else pd.Series(pd.NA, index=frame.index)
    return person.notna() | family.notna()


def build_schema(
    spec: TableSpec, present: set[str], distinct: frozenset[str] = frozenset()
) -> tuple[pa.DataFrameSchema, dict[str, _Rule]]:
    """The pandera schema of a table, limited to the columns ``present`` in the file
    (``distinct``: unique columns already known to hold every value once)."""
    columns: dict[str, pa.Column] = {}
    rules: dict[str, _Rule] = {}
    for col in spec.columns:
        if col.name not in present:
            continue
        checks, col_rules = _column_rules(col)
        rules.update(col_rules)
        if col.unique and col.name not in distinct:
            checks.append(pa.Check(_unique_values, name="field_uniqueness", ignore_na=False))
        columns[col.name] = pa.Column(
            dtype=None, checks=checks, nullable=col.nullable, required=True
        )
    frame_checks: list[pa.Check] = []
    for earlier, later in spec.ordered:
        if earlier in present and later in present:
            name = f"{later}: order"
            frame_checks.append(
                pa.Check(
                    _ordered(earlier, later),
                    name=name,
                )
            )
            rules[name] = _Rule(
                f"{later} before {earlier} (rule: {later} >= {earlier})",
                f"correct the dates, or leave {later} empty if it has not happened yet",
            )
    if spec.name == "interventions" and {"area", "measure_type"} <= present:
        name = "measure_type: known for area"
        frame_checks.append(pa.Check(_measure_type_known, name=name))
        rules[name] = _Rule(
            "measure_type not known for the row's area (rule: children use the staircase "
            "codes, adults the adults' codes in DATA.md)",
            "use a code from docs/data-contract.md, or recode it in mapping.yml",
        )
    if spec.name == "cross_sector_enrolments":
        name = "person_id: person or family"
        frame_checks.append(pa.Check(_enrolment_has_unit, name=name))
        rules[name] = _Rule(
            "neither person_id nor family_id is given (rule: an enrolment is a person or a family)",
            "fill in person_id or family_id",
        )
    key = _table_key(spec, present)
    if key:
        rules["key"] = _Rule(
            f"duplicate key (rule: one row per {' + '.join(key)})",
            "remove or merge the duplicate rows",
        )
    schema = pa.DataFrameSchema(
        columns, checks=frame_checks, unique=key, strict=False, name=spec.name
    )
    return schema, rules


def _table_key(spec: TableSpec, present: set[str]) -> list[str] | None:
    """The columns that identify a row, when all are present: the contract's key, within each
    municipality (``municipality_code`` first) in a data set of several municipalities."""
    if len(spec.key) < 2 or not set(spec.key) <= present:
        return None
    if MUNICIPALITY_CODE.name in present:
        return [MUNICIPALITY_CODE.name, *spec.key]
    return list(spec.key)


def _ordered(earlier: str, later: str) -> Callable[[pd.DataFrame], pd.Series]:
    def check(frame: pd.DataFrame) -> pd.Series:
        return frame[later].isna() | frame[earlier].isna() | (frame[later] >= frame[earlier])

    return check


_GENERIC = {
    "not_nullable": _Rule("empty cell (rule: a value is required)", "fill in the value"),
    "field_uniqueness": _Rule(
        "duplicate value (rule: must be unique)", "give every row its own value"
    ),
}


def check_table(spec: TableSpec, frame: pd.DataFrame, file: str) -> list[Problem]:
    """Run the table's pandera schema; every failure becomes a :class:`Problem`."""
    large = len(frame) >= _LARGE
    known = frozenset(
        col.name
        for col in spec.columns
        if large and col.unique and col.name in frame and _all_distinct(frame[col.name])
    )
    schema, rules = build_schema(spec, set(frame.columns), known)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The schema neither coerces nor adds columns: nothing to protect by a copy.
            schema.validate(frame, lazy=True, inplace=True)
    except SchemaErrors as exc:
        key = _table_key(spec, set(frame.columns)) or list(spec.key)
        problems = _problems_from_failures(spec, exc.failure_cases, rules, file, key)
        return [_with_value(p, spec, frame) for p in problems]
    return []


def _with_value(problem: Problem, spec: TableSpec, frame: pd.DataFrame) -> Problem:
    """Show the offending cell of a non-identifier column (never for identifier columns)."""
    column = problem.column
    if (
        problem.value is not None
        or problem.row is None
        or column not in frame.columns
        or spec.column(column).identifier
        or problem.rule.startswith("empty cell")
    ):
        return problem
    value = frame.at[problem.row, column]
    if pd.isna(value):
        return problem
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, pd.Timestamp):
        value = value.strftime("%Y-%m-%d %H:%M") if value != value.normalize() else value.date()
    return replace(problem, value=str(value))


def _problems_from_failures(
    spec: TableSpec,
    failures: pd.DataFrame,
    rules: dict[str, _Rule],
    file: str,
    key: list[str],
) -> list[Problem]:
    problems: list[Problem] = []
    for record in failures.to_dict("records"):
        check = str(record["check"])
        column = record.get("column")
        column = None if column is None or pd.isna(column) else str(column)
        row = record.get("index")
        row = None if row is None or pd.isna(row) else int(row)
        if check in rules:
            rule = rules[check]
        elif check.startswith("multiple_fields_uniqueness"):
            rule = rules.get("key", _GENERIC["field_uniqueness"])
        else:
            rule = _GENERIC.get(check, _Rule(f"rule {check} broken", "correct the value"))
        if check in rules and ":" in check:
            column = check.split(":", 1)[0]
        if check.startswith("multiple_fields_uniqueness"):
            column = " + ".join(key)
        if column and column in spec.names:
            col_fix = spec.column(column).fix
            if check == "not_nullable" and col_fix:
                rule = _Rule(rule.rule, col_fix)
        # Cell values are filled in from the frame by _with_value (never for identifiers).
        value = None
        problems.append(Problem(file, rule.rule, rule.fix, row=row, column=column, value=value))
    # pandera reports a dataframe-level uniqueness failure once per column of the key.
    unique: dict[tuple[object, ...], Problem] = {}
    for problem in problems:
        unique.setdefault((problem.row, problem.column, problem.rule), problem)
    return list(unique.values())


def _missing_references(
    frames: list[tuple[pd.DataFrame, str]], column: str, known: pd.Series, target: str
) -> list[Problem]:
    """Rows whose ``column`` holds a value that is not among ``known``, for each (frame,
    file) of ``frames`` (one lookup table of ``known`` for all of them)."""
    positions = positions_in_each([frame[column] for frame, _ in frames], known)
    problems: list[Problem] = []
    for (frame, file), position in zip(frames, positions, strict=True):
        values = frame[column]
        bad = values.notna().to_numpy() & (position < 0)
        problems += [
            Problem(
                file,
                f"{column} not found in {target} (rule: every {column} refers to an existing row)",
                f"add the row to {target}, or correct the {column}",
                row=int(row),
                column=column,
                value=str(values[row]),
            )
            for row in values.index[bad]
        ]
    return problems


def missing_code_problem(file: str) -> Problem:
    """A table of a data set of several municipalities without ``municipality_code``: it would
    be given whole to every municipality (the ledger's spend counted once for each)."""
    return Problem(
        file,
        "no municipality_code column in a data set of several municipalities (rule: every "
        f"table but {' and '.join(SHARED_TABLES)} says whose rows it holds)",
        "add the municipality_code column (3 digits) to the export",
        column=MUNICIPALITY_CODE.name,
    )


def unknown_code_problems(values: pd.Series, known: pd.Series, file: str) -> list[Problem]:
    """Warnings for each ``municipality_code`` of ``values`` that no measure has."""
    position = positions_in(values, pd.unique(known.dropna()))
    rows = values[values.notna().to_numpy() & (position < 0)]
    problems: list[Problem] = []
    for code, group in rows.groupby(rows, sort=True):
        named = [int(row) for row in group.index[:FIRST_ROWS_SHOWN]]
        problems += unknown_code_warnings(file, str(code), named, len(group))
    return problems


def check_cross_table(frames: dict[str, pd.DataFrame], files: dict[str, str]) -> list[Problem]:
    """Rules between tables (see module docstring)."""
    problems: list[Problem] = []
    if several_municipalities(frames.get("interventions")):
        codes = frames["interventions"][MUNICIPALITY_CODE.name]
        for name, frame in frames.items():
            if MUNICIPALITY_CODE.name in frame:
                problems += unknown_code_problems(frame[MUNICIPALITY_CODE.name], codes, files[name])
            elif name not in SHARED_TABLES:
                problems.append(missing_code_problem(files[name]))
    interventions = frames.get("interventions")
    if interventions is not None and "intervention_id" in interventions:
        referring = [
            (frame, files[table])
            for table in ("ledger", "followups", "measure_prices")
            if (frame := frames.get(table)) is not None and "intervention_id" in frame
        ]
        problems += _missing_references(
            referring, "intervention_id", interventions["intervention_id"], files["interventions"]
        )
    lines = frames.get("budget_lines")
    budget = frames.get("budget")
    if lines is not None and "budget_line" in lines:
        known_lines = lines["budget_line"]
        if budget is not None and "budget_line" in budget:
            problems += _missing_references(
                [(budget, files["budget"])], "budget_line", known_lines, files["budget_lines"]
            )
        problems += _check_budget_lines(lines, files["budget_lines"])
        ledger = frames.get("ledger")
        if ledger is not None and "account" in ledger and "accounts" in lines:
            problems += _check_unmapped_accounts(ledger, lines, files["ledger"])
    return problems


def _check_budget_lines(lines: pd.DataFrame, file: str) -> list[Problem]:
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    measure_owner: dict[str, str] = {}
    for row, record in lines.iterrows():
        area = record.get("area")
        for measure in split_list(record.get("measure_types")):
            if measure in measure_owner and measure_owner[measure] != record["budget_line"]:
                problems.append(
                    Problem(
                        file,
                        f"measure type '{measure}' is listed on '{measure_owner[measure]}' and "
                        f"'{record['budget_line']}' (rule: a measure type belongs to one line, "
                        "or its volume would be counted twice)",
                        "list the measure type on one budget line only",
                        row=int(row),
                        column="measure_types",
                    )
                )
            measure_owner.setdefault(measure, str(record["budget_line"]))
            allowed = codes.MEASURE_TYPES_BY_AREA.get(str(area), ())
            if measure not in allowed:
                problems.append(
                    Problem(
                        file,
                        f"measure type '{measure}' is not known for area {area} "
                        "(rule: a line lists measure types of its own area)",
                        "use codes from docs/data-contract.md separated by ';'",
                        row=int(row),
                        column="measure_types",
                    )
                )
        for prefix in split_list(record.get("accounts")):
            if prefix in owner and owner[prefix] != record["budget_line"]:
                problems.append(
                    Problem(
                        file,
                        f"account prefix {prefix} is claimed by '{owner[prefix]}' and "
                        f"'{record['budget_line']}' (rule: an account belongs to one line)",
                        "give the prefix to one line only (a longer prefix may go to another)",
                        row=int(row),
                        column="accounts",
                    )
                )
            owner.setdefault(prefix, str(record["budget_line"]))
    return problems


def _check_unmapped_accounts(ledger: pd.DataFrame, lines: pd.DataFrame, file: str) -> list[Problem]:
    accounts = ledger["account"].dropna().astype(str)
    mapped = map_accounts(accounts, lines)
    unmapped = accounts[mapped.isna()]
    first_row = unmapped.groupby(unmapped, sort=True).apply(lambda s: int(s.index[0]))
    return [
        Problem(
            file,
            f"account {account} is not claimed by any budget line (rule: spend is mapped "
            "through budget_lines.accounts); these bookings are left out of line totals",
            "add the account prefix to a line in budget_lines, or ignore if intended",
            row=row,
            column="account",
            value=account,
            severity="warning",
        )
        for account, row in first_row.items()
    ]
