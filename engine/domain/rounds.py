"""Round state machines: what a host (or a contestant's own clock) may do, and when.

Pure functions over frozen states: a command takes a state and ``now`` (server epoch
ms) and returns ``(new_state, events)``; a command that is illegal in the current state
raises :class:`IllegalCommand` and the state it was given stays as it was.

Live rounds (one paper, the host drives)::

    lobby -start-> question_open -close-> closed -reveal-> revealed -next_question-> question_open
                                                  ... -finish-> finished (from any state)

``next_question`` also works from ``closed`` (a round need not reveal), ``skip`` closes
a question and voids it, ``pause``/``resume`` hold the round. An elimination round is
a live round with an :class:`Elimination` record: see :func:`close`.

Self-paced rounds (each contestant's own clock inside a window) are
:class:`SelfPacedAttempt` with :func:`deliver` and :func:`answer`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import partial
from types import MappingProxyType
from typing import Any

#: How long after a deadline an answer still counts: the same for everyone, so network
#: delay does not decide who scores.
GRACE_MS = 500
#: The most extra time an organiser may grant (WCAG 2.2.1 accommodations): three times.
MAX_EXTRA_TIME = 3.0
#: What elderly mode (长辈模式) gives a self-paced entry where the rules allow it.
ELDER_EXTRA_TIME = 2.0


class IllegalCommand(Exception):
    """A command the round's current state does not allow; nothing changed."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class LiveStatus(StrEnum):
    LOBBY = "lobby"
    QUESTION_OPEN = "question_open"
    CLOSED = "closed"
    REVEALED = "revealed"
    PAUSED = "paused"
    FINISHED = "finished"


@dataclass(frozen=True)
class Elimination:
    """Who is still standing in an elimination round.

    Revival tokens are spent automatically: a contestant who would be eliminated and
    still holds one spends it and stays standing.
    """

    revival_tokens: int = 0
    standing: frozenset[str] = frozenset()
    eliminated: frozenset[str] = frozenset()
    tokens_spent: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens_spent", MappingProxyType(dict(self.tokens_spent)))

    def tokens_left(self, contestant: str) -> int:
        return self.revival_tokens - self.tokens_spent.get(contestant, 0)


@dataclass(frozen=True)
class LiveRound:
    """A live round. ``index`` is the current question (-1 in the lobby).

    ``opens_at``/``closes_at`` are the current question's clock; a pause pushes both
    by its length, so ``now - opens_at`` is the response time net of pauses.
    """

    time_limits_s: tuple[int, ...]
    status: LiveStatus = LiveStatus.LOBBY
    index: int = -1
    opens_at: int | None = None
    closes_at: int | None = None
    paused_at: int | None = None
    resume_to: LiveStatus | None = None
    skipped: frozenset[int] = frozenset()
    seq: int = 0
    elimination: Elimination | None = None

    def __post_init__(self) -> None:
        if not self.time_limits_s or any(limit <= 0 for limit in self.time_limits_s):
            raise ValueError("a round needs at least one question, each with a positive limit")

    @property
    def total(self) -> int:
        return len(self.time_limits_s)


# Events, each carrying the round's seq after it and the server time it happened at.


@dataclass(frozen=True)
class RoundEvent:
    seq: int
    at: int


@dataclass(frozen=True)
class QuestionOpened(RoundEvent):
    index: int
    opens_at: int
    closes_at: int


@dataclass(frozen=True)
class QuestionClosed(RoundEvent):
    index: int


@dataclass(frozen=True)
class AnswersRevealed(RoundEvent):
    index: int


@dataclass(frozen=True)
class QuestionSkipped(RoundEvent):
    """The question is closed and void: it scores zero for everyone and is left out
    of statistics."""

    index: int


@dataclass(frozen=True)
class RoundPaused(RoundEvent):
    pass


@dataclass(frozen=True)
class RoundResumed(RoundEvent):
    paused_ms: int
    closes_at: int | None


@dataclass(frozen=True)
class RoundFinished(RoundEvent):
    pass


@dataclass(frozen=True)
class ContestantsEliminated(RoundEvent):
    index: int
    contestants: tuple[str, ...]


@dataclass(frozen=True)
class RevivalsSpent(RoundEvent):
    """These contestants would have been eliminated and spent a revival token instead."""

    index: int
    contestants: tuple[str, ...]


Transition = tuple[LiveRound, tuple[RoundEvent, ...]]
#: An event still waiting for its seq.
EventMaker = Callable[..., RoundEvent]

