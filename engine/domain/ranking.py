"""Ranking: who is ahead, and the one number a leaderboard stores per contestant.

Higher points win; on equal points, less total response time wins; equal points and
equal time share a rank (competition ranking: 1, 2, 2, 4). A Redis sorted set keeps
this order in one double, ``S = points · 2**21 - total_ms`` (DESIGN.md), exact because
``S < 2**53``. The boards rank in Redis (``boards.lua``); :func:`rank_standings` ranks a
field in Python where one is ranked outside Redis (a campaign stage's counted scores).
The rest of the reference ranking the boards are tested against (percentiles, teams,
score deltas) is ``tests/oracles/ranking.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

#: Total points must stay below this, so ``S`` fits the 53 bits a double holds exactly.
POINTS_LIMIT = 2**32
_TIME_SCALE = 2**21
#: Summed response time is clamped to this (about 35 minutes): beyond it, time no
#: longer breaks ties, because more would spill into the points part of ``S``.
TIME_LIMIT_MS = _TIME_SCALE - 1


class RankingError(ValueError):
    """Scores or standings that cannot be ranked."""


class ScoreOutOfRangeError(RankingError):
    """Points or time outside what the composite score can hold exactly."""


def encode_score(points: int, total_ms: int) -> int:
    """The composite leaderboard score; time beyond :data:`TIME_LIMIT_MS` is clamped."""
    if not 0 <= points < POINTS_LIMIT:
        raise ScoreOutOfRangeError(f"points must be within [0, 2**32), got {points}")
    if total_ms < 0:
        raise ScoreOutOfRangeError(f"total_ms must be >= 0, got {total_ms}")
    return points * _TIME_SCALE - min(total_ms, TIME_LIMIT_MS)


def decode_score(score: int | float) -> tuple[int, int]:
    """``(points, total_ms)`` back from a stored score (Redis returns a float).

    ``S = p · 2**21 - t`` with ``0 <= t < 2**21`` puts ``S`` in ``(p - 1, p] · 2**21``,
    so ``p = ceil(S / 2**21)``, exactly (also for ``p = 0``, where ``S <= 0``).
    """
    if isinstance(score, float) and not score.is_integer():
        raise ScoreOutOfRangeError(f"a leaderboard score is a whole number, got {score}")
    score = int(score)
    if not -TIME_LIMIT_MS <= score <= (POINTS_LIMIT - 1) * _TIME_SCALE:
        raise ScoreOutOfRangeError(f"{score} is not an encoded score")
    points = -(-score // _TIME_SCALE)
    return points, points * _TIME_SCALE - score


@dataclass(frozen=True)
class Standing:
    contestant: str
    points: int
    total_ms: int
    rank: int


def rank_standings(entries: Iterable[tuple[str, int, int]]) -> list[Standing]:
    """Rank ``(contestant, points, total_ms)`` as the leaderboard does.

    Order: points desc, total time asc, then contestant id asc (only a display order:
    tied contestants share a rank). Time is clamped as the stored score clamps it, so
    this agrees with a board built by :func:`encode_score`.
    """
    scored = {}
    for contestant, points, total_ms in entries:
        if contestant in scored:
            raise RankingError(f"contestant {contestant!r} appears twice")
        scored[contestant] = encode_score(points, total_ms)
    order = sorted(scored, key=lambda c: (-scored[c], c))
    return [
        Standing(c, *decode_score(scored[c]), rank=rank)
        for c, rank in zip(order, competition_ranks([scored[c] for c in order]), strict=True)
    ]


def competition_ranks(ordered: Sequence[Any]) -> list[int]:
    """Ranks 1, 2, 2, 4 for sort keys already in order, best first; equal keys tie."""
    ranks: list[int] = []
    for i, key in enumerate(ordered):
        ranks.append(ranks[-1] if i and key == ordered[i - 1] else i + 1)
    return ranks


def tie_break_ms(points: int, response_ms: int) -> int:
    """The answer time that goes on the board: only answers that scored count, so a
    quick wrong answer never costs a contestant in a tie."""
    return response_ms if points > 0 else 0
