"""Scoring rules: how many points one answer is worth.

A competition fixes a :class:`ScoringRules`; :func:`score_answer` turns one checked answer
(its credit from the answer checker, its server-measured response time) into an
:class:`Award` that the caller adds to the contestant's total. Nothing here reads the
clock: times are server milliseconds passed in.

Conventions, following Kahoot! where it has one (REFERENCE.md, "Scoring conventions"):

- base points = ``P · weight · credit · speed``, rounded half up (as JavaScript's
  ``Math.round``, not Python's round-half-even: 986.5 → 987);
- speed ``kahoot``: ``1 - (t/T)/2``, full points for ``t < 500`` ms, so the last moment
  still earns half; ``linear``: ``1 - t/T``, zero at the deadline; ``t`` is clamped into
  ``[0, T]``;
- streak: the streak is the number of consecutive fully correct answers (credit 1). The
  N-th in a row (N ≥ 2) earns ``min(step · (N - 1), cap)``, i.e. ``min(step ·
  streak_before, cap)``: +100 for the 2nd, +200 for the 3rd, ... +500 from the 6th on.
  The bonus is flat: neither weight nor speed scales it. Partial credit, a wrong or a
  missing answer resets the streak to 0;
- a wrong answer (credit 0) costs ``wrong_penalty`` (flat, unweighted), but never more
  than the contestant has, so totals stay ≥ 0. Partial credit is not wrong: no penalty.
  A missing answer costs nothing (:data:`MISSED`);
- ``accuracy_only``: a fully correct answer is worth exactly 1, anything else 0; no
  weight, speed, streak bonus or penalty (``points`` is then unused).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from fractions import Fraction
from typing import Any

#: Kahoot! gives full points to answers faster than this.
KAHOOT_FULL_POINTS_MS = 500


#: Per question, for each of points, streak bonus and penalty: a few hundred questions
#: stay far below the 2**32 points a leaderboard score holds exactly.
MAX_POINTS = 100_000


class ScoringError(ValueError):
    """An answer cannot be scored with the arguments given."""


class ScoringRulesError(ScoringError):
    """A competition's scoring rules make no sense (e.g. a negative penalty)."""


class SpeedFactor(StrEnum):
    NONE = "none"
    KAHOOT = "kahoot"
    LINEAR = "linear"


@dataclass(frozen=True)
class ScoringRules:
    points: int = 1000
    speed: SpeedFactor = SpeedFactor.NONE
    streak_step: int = 0
    streak_cap: int = 0
    wrong_penalty: int = 0
    accuracy_only: bool = False

    def __post_init__(self) -> None:
        for name in ("points", "streak_step", "streak_cap", "wrong_penalty"):
            value = getattr(self, name)
            if type(value) is not int or not 0 <= value <= MAX_POINTS:
                raise ScoringRulesError(
                    f"{name} must be a whole number from 0 to {MAX_POINTS}, got {value!r}"
                )
        if type(self.accuracy_only) is not bool:
            raise ScoringRulesError(
                f"accuracy_only must be true or false, not {self.accuracy_only!r}"
            )
        try:
            # Accept the plain string, so rules read back from JSON compare equal.
            object.__setattr__(self, "speed", SpeedFactor(self.speed))
        except ValueError:
            raise ScoringRulesError(f"unknown speed factor {self.speed!r}") from None
        if self.streak_cap < self.streak_step:
            raise ScoringRulesError("streak_cap must be at least streak_step")
        if self.accuracy_only and (
            self.speed is not SpeedFactor.NONE or self.streak_step or self.wrong_penalty
        ):
            raise ScoringRulesError(
                "accuracy_only counts correct answers: no speed, streak or penalty"
            )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form for storage."""
        return asdict(self) | {"speed": str(self.speed)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringRules:
        """Read rules stored by :meth:`to_dict`; missing keys take their defaults."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ScoringRulesError(f"unknown scoring settings: {', '.join(sorted(unknown))}")
        return cls(**data)


@dataclass(frozen=True)
class Award:
    """What one answer did to a contestant's score.

    ``points`` is the change to the total (``base + streak_bonus``, or minus the
    penalty actually taken); ``streak`` is the streak after this answer.
    """

    points: int
    base: int
    streak_bonus: int
    streak: int
    correct: bool


#: The award for a question not answered by its deadline: nothing, and the streak ends.
MISSED = Award(points=0, base=0, streak_bonus=0, streak=0, correct=False)


def score_answer(
    rules: ScoringRules,
    *,
    credit: float | Fraction,
    response_ms: int,
    time_limit_ms: int,
    weight: float | Fraction = 1,
    streak_before: int,
    total_before: int,
) -> Award:
    """Score one checked answer; ``credit`` is 1 for fully correct, 0 for wrong."""
    credit = _fraction("credit", credit)
    if not 0 <= credit <= 1:
        raise ScoringError(f"credit must be within [0, 1], got {credit}")
    weight = _fraction("weight", weight)
    if weight < 0:
        raise ScoringError(f"weight must be >= 0, got {weight}")
    if time_limit_ms <= 0:
        raise ScoringError(f"time_limit_ms must be positive, got {time_limit_ms}")
    if streak_before < 0 or total_before < 0:
        raise ScoringError("streak_before and total_before must be >= 0")

    correct = credit == 1
    streak = streak_before + 1 if correct else 0
    if rules.accuracy_only:
        return Award(
            points=int(correct), base=int(correct), streak_bonus=0, streak=streak, correct=correct
        )
    if credit == 0:
        penalty = min(rules.wrong_penalty, total_before)
        return Award(points=-penalty, base=0, streak_bonus=0, streak=0, correct=False)

    t = min(max(response_ms, 0), time_limit_ms)
    base = _round_half_up(rules.points * weight * credit * _speed(rules.speed, t, time_limit_ms))
    bonus = min(rules.streak_step * streak_before, rules.streak_cap) if correct else 0
    return Award(points=base + bonus, base=base, streak_bonus=bonus, streak=streak, correct=correct)


def _speed(speed: SpeedFactor, t: int, limit: int) -> Fraction:
    """The share of the points an answer at ``t`` of ``limit`` ms keeps; never grows with t."""
    match speed:
        case SpeedFactor.NONE:
            return Fraction(1)
        case SpeedFactor.KAHOOT:
            return Fraction(1) if t < KAHOOT_FULL_POINTS_MS else 1 - Fraction(t, 2 * limit)
        case SpeedFactor.LINEAR:
            return 1 - Fraction(t, limit)


def _fraction(name: str, value: float | Fraction) -> Fraction:
    # Exact arithmetic, so 0.1-style floats cannot tip a rounding the wrong way.
    try:
        return Fraction(value)
    except (TypeError, ValueError, OverflowError):
        raise ScoringError(f"{name} must be a finite number, got {value!r}") from None


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))
