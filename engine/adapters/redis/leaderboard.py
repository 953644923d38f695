"""Leaderboards in Redis sorted sets: every scope of a round, and its competition's sum.

Keys (docs/redis-keys.md; ``{..}`` is a Redis Cluster hash tag: shard 0 of round ``id``
has the round's own, ``{r:<id>}``, and shard ``s`` > 0 ``{r:<id>:<s>}``)::

    {prefix}:{r:<id>[:<s>]}:board:live:<scope>     every answer
    {prefix}:{r:<id>[:<s>]}:board:public:<scope>   what contestants and spectators see
    {prefix}:{r:<id>[:<s>]}:board:profiles         contestant -> profile (records.PROFILE)
    {prefix}:{r:<id>[:<s>]}:board:state            absent | "c" held | "p" planned
                                                   | "f" frozen | "t" thawed
    {prefix}:{r:<id>[:<s>]}:board:scopes           scope names in use, to delete them all
    {prefix}:{c:<id>[:<s>]}:competition:board      the sum over the competition's rounds
    {prefix}:{c:<id>[:<s>]}:competition:profiles
    {prefix}:{c:<id>[:<s>]}:competition:applied:<round>   answer -> the delta it added
    {prefix}:{r:<id>}:meta | :snapshot:...         per round, not sharded

A contestant's shard is ``crc32(id) % shards``, computed here and never in Lua. Every Lua
call touches the keys of one round shard; the scripts build the names of the region and
team boards from the stored profile, which Cluster allows within one slot although the
keys are not declared. Each shard has a slot of its own, so M shards can live on M
masters; a competition's board has its own slots, so a round's boards and its
competition's are written by two calls: the round's, then the competition's
(``add_to_competition``), which counts each named answer once however often it comes.

Freeze costs memory and writes, not a copy, and only in rounds that plan one: after
:meth:`RedisLeaderboard.plan_freeze` (before the first answer) each answer is added to
both the live and the public boards (twice the sorted-set memory and ZINCRBYs of the
round's scopes); :meth:`~RedisLeaderboard.freeze` then stops adding to public, so the
public boards keep the board as it stood. Thawing flips public reads back to the live
boards (state "t") and UNLINKs the public ones, which Redis frees in a background
thread. Rounds without a planned freeze write live boards only and cannot freeze.
Competition boards are live only.

Holding is how the public boards move only when a live question closes (DESIGN, Trust
rules), at no cost to an answer: after :meth:`RedisLeaderboard.hold` (as the round is
opened) answers go to the live boards only, as in a round without a freeze, and public
reads read the public boards, to which the live store publishes each closed question's
answers from its record of what each answer added (``RedisLiveStore.publish_question``,
a few ZINCRBYs per answer once per question, batched, off the answer path). A held
round freezes by no longer publishing; a round that never publishes (a self-paced round
that reveals after its window) shows every contestant at 0 until it thaws.

Reads: with one shard, ``top`` and ``standing`` are one Lua call each. With M shards,
``top`` fetches ``offset + limit`` rows from every shard and merges them (one round trip,
then one for the page's profiles); ``standing`` locates the contestant on their shard,
then the same score on the others (two round trips); ranks come from
:mod:`engine.domain.standings`.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import redis

from engine.adapters.redis.batch import Batch
from engine.adapters.redis.keys import round_tag, shard_tag
from engine.adapters.redis.records import lua_script, pack_profile, unpack_profile
from engine.domain.ranking import POINTS_LIMIT, TIME_LIMIT_MS, ScoreOutOfRangeError, decode_score
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
    Window,
    board_order,
    check_profile,
    count_above,
    entry,
    merge_tops,
    parse_scope,
    percentile,
    rank_rows,
)

BATCH = 500  # answers per Lua call: ~5 ms of Redis time, so other clients are not held up
PIPELINE_CALLS = 16
#: How long a competition keeps what each of a round's answers added after the round's
#: last one: the drain's replay and a skip need it (docs/redis-keys.md).
APPLIED_TTL_MS = 7 * 24 * 3_600_000
_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_REASONS = {
    "unknown_contestant": UnknownContestantError,
    "out_of_range": ScoreOutOfRangeError,
    "profile_conflict": InvalidProfileError,
}

Answer = tuple[str, int, int]  # contestant, points (negative for a penalty), response_ms


class RedisLeaderboard:
    def __init__(self, client: redis.Redis, prefix: str, *, shards: int = 1) -> None:
        if shards < 1:
            raise ValueError("a board has at least one shard")
        self._redis = client
        self._prefix = prefix
        self._shards = shards
        # boards.lua: the board names and arithmetic the writing scripts share
        self._register = client.register_script(
            lua_script("boards.lua", "leaderboard_register.lua")
        )
        self._add = client.register_script(lua_script("boards.lua", "leaderboard_add.lua"))
        self._competition_add = client.register_script(
            lua_script("boards.lua", "competition_add.lua")
        )
        self._competition_void = client.register_script(lua_script("competition_void.lua"))
        self._page = client.register_script(lua_script("leaderboard_page.lua"))
        self._locate = client.register_script(lua_script("leaderboard_locate.lua"))

    # --- keys --------------------------------------------------------------------------

    def shard_of(self, contestant: str) -> int:
        return zlib.crc32(contestant.encode()) % self._shards

    def _round(self, round_id: int | str, shard: int) -> str:
        return f"{self._prefix}:{shard_tag('r', _checked_id(round_id), shard)}:board"

    def _competition(self, competition_id: int | str, shard: int) -> str:
        return f"{self._prefix}:{shard_tag('c', _checked_id(competition_id), shard)}:competition"

    def _per_round(self, round_id: int | str, name: str) -> str:
        return f"{self._prefix}:{round_tag(_checked_id(round_id))}:{name}"

    def _board_keys(self, round_id: int | str, scope: Scope, shard: int) -> list[str]:
        """state, public board, live board, profiles: what the read scripts take."""
        base = self._round(round_id, shard)
        return [
            f"{base}:state",
            f"{base}:public:{scope}",
            f"{base}:live:{scope}",
            f"{base}:profiles",
        ]

    def _competition_keys(self, competition_id: int | str, shard: int) -> list[str]:
        base = self._competition(competition_id, shard)
        # No state key is ever set for a competition, so both views read the one board.
        return [f"{base}:state", f"{base}:board", f"{base}:board", f"{base}:profiles"]

    def score_key(self, round_id: int | str, contestant: str) -> str:
        """The board a contestant's round score is read from: their shard's live "all"."""
        return f"{self._round(round_id, self.shard_of(contestant))}:live:all"

    def answer_keys(self, round_id: int | str, contestant: str) -> tuple[str, list[str]]:
        """The shard base and keys an answer script passes to ``add_to_boards``
        (lua/boards.lua): profiles, state."""
        base = self._round(round_id, self.shard_of(contestant))
        return base, [f"{base}:profiles", f"{base}:state"]

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
        """Put a contestant on the round's boards at 0 points; region and team are final."""
        profile = Profile(nickname, region, team)
        self.register_many(
            round_id, {contestant: profile}, competition_id=competition_id, regions=regions
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
        packed = {
            _checked_contestant(c): pack_profile(check_profile(p, allowed))
            for c, p in profiles.items()
        }
        rejected = self._run(self._register, round_id, list(packed.items()), width=2)
        if competition_id is not None:
            refused = {contestant for _, contestant, _ in rejected}
            self._register_in_competition(
                competition_id, {c: p for c, p in packed.items() if c not in refused}
            )
        if rejected:
            _, contestant, reason = rejected[0]
            raise InvalidProfileError(f"{contestant!r} cannot change region or team ({reason})")

    def add(
        self,
        round_id: int | str,
        contestant: str,
        points: int,
        response_ms: int,
        *,
        competition_id: int | str | None = None,
    ) -> tuple[int, int]:
        """Score one answer on every board of the contestant; the new (points, total_ms)."""
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
        answers: Iterable[Answer],
        *,
        competition_id: int | str | None = None,
    ) -> list[tuple[int, int]]:
        """Score answers in order, batched per shard and pipelined.

        Each answer reaches the round's boards and the competition's, or neither; one
        that is refused writes nothing and the others stand, and then
        :class:`AnswersRejectedError` lists the refused ones. The competition's board (a
        slot of its own) is asked first, as when one script wrote both, then the round's
        are written, then the competition's: a round board refusing an addition past
        2^53 could not take it back to the millisecond.
        """
        checked = [_checked_answer(a) for a in answers]
        rejected: list[tuple[int, str, str]] = []
        if competition_id is not None:
            asked = self._add_in_competition(
                competition_id, None, [("", *a) for a in checked], check=True
            )
            rejected = [
                (i, checked[i][0], r.decode()) for i, r in enumerate(asked) if isinstance(r, bytes)
            ]
        refused = {i for i, _, _ in rejected}
        kept = [i for i in range(len(checked)) if i not in refused]
        totals: list[tuple[int, int] | None] = [None] * len(kept)
        rejected += [
            (kept[j], contestant, reason)
            for j, contestant, reason in self._run(
                self._add,
                round_id,
                # and add_to_boards's plain delta, formatted here rather than in Redis
                [
                    (c, str(p), str(ms), str(p * (TIME_LIMIT_MS + 1) - ms))
                    for c, p, ms in (checked[i] for i in kept)
                ],
                width=4,
                into=totals,
            )
        ]
        if competition_id is not None:
            taken = [i for i, total in zip(kept, totals, strict=True) if total is not None]
            self._add_in_competition(competition_id, None, [("", *checked[i]) for i in taken])
        if rejected:
            raise AnswersRejectedError(sorted(rejected))
        return [t for t in totals if t is not None]

    def add_to_competition(
        self,
        competition_id: int | str,
        round_id: int | str,
        answers: Iterable[tuple[int, str, int, int]],
    ) -> None:
        """Add a round's answers (question index, contestant, points, response_ms), which
        its boards accepted, to the competition's board: each (round, question,
        contestant) once however often it comes, so a retry or a replay never counts
        twice; one the competition's board refuses (out of range) is left off it."""
        self._add_in_competition(
            competition_id,
            round_id,
            [(f"{index}:{contestant}", contestant, p, ms) for index, contestant, p, ms in answers],
        )

    def void_in_competition(
        self, competition_id: int | str, round_id: int | str, index: int, contestants: list[str]
    ) -> int:
        """Take a skipped question's answers back off the competition's board (each once;
        one not added yet never will be); how many were taken back now."""
        items = [(f"{index}:{c}", c) for c in contestants]
        batch = Batch(self._redis)
        for keys, positions in self._competition_calls(competition_id, round_id, items):
            args = [part for p in positions for part in (items[p][1], items[p][0])]
            batch.script(self._competition_void, keys, [APPLIED_TTL_MS, *args])
        return sum(batch.execute())

    def _add_in_competition(
        self,
        competition_id: int | str,
        round_id: int | str | None,
        answers: list[tuple[str, str, int, int]],
        *,
        check: bool = False,
    ) -> list[Any]:
        """competition_add.lua over (name, contestant, points, response_ms), named per
        round unless ``round_id`` is None; its reply per answer, in order. ``check``:
        whether the board would take each, nothing written."""
        replies: list[Any] = [None] * len(answers)
        calls = self._competition_calls(competition_id, round_id, answers)
        batch = Batch(self._redis)
        for keys, positions in calls:
            args = [
                str(part)
                for p in positions
                for part in (*answers[p][1:], answers[p][0])  # contestant, points, ms, name
            ]
            ttl = "check" if check else APPLIED_TTL_MS
            batch.script(self._competition_add, keys, [ttl, *args])
        for (_, positions), results in zip(calls, batch.execute(), strict=True):
            for position, result in zip(positions, results, strict=True):
                replies[position] = result
        return replies

    def _competition_calls(
        self,
        competition_id: int | str,
        round_id: int | str | None,
        items: Sequence[tuple[Any, ...]],
    ) -> list[tuple[list[str], list[int]]]:
        """The positions of ``items`` (name, contestant, ...) grouped per competition
        shard, BATCH a call, with each call's keys: the shard's board and, for a round,
        its applied answers there."""
        by_shard: dict[int, list[int]] = {}
        for position, item in enumerate(items):
            by_shard.setdefault(self.shard_of(item[1]), []).append(position)
        calls = []
        for shard, positions in by_shard.items():
            base = self._competition(competition_id, shard)
            keys = [f"{base}:board"]
            if round_id is not None:
                keys.append(f"{base}:applied:{_checked_id(round_id)}")
            calls += [(keys, positions[i : i + BATCH]) for i in range(0, len(positions), BATCH)]
        return calls

    def _register_in_competition(
        self, competition_id: int | str, packed: Mapping[str, str]
    ) -> None:
        """On the competition's board at 0 with their profile (idempotent, its own slot)."""
        batch = Batch(self._redis)
        for contestant, profile in packed.items():
            base = self._competition(competition_id, self.shard_of(contestant))
            batch.zadd(f"{base}:board", {contestant: 0}, nx=True)
            batch.hset(f"{base}:profiles", contestant, profile)
        batch.execute()

    def _run(
        self,
        script: Any,
        round_id: int | str,
        items: list[tuple[str, ...]],
        *,
        width: int,
        into: list[tuple[int, int] | None] | None = None,
    ) -> list[tuple[int, str, str]]:
        """Run a batch script over items grouped by shard; the refused (index, id, reason)."""
        by_shard: dict[int, list[int]] = {}
        for index, item in enumerate(items):
            by_shard.setdefault(self.shard_of(item[0]), []).append(index)
        calls = [
            (shard, indexes[start : start + BATCH])
            for shard, indexes in by_shard.items()
            for start in range(0, len(indexes), BATCH)
        ]
        rejected: list[tuple[int, str, str]] = []
        for first in range(0, len(calls), PIPELINE_CALLS):
            pipe = Batch(self._redis)
            group = calls[first : first + PIPELINE_CALLS]
            for shard, indexes in group:
                base = self._round(round_id, shard)
                keys = [f"{base}:profiles", f"{base}:state"]
                if width == 2:
                    keys.append(f"{base}:scopes")
                args = [base] + [part for i in indexes for part in items[i]]
                pipe.script(script, keys, args)
            for (_, indexes), results in zip(group, pipe.execute(), strict=True):
                for index, result in zip(indexes, results, strict=True):
                    if isinstance(result, bytes):
                        rejected.append((index, items[index][0], result.decode()))
                    elif into is not None:
                        into[index] = decode_score(result)
        return sorted(rejected)

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
        scope = parse_scope(scope)
        return self._top(
            [self._board_keys(round_id, scope, s) for s in self._all()], offset, limit, view
        )

    def standing(
        self,
        round_id: int | str,
        contestant: str,
        scope: str | Scope = ALL,
        *,
        around: int = 0,
        view: str = "public",
    ) -> BoardStanding | None:
        """Rank, score, percentile, count and neighbours; None when not on that board."""
        scope = parse_scope(scope)
        keys = [self._board_keys(round_id, scope, s) for s in self._all()]
        return self._standing(keys, contestant, around, view)

    def count(self, round_id: int | str, scope: str | Scope = ALL, *, view: str = "public") -> int:
        scope = parse_scope(scope)
        return self._count([self._board_keys(round_id, scope, s) for s in self._all()], view)

    def competition_top(
        self, competition_id: int | str, offset: int = 0, limit: int = 10
    ) -> list[BoardEntry]:
        keys = [self._competition_keys(competition_id, s) for s in self._all()]
        return self._top(keys, offset, limit, "live")

    def competition_standing(
        self, competition_id: int | str, contestant: str, *, around: int = 0
    ) -> BoardStanding | None:
        keys = [self._competition_keys(competition_id, s) for s in self._all()]
        return self._standing(keys, contestant, around, "live")

    def competition_count(self, competition_id: int | str) -> int:
        return self._count([self._competition_keys(competition_id, s) for s in self._all()], "live")

    def _all(self) -> range:
        return range(self._shards)

    def _top(self, keys: list[list[str]], offset: int, limit: int, view: str) -> list[BoardEntry]:
        _check_view(view)
        if offset < 0 or not 1 <= limit <= PAGE_LIMIT:
            raise LeaderboardError(f"offset >= 0 and 1 <= limit <= {PAGE_LIMIT}")
        if len(keys) == 1:
            _, first_above, rows, found = self._page(
                keys=keys[0], args=[view, offset, offset + limit - 1, 1]
            )
            page = Window(offset, first_above, _rows(rows))
            return rank_rows(page, _profiles(page.rows, found))
        pipe = Batch(self._redis)
        for shard_keys in keys:
            pipe.script(self._page, shard_keys, [view, 0, offset + limit - 1, 0])
        merged = merge_tops([_rows(rows) for _, _, rows, _ in pipe.execute()])
        # The merged tops are the whole board's first offset + limit rows, so ranks follow.
        profiles = self._profiles_of(keys, [c for _, c in merged[offset : offset + limit]])
        return rank_rows(Window(0, 0, tuple(merged[: offset + limit])), profiles)[offset:]

    def _profiles_of(
        self, keys: list[list[str]], contestants: list[str]
    ) -> dict[str, Profile | None]:
        by_shard: dict[int, list[str]] = {}
        for contestant in contestants:
            by_shard.setdefault(self.shard_of(contestant), []).append(contestant)
        pipe = Batch(self._redis)
        for shard, members in by_shard.items():
            pipe.hmget(keys[shard][3], members)
        profiles: dict[str, Profile | None] = {}
        for members, found in zip(by_shard.values(), pipe.execute(), strict=True):
            profiles.update(_profiles([(0, m) for m in members], found))
        return profiles

    def _standing(
        self, keys: list[list[str]], contestant: str, around: int, view: str
    ) -> BoardStanding | None:
        _check_view(view)
        if not 0 <= around <= AROUND_LIMIT:
            raise LeaderboardError(f"around is within 0..{AROUND_LIMIT}")
        own = self.shard_of(contestant) if len(keys) > 1 else 0
        located = self._locate(keys=keys[own], args=[view, contestant, "", around])
        if located is None:
            return None
        replies = {own: located}
        score = located[0]
        others = [s for s in range(len(keys)) if s != own]
        if others:
            pipe = Batch(self._redis)
            for shard in others:
                pipe.script(self._locate, keys[shard], [view, contestant, score, around])
            replies.update(zip(others, pipe.execute(), strict=True))
        windows = []
        profiles: dict[str, Profile | None] = {}
        for reply in replies.values():
            window = Window(reply[5], reply[6], _rows(reply[7]))
            windows.append(window)
            profiles.update(_profiles(window.rows, reply[8]))
        merged = board_order(row for window in windows for row in window.rows)
        here = next(i for i, (_, c) in enumerate(merged) if c == contestant)

        def ranked(rows: list[tuple[int, str]]) -> tuple[BoardEntry, ...]:
            return tuple(
                entry(c, s, 1 + sum(count_above(w, s) for w in windows), profiles.get(c))
                for s, c in rows
            )

        count = sum(reply[4] for reply in replies.values())
        me = entry(contestant, int(float(score)), 1 + sum(r[2] for r in replies.values()), None)
        return BoardStanding(
            contestant,
            me.rank,
            me.points,
            me.total_ms,
            percentile(sum(r[3] for r in replies.values()), count),
            count,
            above=ranked(merged[max(0, here - around) : here]),
            below=ranked(merged[here + 1 : here + 1 + around]),
        )

    def _count(self, keys: list[list[str]], view: str) -> int:
        _check_view(view)
        pipe = Batch(self._redis)
        for shard_keys in keys:
            pipe.script(self._page, shard_keys, [view, 0, -1, 0])
        return sum(card for card, *_ in pipe.execute())

    # --- freeze ------------------------------------------------------------------------

    def plan_freeze(self, round_id: int | str) -> None:
        """Keep public boards beside the live ones, so the round can freeze later.

        Call before the round's first registration: contestants already on the boards
        are missing from the public ones.
        """
        pipe = Batch(self._redis)
        for shard in self._all():
            pipe.set(f"{self._round(round_id, shard)}:state", "p", nx=True)
        pipe.execute()

    def hold(self, round_id: int | str) -> None:
        """Keep the public boards apart from the live ones, to move only when published.

        Call before the round's first registration, or on boards a planned freeze built
        (both views equal, as after a rebuild); a frozen or thawed round stays so.
        """
        keys = [f"{self._round(round_id, s)}:state" for s in self._all()]
        pipe = Batch(self._redis)
        for key, state in zip(keys, self._states(round_id), strict=True):
            if state in (None, b"p"):
                pipe.set(key, "c")
        pipe.execute()

    def _states(self, round_id: int | str) -> list[bytes | None]:
        """Each shard's freeze state (one slot per shard: no MGET across them)."""
        pipe = Batch(self._redis)
        for shard in self._all():
            pipe.get(f"{self._round(round_id, shard)}:state")
        return pipe.execute()

    def freeze(self, round_id: int | str, at_ms: int | None = None) -> None:
        """From now on public reads show the boards as they stand; answers still count."""
        states = self._states(round_id)
        if not set(states) <= {b"p", b"c", b"f"}:
            raise FreezeError(f"round {round_id} has no planned freeze, or has thawed")
        pipe = Batch(self._redis)
        for shard in self._all():
            pipe.set(f"{self._round(round_id, shard)}:state", "f")
        pipe.hsetnx(
            self._per_round(round_id, "meta"), "frozen_at", "" if at_ms is None else str(at_ms)
        )
        pipe.execute()

    def thaw(self, round_id: int | str) -> None:
        """Public reads show the live boards again (for good); the public copies go."""
        pipe = Batch(self._redis)
        for shard in self._all():
            base = self._round(round_id, shard)
            pipe.set(f"{base}:state", "t")
            pipe.smembers(f"{base}:scopes")
        pipe.hdel(self._per_round(round_id, "meta"), "frozen_at")
        replies = pipe.execute()
        pipe = Batch(self._redis)
        for shard in self._all():
            base = self._round(round_id, shard)
            names = replies[2 * shard + 1]
            if names:
                pipe.unlink(*[f"{base}:public:{n.decode()}" for n in names])
        pipe.execute()

    def frozen(self, round_id: int | str) -> tuple[bool, int | None]:
        """Whether public reads are frozen, and the moment given to :meth:`freeze`."""
        at = self._redis.hget(self._per_round(round_id, "meta"), "frozen_at")
        return (at is not None, int(at) if at else None)

    # --- snapshots ---------------------------------------------------------------------

    def snapshot(
        self, round_id: int | str, *, now_ms: int, scope: str | Scope = ALL, top_n: int = 10
    ) -> dict[str, Any]:
        """The public top ``top_n`` and count, rebuilt at most every 500 ms per round.

        ``etag`` hashes the content; ``version`` grows when the content changes.
        """
        scope = parse_scope(scope)
        key = self._per_round(round_id, f"snapshot:{scope}:{top_n}")
        raw = self._redis.get(key)
        cached = json.loads(raw) if raw else None
        fresh = cached and 0 <= now_ms - cached["built_at"] < SNAPSHOT_EVERY_MS
        # One builder per 500 ms of the callers' clock, across processes; the others
        # serve the cache meanwhile. The claim expires by itself (Redis time).
        claim = f"{key}:built:{now_ms // SNAPSHOT_EVERY_MS}"
        if cached and (fresh or not self._redis.set(claim, 1, nx=True, px=2 * SNAPSHOT_EVERY_MS)):
            return cached
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
        self._redis.set(key, json.dumps(built, ensure_ascii=False), px=3_600_000)
        return built

    # --- rebuild -----------------------------------------------------------------------

    def rebuild(
        self,
        round_id: int | str,
        answers: Iterable[Answer],
        profiles: Mapping[str, Profile],
    ) -> None:
        """Recompute every board of a round from its answer record, in record order.

        The old boards go first (also a freeze: the rebuilt round is unfrozen). The
        competition board is not touched: it sums rounds and cannot drop one exactly.
        """
        for shard in self._all():
            base = self._round(round_id, shard)
            names = [n.decode() for n in self._redis.smembers(f"{base}:scopes")]
            doomed = [f"{base}:{v}:{n}" for n in names for v in ("live", "public")]
            self._redis.unlink(f"{base}:profiles", f"{base}:state", f"{base}:scopes", *doomed)
        self._redis.unlink(self._per_round(round_id, "meta"))
        self.register_many(round_id, profiles)
        self.add_many(round_id, answers)


