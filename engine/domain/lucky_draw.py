"""The lucky draw: who is in the pool, the commitment published before the draw, and the
winners as a pure function of (seed, pool, prizes, disqualifications).

Algorithm ``leitai-draw-v1`` (docs/lucky-draw.md says the same, for re-implementers):

* pool hash: SHA-256 over the pool's member ids sorted by their UTF-8 bytes, joined by
  one ``\\n`` (no trailing newline), encoded as UTF-8; lowercase hex.
* seed hash: SHA-256 over the seed's 32 raw bytes; lowercase hex. The seed is published
  (after the draw) as 64 lowercase hex digits.
* seeded order: the members sorted by HMAC-SHA256(key=seed bytes, message=member id as
  UTF-8), compared as bytes, ties (never seen in practice) by the id's UTF-8 bytes.
* slots: the prizes expanded in the order given, ``count`` slots each; slot i (from 0)
  gets the i-th member of the seeded order. A pool smaller than the slots leaves the
  last slots empty.
* disqualifications, in the order they were made: a disqualified member in a slot is
  replaced by the first member of the seeded order not yet drawn and not disqualified
  (empty if none is left); one not in a slot is only skipped later. Nobody wins twice.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

ALGORITHM = "leitai-draw-v1"
SEED_BYTES = 32


class PoolKind(StrEnum):
    """Who may win. A closed set: each kind is a rule the pool is computed by."""

    ALL_CORRECT = "all_correct"  # every question of their paper answered correctly
    MIN_SCORE = "min_score"  # points >= threshold
    TOP = "top"  # rank <= top (ties at the edge included)
    CERTIFICATE_HOLDERS = "certificate_holders"  # holds a certificate not revoked
    QUALIFIERS = "qualifiers"  # a confirmed qualifier of a campaign stage


#: Kinds a campaign's draw takes (its pool spans its stages' rounds); a round's draw
#: takes the others.
CAMPAIGN_KINDS = frozenset({PoolKind.CERTIFICATE_HOLDERS, PoolKind.QUALIFIERS})
ROUND_KINDS = frozenset(PoolKind) - {PoolKind.QUALIFIERS}


@dataclass(frozen=True)
class PoolRule:
    kind: PoolKind
    threshold: int | None = None  # MIN_SCORE
    top: int | None = None  # TOP
    one_per_person: bool = False
    #: CERTIFICATE_HOLDERS: only certificates of these template keys (None: any).
    templates: tuple[str, ...] | None = None
    #: A campaign's stage (position from 1): QUALIFIERS' stage (required), or the stage
    #: whose rounds' certificates count (None: every stage's).
    stage: int | None = None

    def problem(self) -> tuple[str, str] | None:
        """(field, what is wrong), or None for a rule that can be applied."""
        if self.kind is PoolKind.QUALIFIERS and self.stage is None:
            return "stage", "required for a qualifiers pool"
        if self.templates is not None and not self.templates:
            return "templates", "at least one template key, or null for any"
        if self.kind is PoolKind.MIN_SCORE and self.threshold is None:
            return "threshold", "required for a min_score pool"
        if self.kind is PoolKind.TOP and (self.top is None or self.top < 1):
            return "top", "a positive rank is required for a top pool"
        return None


@dataclass(frozen=True)
class Entrant:
    """A contestant's finished paper, as much as a pool rule needs."""

    contestant: str
    person: str  # the same for two entries of one person (an identity hash, or the id)
    points: int
    rank: int | None  # None: banned, never in a pool
    paper_size: int
    correct: int
    #: Template keys of the certificates they hold, revoked ones left out.
    certificates: frozenset[str] = frozenset()
    qualified: bool = False  # a confirmed qualifier of the rule's stage


@dataclass(frozen=True)
class Prize:
    prize: str
    count: int


@dataclass(frozen=True)
class Slot:
    prize: str
    contestant: str | None  # None: the pool ran out


