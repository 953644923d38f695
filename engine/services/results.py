"""A round's results from the durable record, and its leaderboards rebuilt from it.

SQL is the record: the contestants and answers drained from the answer log, and the
standings written when the round finished. Page-switch counts (integrity signals) are
kept in Redis only, beside the round's other live keys. Results read only that record (and the
live board for a round still running); callers drain the log first when they need
answers that are still in Redis.

Statistics (engine.domain.statistics) count a question as asked when it was opened and
not skipped, and a contestant as a taker once they answered an asked question; an
asked question a taker left unanswered scores 0. A skipped question's answers stay in
the record, voided (0 points): statistics and rebuilt boards leave them out.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from engine.domain.contest import Mode
from engine.domain.disclosure import key_disclosed
from engine.domain.histogram import score_bins
from engine.domain.questions import Question, QuestionType
from engine.domain.ranking import tie_break_ms
from engine.domain.rounds import LiveRound
from engine.domain.signals import AnswerFact, EntryFact, Signal, cheating_signals
from engine.domain.standings import Profile
from engine.domain.statistics import (
    ItemStatistics,
    TakerRecord,
    item_statistics,
    round_statistics,
    tally,
)
from engine.ports import FocusLog, Leaderboard, RoundRepository
from engine.services.bans import banned_rows
from engine.services.competitions import Competitions, RoundPlan
from engine.services.errors import Conflict, NotFound
from engine.services.finishing import live_board
from engine.services.live import LiveRounds, question_open
from engine.services.result_tables import standings_table

#: Cells Excel would run as a formula (CSV injection); such a cell gets a leading "'".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Rebuilt:
    contestants: int
    answers: int


@dataclass
class Results:
    record: RoundRepository
    competitions: Competitions
    live: LiveRounds
    leaderboard: Leaderboard
    focus: FocusLog
    #: Moves the answer log's pending entries into the record (``Drainer.drain_all``).
    drain: Callable[[], object]

    def report(self, round_id: int) -> dict[str, Any]:
        """Standings, per-question and whole-round statistics of a running or finished
        round, with every answer acknowledged by now (those still in Redis drained first)."""
        self.drain()
        row = self._round(round_id)
        plan = self.competitions.plan(round_id)
        if plan.mode is not Mode.SELF_PACED and row["status"] == "lobby":
            raise Conflict("The round has not started: there are no results yet.")
        answers = self.record.answers(round_id)
        by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for answer in answers:
            by_key[answer["question_key"]].append(answer)
        listed = _listed(plan, by_key.keys())
        asked, skipped = self._asked(plan, answers)
        by_taker: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        for answer in answers:
            if answer["question_key"] in asked:
                by_taker[answer["contestant"]][answer["question_key"]] = answer
        questions = {q.key: q for q in listed}
        sums = tally(
            [q.key for q in listed if q.key in asked],
            (_taker(questions, taken) for taken in by_taker.values()),
        )
        items = {item.key: item for item in item_statistics(sums)}
        state, finished = self._state(round_id), row["status"] == "finished"
        position = {q.key: index for index, q in enumerate(plan.questions)}
        source, standings = self.standings(round_id)
        entrants = self.record.contestants(round_id)
        return {
            "round": {
                "id": round_id,
                "competition_id": plan.competition_id,
                "title": plan.title,
                "status": row["status"],
            },
            "standings_source": source,
            "standings": standings,
            "contestants": len(entrants),
            "statistics": asdict(round_statistics(sums)),
            # Banned contestants are kept in the standings but not in the distribution.
            "score_bins": [
                asdict(b) for b in score_bins(r["points"] for r in standings if not r["banned"])
            ],
            "signals": [
                asdict(signal)
                for signal in _signals(
                    answers, entrants, self.focus.counts(round_id), plan.focus.tolerance
                )
            ],
            "questions": [
                _question_report(
                    question,
                    by_key[question.key],
                    items.get(question.key),
                    skipped=question.key in skipped,
                    disclosed=key_disclosed(position.get(question.key), state, finished=finished),
                )
                for question in listed
            ],
        }

    def standings(self, round_id: int) -> tuple[str, list[dict[str, Any]]]:
        """("final", the standings written at finish) or ("live", the live board now);
        banned contestants last, marked ``banned`` and without a rank."""
        if self._round(round_id)["status"] == "finished":
            return "final", self.record.standings(round_id)
        rows = [{**asdict(e), "banned": False} for e in live_board(self.leaderboard, round_id)]
        return "live", rows + banned_rows(self.live.store, round_id)

    def rebuild(self, round_id: int) -> Rebuilt:
        """Recompute every board of the round from the SQL record, ranks identical.

        A running round's public boards show what they showed: a live round's every
        closed question (none is open), or, frozen, the answers recorded before the
        freeze; a self-paced round revealing after its window, nothing. Afterwards they
        are held (or frozen) as before. Banned contestants stay off every board.
        """
        row = self._round(round_id)
        plan = self.competitions.plan(round_id)
        state = self._state(round_id)
        if state is not None and question_open(state):
            raise Conflict("A question is open: answers arriving during a rebuild would be lost.")
        profiles = {
            c["contestant"]: Profile(c["nickname"], c["region"], c["team"])
            for c in self.record.contestants(round_id)
        }
        recorded = self.record.answers(round_id)
        self._require_drained(round_id, state, len(profiles), len(recorded))
        banned = self.live.store.banned(round_id)  # they stay off the boards (bans.py)
        profiles = {c: p for c, p in profiles.items() if c not in banned}
        recorded = [a for a in recorded if not a["voided"] and a["contestant"] not in banned]
        rebuilt = Rebuilt(len(profiles), len(recorded))
        if row["status"] == "finished" or not plan.rules.public_board_waits:
            self.leaderboard.rebuild(round_id, _scored(recorded), profiles)
            return rebuilt
        frozen, frozen_at = self.leaderboard.frozen(round_id)
        self.leaderboard.rebuild(round_id, [], {})  # clears every board and the freeze
        self.leaderboard.plan_freeze(round_id)  # both views, until held or frozen below
        self.leaderboard.register_many(round_id, profiles)
        # A freeze with no recorded moment (never done by LiveRounds) freezes as of now.
        moment = float("inf")
        if plan.mode is Mode.SELF_PACED:
            moment = float("-inf")
        elif frozen and frozen_at is not None:
            moment = frozen_at
        self.leaderboard.add_many(
            round_id, _scored(a for a in recorded if a["answered_at_ms"] < moment)
        )
        if frozen:
            self.leaderboard.freeze(round_id, frozen_at)
        else:
            self.leaderboard.hold(round_id)
        self.leaderboard.add_many(
            round_id, _scored(a for a in recorded if a["answered_at_ms"] >= moment)
        )
        return rebuilt

    # --- helpers -------------------------------------------------------------------------

    def _round(self, round_id: int) -> dict[str, Any]:
        row = self.record.round(round_id)
        if row is None:
            raise NotFound(f"There is no round {round_id}.")
        return row

    def _state(self, round_id: int) -> LiveRound | None:
        """The live state, or None for a self-paced round or one Redis has lost."""
        try:
            return self.live.state(round_id)
        except NotFound:
            return None

    def _asked(
        self, plan: RoundPlan, answers: Iterable[Mapping[str, Any]]
    ) -> tuple[set[str], set[str]]:
        """Keys of the questions opened and not skipped, and of those skipped (by the
        live state, or the record's voided answers); without live state (self-paced, or
        lost), the questions asked are those the record has answers for."""
        answers = list(answers)
        skipped = {a["question_key"] for a in answers if a["voided"]}
        state = self._state(plan.round_id)
        if state is None:
            return {a["question_key"] for a in answers} - skipped, skipped
        skipped |= {plan.questions[i].key for i in state.skipped}
        opened = range(min(state.index + 1, len(plan.questions)))
        return {plan.questions[i].key for i in opened} - skipped, skipped

    def _require_drained(
        self, round_id: int, state: LiveRound | None, contestants: int, answers: int
    ) -> None:
        """Refuse to rebuild from a record that lags Redis: boards would lose scores."""
        store = self.live.store
        live_answers = 0
        if state is not None:
            live_answers = sum(store.answer_count(round_id, i) for i in range(state.index + 1))
        if store.contestant_count(round_id) > contestants or live_answers > answers:
            raise Conflict("The SQL record is behind Redis: drain the answer log first.")


def _scored(recorded: Iterable[Mapping[str, Any]]) -> list[tuple[str, int, int]]:
    """Recorded answers as the board adds them: (contestant, points, tie-break ms)."""
    return [
        (a["contestant"], a["points"], tie_break_ms(a["points"], a["response_ms"]))
        for a in recorded
    ]


def _taker(by_key: Mapping[str, Question], taken: Mapping[str, Mapping[str, Any]]) -> TakerRecord:
    return TakerRecord(
        credits={key: a["credit"] for key, a in taken.items()},
        choices={key: _chosen(by_key[key], a["response"]) for key, a in taken.items()},
    )


def _chosen(question: Question, response: Any) -> list[str]:
    """The options a stored response picked, for per-option uptake (choice questions)."""
    if question.type is QuestionType.SINGLE:
        return [str(response)]
    if question.type is QuestionType.MULTIPLE:
        return [str(key) for key in response]
    if question.type is QuestionType.TRUE_FALSE:
        return ["true" if response else "false"]
    return []  # text and order answers have no options to count


def _listed(plan: RoundPlan, answered: Iterable[str]) -> list[Question]:
    """The round's paper, then any other bank question answered (self-paced rounds
    draw a paper per contestant), in bank order."""
    on_paper = {q.key for q in plan.questions}
    extra = set(answered) - on_paper
    return [*plan.questions, *(q for q in plan.bank.questions if q.key in extra)]


def _question_report(
    question: Question,
    mine: list[dict[str, Any]],
    item: ItemStatistics | None,
    *,
    skipped: bool,
    disclosed: bool,
) -> dict[str, Any]:
    """A question's line in the report; its answer key only once ``disclosed``
    (engine.domain.disclosure), else None."""
    return {
        "key": question.key,
        "type": question.type.value,
        "prompt": dict(question.prompt),
        "choices": [{"key": c.key, "text": dict(c.text)} for c in question.choices],
        "answer": list(question.answer) if disclosed else None,
        "asked": item is not None,
        "skipped": skipped,
        "answers": len(mine),
        "correct": sum(1 for a in mine if a["correct"]),
        "mean_response_ms": sum(a["response_ms"] for a in mine) / len(mine) if mine else None,
        "p_value": item.p_value if item else None,
        "point_biserial": item.point_biserial if item else None,
        "item_rest": item.item_rest if item else None,
        "discrimination": item.discrimination_d if item else None,
        "options": {k: asdict(o) for k, o in item.options.items()} if item else {},
    }


def _signals(
    answers: Iterable[Mapping[str, Any]],
    entrants: Iterable[Mapping[str, Any]],
    switches: Mapping[str, int],
    tolerance: int,
) -> list[Signal]:
    """Flags for an organiser to look at (never acted on automatically)."""
    return cheating_signals(
        [
            AnswerFact(
                a["contestant"], a["question_key"], a["response"], a["response_ms"], a["correct"]
            )
            for a in answers
        ],
        [EntryFact(e["contestant"], e.get("client_hash"), e["joined_at_ms"]) for e in entrants],
        switches,
        tolerance,
    )


def standings_csv(standings: Iterable[Mapping[str, Any]]) -> str:
    """The standings as CSV text, starting with a BOM so Excel reads it as UTF-8
    (without one it guesses the locale's code page and garbles Chinese nicknames)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    table = standings_table(standings)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, bool):  # the banned column: "yes" stands out, "False" would not
        return "yes" if value else ""
    return "" if value is None else value
