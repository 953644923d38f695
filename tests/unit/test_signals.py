"""Cheating signals: each fires on its pattern and stays quiet on honest play."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.domain.signals import (
    BURST_MIN_ENTRIES,
    AnswerFact,
    EntryFact,
    cheating_signals,
    entry_bursts,
    fast_answers,
    identical_patterns,
)


def sheet(
    contestant: str, times: list[int], responses: list[str] | None = None
) -> list[AnswerFact]:
    responses = responses or ["a"] * len(times)
    return [
        AnswerFact(contestant, f"q{i}", response, ms, correct=True)
        for i, (ms, response) in enumerate(zip(times, responses, strict=True))
    ]


def test_three_correct_answers_under_800_ms_are_flagged():
    flagged = fast_answers(sheet("bot", [300, 400, 500, 9000]) + sheet("human", [300, 4000, 5000]))
    assert [(s.kind, s.contestants) for s in flagged] == [("fast", ("bot",))]
    assert flagged[0].detail == "3 correct answers under 800 ms"


def test_fast_wrong_answers_are_not_a_signal():
    answers = [AnswerFact("guesser", f"q{i}", "b", 200, correct=False) for i in range(5)]
    assert fast_answers(answers) == []


def test_identical_sheets_are_grouped_and_different_timing_is_not():
    times = [1100, 3100, 2100, 5100, 4100]  # +100 ms stays in each 500 ms bucket
    copied = sheet("a", times) + sheet("b", [t + 100 for t in times]) + sheet("c", times)
    honest = sheet("d", [t + 2000 for t in times])
    flagged = identical_patterns(copied + honest)
    assert [s.contestants for s in flagged] == [("a", "b", "c")]


def test_short_sheets_are_never_called_identical():
    assert identical_patterns(sheet("a", [1000] * 4) + sheet("b", [1000] * 4)) == []


def test_a_burst_of_entries_from_one_client_is_flagged_once():
    burst = [EntryFact(f"c{i}", "client-1", 1000 * i) for i in range(BURST_MIN_ENTRIES)]
    spread = [EntryFact(f"s{i}", "client-2", 61_000 * i) for i in range(BURST_MIN_ENTRIES)]
    flagged = entry_bursts(burst + spread)
    assert len(flagged) == 1
    assert flagged[0].contestants == tuple(f"c{i}" for i in range(BURST_MIN_ENTRIES))


@given(st.lists(st.integers(min_value=2000, max_value=20_000), min_size=1, max_size=8))
def test_one_honest_contestant_raises_no_signal(times):
    entries = [EntryFact("only", "client", 0)]
    assert cheating_signals(sheet("only", times), entries) == []
