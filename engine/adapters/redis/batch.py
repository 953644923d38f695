"""Commands and script calls sent together, on one Redis server or across a Redis Cluster.

On a server a batch is a pipeline (one round trip, no transaction). redis-py's cluster
pipeline refuses script calls (EVALSHA) outright, so on a cluster a batch keeps one
plain pipeline per node, routes each command by its first key (every script's keys
share one slot, docs/redis-keys.md), sends each node's pipeline and hands the replies
back in the order the commands were given. A slot that moves while a batch is built
raises MOVED; the caller's retry finds the new owner.

A script goes as EVALSHA: redis-py's own pipelined script call asks SCRIPT EXISTS first,
a round trip more on every batch. Instead each node is sent SCRIPT LOAD the first time
this process sends it a script, before the batch; a node that has lost it since
(restarted, flushed, a replica promoted) says NOSCRIPT without running it, and that call
alone is sent again once the script is loaded: after the batch's later commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis
from redis.cluster import RedisCluster
from redis.commands.core import Script
from redis.exceptions import NoScriptError

#: (node, script sha) this process has loaded: a node client's id (they live as long as
#: their connection) and the sha. A stale entry only costs a NOSCRIPT and a reload.
_loaded: set[tuple[int, str]] = set()


class Batch:
    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._cluster: Any = client if isinstance(client, RedisCluster) else None
        self._nodes: dict[str, Any] = {}  # a client of each node a command goes to
        self._pipes: dict[str, Any] = {}
        self._order: list[str] = []  # the node of each command, in the order given
        #: each script call's position in the order: (script, its EVALSHA arguments)
        self._scripts: dict[int, tuple[Any, list[Any]]] = {}

    def _pipe(self, key: str | bytes) -> Any:
        if self._cluster is None:
            name = ""
            if name not in self._pipes:
                self._start(name, self._client)
        else:
            node = self._cluster.get_node_from_key(key)
            name = node.name
            if name not in self._pipes:
                self._start(name, self._cluster.get_redis_connection(node))
        self._order.append(name)
        return self._pipes[name]

    def _start(self, name: str, node: Any) -> None:
        self._nodes[name] = node
        self._pipes[name] = node.pipeline(transaction=False)

    def script(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> None:
        registered: Any = script  # redis-py's Script: its sha and source
        arguments = [registered.sha, len(keys), *keys, *args]
        self._pipe(keys[0]).evalsha(*arguments)
        self._scripts[len(self._order) - 1] = (registered, arguments)

    def _load_new_scripts(self) -> None:
        for position, (script, _) in self._scripts.items():
            node = self._nodes[self._order[position]]
            if (id(node), script.sha) not in _loaded:
                node.script_load(script.script)
                _loaded.add((id(node), script.sha))

    def __getattr__(self, command: str) -> Any:
        """A command whose first argument is its key (hget, zscore, set, ...)."""

        def queue(key: str, *args: Any, **kwargs: Any) -> None:
            getattr(self._pipe(key), command)(key, *args, **kwargs)

        return queue

    def execute(self) -> list[Any]:
        self._load_new_scripts()
        replies = {
            name: iter(pipe.execute(raise_on_error=False)) for name, pipe in self._pipes.items()
        }
        ordered = [next(replies[name]) for name in self._order]
        for position, reply in enumerate(ordered):
            if isinstance(reply, NoScriptError):  # not run: load it there, run it now
                script, arguments = self._scripts[position]
                node = self._nodes[self._order[position]]
                node.script_load(script.script)
                ordered[position] = node.evalsha(*arguments)
        self._nodes.clear()
        self._pipes.clear()
        self._order.clear()
        self._scripts.clear()
        for reply in ordered:
            if isinstance(reply, Exception):
                raise reply
        return ordered
