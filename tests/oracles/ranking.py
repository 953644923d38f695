"""Reference ranking, written plainly, that the Redis boards are tested against.

Production ranks in Redis (``engine/adapters/redis/lua/boards.lua`` and the sorted sets'
order); these functions say the same rules in Python, over a whole field at once, so
the contract and interleaving tests can compare the boards with them. The score's
encoding itself is production code: ``engine.domain.ranking``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from engine.domain.ranking import (
    RankingError,
    competition_ranks,
    encode_score,
)


def score_delta(points: int, response_ms: int, *, points_before: int, total_ms_before: int) -> int:
    """What one ZINCRBY adds for an answer worth ``points`` (negative for a penalty).

    The state before is needed because the new total's time is clamped (and its points
    checked) as a whole; a plain ``points · 2**21 - response_ms`` would let a long total
    time spill into the points.
    """
    before = encode_score(points_before, total_ms_before)
    return encode_score(points_before + points, total_ms_before + response_ms) - before


def rank_of(score: int | float, scores: Iterable[int | float]) -> int:
    """Competition rank of ``score`` in a field: 1 + how many scores are strictly higher."""
    return 1 + sum(1 for other in scores if other > score)


def percentile_of(score: int | float, scores: Iterable[int | float]) -> float:
    """Share of the field, in percent, with a strictly lower score ("ahead of 80%").

    The field includes the contestant, so the last (or a lone contestant) is at 0 and
    nobody reaches 100. Ties count as not beaten.
    """
    field = list(scores)
    if not field:
        raise RankingError("a percentile needs a field of at least one score")
    return 100 * sum(1 for other in field if other < score) / len(field)


class TeamMethod(StrEnum):
    MEAN = "mean"
    BEST_K = "best_k"


@dataclass(frozen=True)
class TeamStanding:
    """A team's score: exact fractions for the mean, so ranks never depend on rounding."""

    team: str
    points: Fraction
    total_ms: Fraction
    members: int
    rank: int


def team_standings(
    members: Iterable[tuple[str, str, int, int]],
    method: TeamMethod | str = TeamMethod.MEAN,
    k: int | None = None,
) -> list[TeamStanding]:
    """Rank teams from ``(team, contestant, points, total_ms)`` of their members.

    ``mean``: mean points, ties broken by mean time (Kahoot's team score).
    ``best_k``: the sum of points and of times of the k best members (best as in
    :func:`rank_standings`); a team with fewer than k members sums all it has.
    Teams are ordered like contestants: points desc, time asc, team key asc.
    """
    try:
        method = TeamMethod(method)
    except ValueError:
        raise RankingError(f"unknown team method {method!r}") from None
    if (method is TeamMethod.BEST_K) != (k is not None) or (k is not None and k < 1):
        raise RankingError("best_k needs a k >= 1, and only best_k takes one")
    rosters: defaultdict[str, list[tuple[int, int]]] = defaultdict(list)
    seen: set[str] = set()
    for team, contestant, points, total_ms in members:
        if contestant in seen:
            raise RankingError(f"contestant {contestant!r} appears twice")
        if points < 0 or total_ms < 0:
            raise RankingError(f"contestant {contestant!r} has negative points or time")
        seen.add(contestant)
        rosters[team].append((points, total_ms))

    def combine(roster: list[tuple[int, int]]) -> tuple[Fraction, Fraction]:
        if method is TeamMethod.BEST_K:
            roster = sorted(roster, key=lambda m: (-m[0], m[1]))[:k]
        count = len(roster) if method is TeamMethod.MEAN else 1
        return Fraction(sum(p for p, _ in roster), count), Fraction(
            sum(t for _, t in roster), count
        )

    totals = {team: combine(roster) for team, roster in rosters.items()}
    order = sorted(totals, key=lambda team: (-totals[team][0], totals[team][1], team))
    keys = [(-totals[team][0], totals[team][1]) for team in order]
    return [
        TeamStanding(team, *totals[team], members=len(rosters[team]), rank=rank)
        for team, rank in zip(order, competition_ranks(keys), strict=True)
    ]
