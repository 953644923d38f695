from dataclasses import replace
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain import rounds
from engine.domain.rounds import (
    GRACE_MS,
    AnswersRevealed,
    AnswerTaken,
    ContestantsEliminated,
    Elimination,
    IllegalCommand,
    LiveRound,
    LiveStatus,
    QuestionClosed,
    QuestionDelivered,
    QuestionMissed,
    QuestionOpened,
    QuestionSkipped,
    RevivalsSpent,
    RoundFinished,
    RoundResumed,
    SelfPacedAttempt,
    SelfPacedWindow,
    accepts_answer,
    answer,
    deliver,
    due_to_close,
    is_decided,
    join,
)

COMMANDS = ("start", "next_question", "close", "reveal", "skip", "pause", "resume", "finish")


def run(state, *commands, now=1_000):
    """Apply commands in turn, one second apart; return the last state and all events."""
    events = []
    for command in commands:
        state, made = getattr(rounds, command)(state, now)
        events.extend(made)
        now += 1_000
    return state, events


def expected_legal(state: LiveRound, command: str) -> bool:
    """The rule table, written out independently of rounds.py."""
    status = state.status
    skipped = state.index in state.skipped
    eliminating = state.elimination is not None
    return {
        "start": status is LiveStatus.LOBBY,
        "next_question": status in (LiveStatus.CLOSED, LiveStatus.REVEALED)
        and state.index + 1 < state.total
        and not (eliminating and len(state.elimination.standing) <= 1),
        "close": status is LiveStatus.QUESTION_OPEN,
        "reveal": status is LiveStatus.CLOSED and not skipped,
        "skip": status is LiveStatus.QUESTION_OPEN
        or (status is LiveStatus.CLOSED and not skipped and not eliminating),
        "pause": status in (LiveStatus.QUESTION_OPEN, LiveStatus.CLOSED, LiveStatus.REVEALED),
        "resume": status is LiveStatus.PAUSED,
        "finish": status is not LiveStatus.FINISHED,
    }[command]