# --- helpers -----------------------------------------------------------------------------


def _checked_id(value: int | str) -> str:
    text = str(value)
    if not _ID.fullmatch(text):
        raise LeaderboardError(f"an id is 1-64 of A-Z a-z 0-9 _ -, got {value!r}")
    return text


def _checked_contestant(contestant: str) -> str:
    if not isinstance(contestant, str) or not 0 < len(contestant) <= 128:
        raise LeaderboardError(f"a contestant id is a string of 1-128 characters: {contestant!r}")
    return contestant


def _checked_answer(answer: Answer) -> Answer:
    contestant, points, response_ms = answer
    _checked_contestant(contestant)
    for name, value in (("points", points), ("response_ms", response_ms)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScoreOutOfRangeError(f"{name} must be an int, got {value!r}")
    if not -POINTS_LIMIT < points < POINTS_LIMIT or not 0 <= response_ms < 2**40:
        raise ScoreOutOfRangeError(f"answer out of range: {answer!r}")
    return answer


def _check_view(view: str) -> None:
    if view not in ("public", "live"):
        raise LeaderboardError(f"a view is 'public' or 'live', got {view!r}")


def _rows(flat: list[bytes]) -> tuple[tuple[int, str], ...]:
    # Through float: a server may print a whole score as "1e+15".
    return tuple((int(float(flat[i + 1])), flat[i].decode()) for i in range(0, len(flat), 2))


def _profiles(
    rows: Iterable[tuple[int, str]], found: list[bytes | None]
) -> dict[str, Profile | None]:
    return {
        c: unpack_profile(raw.decode()) if raw else None
        for (_, c), raw in zip(rows, found, strict=True)
    }
