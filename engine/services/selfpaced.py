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
from engine.domain.drawing import Paper, PaperDrawer, shuffle_seed
from engine.domain.questions import Question
from engine.domain.rounds import (
    ELDER_EXTRA_TIME,
    MAX_EXTRA_TIME,
    IllegalCommand,
    SelfPacedAttempt,
    SelfPacedWindow,
)
from engine.domain.standings import InvalidProfileError
from engine.ports import NO_PROGRESS, Leaderboard, LiveStore, Progress, SelfPacedReading
from engine.services import answering
from engine.services.answering import (
    RETRIES,
    Judged,
    RefusedCommand,
    StaleState,
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
    profile: dict[str, Any]  # as stored (``LiveStore.profile``)


@dataclass(frozen=True)
class Delivery:
    question: dict[str, Any] | None  # None when the paper is done
    index: int
    total: int
    deadline: int | None
    remaining_ms: int
    missed: tuple[int, ...]


#: Contestants whose state each process remembers (about 300 B each).
REMEMBERED = 100_000


@dataclass(frozen=True)
class _Known:
    """A contestant's attempt (as stored), progress and round score, where their next
    request starts from. ``read``: just read, the round running and no ban on them;
    otherwise remembered from this process's last request of theirs, which another
    process, device or host may have changed since: every write checks it against Redis
    in the same step (lua/answer.lua, lua/move_attempt.lua), and it is read again if
    not, so remembering saves each request its read round trip and decides nothing."""

    attempt: str
    progress: Progress
    score: float | None
    read: bool = False


class _Remembered:
    """Each contestant's last :class:`_Known` in this process, at most ``size`` (the
    oldest written forgotten first)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._known: dict[tuple[int, str], _Known] = {}

    def get(self, round_id: int, contestant: str) -> _Known | None:
        return self._known.get((round_id, contestant))

    def put(self, round_id: int, contestant: str, known: _Known) -> None:
        key = (round_id, contestant)
        if self._known.pop(key, None) is None and len(self._known) >= self._size:
            self._known.pop(next(iter(self._known)))
        self._known[key] = replace(known, read=False) if known.read else known

    def forget(self, round_id: int, contestant: str) -> None:
        self._known.pop((round_id, contestant), None)


@dataclass
class SelfPacedRounds:
    competitions: Competitions
    store: LiveStore
    leaderboard: Leaderboard
    media_url: Callable[[str], str]
    gate: EntryGate

    def __post_init__(self) -> None:
        self._paper = lru_cache(maxsize=65536)(self._draw)  # papers are immutable
        self._drawer = lru_cache(maxsize=256)(self._drawer_of)  # so are rounds' rules
        self._known = _Remembered(REMEMBERED)

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
            raise _finished()
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
        paper = self._drawer(round_id).draw(round_seed=plan.seed, contestant=contestant)
        # Kept with the paper: looking them up in the whole bank per request cost more
        # than the rest of the paper's Python.
        by_key = {q.key: q for q in plan.bank.questions}
        return paper, tuple(by_key[key] for key in paper.question_keys)

    def _drawer_of(self, round_id: int) -> PaperDrawer:
        plan = self.competitions.plan(round_id)
        return PaperDrawer(plan.rules.draw, plan.bank)

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
        contestant, profile = self.gate.enter(
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
        created = _attempt_json(attempt)
        self.store.create_attempt(round_id, contestant, created)
        self._known.put(round_id, contestant, _Known(created, NO_PROGRESS, None))
        return Entry(round_id, contestant, shown, created=True, profile=profile)

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
                self._known.forget(round_id, contestant)
                return
        raise Conflict("The attempt changed meanwhile; try again.")

    def _attempt(self, round_id: int, contestant: str) -> tuple[str, SelfPacedAttempt]:
        return _stored(self.store.attempt(round_id, contestant))

    # --- the paper -----------------------------------------------------------------------

    def next_question(self, round_id: int, contestant: str, now: int) -> Delivery:
        """The current question, its clock started on first delivery and never again."""
        return self._deliver(self.plan(round_id), contestant, now)

    def _deliver(
        self, plan: RoundPlan, contestant: str, now: int, known: _Known | None = None
    ) -> Delivery:
        """``next_question`` from ``known``, or else what this process remembers of the
        contestant, in one round trip (the write checks it: lua/move_attempt.lua); from
        a read when neither is known or it was not so."""
        round_id = plan.round_id
        window = self.window(plan)
        known = known or self._known.get(round_id, contestant)
        for _ in range(RETRIES):
            if known is None:
                known = self._read(round_id, contestant)
            raw, stored = _stored(known.attempt)
            try:
                after, shown, missed = _next(_current(stored, known.progress), stored, window, now)
            except IllegalCommand as refused:
                if not known.read:  # refused only from what was just read
                    known = None
                    continue
                raise RefusedCommand(refused.code, refused.message) from refused
            text = raw if after is stored else _attempt_json(after)
            if not known.read or text != raw:
                moved = self.store.move_attempt(round_id, contestant, (raw, known.progress), text)
                if moved != "saved":
                    self._known.forget(round_id, contestant)
                    _refuse_unless_moved(moved)
                    known = None
                    continue
            self._known.put(round_id, contestant, replace(known, attempt=text))
            return self._delivery(plan, contestant, shown, missed, now)
        raise Conflict("Too many simultaneous requests; try again.")

    def _read(self, round_id: int, contestant: str) -> _Known:
        """The contestant's state as it is, refused when banned or the round finished."""
        reading = self.store.selfpaced_reading(round_id, contestant)
        if reading.banned:
            raise banned()
        return _read_known(reading)

    def _delivery(
        self,
        plan: RoundPlan,
        contestant: str,
        attempt: SelfPacedAttempt,
        missed: tuple[int, ...],
        now: int,
    ) -> Delivery:
        """What a delivery shows of ``attempt``: its current question, or none when the
        paper is done."""
        questions = self._questions(plan, contestant)
        if attempt.finished:
            return Delivery(None, attempt.index, len(questions), None, 0, missed)
        paper = self.paper(plan, contestant)
        view = question_view(
            questions[attempt.index], paper, attempt.index, len(questions), self.media_url
        )
        return Delivery(
            view,
            attempt.index,
            len(questions),
            attempt.deadline,
            attempt.remaining_ms(now),
            missed,
        )

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

        One Redis round trip, the answer script, when this process remembers the
        contestant's attempt and progress (the script checks them, the ban and the
        round's end); a read before it otherwise. The stored attempt is not moved here:
        recording the answer moves it (see ``_current``).

        With ``advance``, the reply also carries ``next``: the delivery ``next_question``
        would now make, stored by the same script (starting the next question's clock);
        left out when that delivery is refused (the window closed), which
        ``next_question`` then says."""
        plan = self.plan(round_id)
        keys = [q.key for q in self._questions(plan, contestant)]
        if question_key not in keys:
            raise RefusedCommand("not_on_paper", "That question is not on your paper.")
        index = keys.index(question_key)
        known = self._known.get(round_id, contestant)
        for _ in range(RETRIES):
            if known is None:
                reading = self.store.selfpaced_reading(round_id, contestant, index)
                if reading.banned:
                    raise banned()
                if reading.first is not None:
                    return self._repeated(plan, contestant, index, reading, now, advance=advance)
                known = _read_known(reading)
            body = self._answer(plan, contestant, index, response, now, known, advance=advance)
            if body is not None:
                return body
            self._known.forget(round_id, contestant)
            known = None
        raise Conflict("Too many simultaneous requests; try again.")

    def _answer(
        self,
        plan: RoundPlan,
        contestant: str,
        index: int,
        response: object,
        now: int,
        known: _Known,
        *,
        advance: bool,
    ) -> dict[str, Any] | None:
        """``answer``'s reply, judged by the contestant's clock as ``known`` has it;
        None when that is not how it is stored (read it again)."""
        paper = self.paper(plan, contestant)
        question = self._questions(plan, contestant)[index]
        raw, stored = _stored(known.attempt)
        try:
            moved, taken = rounds.answer(_current(stored, known.progress), index, now)
        except IllegalCommand as refused:
            if not known.read:  # refused only from what was just read
                return None
            raise RefusedCommand(refused.code, refused.message) from refused
        verdict = verdict_of(plan, paper, question, response)
        after, shown = stored, None
        missed: tuple[int, ...] = ()
        if advance:
            with suppress(IllegalCommand):  # the answer stands; `next` is left out
                after, shown, missed = _next(moved, stored, self.window(plan), now)
        text = raw if after is stored else _attempt_json(after)
        judged = Judged(
            question=question,
            index=index,
            verdict=verdict,
            response_ms=min(taken.response_ms, plan.time_limit_s(question) * 1000),
            previous_index=index - 1,
            late=taken.late,
        )
        try:
            recorded = answering.record(
                self.store,
                plan,
                contestant,
                judged,
                seq=None,
                now=now,
                read=(known.progress, known.score),
                attempt=(raw, text),
            )
        except StaleState:
            return None
        except RefusedCommand as refused:  # said as a read before the answer says it
            if refused.code == "kicked":
                raise banned() from refused
            if refused.code == "already_finished":
                raise _finished() from refused
            raise
        if recorded.after is None:  # a duplicate: answered from another process
            self._known.forget(plan.round_id, contestant)
            body = self._answered(plan, question, recorded.result, now, duplicate=True)
            if advance:
                with suppress(ServiceError):  # the answer stands; `next` tells the refusal
                    body["next"] = delivered(self._deliver(plan, contestant, now), now)
            return body
        progress, score = recorded.after
        self._known.put(plan.round_id, contestant, _Known(text, progress, score))
        body = self._answered(plan, question, recorded.result, now, duplicate=False)
        if shown is not None:
            body["next"] = delivered(self._delivery(plan, contestant, shown, missed, now), now)
        return body

    def _repeated(
        self,
        plan: RoundPlan,
        contestant: str,
        index: int,
        reading: SelfPacedReading,
        now: int,
        *,
        advance: bool,
    ) -> dict[str, Any]:
        """The reply to an answer repeated: the first one's result, as a duplicate."""
        assert reading.first is not None, "only a first answer is repeated"
        question = self._questions(plan, contestant)[index]
        body = self._answered(plan, question, reading.first, now, duplicate=True)
        if advance:
            with suppress(ServiceError):  # the answer stands; `next` tells the refusal
                known = _read_known(reading)
                body["next"] = delivered(self._deliver(plan, contestant, now, known), now)
        return body

    def require_delivered(self, round_id: int, contestant: str, question_key: object) -> None:
        """Refuse unless ``question_key`` was delivered to the contestant (its clock
        started) and the round still runs."""
        plan = self.plan(round_id)
        keys = [q.key for q in self._questions(plan, contestant)]
        if question_key not in keys:
            raise RefusedCommand("not_on_paper", "That question is not on your paper.")
        reading = self.store.selfpaced_reading(round_id, contestant)
        if not reading.running:
            raise _finished()
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
                self._known.forget(round_id, contestant)
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
            raise _finished()
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


def _next(
    attempt: SelfPacedAttempt, stored: SelfPacedAttempt, window: SelfPacedWindow, now: int
) -> tuple[SelfPacedAttempt, SelfPacedAttempt, tuple[int, ...]]:
    """A delivery from ``attempt`` (the contestant's as it is; ``stored``: as stored):
    the attempt to store (``stored`` itself when nothing changes), the one to show, and
    the questions missed on the way; :class:`IllegalCommand` when refused."""
    if attempt.finished:
        return stored, attempt, ()
    new, events = rounds.deliver(attempt, window, now)
    missed = tuple(e.index for e in events if isinstance(e, rounds.QuestionMissed))
    return (stored if new == stored else new), new, missed


def _read_known(reading: SelfPacedReading) -> _Known:
    """A reading's state, refused once the round has finished."""
    if not reading.running:  # after the final standings nothing more scores
        raise _finished()
    raw, _ = _stored(reading.attempt)
    return _Known(raw, reading.progress, reading.score, read=True)


def _refuse_unless_moved(outcome: str) -> None:
    """Raise what refused a write that was checked against the contestant's state
    (move_attempt), unless the state had only moved."""
    if outcome == "banned":
        raise banned()
    if outcome == "finished":
        raise _finished()


def _finished() -> RefusedCommand:
    return RefusedCommand("already_finished", "The round has finished.")


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
