"""Scoring one judged answer and recording it exactly once: shared by live and
self-paced rounds, which differ only in how they judge the time."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from engine.domain.checking import InvalidResponse, Verdict, check_answer
from engine.domain.drawing import Paper
from engine.domain.log import Answered
from engine.domain.questions import CHOICE_TYPES, Question, QuestionType
from engine.domain.ranking import decode_score, tie_break_ms
from engine.domain.scoring import score_answer
from engine.ports import LiveStore
from engine.services.competitions import RoundPlan
from engine.services.errors import Conflict, Invalid, ServiceError

#: Retries when another answer or command moved the state between read and write.
RETRIES = 5


class RefusedCommand(ServiceError):
    """Something the round's state does not allow now (``code`` names why)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def kicked() -> RefusedCommand:
    return RefusedCommand("kicked", "The host removed you from this round.")


@dataclass(frozen=True)
class Judged:
    """An answer checked and timed by the server, ready to be scored."""

    question: Question
    index: int
    verdict: Verdict
    response_ms: int  # capped at the question's time limit
    previous_index: int  # the question before this one that counted, for streaks
    late: bool = False


@dataclass(frozen=True)
class Recorded:
    status: str  # accepted | duplicate
    result: dict[str, Any]
    #: accepted: the contestant's progress and round score after it, as ``read`` takes them
    after: tuple[tuple[int, int], float | None] | None = None


class StaleState(Exception):
    """The round's state moved on after the answer was judged: judge it again."""


def record(
    store: LiveStore,
    plan: RoundPlan,
    contestant: str,
    judged: Judged,
    *,
    seq: int | None,
    now: int,
    read: tuple[tuple[int, int], float | None],
    attempt: tuple[str, str] | None = None,
) -> Recorded:
    """Score from the contestant's streak and total as the caller knows them (``read``:
    their progress and round score), then let one Redis call accept it (or find the
    first answer); when the streak or total had moved, score again from what it says
    they are now. ``seq``: the round's seq a live answer was judged at (the call raises
    :class:`StaleState` if the round has moved on since); None for self-paced, whose
    ``attempt`` is (the attempt it was judged from, the one to store with it), and which
    is stale when the first is no longer the contestant's."""
    question, index = judged.question, judged.index
    credit = Fraction(0) if judged.late else judged.verdict.credit
    correct = judged.verdict.correct and not judged.late
    limit_ms = plan.time_limit_s(question) * 1000
    for _ in range(RETRIES):
        progress, score = read
        streak, last = progress
        award = score_answer(
            plan.rules.scoring,
            credit=credit,
            response_ms=judged.response_ms,
            time_limit_ms=limit_ms,
            weight=plan.rules.weight(question.key),
            streak_before=streak if last == judged.previous_index else 0,
            total_before=decode_score(score)[0] if score is not None else 0,
        )
        result = {
            "question": question.key,
            "index": index,
            "correct": correct,
            "late": judged.late,
            "reason": "late" if judged.late else None,
            "credit": float(credit),
            "points": award.points,
            "streak": award.streak,
            "response_ms": judged.response_ms,
        }
        outcome = store.record_answer(
            plan.round_id,
            plan.competition_id,
            contestant,
            index,
            seq=seq,
            expected_progress=progress,
            new_progress=(award.streak, index),
            expected_score=score,
            points=award.points,
            response_ms=tie_break_ms(award.points, judged.response_ms),
            result=result,
            options=options_of(question, judged.verdict),
            log=Answered(
                round_id=plan.round_id,
                contestant=contestant,
                question_index=index,
                question_key=question.key,
                response=judged.verdict.normalized,
                correct=correct,
                credit=float(credit),
                points=award.points,
                response_ms=judged.response_ms,
                answered_at_ms=now,
            ),
            attempt=attempt,
        )
        # The store gives a result when accepted or duplicate, a progress when accepted
        # or retry (LiveStore.record_answer).
        if outcome.status == "accepted":
            assert outcome.result is not None
            assert outcome.progress is not None
            return Recorded(outcome.status, outcome.result, (outcome.progress, outcome.score))
        if outcome.status == "duplicate":
            assert outcome.result is not None
            return Recorded(outcome.status, outcome.result)
        if outcome.status == "retry":
            assert outcome.progress is not None
            read = (outcome.progress, outcome.score)
            continue
        if outcome.status == "stale":
            raise StaleState()
        if outcome.reason == "kicked":
            raise kicked()
        raise RefusedCommand(outcome.reason or "refused", "The answer could not be scored.")
    raise Conflict("Too many simultaneous answers; try again.")


def verdict_of(plan: RoundPlan, paper: Paper, question: Question, response: object) -> Verdict:
    """The response checked against the question as ``paper`` showed it, or
    :class:`Invalid` saying what is wrong with it."""
    try:
        keys = choice_keys(paper, question, response)
        return check_answer(question, keys, partial_credit=plan.rules.partial_credit)
    except InvalidResponse as error:
        raise Invalid(str(error), {"response": [str(error)]}) from error


def choice_keys(paper: Paper, question: Question, response: object) -> object:
    """Choice keys as sent, or positions in the order shown mapped back to keys."""

    def is_position(value: object) -> bool:
        return isinstance(value, int) and not isinstance(value, bool)

    positions = is_position(response) or (
        isinstance(response, list) and any(is_position(r) for r in response)
    )
    if question.type in CHOICE_TYPES and positions:
        return paper.to_choice_keys(question.key, response)
    return response


def options_of(question: Question, verdict: Verdict) -> list[str]:
    """What goes into the live answer histogram: choices picked, or right/wrong."""
    if question.type is QuestionType.SINGLE:
        return [str(verdict.normalized)]
    if question.type is QuestionType.MULTIPLE:
        return [str(key) for key in verdict.normalized]  # type: ignore[union-attr]
    if question.type is QuestionType.TRUE_FALSE:
        return ["true" if verdict.normalized else "false"]
    return ["correct" if verdict.correct else "wrong"]
