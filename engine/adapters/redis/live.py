"""Live round state in Redis, so any process can serve a round and a restart loses nothing.

Keys of round ``R`` (besides the leaderboards'), all with the round's hash tag ``{r:R}``
(docs/redis-keys.md)::

    {prefix}:{r:R}:live             hash: json (the LiveRound), status, index, seq,
                                    published (the last question on the public boards);
                                    window (a self-paced round's close, until it finishes)
    {prefix}:{r:R}:contestants      hash: contestant -> profile JSON
    {prefix}:{r:R}:nicknames        hash: entry key -> contestant (nickname keys in
                                    live rounds, identity keys; see services/entrants)
    {prefix}:{r:R}:entry-keys       hash: contestant -> their entry keys ("\x1f"-joined)
    {prefix}:{r:R}:next-contestant  counter
    {prefix}:{r:R}:kicked           set of contestants banned by a host
    {prefix}:{r:R}:banned           hash: entry key of a banned contestant -> contestant
    {prefix}:{r:R}:progress         hash: contestant -> progress (records.PROGRESS)
    {prefix}:{r:R}:q:I:answers      hash: contestant -> first accepted result (JSON)
    {prefix}:{r:R}:q:I:options      hash: option -> how many chose it
    {prefix}:{r:R}:q:I:deltas       hash: contestant -> what their answer added to the
                                    boards (records.DELTA), so a close can publish it
                                    and a skip take exactly that back
    {prefix}:{r:R}:attempts         hash: contestant -> self-paced attempt (JSON)
    {prefix}:{r:R}:log              stream: the round's answer log, drained to SQL
    {prefix}:{r:R}:log-listed       marker: the log is listed for the drain (answer_log.py)

The answer script touches round keys and the shard's board keys together: one slot with
one board shard, whose tag is the round's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import redis

from engine.adapters.redis.answer_log import RoundLogs, compact_json, log_fields, log_value
from engine.adapters.redis.batch import Batch
from engine.adapters.redis.coalescing import Coalescer
from engine.adapters.redis.keys import round_tag
from engine.adapters.redis.leaderboard import BATCH, PIPELINE_CALLS, RedisLeaderboard
from engine.adapters.redis.records import (
    ANSWER,
    DELTA,
    NO_PROGRESS,
    AnswerCall,
    AnswerOutcome,
    answer_outcome,
    lua_script,
    parse_progress,
    progress_text,
)
from engine.domain.log import Answered, Joined, Left, LogEntry
from engine.domain.rounds import LiveRound, live_round_from_dict, live_round_to_dict

_SAVE = """
if redis.call("HGET", KEYS[1], "json") ~= ARGV[1] then return 0 end
if #ARGV > 5 and redis.call("EXISTS", KEYS[3]) == 0 then return "unlisted" end
redis.call("HSET", KEYS[1], "json", ARGV[2], "status", ARGV[3], "index", ARGV[4], "seq", ARGV[5])
if #ARGV > 5 then redis.call("XADD", KEYS[2], "*", unpack(ARGV, 6)) end
return 1
"""

_SAVE_FIELD = """
if redis.call("HGET", KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[3])
return 1
"""


class _Queued(NamedTuple):
    """An answer waiting for its flight: the encoded record, and what the competition's
    call needs if the round's script accepts it."""

    round_id: int
    competition_id: int | None
    question: int  # its index
    contestant: str
    points: int
    response_ms: int
    record: str  # an ANSWER record


@dataclass(frozen=True)
class SelfPacedReading:
    """What a self-paced delivery or answer starts from, read in one round trip."""

    running: bool  # the round's window is still tracked (not finished)
    attempt: str | None  # as RedisLiveStore.attempt
    progress: tuple[int, int]  # as RedisLiveStore.progress
    score: float | None  # read for an answer only
    first: dict[str, Any] | None  # the contestant's accepted answer to the question answered
    banned: bool = False  # a host banned the contestant from the round


