"""Closing a round for good: the boards thaw and the final standings go to SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from engine.domain.standings import PAGE_LIMIT, BoardEntry
from engine.ports import Leaderboard, RoundRepository


def finish_round(
    leaderboard: Leaderboard,
    rounds: RoundRepository,
    round_id: int,
    banned: Sequence[Mapping[str, Any]] = (),
) -> int:
    """Thaw the round's boards, store its final standings (and the ``banned`` rows, kept
    without a rank); the number of contestants ranked."""
    leaderboard.thaw(round_id)
    standings = [
        {
            "contestant": e.contestant,
            "rank": e.rank,
            "points": e.points,
            "total_ms": e.total_ms,
            "nickname": e.nickname or "",
            "region": e.region,
            "team": e.team,
            "banned": False,
        }
        for e in live_board(leaderboard, round_id)
    ]
    rounds.save_standings(round_id, [*standings, *banned])
    rounds.set_status(round_id, "finished")
    return len(standings)


def live_board(leaderboard: Leaderboard, round_id: int) -> list[BoardEntry]:
    """Every entry of the round's live board, best first, read a full page at a time."""
    entries: list[BoardEntry] = []
    while page := leaderboard.top(round_id, offset=len(entries), limit=PAGE_LIMIT, view="live"):
        entries += page
    return entries
