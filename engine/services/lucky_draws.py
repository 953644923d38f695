"""Lucky draws of a finished round or of a campaign: commit, run, publish, disqualify.

Creating a draw fixes its pool (from the round's final standings, answers and issued
certificates; for a campaign, from its stages' rounds or confirmed qualifiers) and a
secret seed, and publishes only their hashes and the pool's size. Running it reveals the
seed, the pool and the winners; anyone can then recompute them (``leitai draw verify``).
The winners are never stored: they follow from what was committed plus the
disqualifications, in order (engine.domain.lucky_draw).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from engine.domain.contest import Mode
from engine.domain.lucky_draw import (
    ALGORITHM,
    CAMPAIGN_KINDS,
    ROUND_KINDS,
    SEED_BYTES,
    Entrant,
    PoolKind,
    PoolRule,
    Prize,
    draw,
    pool_hash,
    pool_of,
    seed_hash,
)
from engine.ports import CampaignRepository, CertificateStore, DrawRepository
from engine.services.competitions import Competitions
from engine.services.errors import Conflict, Invalid, NotFound


@dataclass
class LuckyDraws:
    draws: DrawRepository
    competitions: Competitions
    random_bytes: Callable[[int], bytes]
    #: Certificate holders' pools read the issued certificates, campaign draws the
    #: campaign's stages, qualifiers and entries; the wiring gives both (the services'
    #: fakes, drawing on scores only, need neither).
    certificates: CertificateStore | None = None
    campaigns: CampaignRepository | None = None

    def create(
        self, round_id: int, title: str, rule: PoolRule, prizes: list[Prize]
    ) -> dict[str, Any]:
        """Commit a draw on the round's pool as it stands now (the round is finished)."""
        _check(rule, ROUND_KINDS, "a round's draw")
        if rule.stage is not None:
            raise Invalid("A round's draw has no stage.", {"stage": ["only a campaign's draw"]})
        if not self._finished(round_id):
            raise Conflict(
                "A draw is made on a finished round's final standings.", reason="not_finished"
            )
        certified = rule.kind is PoolKind.CERTIFICATE_HOLDERS
        entrants, names = self._entrants(round_id, certified=certified)
        return self._commit(rule, title, prizes, entrants, names, round_id=round_id)

    def create_for_campaign(
        self, campaign_id: int, title: str, rule: PoolRule, prizes: list[Prize]
    ) -> dict[str, Any]:
        """Commit a draw among a campaign's certificate holders (of a stage's rounds, or
        of every stage's: each finished) or a stage's confirmed qualifiers. A member is
        a round's contestant (``round:contestant``) or a registration (``registration:N``);
        one chance per person counts a registration's attempts as one person."""
        _check(rule, CAMPAIGN_KINDS, "a campaign's draw")
        assert self.campaigns is not None, "the wiring gives draws the campaigns"
        if self.campaigns.campaign(campaign_id) is None:
            raise NotFound(f"There is no campaign {campaign_id}.")
        stages = self.campaigns.stages(campaign_id)
        if not stages:
            raise Conflict(
                "The campaign has no stage yet.", {"stage": ["no stages"]}, reason="no_stages"
            )
        if rule.stage is not None and not 1 <= rule.stage <= len(stages):
            raise Invalid("No such stage.", {"stage": [f"1 to {len(stages)}"]})
        chosen = stages if rule.stage is None else [stages[rule.stage - 1]]
        if rule.kind is PoolKind.QUALIFIERS:
            entrants, names = self._qualifiers(campaign_id, chosen[0])
        else:
            rounds = [r for stage in chosen for r in stage["rounds"]]
            running = [r for r in rounds if not self._finished(r)]
            if running:
                raise Conflict(
                    "Certificate holders are drawn among once every round has finished.",
                    {"rounds": [f"round {r} has not finished" for r in running]},
                    reason="rounds_not_finished",
                )
            entrants, names = self._campaign_entrants(campaign_id, rounds)
        return self._commit(rule, title, prizes, entrants, names, campaign_id=campaign_id)

    def _commit(
        self,
        rule: PoolRule,
        title: str,
        prizes: list[Prize],
        entrants: list[Entrant],
        names: Mapping[str, str],
        *,
        round_id: int | None = None,
        campaign_id: int | None = None,
    ) -> dict[str, Any]:
        pool = pool_of(rule, entrants)
        seed = self.random_bytes(SEED_BYTES)
        stored_rule = {**asdict(rule), "kind": rule.kind.value}
        if rule.templates is not None:
            stored_rule["templates"] = list(rule.templates)
        created = self.draws.add(
            round_id=round_id,
            campaign_id=campaign_id,
            title=title,
            rule=stored_rule,
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
            raise Conflict(f"Draw {draw_id} has been run already.", reason="drawn_already")
        return self.view(draw_id)

    def disqualify(self, draw_id: int, contestant: str, reason: str) -> dict[str, Any]:
        """Take ``contestant`` out of the draw; a winner's prize goes to the next in the
        seeded order."""
        found = self.draw(draw_id)
        if found["drawn_at"] is None:
            raise Conflict(
                "Disqualify after the draw has run; until then the pool is fixed.",
                reason="not_drawn",
            )
        if contestant not in found["pool"]:
            raise Invalid(
                f"{contestant!r} is not in draw {draw_id}'s pool.", {"contestant": ["not_in_pool"]}
            )
        if not self.draws.disqualify(draw_id, contestant, reason):
            raise Conflict(
                f"{contestant!r} has been disqualified already.", reason="disqualified_already"
            )
        return self.view(draw_id)

    def view(self, draw_id: int) -> dict[str, Any]:
        return published(self.draw(draw_id))

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        return [published(found) for found in self.draws.of_round(round_id)]

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]:
        return [published(found) for found in self.draws.of_campaign(campaign_id)]

    def held_by(self, draw_id: int) -> tuple[str, int]:
        """Whose draw it is, for the hosting check: ("round", id) or ("campaign", id)."""
        found = self.draw(draw_id)
        if found.get("campaign_id") is not None:
            return "campaign", found["campaign_id"]
        return "round", found["round_id"]

    def draw(self, draw_id: int) -> dict[str, Any]:
        found = self.draws.draw(draw_id)
        if found is None:
            raise NotFound(f"There is no draw {draw_id}.")
        return found

    def _finished(self, round_id: int) -> bool:
        row = self.competitions.rounds.round(round_id)
        if row is None:
            raise NotFound(f"There is no round {round_id}.")
        return row["status"] == "finished"

    def _qualifiers(
        self, campaign_id: int, stage: Mapping[str, Any]
    ) -> tuple[list[Entrant], dict[str, str]]:
        """The stage's confirmed qualifiers, a registration each."""
        assert self.campaigns is not None
        if stage["advancement"] is None:
            raise Conflict(
                "The stage has no advancement rule.",
                {"stage": ["no qualifiers"]},
                reason="no_advancement",
            )
        confirmed = self.campaigns.confirmed_qualifiers(stage["id"])
        if not confirmed:
            raise Conflict(
                "Confirm the stage's qualifiers before drawing among them.",
                {"stage": ["no confirmed qualifiers"]},
                reason="no_qualifiers",
            )
        nicknames = {r["id"]: r["nickname"] for r in self.campaigns.registrations(campaign_id)}
        entrants = [
            Entrant(_registration(r), _registration(r), 0, 1, 0, 0, qualified=True)
            for r in confirmed
        ]
        return entrants, {_registration(r): nicknames[r] for r in confirmed}

    def _campaign_entrants(
        self, campaign_id: int, rounds: list[int]
    ) -> tuple[list[Entrant], dict[str, str]]:
        """Every round's entrants with their certificates, as ``round:contestant``; a
        person is the registration whose attempt the entry was, else the round's own."""
        assert self.campaigns is not None
        registration_of = {
            (e["round_id"], e["contestant"]): e["registration"]
            for e in self.campaigns.entries(campaign_id)
        }
        entrants, names = [], {}
        for round_id in rounds:
            found, nicknames = self._entrants(round_id, certified=True)
            for entrant in found:
                member = f"{round_id}:{entrant.contestant}"
                registration = registration_of.get((round_id, entrant.contestant))
                person = (
                    f"{round_id}:{entrant.person}"
                    if registration is None
                    else _registration(registration)
                )
                entrants.append(replace(entrant, contestant=member, person=person))
                names[member] = nicknames[entrant.contestant]
        return entrants, names

    def _held(self, round_id: int) -> dict[str, frozenset[str]]:
        """Each contestant's certificates (template keys), revoked ones left out."""
        assert self.certificates is not None, "the wiring gives draws the certificates"
        held: dict[str, set[str]] = {}
        for certificate in self.certificates.of_round(round_id):
            if certificate["revoked_at_ms"] is None:
                held.setdefault(certificate["contestant"], set()).add(certificate["template"])
        return {contestant: frozenset(keys) for contestant, keys in held.items()}

    def _entrants(
        self, round_id: int, *, certified: bool = False
    ) -> tuple[list[Entrant], dict[str, str]]:
        """Each finished paper: points and rank from the final standings, correct
        answers from the record (a skipped question's, voided, do not count), and, if
        ``certified``, the certificates held. A paper's size: a self-paced round's
        paper; in a live round, the questions answered by anyone and not skipped (a
        round may finish before its last question)."""
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
        held = self._held(round_id) if certified else {}
        entrants = [
            Entrant(
                contestant=s["contestant"],
                person=persons.get(s["contestant"], s["contestant"]),
                points=s["points"],
                rank=None if s.get("banned") else s["rank"],
                paper_size=paper_size,
                correct=correct[s["contestant"]],
                certificates=held.get(s["contestant"], frozenset()),
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
        "campaign_id": found.get("campaign_id"),
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


def _check(rule: PoolRule, kinds: frozenset[PoolKind], whose: str) -> None:
    if problem := rule.problem():
        raise Invalid(f"The pool rule is incomplete: {problem[1]}.", {problem[0]: [problem[1]]})
    if rule.kind not in kinds:
        allowed = ", ".join(sorted(kind.value for kind in kinds))
        raise Invalid(f"{whose.capitalize()} takes a pool of {allowed}.", {"kind": [allowed]})


def _registration(registration_id: int) -> str:
    return f"registration:{registration_id}"
