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


def test_one_small_cell_hides_the_total() -> None:
    # Steps: 12, 3, 20 → the 3 is shown as <5, and total 35 would give 35 − 12 − 20 = 3.
    published = publish(persons(35, {"step": {"1": 12, "2": 3, "3": 20}}))
    assert published.breakdown == {"step": {"1": 12, "2": "<5", "3": 20}}
    assert published.value is None and published.suppressed


def test_two_small_cells_that_cannot_be_pinned_keep_the_total() -> None:
    # Hidden 2 and 3: the total reveals their sum 5 → (1,4), (2,3), (3,2), (4,1): ambiguous.
    published = publish(persons(25, {"step": {"1": 20, "2": 2, "3": 3}}))
    assert published.value == 25
    assert published.breakdown["step"] == {"1": 20, "2": "<5", "3": "<5"}


def test_two_ones_or_two_fours_can_be_pinned() -> None:
    assert publish(persons(22, {"s": {"a": 20, "b": 1, "c": 1}})).value is None  # sum 2 = 1+1
    assert publish(persons(28, {"s": {"a": 20, "b": 4, "c": 4}})).value is None  # sum 8 = 4+4


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


def test_one_hidden_amount_hides_the_total_amount() -> None:
    result = Result(
        "x",
        1_000.0,
        "kr",
        breakdown={"budget_line": {"A": 700.0, "B": 300.0}},
        breakdown_basis={"budget_line": {"A": 30, "B": 2}},
    )
    published = publish(result)
    assert published.breakdown == {"budget_line": {"A": 700.0, "B": None}}
    assert published.value is None


def test_nested_breakdown_hides_inner_and_total() -> None:
    result = persons(
        40,
        {"paragraph": {"SEL 108": {"cost_band": {"<0.5m": 10, "1-2m": 2}},
                       "SEL 107": {"cost_band": {"<0.5m": 20, "1-2m": 8}}}},
    )  # fmt: skip
    published = publish(result)
    assert published.breakdown["paragraph"]["SEL 108"] == {"cost_band": {"<0.5m": 10, "1-2m": "<5"}}
    assert published.value is None  # SEL 108's sum could be had as 40 − 28


def test_recoverability_rule() -> None:
    assert hidden_cells_recoverable([2], T)
    assert not hidden_cells_recoverable([], T)
    assert not hidden_cells_recoverable([1, 2], T)  # sum 3: (1,2) or (2,1)
    assert hidden_cells_recoverable([1, 1, 1], T)
    assert not hidden_cells_recoverable([4, 4, 3], T)


# ---- properties: an attacker who sees the published table learns no small count -----------

cells = st.dictionaries(
    st.sampled_from(list("abcdef")), st.integers(min_value=0, max_value=12), min_size=1, max_size=6
)


def _feasible_values(shown: dict, hidden: list[str], total: int | None) -> dict[str, set[int]]:
    """Every value each hidden cell can take given what is published (each hidden cell is a
    small count 1..T-1, the shown cells and — if published — the total are known)."""
    options: dict[str, set[int]] = {k: set() for k in hidden}
    for combo in itertools.product(range(1, T), repeat=len(hidden)):
        if total is not None and sum(combo) + sum(shown.values()) != total:
            continue
        for key, value in zip(hidden, combo, strict=True):
            options[key].add(value)
    return options


@settings(max_examples=400, deadline=None)
@given(breakdown=cells)
def test_no_small_count_is_published_or_recoverable(breakdown: dict[str, int]) -> None:
    total = sum(breakdown.values())
    published = publish(persons(total, {"s": breakdown}))
    cells_out = published.breakdown["s"]
    numbers = [v for v in [published.value, *cells_out.values()] if isinstance(v, int)]
    assert all(v == 0 or v >= T for v in numbers)
    hidden = [k for k, v in cells_out.items() if not isinstance(v, int)]
    shown = {k: v for k, v in cells_out.items() if isinstance(v, int)}
    known_total = published.value if isinstance(published.value, int) else None
    for key, values in _feasible_values(shown, hidden, known_total).items():
        assert len(values) >= 2, (breakdown, published, key, values)
        assert breakdown[key] in values


@settings(max_examples=200, deadline=None)
@given(
    counts=st.dictionaries(
        st.sampled_from(list("abcde")), st.integers(0, 30), min_size=2, max_size=5
    )
)
def test_complement_mode_never_leaves_a_pinnable_cell(counts: dict[str, int]) -> None:
    hidden, hide_total = publish_counts(counts, T, total_known=True, complement=True)
    assert not hide_total
    small = [counts[k] for k in hidden if 0 < counts[k] < T]
    assert all(k in hidden for k, c in counts.items() if 0 < c < T)
    others = [k for k in hidden if not 0 < counts[k] < T]
    # Either a non-small cell hides an unknown amount, or the small ones cannot be pinned,
    # or nothing non-zero was left to hide.
    shown_nonzero = [k for k, c in counts.items() if k not in hidden and c > 0]
    assert others or not hidden_cells_recoverable(small, T) or not shown_nonzero
