import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.scoring import (
    MISSED,
    Award,
    ScoringError,
    ScoringRules,
    ScoringRulesError,
    SpeedFactor,
    score_answer,
)

KAHOOT = ScoringRules(speed=SpeedFactor.KAHOOT, streak_step=100, streak_cap=500)


def award(rules=KAHOOT, *, credit=1, t=0, limit=20_000, weight=1, streak=0, total=0):
    return score_answer(
        rules,
        credit=credit,
        response_ms=t,
        time_limit_ms=limit,
        weight=weight,
        streak_before=streak,
        total_before=total,
    )


@pytest.mark.parametrize(
    ("t", "points"),
    [
        (400, 1000),  # Kahoot's published examples, P = 1000, T = 20 s
        (10_000, 750),
        (20_000, 500),
        (499, 1000),  # under 0.5 s: full points
        (500, 988),  # 987.5 rounds half up
        (540, 987),  # 986.5 rounds half up, where round() would give 986
        (30_000, 500),  # clamped to the deadline
        (-5, 1000),  # clamped to 0
    ],
)
def test_kahoot_speed_factor(t, points):
    assert award(t=t).base == points


@pytest.mark.parametrize(
    ("t", "points"), [(0, 1000), (5_000, 750), (10_000, 500), (19_999, 0), (20_000, 0), (25_000, 0)]
)
def test_linear_speed_factor(t, points):
    assert award(ScoringRules(speed=SpeedFactor.LINEAR), t=t).base == points


def test_no_speed_factor_gives_full_points_at_any_time():
    assert award(ScoringRules(), t=19_999).base == 1000


def test_weight_and_partial_credit_scale_the_base():
    assert award(t=10_000, weight=2).points == 1500
    assert award(t=10_000, weight=0.5).points == 375
    half = award(t=10_000, credit=0.5, streak=3, total=900)
    assert half == Award(points=375, base=375, streak_bonus=0, streak=0, correct=False)
    assert award(t=0, credit=Fraction(1, 3)).base == 333


@pytest.mark.parametrize(
    ("streak_before", "bonus"), [(0, 0), (1, 100), (2, 200), (4, 400), (5, 500), (9, 500)]
)
def test_streak_bonus_follows_kahoot(streak_before, bonus):
    result = award(t=0, streak=streak_before)
    assert result == Award(
        points=1000 + bonus, base=1000, streak_bonus=bonus, streak=streak_before + 1, correct=True
    )


def test_streak_bonus_is_not_scaled_by_weight_or_speed():
    assert award(t=20_000, weight=2, streak=3).points == 1000 + 300


def test_wrong_answer_takes_the_penalty_but_never_below_zero():
    rules = ScoringRules(wrong_penalty=250, streak_step=100, streak_cap=500)
    assert award(rules, credit=0, streak=4, total=1000) == Award(
        points=-250, base=0, streak_bonus=0, streak=0, correct=False
    )
    assert award(rules, credit=0, total=100).points == -100
    assert award(rules, credit=0, total=0).points == 0


def test_missed_answer_scores_nothing_and_ends_the_streak():
    assert Award(points=0, base=0, streak_bonus=0, streak=0, correct=False) == MISSED


def test_accuracy_only_counts_fully_correct_answers():
    rules = ScoringRules(accuracy_only=True)
    assert award(rules, t=19_000, weight=3, streak=7) == Award(
        points=1, base=1, streak_bonus=0, streak=8, correct=True
    )
    assert award(rules, credit=0.5, streak=7).points == 0
    assert award(rules, credit=0, total=5).points == 0


@pytest.mark.parametrize(
    "settings",
    [
        {"points": -1},
        {"points": 1.5},
        {"points": True},
        {"wrong_penalty": -10},
        {"streak_step": 100, "streak_cap": 50},
        {"streak_step": -100, "streak_cap": 0},
        {"speed": "fast"},
        {"accuracy_only": "yes"},
        {"accuracy_only": True, "speed": "kahoot"},
        {"accuracy_only": True, "streak_step": 100, "streak_cap": 100},
        {"accuracy_only": True, "wrong_penalty": 1},
        # Beyond what a leaderboard score holds exactly over a round.
        {"points": 100_001},
        {"wrong_penalty": 10**20},
        {"streak_step": 2**40, "streak_cap": 2**41},
    ],
)
def test_nonsense_rules_are_refused(settings):
    with pytest.raises(ScoringRulesError):
        ScoringRules(**settings)


def test_rules_round_trip_through_json():
    stored = json.dumps(KAHOOT.to_dict())
    assert json.loads(stored) == {
        "points": 1000,
        "speed": "kahoot",
        "streak_step": 100,
        "streak_cap": 500,
        "wrong_penalty": 0,
        "accuracy_only": False,
    }
    assert ScoringRules.from_dict(json.loads(stored)) == KAHOOT
    assert ScoringRules.from_dict({}) == ScoringRules()


def test_unknown_stored_setting_is_refused():
    with pytest.raises(ScoringRulesError, match="bonus"):
        ScoringRules.from_dict({"bonus": 5})


@pytest.mark.parametrize(
    "bad",
    [
        {"credit": 1.5},
        {"credit": -0.1},
        {"credit": float("nan")},
        {"weight": -1},
        {"limit": 0},
        {"streak": -1},
        {"total": -1},
    ],
)
def test_bad_answer_arguments_are_refused(bad):
    with pytest.raises(ScoringError):
        award(**bad)


rules_strategy = st.builds(
    ScoringRules,
    points=st.integers(0, 2000),
    speed=st.sampled_from(SpeedFactor),
    streak_step=st.integers(0, 200),
    streak_cap=st.integers(200, 1000),
    wrong_penalty=st.integers(0, 500),
) | st.just(ScoringRules(accuracy_only=True))
credits = st.one_of(st.just(0), st.just(1), st.fractions(0, 1), st.floats(0, 1, allow_nan=False))
weights = st.sampled_from([0, 0.5, 1, 1.5, 2, 3])


@given(
    rules=rules_strategy,
    credit=credits,
    weight=weights,
    limit=st.integers(1, 120_000),
    t1=st.integers(-1000, 130_000),
    t2=st.integers(-1000, 130_000),
    streak=st.integers(0, 20),
    total=st.integers(0, 50_000),
)
def test_a_later_answer_never_scores_more(rules, credit, weight, limit, t1, t2, streak, total):
    early, late = sorted((t1, t2))
    common = {
        "credit": credit,
        "time_limit_ms": limit,
        "weight": weight,
        "streak_before": streak,
        "total_before": total,
    }
    first = score_answer(rules, response_ms=early, **common)
    second = score_answer(rules, response_ms=late, **common)
    assert second.points <= first.points
    assert (first.streak, first.correct) == (second.streak, second.correct)


@given(
    rules=rules_strategy,
    answers=st.lists(st.tuples(st.none() | credits, st.integers(0, 30_000), weights), max_size=30),
)
def test_totals_never_go_below_zero(rules, answers):
    total, streak = 0, 0
    for credit, t, weight in answers:
        result = (
            MISSED
            if credit is None
            else score_answer(
                rules,
                credit=credit,
                response_ms=t,
                time_limit_ms=20_000,
                weight=weight,
                streak_before=streak,
                total_before=total,
            )
        )
        assert result.streak == (streak + 1 if credit == 1 else 0)
        total, streak = total + result.points, result.streak
        assert total >= 0
