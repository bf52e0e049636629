"""Validation: every rule of the data contract refuses bad input with file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from noegletal.cli import app
from noegletal.data.load import inspect_data_dir, load_tables
from noegletal.data.problems import DataError, Problem, format_problems
from tests.conftest import edit_csv

runner = CliRunner()


def only_error(data_dir: Path) -> Problem:
    """The one error found in ``data_dir`` (fails if there are none or several)."""
    errors = inspect_data_dir(data_dir).errors
    assert len(errors) == 1, format_problems(errors)
    return errors[0]


def test_tiny_data_is_valid(tiny_dir: Path) -> None:
    result = inspect_data_dir(tiny_dir)
    assert result.problems == []
    assert sorted(result.frames) == [
        "budget",
        "budget_lines",
        "interventions",
        "ledger",
        "population",
    ]


def test_validate_cli_exit_codes(tiny_dir: Path) -> None:
    ok = runner.invoke(app, ["validate", str(tiny_dir)])
    assert ok.exit_code == 0, ok.output
    assert "valid (5 tables" in ok.output
    edit_csv(tiny_dir / "interventions.csv", lambda rows: rows[0].update(annual_cost="-1"))
    bad = runner.invoke(app, ["validate", str(tiny_dir)])
    assert bad.exit_code == 1
    assert "interventions.csv, row 2, column annual_cost: negative value" in bad.output
    assert "nothing was computed" in bad.output


def test_end_date_before_start_date(tiny_dir: Path) -> None:
    # Row 2 of the file is the first data row (the header is row 1).
    edit_csv(tiny_dir / "interventions.csv", lambda rows: rows[0].update(end_date="2024-12-31"))
    problem = only_error(tiny_dir)
    assert (problem.file, problem.row, problem.column) == ("interventions.csv", 2, "end_date")
    assert "end_date >= start_date" in problem.rule
    assert problem.value == "2024-12-31"


def test_negative_annual_cost(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "interventions.csv", lambda rows: rows[2].update(annual_cost="-100"))
    problem = only_error(tiny_dir)
    assert (problem.row, problem.column) == (4, "annual_cost")
    assert "annual_cost >= 0" in problem.rule and "refunds" in problem.fix


def test_impossible_date(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "interventions.csv", lambda rows: rows[1].update(start_date="2025-02-31"))
    problem = only_error(tiny_dir)
    assert (problem.row, problem.column, problem.value) == (3, "start_date", "2025-02-31")
    assert "day that exists" in problem.rule


def test_unknown_measure_type(tiny_dir: Path) -> None:
    edit_csv(
        tiny_dir / "interventions.csv", lambda rows: rows[2].update(measure_type="foster_care")
    )
    problem = only_error(tiny_dir)  # foster_care is a children's code on an adults' row
    assert (problem.row, problem.column, problem.value) == (4, "measure_type", "foster_care")
    assert "not known for the row's area" in problem.rule


def test_duplicate_intervention_id(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "interventions.csv", lambda rows: rows[2].update(intervention_id="I1"))
    errors = [p for p in inspect_data_dir(tiny_dir).errors if p.file == "interventions.csv"]
    assert {(p.row, p.column) for p in errors} == {(2, "intervention_id"), (4, "intervention_id")}
    assert all("must be unique" in p.rule for p in errors)


def test_missing_required_column(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "budget.csv", lambda rows: [r.pop("original_budget") and r for r in rows])
    problem = only_error(tiny_dir)
    assert (problem.file, problem.column) == ("budget.csv", "original_budget")
    assert "required column original_budget is missing" in problem.rule
    assert "mapping.yml" in problem.fix


def test_text_in_numeric_column(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "population.csv", lambda rows: rows[3].update(persons="mange"))
    problem = only_error(tiny_dir)
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "population.csv",
        5,
        "persons",
        "mange",
    )


def test_fractional_value_in_integer_column(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "population.csv", lambda rows: rows[0].update(age="3.5"))
    problem = only_error(tiny_dir)
    assert (problem.row, problem.column) == (2, "age") and "whole number" in problem.rule


def test_unknown_reference_and_budget_line(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "ledger.csv", lambda rows: rows[1].update(intervention_id="I99"))
    edit_csv(tiny_dir / "budget.csv", lambda rows: rows[0].update(budget_line="Ukendt"))
    errors = inspect_data_dir(tiny_dir).errors
    where = {(p.file, p.row, p.column) for p in errors}
    assert where == {("ledger.csv", 3, "intervention_id"), ("budget.csv", 2, "budget_line")}


def test_unknown_references_in_several_tables_are_all_named(tiny_dir: Path) -> None:
    """The ledger's and the follow-ups' intervention ids are looked up in one table of the
    known ids (lookup.positions_in_each); each bad row is named in its own file."""
    edit_csv(tiny_dir / "ledger.csv", lambda rows: rows[1].update(intervention_id="I99"))
    (tiny_dir / "followups.csv").write_text(
        "followup_id,intervention_id,due_on,done_on\n"
        "O1,I2,2025-09-01,2025-09-03\n"
        "O2,I77,2025-10-01,\n"
        "O3,I1,2025-04-01,\n",
        encoding="utf-8",
    )
    errors = inspect_data_dir(tiny_dir).errors
    assert [(p.file, p.row, p.column, p.value) for p in errors] == [
        ("ledger.csv", 3, "intervention_id", "I99"),
        ("followups.csv", 3, "intervention_id", "I77"),
    ]


def test_duplicate_key_and_missing_required_table(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "population.csv", lambda rows: [*rows, dict(rows[0])])
    (tiny_dir / "budget_lines.csv").unlink()
    errors = inspect_data_dir(tiny_dir).errors
    rules = " | ".join(p.rule for p in errors)
    assert "one row per year + age" in rules
    assert "required table budget_lines is missing" in rules


def test_unmapped_account_is_a_warning_not_an_error(tiny_dir: Path) -> None:
    edit_csv(tiny_dir / "ledger.csv", lambda rows: rows[0].update(account="6.45.50"))
    result = inspect_data_dir(tiny_dir)
    assert result.ok
    assert [p.value for p in result.warnings] == ["6.45.50"]


def test_thousands_of_equal_problems_are_grouped(tiny_dir: Path) -> None:
    def many(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        template = rows[2]
        extra = [dict(template, intervention_id=f"X{i}", annual_cost="-1") for i in range(3000)]
        return rows + extra

    edit_csv(tiny_dir / "interventions.csv", many)
    lines = format_problems(inspect_data_dir(tiny_dir).errors)
    assert len(lines) == 1
    # The 3,000 bad rows are file rows 5..3004; five are shown, the rest counted.
    assert "3000 rows: 5, 6, 7, 8, 9, … (2995 more)" in lines[0]


def test_load_tables_raises_with_every_problem(tiny_dir: Path) -> None:
    def change(rows: list[dict[str, str]]) -> None:
        rows[0]["annual_cost"] = "x"
        rows[1]["area"] = "elderly"

    edit_csv(tiny_dir / "interventions.csv", change)
    with pytest.raises(DataError) as caught:
        load_tables(tiny_dir)
    assert len(caught.value.problems) == 2
    assert "2 problem(s)" in str(caught.value)


def test_missing_municipality_yml_and_bad_code(tiny_dir: Path) -> None:
    (tiny_dir / "municipality.yml").write_text("name: X\ncode: 12\n", encoding="utf-8")
    problem = only_error(tiny_dir)
    assert problem.file == "municipality.yml" and "3 digits" in problem.rule
    (tiny_dir / "municipality.yml").unlink()
    assert "the file is missing" in only_error(tiny_dir).rule
