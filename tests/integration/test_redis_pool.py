"""A burst of greenlets past the Redis pool's size waits for a connection, not fails."""

from __future__ import annotations

import os
import threading
import time

import pytest

from engine.adapters.redis.connection import POOL_SIZE, connect_redis

URLS = [None] + (
    [os.environ["LEITAI_TEST_REDIS_URL"]] if "LEITAI_TEST_REDIS_URL" in os.environ else []
)


@pytest.mark.parametrize("url", URLS, ids=lambda url: "redis" if url else "embedded")
def test_one_more_than_the_pool_holds_waits_for_a_free_connection(tmp_path, url):
    connection = connect_redis(url, tmp_path)
    pool = connection.client.connection_pool
    held = [pool.get_connection() for _ in range(POOL_SIZE)]
    try:
        threading.Timer(0.2, pool.release, [held.pop()]).start()
        started = time.monotonic()
        assert connection.client.ping() is True  # redis-py's default pool raised here
        assert time.monotonic() - started >= 0.15
    finally:
        for taken in held:
            pool.release(taken)
        connection.close()
