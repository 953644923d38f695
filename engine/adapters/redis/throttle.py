"""Counting events in a sliding-enough window, shared by every process through Redis."""

from __future__ import annotations

import redis


class RedisThrottle:
    """Fixed-window counters: ``hit`` counts one event and returns the window's count."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix

    def _key(self, name: str) -> str:
        return f"{self._prefix}:throttle:{name}"

    def hit(self, name: str, window_s: int) -> int:
        pipe = self._redis.pipeline()
        # SET NX EX starts the window once; EXPIRE NX would need Redis 7.
        pipe.set(self._key(name), 0, ex=window_s, nx=True)
        pipe.incr(self._key(name))
        _, count = pipe.execute()
        return int(count)

    def count(self, name: str) -> int:
        return int(self._redis.get(self._key(name)) or 0)

    def retry_after(self, name: str) -> int:
        """Seconds until the window resets (0 when there is no window)."""
        return max(int(self._redis.ttl(self._key(name))), 0)

    def reset(self, name: str) -> None:
        self._redis.delete(self._key(name))

    def hold(self, name: str, seconds: int) -> None:
        self._redis.set(self._key(name), 1, ex=seconds)
