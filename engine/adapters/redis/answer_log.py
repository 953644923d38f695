"""The answer log stream, read by a consumer group so a restart resumes where it stopped,
and its entries: each a typed record (engine/domain/log.py), encoded and decoded here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import redis

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


class RedisAnswerLog:
    def __init__(self, client: redis.Redis, key: str) -> None:
        self._redis = client
        self.key = key

    def ensure_group(self) -> None:
        try:
            self._redis.xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def _in_group(self, command: Callable[[], T], otherwise: T) -> T:
        """Run a group command; before the first answer there is no group yet, so make it."""
        try:
            return command()
        except redis.ResponseError as error:
            if "NOGROUP" not in str(error):
                raise
            self.ensure_group()
            return otherwise

    def read(
        self, consumer: str, count: int = 500, block_ms: int = 1000
    ) -> list[tuple[str, LogEntry]]:
        """New entries for ``consumer``, after any it was given but did not acknowledge."""
        pending: list[Any] = self._in_group(
            lambda: self._redis.xreadgroup(GROUP, consumer, {self.key: "0"}, count=count), []
        )
        entries = pending[0][1] if pending else []
        if not entries:
            fresh = self._redis.xreadgroup(
                GROUP, consumer, {self.key: ">"}, count=count, block=block_ms
            )
            entries = fresh[0][1] if fresh else []
        return [(entry_id.decode(), read_entry(fields)) for entry_id, fields in entries]

    def claim_abandoned(self, consumer: str, idle_ms: int) -> int:
        """Take over entries a dead process read but never acknowledged."""
        reply: list[Any] = self._in_group(
            lambda: self._redis.xautoclaim(self.key, GROUP, consumer, idle_ms, "0-0"), [0, []]
        )
        return len(reply[1])  # the next id to scan from, the claimed entries[, deleted ids]

    def acknowledge(self, ids: list[str]) -> None:
        if ids:
            pipe = self._redis.pipeline()
            pipe.xack(self.key, GROUP, *ids)
            pipe.xdel(self.key, *ids)  # stored in SQL now; the stream need not keep it
            pipe.execute()

    def backlog(self) -> int:
        """Entries not yet stored (appended, or read and not acknowledged)."""
        return int(self._redis.xlen(self.key))