FRESH = LiveRound(time_limits_s=(10, 20))
NAMED_STATES = {
    "lobby": FRESH,
    "open": run(FRESH, "start")[0],
    "closed": run(FRESH, "start", "close")[0],
    "revealed": run(FRESH, "start", "close", "reveal")[0],
    "skipped while open": run(FRESH, "start", "skip")[0],
    "skipped after close": run(FRESH, "start", "close", "skip")[0],
    "paused while open": run(FRESH, "start", "pause")[0],
    "paused while closed": run(FRESH, "start", "close", "pause")[0],
    "paused while revealed": run(FRESH, "start", "close", "reveal", "pause")[0],
    "last question closed": run(FRESH, "start", "close", "next_question", "close")[0],
    "last question revealed": run(
        FRESH, "start", "close", "reveal", "next_question", "close", "reveal"
    )[0],
    "finished": run(FRESH, "finish")[0],
    "finished while open": run(FRESH, "start", "finish")[0],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", NAMED_STATES)
def test_every_command_in_every_state_is_legal_exactly_per_the_table(name, command):
    state = NAMED_STATES[name]
    if expected_legal(state, command):
        new_state, events = getattr(rounds, command)(state, 99_000)
        assert events
        assert new_state.seq == events[-1].seq > state.seq
    else:
        snapshot = replace(state)
        with pytest.raises(IllegalCommand) as refused:
            getattr(rounds, command)(state, 99_000)
        assert refused.value.code in rounds._REFUSALS
        assert state == snapshot


@pytest.mark.parametrize(
    ("name", "command", "code"),
    [
        ("lobby", "close", "round_not_open"),
        ("open", "start", "already_started"),
        ("open", "reveal", "question_still_open"),
        ("open", "next_question", "question_still_open"),
        ("revealed", "reveal", "already_revealed"),
        ("revealed", "close", "question_closed"),
        ("skipped after close", "reveal", "question_skipped"),
        ("skipped after close", "skip", "question_skipped"),
        ("paused while open", "close", "round_paused"),
        ("paused while open", "pause", "already_paused"),
        ("closed", "resume", "not_paused"),
        ("last question revealed", "next_question", "no_more_questions"),
        ("finished", "finish", "already_finished"),
        ("finished", "start", "already_finished"),
    ],
)
def test_refusals_are_named(name, command, code):
    with pytest.raises(IllegalCommand, match="cannot") as refused:
        getattr(rounds, command)(NAMED_STATES[name], 99_000)
    assert refused.value.code == code


def test_a_whole_live_round_emits_numbered_events():
    state, events = run(
        FRESH, "start", "close", "reveal", "next_question", "skip", "finish", now=10_000
    )
    assert events == [
        QuestionOpened(seq=1, at=10_000, index=0, opens_at=10_000, closes_at=20_000),
        QuestionClosed(seq=2, at=11_000, index=0),
        AnswersRevealed(seq=3, at=12_000, index=0),
        QuestionOpened(seq=4, at=13_000, index=1, opens_at=13_000, closes_at=33_000),
        QuestionSkipped(seq=5, at=14_000, index=1),
        RoundFinished(seq=6, at=15_000),
    ]
    assert state.status is LiveStatus.FINISHED
    assert state.skipped == {1}
    assert state.seq == 6


def test_finishing_an_open_question_closes_it_first():
    _, events = run(FRESH, "start", "pause", "finish")
    assert [type(event) for event in events[-2:]] == [QuestionClosed, RoundFinished]


def test_a_pause_pushes_the_question_clock_by_its_length():
    state, _ = rounds.start(FRESH, 1_000)
    state, _ = rounds.pause(state, 4_000)
    assert not accepts_answer(state, 0, 4_500)
    assert accepts_answer(state, 0, 4_500).reason == "round_paused"
    state, events = rounds.resume(state, 9_000)
    assert events == (RoundResumed(seq=3, at=9_000, paused_ms=5_000, closes_at=16_000),)
    assert (state.status, state.opens_at, state.closes_at) == (
        LiveStatus.QUESTION_OPEN,
        6_000,
        16_000,
    )
    assert state.paused_at is None


def test_a_pause_between_questions_leaves_the_clock_alone():
    state, _ = run(FRESH, "start", "close", "pause")
    resumed, events = rounds.resume(state, 50_000)
    assert events[0].paused_ms == 50_000 - state.paused_at
    assert events[0].closes_at == state.closes_at
    assert resumed.status is LiveStatus.CLOSED
    assert (resumed.opens_at, resumed.closes_at) == (state.opens_at, state.closes_at)


def test_answers_are_accepted_until_the_deadline_plus_grace():
    state, _ = rounds.start(FRESH, 1_000)  # closes at 11_000
    assert accepts_answer(state, 0, 11_000 + GRACE_MS)
    assert accepts_answer(state, 0, 11_001 + GRACE_MS).reason == "late"
    assert accepts_answer(state, 0, 16_000 + GRACE_MS, extra_time_multiplier=1.5)
    assert accepts_answer(state, 1, 2_000).reason == "not_current_question"
    closed, _ = rounds.close(state, 5_000)
    assert accepts_answer(closed, 0, 5_001).reason == "question_closed"
    assert accepts_answer(FRESH, 0, 0).reason == "round_not_open"
    with pytest.raises(ValueError, match="at least 1"):
        accepts_answer(state, 0, 2_000, extra_time_multiplier=0.5)


def test_due_to_close_waits_for_grace_and_the_longest_extra_time():
    state, _ = rounds.start(FRESH, 1_000)
    assert not due_to_close(state, 11_000 + GRACE_MS)
    assert due_to_close(state, 11_001 + GRACE_MS)
    assert not due_to_close(state, 11_001 + GRACE_MS, extra_time_multiplier=2)
    assert due_to_close(state, 21_001 + GRACE_MS, extra_time_multiplier=2)
    assert not due_to_close(rounds.close(state, 2_000)[0], 99_000)


def test_a_round_needs_questions_with_positive_limits():
    with pytest.raises(ValueError, match="at least one question"):
        LiveRound(time_limits_s=())
    with pytest.raises(ValueError, match="positive"):
        LiveRound(time_limits_s=(10, 0))


live_steps = st.lists(
    st.tuples(st.sampled_from(COMMANDS), st.integers(0, 30_000), st.sets(st.sampled_from("abc"))),
    max_size=40,
)


@settings(max_examples=300)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=4), st.booleans(), live_steps)
def test_illegal_commands_change_nothing_and_seq_strictly_increases(limits, eliminating, steps):
    state = LiveRound(
        time_limits_s=tuple(limits), elimination=Elimination(1) if eliminating else None
    )
    if eliminating:
        state = join(join(join(state, "a"), "b"), "c")
    now = 0
    for command, dt, correct in steps:
        now += dt
        before = replace(state)
        act = getattr(rounds, command)
        if command == "close":
            act = partial(rounds.close, correct=correct)
        if not expected_legal(state, command):
            with pytest.raises(IllegalCommand):
                act(state, now)
            assert state == before
            continue
        state, events = act(state, now)
        assert [event.seq for event in events] == list(
            range(before.seq + 1, before.seq + 1 + len(events))
        )
        assert state.seq == events[-1].seq
        if state.status is LiveStatus.QUESTION_OPEN:
            assert state.closes_at - state.opens_at == limits[state.index] * 1000