_REFUSALS = {
    "already_finished": "the round has finished",
    "round_paused": "the round is paused",
    "round_not_open": "the round has not started",
    "question_still_open": "the question is still open",
    "question_closed": "the question is already closed",
    "already_revealed": "the answers are already revealed",
    "already_started": "the round has already started",
    "already_paused": "the round is already paused",
    "not_paused": "the round is not paused",
    "no_more_questions": "that was the last question",
    "question_skipped": "the question was skipped",
    "round_decided": "at most one contestant is standing",
    "not_an_elimination_round": "only elimination rounds track contestants",
}

_USUAL_CODES = {
    LiveStatus.LOBBY: "round_not_open",
    LiveStatus.QUESTION_OPEN: "question_still_open",
    LiveStatus.CLOSED: "question_closed",
    LiveStatus.REVEALED: "already_revealed",
    LiveStatus.PAUSED: "round_paused",
    LiveStatus.FINISHED: "already_finished",
}

_RUNNING = (LiveStatus.QUESTION_OPEN, LiveStatus.CLOSED, LiveStatus.REVEALED)


def _refuse(command: str, code: str) -> IllegalCommand:
    return IllegalCommand(code, f"cannot {command}: {_REFUSALS[code]}")


def _require(
    state: LiveRound,
    command: str,
    allowed: Collection[LiveStatus],
    codes: Mapping[LiveStatus, str] | None = None,
) -> None:
    if state.status not in allowed:
        code = (codes or {}).get(state.status) or _USUAL_CODES[state.status]
        raise _refuse(command, code)


def _emit(state: LiveRound, makers: Iterable[EventMaker], **changes: Any) -> Transition:
    """Number the events after ``state.seq`` and move the state to the last one."""
    events = tuple(make(seq=state.seq + n) for n, make in enumerate(makers, start=1))
    return replace(state, seq=state.seq + len(events), **changes), events


def _open(state: LiveRound, index: int, now: int) -> Transition:
    closes_at = now + state.time_limits_s[index] * 1000
    opened = partial(QuestionOpened, at=now, index=index, opens_at=now, closes_at=closes_at)
    return _emit(
        state,
        [opened],
        status=LiveStatus.QUESTION_OPEN,
        index=index,
        opens_at=now,
        closes_at=closes_at,
    )


def start(state: LiveRound, now: int) -> Transition:
    """Leave the lobby and open the first question."""
    _require(
        state,
        "start",
        [LiveStatus.LOBBY],
        dict.fromkeys((*_RUNNING, LiveStatus.PAUSED), "already_started"),
    )
    return _open(state, 0, now)


def next_question(state: LiveRound, now: int) -> Transition:
    _require(state, "open the next question", [LiveStatus.CLOSED, LiveStatus.REVEALED])
    if state.index + 1 >= state.total:
        raise _refuse("open the next question", "no_more_questions")
    if state.elimination is not None and len(state.elimination.standing) <= 1:
        raise _refuse("open the next question", "round_decided")
    return _open(state, state.index + 1, now)


def close(state: LiveRound, now: int, correct: Collection[str] = ()) -> Transition:
    """Close the open question.

    In an elimination round ``correct`` names who answered it correctly: every other
    standing contestant spends a revival token or is eliminated, except that when
    nobody would be left standing, nobody is eliminated (a round always has a winner).
    """
    _require(state, "close", [LiveStatus.QUESTION_OPEN], {LiveStatus.REVEALED: "question_closed"})
    closed = partial(QuestionClosed, at=now, index=state.index)
    if state.elimination is None:
        return _emit(state, [closed], status=LiveStatus.CLOSED)
    elimination, makers = _eliminate(state.elimination, state.index, now, frozenset(correct))
    return _emit(state, [closed, *makers], status=LiveStatus.CLOSED, elimination=elimination)


def _eliminate(
    elimination: Elimination, index: int, now: int, correct: frozenset[str]
) -> tuple[Elimination, list[EventMaker]]:
    wrong = elimination.standing - correct
    reviving = frozenset(c for c in wrong if elimination.tokens_left(c) > 0)
    out = wrong - reviving
    if out == elimination.standing:
        return elimination, []
    spent = dict(elimination.tokens_spent)
    for contestant in reviving:
        spent[contestant] = spent.get(contestant, 0) + 1
    makers: list[EventMaker] = []
    if out:
        makers.append(
            partial(ContestantsEliminated, at=now, index=index, contestants=tuple(sorted(out)))
        )
    if reviving:
        makers.append(
            partial(RevivalsSpent, at=now, index=index, contestants=tuple(sorted(reviving)))
        )
    updated = replace(
        elimination,
        standing=elimination.standing - out,
        eliminated=elimination.eliminated | out,
        tokens_spent=spent,
    )
    return updated, makers


