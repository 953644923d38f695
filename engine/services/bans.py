"""Bans: a kicked contestant is banned from the round until a host lifts it.

A ban refuses the contestant's answers, token and entry keys (their identity and their
nickname's look-alikes, see ``entrants``) and takes them off every board of the round;
the results keep them, marked ``banned``, with the score they had.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.domain.ranking import decode_score
from engine.ports import LiveStore
from engine.services.answering import RefusedCommand
from engine.services.competitions import Competitions
from engine.services.errors import NotFound


@dataclass
class Bans:
    competitions: Competitions
    store: LiveStore

    def ban(self, round_id: int, contestant: str) -> bool:
        """Ban ``contestant`` (False: they already were)."""
        self._entered(round_id, contestant)
        return self.store.ban(round_id, contestant)

    def lift(self, round_id: int, contestant: str) -> None:
        self._entered(round_id, contestant)
        if not self.store.lift(round_id, contestant):
            raise NotFound(f"Contestant {contestant} is not banned from round {round_id}.")

    def banned(self, round_id: int) -> list[dict[str, Any]]:
        """The banned contestants, as standing rows without a rank."""
        self.competitions.plan(round_id)
        return banned_rows(self.store, round_id)

    def _entered(self, round_id: int, contestant: str) -> None:
        """A contestant of a round still running: a finished round's standings are final."""
        self.competitions.plan(round_id)
        row = self.competitions.rounds.round(round_id)
        if row is not None and row["status"] == "finished":
            raise RefusedCommand("already_finished", "The round has finished.")
        if self.store.profile(round_id, contestant) is None:
            raise NotFound(f"Round {round_id} has no contestant {contestant}.")


def banned_rows(store: LiveStore, round_id: int) -> list[dict[str, Any]]:
    """Standing rows of the banned contestants: their score when banned, no rank."""
    rows = []
    for contestant, score in store.banned(round_id).items():
        points, total_ms = decode_score(int(score)) if score is not None else (0, 0)
        profile = store.profile(round_id, contestant) or {}
        rows.append(
            {
                "contestant": contestant,
                "rank": None,
                "points": points,
                "total_ms": total_ms,
                "nickname": profile.get("nickname", ""),
                "region": profile.get("region"),
                "team": profile.get("team"),
                "banned": True,
            }
        )
    return rows