# Elimination rounds.


def elimination_round(contestants, tokens=0, limits=(10, 10, 10)):
    state = LiveRound(time_limits_s=limits, elimination=Elimination(revival_tokens=tokens))
    for contestant in contestants:
        state = join(state, contestant)
    return rounds.start(state, 0)[0]


def test_a_wrong_or_missing_answer_eliminates():
    state = elimination_round(["ann", "bo", "cy", "di"])
    state, events = rounds.close(state, 10_000, correct={"ann", "bo", "zed"})
    assert events[1] == ContestantsEliminated(seq=3, at=10_000, index=0, contestants=("cy", "di"))
    assert state.elimination.standing == {"ann", "bo"}
    assert state.elimination.eliminated == {"cy", "di"}
    state, _ = rounds.next_question(state, 11_000)
    assert accepts_answer(state, 1, 11_500, contestant="cy").reason == "eliminated"
    assert accepts_answer(state, 1, 11_500, contestant="ann")
    state, _ = rounds.close(state, 12_000, correct={"ann"})
    assert is_decided(state)
    with pytest.raises(IllegalCommand) as refused:
        rounds.next_question(state, 13_000)
    assert refused.value.code == "round_decided"
    assert rounds.finish(state, 13_000)[0].status is LiveStatus.FINISHED


def test_revival_tokens_are_spent_before_elimination():
    state = elimination_round(["ann", "bo", "cy"], tokens=1)
    state, events = rounds.close(state, 10_000, correct={"ann"})
    assert events[1:] == (RevivalsSpent(seq=3, at=10_000, index=0, contestants=("bo", "cy")),)
    assert state.elimination.standing == {"ann", "bo", "cy"}
    state, _ = rounds.next_question(state, 11_000)
    state, events = rounds.close(state, 20_000, correct={"ann", "cy"})
    assert events[1:] == (ContestantsEliminated(seq=6, at=20_000, index=1, contestants=("bo",)),)
    assert state.elimination.tokens_left("cy") == 0
    assert state.elimination.tokens_left("ann") == 1


def test_when_nobody_would_be_left_nobody_is_eliminated():
    state = elimination_round(["ann", "bo"])
    after, events = rounds.close(state, 10_000, correct=set())
    assert [type(event) for event in events] == [QuestionClosed]
    assert after.elimination == state.elimination


