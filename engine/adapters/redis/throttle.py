"""Counting events in a sliding-enough window, shared by every process through Redis."""

from __future__ import annotations

from collections.abc import Sequence

import redis

from engine.adapters.redis.batch import Batch

#: One window's count: SET NX EX starts the window once (EXPIRE NX would need Redis 7),
#: atomically with the count, each counter on its own (a Redis Cluster slot each).
_HIT = """
redis.call("SET", KEYS[1], 0, "EX", ARGV[1], "NX")
return redis.call("INCR", KEYS[1])
"""


class RedisThrottle:
    """Fixed-window counters: ``hit`` counts one event and returns the window's count."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._hit = client.register_script(_HIT)

    def _key(self, name: str) -> str:
        return f"{self._prefix}:throttle:{name}"

    def hit(self, name: str, window_s: int) -> int:
        return self.hit_all([name], window_s)[0]

    def hit_all(self, names: Sequence[str], window_s: int) -> list[int]:
        """``hit`` for each name, in one round trip."""
        batch = Batch(self._redis)
        for name in names:
            batch.script(self._hit, [self._key(name)], [window_s])
        return [int(count) for count in batch.execute()]

    def count(self, name: str) -> int:
        return int(self._redis.get(self._key(name)) or 0)

    def retry_after(self, name: str) -> int:
        """Seconds until the window resets (0 when there is no window)."""
        return max(int(self._redis.ttl(self._key(name))), 0)

    def reset(self, name: str) -> None:
        self._redis.delete(self._key(name))

    def hold(self, name: str, seconds: int) -> None:
        self._redis.set(self._key(name), 1, ex=seconds)
