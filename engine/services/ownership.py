"""Ownership of competitions and their rounds: who may see and drive them.

Every organiser operation on a competition or round goes through :class:`Ownership`
first. An organiser who may not host it gets :class:`NotFound` with the very message a
missing id gets, so nobody learns which ids exist. The rules themselves are in
``engine.domain.ownership``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.domain.accounts import Capability, Organiser, Role
from engine.domain.ownership import Hosting, cohost_problem
from engine.ports import (
    CampaignHostsOfRounds,
    HostRepository,
    RoundsOfCompetitions,
    UserRepository,
)
from engine.services.errors import Forbidden, Invalid, NotFound


@dataclass
class Ownership:
    hosts: HostRepository
    users: UserRepository
    rounds: RoundsOfCompetitions
    #: A campaign's organisers host its stages' rounds too (docs/campaigns.md).
    campaigns: CampaignHostsOfRounds | None = None

    def competition(self, organiser: Organiser, competition_id: int) -> Hosting:
        """The competition's hosting, if ``organiser`` may host it; else NotFound."""
        found = self.hosts.hosting(competition_id)
        if found is None or not found.may_host(organiser):
            raise NotFound(f"There is no competition {competition_id}.")
        return found

    def round(self, organiser: Organiser, round_id: int) -> Hosting:
        """The hosting of the round's competition, or of the campaign whose stage has
        the round, if ``organiser`` may host it."""
        found = self.hosts.hosting(self.rounds.competition_id_of(round_id))
        if found is not None and found.may_host(organiser):
            return found
        # Asked only when the competition's hosts refuse: no extra read for them.
        for campaign in self.campaigns.hostings_of_round(round_id) if self.campaigns else ():
            if campaign.may_host(organiser):
                return campaign
        raise NotFound(f"There is no round {round_id}.")

    def visible(self, organiser: Organiser) -> list[dict[str, Any]]:
        """The competitions ``organiser`` may host: admins every one, newest first."""
        if not organiser.may(Capability.ROUNDS):
            return []
        return self.hosts.competitions(None if organiser.role is Role.ADMIN else organiser.id)

    def hosts_of(self, organiser: Organiser, competition_id: int) -> dict[str, Any]:
        """The owner (None when unknown) and the co-hosts, as organisers."""
        return self._described(self.competition(organiser, competition_id))

    def appoint(self, organiser: Organiser, competition_id: int, username: str) -> dict[str, Any]:
        """Make ``username`` a co-host (again: no change). Owner or admin only."""
        hosting = self._appointing(organiser, competition_id)
        candidate = organiser_named(self.users, username)
        if problem := cohost_problem(hosting, candidate):
            raise Invalid(f"{username!r} cannot co-host: {problem}.", {"username": [problem]})
        self.hosts.add_cohost(competition_id, candidate.id)
        return self.hosts_of(organiser, competition_id)

    def dismiss(self, organiser: Organiser, competition_id: int, username: str) -> dict[str, Any]:
        """Remove co-host ``username`` (not one: no change). Owner or admin only."""
        self._appointing(organiser, competition_id)
        self.hosts.remove_cohost(competition_id, organiser_named(self.users, username).id)
        return self.hosts_of(organiser, competition_id)

    def _appointing(self, organiser: Organiser, competition_id: int) -> Hosting:
        hosting = self.competition(organiser, competition_id)
        if not hosting.may_appoint(organiser):
            raise Forbidden("Only the competition's owner or an admin may change its hosts.")
        return hosting

    def _organiser_by_id(self, user_id: int) -> Organiser | None:
        account = self.users.get(user_id)
        return account.organiser if account is not None else None

    def _described(self, hosting: Hosting) -> dict[str, Any]:
        owner = self._organiser_by_id(hosting.owner) if hosting.owner is not None else None
        cohosts = [self._organiser_by_id(user_id) for user_id in sorted(hosting.cohosts)]
        return {
            "competition": hosting.competition_id,
            "owner": owner,
            "cohosts": [cohost for cohost in cohosts if cohost is not None],
        }


def organiser_named(users: UserRepository, username: str) -> Organiser:
    """The organiser a host list names (a competition's or a campaign's co-host)."""
    found = users.find(username)
    if found is None:
        raise Invalid(f"There is no organiser {username!r}.", {"username": ["unknown"]})
    return found[0].organiser