def test_an_elimination_round_is_decided_by_its_last_question():
    state = elimination_round(["ann", "bo", "cy"], limits=(10,))
    assert not is_decided(state)
    paused, _ = rounds.pause(state, 1_000)
    assert not is_decided(paused)
    closed, _ = rounds.close(state, 10_000, correct={"ann", "bo"})
    assert is_decided(closed)
    assert closed.elimination.standing == {"ann", "bo"}
    assert not is_decided(LiveRound(time_limits_s=(10,), elimination=Elimination()))
    assert not is_decided(rounds.close(rounds.start(FRESH, 0)[0], 1)[0])


def test_an_elimination_round_refuses_late_joins_and_skips_after_close():
    state = elimination_round(["ann", "bo"])
    with pytest.raises(IllegalCommand) as refused:
        join(state, "cy")
    assert refused.value.code == "already_started"
    closed, _ = rounds.close(state, 10_000, correct={"ann"})
    with pytest.raises(IllegalCommand) as refused:
        rounds.skip(closed, 11_000)
    assert refused.value.code == "question_closed"
    skipped, events = rounds.skip(state, 5_000)
    assert [type(event) for event in events] == [QuestionSkipped]
    assert skipped.elimination == state.elimination
    with pytest.raises(IllegalCommand) as refused:
        join(FRESH, "ann")
    assert refused.value.code == "not_an_elimination_round"


def test_joining_twice_is_harmless():
    state = LiveRound(time_limits_s=(10,), elimination=Elimination())
    assert join(join(state, "ann"), "ann") == join(state, "ann")


@settings(max_examples=100)
@given(
    st.sets(st.sampled_from("abcdef"), min_size=1),
    st.integers(0, 2),
    st.lists(st.sets(st.sampled_from("abcdefg")), min_size=1, max_size=5),
)
def test_elimination_never_empties_the_field_and_only_shrinks_it(players, tokens, rights):
    state = elimination_round(sorted(players), tokens, limits=(5,) * len(rights))
    for index, correct in enumerate(rights):
        before = state.elimination
        state, _ = rounds.close(state, 10_000 * (index + 1), correct=correct)
        after = state.elimination
        assert after.standing
        assert after.standing <= before.standing
        assert after.standing | after.eliminated == players
        assert before.standing & correct <= after.standing
        if index + 1 == len(rights) or is_decided(state):
            break
        state, _ = rounds.next_question(state, 10_000 * (index + 1) + 1)


# Self-paced rounds.

WINDOW = SelfPacedWindow(opens_at=1_000, closes_at=100_000)


def test_delivery_starts_the_clock_once():
    attempt = SelfPacedAttempt(time_limits_s=(10, 20))
    attempt, events = deliver(attempt, WINDOW, 5_000)
    assert events == (QuestionDelivered(at=5_000, index=0, delivered_at=5_000, deadline=15_000),)
    again, events = deliver(attempt, WINDOW, 8_000)
    assert again == attempt
    assert events == (QuestionDelivered(at=8_000, index=0, delivered_at=5_000, deadline=15_000),)
    assert attempt.remaining_ms(8_000) == 7_000


def test_answers_on_time_late_and_no_going_back():
    attempt, _ = deliver(SelfPacedAttempt(time_limits_s=(10, 20, 30)), WINDOW, 5_000)
    attempt, taken = answer(attempt, 0, 12_000)
    assert taken == AnswerTaken(at=12_000, index=0, response_ms=7_000, late=False)
    assert taken.reason is None
    with pytest.raises(IllegalCommand) as refused:
        answer(attempt, 0, 12_500)
    assert refused.value.code == "question_passed"
    with pytest.raises(IllegalCommand) as refused:
        answer(attempt, 1, 12_500)
    assert refused.value.code == "question_not_delivered"
    attempt, _ = deliver(attempt, WINDOW, 13_000)  # deadline 33_000
    attempt, taken = answer(attempt, 1, 33_000 + GRACE_MS)
    assert taken == AnswerTaken(at=33_500, index=1, response_ms=20_000, late=False)
    attempt, _ = deliver(attempt, WINDOW, 40_000)  # deadline 70_000
    attempt, taken = answer(attempt, 2, 70_001 + GRACE_MS)
    assert (taken.late, taken.reason, taken.response_ms) == (True, "late", 30_000)
    assert attempt.finished
    with pytest.raises(IllegalCommand) as refused:
        answer(attempt, 3, 80_000)
    assert refused.value.code == "already_finished"
    with pytest.raises(IllegalCommand) as refused:
        deliver(attempt, WINDOW, 80_000)
    assert refused.value.code == "no_more_questions"


