"""The answer log stream, read by a consumer group so a restart resumes where it stopped.

An entry holds its record (answer, join or void: field -> text) as one JSON value,
``RECORD``. redis-py packs every argument of a command and parses every part of a reply
in Python, so a record of eleven field/value pairs cost the answer script 22 arguments
and the drain 25 reply parts per entry to read back. A script may add fields of its own
beside it (a join's contestant id, known only inside the script). Entries written one
field per value, by a server before this format, read the same: the embedded Redis
outlives the process, so an upgraded server can find them still in the log.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import redis

T = TypeVar("T")
GROUP = "sql"
RECORD = "json"


def entry(record: Mapping[str, str]) -> list[str]:
    """The field and value to XADD for ``record``."""
    return [RECORD, packed(record)]


#: Compact JSON as Redis keeps it. One encoder made once: ``json.dumps`` with arguments
#: makes one per call, a third of the cost of each of an answer's two records.
compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def packed(record: Mapping[str, str]) -> str:
    """The value of ``record``'s one field (``RECORD``)."""
    return compact_json(record)


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
    ) -> list[tuple[str, dict[str, str]]]:
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
        return [(_text(entry_id), _record(fields)) for entry_id, fields in entries]

    def claim_abandoned(self, consumer: str, idle_ms: int) -> int:
        """Take over entries a dead process read but never acknowledged."""
        reply: list[Any] = self._in_group(
            lambda: self._redis.xautoclaim(self.key, GROUP, consumer, idle_ms, "0-0"), [0, []]
        )
        _, claimed, *_ = reply
        return len(claimed)

    def acknowledge(self, ids: list[str]) -> None:
        if ids:
            pipe = self._redis.pipeline()
            pipe.xack(self.key, GROUP, *ids)
            pipe.xdel(self.key, *ids)  # stored in SQL now; the stream need not keep it
            pipe.execute()

    def backlog(self) -> int:
        """Entries not yet stored (appended, or read and not acknowledged)."""
        return int(self._redis.xlen(self.key))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _record(raw: dict) -> dict[str, str]:
    fields = {_text(k): _text(v) for k, v in raw.items()}
    packed = fields.pop(RECORD, None)
    return fields if packed is None else {**json.loads(packed), **fields}
