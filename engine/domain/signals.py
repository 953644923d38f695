"""Signs of cheating in a round's record, for organisers to look at: flagged, never acted on.

Three signals, each a pure function of the durable record:

- ``fast``: correct answers faster than a person can read a question (``FAST_MS``);
- ``identical``: entries whose answers and timings match answer for answer (shared
  answer sheets, scripts);
- ``burst``: many entries from one client (a keyed hash of its address) within a minute;
- ``focus``: a phone that left the page during questions more often than the round
  tolerates (engine.domain.integrity).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FAST_MS = 800
FAST_MIN_ANSWERS = 3
IDENTICAL_MIN_ANSWERS = 5
TIMING_BUCKET_MS = 500
BURST_WINDOW_MS = 60_000
BURST_MIN_ENTRIES = 10


@dataclass(frozen=True)
class AnswerFact:
    contestant: str
    question_key: str
    response: object
    response_ms: int
    correct: bool


@dataclass(frozen=True)
class EntryFact:
    contestant: str
    client_hash: str | None
    joined_at_ms: int


@dataclass(frozen=True)
class Signal:
    kind: str  # fast | identical | burst | focus
    contestants: tuple[str, ...]
    detail: str


def fast_answers(answers: Iterable[AnswerFact], fast_ms: int = FAST_MS) -> list[Signal]:
    counts: dict[str, int] = defaultdict(int)
    for answer in answers:
        if answer.correct and answer.response_ms < fast_ms:
            counts[answer.contestant] += 1
    return [
        Signal("fast", (contestant,), f"{count} correct answers under {fast_ms} ms")
        for contestant, count in sorted(counts.items())
        if count >= FAST_MIN_ANSWERS
    ]


def identical_patterns(answers: Iterable[AnswerFact]) -> list[Signal]:
    sheets: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    for answer in answers:
        response = json.dumps(answer.response, sort_keys=True, ensure_ascii=False)
        sheets[answer.contestant].append(
            (answer.question_key, response, answer.response_ms // TIMING_BUCKET_MS)
        )
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for contestant, sheet in sheets.items():
        if len(sheet) >= IDENTICAL_MIN_ANSWERS:
            groups[tuple(sorted(sheet))].append(contestant)
    return [
        Signal(
            "identical",
            tuple(sorted(members)),
            f"{len(sheet)} answers with the same responses and timings "
            f"(within {TIMING_BUCKET_MS} ms)",
        )
        for sheet, members in sorted(groups.items(), key=lambda item: sorted(item[1]))
        if len(members) > 1
    ]


def entry_bursts(entries: Iterable[EntryFact]) -> list[Signal]:
    by_client: dict[str, list[EntryFact]] = defaultdict(list)
    for entry in entries:
        if entry.client_hash:
            by_client[entry.client_hash].append(entry)
    signals = []
    for _, joined in sorted(by_client.items()):
        joined.sort(key=lambda e: e.joined_at_ms)
        start, best = 0, (0, 0)
        for end in range(len(joined)):
            while joined[end].joined_at_ms - joined[start].joined_at_ms >= BURST_WINDOW_MS:
                start += 1
            if end - start + 1 > best[1] - best[0]:
                best = (start, end + 1)
        if best[1] - best[0] >= BURST_MIN_ENTRIES:
            members = tuple(e.contestant for e in joined[best[0] : best[1]])
            signals.append(
                Signal("burst", members, f"{len(members)} entries from one client within a minute")
            )
    return signals


def focus_switches(switches: Mapping[str, int], tolerance: int) -> list[Signal]:
    """Contestants who left the page during questions more than ``tolerance`` times."""
    return [
        Signal("focus", (contestant,), f"left the page {count} times during questions")
        for contestant, count in sorted(switches.items())
        if count > tolerance
    ]


def cheating_signals(
    answers: list[AnswerFact],
    entries: list[EntryFact],
    switches: Mapping[str, int] | None = None,
    tolerance: int = 0,
) -> list[Signal]:
    return (
        fast_answers(answers)
        + identical_patterns(answers)
        + entry_bursts(entries)
        + focus_switches(switches or {}, tolerance)
    )
