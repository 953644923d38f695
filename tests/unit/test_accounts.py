"""The pure rules of organiser accounts: token claims and the login slow-down."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.accounts import (
    FREE_FAILURES,
    MAX_LOGIN_DELAY_S,
    Account,
    Organiser,
    Role,
    login_delay_s,
)

ACCOUNT = Account(Organiser(7, "ada", Role.HOST), token_key="k" * 32, token_version=3)


def test_an_account_honours_its_own_claims_only():
    claims = ACCOUNT.claims("t1")
    assert ACCOUNT.honours(claims)
    assert not ACCOUNT.honours({**claims, "ver": 2})
    assert not ACCOUNT.honours({**claims, "key": "other"})
    assert not ACCOUNT.honours({k: v for k, v in claims.items() if k != "key"})
    disabled = Account(ACCOUNT.organiser, ACCOUNT.token_key, 3, disabled=True)
    assert not disabled.honours(claims)


def test_the_first_failures_cost_nothing_then_the_wait_doubles():
    assert [login_delay_s(n) for n in range(FREE_FAILURES)] == [0] * FREE_FAILURES
    assert [login_delay_s(FREE_FAILURES + n) for n in range(4)] == [1, 2, 4, 8]


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=10_000))
def test_the_wait_never_shrinks_and_is_capped(failures):
    assert login_delay_s(failures) <= login_delay_s(failures + 1) <= MAX_LOGIN_DELAY_S
