"""The answer log: a stream per round, in the round's slot (so the scripts that append to
it stay single-slot on a Redis Cluster), read by a consumer group so a restart resumes
where it stopped; and its entries, each a typed record (engine/domain/log.py), encoded
and decoded here.

The drain finds the streams through an index, ``{prefix}:logs`` (round -> token). A
script appends to a round's stream only while the round's marker (``{r:R}:log-listed``,
in the stream's slot) exists, and says "unlisted" otherwise; the appender then lists the
round (index first, then the marker, both carrying a fresh token) and calls again. The
drain retires a stream that has stayed empty: in the stream's slot it deletes the stream
and the marker only if the marker holds the token the index held when it looked, then
drops the index entry only if it still holds that token. An append after the retirement
finds no marker and lists the round again with a new token, which the drop leaves alone:
no entry is ever left in a stream the index does not name (docs/redis-keys.md).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import TypeVar

import redis

from engine.adapters.redis.batch import Batch
from engine.adapters.redis.keys import round_tag
from engine.domain.log import Answered, Joined, Left, LogEntry, Voided

T = TypeVar("T")
GROUP = "sql"


#: The stream field holding an entry's record as one JSON value: redis-py packs every
#: argument of a command and parses every part of a reply in Python, so one field per
#: value cost the answer script 22 arguments and the drain 25 reply parts per entry. A
#: script adds fields of its own beside it (a join's contestant id, made in the script).
RECORD = "json"
#: Beside RECORD in a join's entry.
CONTESTANT = "contestant"

#: Compact JSON as Redis keeps it. One encoder made once: ``json.dumps`` with arguments
#: makes one per call, a third of the cost of each of an answer's two records.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def log_value(entry: LogEntry) -> str:
    """The value of the entry's RECORD field: JSON of texts, as SQL's drain reads it."""
    if isinstance(entry, Answered):
        # The JSON a dict of these texts encodes to, written out: one is made per answer,
        # and the encoder took twice as long over the dict. Only the texts need escaping.
        return (
            f'{{"kind":"answer","round":"{entry.round_id}",'
            f'"contestant":{compact_json(entry.contestant)},"index":"{entry.question_index}",'
            f'"key":{compact_json(entry.question_key)},'
            f'"response":{compact_json(compact_json(entry.response))},'
            f'"correct":"{"1" if entry.correct else "0"}","credit":"{entry.credit}",'
            f'"points":"{entry.points}","response_ms":"{entry.response_ms}",'
            f'"at":"{entry.answered_at_ms}"}}'
        )
    if isinstance(entry, Joined):
        return compact_json(
            {
                "kind": "join",
                "round": str(entry.round_id),
                "nickname": entry.nickname,
                "region": entry.region or "",
                "team": entry.team or "",
                "at": str(entry.joined_at_ms),
                "identity": entry.identity_hash or "",
                "client": entry.client_hash or "",
            }
        )
    if isinstance(entry, Left):
        return compact_json(
            {
                "kind": "leave",
                "round": str(entry.round_id),
                "contestant": entry.contestant,
                "at": str(entry.left_at_ms),
            }
        )
    return compact_json(
        {
            "kind": "void",
            "round": str(entry.round_id),
            "index": str(entry.question_index),
            "at": str(entry.voided_at_ms),
        }
    )


def log_fields(entry: LogEntry) -> list[str]:
    """The fields and values to XADD for ``entry``."""
    return [RECORD, log_value(entry)]


def read_entry(fields: Mapping[bytes, bytes]) -> LogEntry:
    """An entry as the log holds it (XREADGROUP's fields)."""
    record = json.loads(fields[RECORD.encode()])
    kind = record["kind"]
    if kind == "answer":
        return Answered(
            round_id=int(record["round"]),
            contestant=record["contestant"],
            question_index=int(record["index"]),
            question_key=record["key"],
            response=json.loads(record["response"]),
            correct=record["correct"] == "1",
            credit=float(record["credit"]),
            points=int(record["points"]),
            response_ms=int(record["response_ms"]),
            answered_at_ms=int(record["at"]),
        )
    if kind == "join":
        return Joined(
            round_id=int(record["round"]),
            nickname=record["nickname"],
            region=record["region"] or None,
            team=record["team"] or None,
            joined_at_ms=int(record["at"]),
            identity_hash=record["identity"] or None,
            client_hash=record["client"] or None,
            contestant=fields[CONTESTANT.encode()].decode(),
        )
    if kind == "void":
        return Voided(int(record["round"]), int(record["index"]), int(record["at"]))
    if kind == "leave":
        return Left(int(record["round"]), record["contestant"], int(record["at"]))
    raise ValueError(f"not an answer log entry: {record!r}")


#: What an appending script returns instead of appending when the round is not listed.
UNLISTED = b"unlisted"
#: How often an appender calls before giving up: a second time after listing the round,
#: a third only if the drain retired the stream between the listing and the call.
LISTING_TRIES = 3
#: A stream the drain has seen empty this long is retired (and listed again by its next
#: append), so the drain does not look at every round that ever ran.
RETIRE_AFTER_S = 60.0
#: Entries read from one stream per read at least (``count`` permitting), however many
#: streams are busy.
SHARE = 50

_OPEN = """
redis.pcall("XGROUP", "CREATE", KEYS[1], ARGV[1], "0", "MKSTREAM")  -- BUSYGROUP: made before
redis.call("SET", KEYS[2], ARGV[2])
"""

#: This consumer's unacknowledged entries first (a batch a crash left), else new ones.
_READ = """
if redis.call("EXISTS", KEYS[1]) == 0 then return {} end
local function read(from)
  local reply = redis.call("XREADGROUP", "GROUP", ARGV[1], ARGV[2], "COUNT", ARGV[3],
    "STREAMS", KEYS[1], from)
  return reply and reply[1][2] or {}
end
local entries = read("0")
if #entries == 0 then entries = read(">") end
return entries
"""

_CLAIM = """
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
return #redis.call("XAUTOCLAIM", KEYS[1], ARGV[1], ARGV[2], ARGV[3], "0-0")[2]
"""

#: Stored in SQL now: acknowledged and deleted at once, so an empty stream has no
#: pending entries.
_ACKNOWLEDGE = """
redis.call("XACK", KEYS[1], ARGV[1], unpack(ARGV, 2))
return redis.call("XDEL", KEYS[1], unpack(ARGV, 2))
"""

#: KEYS: 1 stream, 2 marker; ARGV: 1 group, 2 the token the index held. 1: retired.
_RETIRE = """
if redis.call("EXISTS", KEYS[1]) == 1 and (redis.call("XLEN", KEYS[1]) > 0
    or redis.call("XPENDING", KEYS[1], ARGV[1])[1] > 0) then
  return 0
end
local marker = redis.call("GET", KEYS[2])
if marker and marker ~= ARGV[2] then
  redis.call("SET", KEYS[2], ARGV[2])  -- two listings crossed: align, retire next time
  return 0
end
redis.call("DEL", KEYS[1], KEYS[2])
return 1
"""

_UNLIST = """
if redis.call("HGET", KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
return redis.call("HDEL", KEYS[1], ARGV[1])
"""


def index_key(prefix: str) -> str:
    """The hash of listed rounds (round -> the token it was listed with)."""
    return f"{prefix}:logs"


def log_key(prefix: str, round_id: int | str) -> str:
    """A round's answer log stream."""
    return f"{prefix}:{round_tag(round_id)}:log"


def marker_key(prefix: str, round_id: int | str) -> str:
    """Present (holding the listing's token) while the round is listed for the drain."""
    return f"{prefix}:{round_tag(round_id)}:log-listed"


class RoundLogs:
    """Appending to rounds' logs: an appending script takes ``keys(round)`` first (stream,
    marker) and returns UNLISTED without writing anything while the marker is missing."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._open = client.register_script(_OPEN)

    def keys(self, round_id: int) -> list[str]:
        return [log_key(self._prefix, round_id), marker_key(self._prefix, round_id)]

    def appending(self, round_id: int, call: Callable[[], T]) -> T:
        """``call()``'s reply, the round listed first if it said UNLISTED."""
        return self.appending_each([round_id], lambda _: [call()])[round_id]

    def appending_each(
        self, round_ids: list[int], call: Callable[[list[int]], list[T]]
    ) -> dict[int, T]:
        """``call(rounds)`` makes one appending call per round (replies in that order);
        the rounds that said UNLISTED are listed and called again."""
        replies: dict[int, T] = {}
        waiting = round_ids
        for _ in range(LISTING_TRIES):
            unlisted = []
            for round_id, reply in zip(waiting, call(waiting), strict=True):
                if reply == UNLISTED:
                    unlisted.append(round_id)
                else:
                    replies[round_id] = reply
            if not unlisted:
                return replies
            for round_id in unlisted:
                self.list(round_id)
            waiting = unlisted
        raise RuntimeError(f"rounds {waiting}: the answer log retired on every listing")

    def list(self, round_id: int) -> None:
        """Name the round's stream in the index, then (same token) mark it listed."""
        token = secrets.token_hex(8)
        self._redis.hset(index_key(self._prefix), str(round_id), token)
        self._open(keys=self.keys(round_id), args=[GROUP, token])


class RedisAnswerLog:
    """The drain's side: every listed round's stream, read by one consumer group."""

    def __init__(
        self, client: redis.Redis, prefix: str, retire_after_s: float = RETIRE_AFTER_S
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._retire_after_s = retire_after_s
        self._empty_since: dict[str, float] = {}  # round -> when first seen empty
        self._read = client.register_script(_READ)
        self._claim = client.register_script(_CLAIM)
        self._acknowledge = client.register_script(_ACKNOWLEDGE)
        self._retire = client.register_script(_RETIRE)
        self._unlist = client.register_script(_UNLIST)

    def _listed(self) -> dict[str, str]:
        raw = self._redis.hgetall(index_key(self._prefix))
        return {r.decode(): token.decode() for r, token in raw.items()}

    def read(self, consumer: str, count: int = 500) -> list[tuple[str, LogEntry]]:
        """Entries for ``consumer`` from every busy stream, each stream's unacknowledged
        ones first; about ``count`` in all. Streams empty for a while are retired.
        An entry's id is "<round> <stream id>"."""
        listed = self._listed()
        batch = Batch(self._redis)
        for round_id in listed:
            batch.xlen(log_key(self._prefix, round_id))
        busy = [r for r, length in zip(listed, batch.execute(), strict=True) if length]
        self._retire_idle({r: t for r, t in listed.items() if r not in busy})
        share = max(count // max(len(busy), 1), min(count, SHARE))
        for round_id in busy:
            batch.script(self._read, [log_key(self._prefix, round_id)], [GROUP, consumer, share])
        return [
            (f"{round_id} {entry_id.decode()}", read_entry(_fields(flat)))
            for round_id, entries in zip(busy, batch.execute(), strict=True)
            for entry_id, flat in entries
        ]

    def _retire_idle(self, empty: dict[str, str]) -> None:
        now = time.monotonic()
        self._empty_since = {r: self._empty_since.get(r, now) for r in empty}
        due = [r for r, since in self._empty_since.items() if now - since >= self._retire_after_s]
        batch = Batch(self._redis)
        for round_id in due:
            keys = [log_key(self._prefix, round_id), marker_key(self._prefix, round_id)]
            batch.script(self._retire, keys, [GROUP, empty[round_id]])
        retired = [r for r, done in zip(due, batch.execute(), strict=True) if done]
        for round_id in retired:
            batch.script(self._unlist, [index_key(self._prefix)], [round_id, empty[round_id]])
            del self._empty_since[round_id]
        batch.execute()

    def claim_abandoned(self, consumer: str, idle_ms: int) -> int:
        """Take over entries a dead process read but never acknowledged."""
        batch = Batch(self._redis)
        for round_id in self._listed():
            batch.script(self._claim, [log_key(self._prefix, round_id)], [GROUP, consumer, idle_ms])
        return sum(batch.execute())

    def acknowledge(self, ids: list[str]) -> None:
        by_round: dict[str, list[str]] = {}
        for entry in ids:
            round_id, entry_id = entry.split(" ")
            by_round.setdefault(round_id, []).append(entry_id)
        batch = Batch(self._redis)
        for round_id, entry_ids in by_round.items():
            batch.script(self._acknowledge, [log_key(self._prefix, round_id)], [GROUP, *entry_ids])
        batch.execute()


def _fields(flat: list[bytes]) -> dict[bytes, bytes]:
    """A stream entry's fields as a script returns them (field, value, ...)."""
    return dict(zip(flat[::2], flat[1::2], strict=True))
