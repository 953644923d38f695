"""Leaderboards in memory: the Redis leaderboard's rules (``engine.adapters.redis.
leaderboard`` and its Lua scripts) over dicts of composite scores.

A round has live boards and, while a freeze is planned, held or frozen, public ones; its
state is one of "" (live only), "p" (planned), "c" (held), "f" (frozen), "t" (thawed).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from engine.domain.ranking import (
    POINTS_LIMIT,
    ScoreOutOfRangeError,
    decode_score,
)
from engine.domain.standings import (
    ALL,
    AROUND_LIMIT,
    PAGE_LIMIT,
    SNAPSHOT_EVERY_MS,
    AnswersRejectedError,
    BoardEntry,
    BoardStanding,
    FreezeError,
    InvalidProfileError,
    LeaderboardError,
    Profile,
    Scope,
    UnknownContestantError,
    check_profile,
    entry,
    parse_scope,
    percentile,
    scopes_of,
)
from tests.oracles.ranking import score_delta

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REASONS: dict[str, type[ValueError]] = {
    "unknown_contestant": UnknownContestantError,
    "out_of_range": ScoreOutOfRangeError,
}

Board = dict[str, int]  # contestant -> composite score


@dataclass(frozen=True)
class Applied:
    """An answer on the round's boards: the round score after it, what it added, and
    whether public got it."""

    score: int
    delta: int
    public: bool


class InMemoryLeaderboard:
    def __init__(self) -> None:
        self._profiles: dict[str, dict[str, Profile]] = {}  # round -> contestant -> profile
        self._boards: dict[tuple[str, str, str], Board] = {}  # (round, view, scope) -> board
        self._states: dict[str, str] = {}
        self._frozen_at: dict[str, int | None] = {}
        self._competitions: dict[str, Board] = {}
        self._competition_profiles: dict[str, dict[str, Profile]] = {}
        #: (competition, round) -> "<question>:<contestant>" -> delta added, "refused" or
        #: "voided", as lua/competition_add.lua and competition_void.lua keep them
        self._applied: dict[tuple[str, str], dict[str, int | str]] = {}
        self._snapshots: dict[str, dict[str, Any]] = {}
        self._claims: set[str] = set()

    # --- writes ------------------------------------------------------------------------

    def register(
        self,
        round_id: int | str,
        contestant: str,
        nickname: str,
        region: str | None = None,
        team: str | None = None,
        *,
        competition_id: int | str | None = None,
        regions: Iterable[str] | None = None,
    ) -> None:
        self.register_many(
            round_id,
            {contestant: Profile(nickname, region, team)},
            competition_id=competition_id,
            regions=regions,
        )

    def register_many(
        self,
        round_id: int | str,
        profiles: Mapping[str, Profile],
        *,
        competition_id: int | str | None = None,
        regions: Iterable[str] | None = None,
    ) -> None:
        allowed = frozenset(regions) if regions is not None else None
        checked = {_checked_contestant(c): check_profile(p, allowed) for c, p in profiles.items()}
        round_key = _checked_id(round_id)
        known = self._profiles.setdefault(round_key, {})
        views = ["live", "public"] if self._states.get(round_key) in ("p", "c") else ["live"]
        conflicts = []
        for contestant, profile in checked.items():
            old = known.get(contestant)
            if old is not None and (old.region, old.team) != (profile.region, profile.team):
                conflicts.append(contestant)
                continue
            known[contestant] = profile
            for scope in scopes_of(profile):
                for view in views:
                    self._board(round_key, view, scope).setdefault(contestant, 0)
            if competition_id is not None:
                competition = _checked_id(competition_id)
                self._competitions.setdefault(competition, {}).setdefault(contestant, 0)
                self._competition_profiles.setdefault(competition, {})[contestant] = profile
        if conflicts:
            raise InvalidProfileError(
                f"{conflicts[0]!r} cannot change region or team (profile_conflict)"
            )

    def add(
        self,
        round_id: int | str,
        contestant: str,
        points: int,
        response_ms: int,
        *,
        competition_id: int | str | None = None,
    ) -> tuple[int, int]:
        try:
            return self.add_many(
                round_id, [(contestant, points, response_ms)], competition_id=competition_id
            )[0]
        except AnswersRejectedError as error:
            _, _, reason = error.rejected[0]
            raise _REASONS[reason](f"{contestant!r}: {reason}") from None

    def add_many(
        self,
        round_id: int | str,
        answers: Iterable[tuple[str, int, int]],
        *,
        competition_id: int | str | None = None,
    ) -> list[tuple[int, int]]:
        checked = [_checked_answer(a) for a in answers]
        round_key = _checked_id(round_id)
        totals, rejected = [], []
        competition = None if competition_id is None else _checked_id(competition_id)
        for index, (contestant, points, response_ms) in enumerate(checked):
            board = self._competitions.get(competition, {}) if competition else None
            if board is not None and _delta(board.get(contestant, 0), points, response_ms) is None:
                rejected.append((index, contestant, "out_of_range"))  # asked first: neither
                continue
            result = self._add(round_key, contestant, points, response_ms)
            if isinstance(result, str):
                rejected.append((index, contestant, result))
                continue
            totals.append(decode_score(result.score))
            if competition is not None:
                self._add_in_competition(competition, None, contestant, points, response_ms)
        if rejected:
            raise AnswersRejectedError(rejected)
        return totals

    def add_to_competition(
        self,
        competition_id: int | str,
        round_id: int | str,
        answers: Iterable[tuple[int, str, int, int]],
    ) -> None:
        competition = _checked_id(competition_id)
        for index, contestant, points, ms in answers:
            name = (_checked_id(round_id), f"{index}:{contestant}")
            self._add_in_competition(competition, name, contestant, points, ms)

    def void_in_competition(
        self, competition_id: int | str, round_id: int | str, index: int, contestants: list[str]
    ) -> None:
        """lua/competition_void.lua: each applied answer taken back once; one not added
        yet is recorded voided, so it never will be."""
        competition = _checked_id(competition_id)
        applied = self._applied.setdefault((competition, _checked_id(round_id)), {})
        for contestant in contestants:
            recorded = applied.get(f"{index}:{contestant}")
            if isinstance(recorded, int):
                self.shift_competition(competition, contestant, -recorded)
            applied[f"{index}:{contestant}"] = "voided"

    def _add_in_competition(
        self,
        competition: str,
        name: tuple[str, str] | None,
        contestant: str,
        points: int,
        ms: int,
    ) -> int | str:
        """lua/competition_add.lua for one answer, named (round, answer) or not."""
        applied = None if name is None else self._applied.setdefault((competition, name[0]), {})
        if applied is not None and name is not None and name[1] in applied:
            return "duplicate"
        board = self._competitions.setdefault(competition, {})
        delta = _delta(board.get(contestant, 0), points, ms)
        if applied is not None and name is not None:
            applied[name[1]] = "refused" if delta is None else delta
        if delta is None:
            return "out_of_range"
        board[contestant] = board.get(contestant, 0) + delta
        return board[contestant]

    def _add(self, round_key: str, contestant: str, points: int, ms: int) -> Applied | str:
        """lua/boards.lua's add_to_boards: what the answer did, or why it is refused
        (then nothing is written)."""
        profile = self._profiles.get(round_key, {}).get(contestant)
        if profile is None:
            return "unknown_contestant"
        score = self._board(round_key, "live", ALL)[contestant]
        delta = _delta(score, points, ms)
        if delta is None:
            return "out_of_range"
        public = self._states.get(round_key) == "p"
        self._shift(round_key, contestant, delta, ["live", "public"] if public else ["live"])
        return Applied(score + delta, delta, public)

    def _shift(self, round_key: str, contestant: str, delta: int, views: list[str]) -> None:
        profile = self._profiles.get(round_key, {}).get(contestant)
        if profile is None:
            return
        for view in views:
            for scope in scopes_of(profile):
                target = self._board(round_key, view, scope)
                target[contestant] = target.get(contestant, 0) + delta

    # What the live store's answer, void and publish scripts do to boards (not port
    # methods: RedisLiveStore reaches the board keys the same way, by answer_keys).

    def answer(self, round_id: int | str, contestant: str, points: int, ms: int) -> Applied | str:
        return self._add(_checked_id(round_id), contestant, points, ms)

    def withdraw(self, round_id: int | str, contestant: str) -> None:
        """lua/leave.lua: off every board of the round, its profile gone."""
        round_key = _checked_id(round_id)
        self._profiles.get(round_key, {}).pop(contestant, None)
        for (board_round, _, _), board in self._boards.items():
            if board_round == round_key:
                board.pop(contestant, None)

    def set_aside(self, round_id: int | str, contestant: str) -> dict[str, int] | None:
        """lua/ban.lua: off every board of the round, each score returned by
        "<view>:<scope>"; None for a contestant not on the boards."""
        round_key = _checked_id(round_id)
        profile = self._profiles.get(round_key, {}).get(contestant)
        if profile is None:
            return None
        scores = {}
        for view in ("live", "public"):
            for scope in scopes_of(profile):
                board = self._boards.get((round_key, view, str(scope)), {})
                if contestant in board:
                    scores[f"{view}:{scope}"] = board.pop(contestant)
        return scores

    def put_back(self, round_id: int | str, contestant: str, scores: Mapping[str, int]) -> None:
        """lua/ban.lua's lift: the scores set aside back on their boards, but for the
        public ones of a thawed round (it has none any more)."""
        round_key = _checked_id(round_id)
        thawed = self._states.get(round_key) == "t"
        for name, score in scores.items():
            view, scope = name.split(":", 1)
            if not (thawed and view == "public"):
                self._boards.setdefault((round_key, view, scope), {})[contestant] = score

    def board_scopes(self, round_id: int | str, contestant: str) -> list[str]:
        """The scopes of the boards a contestant is on (none if not registered)."""
        profile = self._profiles.get(_checked_id(round_id), {}).get(contestant)
        return [] if profile is None else [str(scope) for scope in scopes_of(profile)]

    def state_of(self, round_id: int | str) -> str:
        return self._states.get(_checked_id(round_id), "")

    def shift(self, round_id: int | str, contestant: str, delta: int, views: list[str]) -> None:
        self._shift(_checked_id(round_id), contestant, delta, views)

    def shift_competition(self, competition_id: int | str, contestant: str, delta: int) -> None:
        board = self._competitions.setdefault(_checked_id(competition_id), {})
        board[contestant] = board.get(contestant, 0) + delta

    def _board(self, round_key: str, view: str, scope: Scope) -> Board:
        return self._boards.setdefault((round_key, view, str(scope)), {})

    # --- reads -------------------------------------------------------------------------

    def top(
        self,
        round_id: int | str,
        scope: str | Scope = ALL,
        offset: int = 0,
        limit: int = 10,
        *,
        view: str = "public",
    ) -> list[BoardEntry]:
        board = self._read(round_id, parse_scope(scope), view)
        return _top(board, self._profiles.get(str(round_id), {}), offset, limit)

    def standing(
        self,
        round_id: int | str,
        contestant: str,
        scope: str | Scope = ALL,
        *,
        around: int = 0,
        view: str = "public",
    ) -> BoardStanding | None:
        board = self._read(round_id, parse_scope(scope), view)
        return _standing(board, self._profiles.get(str(round_id), {}), contestant, around)

    def count(self, round_id: int | str, scope: str | Scope = ALL, *, view: str = "public") -> int:
        return len(self._read(round_id, parse_scope(scope), view))

    def competition_top(
        self, competition_id: int | str, offset: int = 0, limit: int = 10
    ) -> list[BoardEntry]:
        competition = _checked_id(competition_id)
        board = self._competitions.get(competition, {})
        return _top(board, self._competition_profiles.get(competition, {}), offset, limit)

    def competition_standing(
        self, competition_id: int | str, contestant: str, *, around: int = 0
    ) -> BoardStanding | None:
        competition = _checked_id(competition_id)
        board = self._competitions.get(competition, {})
        profiles = self._competition_profiles.get(competition, {})
        return _standing(board, profiles, contestant, around)

    def competition_count(self, competition_id: int | str) -> int:
        return len(self._competitions.get(_checked_id(competition_id), {}))

    def live_score(self, round_id: int | str, contestant: str) -> float | None:
        """Not a port method: the contestant's composite score on the round's live "all"
        board, as the live store reads it (Redis gives a float)."""
        score = self._boards.get((_checked_id(round_id), "live", "all"), {}).get(contestant)
        return None if score is None else float(score)

    def _read(self, round_id: int | str, scope: Scope, view: str) -> Board:
        if view not in ("public", "live"):
            raise LeaderboardError(f"a view is 'public' or 'live', got {view!r}")
        round_key = _checked_id(round_id)
        held = view == "public" and self._states.get(round_key) in ("f", "c")
        return self._boards.get((round_key, "public" if held else "live", str(scope)), {})

    # --- freeze ------------------------------------------------------------------------

    def plan_freeze(self, round_id: int | str) -> None:
        self._states.setdefault(_checked_id(round_id), "p")

    def hold(self, round_id: int | str) -> None:
        round_key = _checked_id(round_id)
        if self._states.get(round_key, "p") == "p":
            self._states[round_key] = "c"

    def freeze(self, round_id: int | str, at_ms: int | None = None) -> None:
        round_key = _checked_id(round_id)
        if self._states.get(round_key) not in ("p", "c", "f"):
            raise FreezeError(f"round {round_id} has no planned freeze, or has thawed")
        self._states[round_key] = "f"
        self._frozen_at.setdefault(round_key, at_ms)

    def thaw(self, round_id: int | str) -> None:
        round_key = _checked_id(round_id)
        self._states[round_key] = "t"
        self._frozen_at.pop(round_key, None)
        for key in [k for k in self._boards if k[:2] == (round_key, "public")]:
            del self._boards[key]

    def frozen(self, round_id: int | str) -> tuple[bool, int | None]:
        round_key = _checked_id(round_id)
        return round_key in self._frozen_at, self._frozen_at.get(round_key)

    # --- snapshots ---------------------------------------------------------------------

    def snapshot(
        self, round_id: int | str, *, now_ms: int, scope: str | Scope = ALL, top_n: int = 10
    ) -> dict[str, Any]:
        scope = parse_scope(scope)
        key = f"{_checked_id(round_id)}:{scope}:{top_n}"
        cached = self._snapshots.get(key)
        fresh = cached and 0 <= now_ms - cached["built_at"] < SNAPSHOT_EVERY_MS
        claim = f"{key}:built:{now_ms // SNAPSHOT_EVERY_MS}"
        if cached and (fresh or claim in self._claims):
            return cached
        self._claims.add(claim)
        frozen, frozen_at = self.frozen(round_id)
        content = {
            "round": str(round_id),
            "scope": str(scope),
            "top": [asdict(e) for e in self.top(round_id, scope, 0, top_n)],
            "count": self.count(round_id, scope),
            "frozen": frozen,
            "frozen_at": frozen_at,
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        etag = hashlib.sha256(text.encode()).hexdigest()[:32]
        version = 1 if not cached else cached["version"] + (cached["etag"] != etag)
        built = {**content, "etag": etag, "version": version, "built_at": now_ms}
        self._snapshots[key] = built
        return built

    # --- rebuild -----------------------------------------------------------------------

    def rebuild(
        self,
        round_id: int | str,
        answers: Iterable[tuple[str, int, int]],
        profiles: Mapping[str, Profile],
    ) -> None:
        round_key = _checked_id(round_id)
        for key in [k for k in self._boards if k[0] == round_key]:
            del self._boards[key]
        self._profiles.pop(round_key, None)
        self._states.pop(round_key, None)
        self._frozen_at.pop(round_key, None)
        self.register_many(round_id, profiles)
        self.add_many(round_id, answers)


# --- helpers -----------------------------------------------------------------------------


def _delta(score: int, points: int, response_ms: int) -> int | None:
    """What the answer adds to a board where the contestant has ``score``; None when the
    points would leave their range."""
    points_before, ms_before = decode_score(score)
    try:
        return score_delta(
            points, response_ms, points_before=points_before, total_ms_before=ms_before
        )
    except ScoreOutOfRangeError:
        return None


def _order(board: Board) -> list[tuple[int, str]]:
    """Best first, ties by contestant bytes descending (ZREVRANGE's order)."""
    return sorted(((s, c) for c, s in board.items()), key=lambda r: (r[0], r[1].encode()))[::-1]


def _entries(
    board: Board, rows: list[tuple[int, str]], profiles: Mapping[str, Profile]
) -> list[BoardEntry]:
    scores = sorted(board.values(), reverse=True)
    return [
        entry(c, s, 1 + sum(1 for other in scores if other > s), profiles.get(c)) for s, c in rows
    ]


def _top(
    board: Board, profiles: Mapping[str, Profile], offset: int, limit: int
) -> list[BoardEntry]:
    if offset < 0 or not 1 <= limit <= PAGE_LIMIT:
        raise LeaderboardError(f"offset >= 0 and 1 <= limit <= {PAGE_LIMIT}")
    return _entries(board, _order(board)[offset : offset + limit], profiles)


def _standing(
    board: Board, profiles: Mapping[str, Profile], contestant: str, around: int
) -> BoardStanding | None:
    if not 0 <= around <= AROUND_LIMIT:
        raise LeaderboardError(f"around is within 0..{AROUND_LIMIT}")
    if contestant not in board:
        return None
    rows = _order(board)
    here = rows.index((board[contestant], contestant))
    score = board[contestant]
    me = entry(contestant, score, 1 + sum(1 for s in board.values() if s > score), None)
    behind = sum(1 for s in board.values() if s < score)
    return BoardStanding(
        contestant,
        me.rank,
        me.points,
        me.total_ms,
        percentile(behind, len(board)),
        len(board),
        above=tuple(_entries(board, rows[max(0, here - around) : here], profiles)),
        below=tuple(_entries(board, rows[here + 1 : here + 1 + around], profiles)),
    )


def _checked_id(value: int | str) -> str:
    text = str(value)
    if not _ID.fullmatch(text):
        raise LeaderboardError(f"an id is 1-64 of A-Z a-z 0-9 _ -, got {value!r}")
    return text


def _checked_contestant(contestant: str) -> str:
    if not isinstance(contestant, str) or not 0 < len(contestant) <= 128:
        raise LeaderboardError(f"a contestant id is a string of 1-128 characters: {contestant!r}")
    return contestant


def _checked_answer(answer: tuple[str, int, int]) -> tuple[str, int, int]:
    contestant, points, response_ms = answer
    _checked_contestant(contestant)
    for name, value in (("points", points), ("response_ms", response_ms)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScoreOutOfRangeError(f"{name} must be an int, got {value!r}")
    if not -POINTS_LIMIT < points < POINTS_LIMIT or not 0 <= response_ms < 2**40:
        raise ScoreOutOfRangeError(f"answer out of range: {answer!r}")
    return answer