def reveal(state: LiveRound, now: int) -> Transition:
    _require(state, "reveal", [LiveStatus.CLOSED])
    if state.index in state.skipped:
        raise _refuse("reveal", "question_skipped")
    revealed = partial(AnswersRevealed, at=now, index=state.index)
    return _emit(state, [revealed], status=LiveStatus.REVEALED)


def skip(state: LiveRound, now: int) -> Transition:
    """Close the current question (if open) and void it.

    An elimination round can skip only an open question: closing has already
    eliminated contestants.
    """
    allowed = [LiveStatus.QUESTION_OPEN]
    if state.elimination is None:
        allowed.append(LiveStatus.CLOSED)
    _require(state, "skip", allowed)
    if state.index in state.skipped:
        raise _refuse("skip", "question_skipped")
    skipped = partial(QuestionSkipped, at=now, index=state.index)
    return _emit(state, [skipped], status=LiveStatus.CLOSED, skipped=state.skipped | {state.index})


def pause(state: LiveRound, now: int) -> Transition:
    _require(state, "pause", _RUNNING, {LiveStatus.PAUSED: "already_paused"})
    paused = partial(RoundPaused, at=now)
    return _emit(state, [paused], status=LiveStatus.PAUSED, paused_at=now, resume_to=state.status)


def resume(state: LiveRound, now: int) -> Transition:
    """Return to the paused status; an open question's clock is pushed by the pause."""
    _require(
        state,
        "resume",
        [LiveStatus.PAUSED],
        dict.fromkeys((LiveStatus.LOBBY, *_RUNNING), "not_paused"),
    )
    assert state.paused_at is not None, "a paused round knows when it paused"
    paused_ms = max(0, now - state.paused_at)
    opens_at, closes_at = state.opens_at, state.closes_at
    if state.resume_to is LiveStatus.QUESTION_OPEN:
        assert opens_at is not None, "an open question has a clock"
        assert closes_at is not None, "an open question has a clock"
        opens_at, closes_at = opens_at + paused_ms, closes_at + paused_ms
    resumed = partial(RoundResumed, at=now, paused_ms=paused_ms, closes_at=closes_at)
    return _emit(
        state,
        [resumed],
        status=state.resume_to,
        paused_at=None,
        resume_to=None,
        opens_at=opens_at,
        closes_at=closes_at,
    )


def finish(state: LiveRound, now: int) -> Transition:
    """End the round from any state; an open question is closed first (without
    eliminating anyone)."""
    _require(
        state, "finish", [status for status in LiveStatus if status is not LiveStatus.FINISHED]
    )
    makers: list[EventMaker] = []
    if LiveStatus.QUESTION_OPEN in (state.status, state.resume_to):
        makers.append(partial(QuestionClosed, at=now, index=state.index))
    makers.append(partial(RoundFinished, at=now))
    return _emit(state, makers, status=LiveStatus.FINISHED, paused_at=None, resume_to=None)


def join(state: LiveRound, contestant: str) -> LiveRound:
    """Add a contestant to an elimination round's lobby (joining twice changes nothing)."""
    if state.elimination is None:
        raise _refuse("join", "not_an_elimination_round")
    _require(
        state,
        "join",
        [LiveStatus.LOBBY],
        dict.fromkeys((*_RUNNING, LiveStatus.PAUSED), "already_started"),
    )
    standing = state.elimination.standing | {contestant}
    return replace(state, elimination=replace(state.elimination, standing=standing))


def withdraw(state: LiveRound, contestant: str) -> LiveRound:
    """Take a contestant who left the lobby out of an elimination round's standing
    (the round unchanged for any other round, or a contestant not standing)."""
    if state.elimination is None or contestant not in state.elimination.standing:
        return state
    standing = state.elimination.standing - {contestant}
    return replace(state, elimination=replace(state.elimination, standing=standing))


def is_decided(state: LiveRound) -> bool:
    """Whether an elimination round is over: at most one contestant standing once it
    has started, or its last question closed. Those standing are the winners."""
    if state.elimination is None or state.index < 0:
        return False
    last_closed = state.index == state.total - 1 and LiveStatus.QUESTION_OPEN not in (
        state.status,
        state.resume_to,
    )
    return last_closed or len(state.elimination.standing) <= 1


