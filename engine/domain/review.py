"""When a contestant may review their paper: which questions, and from when.

A review shows the key, the explanation and whether each answer was right, so it obeys
the reveal rule (DESIGN, Trust rules; docs/reveal-rule.md) exactly: a question's review
opens when its key may leave the server for that contestant, never earlier. What opens
depends only on the round's clock and on which questions the contestant answered, never
on whether an answer was right, so a contestant with throwaway nicknames learns nothing
from which reviews open.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from engine.domain.disclosure import key_disclosed
from engine.domain.rounds import LiveRound, LiveStatus


@dataclass(frozen=True)
class ReviewOpening:
    """The positions on the contestant's paper whose review is open (in paper order),
    and when more open, if the clock says (server ms), else None."""

    positions: tuple[int, ...]
    opens_at: int | None = None

    @property
    def open(self) -> bool:
        return bool(self.positions)


def live_review(total: int, state: LiveRound | None, *, finished: bool) -> ReviewOpening:
    """A live round's paper, question by question as each closes (all once the round
    has finished; none while the live state is lost)."""
    positions = tuple(i for i in range(total) if key_disclosed(i, state, finished=finished))
    opens_at = None
    if state is not None and state.status is LiveStatus.QUESTION_OPEN and not finished:
        opens_at = state.closes_at  # the open question closes on its clock (or earlier)
    return ReviewOpening(positions, opens_at)


def selfpaced_review(
    reveal_answers: str,
    total: int,
    answered: Collection[int],
    *,
    closes_at: int,
    now: int,
    finished: bool,
) -> ReviewOpening:
    """A self-paced round's personal paper: every question once the window has closed
    (or the round was ended); before that, with ``after_answer``, the questions the
    contestant answered; with ``after_close``, none."""
    if finished or now >= closes_at:
        return ReviewOpening(tuple(range(total)))
    if reveal_answers == "after_answer":
        return ReviewOpening(tuple(i for i in range(total) if i in answered), closes_at)
    return ReviewOpening((), closes_at)
