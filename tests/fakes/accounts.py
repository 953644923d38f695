"""Accounts, their token cache, and throttles, in memory."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from engine.domain.accounts import Account, Organiser, Role
from engine.ports import Clock


class InMemoryUserRepository:
    def __init__(self) -> None:
        self._rows: dict[int, tuple[Account, str]] = {}  # user id -> (account, password hash)
        self._next_id = 1

    def add(self, username: str, password_hash: str, role: str, token_key: str) -> Account:
        if self.find(username) is not None:
            raise ValueError(f"username {username!r} is taken")  # SQL's unique constraint
        account = Account(Organiser(self._next_id, username, Role(role)), token_key, 1, False)
        self._rows[self._next_id] = (account, password_hash)
        self._next_id += 1
        return account

    def find(self, username: str) -> tuple[Account, str] | None:
        return next(
            (row for row in self._rows.values() if row[0].organiser.username == username), None
        )

    def get(self, user_id: int) -> Account | None:
        row = self._rows.get(user_id)
        return None if row is None else row[0]

    def all(self) -> list[Account]:
        return [account for _, (account, _) in sorted(self._rows.items())]

    def change(
        self,
        username: str,
        *,
        password_hash: str | None = None,
        role: str | None = None,
        disabled: bool | None = None,
    ) -> Account | None:
        found = self.find(username)
        if found is None:
            return None
        account, old_hash = found
        organiser = account.organiser
        if role is not None:
            organiser = replace(organiser, role=Role(role))
        account = replace(
            account,
            organiser=organiser,
            token_version=account.token_version + 1,
            disabled=account.disabled if disabled is None else disabled,
        )
        self._rows[organiser.id] = (account, old_hash if password_hash is None else password_hash)
        return account

    def remove(self, username: str) -> Account | None:
        found = self.find(username)
        if found is None:
            return None
        del self._rows[found[0].organiser.id]
        return found[0]


class InMemoryAccountCache:
    """Without expiry for accounts; revoked token ids expire by the clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._accounts: dict[int, Account | None] = {}
        self._revoked: dict[str, int] = {}  # token id -> expires at (ms)

    def read(self, user_id: int, token_id: str) -> tuple[bool, Account | None, bool]:
        revoked = self._revoked.get(token_id, 0) > self._clock.now_ms()
        return user_id in self._accounts, self._accounts.get(user_id), revoked

    def fill(self, user_id: int, account: Account | None) -> None:
        self._accounts.setdefault(user_id, account)

    def put(self, user_id: int, account: Account | None) -> None:
        self._accounts[user_id] = account

    def revoke(self, token_id: str, ttl_s: int) -> None:
        self._revoked[token_id] = self._clock.now_ms() + max(ttl_s, 1) * 1000


class InMemoryThrottle:
    """Fixed windows by the clock: the first hit starts a window of ``window_s``."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._windows: dict[str, tuple[int, int]] = {}  # name -> (count, ends at ms)

    def _live(self, name: str) -> tuple[int, int] | None:
        window = self._windows.get(name)
        if window is not None and window[1] <= self._clock.now_ms():
            del self._windows[name]
            return None
        return window

    def hit(self, name: str, window_s: int) -> int:
        return self.hit_all([name], window_s)[0]

    def hit_all(self, names: Sequence[str], window_s: int) -> list[int]:
        counts = []
        for name in names:
            count, ends = self._live(name) or (0, self._clock.now_ms() + window_s * 1000)
            self._windows[name] = (count + 1, ends)
            counts.append(count + 1)
        return counts

    def count(self, name: str) -> int:
        window = self._live(name)
        return 0 if window is None else window[0]

    def retry_after(self, name: str) -> int:
        window = self._live(name)
        return 0 if window is None else math.ceil((window[1] - self._clock.now_ms()) / 1000)

    def reset(self, name: str) -> None:
        self._windows.pop(name, None)

    def hold(self, name: str, seconds: int) -> None:
        self._windows[name] = (1, self._clock.now_ms() + seconds * 1000)