def test_an_expired_question_is_missed_and_the_next_one_delivered():
    attempt, _ = deliver(SelfPacedAttempt(time_limits_s=(10, 10)), WINDOW, 5_000)
    attempt, events = deliver(attempt, WINDOW, 15_000 + GRACE_MS + 1)
    assert events == (
        QuestionMissed(at=15_501, index=0),
        QuestionDelivered(at=15_501, index=1, delivered_at=15_501, deadline=25_501),
    )
    attempt, events = deliver(attempt, WINDOW, 90_000)
    assert events == (QuestionMissed(at=90_000, index=1),)
    assert attempt.finished


def test_extra_time_extends_the_deadline():
    attempt = SelfPacedAttempt(time_limits_s=(10,), extra_time_multiplier=1.5)
    attempt, events = deliver(attempt, WINDOW, 5_000)
    assert events[0].deadline == 20_000


def test_the_window_bounds_new_deliveries_not_running_questions():
    attempt = SelfPacedAttempt(time_limits_s=(10, 10))
    for now, code in [(999, "window_not_open"), (100_000, "window_closed")]:
        with pytest.raises(IllegalCommand) as refused:
            deliver(attempt, WINDOW, now)
        assert refused.value.code == code
    attempt, _ = deliver(attempt, WINDOW, 95_000)
    assert deliver(attempt, WINDOW, 101_000)[0] == attempt
    attempt, taken = answer(attempt, 0, 102_000)
    assert not taken.late
    with pytest.raises(IllegalCommand) as refused:
        deliver(attempt, WINDOW, 102_500)
    assert refused.value.code == "window_closed"
    with pytest.raises(ValueError, match="close after"):
        SelfPacedWindow(opens_at=5, closes_at=5)


@settings(max_examples=150)
@given(
    st.lists(st.integers(1, 20), min_size=1, max_size=4),
    st.lists(st.tuples(st.booleans(), st.integers(0, 25_000)), max_size=30),
)
def test_a_self_paced_clock_never_goes_back(limits, steps):
    attempt = SelfPacedAttempt(time_limits_s=tuple(limits))
    window = SelfPacedWindow(opens_at=0, closes_at=10**9)
    now = 0
    outcomes: dict[int, object] = {}
    first_delivery: dict[int, int] = {}
    for asks, dt in steps:
        now += dt
        before = attempt
        try:
            if asks:
                attempt, events = deliver(attempt, window, now)
            else:
                attempt, taken = answer(attempt, attempt.index, now)
                events = (taken,)
        except IllegalCommand:
            assert attempt == before
            continue
        assert attempt.index >= before.index
        for event in events:
            if isinstance(event, QuestionDelivered):
                assert (
                    first_delivery.setdefault(event.index, event.delivered_at) == event.delivered_at
                )
                assert event.index not in outcomes
            else:
                assert event.index not in outcomes
                outcomes[event.index] = event
                if isinstance(event, AnswerTaken):
                    assert 0 <= event.response_ms <= limits[event.index] * 1000


def test_leaving_an_elimination_lobby_takes_the_contestant_out_of_the_standing() -> None:
    lobby = LiveRound(time_limits_s=(10,), elimination=Elimination())
    joined = rounds.join(rounds.join(lobby, "1"), "2")
    left = rounds.withdraw(joined, "1")
    assert left.elimination is not None
    assert left.elimination.standing == frozenset({"2"})
    assert rounds.withdraw(left, "1") is left  # not standing: unchanged
    plain = LiveRound(time_limits_s=(10,))
    assert rounds.withdraw(plain, "1") is plain  # no elimination: unchanged
