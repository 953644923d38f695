"""Organiser accounts: adding them and checking their passwords, with throttled failures."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.accounts import Organiser, Role, password_problem, username_problem
from engine.ports import Throttle, UserRepository
from engine.services.errors import Conflict, Invalid, TooManyAttempts, Unauthorised
from engine.services.passwords import hash_password, verify_password

# Compared against when the user does not exist, so timing does not reveal usernames.
_DECOY_HASH = hash_password("decoy password", salt=b"0123456789abcdef")


@dataclass
class Accounts:
    users: UserRepository
    throttle: Throttle
    failures_allowed: int = 5
    failure_window_s: int = 900

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
        return self.users.add(username, hash_password(password), role)

    def authenticate(self, username: str, password: str, *, client: str) -> Organiser:
        """The organiser whose password this is; failures are counted per user and client."""
        keys = (f"login:user:{username.casefold()}", f"login:client:{client}")
        for key in keys:
            if self.throttle.count(key) >= self.failures_allowed:
                raise TooManyAttempts(
                    "Too many failed logins; try again later.", self.throttle.retry_after(key)
                )
        found = self.users.find(username)
        encoded = found[1] if found else _DECOY_HASH
        if verify_password(password, encoded) and found is not None:
            self.throttle.reset(keys[0])
            return found[0]
        for key in keys:
            self.throttle.hit(key, self.failure_window_s)
        raise Unauthorised("Wrong username or password.")
