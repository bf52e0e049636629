"""Discretion: no published count in 1–4, no small base, nothing recoverable by subtraction."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from noegletal.discretion import hidden_cells_recoverable, publish, publish_counts
from noegletal.indicators.registry import Result

T = 5


def persons(value, breakdown=None, **kwargs) -> Result:
    return Result("x", value, "persons", breakdown=breakdown, **kwargs)


def test_small_total_shown_as_less_than_five() -> None:
    assert publish(persons(3)).value == "<5"
    assert publish(persons(0)).value == 0
    assert publish(persons(5)).value == 5
    assert publish(Result("x", 2.4, "full_year_persons")).value == "<5"


def test_share_from_few_persons_is_suppressed() -> None:
    assert publish(Result("x", 0.5, "share", basis=4)).value is None
    published = publish(Result("x", 0.5, "share", basis=5))
    assert published.value == 0.5 and not published.suppressed


def test_one_small_cell_gets_a_complementary_cell() -> None:
    # Steps 12, 3, 20: the 3 is shown as <5; with the total 35 it would be 35 − 12 − 20, so
    # the smallest other cell (12) is hidden too ("–"), and the total stays.
    published = publish(persons(35, {"step": {"1": 12, "2": 3, "3": 20}}))
    assert published.breakdown == {"step": {"1": None, "2": "<5", "3": 20}}
    assert published.value == 35 and published.suppressed


def test_two_small_cells_that_cannot_be_pinned_keep_the_rest() -> None:
    # Hidden 2 and 3: the total reveals their sum 5 → (1,4), (2,3), (3,2), (4,1): ambiguous.
    published = publish(persons(25, {"step": {"1": 20, "2": 2, "3": 3}}))
    assert published.value == 25
    assert published.breakdown["step"] == {"1": 20, "2": "<5", "3": "<5"}


def test_two_ones_or_two_fours_need_a_complement() -> None:
    # 1 + 1 = 2 pins both cells; hiding the 20 as well leaves 22 − nothing = 22 = 1+1+20,
    # which the reader cannot split (the 20 could be anything from 5 up).
    published = publish(persons(22, {"s": {"a": 20, "b": 1, "c": 1}}))
    assert published.breakdown["s"] == {"a": None, "b": "<5", "c": "<5"}
    assert published.value == 22


def test_total_is_hidden_when_no_complementary_cell_exists() -> None:
    # 4 + 4 = 8 pins both cells and the only other cell is 0: the total must go.
    published = publish(persons(8, {"s": {"a": 0, "b": 4, "c": 4}}))
    assert published.breakdown["s"] == {"a": 0, "b": "<5", "c": "<5"}
    assert published.value is None


def test_distribution_of_shares_hides_a_complementary_cell() -> None:
    # Shares always add to 1, so the smallest shown cell is hidden too.
    result = Result(
        "x",
        1.0,
        "share",
        breakdown={"movement": {"lower": 0.1, "same": 0.6, "higher": 0.3, "none": 0.0}},
        basis=30,
        breakdown_basis={"movement": {"lower": 3, "same": 18, "higher": 9, "none": 0}},
        distribution=True,
    )
    published = publish(result)
    assert published.breakdown["movement"] == {
        "lower": None,
        "same": 0.6,
        "higher": None,
        "none": 0.0,
    }
    assert published.value == 1.0


def test_averages_of_small_groups_are_hidden_without_hiding_others() -> None:
    result = Result(
        "x",
        300_000.0,
        "kr_per_person",
        breakdown={"budget_line": {"A": 250_000.0, "B": 900_000.0}},
        basis=40,
        breakdown_basis={"budget_line": {"A": 38, "B": 2}},
    )
    published = publish(result)
    assert published.breakdown == {"budget_line": {"A": 250_000.0, "B": None}}
    assert published.value == 300_000.0


def test_hidden_amounts_must_cover_five_persons() -> None:
    # B (2 persons) is hidden; total − A would give B's amount, so A is hidden too: the
    # hidden cells now cover 32 persons and the total can stay.
    result = Result(
        "x",
        1_000.0,
        "kr",
        breakdown={"budget_line": {"A": 700.0, "B": 300.0}},
        breakdown_basis={"budget_line": {"A": 30, "B": 2}},
    )
    published = publish(result)
    assert published.breakdown == {"budget_line": {"A": None, "B": None}}
    assert published.value == 1_000.0
    alone = Result("x", 300.0, "kr", breakdown={"l": {"B": 300.0}}, breakdown_basis={"l": {"B": 2}})
    assert publish(alone).value is None


def test_nested_breakdown_complements_inside_the_inner_map() -> None:
    result = persons(
        40,
        {"paragraph": {"SEL 108": {"cost_band": {"<0.5m": 10, "1-2m": 2}},
                       "SEL 107": {"cost_band": {"<0.5m": 20, "1-2m": 8}}}},
    )  # fmt: skip
    published = publish(result)
    paragraphs = published.breakdown["paragraph"]
    assert paragraphs["SEL 108"] == {"cost_band": {"<0.5m": None, "1-2m": "<5"}}
    assert paragraphs["SEL 107"] == {"cost_band": {"<0.5m": 20, "1-2m": 8}}
    assert published.value == 40


def test_recoverability_rule() -> None:
    assert hidden_cells_recoverable([2], T)
    assert not hidden_cells_recoverable([], T)
    assert not hidden_cells_recoverable([1, 2], T)  # sum 3: (1,2) or (2,1)
    assert hidden_cells_recoverable([1, 1, 1], T)
    assert not hidden_cells_recoverable([4, 4, 3], T)
    # A small cell next to a hidden cell of at least 5: 1 + 5 = 6 pins it, 1 + 9 does not.
    assert hidden_cells_recoverable([1], T, complement_cells=1, complement_sum=5)
    assert not hidden_cells_recoverable([1], T, complement_cells=1, complement_sum=9)


# ---- properties: an attacker who sees the published table learns no small count -----------

cells = st.dictionaries(
    st.sampled_from(list("abcdef")), st.integers(min_value=0, max_value=12), min_size=1, max_size=6
)


def _feasible_values(
    shown: dict, small: list[str], complement: list[str], total: int | None
) -> dict[str, set[int]]:
    """Every value each "<5" cell can take given what is published: each "<5" cell is a count
    1..T-1, each "–" cell a count of at least T (smaller ones would be "<5"), the shown
    cells and — if published — the total are known."""
    options: dict[str, set[int]] = {k: set() for k in small}
    for combo in itertools.product(range(1, T), repeat=len(small)):
        if total is not None:
            rest = total - sum(shown.values()) - sum(combo)
            if (complement and rest < T * len(complement)) or (not complement and rest != 0):
                continue
        for key, value in zip(small, combo, strict=True):
            options[key].add(value)
    return options


@settings(max_examples=500, deadline=None)
@given(breakdown=cells)
def test_no_small_count_is_published_or_recoverable(breakdown: dict[str, int]) -> None:
    total = sum(breakdown.values())
    published = publish(persons(total, {"s": breakdown}))
    cells_out = published.breakdown["s"]
    numbers = [v for v in [published.value, *cells_out.values()] if isinstance(v, int)]
    assert all(v == 0 or v >= T for v in numbers)
    small = [k for k, v in cells_out.items() if v == "<5"]
    complement = [k for k, v in cells_out.items() if v is None]
    shown = {k: v for k, v in cells_out.items() if isinstance(v, int)}
    assert all(breakdown[k] >= T for k in complement)
    known_total = published.value if isinstance(published.value, int) else None
    for key, values in _feasible_values(shown, small, complement, known_total).items():
        assert len(values) >= 2, (breakdown, published, key, values)
        assert breakdown[key] in values


@settings(max_examples=200, deadline=None)
@given(counts=st.dictionaries(st.sampled_from(list("abcde")), st.integers(0, 30), min_size=2))
def test_shares_never_leave_a_pinnable_cell(counts: dict[str, int]) -> None:
    hidden, hide_total = publish_counts(counts, T, total_hideable=False)
    assert not hide_total
    assert all(k in hidden for k, c in counts.items() if 0 < c < T)
    small = [counts[k] for k in hidden if 0 < counts[k] < T]
    others = [counts[k] for k in hidden if not 0 < counts[k] < T]
    shown_nonzero = [k for k, c in counts.items() if k not in hidden and c > 0]
    pinned = hidden_cells_recoverable(
        small, T, complement_cells=len(others), complement_sum=sum(others)
    )
    # Either nothing can be pinned, or every non-zero cell is already hidden.
    assert not pinned or not shown_nonzero


def test_small_row_cannot_be_had_from_the_one_dimensional_totals() -> None:
    # Solution B has 4 enrolled units: its sector amounts are hidden, but sector totals minus
    # solution A would give them, so A is hidden too; the sector totals stay.
    result = Result(
        "xs",
        1_000.0,
        "kr",
        breakdown={
            "sector": {"children": 800.0, "adults": 200.0},
            "solution": {
                "A": {"sector": {"children": 700.0, "adults": 200.0}},
                "B": {"sector": {"children": 100.0, "adults": 0.0}},
            },
        },
        basis=32,
        breakdown_basis={
            "sector": {"children": 32, "adults": 32},
            "solution": {
                "A": {"sector": {"children": 28, "adults": 28}},
                "B": {"sector": {"children": 4, "adults": 4}},
            },
        },
    )
    published = publish(result)
    assert published.breakdown["solution"] == {
        "A": {"sector": {"children": None, "adults": None}},
        "B": {"sector": {"children": None, "adults": None}},
    }
    assert published.breakdown["sector"] == {"children": 800.0, "adults": 200.0}
    assert published.value == 1_000.0
