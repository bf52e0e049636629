"""Social-investment scenarios: a hand-computed two-year example, properties of the model and
the validation of scenario files."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from noegletal.scenarios import (
    COLUMNS,
    CostGroup,
    RateCard,
    RateCardOutcome,
    Scenario,
    ScenarioError,
    load_scenario,
    rate_card_payments,
    run_scenario,
)

ROOT = Path(__file__).resolve().parents[1]
HOUSING_FIRST = ROOT / "scenarios" / "housing-first.yml"

SMALL = {
    "name": "small",
    "horizon_years": 2,
    "investment": 5000,
    "groups": [
        {"name": "A", "annual_cost": 0, "participants": 10},
        {"name": "B", "annual_cost": 1000, "participants": 20},
        {"name": "C", "annual_cost": 10000, "participants": 10},
    ],
    "rates": {"move_down_share": 0.5, "move_out_rate": 0.1, "relapse_rate": 0.2},
    "rate_card": {
        "milestones_months": [6, 12, 24, 36],
        "outcomes": [
            {
                "name": "housing",
                "payments": [100, 100, 200, 300],
                "probabilities": [0.5, 0.4, 0.25, 0.1],
            }
        ],
    },
}


def write(tmp_path: Path, content: object, name: str = "s.yml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return path


def test_two_year_example_by_hand(tmp_path: Path) -> None:
    frame = run_scenario(load_scenario(write(tmp_path, SMALL)))
    assert list(frame.columns) == list(COLUMNS)
    # N = 40, keep p = 0.9, no relapse q = 0.8, move-down share 0.5 (groups B and C only).
    # Start: stay A 10, B 10, C 5; successes from B 10 (now in A, 0 kr.), from C 5 (now in B,
    # 1,000 kr.).
    # Year 1: move-out ×0.9: stay A 9, B 9, C 4.5; successes B 9, C 4.5. Relapse 20 %:
    # B 1.8, C 0.9 back → successes B 7.2, C 3.6; stay B 10.8, C 5.4.
    #   participants 9 + 10.8 + 5.4 + 7.2 + 3.6 = 36 (= 40 × 0.9); successes 10.8.
    #   without: B 18 × 1,000 + C 9 × 10,000 = 18,000 + 90,000 = 108,000.
    #   with: 10.8 × 1,000 + 5.4 × 10,000 + 7.2 × 0 + 3.6 × 1,000 = 68,400.
    #   saving 39,600 (= 0.5·20·0.72·1,000 + 0.5·10·0.72·9,000 = 7,200 + 32,400).
    # Year 2: ×0.9: stay A 8.1, B 9.72, C 4.86; successes B 6.48, C 3.24. Relapse 20 %:
    # B 1.296, C 0.648 → successes B 5.184, C 2.592; stay B 11.016, C 5.508.
    #   participants 40 × 0.81 = 32.4; successes 7.776.
    #   without: 20 × 0.81 × 1,000 + 10 × 0.81 × 10,000 = 16,200 + 81,000 = 97,200.
    #   with: 11,016 + 55,080 + 2.592 × 1,000 = 68,688; saving 28,512
    #   (= 0.5·20·0.5184·1,000 + 0.5·10·0.5184·9,000 = 5,184 + 23,328).
    # Cumulative saving 39,600; 68,112. Less the investment 5,000: 34,600; 63,112.
    # Rate card: year 1 = 6 months 36 × 0.5 × 100 = 1,800 + 12 months 36 × 0.4 × 100 = 1,440
    # → 3,240; year 2 = 24 months 32.4 × 0.25 × 200 = 1,620; 36 months is after the horizon.
    # Cumulative 3,240; 4,860. Saving less rate card: 36,360; 63,252.
    expected = {
        "year": [1, 2],
        "participants": [36, 32.4],
        "successes": [10.8, 7.776],
        "cost_without": [108_000, 97_200],
        "cost_with": [68_400, 68_688],
        "saving": [39_600, 28_512],
        "cumulative_saving": [39_600, 68_112],
        "cumulative_saving_less_investment": [34_600, 63_112],
        "rate_card_payment": [3_240, 1_620],
        "cumulative_rate_card_payment": [3_240, 4_860],
        "cumulative_saving_less_rate_card": [36_360, 63_252],
    }
    for column, values in expected.items():
        assert frame[column].tolist() == pytest.approx(values), column


def test_rate_card_detail_lists_milestones_after_the_horizon(tmp_path: Path) -> None:
    detail = rate_card_payments(load_scenario(write(tmp_path, SMALL)))
    assert detail["year"].tolist() == [1, 1, 2, 3]
    # 36 months: year 3, 40 × 0.9³ = 29.16 participants × 0.1 × 300 = 874.8 kr.
    assert detail["participants"].iloc[3] == pytest.approx(29.16)
    assert detail["payment"].tolist() == pytest.approx([1_800, 1_440, 1_620, 874.8])


def test_without_rate_card_payments_are_zero(tmp_path: Path) -> None:
    content = {k: v for k, v in SMALL.items() if k != "rate_card"}
    frame = run_scenario(load_scenario(write(tmp_path, content)))
    assert frame["rate_card_payment"].tolist() == [0, 0]
    assert frame["cumulative_saving_less_rate_card"].tolist() == pytest.approx([39_600, 68_112])


def test_housing_first_file_holds_the_seed_numbers() -> None:
    scenario = load_scenario(HOUSING_FIRST)
    assert [g.annual_cost for g in scenario.groups] == [0, 2_000, 7_000, 69_000, 337_000]
    assert (scenario.move_down_share, scenario.move_out_rate, scenario.relapse_rate) == (
        0.20,
        0.06,
        0.10,
    )
    card = scenario.rate_card
    assert card is not None and card.milestones_months == (6, 12, 18, 24, 36)
    payments = {o.name: o.payments for o in card.outcomes}
    assert payments["housing_no_shelter_municipal"] == (15_000,) * 4 + (30_000,)
    assert payments["employment"] == (22_500,) * 4 + (45_000,)
    frame = run_scenario(scenario)
    # Year 1: 0.2 × 20 per group × (2,000 + 5,000 + 62,000 + 268,000 kr. one group down)
    # = 1,348,000, × 0.94 (stay) × 0.9 (no relapse) = 1,140,408 kr.
    assert frame["saving"].iloc[0] == pytest.approx(1_140_408)


# ---- properties ---------------------------------------------------------------------------------
rates = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def scenarios(draw, move_down_share=rates) -> Scenario:
    n = draw(st.integers(min_value=1, max_value=6))
    costs = sorted(draw(st.lists(st.floats(0, 1e6), min_size=n, max_size=n)))
    counts = draw(st.lists(st.floats(0, 1000), min_size=n, max_size=n))
    if sum(counts) == 0:
        counts[0] = 1.0
    return Scenario(
        name="h",
        horizon_years=draw(st.integers(min_value=1, max_value=15)),
        investment=draw(st.floats(0, 1e8)),
        groups=tuple(
            CostGroup(str(i), c, k) for i, (c, k) in enumerate(zip(costs, counts, strict=True))
        ),
        move_down_share=draw(move_down_share),
        move_out_rate=draw(rates),
        relapse_rate=draw(rates),
        rate_card=RateCard((6, 12), (RateCardOutcome("o", (1.0, 2.0), (0.5, 0.5)),)),
    )


@settings(max_examples=200)
@given(scenarios(move_down_share=st.just(0.0)))
def test_no_move_down_no_saving(scenario: Scenario) -> None:
    frame = run_scenario(scenario)
    assert (frame["saving"] == 0).all()
    assert (frame["cost_with"] == frame["cost_without"]).all()


@settings(max_examples=200)
@given(scenarios())
def test_participants_never_increase(scenario: Scenario) -> None:
    participants = run_scenario(scenario)["participants"].to_numpy()
    assert participants[0] <= scenario.participants * (1 + 1e-12)
    assert (participants[1:] <= participants[:-1] * (1 + 1e-12)).all()


@settings(max_examples=200)
@given(scenarios())
def test_cost_with_intervention_never_above_cost_without(scenario: Scenario) -> None:
    frame = run_scenario(scenario)
    tolerance = 1e-9 * frame["cost_without"].abs().max() + 1e-9
    assert (frame["cost_with"] <= frame["cost_without"] + tolerance).all()
    assert (frame["saving"] >= -tolerance).all()


@settings(max_examples=200)
@given(scenarios())
def test_saving_matches_the_closed_form(scenario: Scenario) -> None:
    # docs/scenarios.md: saving(t) = Σ_{g≥2} s n_g ((1−m)(1−r))^t (c_g − c_{g−1}).
    frame = run_scenario(scenario)
    groups = scenario.groups
    gain = sum(
        scenario.move_down_share * g.participants * (g.annual_cost - lower.annual_cost)
        for lower, g in itertools.pairwise(groups)
    )
    decay = (1 - scenario.move_out_rate) * (1 - scenario.relapse_rate)
    for t, saving in zip(frame["year"], frame["saving"], strict=True):
        assert saving == pytest.approx(gain * decay**t, rel=1e-9, abs=1e-6)


# ---- validation -------------------------------------------------------------------------------
def problems_of(tmp_path: Path, content: object) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, content))
    return str(info.value)


def test_rate_given_as_percent_is_refused(tmp_path: Path) -> None:
    content = {**SMALL, "rates": {**SMALL["rates"], "move_out_rate": 6}}
    text = problems_of(tmp_path, content)
    assert "s.yml: rates.move_out_rate: must be a number between 0 and 1 (found 6)" in text
    assert "0.06, not 6" in text


def test_unknown_and_missing_keys(tmp_path: Path) -> None:
    content = {k: v for k, v in SMALL.items() if k != "investment"}
    content["horizon"] = 5
    text = problems_of(tmp_path, content)
    assert "s.yml: horizon: is not a known key" in text
    assert "s.yml: investment: is missing" in text


def test_groups_must_be_ordered_by_cost(tmp_path: Path) -> None:
    groups = [SMALL["groups"][2], SMALL["groups"][0], SMALL["groups"][1]]
    text = problems_of(tmp_path, {**SMALL, "groups": groups})
    assert "groups: must be ordered from the lowest to the highest annual_cost" in text
    assert "reorder the groups" in text


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    groups = [{"name": "A", "annual_cost": -1, "participants": "many"}]
    card = {
        "milestones_months": [12, 6],
        "outcomes": [{"name": "x", "payments": [1], "probabilities": [2, 0.5]}],
    }
    content = {**SMALL, "horizon_years": 0, "groups": groups, "rate_card": card}
    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, content))
    keys = [p.key for p in info.value.problems]
    assert keys == [
        "horizon_years",
        "groups[0].annual_cost",
        "groups[0].participants",
        "rate_card.milestones_months",
        # The payments' length cannot be checked against invalid milestones; the range can.
        "rate_card.outcomes[0].probabilities[0]",
    ]


def test_probabilities_must_match_the_milestones(tmp_path: Path) -> None:
    card = {**SMALL["rate_card"], "outcomes": [{"name": "x", "payments": [1, 1, 1, 1]}]}
    text = problems_of(tmp_path, {**SMALL, "rate_card": card})
    assert "rate_card.outcomes[0].probabilities: is missing" in text
    card["outcomes"][0]["probabilities"] = [0.5, 0.5]
    text = problems_of(tmp_path, {**SMALL, "rate_card": card})
    assert "rate_card.outcomes[0].probabilities: must be a list of 4 numbers" in text


def test_not_a_mapping_missing_file_and_bad_yaml(tmp_path: Path) -> None:
    assert "(top level): must be a mapping" in problems_of(tmp_path, [1, 2])
    with pytest.raises(ScenarioError, match="does not exist"):
        load_scenario(tmp_path / "nope.yml")
    bad = tmp_path / "bad.yml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yml: \(file\): is not valid YAML"):
        load_scenario(bad)
