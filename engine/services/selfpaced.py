"""Self-paced rounds: entries in a window, a personal paper each, fair per-question clocks.

A question's clock starts when the server delivers it and is kept in Redis, so no
client action (asking again, reloading, another device) can lengthen it. The answer key
of a question, and whether an answer to it was right, leave the server only after the
contestant answered it (or, if the competition says so, after the window closed; the
public boards then stay at 0 until the round ends).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from engine.domain import rounds
from engine.domain.contest import Mode
from engine.domain.drawing import Paper, draw_paper, shuffle_seed
from engine.domain.questions import Question
from engine.domain.rounds import (
    ELDER_EXTRA_TIME,
    MAX_EXTRA_TIME,
    IllegalCommand,
    SelfPacedAttempt,
    SelfPacedWindow,
)
from engine.domain.standings import InvalidProfileError
from engine.ports import Leaderboard, LiveStore
from engine.services import answering
from engine.services.answering import (
    RETRIES,
    Judged,
    RefusedCommand,
    verdict_of,
)
from engine.services.bans import banned_rows
from engine.services.competitions import (
    Competitions,
    RoundPlan,
    checked_entrant,
    finish_at,
)
from engine.services.entrants import EntryGate, banned
from engine.services.errors import Conflict, Invalid, NotFound, ServiceError
from engine.services.finishing import finish_round
from engine.services.views import question_view


@dataclass(frozen=True)
class Entry:
    round_id: int
    contestant: str
    nickname: str
    created: bool


@dataclass(frozen=True)
class Delivery:
    question: dict[str, Any] | None  # None when the paper is done
    index: int
    total: int
    deadline: int | None
    remaining_ms: int
    missed: tuple[int, ...]


@dataclass
class SelfPacedRounds:
    competitions: Competitions
    store: LiveStore
    leaderboard: Leaderboard
    media_url: Callable[[str], str]
    gate: EntryGate

    def __post_init__(self) -> None:
        self._paper = lru_cache(maxsize=65536)(self._draw)  # papers are immutable

    def plan(self, round_id: int) -> RoundPlan:
        plan = self.competitions.plan(round_id)
        if plan.mode is not Mode.SELF_PACED:
            raise RefusedCommand("not_self_paced", "This round is live: join it over /play.")
        return plan

    def window(self, plan: RoundPlan, *, running: bool = False) -> SelfPacedWindow:
        """The round's window; with ``running``, refused once the round has finished (a
        host may end it before its window closes)."""
        assert plan.window is not None, "every self-paced round has a window"
        if running and not self.store.window_tracked(plan.round_id):
            raise RefusedCommand("already_finished", "The round has finished.")
        return SelfPacedWindow(*plan.window)

    def paper(self, plan: RoundPlan, contestant: str) -> Paper:
        """The contestant's own paper: the same (rule, version, seed, contestant), the
        same paper, so it is drawn again (and kept a while) rather than stored."""
        return self._paper(plan.round_id, contestant)[0]

    def _questions(self, plan: RoundPlan, contestant: str) -> tuple[Question, ...]:
        """The questions of the contestant's paper, in its order."""
        return self._paper(plan.round_id, contestant)[1]

    def _draw(self, round_id: int, contestant: str) -> tuple[Paper, tuple[Question, ...]]:
        plan = self.competitions.plan(round_id)
        paper = draw_paper(plan.rules.draw, plan.bank, round_seed=plan.seed, contestant=contestant)
        # Kept with the paper: looking them up in the whole bank per request cost more
        # than the rest of the paper's Python.
        by_key = {q.key: q for q in plan.bank.questions}
        return paper, tuple(by_key[key] for key in paper.question_keys)

    # --- entries -------------------------------------------------------------------------

    def enter(
        self,
        round_id: int,
        nickname: object,
        region: str | None,
        team: str | None,
        now: int,
        *,
        identity: str | None = None,
        client: str | None = None,
        elder: bool = False,
    ) -> Entry:
        """One entry per identity (kept only as a keyed hash) and round; none while the
        identity, a look-alike of the nickname or the entry is banned (``entrants``).
        An ``elder`` entry (made in elderly mode) gets twice each question's time where
        the rules' ``elder_extra_time`` allows it: the attempt's multiplier, which every
        deadline of the paper is computed from."""
        plan = self.plan(round_id)
        window = self.window(plan, running=True)
        try:
            window.require_open(now)
        except IllegalCommand as refused:
            raise RefusedCommand(refused.code, refused.message) from refused
        shown = checked_entrant(plan, nickname, region, team)
        contestant, _ = self.gate.enter(
            self.store, round_id, shown, region, team, now, identity, client, unique_nickname=False
        )
        try:
            self.leaderboard.register(
                round_id, contestant, shown, region, team, competition_id=plan.competition_id
            )
        except InvalidProfileError as error:
            raise Invalid(str(error), {"nickname": [str(error)]}) from error
        attempt = SelfPacedAttempt(
            tuple(plan.time_limit_s(q) for q in self._questions(plan, contestant)),
            extra_time_multiplier=(
                ELDER_EXTRA_TIME if elder and plan.rules.elder_extra_time else 1.0
            ),
        )
        self.store.create_attempt(round_id, contestant, _attempt_json(attempt))
        return Entry(round_id, contestant, shown, created=True)

    def reenter(self, round_id: int, contestant: str) -> bool:
        """Whether the contestant has an entry in the round to come back to (a resume
        token's); refused as banned once a host has banned them."""
        if self.store.attempt(round_id, contestant) is None:
            return False
        if self.store.is_kicked(round_id, contestant):
            raise banned()
        return True

    def grant_extra_time(self, round_id: int, contestant: str, multiplier: float) -> None:
        """An accessibility accommodation (WCAG 2.2.1), set by an organiser."""
        if not 1 <= multiplier <= MAX_EXTRA_TIME:
            raise Invalid("Extra time is a multiplier from 1 to 3.", {"multiplier": ["1..3"]})
        self.plan(round_id)
        for _ in range(RETRIES):
            raw, attempt = self._attempt(round_id, contestant)
            changed = replace(attempt, extra_time_multiplier=multiplier)
            if self.store.save_attempt(round_id, contestant, raw, _attempt_json(changed)):
                return
        raise Conflict("The attempt changed meanwhile; try again.")

    def _attempt(self, round_id: int, contestant: str) -> tuple[str, SelfPacedAttempt]:
        return _stored(self.store.attempt(round_id, contestant))

    # --- the paper -----------------------------------------------------------------------

    def next_question(self, round_id: int, contestant: str, now: int) -> Delivery:
        """The current question, its clock started on first delivery and never again."""
        return self._deliver(self.plan(round_id), contestant, now)

    def _deliver(
        self,
        plan: RoundPlan,
        contestant: str,
        now: int,
        known: tuple[str | None, tuple[int, int]] | None = None,
    ) -> Delivery:
        """``next_question``; ``known``: the attempt and progress as an answer just left
        them (the round running, the contestant not banned), which saves reading them
        again unless the attempt changed meanwhile."""
        round_id = plan.round_id
        window = self.window(plan)
        paper = self.paper(plan, contestant)
        questions = self._questions(plan, contestant)
        for _ in range(RETRIES):
            if known is None:
                reading = self.store.selfpaced_reading(round_id, contestant)
                if reading.banned:
                    raise banned()
                if not reading.running:
                    raise RefusedCommand("already_finished", "The round has finished.")
                known = reading.attempt, reading.progress
            (raw_attempt, progress), known = known, None
            raw, stored = _stored(raw_attempt)
            attempt = _current(stored, progress)
            if attempt.finished:
                return Delivery(None, attempt.index, len(questions), None, 0, ())
            try:
                new, events = rounds.deliver(attempt, window, now)
            except IllegalCommand as refused:
                if refused.code == "no_more_questions":
                    return Delivery(None, attempt.index, len(questions), None, 0, ())
                raise RefusedCommand(refused.code, refused.message) from refused
            if new != stored and not self.store.save_attempt(
                round_id, contestant, raw, _attempt_json(new)
            ):
                continue
            missed = tuple(e.index for e in events if isinstance(e, rounds.QuestionMissed))
            if new.finished:
                return Delivery(None, new.index, len(questions), None, 0, missed)
            return Delivery(
                question_view(
                    questions[new.index], paper, new.index, len(questions), self.media_url
                ),
                new.index,
                len(questions),
                new.deadline,
                new.remaining_ms(now),
                missed,
            )
        raise Conflict("Too many simultaneous requests; try again.")

    def answer(
        self,
        round_id: int,
        contestant: str,
        question_key: object,
        response: object,
        now: int,
        *,
        advance: bool = False,
    ) -> dict[str, Any]:
        """Score the answer to the delivered question once; a retry gets the first result.

        Two Redis round trips: one pipelined read, then the answer script. The stored
        attempt is not moved here: recording the answer moves it (see ``_current``).

        With ``advance``, the reply also carries ``next``: the delivery ``next_question``
        would now make (starting the next question's clock), at the cost of one more
        round trip instead of a request; left out when that delivery is refused (the
        round finished, the contestant banned), which ``next_question`` then says."""
        plan = self.plan(round_id)
        body, known = self._answer(plan, contestant, question_key, response, now)
        if advance:
            with suppress(ServiceError):  # the answer stands; `next` tells the refusal
                body["next"] = delivered(self._deliver(plan, contestant, now, known), now)
        return body

    def _answer(
        self, plan: RoundPlan, contestant: str, question_key: object, response: object, now: int
    ) -> tuple[dict[str, Any], tuple[str | None, tuple[int, int]] | None]:
        """``answer``'s reply, and the attempt and progress it left (``_deliver``'s
        ``known``) when the round runs and they are known without reading again."""
        paper = self.paper(plan, contestant)
        questions = self._questions(plan, contestant)
        keys = [q.key for q in questions]
        if question_key not in keys:
            raise RefusedCommand("not_on_paper", "That question is not on your paper.")
        index = keys.index(question_key)
        question = questions[index]
        reading = self.store.selfpaced_reading(plan.round_id, contestant, index)
        if reading.banned:
            raise banned()
        if reading.first is not None:
            known = (reading.attempt, reading.progress) if reading.running else None
            return self._answered(plan, question, reading.first, now, duplicate=True), known
        if not reading.running:  # after the final standings nothing more scores
            raise RefusedCommand("already_finished", "The round has finished.")
        attempt = _current(_stored(reading.attempt)[1], reading.progress)
        try:
            _, taken = rounds.answer(attempt, index, now)
        except IllegalCommand as refused:
            raise RefusedCommand(refused.code, refused.message) from refused
        verdict = verdict_of(plan, paper, question, response)
        judged = Judged(
            question=question,
            index=index,
            verdict=verdict,
            response_ms=min(taken.response_ms, plan.time_limit_s(question) * 1000),
            previous_index=index - 1,
            late=taken.late,
        )
        recorded = answering.record(
            self.store,
            plan,
            contestant,
            judged,
            seq=None,
            now=now,
            read=(reading.progress, reading.score),
        )
        body = self._answered(
            plan, question, recorded.result, now, duplicate=recorded.status == "duplicate"
        )
        return body, None if recorded.after is None else (reading.attempt, recorded.after[0])

    def require_delivered(self, round_id: int, contestant: str, question_key: object) -> None:
        """Refuse unless ``question_key`` was delivered to the contestant (its clock
        started) and the round still runs."""
        plan = self.plan(round_id)
        keys = [q.key for q in self._questions(plan, contestant)]
        if question_key not in keys:
            raise RefusedCommand("not_on_paper", "That question is not on your paper.")
        reading = self.store.selfpaced_reading(round_id, contestant)
        if not reading.running:
            raise RefusedCommand("already_finished", "The round has finished.")
        attempt = _current(_stored(reading.attempt)[1], reading.progress)
        index = keys.index(question_key)
        if index > attempt.index or (index == attempt.index and attempt.delivered_at is None):
            raise RefusedCommand("question_not_delivered", "That question has not been given.")

    def submit(self, round_id: int, contestant: str) -> None:
        """Hand the contestant's paper in now (their answers so far stand)."""
        for _ in range(RETRIES):
            reading = self.store.selfpaced_reading(round_id, contestant)
            raw, stored = _stored(reading.attempt)
            attempt = _current(stored, reading.progress)
            if attempt.finished:
                return
            if self.store.save_attempt(
                round_id, contestant, raw, _attempt_json(rounds.submit(attempt))
            ):
                return
        raise Conflict("Too many simultaneous requests; try again.")

    def _answered(
        self,
        plan: RoundPlan,
        question: Question,
        result: dict[str, Any],
        now: int,
        *,
        duplicate: bool,
    ) -> dict[str, Any]:
        """What an answer's reply may say: its result and the key once the reveal rule
        allows, else only that it was received (and whether in time, which is the
        clock's, not the key's)."""
        body = {"accepted": True, "duplicate": duplicate, "result": result}
        closed = now >= self.window(plan).closes_at
        if plan.rules.reveal_answers == "after_answer" or closed:
            body["answer"] = list(question.answer)
            body["explanation"] = dict(question.explanation) if question.explanation else None
        else:
            body["result"] = {
                "question": result["question"],
                "index": result["index"],
                "received": True,
                "late": result["late"],
            }
        return body

    def finish(self, round_id: int, now: int, *, early: bool = False) -> int:
        """Final standings once the window has closed (or now, when a host ends it
        ``early``); the number of contestants ranked."""
        plan = self.plan(round_id)
        row = self.competitions.rounds.round(round_id)
        if row is not None and row["status"] == "finished":
            raise RefusedCommand("already_finished", "The round has finished.")
        if not early and now < finish_at(plan):
            raise RefusedCommand("window_open", "Questions of the window may still be answered.")
        ranked = finish_round(
            self.leaderboard, self.competitions.rounds, round_id, banned_rows(self.store, round_id)
        )
        self.store.schedule_window(round_id, None)
        return ranked

    def seed_for(self, plan: RoundPlan, contestant: str) -> str:
        return shuffle_seed(plan.seed, contestant)


