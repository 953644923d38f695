"""The answer log stream, read by a consumer group so a restart resumes where it stopped.

What an entry holds, and how it is encoded, is in records.py (``log_fields``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import redis

from engine.adapters.redis.records import read_entry
from engine.domain.log import LogEntry

T = TypeVar("T")
GROUP = "sql"


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
        pending = self._in_group(
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
        _, claimed, *_ = self._in_group(
            lambda: self._redis.xautoclaim(self.key, GROUP, consumer, idle_ms, "0-0"), [0, []]
        )
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
