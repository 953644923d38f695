"""Moving the answer log from Redis into SQL, the durable record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine.domain.log import Answered, Joined, Left, Voided
from engine.ports import AnswerLog, RoundRecorder


@dataclass
class Drainer:
    log: AnswerLog
    record: RoundRecorder
    consumer: str
    batch: int = 500

    def drain_once(self) -> int:
        """Store one batch in SQL, then acknowledge it: a crash in between replays it,
        and the SQL insert skips rows it already has, so nothing is lost or doubled.

        A void (a skipped question) applies to its question's answers whether they come
        in this batch, an earlier one or a later one (another consumer's)."""
        entries = self.log.read(self.consumer, self.batch)
        if not entries:
            return 0
        joins = [e._asdict() for _, e in entries if isinstance(e, Joined)]
        answers = [e._asdict() for _, e in entries if isinstance(e, Answered)]
        voids = [e._asdict() for _, e in entries if isinstance(e, Voided)]
        lefts = [e._asdict() for _, e in entries if isinstance(e, Left)]
        self.record.record(joins, answers, voids, lefts)
        self.log.acknowledge([entry_id for entry_id, _ in entries])
        return len(entries)

    def claim_abandoned(self, idle_ms: int) -> int:
        """Take over the entries a dead consumer read and never acknowledged."""
        return self.log.claim_abandoned(self.consumer, idle_ms)

    def drain_all(self, more: Callable[[], bool] = lambda: True) -> int:
        """Everything currently in the log (tests, shutdown, finishing a round), or as
        much as is stored before ``more()`` says stop (a shutdown's deadline)."""
        total = 0
        while more() and (moved := self.drain_once()):
            total += moved
        return total
