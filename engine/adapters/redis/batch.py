"""Commands and script calls sent together, on one Redis server or across a Redis Cluster.

On a server a batch is a pipeline (one round trip, no transaction). redis-py's cluster
pipeline refuses script calls (EVALSHA) outright, so on a cluster a batch keeps one
plain pipeline per node, routes each command by its first key (every script's keys
share one slot, docs/redis-keys.md), sends each node's pipeline and hands the replies
back in the order the commands were given. A slot that moves while a batch is built
raises MOVED; the caller's retry finds the new owner.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis
from redis.cluster import RedisCluster
from redis.commands.core import Script


class Batch:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._cluster: Any = client if isinstance(client, RedisCluster) else None
        self._pipes: dict[str, Any] = {}
        self._order: list[str] = []  # the node of each command, in the order given

    def _pipe(self, key: str | bytes) -> Any:
        if self._cluster is None:
            name = ""
            if name not in self._pipes:
                self._pipes[name] = self._client.pipeline(transaction=False)
        else:
            node = self._cluster.get_node_from_key(key)
            name = node.name
            if name not in self._pipes:
                self._pipes[name] = self._cluster.get_redis_connection(node).pipeline(
                    transaction=False
                )
        self._order.append(name)
        return self._pipes[name]

    def script(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> None:
        script(keys=keys, args=args, client=self._pipe(keys[0]))

    def __getattr__(self, command: str) -> Any:
        """A command whose first argument is its key (hget, zscore, set, ...)."""

        def queue(key: str, *args: Any, **kwargs: Any) -> None:
            getattr(self._pipe(key), command)(key, *args, **kwargs)

        return queue

    def execute(self) -> list[Any]:
        replies = {name: iter(pipe.execute()) for name, pipe in self._pipes.items()}
        ordered = [next(replies[name]) for name in self._order]
        self._pipes.clear()
        self._order.clear()
        return ordered
