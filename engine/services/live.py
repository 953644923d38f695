"""Running live rounds: host commands, joining, answering, and what each party is shown.

The rules are the domain's (rounds, checking, scoring, ranking); this module reads the
live state from the store, applies a rule, and writes the outcome back atomically. It
returns events and views; the web layer decides who receives them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from engine.domain import rounds
from engine.domain.contest import Mode
from engine.domain.log import Left, Voided
from engine.domain.rounds import (
    IllegalCommand,
    LiveRound,
    LiveStatus,
    QuestionOpened,
    QuestionSkipped,
    RoundEvent,
)
from engine.domain.standings import InvalidProfileError
from engine.ports import NO_PROGRESS, Leaderboard, LiveStore, Progress
from engine.services import answering
from engine.services.answering import (
    RETRIES,
    Judged,
    RefusedCommand,
    StaleState,
    kicked,
    verdict_of,
)
from engine.services.bans import banned_rows
from engine.services.competitions import Competitions, RoundPlan, checked_entrant
from engine.services.entrants import EntryGate, banned
from engine.services.errors import Conflict, Invalid, NotFound
from engine.services.finishing import finish_round
from engine.services.views import question_view

#: What a host may do to a live round, over HTTP and over Socket.IO; every one of them
#: is in ``COMMANDS`` but ``close``, which needs the open question's answers (``command``).
HOST_COMMANDS = ("start", "next", "close", "reveal", "pause", "resume", "skip", "finish")
COMMANDS: dict[str, Callable[[LiveRound, int], rounds.Transition]] = {
    "start": rounds.start,
    "next": rounds.next_question,
    "reveal": rounds.reveal,
    "skip": rounds.skip,
    "pause": rounds.pause,
    "resume": rounds.resume,
    "finish": rounds.finish,
}


@dataclass(frozen=True)
class Joined:
    plan: RoundPlan
    contestant: str
    profile: dict[str, Any]
    rejoined: bool


@dataclass(frozen=True)
class AnswerAck:
    accepted: bool
    duplicate: bool
    result: dict[str, Any]


#: What the answer path remembers per process: rounds' states, and contestants' progress
#: and round score (a guess the answer script checks; see ``LiveRounds.answer``).
ROUNDS_LIMIT = 1_000
KNOWN_LIMIT = 200_000
#: The progress and round score of a contestant who has not answered yet.
NEWCOMER: tuple[Progress, float | None] = (NO_PROGRESS, None)

K = TypeVar("K")
V = TypeVar("V")


@dataclass
class LiveRounds:
    competitions: Competitions
    store: LiveStore  # state, contestants, the answer script
    leaderboard: Leaderboard
    media_url: Callable[[str], str]
    gate: EntryGate
    #: Runs SQL's copy of a change the round's state in Redis has already taken: at once,
    #: or (wired) later if the database is away, so the command still succeeds.
    sql_write: Callable[[Callable[[], None]], None] = lambda write: write()
    _states: dict[int, LiveRound] = field(default_factory=dict, init=False, repr=False)
    _known: dict[tuple[int, str], tuple[tuple[int, int], float | None]] = field(
        default_factory=dict, init=False, repr=False
    )

    # --- host ----------------------------------------------------------------------------

    def command(
        self, round_id: int, name: str, now: int
    ) -> tuple[LiveRound, tuple[RoundEvent, ...]]:
        """Apply a host command; a refused one changes nothing and says why.

        A skip voids the question: its accepted answers come off every board and score 0
        in SQL (the void goes into the answer log with the state), and each voided
        answer's step of its contestant's streak is undone, so the skipped question
        neither builds nor breaks a streak (``_previous``). Skipping again finishes the
        voiding a process that died after saving the skip left undone.
        """
        plan = self.competitions.plan(round_id)
        if plan.mode is Mode.SELF_PACED:
            raise RefusedCommand("not_live", "A self-paced round has no host controls.")
        if name not in HOST_COMMANDS:
            raise Invalid(f"Unknown command {name!r}.", {"command": ["unknown"]})
        for _ in range(RETRIES):
            state = self._state(round_id)
            try:
                if name == "close":
                    correct = self._correct_now(round_id, state)
                    new, events = rounds.close(state, now, correct)
                else:
                    new, events = COMMANDS[name](state, now)
            except IllegalCommand as refused:
                if name == "skip" and refused.code == "question_skipped":
                    self.store.void_question(round_id, state.index, plan.competition_id)
                raise RefusedCommand(refused.code, refused.message) from refused
            skipped = next((e.index for e in events if isinstance(e, QuestionSkipped)), None)
            log = None if skipped is None else Voided(round_id, skipped, now)
            if self.store.save(round_id, state, new, log):
                _remember(self._states, round_id, new, ROUNDS_LIMIT)
                if skipped is not None:
                    self.store.void_question(round_id, skipped, plan.competition_id)
                self._publish_closed(round_id, new)
                self._freeze_if_due(plan, events)
                due = None
                if new.status is LiveStatus.QUESTION_OPEN and new.closes_at is not None:
                    due = new.closes_at + rounds.GRACE_MS
                self.store.schedule(round_id, new, due)
                if new.status is LiveStatus.FINISHED:
                    self.sql_write(lambda: self._finish(round_id))
                elif state.status is LiveStatus.LOBBY:
                    self.sql_write(lambda: self.competitions.rounds.set_status(round_id, "running"))
                return new, events
        raise Conflict("The round changed while the command ran; try again.")

    def _publish_closed(self, round_id: int, state: LiveRound) -> None:
        """Put the answers of every question closed by now on the public boards, which
        show nothing of a question until it closes; a question a process died before
        publishing is published by the next command."""
        last_closed = state.index - 1 if question_open(state) else state.index
        for index in range(self.store.published_through(round_id) + 1, last_closed + 1):
            self.store.publish_question(round_id, index)

    def _freeze_if_due(self, plan: RoundPlan, events: tuple[RoundEvent, ...]) -> None:
        """Freeze the public boards as the rules' freeze question opens."""
        at = plan.rules.freeze_at_question
        for event in events:
            if at is not None and isinstance(event, QuestionOpened) and event.index == at - 1:
                self.leaderboard.plan_freeze(plan.round_id)  # in case nobody has joined yet
                self.leaderboard.freeze(plan.round_id, event.at)

    def _finish(self, round_id: int) -> None:
        finish_round(
            self.leaderboard, self.competitions.rounds, round_id, banned_rows(self.store, round_id)
        )

    def close_if_due(
        self, round_id: int, now: int
    ) -> tuple[LiveRound, tuple[RoundEvent, ...]] | None:
        """Close the open question once its time and grace have run out (any process)."""
        state = self._state(round_id)
        if not rounds.due_to_close(state, now):
            return None
        try:
            return self.command(round_id, "close", now)
        except (RefusedCommand, Conflict):
            return None  # another process closed it first

    def _correct_now(self, round_id: int, state: LiveRound) -> set[str]:
        if state.elimination is None or state.status is not LiveStatus.QUESTION_OPEN:
            return set()
        answers = self.store.answers(round_id, state.index)
        return {c for c, result in answers.items() if result.get("correct")}

    def _state(self, round_id: int) -> LiveRound:
        """The round's state read now; remembered for judging answers (``answer``)."""
        state = _present(round_id, self.store.load(round_id))
        seen = self._states.get(round_id)
        if seen is None or state.seq >= seen.seq:  # a slower read must not undo a newer
            _remember(self._states, round_id, state, ROUNDS_LIMIT)
        return state

    def state(self, round_id: int) -> LiveRound:
        return self._state(round_id)

    @property
    def appended(self) -> int:
        """How many entries this process has added to the answer log (joins, answers)."""
        return self.store.appended

    def profile(self, round_id: int, contestant: str) -> dict[str, Any] | None:
        """A contestant's nickname, region and team; None for one who never joined."""
        return self.store.profile(round_id, contestant)

    # --- contestants ---------------------------------------------------------------------

    def join(
        self,
        code: str,
        nickname: object,
        region: str | None,
        team: str | None,
        now: int,
        *,
        resume: tuple[int, str] | None = None,
        identity: str | None = None,
        client: str | None = None,
        unique_nickname: bool = True,
    ) -> Joined:
        """Enter a round by code, or come back as the contestant a resume token names.

        A nickname that looks like one taken is taken (``engine.domain.identity``)
        unless ``unique_nickname`` is false (the identity stands for the contestant: a
        campaign's registration); an identity, when given, enters once; a banned
        contestant's nickname, identity and token are refused; entries from one
        ``client`` address are throttled.
        """
        round_id = self.competitions.round_id_by_code(code)
        plan = self.competitions.plan(round_id)
        if resume is not None:
            return self._rejoin(plan, *resume)
        state = self._state(round_id)
        if state.status is LiveStatus.FINISHED:
            raise RefusedCommand("already_finished", "The round has finished.")
        shown = checked_entrant(plan, nickname, region, team)
        if plan.mode is Mode.ELIMINATION and state.status is not LiveStatus.LOBBY:
            raise RefusedCommand(
                "round_not_open", "An elimination round admits no one once started."
            )
        contestant, profile = self.gate.enter(
            self.store, round_id, shown, region, team, now, identity, client, unique_nickname
        )
        try:
            if plan.rules.freeze_at_question is not None:
                self.leaderboard.plan_freeze(round_id)  # before the first registration
            self.leaderboard.register(
                round_id, contestant, shown, region, team, competition_id=plan.competition_id
            )
        except InvalidProfileError as error:
            raise Invalid(str(error), {"nickname": [str(error)]}) from error
        if plan.mode is Mode.ELIMINATION:
            self._admit_to_elimination(round_id, contestant)
        return Joined(plan, contestant, profile, rejoined=False)

    def _rejoin(self, plan: RoundPlan, round_id: int, contestant: str) -> Joined:
        """The contestant a resume token names; a token never falls back to a new entry."""
        profile = self.store.profile(round_id, contestant) if round_id == plan.round_id else None
        if profile is None:
            raise RefusedCommand("token_invalid", "The resume token is not for this round.")
        if self.store.is_kicked(round_id, contestant):
            raise banned()
        return Joined(plan, contestant, profile, rejoined=True)

    def leave(self, round_id: int, contestant: str, now: int) -> bool:
        """A contestant leaves the round (the phone's "join as someone else"): while the
        round is in its lobby the entry goes (True), its nickname and identity free, off
        the boards and the count, and its resume token names nobody any more; once
        started the entry and its score stay for the record (False). Leaving again
        changes nothing."""
        outcome = self.store.leave(round_id, contestant, Left(round_id, contestant, now))
        if outcome == "left" and self.competitions.plan(round_id).mode is Mode.ELIMINATION:
            self._withdraw_from_elimination(round_id, contestant)
        return outcome == "left"

    def _withdraw_from_elimination(self, round_id: int, contestant: str) -> None:
        for _ in range(RETRIES):
            state = self._state(round_id)
            new = rounds.withdraw(state, contestant)
            if new is state or self.store.save(round_id, state, new):
                return
        raise Conflict("The round changed while leaving; try again.")

    def _admit_to_elimination(self, round_id: int, contestant: str) -> None:
        for _ in range(RETRIES):
            state = self._state(round_id)
            try:
                new = rounds.join(state, contestant)
            except IllegalCommand as refused:
                raise RefusedCommand(refused.code, refused.message) from refused
            if self.store.save(round_id, state, new):
                return
        raise Conflict("The round changed while joining; try again.")

    def answer(
        self, round_id: int, contestant: str, question_key: object, response: object, now: int
    ) -> AnswerAck:
        """Judge an answer by the server clock, score it once, and log it.

        Judged against the state this process last saw and scored from the contestant's
        streak and total as they were after their last answer here: the answer script
        checks both (the round's seq; the streak and total), so a stale guess costs
        another try, never a wrong score. Reading them for every answer of a burst was
        most of the serving process's work.
        """
        plan = self.competitions.plan(round_id)
        asked = next((i for i, q in enumerate(plan.questions) if q.key == question_key), None)
        state = self._states.get(round_id)
        for _ in range(RETRIES):
            if state is None or _refusal(state, asked, now, contestant) is not None:
                state = self._state(round_id)
                refusal = _refusal(state, asked, now, contestant)
                if refusal is not None:
                    return self._refused(round_id, contestant, state, asked, refusal)
            assert asked is not None
            assert state.opens_at is not None
            question = plan.questions[asked]
            verdict = verdict_of(plan, plan.paper, question, response)
            judged = Judged(
                question=question,
                index=asked,
                verdict=verdict,
                response_ms=min(max(now - state.opens_at, 0), plan.time_limit_s(question) * 1000),
                previous_index=_previous(state, asked),
            )
            known = (round_id, contestant)
            try:
                recorded = answering.record(
                    self.store,
                    plan,
                    contestant,
                    judged,
                    seq=state.seq,
                    now=now,
                    read=self._known.get(known, NEWCOMER),
                )
            except StaleState:
                state = None
                continue
            if recorded.after is not None:
                _remember(self._known, known, recorded.after, KNOWN_LIMIT)
            return AnswerAck(
                accepted=True, duplicate=recorded.status == "duplicate", result=recorded.result
            )
        raise Conflict("The round changed while the answer was judged; try again.")

    def _refused(
        self,
        round_id: int,
        contestant: str,
        state: LiveRound,
        asked: int | None,
        refusal: RefusedCommand,
    ) -> AnswerAck:
        """Raise why an answer is not taken now, unless it repeats one that was (a retry
        whose ack was lost gets the first result even after the question closed)."""
        if self.store.is_kicked(round_id, contestant):
            raise kicked()
        if asked is not None and asked == state.index:
            first = self.store.answer_of(round_id, asked, contestant)
            if first is not None:
                return AnswerAck(accepted=True, duplicate=True, result=first)
        raise refusal

    # --- what people see -----------------------------------------------------------------

    def question_view(self, plan: RoundPlan, state: LiveRound) -> dict[str, Any] | None:
        """The open question as broadcast to everyone: never its answer."""
        if not 0 <= state.index < len(plan.questions):
            return None
        question = plan.questions[state.index]
        return {
            **question_view(question, plan.paper, state.index, state.total, self.media_url),
            "opens_at": state.opens_at,
            "closes_at": state.closes_at,
            "seq": state.seq,
        }

    def reveal_view(self, plan: RoundPlan, state: LiveRound, index: int) -> dict[str, Any]:
        """The answer, explanation and per-option counts, for everyone."""
        question = plan.questions[index]
        return {
            "key": question.key,
            "index": index,
            "answer": list(question.answer),
            "explanation": dict(question.explanation) if question.explanation else None,
            "stats": {
                "answers": self.store.answer_count(plan.round_id, index),
                "options": self.store.option_counts(plan.round_id, index),
            },
            "seq": state.seq,
        }

    def me(self, round_id: int, contestant: str) -> dict[str, Any]:
        """A contestant's own standing now (``you``), by the round's current question."""
        return self.you(self.competitions.plan(round_id), contestant, self._state(round_id))

    def you(self, plan: RoundPlan, contestant: str, state: LiveRound) -> dict[str, Any]:
        """A contestant's own points, streak, rank and result for the current question,
        as they stood when the last question closed: until the current one closes its
        answer is only "received" (DESIGN, Trust rules), and the points and rank are
        the public board's (which a freeze holds)."""
        standing = self.leaderboard.standing(plan.round_id, contestant)
        progress, _ = self.store.progress(plan.round_id, contestant)
        result = None
        if state.index >= 0:
            result = self.store.answer_of(plan.round_id, state.index, contestant)
        if result is not None and question_open(state):
            progress = self.store.progress_before(plan.round_id, state.index, contestant)
            result = {"question": result["question"], "index": state.index, "received": True}
        streak, _ = progress
        you: dict[str, Any] = {
            "contestant": contestant,
            "points": standing.points if standing else 0,
            "total_ms": standing.total_ms if standing else 0,
            "rank": standing.rank if standing else None,
            "of": standing.count if standing else None,
            "streak": streak,
        }
        if state.index >= 0:
            you["result"] = result
        return you

    def state_view(
        self, round_id: int, contestant: str | None = None, *, now: int | None = None
    ) -> dict[str, Any]:
        """Everything a (re)connecting client needs to catch up, with the current ``seq``.

        Given ``now``, also the server time and the open question's ``remaining_ms``, so a
        client whose clock is off still shows the right countdown.
        """
        plan = self.competitions.plan(round_id)
        state = self._state(round_id)
        view: dict[str, Any] = {
            "round": round_id,
            "title": plan.title,
            "mode": plan.mode.value,
            "status": state.status.value,
            "seq": state.seq,
            "index": state.index,
            "total": state.total,
            "contestants": self.store.contestant_count(round_id),
            "question": None,
            "reveal": None,
        }
        if state.status in (
            LiveStatus.QUESTION_OPEN,
            LiveStatus.PAUSED,
            LiveStatus.CLOSED,
            LiveStatus.REVEALED,
        ):
            view["question"] = self.question_view(plan, state)
        if state.status is LiveStatus.REVEALED:
            view["reveal"] = self.reveal_view(plan, state, state.index)
        if now is not None:
            view["now"] = now
            view["remaining_ms"] = _remaining_ms(state, now)
        if contestant is not None:
            view["you"] = self.you(plan, contestant, state)
        if state.elimination is not None and contestant is not None:
            view["you"]["standing"] = contestant in state.elimination.standing
        return view

    def answers_in(self, round_id: int) -> dict[str, int]:
        state = self._state(round_id)
        count = self.store.answer_count(round_id, state.index) if state.index >= 0 else 0
        return {"count": count, "of": self.store.contestant_count(round_id), "index": state.index}


