"""Moving the answer log from Redis into SQL, the durable record."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from engine.domain.log import Answered, Joined, Left, Voided
from engine.domain.ranking import tie_break_ms
from engine.ports import AnswerLog, Leaderboard, RoundRecorder


@dataclass
class Drainer:
    log: AnswerLog
    record: RoundRecorder
    consumer: str
    #: The competitions' boards, and each round's competition.
    boards: Leaderboard
    competition_of: Callable[[int], int]
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
        self._add_in_competitions([e for _, e in entries if isinstance(e, Answered)])
        self.log.acknowledge([entry_id for entry_id, _ in entries])
        return len(entries)

    def _add_in_competitions(self, answers: list[Answered]) -> None:
        """Every drained answer once more on its competition's board, which counts each
        once: its own flight added it there, unless its process died between the round's
        call and the competition's (a competition has a slot of its own on a cluster).
        Before the acknowledgement, so a crash here replays it again."""
        of_round: dict[int, list[tuple[int, str, int, int]]] = defaultdict(list)
        for a in answers:
            board_ms = tie_break_ms(a.points, a.response_ms)  # as the answer's flight sent it
            of_round[a.round_id].append((a.question_index, a.contestant, a.points, board_ms))
        for round_id, scored in of_round.items():
            self.boards.add_to_competition(self.competition_of(round_id), round_id, scored)

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