class RedisLiveStore:
    def __init__(self, client: redis.Redis, prefix: str, leaderboard: RedisLeaderboard) -> None:
        self._redis = client
        self._prefix = prefix
        self._boards = leaderboard
        self.logs = RoundLogs(client, prefix)
        self._answer = client.register_script(lua_script("boards.lua", "answer.lua"))
        # One script call and one state read per flight of a burst (coalescing.py).
        self._answers = Coalescer(self._send_answers)
        self._loads = Coalescer(self._read_states)
        #: How many joins and answers this process has sent to the answer log: whether
        #: it is busy (the ticker's drain waits for a lull).
        self.appended = 0
        self._void = client.register_script(lua_script("boards.lua", "void.lua"))
        self._publish = client.register_script(lua_script("boards.lua", "publish.lua"))
        self._join = client.register_script(lua_script("join.lua"))
        self._ban = client.register_script(lua_script("boards.lua", "ban.lua"))
        self._leave = client.register_script(lua_script("boards.lua", "leave.lua"))
        self._save = client.register_script(_SAVE)
        self._save_field = client.register_script(_SAVE_FIELD)
        self._move_attempt = client.register_script(lua_script("move_attempt.lua"))

    def _key(self, round_id: int, *parts: object) -> str:
        return ":".join((self._prefix, round_tag(round_id), *map(str, parts)))

    # --- the round's state -------------------------------------------------------------

    def load(self, round_id: int) -> LiveRound | None:
        """The round's state as it is now (read after this call was made)."""
        return self._loads.call(round_id)

    def _read_states(self, round_ids: list[int]) -> list[LiveRound | None]:
        """Each round read and parsed once however many callers asked for it."""
        unique = list(dict.fromkeys(round_ids))
        pipe = self._redis.pipeline(transaction=False)
        for round_id in unique:
            pipe.hget(self._key(round_id, "live"), "json")
        states = {
            round_id: None if raw is None else live_round_from_dict(json.loads(raw))
            for round_id, raw in zip(unique, pipe.execute(), strict=True)
        }
        return [states[round_id] for round_id in round_ids]

    def create(self, round_id: int, state: LiveRound) -> None:
        self._redis.hset(self._key(round_id, "live"), mapping=_live_fields(state))  # type: ignore[arg-type]

    def save(
        self,
        round_id: int,
        read: LiveRound,
        state: LiveRound,
        log: LogEntry | None = None,
    ) -> bool:
        """Store ``state`` if the round is still as it was ``read`` (compare and set),
        appending ``log`` to the answer log in the same step."""
        fields = _live_fields(state)
        keys = [self._key(round_id, "live"), *self.logs.keys(round_id)]
        args = [
            _live_fields(read)["json"],
            fields["json"],
            fields["status"],
            fields["index"],
            fields["seq"],
            *(log_fields(log) if log else ()),
        ]
        return bool(self.logs.appending(round_id, lambda: self._save(keys=keys, args=args)))

    def hold_boards(self, round_id: int) -> None:
        """Public boards that move only when published (see ``publish_question``)."""
        self._boards.hold(round_id)

    # --- which rounds need attention ---------------------------------------------------

    def schedule(self, round_id: int, state: LiveRound, close_at: int | None) -> None:
        """Track running rounds, and when the open question is due to close."""
        pipe = self._redis.pipeline(transaction=False)
        if state.status.value == "finished":
            pipe.zrem(f"{self._prefix}:running-rounds", round_id)
        else:
            pipe.zadd(f"{self._prefix}:running-rounds", {str(round_id): state.seq})
        if close_at is None:
            pipe.zrem(f"{self._prefix}:deadlines", round_id)
        else:
            pipe.zadd(f"{self._prefix}:deadlines", {str(round_id): close_at})
        pipe.execute()

    def schedule_window(self, round_id: int, closes_at: int | None) -> None:
        """Track a self-paced round until its window closes (None: stop tracking): in the
        set the ticker finishes rounds from, and in the round's own live hash, which the
        scripts of its answers and deliveries check in its slot."""
        key, live = f"{self._prefix}:windows", self._key(round_id, "live")
        pipe = self._redis.pipeline(transaction=False)
        if closes_at is None:
            pipe.zrem(key, round_id)
            pipe.hdel(live, "window")
        else:
            pipe.zadd(key, {str(round_id): closes_at})
            pipe.hset(live, "window", closes_at)
        pipe.execute()

    def window_tracked(self, round_id: int) -> bool:
        """Whether a self-paced round is still running (tracked until it finishes)."""
        return bool(self._redis.hexists(self._key(round_id, "live"), "window"))

    def windows_due(self, now: int) -> list[int]:
        """Self-paced rounds whose window has closed but which are not finished yet."""
        return [int(r) for r in self._redis.zrangebyscore(f"{self._prefix}:windows", "-inf", now)]

    def due(self, now: int) -> list[int]:
        """Rounds whose open question's time (with grace) is up."""
        return [int(r) for r in self._redis.zrangebyscore(f"{self._prefix}:deadlines", "-inf", now)]

    def running(self) -> list[int]:
        return [int(r) for r in self._redis.zrange(f"{self._prefix}:running-rounds", 0, -1)]

    def claim(self, name: str, ttl_ms: int) -> bool:
        """True for exactly one caller (across processes) per ``name`` until it expires."""
        return bool(self._redis.set(f"{self._prefix}:claim:{name}", 1, nx=True, px=ttl_ms))

    # --- contestants -------------------------------------------------------------------

    def join(
        self,
        round_id: int,
        unique: Sequence[str],
        profile: Mapping[str, Any],
        log: Joined,
        *,
        also_banned: Sequence[str] = (),
    ) -> tuple[str, str]:
        """A new contestant holding the ``unique`` entry keys, unless one is held already
        or one of those or ``also_banned`` is banned: (contestant, "created") or the
        holder's (contestant, "taken") or the banned one's (contestant, "banned")."""
        self.appended += 1
        entry_keys = [*unique, *also_banned]
        log_stream, listed = self.logs.keys(round_id)
        keys = [
            self._key(round_id, "nicknames"),
            self._key(round_id, "contestants"),
            self._key(round_id, "next-contestant"),
            log_stream,
            self._key(round_id, "banned"),
            self._key(round_id, "entry-keys"),
            listed,
        ]
        args = [
            len(unique),
            len(entry_keys),
            *entry_keys,
            json.dumps(profile, ensure_ascii=False),
            *log_fields(log),
        ]
        status, contestant = self.logs.appending(round_id, lambda: self._join(keys=keys, args=args))
        return contestant.decode(), {0: "taken", 1: "created", 2: "banned"}[status]

    def leave(self, round_id: int, contestant: str, log: Left) -> str:
        """Take a contestant's entry back while the round is in its lobby (lua/leave.lua):
        "left", "kept" (started) or "gone" (no such entry)."""
        base, board_keys = self._boards.answer_keys(round_id, contestant)
        keys = [
            self._key(round_id, "live"),
            self._key(round_id, "contestants"),
            self._key(round_id, "nicknames"),
            self._key(round_id, "entry-keys"),
            board_keys[0],  # profiles
            *self.logs.keys(round_id),
        ]
        args = [contestant, base, *log_fields(log)]
        return self.logs.appending(round_id, lambda: self._leave(keys=keys, args=args)).decode()

    def profile(self, round_id: int, contestant: str) -> dict[str, Any] | None:
        raw = self._redis.hget(self._key(round_id, "contestants"), contestant)
        return None if raw is None else json.loads(raw)

    def contestant_count(self, round_id: int) -> int:
        return int(self._redis.hlen(self._key(round_id, "contestants")))

    def contestants(self, round_id: int) -> dict[str, dict[str, Any]]:
        raw = self._redis.hgetall(self._key(round_id, "contestants"))
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    def ban(self, round_id: int, contestant: str) -> bool:
        """Ban a contestant from the round (False: already banned): their entry keys
        refuse new entries, their answers are refused, and they leave every board of the
        round, their scores kept aside for a lift and for the results (lua/ban.lua)."""
        return self._ban_or_lift("ban", round_id, contestant)

    def lift(self, round_id: int, contestant: str) -> bool:
        """Undo :meth:`ban` (False: not banned); the scores go back as they were."""
        return self._ban_or_lift("lift", round_id, contestant)

    def _ban_or_lift(self, action: str, round_id: int, contestant: str) -> bool:
        base, board_keys = self._boards.answer_keys(round_id, contestant)
        keys = [
            self._key(round_id, "kicked"),
            self._key(round_id, "banned"),
            self._key(round_id, "entry-keys"),
            *board_keys,  # profiles, state
            f"{base}:banned-scores",
        ]
        return bool(self._ban(keys=keys, args=[action, contestant, base]))

    def is_kicked(self, round_id: int, contestant: str) -> bool:
        return bool(self._redis.sismember(self._key(round_id, "kicked"), contestant))

    def banned(self, round_id: int) -> dict[str, float | None]:
        """Each banned contestant and their round score ("all" board) when banned."""
        members = sorted(m.decode() for m in self._redis.smembers(self._key(round_id, "kicked")))
        pipe = self._redis.pipeline(transaction=False)
        for contestant in members:
            base, _ = self._boards.answer_keys(round_id, contestant)
            pipe.hget(f"{base}:banned-scores", contestant)
        scores = {}
        for contestant, saved in zip(members, pipe.execute(), strict=True):
            score = json.loads(saved).get("live:all") if saved else None
            scores[contestant] = None if score is None else float(score)
        return scores

    # --- self-paced attempts ------------------------------------------------------------

    def create_attempt(self, round_id: int, contestant: str, attempt: str) -> None:
        self._redis.hsetnx(self._key(round_id, "attempts"), contestant, attempt)

    def attempt(self, round_id: int, contestant: str) -> str | None:
        raw = self._redis.hget(self._key(round_id, "attempts"), contestant)
        return None if raw is None else raw.decode()

    def selfpaced_reading(
        self,
        round_id: int,
        contestant: str,
        answering: int | None = None,
    ) -> SelfPacedReading:
        """Whether the round still runs, the contestant's attempt, progress, board score,
        ban and, when ``answering`` question I, their first answer to it, pipelined: read
        one at a time they were most of a self-paced request's round trips."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.hexists(self._key(round_id, "live"), "window")
        pipe.hget(self._key(round_id, "attempts"), contestant)
        self._read_progress(pipe, round_id, contestant)
        if answering is not None:
            pipe.hget(self._key(round_id, "q", answering, "answers"), contestant)
        pipe.sismember(self._key(round_id, "kicked"), contestant)
        running, attempt, progress, score, *answer, banned = pipe.execute()
        first = answer[0] if answer else None
        return SelfPacedReading(
            running=bool(running),
            attempt=None if attempt is None else attempt.decode(),
            progress=parse_progress((progress or b"").decode()),
            score=score,
            first=None if first is None else json.loads(first),
            banned=bool(banned),
        )

    def save_attempt(self, round_id: int, contestant: str, read: str, attempt: str) -> bool:
        """Store ``attempt`` if the contestant's attempt is still as it was ``read``."""
        return bool(
            self._save_field(
                keys=[self._key(round_id, "attempts")], args=[contestant, read, attempt]
            )
        )

    def move_attempt(
        self,
        round_id: int,
        contestant: str,
        known: tuple[str, tuple[int, int]],
        attempt: str,
    ) -> str:
        """Store ``attempt`` if the contestant's attempt and progress are still as
        ``known``, the round runs and they are not banned (lua/move_attempt.lua): "saved",
        else "banned", "finished" or "moved" (and nothing stored)."""
        round_key = self._key(round_id)
        keys = [f"{round_key}:{part}" for part in ("live", "attempts", "progress", "kicked")]
        read, progress = known
        outcome = self._move_attempt(
            keys=keys, args=[contestant, read, progress_text(progress), attempt]
        )
        return outcome.decode()

    # --- answers -----------------------------------------------------------------------

    def progress(self, round_id: int, contestant: str) -> tuple[tuple[int, int], float | None]:
        """((streak, last question answered), live board score): what scoring starts from."""
        pipe = self._redis.pipeline(transaction=False)
        self._read_progress(pipe, round_id, contestant)
        progress, score = pipe.execute()
        return parse_progress((progress or b"").decode()), score

    def progress_before(self, round_id: int, index: int, contestant: str) -> tuple[int, int]:
        """The contestant's progress before their answer to live question ``index``, as
        the answer script recorded it with what the answer added (NO_PROGRESS if none)."""
        recorded = self._redis.hget(self._key(round_id, "q", index, "deltas"), contestant)
        if recorded is None:
            return NO_PROGRESS
        return parse_progress(DELTA.decode(recorded.decode()).progress_before)

    def _read_progress(self, pipe: Any, round_id: int, contestant: str) -> None:
        pipe.hget(self._key(round_id, "progress"), contestant)
        pipe.zscore(self._boards.score_key(round_id, contestant), contestant)

    def record_answer(
        self,
        round_id: int,
        competition_id: int | None,
        contestant: str,
        index: int,
        *,
        seq: int | None,
        expected_progress: tuple[int, int],
        new_progress: tuple[int, int],
        expected_score: float | None,
        points: int,
        response_ms: int,
        result: Mapping[str, Any],
        options: Sequence[str],
        log: Answered,
        attempt: tuple[str, str] | None = None,
    ) -> AnswerOutcome:
        """Accept one judged answer in lua/answer.lua, with every answer queued behind the
        last call. ``seq``: the round's seq it was judged at (live), or None (self-paced,
        judged by the contestant's own clock). ``attempt``, self-paced: (the attempt it
        was judged from, the attempt to store with it); the answer is "stale" unless the
        stored one is the first, and refused as "already_finished" once the round's
        window no longer runs."""
        base, board_keys = self._boards.answer_keys(round_id, contestant)
        # _key's names, from two of its calls instead of six: 2 us less on every answer.
        round_key, question_key = self._key(round_id), self._key(round_id, "q", index)
        call = AnswerCall(
            round_key=f"{round_key}:live",
            answers_key=f"{question_key}:answers",
            options_key=f"{question_key}:options",
            progress_key=f"{round_key}:progress",
            deltas_key=f"{question_key}:deltas",
            kicked_key=f"{round_key}:kicked",
            profiles_key=board_keys[0],
            state_key=board_keys[1],
            base=base,
            contestant=contestant,
            gate="" if seq is None else str(seq),
            expected_progress=progress_text(expected_progress),
            new_progress=progress_text(new_progress),
            expected_score=repr(expected_score or 0.0),
            points=str(points),
            response_ms=str(response_ms),
            result=compact_json(result),
            options=" ".join(options),
            log=log_value(log),
            attempts_key="" if attempt is None else f"{round_key}:attempts",
            expected_attempt="" if attempt is None else attempt[0],
            new_attempt="" if attempt is None else attempt[1],
        )
        queued = _Queued(
            round_id, competition_id, index, contestant, points, response_ms, ANSWER.encode(call)
        )
        return answer_outcome(self._answers.call(queued), result, new_progress)

    def _send_answers(self, answers: list[_Queued]) -> list[Any]:
        """A flight: one script call per round (each in its round's slot), sent together;
        then one call per competition shard for the answers accepted in its rounds."""
        self.appended += len(answers)
        of_round: dict[int, list[str]] = defaultdict(list)
        for answer in answers:
            of_round[answer.round_id].append(answer.record)

        def send(round_ids: list[int]) -> list[Any]:
            batch = Batch(self._redis)
            for round_id in round_ids:
                batch.script(self._answer, self.logs.keys(round_id), of_round[round_id])
            return batch.execute()

        by_round = {
            round_id: iter(reply)
            for round_id, reply in self.logs.appending_each(list(of_round), send).items()
        }
        replies = [next(by_round[answer.round_id]) for answer in answers]
        self._add_in_competitions(answers, replies)
        return replies

    def _add_in_competitions(self, answers: list[_Queued], replies: list[Any]) -> None:
        """The competition's call (its own slot on a cluster): counts each answer once, so
        the drain may replay it if this process dies first (engine/services/drain.py)."""
        accepted: dict[tuple[int, int], list[tuple[int, str, int, int]]] = defaultdict(list)
        for answer, reply in zip(answers, replies, strict=True):
            if answer.competition_id is not None and reply[0] == b"accepted":
                accepted[answer.competition_id, answer.round_id].append(
                    (answer.question, answer.contestant, answer.points, answer.response_ms)
                )
        for (competition_id, round_id), scored in accepted.items():
            self._boards.add_to_competition(competition_id, round_id, scored)

    def void_question(self, round_id: int, index: int, competition_id: int | None) -> int:
        """Take every answer to a skipped question off the boards it was added to and
        mark its result voided (points 0); the number voided now, 0 when done before.

        Each contestant is voided atomically and once (lua/void.lua), then on the
        competition's board, in its own call (RedisLeaderboard.void_in_competition).
        """
        answers = self._key(round_id, "q", index, "answers")
        rows = [
            (contestant.decode(), json.loads(raw))
            for contestant, raw in self._redis.hscan_iter(answers, count=BATCH)
        ]

        def void(pipe: Any, base: str, board_keys: list[str], batch: list[Any]) -> None:
            pairs = [
                part
                for contestant, result in batch
                for part in (
                    contestant,
                    compact_json({**result, "points": 0, "voided": True, "reason": "skipped"}),
                )
            ]
            keys = [
                answers,
                self._key(round_id, "q", index, "deltas"),
                self._key(round_id, "progress"),
                *board_keys,  # profiles, state
            ]
            pipe.script(self._void, keys, [base, *pairs])

        voided = self._per_shard(round_id, rows, void)
        if competition_id is not None:
            contestants = [contestant for contestant, _ in rows]
            self._boards.void_in_competition(competition_id, round_id, index, contestants)
        return voided

    def publish_question(self, round_id: int, index: int) -> int:
        """Put a closed question's answers on the round's public boards, where they are
        held until it closes (RedisLeaderboard.hold); the number published now.

        Each answer is published atomically and once (lua/publish.lua); the round then
        records ``index`` as published.
        """
        deltas = self._key(round_id, "q", index, "deltas")
        rows = (
            (contestant.decode(), None)
            for contestant, _ in self._redis.hscan_iter(deltas, count=BATCH)
        )

        def publish(pipe: Any, base: str, board_keys: list[str], batch: list[Any]) -> None:
            contestants = [contestant for contestant, _ in batch]
            pipe.script(self._publish, [deltas, *board_keys[:2]], [base, *contestants])

        published = self._per_shard(round_id, rows, publish)
        self._redis.hset(self._key(round_id, "live"), "published", index)
        return published

    def published_through(self, round_id: int) -> int:
        """The last question whose answers are on the public boards (-1: none)."""
        raw = self._redis.hget(self._key(round_id, "live"), "published")
        return -1 if raw is None else int(raw)

    def _per_shard(
        self,
        round_id: int,
        rows: Iterable[tuple[str, Any]],
        run: Callable[[Any, str, list[str], list[tuple[str, Any]]], None],
    ) -> int:
        """``run`` a board script over (contestant, data) rows: one call per batch of
        at most BATCH contestants of one board shard, PIPELINE_CALLS calls a round trip;
        the sum of the scripts' replies (1 per contestant changed)."""
        by_shard: dict[int, list[tuple[str, Any]]] = defaultdict(list)
        for row in rows:
            by_shard[self._boards.shard_of(row[0])].append(row)
        calls = [
            batch[start : start + BATCH]
            for batch in by_shard.values()
            for start in range(0, len(batch), BATCH)
        ]
        changed = 0
        for first in range(0, len(calls), PIPELINE_CALLS):
            pipe = Batch(self._redis)
            for batch in calls[first : first + PIPELINE_CALLS]:
                base, board_keys = self._boards.answer_keys(round_id, batch[0][0])
                run(pipe, base, board_keys, batch)
            changed += sum(sum(results) for results in pipe.execute())
        return changed

    def answers(self, round_id: int, index: int) -> dict[str, dict[str, Any]]:
        raw = self._redis.hgetall(self._key(round_id, "q", index, "answers"))
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    def answer_of(self, round_id: int, index: int, contestant: str) -> dict[str, Any] | None:
        raw = self._redis.hget(self._key(round_id, "q", index, "answers"), contestant)
        return None if raw is None else json.loads(raw)

    def answer_count(self, round_id: int, index: int) -> int:
        return int(self._redis.hlen(self._key(round_id, "q", index, "answers")))

    def option_counts(self, round_id: int, index: int) -> dict[str, int]:
        raw = self._redis.hgetall(self._key(round_id, "q", index, "options"))
        return {k.decode(): int(v) for k, v in raw.items()}


def _live_fields(state: LiveRound) -> dict[str, str]:
    return {
        "json": json.dumps(live_round_to_dict(state), separators=(",", ":")),
        "status": state.status.value,
        "index": str(state.index),
        "seq": str(state.seq),
    }
