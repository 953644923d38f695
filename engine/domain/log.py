"""What the answer log records: one typed entry per fact SQL keeps for good.

The live and self-paced services build these as they happen; the Redis adapter stores
them (engine/adapters/redis/records.py says how), and the drain hands them to SQL, whose
columns their field names are. Named tuples: one is built per answer on the hot path.
"""

from __future__ import annotations

from typing import NamedTuple


class Joined(NamedTuple):
    round_id: int
    nickname: str
    region: str | None
    team: str | None
    joined_at_ms: int
    identity_hash: str | None  # keyed hashes, when the phone gave an identity / an address
    client_hash: str | None
    #: Made inside the join script, so empty until the entry is read back from the log.
    contestant: str = ""


class Answered(NamedTuple):
    round_id: int
    contestant: str
    question_index: int
    question_key: str
    response: object  # the normalised response, as the checker read it
    correct: bool
    credit: float
    points: int
    response_ms: int
    answered_at_ms: int


class Voided(NamedTuple):
    """A skipped question: its answers count for nothing, whenever they are drained."""

    round_id: int
    question_index: int
    voided_at_ms: int


class Left(NamedTuple):
    """A contestant who left a live round's lobby: SQL forgets their entry too."""

    round_id: int
    contestant: str
    left_at_ms: int


LogEntry = Joined | Answered | Voided | Left
