"""Organiser accounts: adding and changing them, checking passwords with throttled
failures, and deciding whether a token still stands for its account.

Failed logins lock one user *from one address* for a while, so nobody can lock an
organiser out from elsewhere and one address (a school behind NAT) cannot lock out every
organiser behind it; failures for a user from all addresses together slow further
attempts down (``login_delay_s``), which is what stops a guesser with many addresses.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from engine.domain.accounts import (
    Account,
    Organiser,
    Role,
    login_delay_s,
    password_problem,
    username_problem,
)
from engine.ports import AccountCache, Throttle, UserRepository
from engine.services.errors import (
    Conflict,
    Invalid,
    NotFound,
    TooManyAttempts,
    Unauthorised,
)
from engine.services.passwords import hash_password, verify_password

# Compared against when the user does not exist, so timing does not reveal usernames.
_DECOY_HASH = hash_password("decoy password", salt=b"0123456789abcdef")


class TokenRevoked(Unauthorised):
    code = "token_revoked"


@dataclass
class Accounts:
    users: UserRepository
    throttle: Throttle
    cache: AccountCache
    failures_allowed: int = 5
    failure_window_s: int = 900

    # --- changing accounts -------------------------------------------------------------

    def add(self, username: str, password: str, role: str) -> Organiser:
        problems = {}
        if problem := username_problem(username):
            problems["username"] = problem
        if problem := password_problem(password):
            problems["password"] = problem
        if role not in set(Role):
            problems["role"] = f"one of {', '.join(Role)}"
        if problems:
            raise Invalid("The account is not valid.", problems)
        if self.users.find(username) is not None:
            raise Conflict(f"User {username!r} already exists.")
        account = self.users.add(username, hash_password(password), role, secrets.token_hex(16))
        self.cache.put(account.organiser.id, account)  # over a removed account's entry
        return account.organiser

    def list(self) -> list[Account]:
        return self.users.all()

    def change_password(self, username: str, password: str) -> Account:
        if problem := password_problem(password):
            raise Invalid("The password is not valid.", {"password": problem})
        return self._change(username, password_hash=hash_password(password))

    def change_role(self, username: str, role: str) -> Account:
        if role not in set(Role):
            raise Invalid("The role is not valid.", {"role": f"one of {', '.join(Role)}"})
        return self._change(username, role=role)

    def disable(self, username: str, *, disabled: bool = True) -> Account:
        return self._change(username, disabled=disabled)

    def remove(self, username: str) -> Account:
        account = self.users.remove(username)
        if account is None:
            raise NotFound(f"There is no user {username!r}.")
        self.cache.put(account.organiser.id, None)
        return account

    def _change(self, username: str, **changes: Any) -> Account:
        """Every change bumps the token version: the account's tokens stop at once."""
        account = self.users.change(username, **changes)
        if account is None:
            raise NotFound(f"There is no user {username!r}.")
        self.cache.put(account.organiser.id, account)
        return account

    # --- logging in --------------------------------------------------------------------

    def authenticate(self, username: str, password: str, *, client: str) -> Organiser:
        """The organiser whose password this is, unless this address failed too often for
        this user, or the user's recent failures make every attempt wait."""
        user = username.casefold()
        here, everywhere, pause = (
            f"login:user:{user}:client:{client}",
            f"login:user:{user}",
            f"login:user:{user}:pause",
        )
        if self.throttle.count(here) >= self.failures_allowed:
            raise TooManyAttempts(
                "Too many failed logins; try again later.", self.throttle.retry_after(here)
            )
        if self.throttle.count(pause):
            raise TooManyAttempts(
                "Too many failed logins for this user; try again shortly.",
                self.throttle.retry_after(pause),
            )
        found = self.users.find(username)
        encoded = found[1] if found else _DECOY_HASH
        if verify_password(password, encoded) and found is not None and not found[0].disabled:
            self.throttle.reset(here)
            return found[0].organiser
        self.throttle.hit(here, self.failure_window_s)
        if delay := login_delay_s(self.throttle.hit(everywhere, self.failure_window_s)):
            self.throttle.hold(pause, delay)
        raise Unauthorised("Wrong username or password.")

    # --- tokens ------------------------------------------------------------------------

    def claims(self, organiser: Organiser) -> dict[str, object]:
        """What a new token for ``organiser`` carries."""
        account = self._account(organiser.id, "")[0]
        if account is None:
            raise TokenRevoked("The account no longer exists.")
        return account.claims(secrets.token_hex(12))

    def holder(self, claims: dict[str, Any]) -> Organiser:
        """The organiser a (correctly signed) token stands for, unless it was revoked:
        logged out, or issued before a password, role or status change or a removal.
        Reads the cache, and SQL only when the cache has never seen the account."""
        user_id, token_id = claims.get("sub"), claims.get("jti")
        if type(user_id) is not int or not isinstance(token_id, str):
            raise TokenRevoked("The token is from an older version; log in again.")
        account, revoked = self._account(user_id, token_id)
        if revoked or account is None or not account.honours(claims):
            raise TokenRevoked("The token has been revoked; log in again.")
        return account.organiser

    def logout(self, claims: dict[str, Any], ttl_s: int) -> None:
        """Revoke one token (for as long as it could still be valid)."""
        self.holder(claims)
        self.cache.revoke(claims["jti"], ttl_s)

    def _account(self, user_id: int, token_id: str) -> tuple[Account | None, bool]:
        cached, account, revoked = self.cache.read(user_id, token_id)
        if not cached:
            account = self.users.get(user_id)
            self.cache.fill(user_id, account)
        return account, revoked
