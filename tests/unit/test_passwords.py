"""Password hashing and role grants."""

from __future__ import annotations

import pytest

from engine.domain.accounts import Capability, Organiser, Role, password_problem, username_problem
from engine.services.passwords import hash_password, verify_password


def test_a_hash_verifies_only_its_own_password():
    encoded = hash_password("correct horse")
    assert encoded.startswith("scrypt$16384$8$1$")
    assert verify_password("correct horse", encoded)
    assert not verify_password("correct hors", encoded)


def test_the_same_password_hashes_differently_each_time():
    assert hash_password("same") != hash_password("same")


@pytest.mark.parametrize("garbage", ["", "plain", "scrypt$x$y$z$a$b", "md5$1$2$3$4$5"])
def test_garbage_hashes_never_verify(garbage):
    assert not verify_password("anything", garbage)


@pytest.mark.parametrize(
    ("role", "banks", "rounds", "accounts"),
    [("admin", True, True, True), ("author", True, False, False), ("host", False, True, False)],
)
def test_roles_grant_one_area_each_and_admin_all(role, banks, rounds, accounts):
    organiser = Organiser(1, "x", Role(role))
    assert organiser.may(Capability.BANKS) is banks
    assert organiser.may(Capability.ROUNDS) is rounds
    assert organiser.may(Capability.ACCOUNTS) is accounts


def test_usernames_and_passwords_are_checked():
    assert username_problem("ok_name") is None
    assert username_problem("x") is not None
    assert username_problem("has space") is not None
    assert password_problem("12345678") is None
    assert password_problem("1234567") is not None
    assert password_problem("x" * 257) is not None
