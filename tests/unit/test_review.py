"""When a contestant's review opens: one test per reveal rule, and the rule as a property."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.review import ReviewOpening, live_review, selfpaced_review
from engine.domain.rounds import LiveRound, LiveStatus

LIMITS = (20, 20, 20)
CLOSES = 10_000


def live(status: LiveStatus, index: int, **extra: object) -> LiveRound:
    return LiveRound(LIMITS, status=status, index=index, **extra)  # type: ignore[arg-type]


# --- live rounds -----------------------------------------------------------------------


def test_a_live_review_is_shut_in_the_lobby_and_while_the_first_question_is_open() -> None:
    assert live_review(3, live(LiveStatus.LOBBY, -1), finished=False) == ReviewOpening(())
    opening = live_review(3, live(LiveStatus.QUESTION_OPEN, 0, closes_at=5000), finished=False)
    assert opening == ReviewOpening((), 5000)
    assert not opening.open


def test_a_paused_open_question_stays_shut() -> None:
    paused = live(LiveStatus.PAUSED, 0, resume_to=LiveStatus.QUESTION_OPEN)
    assert live_review(3, paused, finished=False).positions == ()


def test_a_live_review_opens_question_by_question_as_each_closes() -> None:
    assert live_review(3, live(LiveStatus.CLOSED, 0), finished=False).positions == (0,)
    assert live_review(3, live(LiveStatus.REVEALED, 1), finished=False).positions == (0, 1)
    opening = live_review(3, live(LiveStatus.QUESTION_OPEN, 2, closes_at=7), finished=False)
    assert opening == ReviewOpening((0, 1), 7)


def test_a_finished_live_round_opens_the_whole_paper_even_with_its_state_lost() -> None:
    assert live_review(3, live(LiveStatus.FINISHED, 1), finished=False).positions == (0, 1, 2)
    assert live_review(3, None, finished=True).positions == (0, 1, 2)


def test_a_running_live_round_whose_state_is_lost_opens_nothing() -> None:
    assert live_review(3, None, finished=False) == ReviewOpening(())


# --- self-paced rounds -----------------------------------------------------------------


def test_after_close_opens_nothing_before_the_window_closes_even_for_answered() -> None:
    opening = selfpaced_review(
        "after_close", 3, {0, 1, 2}, closes_at=CLOSES, now=CLOSES - 1, finished=False
    )
    assert opening == ReviewOpening((), CLOSES)


def test_after_close_opens_the_whole_paper_when_the_window_closes() -> None:
    opening = selfpaced_review(
        "after_close", 3, set(), closes_at=CLOSES, now=CLOSES, finished=False
    )
    assert opening.positions == (0, 1, 2)


def test_a_round_ended_early_by_its_host_opens_the_whole_paper() -> None:
    opening = selfpaced_review("after_close", 3, set(), closes_at=CLOSES, now=0, finished=True)
    assert opening.positions == (0, 1, 2)


def test_after_answer_opens_each_answered_question_and_no_unanswered_one() -> None:
    opening = selfpaced_review("after_answer", 3, {0, 2}, closes_at=CLOSES, now=0, finished=False)
    assert opening == ReviewOpening((0, 2), CLOSES)
    nothing = selfpaced_review("after_answer", 3, set(), closes_at=CLOSES, now=0, finished=False)
    assert not nothing.open


@settings(max_examples=60)
@given(
    reveal=st.sampled_from(["after_answer", "after_close"]),
    total=st.integers(1, 8),
    answered=st.sets(st.integers(0, 7)),
    now=st.integers(0, 2 * CLOSES),
    finished=st.booleans(),
)
def test_a_self_paced_review_never_opens_a_question_the_rule_keeps_shut(
    reveal: str, total: int, answered: set[int], now: int, finished: bool
) -> None:
    opening = selfpaced_review(
        reveal, total, answered, closes_at=CLOSES, now=now, finished=finished
    )
    closed = finished or now >= CLOSES
    for position in opening.positions:
        assert closed or (reveal == "after_answer" and position in answered)
    assert list(opening.positions) == sorted(set(opening.positions))
    assert set(opening.positions) <= set(range(total))
    if closed:
        assert opening.positions == tuple(range(total))


@settings(max_examples=60)
@given(
    index=st.integers(0, 2),
    paused=st.booleans(),
    before=st.sampled_from([LiveStatus.CLOSED, LiveStatus.REVEALED]),
)
def test_a_live_review_never_opens_the_open_question_or_a_later_one(
    index: int, paused: bool, before: LiveStatus
) -> None:
    state = (
        live(LiveStatus.PAUSED, index, resume_to=LiveStatus.QUESTION_OPEN)
        if paused
        else live(LiveStatus.QUESTION_OPEN, index)
    )
    assert live_review(3, state, finished=False).positions == tuple(range(index))
    # Once it closes (revealed or not), it opens too, and nothing after it.
    assert live_review(3, live(before, index), finished=False).positions == tuple(range(index + 1))