@dataclass(frozen=True)
class Admission:
    """Whether an answer is accepted now; ``reason`` is the refusal code when not."""

    accepted: bool
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.accepted


def deadline(state: LiveRound, extra_time_multiplier: float = 1.0) -> int:
    """A contestant's deadline for the current question, before grace."""
    _require_multiplier(extra_time_multiplier)
    limit_ms = state.time_limits_s[state.index] * 1000
    assert state.opens_at is not None, "a question is open"
    return state.opens_at + round(limit_ms * extra_time_multiplier)


def accepts_answer(
    state: LiveRound,
    question_index: int,
    now: int,
    extra_time_multiplier: float = 1.0,
    contestant: str | None = None,
) -> Admission:
    """Whether an answer to ``question_index`` arriving at ``now`` counts.

    Refusal codes: the state's (``round_not_open``, ``round_paused``,
    ``question_closed``, ``already_revealed``, ``already_finished``),
    ``not_current_question``, ``late`` (after deadline + GRACE_MS), ``eliminated``.
    """
    if state.status is not LiveStatus.QUESTION_OPEN:
        return Admission(False, _USUAL_CODES[state.status])
    if question_index != state.index:
        return Admission(False, "not_current_question")
    if state.elimination is not None and contestant not in state.elimination.standing:
        return Admission(False, "eliminated")
    if now > deadline(state, extra_time_multiplier) + GRACE_MS:
        return Admission(False, "late")
    return Admission(True)


def due_to_close(state: LiveRound, now: int, extra_time_multiplier: float = 1.0) -> bool:
    """Whether the open question's time (plus grace) has run out for everyone.

    Pass the largest extra-time multiplier among the round's contestants so that
    nobody's extended time is cut short.
    """
    return (
        state.status is LiveStatus.QUESTION_OPEN
        and now > deadline(state, extra_time_multiplier) + GRACE_MS
    )


def _require_multiplier(extra_time_multiplier: float) -> None:
    if extra_time_multiplier < 1:
        raise ValueError("an extra-time multiplier extends time: it must be at least 1")


# Self-paced rounds.


@dataclass(frozen=True)
class SelfPacedWindow:
    """When contestants may take (start questions of) a self-paced round."""

    opens_at: int
    closes_at: int

    def __post_init__(self) -> None:
        if self.closes_at <= self.opens_at:
            raise ValueError("a window must close after it opens")

    def require_open(self, now: int) -> None:
        if now < self.opens_at:
            raise IllegalCommand("window_not_open", "the round's window has not opened yet")
        if now >= self.closes_at:
            raise IllegalCommand("window_closed", "the round's window has closed")


@dataclass(frozen=True)
class SelfPacedAttempt:
    """One contestant's progress through their paper.

    ``index`` is the question being taken (or next to be delivered);
    ``delivered_at``/``deadline`` are its clock once delivered.
    """

    time_limits_s: tuple[int, ...]
    extra_time_multiplier: float = 1.0
    index: int = 0
    delivered_at: int | None = None
    deadline: int | None = None

    def __post_init__(self) -> None:
        _require_multiplier(self.extra_time_multiplier)

    @property
    def finished(self) -> bool:
        return self.index >= len(self.time_limits_s)

    def remaining_ms(self, now: int) -> int:
        """Time left on the delivered question (0 once its deadline passed)."""
        return max(0, self.deadline - now) if self.deadline is not None else 0


@dataclass(frozen=True)
class QuestionDelivered:
    at: int
    index: int
    delivered_at: int
    deadline: int


@dataclass(frozen=True)
class QuestionMissed:
    """Delivered and never answered by its deadline plus grace: it scores zero."""

    at: int
    index: int


@dataclass(frozen=True)
class AnswerTaken:
    """An answer's timing: ``late`` answers score zero with reason "late".

    ``response_ms`` is capped at the question's allowed time, so grace never costs
    speed points.
    """

    at: int
    index: int
    response_ms: int
    late: bool

    @property
    def reason(self) -> str | None:
        return "late" if self.late else None


SelfPacedEvent = QuestionDelivered | QuestionMissed | AnswerTaken


def _expired(attempt: SelfPacedAttempt, now: int) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + GRACE_MS


