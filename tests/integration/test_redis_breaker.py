"""While Redis is unreachable every call fails at once, without a connection attempt of
its own after the first, and the pool heals by itself once Redis answers again."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis

from engine.adapters.redis.breaker import COOL_S, RedisUnavailable
from engine.adapters.redis.connection import connect_redis
from tests.integration.redis_server import RedisServer


def test_calls_fail_fast_while_redis_is_down_and_heal_when_it_is_back(tmp_path: Path) -> None:
    server = RedisServer(tmp_path)  # not started yet: its port refuses
    connection = connect_redis(server.url, tmp_path)
    client = connection.client
    try:
        with pytest.raises(redis.ConnectionError) as first:
            client.ping()
        assert not isinstance(first.value, RedisUnavailable)  # this one tried
        started = time.monotonic()
        for _ in range(1000):
            with pytest.raises(RedisUnavailable):
                client.set("never", "stored")
        assert time.monotonic() - started < COOL_S  # refused without trying
        server.start()
        time.sleep(COOL_S)
        assert client.ping() is True  # the first call after the cool-down gets through
        assert client.set("stored", "once") is True
        server.stop()
        with pytest.raises(redis.ConnectionError):
            client.get("stored")
        server.start()  # the append-only file brings the value back
        time.sleep(COOL_S)
        assert client.get("stored") == b"once"
        assert client.get("never") is None
    finally:
        connection.close()
        server.stop()
