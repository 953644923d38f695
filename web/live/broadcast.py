"""Turning round events into Socket.IO messages: one emit per room, never per contestant.

Personal data (a contestant's points, streak and rank) is pulled with ``me`` or ``state``;
it is never pushed one by one, because with a message queue every emit reaches every
process.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask_socketio import SocketIO

from engine.domain import rounds
from engine.domain.rounds import LiveRound, RoundEvent
from engine.services.live import LiveRounds
from web.live import rooms


class Broadcaster:
    def __init__(self, socketio: SocketIO, live: LiveRounds) -> None:
        self._io = socketio
        self._live = live

    def _everyone(self, round_id: int, event: str, data: Any) -> None:
        self._io.emit(event, data, to=rooms.players(round_id), namespace="/play")
        self._io.emit(event, data, to=rooms.spectators(round_id), namespace="/watch")
        self._io.emit(event, data, to=rooms.hosts(round_id), namespace="/host")

    def round_events(self, round_id: int, state: LiveRound, events: tuple[RoundEvent, ...]) -> None:
        plan = self._live.competitions.plan(round_id)
        for event in events:
            if isinstance(event, rounds.QuestionOpened):
                self._everyone(round_id, "question", self._live.question_view(plan, state))
                # Let every phone's writer send the question before more is queued behind
                # it: the state that follows went out in the same write, so the last phone
                # got its question only after every phone's state was framed and sent.
                self._io.sleep(0)
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
        self._everyone(round_id, "state", self._live.state_view(round_id))

    def leaderboard(self, round_id: int, snapshot: dict[str, Any]) -> None:
        message = {
            "top": snapshot["top"],
            "count": snapshot["count"],
            "seq": snapshot["version"],
            "frozen": snapshot["frozen"],
        }
        self._everyone(round_id, "leaderboard", message)

    def answers_in(self, round_id: int) -> None:
        self._io.emit(
            "answers", self._live.answers_in(round_id), to=rooms.hosts(round_id), namespace="/host"
        )