def deliver(
    attempt: SelfPacedAttempt, window: SelfPacedWindow, now: int
) -> tuple[SelfPacedAttempt, tuple[SelfPacedEvent, ...]]:
    """Hand out the current question and start its clock.

    Asking again before answering returns the same question with its original clock
    (even after the window closed). A delivered question that expired unanswered is
    missed (:class:`QuestionMissed`) and the next one is delivered; after the last
    question the events hold only the miss. New questions are only delivered inside
    the window.
    """
    if attempt.delivered_at is not None and not _expired(attempt, now):
        assert attempt.deadline is not None, "a delivered question has a deadline"
        return attempt, (
            QuestionDelivered(now, attempt.index, attempt.delivered_at, attempt.deadline),
        )
    window.require_open(now)
    events: list[SelfPacedEvent] = []
    if attempt.delivered_at is not None:
        events.append(QuestionMissed(now, attempt.index))
        attempt = replace(attempt, index=attempt.index + 1, delivered_at=None, deadline=None)
    if attempt.finished:
        # A miss is still worth recording; the caller learns there is nothing next.
        if events:
            return attempt, tuple(events)
        raise IllegalCommand("no_more_questions", "every question on the paper has been taken")
    limit_ms = attempt.time_limits_s[attempt.index] * 1000
    due = now + round(limit_ms * attempt.extra_time_multiplier)
    events.append(QuestionDelivered(now, attempt.index, now, due))
    return replace(attempt, delivered_at=now, deadline=due), tuple(events)


def answer(
    attempt: SelfPacedAttempt, question_index: int, now: int
) -> tuple[SelfPacedAttempt, AnswerTaken]:
    """Take the answer to the delivered question and move on; there is no going back.

    Refusal codes: ``question_passed`` (an earlier question: answered or missed),
    ``question_not_delivered``, ``already_finished``.
    """
    if attempt.finished:
        raise IllegalCommand("already_finished", "every question on the paper has been taken")
    if question_index < attempt.index:
        raise IllegalCommand("question_passed", f"question {question_index} is behind you")
    if question_index != attempt.index or attempt.delivered_at is None:
        raise IllegalCommand(
            "question_not_delivered", f"question {question_index} has not been delivered"
        )
    assert attempt.deadline is not None, "a delivered question has a deadline"
    elapsed = min(now, attempt.deadline) - attempt.delivered_at
    taken = AnswerTaken(now, question_index, max(0, elapsed), late=_expired(attempt, now))
    return replace(attempt, index=attempt.index + 1, delivered_at=None, deadline=None), taken


def submit(attempt: SelfPacedAttempt) -> SelfPacedAttempt:
    """The paper handed in now: whatever was not answered scores nothing, and nothing
    more can be delivered or answered."""
    return replace(attempt, index=len(attempt.time_limits_s), delivered_at=None, deadline=None)


def live_round_to_dict(state: LiveRound) -> dict[str, object]:
    """Plain JSON-able form, so live state can live outside the process."""
    data: dict[str, object] = {
        "time_limits_s": list(state.time_limits_s),
        "status": state.status.value,
        "index": state.index,
        "opens_at": state.opens_at,
        "closes_at": state.closes_at,
        "paused_at": state.paused_at,
        "resume_to": state.resume_to.value if state.resume_to else None,
        "skipped": sorted(state.skipped),
        "seq": state.seq,
        "elimination": None,
    }
    if state.elimination is not None:
        data["elimination"] = {
            "revival_tokens": state.elimination.revival_tokens,
            "standing": sorted(state.elimination.standing),
            "eliminated": sorted(state.elimination.eliminated),
            "tokens_spent": dict(state.elimination.tokens_spent),
        }
    return data


def live_round_from_dict(data: Mapping[str, Any]) -> LiveRound:
    elimination = data.get("elimination")
    resume_to = data.get("resume_to")
    return LiveRound(
        time_limits_s=tuple(data["time_limits_s"]),
        status=LiveStatus(data["status"]),
        index=int(data["index"]),
        opens_at=data.get("opens_at"),
        closes_at=data.get("closes_at"),
        paused_at=data.get("paused_at"),
        resume_to=LiveStatus(resume_to) if resume_to else None,
        skipped=frozenset(data.get("skipped", ())),
        seq=int(data["seq"]),
        elimination=None
        if not elimination
        else Elimination(
            revival_tokens=elimination["revival_tokens"],
            standing=frozenset(elimination["standing"]),
            eliminated=frozenset(elimination["eliminated"]),
            tokens_spent=elimination["tokens_spent"],
        ),
    )
