"""Problems found in input data, and how they are told to the user.

Every problem names the file, the row (as the user sees it: for CSV and XLSX the header is
row 1, so the first data row is row 2; for Parquet the first data row is row 1), the column,
the rule that was broken and what to do. Values of identifier columns are never kept, and all
text passes through :func:`noegletal.data.privacy.redact` before it is shown.

Many equal problems (same file, column and rule) are grouped into one line with a count and
the first rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from noegletal.data.privacy import redact

__all__ = ["DataError", "Problem", "format_problems", "group_problems"]

Severity = Literal["error", "warning"]
FIRST_ROWS_SHOWN = 5


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place."""

    file: str
    rule: str
    fix: str
    row: int | None = None
    column: str | None = None
    value: str | None = None  # only for non-identifier columns; never a CPR
    severity: Severity = "error"
    more_rows: int = 0  # further rows with the same problem, not listed one by one

    def location(self) -> str:
        """``file, row N, column C`` (parts that are known)."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


@dataclass
class ProblemGroup:
    """Problems that share file, column, rule and fix."""

    file: str
    column: str | None
    rule: str
    fix: str
    severity: Severity
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    count: int = 0


def group_problems(problems: Iterable[Problem]) -> list[ProblemGroup]:
    """Group equal problems, keeping order of first appearance and the rows in order."""
    groups: dict[tuple[object, ...], ProblemGroup] = {}
    for problem in problems:
        key = (problem.severity, problem.file, problem.column, problem.rule, problem.fix)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ProblemGroup(
                problem.file, problem.column, problem.rule, problem.fix, problem.severity
            )
        group.count += 1 + problem.more_rows
        if problem.row is not None:
            group.rows.append(problem.row)
        if problem.value is not None and len(group.values) < FIRST_ROWS_SHOWN:
            group.values.append(problem.value)
    for group in groups.values():
        group.rows.sort()
    return sorted(groups.values(), key=lambda g: (g.severity != "error",))


def _format_group(group: ProblemGroup) -> str:
    where = group.file
    if group.column:
        where += f", column {group.column}"
    if group.count == 1 and len(group.rows) == 1:
        where = f"{group.file}, row {group.rows[0]}" + (
            f", column {group.column}" if group.column else ""
        )
        head = f"{where}: {group.rule}"
    elif group.rows:
        shown = ", ".join(str(r) for r in group.rows[:FIRST_ROWS_SHOWN])
        more = (
            f", … ({group.count - FIRST_ROWS_SHOWN} more)" if group.count > FIRST_ROWS_SHOWN else ""
        )
        head = f"{where}: {group.rule} — {group.count} rows: {shown}{more}"
    else:
        head = f"{where}: {group.rule}"
    if group.values:
        label = "value" if len(group.values) == 1 else "values"
        head += f" ({label}: {', '.join(repr(v) for v in group.values)})"
    return f"{head}\n    fix: {group.fix}" if group.fix else head


def format_problems(problems: Sequence[Problem]) -> list[str]:
    """Human-readable lines, one per group of equal problems, errors first; CPR-safe."""
    return [redact(_format_group(g)) for g in group_problems(problems)]


class DataError(Exception):
    """Raised when input data breaks the contract; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = format_problems(errors)
        summary = f"{len(errors)} problem(s) in the input data"
        super().__init__(summary + (":\n" + "\n".join(lines) if lines else ""))
