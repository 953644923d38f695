"""Who may see and drive a competition and its rounds.

A competition belongs to the organiser who created it (by user id, never by a name a
later account could take). Its owner may add co-hosts, who then drive its rounds as the
owner does; admins see and drive everything. To anyone else a competition does not
exist: they are told "not found", never "forbidden", so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.accounts import Capability, Organiser, Role


@dataclass(frozen=True)
class Hosting:
    """Who hosts a competition. ``owner`` is None for a competition whose creator is no
    longer known (created before owners were recorded, or the account was removed):
    only admins reach it."""

    competition_id: int
    owner: int | None
    cohosts: frozenset[int] = frozenset()

    def may_host(self, organiser: Organiser) -> bool:
        """See the competition, open and drive its rounds, read their results."""
        if not organiser.may(Capability.ROUNDS):
            return False
        return organiser.role is Role.ADMIN or organiser.id in self.hosts

    def may_appoint(self, organiser: Organiser) -> bool:
        """Add and remove co-hosts: the owner and admins, not the co-hosts themselves."""
        return organiser.role is Role.ADMIN or (
            organiser.may(Capability.ROUNDS) and organiser.id == self.owner
        )

    @property
    def hosts(self) -> frozenset[int]:
        owner = frozenset() if self.owner is None else frozenset({self.owner})
        return owner | self.cohosts


def cohost_problem(hosting: Hosting, candidate: Organiser) -> str | None:
    """Why ``candidate`` cannot be made a co-host, or None."""
    if not candidate.may(Capability.ROUNDS):
        return f"{candidate.role}s cannot host rounds"
    if candidate.id == hosting.owner:
        return "already the owner"
    return None
