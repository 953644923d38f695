"""Attempt rules of a campaign stage: when a contestant may start, and which attempts count.

A stage fixes one :class:`AttemptRule`:

- ``one``: a single attempt, which counts;
- ``per_day``: up to ``n`` attempts each day; the best one counts;
- ``best_of``: up to ``n`` attempts in all; the best one counts;
- ``first_of_day``: the first attempt of each day counts, and those are summed over the
  campaign; later attempts the same day are allowed (up to ``n`` a day if ``n`` is set)
  but count for nothing;
- ``practice``: every attempt is practice.

A practice attempt (any attempt under ``practice``, or one flagged ``practice`` under
any rule) is never limited and never counted: it touches no board, result or
participation figure. *Best* is the engine's ranking rule (more points, then less total
time: :func:`engine.domain.ranking.encode_score`); among equally good attempts the
earliest counts. Attempts beyond what the rule allows (two tabs racing past
:func:`may_start`) never count: the earliest ones do.

Days are calendar days in Asia/Shanghai, computed with a fixed UTC+8 offset rather than
``zoneinfo``: China has kept UTC+8 without daylight saving since 1991, so the offset is
exact for any campaign, and the domain then needs no time-zone database (``zoneinfo``
depends on the system's tzdata, missing on slim images and Windows). An attempt belongs
to the day it started: one begun at 23:59 and finished at 00:03 is the earlier day's.
Times are server milliseconds since the epoch, passed in; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from engine.domain.ranking import Standing, encode_score, rank_standings

DAY_MS = 86_400_000
#: Asia/Shanghai is UTC+8 all year (no daylight saving since 1991).
SHANGHAI_OFFSET_MS = 8 * 3_600_000


class AttemptRuleError(ValueError):
    """An attempt rule or an attempt that makes no sense (e.g. ``n`` of 0)."""


class AttemptKind(StrEnum):
    ONE = "one"
    PER_DAY = "per_day"
    BEST_OF = "best_of"
    FIRST_OF_DAY = "first_of_day"
    PRACTICE = "practice"


#: Kinds that need an ``n``, and the one where ``n`` is optional (a daily cap).
_NEEDS_N = {AttemptKind.PER_DAY, AttemptKind.BEST_OF}
_MAY_TAKE_N = {AttemptKind.FIRST_OF_DAY}


@dataclass(frozen=True)
class AttemptRule:
    kind: AttemptKind
    n: int | None = None

    def __post_init__(self) -> None:
        try:
            # Accept the plain string, so rules read back from JSON compare equal.
            object.__setattr__(self, "kind", AttemptKind(self.kind))
        except ValueError:
            raise AttemptRuleError(f"unknown attempt rule {self.kind!r}") from None
        if self.n is None:
            if self.kind in _NEEDS_N:
                raise AttemptRuleError(f"{self.kind} needs n, the number of attempts")
        elif self.kind not in _NEEDS_N | _MAY_TAKE_N:
            raise AttemptRuleError(f"{self.kind} takes no n, got {self.n!r}")
        elif type(self.n) is not int or self.n < 1:
            raise AttemptRuleError(f"n must be a whole number >= 1, got {self.n!r}")

    @property
    def stage_limit(self) -> int | None:
        """How many counted attempts the whole stage allows, if it caps them."""
        return {AttemptKind.ONE: 1, AttemptKind.BEST_OF: self.n}.get(self.kind)

    @property
    def daily_limit(self) -> int | None:
        """How many counted attempts a day allows, if it caps them."""
        return self.n if self.kind in {AttemptKind.PER_DAY, AttemptKind.FIRST_OF_DAY} else None


@dataclass(frozen=True)
class Attempt:
    """An attempt as the rules see it: when it started, and what it scored.

    Pass attempts still under way too (with their points so far): they use up the
    allowance, or two tabs opened together would double it.
    """

    started_ms: int
    points: int
    total_ms: int
    practice: bool = False

    def __post_init__(self) -> None:
        if self.points < 0 or self.total_ms < 0:
            raise AttemptRuleError("an attempt's points and total time are >= 0")


class Refusal(StrEnum):
    ATTEMPTS_USED = "attempts_used"  # one, best_of: the stage's attempts are all taken
    DAILY_LIMIT = "daily_limit"  # per_day, first_of_day with n: today's are taken


@dataclass(frozen=True)
class StartDecision:
    """May a counted attempt start now; if not, why, and when one may (``None``: never)."""

    allowed: bool
    reason: Refusal | None = None
    opens_ms: int | None = None


ALLOWED = StartDecision(allowed=True)


def shanghai_day(ms: int) -> int:
    """The Asia/Shanghai calendar day of an instant, as days since 1970-01-01."""
    return (ms + SHANGHAI_OFFSET_MS) // DAY_MS


def day_start_ms(day: int) -> int:
    """The instant (epoch ms) Asia/Shanghai's ``day`` begins, its local midnight."""
    return day * DAY_MS - SHANGHAI_OFFSET_MS


def may_start(rule: AttemptRule, history: Iterable[Attempt], now_ms: int) -> StartDecision:
    """Whether the contestant with this ``history`` may start a counted attempt now."""
    counted = _counted_attempts(history)
    if rule.stage_limit is not None and len(counted) >= rule.stage_limit:
        return StartDecision(False, Refusal.ATTEMPTS_USED)
    if rule.daily_limit is not None:
        today = shanghai_day(now_ms)
        if sum(1 for a in counted if shanghai_day(a.started_ms) == today) >= rule.daily_limit:
            return StartDecision(False, Refusal.DAILY_LIMIT, day_start_ms(today + 1))
    return ALLOWED


def counted_score(rule: AttemptRule, history: Iterable[Attempt]) -> tuple[int, int] | None:
    """``(points, total_ms)`` the stage's standings rank this contestant by.

    ``None`` when no attempt counts (none made, practice only, or a practice stage):
    the contestant is then not on the stage's board and not a participant.
    """
    counted = _counted_attempts(history)
    if rule.kind is AttemptKind.PRACTICE or not counted:
        return None
    if rule.kind is AttemptKind.FIRST_OF_DAY:
        firsts = [day[0] for day in _by_day(counted)]
        return sum(a.points for a in firsts), sum(a.total_ms for a in firsts)
    if rule.kind is AttemptKind.PER_DAY:
        counted = [a for day in _by_day(counted) for a in day[: rule.daily_limit]]
    best = _best(counted[: rule.stage_limit])
    return best.points, best.total_ms


def stage_standings(
    rule: AttemptRule, histories: Mapping[str, Sequence[Attempt]]
) -> list[Standing]:
    """A stage's standings from each contestant's attempts, ranked as boards rank."""
    scores = {c: counted_score(rule, history) for c, history in histories.items()}
    return rank_standings((c, *score) for c, score in scores.items() if score is not None)


def _counted_attempts(history: Iterable[Attempt]) -> list[Attempt]:
    """The non-practice attempts, earliest first (a stable sort keeps equal starts)."""
    return sorted((a for a in history if not a.practice), key=lambda a: a.started_ms)


def _by_day(attempts: list[Attempt]) -> list[list[Attempt]]:
    """Attempts already in start order, grouped by Shanghai day."""
    days: dict[int, list[Attempt]] = {}
    for attempt in attempts:
        days.setdefault(shanghai_day(attempt.started_ms), []).append(attempt)
    return list(days.values())


def _best(attempts: list[Attempt]) -> Attempt:
    # max() keeps the first of equal keys: the earliest of equally good attempts.
    return max(attempts, key=lambda a: encode_score(a.points, a.total_ms))
