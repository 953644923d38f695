"""Who may enter a round: one entry per person, nobody while banned, not a flood at once.

Live and self-paced entries both pass through :class:`EntryGate`: it throttles entries
per client address and per round, and turns a nickname and an identity into the entry
keys the store compares (``engine.domain.identity`` says when two are the same).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from engine.domain.identity import fold, nickname_keys
from engine.domain.log import Joined
from engine.ports import LiveStore, Throttle
from engine.services.answering import RefusedCommand
from engine.services.errors import Conflict, Throttled


@dataclass(frozen=True)
class EntryLimits:
    """Entries allowed per ``window_s``; 0 switches a limit off. One address may be a
    school's or a carrier's NAT: raise ``per_client`` for halls behind one address."""

    per_client: int = 30
    per_round: int = 60_000
    window_s: int = 60


@dataclass(frozen=True)
class EntryKeys:
    """What an entry holds in its round: ``unique`` keys nobody else may hold, and
    ``banned_by`` keys that only a ban makes refuse others."""

    unique: tuple[str, ...]
    banned_by: tuple[str, ...]
    identity_hash: str


@dataclass
class EntryGate:
    throttle: Throttle
    limits: EntryLimits
    secret_key: str

    def admit(self, round_id: int, client: str | None) -> None:
        """Count one entry attempt; :class:`Throttled` when over a limit."""
        counted = [(f"entries:round:{round_id}", self.limits.per_round)]
        if client:
            address = self.keyed_hash(0, "client", client)
            counted.append((f"entries:client:{address}", self.limits.per_client))
        counted = [(name, limit) for name, limit in counted if limit]
        hits = self.throttle.hit_all([name for name, _ in counted], self.limits.window_s)
        for (name, limit), count in zip(counted, hits, strict=True):
            if count > limit:
                raise Throttled(
                    "Too many entries just now; try again shortly.",
                    max(self.throttle.retry_after(name), 1),
                )

    def keys(
        self, round_id: int, nickname: str, identity: str | None, *, unique_nickname: bool
    ) -> EntryKeys:
        """The entry keys of a nickname (unique in live rounds; in a self-paced round
        only a ban holds it) and of an identity (always unique; None or blank: none)."""
        named = tuple(f"nickname:{i}:{key}" for i, key in enumerate(nickname_keys(nickname)))
        folded = fold(identity) if identity else ""
        identity_hash = self.keyed_hash(round_id, "identity", folded) if folded else ""
        unique = (f"identity:{identity_hash}",) if identity_hash else ()
        if unique_nickname:
            return EntryKeys(named + unique, (), identity_hash)
        return EntryKeys(unique, named, identity_hash)

    def enter(
        self,
        store: LiveStore,
        round_id: int,
        shown: str,
        region: str | None,
        team: str | None,
        now: int,
        identity: str | None,
        client: str | None,
        unique_nickname: bool,
    ) -> tuple[str, dict[str, Any]]:
        """A new entry in the store, live or self-paced: (contestant, stored profile),
        once admitted and no entry key is held or banned (else raised: ``refuse``)."""
        self.admit(round_id, client)
        keys = self.keys(round_id, shown, identity, unique_nickname=unique_nickname)
        client_hash = self.keyed_hash(round_id, "client", client) if client else ""
        profile, log = join_records(
            round_id, shown, region, team, now, identity=keys.identity_hash, client=client_hash
        )
        contestant, status = store.join(
            round_id, keys.unique, profile, log, also_banned=keys.banned_by
        )
        refuse(status, keys, unique_nickname=unique_nickname)
        return contestant, profile

    def keyed_hash(self, round_id: int, purpose: str, value: str) -> str:
        """A value kept only to be compared: never stored as given."""
        message = f"{round_id}:{purpose}:{value}".encode()
        return hmac.new(self.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def join_records(
    round_id: int,
    shown: str,
    region: str | None,
    team: str | None,
    now: int,
    *,
    identity: str,
    client: str,
) -> tuple[dict[str, Any], Joined]:
    """What a join stores, live or self-paced: the contestant's profile and the answer
    log's join entry (``identity``, ``client``: keyed hashes, "" for none)."""
    profile = {"nickname": shown, "region": region, "team": team, "joined_at": now}
    return profile, Joined(round_id, shown, region, team, now, identity or None, client or None)


def refuse(status: str, keys: EntryKeys, *, unique_nickname: bool) -> None:
    """Raise why the store did not create the entry (``status`` from its join)."""
    if status == "banned":
        raise banned()
    if status != "taken":
        return
    if unique_nickname and keys.identity_hash:
        raise Conflict(
            "That nickname or identity has already entered this round.",
            {"nickname": ["taken"], "identity": ["entered"]},
        )
    if unique_nickname:
        raise Conflict("That nickname is taken in this round.", {"nickname": ["taken"]})
    raise Conflict("This identity has already entered the round.", {"identity": ["entered"]})


def banned() -> RefusedCommand:
    return RefusedCommand("banned", "A host has banned you from this round.")
