"""Moving the answer log from Redis into SQL, the durable record."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol


class AnswerLog(Protocol):
    def read(
        self, consumer: str, count: int = ..., block_ms: int = ...
    ) -> list[tuple[str, dict[str, str]]]: ...
    def acknowledge(self, ids: list[str]) -> None: ...
    def claim_abandoned(self, consumer: str, idle_ms: int) -> int: ...


class Record(Protocol):
    def record(self, joins: Any, answers: Any, voids: Any = ()) -> None: ...


@dataclass
class Drainer:
    log: AnswerLog
    record: Record
    consumer: str
    batch: int = 500

    def drain_once(self, block_ms: int = 1000) -> int:
        """Store one batch in SQL, then acknowledge it: a crash in between replays it,
        and the SQL insert skips rows it already has, so nothing is lost or doubled.

        A void (a skipped question) applies to its question's answers whether they come
        in this batch, an earlier one or a later one (another consumer's)."""
        entries = self.log.read(self.consumer, self.batch, block_ms)
        if not entries:
            return 0
        joins = [_join(f) for _, f in entries if f.get("kind") == "join"]
        answers = [_answer(f) for _, f in entries if f.get("kind") == "answer"]
        voids = [_void(f) for _, f in entries if f.get("kind") == "void"]
        self.record.record(joins, answers, voids)
        self.log.acknowledge([entry_id for entry_id, _ in entries])
        return len(entries)

    def claim_abandoned(self, idle_ms: int) -> int:
        """Take over the entries a dead consumer read and never acknowledged."""
        return self.log.claim_abandoned(self.consumer, idle_ms)

    def drain_all(self, more: Callable[[], bool] = lambda: True) -> int:
        """Everything currently in the log (tests, shutdown, finishing a round), or as
        much as is stored before ``more()`` says stop (a shutdown's deadline)."""
        total = 0
        while more() and (moved := self.drain_once(block_ms=1)):
            total += moved
        return total


def _join(fields: Mapping[str, str]) -> dict[str, Any]:
    return {
        "round_id": int(fields["round"]),
        "contestant": fields["contestant"],
        "nickname": fields["nickname"],
        "region": fields.get("region") or None,
        "team": fields.get("team") or None,
        "joined_at_ms": int(fields["at"]),
        "identity_hash": fields.get("identity") or None,
        "client_hash": fields.get("client") or None,
    }


def _void(fields: Mapping[str, str]) -> dict[str, Any]:
    return {
        "round_id": int(fields["round"]),
        "question_index": int(fields["index"]),
        "voided_at_ms": int(fields["at"]),
    }


def _answer(fields: Mapping[str, str]) -> dict[str, Any]:
    return {
        "round_id": int(fields["round"]),
        "contestant": fields["contestant"],
        "question_index": int(fields["index"]),
        "question_key": fields["key"],
        "response": json.loads(fields["response"]),
        "correct": fields["correct"] == "1",
        "credit": float(fields["credit"]),
        "points": int(fields["points"]),
        "response_ms": int(fields["response_ms"]),
        "answered_at_ms": int(fields["at"]),
    }
