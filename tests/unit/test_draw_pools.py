"""Pools of certificate holders and of qualifiers: who is in them, one chance per
person, and that a pool (hence its committed hash and size, hence the winners) is a
function of the entrants alone, whatever order they are read in."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.lucky_draw import (
    CAMPAIGN_KINDS,
    ROUND_KINDS,
    Entrant,
    PoolKind,
    PoolRule,
    Prize,
    draw,
    pool_hash,
    pool_of,
)

TEMPLATES = ("first", "second", "took-part")
entrants = st.lists(
    st.builds(
        Entrant,
        contestant=st.text(alphabet="0123456789:r", min_size=1, max_size=6),
        person=st.sampled_from(["p1", "p2", "p3", "p4"]),
        points=st.integers(0, 100),
        rank=st.none() | st.integers(1, 10),
        paper_size=st.just(3),
        correct=st.integers(0, 3),
        certificates=st.frozensets(st.sampled_from(TEMPLATES)),
        qualified=st.booleans(),
    ),
    max_size=30,
    unique_by=lambda e: e.contestant,
)
rules = st.builds(
    PoolRule,
    kind=st.sampled_from([PoolKind.CERTIFICATE_HOLDERS, PoolKind.QUALIFIERS]),
    one_per_person=st.booleans(),
    templates=st.none() | st.lists(st.sampled_from(TEMPLATES), min_size=1, unique=True).map(tuple),
    stage=st.just(1),
)


@settings(max_examples=150, deadline=None)
@given(rules, entrants, st.randoms(use_true_random=False), st.binary(min_size=32, max_size=32))
def test_a_pool_and_its_draw_depend_on_the_entrants_not_their_order(
    rule: PoolRule, found: list[Entrant], shuffler: random.Random, seed: bytes
) -> None:
    pool = pool_of(rule, found)
    shuffled = list(found)
    shuffler.shuffle(shuffled)
    again = pool_of(rule, shuffled)
    assert again == pool
    assert pool_hash(again) == pool_hash(pool)
    prizes = [Prize("mug", 3)]
    assert draw(seed, pool, prizes) == draw(seed, again, prizes)
    by_id = {e.contestant: e for e in found}
    for member in pool:
        entrant = by_id[member]
        assert entrant.rank is not None  # banned entrants never
        if rule.kind is PoolKind.QUALIFIERS:
            assert entrant.qualified
        else:
            wanted = set(rule.templates or TEMPLATES)
            assert entrant.certificates & wanted
    if rule.one_per_person:
        persons = [by_id[m].person for m in pool]
        assert len(persons) == len(set(persons))
        # Each person keeps their smallest admitted id.
        every = pool_of(PoolRule(rule.kind, templates=rule.templates, stage=1), found)
        for member in pool:
            theirs = [m for m in every if by_id[m].person == by_id[member].person]
            assert member == min(theirs, key=str.encode)
    else:
        assert len(pool) == len(set(pool))


def test_certificate_holders_by_template_and_revocation_is_the_callers() -> None:
    def holder(contestant: str, *templates: str, rank: int | None = 1) -> Entrant:
        return Entrant(contestant, contestant, 0, rank, 3, 0, frozenset(templates))

    found = [
        holder("1", "first", "took-part"),
        holder("2", "took-part"),
        holder("3"),
        holder("4", "first", rank=None),
    ]
    anyone = PoolRule(PoolKind.CERTIFICATE_HOLDERS)
    assert pool_of(anyone, found) == ["1", "2"]
    firsts = PoolRule(PoolKind.CERTIFICATE_HOLDERS, templates=("first",))
    assert pool_of(firsts, found) == ["1"]


def test_the_rules_name_what_is_missing() -> None:
    assert PoolRule(PoolKind.QUALIFIERS).problem() == ("stage", "required for a qualifiers pool")
    assert PoolRule(PoolKind.QUALIFIERS, stage=2).problem() is None
    empty = PoolRule(PoolKind.CERTIFICATE_HOLDERS, templates=())
    assert empty.problem() == ("templates", "at least one template key, or null for any")
    assert PoolKind.QUALIFIERS in CAMPAIGN_KINDS
    assert PoolKind.QUALIFIERS not in ROUND_KINDS
    assert PoolKind.CERTIFICATE_HOLDERS in CAMPAIGN_KINDS & ROUND_KINDS
