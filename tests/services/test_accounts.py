"""Accounts on fakes: logging in, throttled failures, tokens revoked by changes."""

from __future__ import annotations

import pytest

from engine.services.accounts import TokenRevoked
from engine.services.errors import Conflict, Invalid, TooManyAttempts, Unauthorised
from tests.services.conftest import Fakes

PASSWORD = "correct horse battery"


def test_an_organiser_logs_in_and_a_token_stands_for_them(fakes: Fakes) -> None:
    ada = fakes.accounts.add("ada", PASSWORD, "host")
    assert fakes.accounts.authenticate("ada", PASSWORD, client="c") == ada
    claims = fakes.accounts.claims(ada)
    assert fakes.accounts.holder(claims) == ada
    with pytest.raises(Conflict):
        fakes.accounts.add("ada", PASSWORD, "host")
    with pytest.raises(Invalid):
        fakes.accounts.add("bob", PASSWORD, "owner")


def test_a_change_or_a_logout_revokes_tokens(fakes: Fakes) -> None:
    ada = fakes.accounts.add("ada", PASSWORD, "host")
    before, kept = fakes.accounts.claims(ada), fakes.accounts.claims(ada)
    fakes.accounts.logout(kept, ttl_s=60)
    with pytest.raises(TokenRevoked):
        fakes.accounts.holder(kept)
    assert fakes.accounts.holder(before) == ada
    fakes.accounts.change_role("ada", "admin")
    with pytest.raises(TokenRevoked):
        fakes.accounts.holder(before)
    fakes.accounts.remove("ada")
    with pytest.raises(TokenRevoked):
        fakes.accounts.claims(ada)


def test_failures_lock_one_address_out_and_pass_with_the_window(fakes: Fakes) -> None:
    fakes.accounts.add("ada", PASSWORD, "host")
    for _ in range(fakes.accounts.failures_allowed):
        with pytest.raises((Unauthorised, TooManyAttempts)):
            fakes.accounts.authenticate("ada", "wrong password", client="here")
        fakes.clock.advance(60_000)  # past any per-user pause
    with pytest.raises(TooManyAttempts) as locked:
        fakes.accounts.authenticate("ada", PASSWORD, client="here")
    assert 0 < locked.value.retry_after_s <= fakes.accounts.failure_window_s
    fakes.clock.advance(fakes.accounts.failure_window_s * 1000)
    assert fakes.accounts.authenticate("ada", PASSWORD, client="here").username == "ada"
