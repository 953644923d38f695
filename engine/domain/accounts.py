"""Organiser accounts and what each role may do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    AUTHOR = "author"
    HOST = "host"


class Capability(StrEnum):
    BANKS = "banks"  # author question banks, upload media, publish versions
    ROUNDS = "rounds"  # set up competitions, host rounds, read results
    ACCOUNTS = "accounts"  # manage organisers
    #: See personal data unmasked (registrants' phones in campaign exports); only
    #: admins have it, as no other role grants it.
    PERSONAL_DATA = "personal_data"


#: Admin may do everything; the others one thing each (never personal data).
GRANTS: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.AUTHOR: frozenset({Capability.BANKS}),
    Role.HOST: frozenset({Capability.ROUNDS}),
}

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{2,63}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 256


@dataclass(frozen=True)
class Organiser:
    id: int
    username: str
    role: Role

    def may(self, capability: Capability) -> bool:
        return capability in GRANTS[self.role]


def username_problem(username: str) -> str | None:
    if not USERNAME.match(username):
        return "3 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
    return None


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"at least {MIN_PASSWORD} characters"
    if len(password) > MAX_PASSWORD:
        return f"at most {MAX_PASSWORD} characters"
    return None


@dataclass(frozen=True)
class Account:
    """An organiser as tokens see them.

    ``token_key`` is random per account and never reused, so a token names the account
    and not just its id (SQLite reuses the id of a deleted row); ``token_version`` goes
    up on every password, role or status change, which revokes every token issued
    before it.
    """

    organiser: Organiser
    token_key: str
    token_version: int = 1
    disabled: bool = False

    def claims(self, token_id: str) -> dict[str, object]:
        """What a token for this account carries; ``token_id`` lets it be revoked alone."""
        return {
            "sub": self.organiser.id,
            "key": self.token_key,
            "ver": self.token_version,
            "jti": token_id,
        }

    def honours(self, claims: dict[str, object]) -> bool:
        """Whether a token with ``claims`` still stands for this account."""
        return (
            not self.disabled
            and claims.get("key") == self.token_key
            and claims.get("ver") == self.token_version
        )


#: Failed logins for one user (from any address) before each further attempt waits.
FREE_FAILURES = 10
#: The longest wait between two attempts on one user, in seconds.
MAX_LOGIN_DELAY_S = 60


def login_delay_s(failures: int) -> int:
    """How long a user's next login attempt waits after ``failures`` recent failures from
    all addresses: nothing at first, then doubling up to a minute. It slows a guesser with
    many addresses without locking the real organiser out for long."""
    if failures < FREE_FAILURES:
        return 0
    return min(MAX_LOGIN_DELAY_S, int(2 ** (failures - FREE_FAILURES)))
