"""The Socket.IO message queue between serving processes, back soon after Redis is.

python-socketio's Redis manager waits 1, 2, 4 ... up to 60 s between attempts to
resubscribe, so after a Redis restart of a few seconds no process heard the others'
broadcasts (questions, reveals) for as long again; and with no connect timeout a
publish to an unreachable Redis held the emitting greenlet for the kernel's timeout.

Pub/sub keeps nothing: what was published while a process was not subscribed (its own
broadcasts included, which reach its phones through the queue too) is gone for that
process's clients. So a process that subscribes again hands itself to ``catch_up``,
which tells its own rooms where their rounds stand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import socketio

#: Between attempts to subscribe again while Redis is away.
RESUBSCRIBE_S = 0.5


class RedisQueue(socketio.RedisManager):
    def __init__(self, url: str, channel: str, connect_timeout_s: float) -> None:
        # No read timeout: the subscription blocks reading until a message comes.
        super().__init__(
            url, channel=channel, redis_options={"socket_connect_timeout": connect_timeout_s}
        )
        #: Called (as a background task) each time the subscription is back after a loss.
        self.catch_up: Callable[[RedisQueue], None] | None = None

    def rooms_here(self, namespace: str) -> list[str]:
        """The named rooms with a client connected to this process."""
        return [room for room, members in self.rooms.get(namespace, {}).items() if room and members]

    def emit_here(self, event: str, data: Any, namespace: str, room: str) -> None:
        """To this process's clients in ``room`` only, not through the queue."""
        socketio.Manager.emit(self, event, data, namespace, room=room)

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        lost = False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if lost:
                    self._get_logger().info("Subscribed to the message queue again.")
                    lost = False
                    if self.catch_up is not None:
                        self.server.start_background_task(self.catch_up, self)
                yield from self.pubsub.listen()
            except Exception as error:  # any failure: resubscribe, as the base class does
                if not lost:
                    self._get_logger().error("Lost the message queue (%s); resubscribing.", error)
                    lost = True
                time.sleep(RESUBSCRIBE_S)
