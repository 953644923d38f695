"""The lucky draw's pure core: pools, commitments, the seeded order, replacement."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.lucky_draw import (
    ALGORITHM,
    Entrant,
    PoolKind,
    PoolRule,
    Prize,
    differences,
    draw,
    pool_hash,
    pool_of,
    seed_hash,
    seeded_order,
)

SEED = bytes(range(32))
ids = st.text(alphabet="abcdefghijk0123456789-阿明", min_size=1, max_size=8)
pools = st.lists(ids, min_size=0, max_size=40, unique=True)
seeds = st.binary(min_size=32, max_size=32)
prize_lists = st.lists(
    st.builds(Prize, st.sampled_from(["一等奖", "二等奖", "mug"]), st.integers(1, 5)),
    min_size=1,
    max_size=4,
)


def published(seed: bytes, pool: list[str], prizes: list[Prize], out: list[str]) -> dict[str, Any]:
    return {
        "commitment": {
            "algorithm": ALGORITHM,
            "seed_sha256": seed_hash(seed),
            "pool_sha256": pool_hash(pool),
            "pool_size": len(pool),
        },
        "seed": seed.hex(),
        "pool": sorted(pool),
        "prizes": [{"prize": p.prize, "count": p.count} for p in prizes],
        "disqualified": [{"contestant": c, "reason": "r"} for c in out],
        "winners": [
            {"prize": s.prize, "contestant": s.contestant} for s in draw(seed, pool, prizes, out)
        ],
    }


def test_hashes_follow_the_documented_definition() -> None:
    # Sorted by UTF-8 bytes, joined by "\n", no trailing newline.
    assert pool_hash(["b", "a", "阿"]) == hashlib.sha256("a\nb\n阿".encode()).hexdigest()
    assert pool_hash([]) == hashlib.sha256(b"").hexdigest()
    assert seed_hash(SEED) == hashlib.sha256(SEED).hexdigest()
    digest = {m: hmac.new(SEED, m.encode(), hashlib.sha256).digest() for m in "abcdef"}
    assert seeded_order(SEED, "fedcba") == sorted("abcdef", key=digest.__getitem__)


def test_prizes_fill_slots_in_order_and_a_small_pool_leaves_slots_empty() -> None:
    order = seeded_order(SEED, ["a", "b", "c"])
    slots = draw(SEED, ["c", "a", "b"], [Prize("gold", 1), Prize("mug", 3)])
    assert [(s.prize, s.contestant) for s in slots] == [
        ("gold", order[0]),
        ("mug", order[1]),
        ("mug", order[2]),
        ("mug", None),
    ]


@settings(max_examples=80, deadline=None)
@given(seeds, pools, prize_lists, st.data())
def test_a_draw_is_a_function_of_its_seed_and_verifies_from_the_published_data(
    seed: bytes, pool: list[str], prizes: list[Prize], data: st.DataObject
) -> None:
    out = data.draw(st.lists(st.sampled_from(pool), unique=True) if pool else st.just([]))
    first = draw(seed, pool, prizes, out)
    assert first == draw(seed, list(reversed(pool)), prizes, out)  # pool order is irrelevant
    winners = [s.contestant for s in first if s.contestant is not None]
    assert len(winners) == len(set(winners))  # nobody wins twice
    assert not set(winners) & set(out)
    assert len(winners) == min(len(first), len(pool) - len(out))  # no slot left idle
    assert differences(published(seed, pool, prizes, out)) == []


@settings(max_examples=80, deadline=None)
@given(seeds, st.lists(ids, min_size=2, max_size=30, unique=True), prize_lists, st.data())
def test_a_disqualified_winner_is_replaced_by_the_next_in_the_seeded_order(
    seed: bytes, pool: list[str], prizes: list[Prize], data: st.DataObject
) -> None:
    before = draw(seed, pool, prizes)
    holders = [s.contestant for s in before if s.contestant is not None]
    loser = data.draw(st.sampled_from(holders))
    after = draw(seed, pool, prizes, [loser])
    order = seeded_order(seed, pool)
    following = order[len(holders)] if len(order) > len(before) else None
    slot = holders.index(loser)
    assert after[slot].contestant == following
    assert after[slot].prize == before[slot].prize
    # Every other winner keeps their prize.
    assert [s for i, s in enumerate(after) if i != slot] == [
        s for i, s in enumerate(before) if i != slot
    ]


def test_replacements_skip_members_disqualified_before_they_were_reached() -> None:
    order = seeded_order(SEED, list("abcdef"))
    # The reserve order[2] is disqualified first; then winner order[0]'s prize skips it.
    slots = draw(SEED, list("abcdef"), [Prize("p", 2)], [order[2], order[0]])
    assert [s.contestant for s in slots] == [order[3], order[1]]


@settings(max_examples=40, deadline=None)
@given(seeds, st.lists(ids, min_size=1, max_size=20, unique=True), prize_lists)
def test_verification_names_any_tampering(
    seed: bytes, pool: list[str], prizes: list[Prize]
) -> None:
    honest = published(seed, pool, prizes, [])
    other_seed = {**honest, "seed": bytes(b ^ 1 for b in seed).hex()}
    assert any("seed" in d for d in differences(other_seed))
    fewer = {**honest, "pool": honest["pool"][1:]}
    assert any("pool" in d for d in differences(fewer))
    swapped = {**honest, "winners": list(reversed(honest["winners"]))}
    if honest["winners"] != swapped["winners"]:
        assert any("winners differ" in d for d in differences(swapped))


def test_verification_of_garbage_says_so() -> None:
    assert differences({"seed": "zz"})[0].startswith("not a published draw")


def entrant(name: str, points: int, rank: int | None, correct: int, person: str = "") -> Entrant:
    return Entrant(name, person or name, points, rank, paper_size=3, correct=correct)


def test_pools_by_kind_leave_banned_entrants_out() -> None:
    field = [
        entrant("a", 300, 1, 3),
        entrant("b", 200, 2, 2),
        entrant("c", 200, 2, 2),
        entrant("d", 100, 4, 1),
        entrant("x", 900, None, 3),  # banned
    ]
    assert pool_of(PoolRule(PoolKind.ALL_CORRECT), field) == ["a"]
    assert pool_of(PoolRule(PoolKind.MIN_SCORE, threshold=200), field) == ["a", "b", "c"]
    assert pool_of(PoolRule(PoolKind.TOP, top=2), field) == ["a", "b", "c"]  # ties included
    assert PoolRule(PoolKind.TOP).problem() == ("top", "a positive rank is required for a top pool")
    assert PoolRule(PoolKind.MIN_SCORE).problem()[0] == "threshold"  # type: ignore[index]


def test_one_chance_per_person_keeps_one_entry_of_each_person() -> None:
    field = [entrant("b", 300, 1, 3, "p1"), entrant("a", 300, 1, 3, "p1"), entrant("c", 3, 3, 3)]
    assert pool_of(PoolRule(PoolKind.ALL_CORRECT, one_per_person=True), field) == ["a", "c"]
    assert pool_of(PoolRule(PoolKind.ALL_CORRECT), field) == ["a", "b", "c"]
