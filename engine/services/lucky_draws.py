"""Lucky draws of a finished round: commit, run, publish, disqualify.

Creating a draw fixes its pool (from the round's final standings and answers) and a
secret seed, and publishes only their hashes and the pool's size. Running it reveals the
seed, the pool and the winners; anyone can then recompute them (``leitai draw verify``).
The winners are never stored: they follow from what was committed plus the
disqualifications, in order (engine.domain.lucky_draw).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from engine.domain.contest import Mode
from engine.domain.lucky_draw import (
    ALGORITHM,
    SEED_BYTES,
    Entrant,
    PoolRule,
    Prize,
    draw,
    pool_hash,
    pool_of,
    seed_hash,
)
from engine.ports import DrawRepository
from engine.services.competitions import Competitions
from engine.services.errors import Conflict, Invalid, NotFound


@dataclass
class LuckyDraws:
    draws: DrawRepository
    competitions: Competitions
    random_bytes: Callable[[int], bytes]

    def create(
        self, round_id: int, title: str, rule: PoolRule, prizes: list[Prize]
    ) -> dict[str, Any]:
        """Commit a draw on the round's pool as it stands now (the round is finished)."""
        if problem := rule.problem():
            raise Invalid(f"The pool rule is incomplete: {problem[1]}.", {problem[0]: [problem[1]]})
        record = self.competitions.rounds
        row = record.round(round_id)
        if row is None:
            raise NotFound(f"There is no round {round_id}.")
        if row["status"] != "finished":
            raise Conflict("A draw is made on a finished round's final standings.")
        entrants, names = self._entrants(round_id)
        pool = pool_of(rule, entrants)
        seed = self.random_bytes(SEED_BYTES)
        created = self.draws.add(
            round_id=round_id,
            title=title,
            rule={**asdict(rule), "kind": rule.kind.value},
            prizes=[asdict(prize) for prize in prizes],
            seed=seed.hex(),
            seed_sha256=seed_hash(seed),
            pool=pool,
            pool_sha256=pool_hash(pool),
            names={member: names[member] for member in pool},
        )
        return published(created)

    def run(self, draw_id: int, now: datetime | None = None) -> dict[str, Any]:
        self.draw(draw_id)
        if not self.draws.mark_drawn(draw_id, now or datetime.now(UTC)):
            raise Conflict(f"Draw {draw_id} has been run already.")
        return self.view(draw_id)

    def disqualify(self, draw_id: int, contestant: str, reason: str) -> dict[str, Any]:
        """Take ``contestant`` out of the draw; a winner's prize goes to the next in the
        seeded order."""
        found = self.draw(draw_id)
        if found["drawn_at"] is None:
            raise Conflict("Disqualify after the draw has run; until then the pool is fixed.")
        if contestant not in found["pool"]:
            raise Invalid(
                f"{contestant!r} is not in draw {draw_id}'s pool.", {"contestant": ["not_in_pool"]}
            )
        if not self.draws.disqualify(draw_id, contestant, reason):
            raise Conflict(f"{contestant!r} has been disqualified already.")
        return self.view(draw_id)

    def view(self, draw_id: int) -> dict[str, Any]:
        return published(self.draw(draw_id))

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        return [published(found) for found in self.draws.of_round(round_id)]

    def round_of(self, draw_id: int) -> int:
        return self.draw(draw_id)["round_id"]

    def draw(self, draw_id: int) -> dict[str, Any]:
        found = self.draws.draw(draw_id)
        if found is None:
            raise NotFound(f"There is no draw {draw_id}.")
        return found

    def _entrants(self, round_id: int) -> tuple[list[Entrant], dict[str, str]]:
        """Each finished paper: points and rank from the final standings, correct
        answers from the record (a skipped question's, voided, do not count). A paper's
        size: a self-paced round's paper; in a live round, the questions answered by
        anyone and not skipped (a round may finish before its last question)."""
        record = self.competitions.rounds
        plan = self.competitions.plan(round_id)
        answers = [a for a in record.answers(round_id) if not a["voided"]]
        correct = Counter(a["contestant"] for a in answers if a["correct"])
        persons = {
            c["contestant"]: c.get("identity_hash") or c["contestant"]
            for c in record.contestants(round_id)
        }
        paper_size = (
            len(plan.questions)
            if plan.mode is Mode.SELF_PACED
            else len({a["question_key"] for a in answers})
        )
        standings = record.standings(round_id)
        entrants = [
            Entrant(
                contestant=s["contestant"],
                person=persons.get(s["contestant"], s["contestant"]),
                points=s["points"],
                rank=None if s.get("banned") else s["rank"],
                paper_size=paper_size,
                correct=correct[s["contestant"]],
            )
            for s in standings
        ]
        return entrants, {s["contestant"]: s["nickname"] for s in standings}


def published(found: Mapping[str, Any]) -> dict[str, Any]:
    """The draw as anyone may see it: the commitment; once drawn, also the seed, the
    pool's ids and the winners' display names (no other personal data)."""
    drawn = found["drawn_at"] is not None
    prizes = [Prize(p["prize"], p["count"]) for p in found["prizes"]]
    view: dict[str, Any] = {
        "id": found["id"],
        "round_id": found["round_id"],
        "title": found["title"],
        "status": "drawn" if drawn else "committed",
        "rule": found["rule"],
        "prizes": found["prizes"],
        "commitment": {
            "algorithm": ALGORITHM,
            "seed_sha256": found["seed_sha256"],
            "pool_sha256": found["pool_sha256"],
            "pool_size": len(found["pool"]),
        },
        "created_at": found["created_at"],
        "drawn_at": found["drawn_at"],
        "seed": None,
        "pool": None,
        "winners": None,
        "disqualified": [],
    }
    if not drawn:
        return view
    disqualified = [d["contestant"] for d in found["disqualified"]]
    slots = draw(bytes.fromhex(found["seed"]), found["pool"], prizes, disqualified)
    names = found["names"]
    return {
        **view,
        "seed": found["seed"],
        "pool": found["pool"],
        "winners": [
            {
                "prize": slot.prize,
                "contestant": slot.contestant,
                "nickname": names.get(slot.contestant) if slot.contestant else None,
            }
            for slot in slots
        ],
        "disqualified": found["disqualified"],
    }
