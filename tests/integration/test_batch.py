"""A batch sends a script as EVALSHA without asking first (batch.py): loaded once per node
beforehand, and a node that lost it says NOSCRIPT, and that call alone is loaded and
sent again."""

from __future__ import annotations

import uuid

from engine.adapters.redis.batch import Batch
from engine.adapters.redis.connection import RedisConnection


def test_a_script_the_server_does_not_know_is_loaded_and_run_once(
    redis_store: tuple[RedisConnection, str],
) -> None:
    connection, prefix = redis_store
    client = connection.client
    # A text no server has seen; it counts its runs, so a second run would show.
    script = client.register_script(f"-- {uuid.uuid4()}\nreturn redis.call('INCR', KEYS[1])")
    keys = [f"{prefix}:{{{n}}}:runs" for n in range(6)]  # spread over a cluster's nodes
    batch = Batch(client)
    for key in keys:
        batch.script(script, [key], [])
        batch.get(key)
    assert batch.execute() == [reply for _ in keys for reply in (1, b"1")]
    client.script_flush()  # as a restarted server: the scripts are gone
    for key in keys:
        batch.script(script, [key], [])
    assert batch.execute() == [2] * len(keys)
