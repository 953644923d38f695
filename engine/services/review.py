"""A contestant's review of their own paper: each question with their answer, the key,
whether they were right, the points and the explanation, in their language.

It opens only as the reveal rule allows (engine.domain.review); until then the caller
gets :class:`ReviewNotYet`, the same for every contestant of the round whatever they
answered. It reads the SQL record (callers drain the answer log first, as for results),
and only the calling contestant's answers. A campaign registration's "wrong answers"
gathers the reviews of its attempts in the campaign's rounds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.domain.attempts import AttemptKind
from engine.domain.contest import Mode
from engine.domain.drawing import Paper
from engine.domain.questions import CHOICE_TYPES, Question, QuestionType
from engine.domain.review import ReviewOpening, live_review, selfpaced_review
from engine.ports import CampaignRepository, RoundRepository
from engine.services.competitions import Competitions, RoundPlan
from engine.services.errors import Conflict, NotFound
from engine.services.live import LiveRounds
from engine.services.selfpaced import SelfPacedRounds


class ReviewNotYet(Conflict):
    code = "review_not_yet"


@dataclass
class Reviews:
    competitions: Competitions
    live: LiveRounds
    selfpaced: SelfPacedRounds
    record: RoundRepository
    #: A campaign's stages and its registrations' attempts (the wiring gives them).
    campaigns: CampaignRepository | None = None

    def review(
        self,
        round_id: int,
        contestant: str,
        now: int,
        *,
        lang: str | None = None,
        wrong_only: bool = False,
        reveal: str | None = None,
    ) -> dict[str, Any]:
        """The contestant's paper, question by question as far as the reveal rule has
        opened it; ``wrong_only`` keeps the questions not answered right (unanswered
        ones included, skipped ones left out). ``reveal`` replaces a self-paced round's
        ``reveal_answers`` (a practice stage's attempts open as they are answered)."""
        row = self.competitions.rounds.round(round_id)
        if row is None:
            raise NotFound(f"There is no round {round_id}.")
        plan = self.competitions.plan(round_id)
        finished = row["status"] == "finished"
        answers = {a["question_index"]: a for a in self.record.answers_of(round_id, contestant)}
        paper, questions, opening, skipped = self._paper(
            plan, contestant, answers, now, finished, reveal
        )
        if not opening.open:
            raise ReviewNotYet(
                "The review opens when the reveal rule allows: "
                + ("after the round." if opening.opens_at is None else "see opens_at."),
                {"opens_at": opening.opens_at},
            )
        locale = lang or plan.bank.default_locale
        items = [
            _item(
                questions[i],
                i,
                paper,
                answers.get(i),
                in_locale=lambda text: _in(text, locale, plan.bank.default_locale),
                skipped=i in skipped,
            )
            for i in opening.positions
        ]
        if wrong_only:
            items = [item for item in items if not item["correct"] and not item["skipped"]]
        return {
            "round": round_id,
            "contestant": contestant,
            "lang": locale,
            "total": len(questions),
            "reviewable": len(opening.positions),
            "opens_at": opening.opens_at,
            "questions": items,
        }

    def _paper(
        self,
        plan: RoundPlan,
        contestant: str,
        answers: Mapping[int, Mapping[str, Any]],
        now: int,
        finished: bool,
        reveal: str | None = None,
    ) -> tuple[Paper, tuple[Question, ...], ReviewOpening, set[int]]:
        """The paper as the contestant saw it, what of it is open, and the positions
        skipped (a live host's skip voids the question for everyone)."""
        voided = {i for i, a in answers.items() if a["voided"]}
        if plan.mode is Mode.SELF_PACED:
            assert plan.window is not None, "every self-paced round has a window"
            paper = self.selfpaced.paper(plan, contestant)
            by_key = {q.key: q for q in plan.bank.questions}
            questions = tuple(by_key[key] for key in paper.question_keys)
            opening = selfpaced_review(
                reveal or plan.rules.reveal_answers,
                len(questions),
                answers.keys(),
                closes_at=plan.window[1],
                now=now,
                finished=finished,
            )
            return paper, questions, opening, voided
        try:
            state = self.live.state(plan.round_id)
        except NotFound:
            state = None  # Redis lost it: only the finished round's record opens
        opening = live_review(len(plan.questions), state, finished=finished)
        skipped = voided | (set(state.skipped) if state is not None else set())
        return plan.paper, plan.questions, opening, skipped

    def campaign_mistakes(
        self, campaign_id: int, registration: int, now: int, *, lang: str | None = None
    ) -> dict[str, Any]:
        """What a registration got wrong, attempt by attempt over the campaign's rounds
        (oldest first), each attempt as far as its review is open. Attempts in a
        practice stage open as they are answered: nothing of such a round counts. Any
        other attempt, a practice one in a counted stage included, follows its round's
        reveal rule, as others' counted attempts in that round may still be running."""
        assert self.campaigns is not None, "the wiring gives reviews the campaigns"
        stages = self.campaigns.stages(campaign_id)
        stage_of = {round_id: stage for stage in stages for round_id in stage["rounds"]}
        attempts = []
        for entry in self.campaigns.entries(campaign_id, registration):
            stage = stage_of.get(entry["round_id"])
            if stage is None:  # its round has left the campaign's stages
                continue
            practice_stage = stage["attempt_rule"]["kind"] == AttemptKind.PRACTICE.value
            found: dict[str, Any]
            try:
                found = self.review(
                    entry["round_id"],
                    entry["contestant"],
                    now,
                    lang=lang,
                    wrong_only=True,
                    reveal="after_answer" if practice_stage else None,
                )
            except ReviewNotYet as shut:
                opens_at = shut.fields["opens_at"]
                found = {"total": None, "reviewable": 0, "opens_at": opens_at, "questions": []}
            attempts.append(
                {
                    "round": entry["round_id"],
                    "stage": stage["position"],
                    "practice": entry["practice"] or practice_stage,
                    "started_at": entry["started_ms"],
                    "total": found["total"],
                    "reviewable": found["reviewable"],
                    "opens_at": found["opens_at"],
                    "wrong": found["questions"],
                }
            )
        return {
            "campaign": campaign_id,
            "registration": registration,
            "lang": lang,
            "wrong": sum(len(a["wrong"]) for a in attempts),
            "attempts": attempts,
        }


def _item(
    question: Question,
    index: int,
    paper: Paper,
    answer: Mapping[str, Any] | None,
    *,
    in_locale: Callable[[Mapping[str, str]], str],
    skipped: bool,
) -> dict[str, Any]:
    """One question of the review; choices as the contestant's paper showed them."""
    shown = paper.displayed_choices(question)
    texts = {choice.key: in_locale(choice.text) for choice in shown}
    response = None if answer is None else answer["response"]
    return {
        "index": index,
        "key": question.key,
        "type": question.type.value,
        "prompt": in_locale(question.prompt),
        "choices": [{"key": key, "text": text} for key, text in texts.items()],
        "answered": answer is not None,
        "response": response,
        "response_choices": _choices(question, response, texts),
        "answer": list(question.answer),
        "answer_choices": _choices(question, list(question.answer), texts),
        "correct": bool(answer is not None and answer["correct"] and not skipped),
        "points": 0 if answer is None or skipped else answer["points"],
        "skipped": skipped,
        "explanation": in_locale(question.explanation) if question.explanation else None,
    }


def _choices(question: Question, picked: Any, texts: Mapping[str, str]) -> list[dict[str, str]]:
    """The choices picked, with their texts: in the order given for an order question,
    else in the order shown; [] for other types or no answer."""
    if question.type not in CHOICE_TYPES or picked is None:
        return []
    keys = [picked] if isinstance(picked, str) else [str(k) for k in picked]
    if question.type is not QuestionType.ORDER:
        keys = [key for key in texts if key in keys]
    return [{"key": key, "text": texts.get(key, "")} for key in keys]


def _in(text: Mapping[str, str], locale: str, default: str) -> str:
    """The text in ``locale``, else in the bank's default locale, else in any it has
    (zh-Hant is already filled from zh-Hans by OpenCC in the round's plan)."""
    return text.get(locale) or text.get(default) or next(iter(text.values()), "")
