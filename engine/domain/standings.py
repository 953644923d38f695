"""What a leaderboard is asked and answers: scopes, profiles, ranked entries.

Also the arithmetic that turns windows of a (possibly sharded) board into competition
ranks, kept here so it is pure and shared by every adapter. A *window* is a run of
rows ``(score, contestant)`` cut from one board in board order (score desc, then
contestant bytes desc, as Redis's ZREVRANGE orders ties), starting at ``start`` (0 is the
best row), with ``first_above`` = how many rows of that board score strictly more than
its first row.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from engine.domain.ranking import RankingError, decode_score


class LeaderboardError(ValueError):
    """A leaderboard request that cannot be carried out; nothing was written."""


class UnknownScopeError(LeaderboardError):
    """A scope string that is not ``all``, ``region:<code>`` or ``team:<key>``."""


class InvalidProfileError(LeaderboardError):
    """A nickname, region or team a board cannot hold, or a region/team changed."""


class UnknownContestantError(LeaderboardError):
    """Points for a contestant who was never registered in the round."""


class AnswersRejectedError(LeaderboardError):
    """Some answers of a batch were refused (each wrote nothing; the others stand)."""

    def __init__(self, rejected: list[tuple[int, str, str]]) -> None:
        self.rejected = rejected  # (index in the batch, contestant, reason)
        super().__init__(f"{len(rejected)} answer(s) refused, first: {rejected[0]}")


class FreezeError(LeaderboardError):
    """Freezing a round that planned no freeze, or has thawed (a thaw is final)."""


_REGION = re.compile(r"[a-z][a-z0-9-]{0,31}")
_TEAM = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NICKNAME_LIMIT = 64
#: The most entries a board returns in one page, and neighbours either side of a standing.
PAGE_LIMIT = 1000
AROUND_LIMIT = 50
#: A round's public snapshot is rebuilt, and published to its screens, at most this often.
SNAPSHOT_EVERY_MS = 500


@dataclass(frozen=True)
class Scope:
    """Which board of a round: everyone, one region, or one team."""

    kind: str  # "all" | "region" | "team"
    code: str | None = None

    def __str__(self) -> str:
        return self.kind if self.code is None else f"{self.kind}:{self.code}"


ALL = Scope("all")


def parse_scope(text: str | Scope) -> Scope:
    if isinstance(text, Scope):
        return text
    kind, _, code = text.partition(":")
    if kind == "all" and not code and text == "all":
        return ALL
    if kind == "region" and _REGION.fullmatch(code):
        return Scope("region", code)
    if kind == "team" and _TEAM.fullmatch(code):
        return Scope("team", code)
    raise UnknownScopeError(f"unknown leaderboard scope {text!r}")


@dataclass(frozen=True)
class Profile:
    nickname: str
    region: str | None = None
    team: str | None = None


def check_profile(profile: Profile, regions: Collection[str] | None = None) -> Profile:
    """The profile, if a board can hold it; ``regions`` limits the region codes."""
    if not 0 < len(profile.nickname) <= NICKNAME_LIMIT:
        raise InvalidProfileError(f"a nickname has 1 to {NICKNAME_LIMIT} characters")
    if profile.region is not None and (
        not _REGION.fullmatch(profile.region)
        or (regions is not None and profile.region not in regions)
    ):
        raise InvalidProfileError(f"unknown region {profile.region!r}")
    if profile.team is not None and not _TEAM.fullmatch(profile.team):
        raise InvalidProfileError(f"a team key is 1-64 of A-Z a-z 0-9 _ . -, got {profile.team!r}")
    return profile


def scopes_of(profile: Profile) -> list[Scope]:
    """Every round board a contestant with this profile is counted on."""
    scopes = [ALL]
    if profile.region is not None:
        scopes.append(Scope("region", profile.region))
    if profile.team is not None:
        scopes.append(Scope("team", profile.team))
    return scopes


@dataclass(frozen=True)
class BoardEntry:
    contestant: str
    rank: int
    points: int
    total_ms: int
    nickname: str | None
    region: str | None
    team: str | None


@dataclass(frozen=True)
class BoardStanding:
    """A contestant's place on one board, with ``around`` neighbours each side."""

    contestant: str
    rank: int
    points: int
    total_ms: int
    percentile: float  # share of the board strictly behind, in percent
    count: int
    above: tuple[BoardEntry, ...]  # best first, ending just above the contestant
    below: tuple[BoardEntry, ...]


def entry(contestant: str, score: int, rank: int, profile: Profile | None) -> BoardEntry:
    points, total_ms = decode_score(score)
    return BoardEntry(
        contestant,
        rank,
        points,
        total_ms,
        profile.nickname if profile else None,
        profile.region if profile else None,
        profile.team if profile else None,
    )


# --- windows of a board ------------------------------------------------------------------

Row = tuple[int, str]  # (score, contestant)


@dataclass(frozen=True)
class Window:
    start: int
    first_above: int
    rows: tuple[Row, ...]


def counts_above(window: Window) -> list[int]:
    """For each row, how many rows of its board score strictly more (rank - 1)."""
    counts: list[int] = []
    for i, (score, _) in enumerate(window.rows):
        if i == 0:
            counts.append(window.first_above)
        else:
            counts.append(counts[-1] if score == window.rows[i - 1][0] else window.start + i)
    return counts


def count_above(window: Window, score: int) -> int:
    """How many rows of the window's board score strictly more than ``score``.

    Exact when ``score`` belongs to a row within ``around`` places of the point the
    window was cut around, and the window reaches ``around`` rows either side of it
    (or to the board's end): rows above the window then all score more than ``score``.
    """
    counts = counts_above(window)
    for i, (row_score, _) in enumerate(window.rows):
        if row_score == score:
            return counts[i]
        if row_score < score:
            return window.start + i
    return window.start + len(window.rows)


def board_order(rows: Iterable[Row]) -> list[Row]:
    """Rows best first, ties by contestant bytes descending (ZREVRANGE's order)."""
    return sorted(rows, key=_order_key, reverse=True)


def merge_tops(tops: Sequence[Sequence[Row]]) -> list[Row]:
    """One board's order from per-shard tops already in board order."""
    return list(heapq.merge(*tops, key=_order_key, reverse=True))


def _order_key(row: Row) -> tuple[int, bytes]:
    return row[0], row[1].encode()


def rank_rows(window: Window, profiles: dict[str, Profile | None]) -> list[BoardEntry]:
    """Entries with competition ranks for a window of a whole (or merged) board."""
    return [
        entry(contestant, score, above + 1, profiles.get(contestant))
        for (score, contestant), above in zip(window.rows, counts_above(window), strict=True)
    ]


def percentile(behind: int, count: int) -> float:
    if count < 1:
        raise RankingError("a percentile needs a field of at least one score")
    return 100 * behind / count