def pool_of(rule: PoolRule, entrants: Iterable[Entrant]) -> list[str]:
    """The member ids ``rule`` admits, sorted; banned entrants never. One chance per
    person keeps, of a person's entries, the one with the smallest id."""
    admitted = [e for e in entrants if e.rank is not None and _admits(rule, e)]
    if rule.one_per_person:
        first: dict[str, str] = {}
        for entrant in sorted(admitted, key=lambda e: _utf8(e.contestant)):
            first.setdefault(entrant.person, entrant.contestant)
        return sorted(first.values(), key=_utf8)
    return sorted((e.contestant for e in admitted), key=_utf8)


def _admits(rule: PoolRule, entrant: Entrant) -> bool:
    if rule.kind is PoolKind.ALL_CORRECT:
        return entrant.paper_size > 0 and entrant.correct >= entrant.paper_size
    if rule.kind is PoolKind.MIN_SCORE:
        return entrant.points >= (rule.threshold or 0)
    if rule.kind is PoolKind.CERTIFICATE_HOLDERS:
        held = entrant.certificates
        return bool(held if rule.templates is None else held & set(rule.templates))
    if rule.kind is PoolKind.QUALIFIERS:
        return entrant.qualified
    return entrant.rank is not None and entrant.rank <= (rule.top or 0)


def pool_hash(members: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(members, key=_utf8)).encode()).hexdigest()


def seed_hash(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def seeded_order(seed: bytes, members: Iterable[str]) -> list[str]:
    return sorted(
        members,
        key=lambda member: (hmac.new(seed, _utf8(member), hashlib.sha256).digest(), _utf8(member)),
    )


def draw(
    seed: bytes,
    members: Iterable[str],
    prizes: Sequence[Prize],
    disqualified: Sequence[str] = (),
) -> list[Slot]:
    """The winners, slot by slot in prize order (see the module's algorithm)."""
    order = seeded_order(seed, set(members))
    names = [prize.prize for prize in prizes for _ in range(prize.count)]
    holders: list[str | None] = list(order[: len(names)])
    holders += [None] * (len(names) - len(holders))
    drawn, out, following = set(order[: len(names)]), set[str](), len(names)
    for member in disqualified:
        out.add(member)
        if member not in holders:
            continue
        while following < len(order) and (order[following] in drawn or order[following] in out):
            following += 1
        replacement = order[following] if following < len(order) else None
        if replacement is not None:
            drawn.add(replacement)
            following += 1
        holders[holders.index(member)] = replacement
    return [Slot(name, holder) for name, holder in zip(names, holders, strict=True)]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def differences(published: dict) -> list[str]:  # type: ignore[type-arg]
    """What in a published draw (``GET /api/v1/draws/{id}`` after the run) does not
    follow from its seed, pool and prizes: empty when it verifies."""
    try:
        commitment = published["commitment"]
        seed = bytes.fromhex(published["seed"])
        members = list(published["pool"])
        prizes = [Prize(str(p["prize"]), int(p["count"])) for p in published["prizes"]]
        disqualified = [str(d["contestant"]) for d in published.get("disqualified", [])]
        winners = [w["contestant"] for w in published["winners"]]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        return [f"not a published draw: {error!r}"]
    found = []
    if commitment.get("algorithm") != ALGORITHM:
        found.append(f"algorithm {commitment.get('algorithm')!r} is not {ALGORITHM!r}")
    if seed_hash(seed) != commitment.get("seed_sha256"):
        found.append("the seed's SHA-256 differs from the committed seed_sha256")
    if pool_hash(members) != commitment.get("pool_sha256"):
        found.append("the pool's hash differs from the committed pool_sha256")
    if len(members) != commitment.get("pool_size") or len(set(members)) != len(members):
        found.append("the pool's size differs from the committed pool_size")
    expected = [slot.contestant for slot in draw(seed, members, prizes, disqualified)]
    if expected != winners:
        found.append(f"the winners differ: the seed draws {expected}, published {winners}")
    return found