def question_open(state: LiveRound) -> bool:
    """Whether the current question is still to close (open, or paused while open)."""
    return LiveStatus.QUESTION_OPEN in (state.status, state.resume_to)


def _refusal(
    state: LiveRound, asked: int | None, now: int, contestant: str
) -> RefusedCommand | None:
    """Why ``state`` does not take an answer to question ``asked`` now (None: it does)."""
    if asked is None or state.index != asked:
        return RefusedCommand("not_current", "That question is not the one open now.")
    admission = rounds.accepts_answer(state, asked, now, contestant=contestant)
    if not admission:
        return RefusedCommand(admission.reason or "closed", _late_message(admission.reason))
    return None


def _remember(cache: dict[K, V], key: K, value: V, limit: int) -> None:
    """Put ``key`` last in ``cache``, dropping the longest unused entry past ``limit``."""
    cache.pop(key, None)
    cache[key] = value
    if len(cache) > limit:
        del cache[next(iter(cache))]


def _present(round_id: int, state: LiveRound | None) -> LiveRound:
    if state is None:
        raise NotFound(f"Round {round_id} has no live state.")
    return state


def _remaining_ms(state: LiveRound, now: int) -> int | None:
    """Time left on the current question; a pause stops the clock."""
    if state.closes_at is None:
        return None
    if not question_open(state):
        return 0
    at = now
    if state.status is LiveStatus.PAUSED and state.paused_at is not None:
        at = state.paused_at  # a pause stops the clock
    return max(0, state.closes_at - at)


def _previous(state: LiveRound, index: int) -> int:
    """The question before ``index`` that counted (skipped ones do not break a streak)."""
    previous = index - 1
    while previous in state.skipped:
        previous -= 1
    return previous


def _late_message(reason: str | None) -> str:
    return {
        "late": "Time is up for that question.",
        "round_paused": "The round is paused.",
        "eliminated": "You are out of this round; you can keep watching.",
    }.get(reason or "", "That question is not open.")
