"""What the use cases need from the outside world, as ``typing.Protocol`` interfaces.

Adapters in ``engine.adapters`` implement these; services depend only on them, so a
service can be read and tested without knowing about SQL or Redis.
"""

from __future__ import annotations

from typing import Protocol

from engine.domain.accounts import Organiser


class UserRepository(Protocol):
    def add(self, username: str, password_hash: str, role: str) -> Organiser: ...

    def find(self, username: str) -> tuple[Organiser, str] | None:
        """The organiser and their password hash, or None."""

    def get(self, user_id: int) -> Organiser | None: ...

    def all(self) -> list[Organiser]: ...


class Throttle(Protocol):
    def hit(self, name: str, window_s: int) -> int: ...

    def count(self, name: str) -> int: ...

    def retry_after(self, name: str) -> int: ...

    def reset(self, name: str) -> None: ...


class Clock(Protocol):
    def now_ms(self) -> int: ...
