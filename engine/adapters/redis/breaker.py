"""Failing fast while Redis is down, and recovering by itself when it is back.

With Redis down, every call had waited for a connection attempt of its own and, the pool
full of such attempts, for a free connection: answers hung for seconds with no ack. Now
a failed connection or read opens the breaker: for ``COOL_S`` every call is refused at
once, then one call at a time tries again, and the first that gets a connection closes
it. Callers see :class:`RedisUnavailable` (a ``redis.ConnectionError``) either way, and
nothing was stored: a refusal happens before a command is sent.

Each pool gets its own breaker and connection class (see ``guarded_pool``); a breaker
that is closed costs one attribute read per command.
"""

from __future__ import annotations

import time
from typing import Any

import redis

#: How long calls are refused outright after a failure, before one tries again.
COOL_S = 0.2


class RedisUnavailable(redis.ConnectionError):
    """Redis could not be reached a moment ago; this call was not sent."""


class Breaker:
    def __init__(self, cool_s: float = COOL_S) -> None:
        self.cool_s = cool_s
        self._open_until = 0.0  # 0: closed (Redis answered last time)
        self._probing = False

    @property
    def open(self) -> bool:
        return self._open_until != 0.0

    def check(self) -> None:
        """Raise unless a call may go to Redis now."""
        if not self._open_until:
            return
        if self._probing or time.monotonic() < self._open_until:
            raise RedisUnavailable("Redis is unreachable; try again in a moment.")
        self._probing = True  # this call tries; the others keep being refused meanwhile

    def trip(self) -> None:
        self._open_until = time.monotonic() + self.cool_s
        self._probing = False

    def reset(self) -> None:
        if self._open_until:
            self._open_until = 0.0
            self._probing = False


class _GuardedConnection:
    """A connection that opens its pool's breaker when Redis fails to connect or answer."""

    breaker: Breaker

    def connect(self) -> None:
        try:
            super().connect()  # type: ignore[misc]
        except (redis.ConnectionError, redis.TimeoutError):
            self.breaker.trip()
            raise

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)  # type: ignore[misc]
        except (redis.ConnectionError, redis.TimeoutError):
            self.breaker.trip()
            raise


class GuardedPool(redis.BlockingConnectionPool):
    """A blocking pool whose connections share one breaker."""

    def __init__(self, *, connection_class: type = redis.Connection, **kwargs: Any) -> None:
        self.breaker = Breaker()
        guarded = type(
            f"Guarded{connection_class.__name__}",
            (_GuardedConnection, connection_class),
            {"breaker": self.breaker},
        )
        super().__init__(connection_class=guarded, **kwargs)

    def get_connection(self, *args: Any, **kwargs: Any) -> Any:
        self.breaker.check()
        connection = super().get_connection(*args, **kwargs)
        self.breaker.reset()
        return connection
