"""Competitions, rounds and who may host them, on fakes."""

from __future__ import annotations

import pytest

from engine.domain.accounts import Organiser, Role
from engine.domain.rounds import LiveStatus
from engine.services.errors import Invalid, NotFound
from tests.services.conftest import KEYS, Fakes

LIVE = {"mode": "live", "draw": {"kind": "fixed", "keys": KEYS}}


def test_a_live_round_opens_in_its_lobby_with_codes_to_find_it(fakes: Fakes, bank: str) -> None:
    competition = fakes.competitions.create(
        title="决赛", bank_slug=bank, bank_version=1, rules=LIVE, created_by="ada"
    )
    row = fakes.competitions.open_round(competition["id"])
    assert fakes.competitions.round_id_by_code(row["code"].lower()) == row["id"]
    assert fakes.competitions.round_id_by_watch_code(row["watch_code"]) == row["id"]
    plan = fakes.competitions.plan(row["id"])
    assert [q.key for q in plan.questions] == KEYS
    state = fakes.store.load(row["id"])
    assert state is not None
    assert (state.status, state.total) == (LiveStatus.LOBBY, 3)
    assert fakes.competitions.competition(competition["id"])["rounds"] == [row]
    with pytest.raises(NotFound):
        fakes.competitions.round_id_by_code("ZZZZZZ")


def test_a_draw_the_bank_cannot_meet_is_refused(fakes: Fakes, bank: str) -> None:
    rules = {"mode": "live", "draw": {"kind": "fixed", "keys": ["nd-9999"]}}
    with pytest.raises(Invalid):
        fakes.competitions.create(
            title="t", bank_slug=bank, bank_version=1, rules=rules, created_by=None
        )


def test_a_self_paced_round_is_tracked_until_its_window_closes(fakes: Fakes, bank: str) -> None:
    rules = {**LIVE, "mode": "self_paced"}
    competition = fakes.competitions.create(
        title="t", bank_slug=bank, bank_version=1, rules=rules, created_by=None
    )
    with pytest.raises(Invalid):
        fakes.competitions.open_round(competition["id"])
    row = fakes.competitions.open_round(competition["id"], window=(1_000, 61_000))
    assert fakes.store.window_tracked(row["id"])
    assert fakes.store.windows_due(0) == []
    assert fakes.store.windows_due(10**12) == [row["id"]]


def test_only_hosts_see_a_competition_and_the_owner_appoints_cohosts(
    fakes: Fakes, bank: str
) -> None:
    owner = fakes.accounts.add("ann", "correct horse battery", "host")
    other = fakes.accounts.add("bob", "correct horse battery", "host")
    admin = Organiser(99, "root", Role.ADMIN)
    competition = fakes.competitions.create(
        title="t", bank_slug=bank, bank_version=1, rules=LIVE, created_by="ann", owner_id=owner.id
    )
    row = fakes.competitions.open_round(competition["id"])
    assert fakes.ownership.round(owner, row["id"]).owner == owner.id
    with pytest.raises(NotFound):
        fakes.ownership.round(other, row["id"])
    assert [c["id"] for c in fakes.ownership.visible(other)] == []
    fakes.ownership.appoint(owner, competition["id"], "bob")
    assert fakes.ownership.round(other, row["id"]).cohosts == {other.id}
    assert [c["id"] for c in fakes.ownership.visible(other)] == [competition["id"]]
    assert [c["id"] for c in fakes.ownership.visible(admin)] == [competition["id"]]
