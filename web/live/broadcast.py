"""Turning round events into Socket.IO messages: one emit per room, never per contestant.

Personal data (a contestant's points, streak and rank) is pulled with ``me`` or ``state``;
it is never pushed one by one, because with a message queue every emit reaches every
process.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from flask_socketio import SocketIO

from engine.domain import rounds
from engine.domain.rounds import LiveRound, RoundEvent
from engine.services.live import LiveRounds
from web.live import rooms
from web.live.queue import RedisQueue

#: Round events that tell everyone the round's new phase in their own message.
PHASES = (
    rounds.QuestionOpened,
    rounds.QuestionClosed,
    rounds.QuestionSkipped,
    rounds.AnswersRevealed,
    rounds.RoundFinished,
)

logger = logging.getLogger(__name__)


class Broadcaster:
    def __init__(self, socketio: SocketIO, live: LiveRounds) -> None:
        self._io = socketio
        self._live = live

    def catch_up(self, here: RedisQueue) -> None:
        """Each round's state to this process's own audiences, after its subscription to
        the message queue was lost: whatever was broadcast meanwhile never reached them,
        and ``state`` is what a reconnecting client catches up from."""
        views: dict[int, dict[str, Any] | None] = {}
        for namespace in rooms.AUDIENCES:
            for room in here.rooms_here(namespace):
                round_id = rooms.round_of(namespace, room)
                if round_id is None:
                    continue
                if round_id not in views:
                    views[round_id] = self._state_or_none(round_id)
                view = views[round_id]
                if view is not None:
                    here.emit_here("state", view, namespace, room)

    def _state_or_none(self, round_id: int) -> dict[str, Any] | None:
        try:
            return self._live.state_view(round_id)
        except Exception:  # a round gone or Redis away again: the next catch-up tells
            logger.exception("No state to catch round %s up with", round_id)
            return None

    def _everyone(self, round_id: int, event: str, data: Any) -> None:
        self._io.emit(event, data, to=rooms.players(round_id), namespace="/play")
        self._screens(round_id, event, data)

    def _screens(self, round_id: int, event: str, data: Any) -> None:
        """Spectators and hosts: a few connections a round, where phones are thousands."""
        self._io.emit(event, data, to=rooms.spectators(round_id), namespace="/watch")
        self._io.emit(event, data, to=rooms.hosts(round_id), namespace="/host")

    def round_events(self, round_id: int, state: LiveRound, events: tuple[RoundEvent, ...]) -> None:
        plan = self._live.competitions.plan(round_id)
        for event in events:
            if isinstance(event, rounds.QuestionOpened):
                self._everyone(round_id, "question", self._live.question_view(plan, state))
            elif isinstance(event, rounds.QuestionClosed | rounds.QuestionSkipped):
                closed = {
                    "index": event.index,
                    "seq": event.seq,
                    "at": event.at,
                    "skipped": isinstance(event, rounds.QuestionSkipped),
                }
                self._everyone(round_id, "closed", closed)
            elif isinstance(event, rounds.AnswersRevealed):
                reveal = self._live.reveal_view(plan, state, event.index)
                self._everyone(round_id, "reveal", {**reveal, "you": None})
            elif isinstance(event, rounds.ContestantsEliminated | rounds.RevivalsSpent):
                kind = (
                    "eliminated" if isinstance(event, rounds.ContestantsEliminated) else "revived"
                )
                self._everyone(round_id, kind, asdict(event))
            elif isinstance(event, rounds.RoundFinished):
                top = [asdict(e) for e in self._live.leaderboard.top(round_id, limit=10)]
                self._everyone(round_id, "finished", {"seq": event.seq, "top": top, "you": None})
        # Phones get the state only when no event above told them what changed (a pause,
        # a resume): each is a write to every phone, and after ``next`` a second copy of
        # the question queued behind the question itself.
        view = self._live.state_view(round_id)
        if any(isinstance(event, PHASES) for event in events):
            self._screens(round_id, "state", view)
        else:
            self._everyone(round_id, "state", view)

    def leaderboard(self, round_id: int, snapshot: dict[str, Any], *, players: bool) -> None:
        """A board snapshot to the phones (``players``), or to spectators and hosts."""
        message = {
            "top": snapshot["top"],
            "count": snapshot["count"],
            "seq": snapshot["version"],
            "frozen": snapshot["frozen"],
        }
        if players:
            self._io.emit("leaderboard", message, to=rooms.players(round_id), namespace="/play")
        else:
            self._screens(round_id, "leaderboard", message)

    def answers_in(self, round_id: int) -> None:
        """How many have answered the current question: what the screens show while it
        is open, the public board moving only when it closes."""
        self._screens(round_id, "answers", self._live.answers_in(round_id))
