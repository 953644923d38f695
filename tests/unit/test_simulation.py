"""Simulated contestants: valid names, right and wrong answers that the checker agrees
with, accuracy that follows skill and difficulty, think times inside the window."""

from __future__ import annotations

import random
import statistics
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.checking import check_answer
from engine.domain.contest import clean_nickname
from engine.domain.identity import nickname_keys
from engine.domain.questions import Choice, Question, QuestionType, localized
from engine.domain.regions import GUANGDONG
from engine.services.simulation import (
    MIN_THINK_MS,
    NICKNAMES,
    Persona,
    attempt,
    chance_correct,
    personas,
    right_response,
    wrong_response,
)
from tests.unit.strategies import questions

REGIONS = [region.code for region in GUANGDONG]


def single(difficulty: int = 3, choices: int = 4) -> Question:
    keys = "abcdefgh"[:choices]
    return Question(
        key="q-1",
        type=QuestionType.SINGLE,
        prompt=localized({"zh-Hans": "?"}),
        answer=("b",),
        choices=tuple(Choice(k, localized({"zh-Hans": k})) for k in keys),
        difficulty=difficulty,
    )


AVERAGE = Persona("阿明", "guangzhou", skill=0.0, pace=1.0)


@pytest.mark.parametrize("count", [1, 20, len(NICKNAMES) * 2 + 3])
def test_personas_have_distinct_allowed_nicknames_and_known_regions(count):
    crowd = personas(random.Random(7), count, REGIONS)
    assert len(crowd) == count
    for which in (0, 1):  # no two look alike, so every simulated phone gets in
        assert len({nickname_keys(p.nickname)[which] for p in crowd}) == count
    assert all(clean_nickname(p.nickname) == p.nickname for p in crowd)
    assert {p.region for p in crowd} <= set(REGIONS)
    assert all(p.pace > 0 for p in crowd)


def test_the_same_seed_gives_the_same_crowd_and_another_seed_another():
    assert personas(random.Random(1), 20, REGIONS) == personas(random.Random(1), 20, REGIONS)
    assert personas(random.Random(1), 20, REGIONS) != personas(random.Random(2), 20, REGIONS)


@settings(max_examples=200)
@given(question=questions(), seed=st.integers(0, 2**32))
def test_right_responses_are_right_and_wrong_ones_wrong(question, seed):
    assert check_answer(question, right_response(question)).correct
    wrong = wrong_response(random.Random(seed), question)
    assert not check_answer(question, wrong).correct


def test_accuracy_rises_with_skill_and_falls_with_difficulty():
    skills = [-2.0, -1.0, 0.0, 1.0, 2.0]
    for difficulty in range(1, 6):
        chances = [chance_correct(replace(AVERAGE, skill=s), single(difficulty)) for s in skills]
        assert chances == sorted(chances)
        assert all(0.25 < chance < 1 for chance in chances)  # never below a blind guess
    by_difficulty = [chance_correct(AVERAGE, single(d)) for d in range(1, 6)]
    assert by_difficulty == sorted(by_difficulty, reverse=True)
    assert chance_correct(AVERAGE, single(3)) == pytest.approx(0.25 + 0.75 / 2)


def test_attempts_are_right_as_often_as_the_model_says():
    rng = random.Random(11)
    question = single(4)
    attempts = [attempt(rng, AVERAGE, question, 20_000) for _ in range(4000)]
    answered = [a for a in attempts if a is not None]
    rate = sum(a.correct for a in answered) / len(answered)
    assert rate == pytest.approx(chance_correct(AVERAGE, question), abs=0.03)
    assert all(a.correct == check_answer(question, a.response).correct for a in answered)


def test_think_times_stay_in_the_window_and_rarely_miss_it():
    rng = random.Random(3)
    attempts = [attempt(rng, AVERAGE, single(3), 10_000) for _ in range(2000)]
    answered = [a.think_ms for a in attempts if a is not None]
    assert all(MIN_THINK_MS <= ms < 10_000 for ms in answered)
    assert 0 < attempts.count(None) < 0.05 * len(attempts)
    assert 3000 < statistics.median(answered) < 5000  # (0.22 + 0.06·3) of the window


def test_harder_questions_and_slower_people_take_longer():
    def median_think(persona: Persona, difficulty: int) -> float:
        rng = random.Random(5)
        tries = (attempt(rng, persona, single(difficulty), 60_000) for _ in range(500))
        return statistics.median(a.think_ms for a in tries if a is not None)

    assert median_think(AVERAGE, 1) < median_think(AVERAGE, 5)
    assert median_think(AVERAGE, 3) < median_think(replace(AVERAGE, pace=1.5), 3)


def test_a_window_too_short_to_read_the_prompt_is_always_missed():
    rng = random.Random(0)
    assert all(attempt(rng, AVERAGE, single(), MIN_THINK_MS) is None for _ in range(50))
