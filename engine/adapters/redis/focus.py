"""Page switches reported by phones, counted per contestant and round in Redis.

One script per report: a report seen before (a retry) is not counted again, and past
``most`` nothing more is counted or remembered, so a flood of reports costs little.
"""

from __future__ import annotations

import redis

from engine.adapters.redis.keys import round_tag

_REPORT = """
-- KEYS: reports seen (set), counts (hash contestant -> switches)
-- ARGV: contestant, report id, most counted
local count = tonumber(redis.call("HGET", KEYS[2], ARGV[1]) or "0")
if count >= tonumber(ARGV[3]) or redis.call("SADD", KEYS[1], ARGV[2]) == 0 then
  return {0, count}
end
return {1, redis.call("HINCRBY", KEYS[2], ARGV[1], 1)}
"""


class RedisFocusLog:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._report = client.register_script(_REPORT)

    def _key(self, round_id: int, name: str) -> str:
        return f"{self._prefix}:{round_tag(round_id)}:{name}"

    def report(self, round_id: int, contestant: str, report_id: str, most: int) -> tuple[bool, int]:
        """(whether this report was new and counted, the contestant's switches now)."""
        counted, switches = self._report(
            keys=[self._key(round_id, "focus-reports"), self._key(round_id, "focus")],
            args=[contestant, report_id, most],
        )
        return bool(counted), int(switches)

    def counts(self, round_id: int) -> dict[str, int]:
        raw = self._redis.hgetall(self._key(round_id, "focus"))
        return {key.decode(): int(value) for key, value in raw.items()}
