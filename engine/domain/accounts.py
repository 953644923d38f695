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


#: Admin may do everything; the others one thing each.
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
