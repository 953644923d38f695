"""Which answer keys a report may show while a round runs (engine.domain.disclosure)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain import rounds
from engine.domain.disclosure import key_disclosed
from engine.domain.rounds import IllegalCommand, LiveRound, LiveStatus

TOTAL = 4


def shown(state: LiveRound | None, *, finished: bool = False) -> list[int]:
    return [i for i in range(TOTAL) if key_disclosed(i, state, finished=finished)]


def test_the_open_question_and_later_ones_stay_hidden() -> None:
    state = LiveRound(time_limits_s=(20,) * TOTAL)
    assert shown(state) == []
    state = rounds.start(state, 0)[0]
    assert shown(state) == []
    state = rounds.close(state, 1)[0]
    assert shown(state) == [0]
    state = rounds.next_question(state, 2)[0]
    assert shown(state) == [0]
    paused = rounds.pause(state, 3)[0]
    assert shown(paused) == [0]  # paused with the question open
    assert shown(rounds.skip(state, 3)[0]) == [0, 1]  # skipped: closed, and voided
    assert shown(rounds.finish(state, 3)[0]) == [0, 1, 2, 3]


def test_without_live_state_nothing_is_shown_until_finished() -> None:
    assert shown(None) == []
    assert shown(None, finished=True) == [0, 1, 2, 3]
    assert not key_disclosed(None, None, finished=False)  # on no round-wide paper
    assert key_disclosed(None, None, finished=True)


COMMANDS = {
    "start": rounds.start,
    "next": rounds.next_question,
    "close": rounds.close,
    "reveal": rounds.reveal,
    "pause": rounds.pause,
    "resume": rounds.resume,
    "skip": rounds.skip,
}


@settings(max_examples=80)
@given(st.lists(st.sampled_from(sorted(COMMANDS)), max_size=14))
def test_a_key_is_never_shown_while_its_question_can_take_answers(steps: list[str]) -> None:
    """Any sequence of host commands: a question that may still take answers (open, or
    paused while open) and every later one keep their keys hidden."""
    state = LiveRound(time_limits_s=(20,) * TOTAL)
    for now, name in enumerate(steps):
        try:
            state = COMMANDS[name](state, now)[0]
        except IllegalCommand:
            continue
        answerable = LiveStatus.QUESTION_OPEN in (state.status, state.resume_to)
        for index in range(TOTAL):
            later = index > state.index or (index == state.index and answerable)
            assert key_disclosed(index, state, finished=False) is not later
