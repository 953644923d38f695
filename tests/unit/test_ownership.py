"""Who may host a competition, and who may change its hosts (engine.domain.ownership)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.accounts import Organiser, Role
from engine.domain.ownership import Hosting, cohost_problem

OWNER, COHOST, OTHER = 1, 2, 3
HOSTING = Hosting(competition_id=7, owner=OWNER, cohosts=frozenset({COHOST}))


def person(user_id: int, role: Role = Role.HOST) -> Organiser:
    return Organiser(user_id, f"user-{user_id}", role)


@pytest.mark.parametrize(
    ("organiser", "hosts", "appoints"),
    [
        (person(OWNER), True, True),
        (person(COHOST), True, False),
        (person(OTHER), False, False),
        (person(OTHER, Role.ADMIN), True, True),
        (person(OTHER, Role.AUTHOR), False, False),
        # an owner or co-host whose role became author no longer hosts
        (person(OWNER, Role.AUTHOR), False, False),
        (person(COHOST, Role.AUTHOR), False, False),
    ],
)
def test_who_hosts_and_who_appoints(organiser: Organiser, hosts: bool, appoints: bool) -> None:
    assert HOSTING.may_host(organiser) is hosts
    assert HOSTING.may_appoint(organiser) is appoints


@settings(max_examples=60)
@given(st.integers(1, 50), st.sampled_from(list(Role)))
def test_a_competition_without_a_known_owner_is_for_admins_only(user_id: int, role: Role) -> None:
    orphan = Hosting(competition_id=7, owner=None)
    assert orphan.may_host(person(user_id, role)) is (role is Role.ADMIN)
    assert orphan.may_appoint(person(user_id, role)) is (role is Role.ADMIN)


def test_cohosts_must_be_able_to_host_and_not_be_the_owner() -> None:
    assert cohost_problem(HOSTING, person(OTHER)) is None
    assert cohost_problem(HOSTING, person(OTHER, Role.ADMIN)) is None
    assert cohost_problem(HOSTING, person(OTHER, Role.AUTHOR)) == "authors cannot host rounds"
    assert cohost_problem(HOSTING, person(OWNER)) == "already the owner"