def delivered(delivery: Delivery, now: int) -> dict[str, Any]:
    """A delivery as the API and ``/play`` send it: with the server's clock, and ``done``
    once the paper is."""
    return {  # not dataclasses.asdict: it deep-copies the question, 3 % of an answer's CPU
        "question": delivery.question,
        "index": delivery.index,
        "total": delivery.total,
        "deadline": delivery.deadline,
        "remaining_ms": delivery.remaining_ms,
        "missed": list(delivery.missed),
        "server_time": now,
        "done": delivery.question is None,
    }


def _stored(raw: str | None) -> tuple[str, SelfPacedAttempt]:
    if raw is None:
        raise NotFound("No such entry in this round.")
    return raw, _attempt_from_json(raw)


def _current(stored: SelfPacedAttempt, progress: tuple[int, int]) -> SelfPacedAttempt:
    """The attempt as it is: past its delivered question once that is answered. The
    answer script records an answer and the contestant's progress in one atomic step and
    the stored attempt catches up at the next delivery, so an answered question never
    stays current, whatever crashes in between, and an answer costs no second write."""
    _, last_answered = progress
    if stored.delivered_at is None or last_answered < stored.index:
        return stored
    moved, _ = rounds.answer(stored, stored.index, stored.delivered_at)
    return moved


def _attempt_json(attempt: SelfPacedAttempt) -> str:
    return json.dumps(
        {
            "time_limits_s": list(attempt.time_limits_s),
            "extra_time_multiplier": attempt.extra_time_multiplier,
            "index": attempt.index,
            "delivered_at": attempt.delivered_at,
            "deadline": attempt.deadline,
        },
        separators=(",", ":"),
    )


def _attempt_from_json(raw: str) -> SelfPacedAttempt:
    data = json.loads(raw)
    return SelfPacedAttempt(
        time_limits_s=tuple(data["time_limits_s"]),
        extra_time_multiplier=data["extra_time_multiplier"],
        index=data["index"],
        delivered_at=data["delivered_at"],
        deadline=data["deadline"],
    )
