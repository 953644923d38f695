"""Competitions, rounds and their record, and lucky draws, in memory: the SQL adapters'
rows as dicts with the same keys."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from engine.domain.ownership import Hosting

COMPETITION_FIELDS = (
    "title", "mode", "bank_slug", "bank_version", "bank_hash", "rules", "created_by", "owner_id",
)  # fmt: skip
ROUND_FIELDS = ("competition_id", "code", "watch_code", "seed", "paper", "settings", "status")
CONTESTANT_FIELDS = (
    "contestant", "nickname", "region", "team", "joined_at_ms", "client_hash", "identity_hash",
)  # fmt: skip
ANSWER_FIELDS = (
    "contestant", "question_index", "question_key", "response", "correct", "credit", "points",
    "response_ms", "answered_at_ms", "voided",
)  # fmt: skip
STANDING_FIELDS = ("contestant", "rank", "points", "total_ms", "nickname", "region", "team")


class InMemoryRoundRepository:
    """Also the answer log's ``RoundRecorder``, as ``SqlRoundRepository`` is."""

    def __init__(self) -> None:
        self._competitions: dict[int, dict[str, Any]] = {}
        self._rounds: dict[int, dict[str, Any]] = {}
        self._contestants: dict[tuple[int, str], dict[str, Any]] = {}
        self._answers: dict[tuple[int, str, int], dict[str, Any]] = {}
        self._voided: set[tuple[int, int]] = set()
        self._standings: dict[int, list[dict[str, Any]]] = {}

    # competitions and rounds

    def add_competition(self, **fields: Any) -> dict[str, Any]:
        row = {"id": len(self._competitions) + 1, **dict.fromkeys(COMPETITION_FIELDS), **fields}
        self._competitions[row["id"]] = row
        return copy.deepcopy(row)

    def competition(self, competition_id: int) -> dict[str, Any] | None:
        return copy.deepcopy(self._competitions.get(competition_id))

    def add_round(self, **fields: Any) -> dict[str, Any] | None:
        rounds = self._rounds.values()
        if fields["code"] in {r["code"] for r in rounds} or fields["watch_code"] in {
            r["watch_code"] for r in rounds
        }:
            return None  # SQL's unique codes
        row = {"id": len(self._rounds) + 1, **dict.fromkeys(ROUND_FIELDS), **fields}
        self._rounds[row["id"]] = row
        return copy.deepcopy(row)

    def every_competition(self) -> list[dict[str, Any]]:
        """Not a port method: what the host fake reads."""
        return [copy.deepcopy(c) for _, c in sorted(self._competitions.items())]

    def round(self, round_id: int) -> dict[str, Any] | None:
        return copy.deepcopy(self._rounds.get(round_id))

    def round_by(self, *, code: str | None = None, watch_code: str | None = None) -> int | None:
        column, value = ("code", code) if code else ("watch_code", watch_code)
        return next((i for i, r in self._rounds.items() if r[column] == value), None)

    def rounds_of(self, competition_id: int) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(r)
            for _, r in sorted(self._rounds.items())
            if r["competition_id"] == competition_id
        ]

    def set_status(self, round_id: int, status: str) -> None:
        if round_id in self._rounds:
            self._rounds[round_id]["status"] = status

    # the drained record

    def record(
        self,
        joins: Iterable[Mapping[str, Any]],
        answers: Iterable[Mapping[str, Any]],
        voids: Iterable[Mapping[str, Any]] = (),
        lefts: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        for join in joins:
            key = (join["round_id"], join["contestant"])
            self._contestants.setdefault(key, {f: join.get(f) for f in CONTESTANT_FIELDS})
        for answer in answers:
            at = (answer["round_id"], answer["contestant"], answer["question_index"])
            row = {f: answer.get(f) for f in ANSWER_FIELDS}
            self._answers.setdefault(at, {**row, "voided": bool(row["voided"])})
        self._voided |= {(v["round_id"], v["question_index"]) for v in voids}
        for left in lefts:
            self._contestants.pop((left["round_id"], left["contestant"]), None)
        for (round_id, _, index), row in self._answers.items():
            if (round_id, index) in self._voided:
                row.update(points=0, voided=True)

    def contestants(self, round_id: int) -> list[dict[str, Any]]:
        return [copy.deepcopy(c) for (r, _), c in self._contestants.items() if r == round_id]

    def answers(self, round_id: int) -> list[dict[str, Any]]:
        rows = [a for (r, _, _), a in self._answers.items() if r == round_id]
        rows.sort(key=lambda a: (a["answered_at_ms"], a["contestant"], a["question_index"]))
        return copy.deepcopy(rows)

    def answers_of(self, round_id: int, contestant: str) -> list[dict[str, Any]]:
        rows = [a for (r, c, _), a in self._answers.items() if (r, c) == (round_id, contestant)]
        return copy.deepcopy(sorted(rows, key=lambda a: a["question_index"]))

    def save_standings(self, round_id: int, standings: Sequence[Mapping[str, Any]]) -> None:
        self._standings[round_id] = [
            {**{f: s.get(f) for f in STANDING_FIELDS}, "banned": bool(s.get("banned"))}
            for s in standings
        ]

    def standings(self, round_id: int) -> list[dict[str, Any]]:
        rows = self._standings.get(round_id, [])
        return copy.deepcopy(sorted(rows, key=_standing_order))


def _standing_order(row: Mapping[str, Any]) -> tuple[bool, int, str]:
    """SQL's ORDER BY banned, rank, contestant (a banned row has no rank)."""
    return row["banned"], row["rank"] or 0, row["contestant"]


class InMemoryDrawRepository:
    def __init__(self) -> None:
        self._draws: dict[int, dict[str, Any]] = {}

    def add(self, **fields: Any) -> dict[str, Any]:
        row = {
            "id": len(self._draws) + 1,
            **fields,
            "disqualified": [],
            "created_at": datetime.now(UTC),
            "drawn_at": None,
        }
        self._draws[row["id"]] = row
        return copy.deepcopy(row)

    def draw(self, draw_id: int) -> dict[str, Any] | None:
        return copy.deepcopy(self._draws.get(draw_id))

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(d) for _, d in sorted(self._draws.items()) if d["round_id"] == round_id
        ]

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]:
        return [
            copy.deepcopy(d)
            for _, d in sorted(self._draws.items())
            if d.get("campaign_id") == campaign_id
        ]

    def mark_drawn(self, draw_id: int, at: datetime) -> bool:
        row = self._draws.get(draw_id)
        if row is None or row["drawn_at"] is not None:
            return False
        row["drawn_at"] = at
        return True

    def disqualify(self, draw_id: int, contestant: str, reason: str) -> bool:
        row = self._draws.get(draw_id)
        if row is None or any(d["contestant"] == contestant for d in row["disqualified"]):
            return False
        row["disqualified"] = [*row["disqualified"], {"contestant": contestant, "reason": reason}]
        return True


class InMemoryHostRepository:
    """Owners come from the competitions of a round store; co-hosts are kept here."""

    def __init__(self, rounds: InMemoryRoundRepository) -> None:
        self._rounds = rounds
        self._cohosts: dict[int, list[int]] = {}

    def hosting(self, competition_id: int) -> Hosting | None:
        competition = self._rounds.competition(competition_id)
        if competition is None:
            return None
        cohosts = frozenset(self._cohosts.get(competition_id, []))
        return Hosting(competition_id, competition["owner_id"], cohosts)

    def add_cohost(self, competition_id: int, user_id: int) -> None:
        hosts = self._cohosts.setdefault(competition_id, [])
        if user_id not in hosts:
            hosts.append(user_id)

    def remove_cohost(self, competition_id: int, user_id: int) -> None:
        if user_id in self._cohosts.get(competition_id, []):
            self._cohosts[competition_id].remove(user_id)

    def competitions(self, host_id: int | None) -> list[dict[str, Any]]:
        """Newest first, as SQL orders them."""
        every = self._rounds.every_competition()[::-1]
        if host_id is None:
            return every
        return [
            c
            for c in every
            if c["owner_id"] == host_id or host_id in self._cohosts.get(c["id"], [])
        ]
