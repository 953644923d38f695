"""The Socket.IO message queue between serving processes, back soon after Redis is.

python-socketio's Redis manager waits 1, 2, 4 ... up to 60 s between attempts to
resubscribe, so after a Redis restart of a few seconds no process heard the others'
broadcasts (questions, reveals) for as long again; and with no connect timeout a
publish to an unreachable Redis held the emitting greenlet for the kernel's timeout.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
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

    def _redis_listen_with_retries(self) -> Iterator[Any]:
        lost = False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if lost:
                    self._get_logger().info("Subscribed to the message queue again.")
                    lost = False
                yield from self.pubsub.listen()
            except Exception as error:  # any failure: resubscribe, as the base class does
                if not lost:
                    self._get_logger().error("Lost the message queue (%s); resubscribing.", error)
                    lost = True
                time.sleep(RESUBSCRIBE_S)
