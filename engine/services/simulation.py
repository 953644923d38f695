"""Simulated contestants for ``leitai demo``: who they are, how long they think, how often
they are right.

Pure: every draw comes from the ``random.Random`` passed in, so a seed replays a crowd.
Accuracy follows the three-parameter logistic model of item response theory: a
contestant of skill θ answers a question of difficulty b correctly with probability
``c + (1 - c) / (1 + exp(-1.7 (θ - b)))``, where ``c`` is the chance of a blind guess.
Think times are log-normal (response times are, to a good approximation), longer for
harder questions and for questions that take typing or ordering; a think time beyond the
window means the question was missed.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

from engine.domain.checking import fold_text
from engine.domain.questions import Question, QuestionType

#: Nicknames as a Guangdong crowd types them: Cantonese, Mandarin, English, mixed.
NICKNAMES: tuple[str, ...] = (
    "陈大文",
    "阿明",
    "靓仔强",
    "Ah Keung",
    "黄小美",
    "Kelvin Lau",
    "何家豪",
    "肥仔聪",
    "Mandy 陈",
    "林嘉欣",
    "梁伯",
    "Wing Chan",
    "冼耀华",
    "细佬仔",
    "Karen Ho",
    "李晓峰",
    "Jyut Jan",
    "阿珍",
    "张伟",
    "Tommy Ng",
    "王芳",
    "叻女Winnie",
    "郭少杰",
    "Ivy 麦",
    "钟sir",
    "刘诗雅",
    "Ken仔",
    "蔡依琳",
    "黎志明",
    "Sunny Tse",
)

#: Skill is drawn from N(SKILL_MEAN, 1): people who join a quiz night know a bit more
#: than the population the difficulty scale (1-5 around 3) was written for.
SKILL_MEAN = 0.3
DIFFICULTY_STEP = 0.75  # item-response difficulty per bank difficulty level
DISCRIMINATION = 1.7  # the logistic's usual scaling to the normal ogive
THINK_SIGMA = 0.5  # spread of log think time
MIN_THINK_MS = 400  # reading the prompt takes at least this long
TYPE_EFFORT = {
    QuestionType.TRUE_FALSE: 0.7,
    QuestionType.SINGLE: 1.0,
    QuestionType.MULTIPLE: 1.25,
    QuestionType.ORDER: 1.4,
    QuestionType.TEXT: 1.4,
}
WRONG_TEXTS = ("不知道", "唔记得", "no idea")


@dataclass(frozen=True)
class Persona:
    """One simulated contestant."""

    nickname: str
    region: str
    skill: float  # θ on the item-response scale: 0 average, 1 one standard deviation above
    pace: float  # multiplies think times: below 1 is quicker


@dataclass(frozen=True)
class Attempt:
    """What a persona does with one question: answer ``response`` after ``think_ms``."""

    think_ms: int
    response: object
    correct: bool


def personas(rng: random.Random, count: int, regions: Sequence[str]) -> tuple[Persona, ...]:
    """``count`` contestants with distinct nicknames, spread over ``regions``."""
    crowd = []
    for n in range(count):
        name = NICKNAMES[n % len(NICKNAMES)]
        if n >= len(NICKNAMES):
            name = f"{name} {n // len(NICKNAMES) + 1}"
        skill = rng.gauss(SKILL_MEAN, 1.0)
        # The skilled tend to be quicker too, but only loosely.
        pace = math.exp(rng.gauss(-0.15 * skill, 0.25))
        crowd.append(Persona(name, rng.choice(list(regions)), skill, pace))
    return tuple(crowd)


def chance_correct(persona: Persona, question: Question) -> float:
    """The probability that ``persona`` gets ``question`` fully right."""
    guess = guessing_chance(question)
    difficulty = (question.difficulty - 3) * DIFFICULTY_STEP
    knows = 1 / (1 + math.exp(-DISCRIMINATION * (persona.skill - difficulty)))
    return guess + (1 - guess) * knows


def guessing_chance(question: Question) -> float:
    """The chance that a blind pick is right (multiple, text and order: negligible)."""
    if question.type is QuestionType.SINGLE:
        return 1 / len(question.choices)
    if question.type is QuestionType.TRUE_FALSE:
        return 0.5
    return 0.0


def attempt(
    rng: random.Random, persona: Persona, question: Question, window_ms: int
) -> Attempt | None:
    """The persona's answer within ``window_ms``, or None when time runs out first."""
    median_ms = window_ms * (0.22 + 0.06 * question.difficulty) * TYPE_EFFORT[question.type]
    think_ms = round(median_ms * persona.pace * rng.lognormvariate(0, THINK_SIGMA))
    think_ms = max(MIN_THINK_MS, think_ms)
    if think_ms >= window_ms:
        return None
    correct = rng.random() < chance_correct(persona, question)
    response = right_response(question) if correct else wrong_response(rng, question)
    return Attempt(think_ms, response, correct)


def right_response(question: Question) -> object:
    """The response the checker accepts as fully correct."""
    if question.type is QuestionType.SINGLE:
        return question.answer[0]
    if question.type in (QuestionType.MULTIPLE, QuestionType.ORDER):
        return list(question.answer)
    return question.answer[0]  # true_false: the bool; text: the first accepted string


def wrong_response(rng: random.Random, question: Question) -> object:
    """A plausible response that is not fully correct."""
    keys = list(question.choice_keys())
    if question.type is QuestionType.SINGLE:
        return rng.choice([key for key in keys if key != question.answer[0]])
    if question.type is QuestionType.TRUE_FALSE:
        return not question.answer[0]
    if question.type is QuestionType.MULTIPLE:
        # One slip: a right option left out or a wrong one ticked, never an empty pick.
        picks = set(question.answer) ^ {rng.choice(keys)}
        if not picks:  # the one right option was left out: tick a wrong one instead
            picks = {rng.choice([key for key in keys if key not in question.answer])}
        return [key for key in keys if key in picks]
    if question.type is QuestionType.ORDER:
        order = list(question.answer)
        i = rng.randrange(len(order) - 1)
        order[i], order[i + 1] = order[i + 1], order[i]
        return order
    accepted = {fold_text(str(text)) for text in question.answer}
    return next(text for text in WRONG_TEXTS if fold_text(text) not in accepted)
