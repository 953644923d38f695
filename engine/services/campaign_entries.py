"""A registration's attempts at a campaign's stages (docs/campaigns.md "Attempts" and "A
live round of a stage"): the attempt rule, the qualifiers of the stage before, and the
entry recorded as the stage's participation as it happens.

The attempt rule needs only when the registration's earlier attempts started, which the
entries' key gives (``CampaignRepository.attempt_starts``): no answer is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.domain.attempts import Attempt, AttemptKind, AttemptRule, may_start
from engine.domain.contest import Mode
from engine.ports import CampaignRepository, CampaignRounds
from engine.services.answering import RefusedCommand
from engine.services.campaigns import Campaigns
from engine.services.competitions import Competitions
from engine.services.errors import Conflict, NotFound
from engine.services.live import Joined, LiveRounds
from engine.services.registrations import token_hash
from engine.services.selfpaced import SelfPacedRounds


@dataclass
class RoundsOfCampaigns:
    """Rounds as campaigns use them (``ports.CampaignRounds``)."""

    competitions: Competitions
    selfpaced: SelfPacedRounds

    def competition_id_of(self, round_id: int) -> int:
        return self.competitions.competition_id_of(round_id)

    def finished(self, round_id: int) -> bool:
        found = self.competitions.rounds.round(round_id)
        return found is not None and found["status"] == "finished"

    def enter(
        self, round_id: int, nickname: str, now: int, *, identity: str, elder: bool = False
    ) -> str:
        if self.competitions.plan(round_id).mode is not Mode.SELF_PACED:
            raise Conflict(
                "A registration enters self-paced rounds; a live round is joined by its code.",
                {"round": ["not self-paced"]},
            )
        entry = self.selfpaced.enter(
            round_id, nickname, None, None, now, identity=identity, elder=elder
        )
        return entry.contestant


@dataclass(frozen=True)
class RegisteredJoin:
    """A registration's join of a live round of a campaign's stage."""

    joined: Joined
    registration: int
    unit: str | None  # the name of the registration's unit


@dataclass
class CampaignEntries:
    campaigns: Campaigns
    repository: CampaignRepository
    rounds: CampaignRounds
    #: Live rounds of stages are joined with a registration (``join_live``).
    live: LiveRounds

    def enter(
        self,
        campaign_id: int,
        token: str,
        round_id: int,
        now: int,
        *,
        practice: bool = False,
        elder: bool = False,
    ) -> str:
        """Start an attempt: the registration holding ``token`` enters the stage's
        self-paced ``round_id`` if the stage's attempt rule allows it (``elder``: from a
        page in elderly mode, double time where the round's rules allow); the contestant."""
        registration = self.repository.registration_by_token(token_hash(token))
        if registration is None or registration["campaign_id"] != campaign_id:
            raise NotFound("There is no registration with that token.")
        stages = self.repository.stages(campaign_id)
        stage = next((s for s in stages if round_id in s["rounds"]), None)
        if stage is None:
            raise NotFound(f"There is no round {round_id} in the campaign.")
        previous = _previous(stages, stage)
        if (
            previous is not None
            and previous["advancement"] is not None
            and not self.repository.qualified(previous["id"], registration["id"])
        ):
            raise Conflict(
                f"Only the qualifiers of stage {previous['position']} take part in this one.",
                {"registration": ["not a qualifier"]},
            )
        rule = AttemptRule(**stage["attempt_rule"])
        practice = practice or rule.kind is AttemptKind.PRACTICE
        made = self.repository.attempt_starts(registration["id"], stage["rounds"])
        if not practice:
            history = (Attempt(a["started_ms"], 0, 0, a["practice"]) for a in made)
            decision = may_start(rule, history, now)
            if not decision.allowed:
                assert decision.reason is not None
                raise Conflict(
                    f"No more attempts: {decision.reason.value.replace('_', ' ')}.",
                    {"attempt": [decision.reason.value], "opens_at": decision.opens_ms},
                )
        # Each attempt enters the round under its own identity: two tabs starting the
        # same attempt get one entry, the round refusing the second.
        identity = f"campaign-registration:{registration['id']}:{len(made) + 1}"
        contestant = self.rounds.enter(
            round_id, registration["nickname"], now, identity=identity, elder=elder
        )
        self._record(registration, stage, round_id, contestant, now, practice=practice)
        return contestant

    def campaign_of(self, round_id: int) -> int | None:
        """The campaign whose stage has the round (kept per process, as joins ask)."""
        return self.repository.campaign_of_round(round_id)

    def refuse_direct_entry(self, round_id: int) -> None:
        """A self-paced round of a campaign's stage is entered only through the campaign
        (``enter``: registration, qualifiers, the attempt rule), never by the round's own
        entry, which would let anyone take attempts the rule does not allow. A read of
        SQL every few seconds per round, not per entry (``campaign_of_round``)."""
        campaign_id = self.campaign_of(round_id)
        if campaign_id is not None:
            raise RefusedCommand(
                "campaign_round",
                f"This round is a stage of campaign {campaign_id}: start an attempt with "
                f"your registration (POST /api/v1/campaigns/{campaign_id}/entries).",
            )

    def join_live(
        self, round_id: int, token: str | None, now: int, *, client: str | None = None
    ) -> RegisteredJoin | None:
        """Join live round ``round_id`` of a campaign's stage with the registration
        holding ``token``: after a stage with an advancement rule only its confirmed
        qualifiers, else any registration of the campaign; everyone else is refused
        (``not_qualified``, ``not_registered``). The registration names the contestant
        (nickname, the region of its place's city, its unit) and enters the round once:
        joining again is coming back as that entry. None for a round in no campaign,
        which anyone joins as before (a read of SQL every few seconds, not per join)."""
        campaign_id = self.repository.campaign_of_round(round_id)
        if campaign_id is None:
            return None
        stages = self.repository.stages(campaign_id)
        stage = next(s for s in stages if round_id in s["rounds"])
        previous = _previous(stages, stage)
        after = previous if previous is not None and previous["advancement"] else None
        registration = self.repository.registration_by_token(token_hash(token)) if token else None
        if registration is not None and registration["campaign_id"] != campaign_id:
            registration = None  # another campaign's: none here
        if after is not None and (
            registration is None or not self.repository.qualified(after["id"], registration["id"])
        ):
            raise RefusedCommand(
                "not_qualified",
                f"This round admits only the qualifiers of stage {after['position']} "
                "(join with your registration).",
            )
        if registration is None:
            raise RefusedCommand(
                "not_registered", "This round admits the campaign's registrations: register first."
            )
        city = None
        if registration["place"] is not None:
            city = self.campaigns.places(campaign_id).city_of(registration["place"]).slug
        earlier = self.repository.entry_of(registration["id"], round_id)
        plan = self.live.competitions.plan(round_id)
        joined = self.live.join(
            plan.code,
            registration["nickname"],
            city if city in plan.rules.regions else None,
            None,
            now,
            resume=None if earlier is None else (round_id, earlier),
            identity=f"campaign-registration:{registration['id']}",
            client=client,
            unique_nickname=False,  # two registrations may share a nickname
        )
        if earlier is None:
            self._record(registration, stage, round_id, joined.contestant, now, practice=False)
        unit = None
        if registration["unit_id"] is not None:
            found = self.repository.unit(registration["unit_id"])
            unit = None if found is None else found["name"]
        return RegisteredJoin(joined, registration["id"], unit)

    def _record(
        self,
        registration: dict[str, Any],
        stage: dict[str, Any],
        round_id: int,
        contestant: str,
        now: int,
        *,
        practice: bool,
    ) -> None:
        """The attempt's entry; a counted one (not practice, in a stage whose rule is not
        practice) makes the registration a participant of the stage, once, in its unit's
        live count."""
        counted = not practice and stage["attempt_rule"]["kind"] != AttemptKind.PRACTICE
        self.repository.add_entry(
            registration_id=registration["id"],
            round_id=round_id,
            contestant=contestant,
            practice=practice,
            started_at_ms=now,
            counts_in=stage["id"] if counted else None,
            unit_id=registration["unit_id"],
        )


def _previous(stages: list[dict[str, Any]], stage: dict[str, Any]) -> dict[str, Any] | None:
    return stages[stage["position"] - 2] if stage["position"] > 1 else None
