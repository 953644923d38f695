"""Group commit: calls made while one is in flight go out together in the next one.

In an answer burst thousands of greenlets each made their own Redis round trip, and in
redis-py under gevent a round trip costs the serving process far more CPU (packing,
a connection from the pool, a failed read, a wait on the hub, parsing) than the script
it runs costs Redis. Coalesced, one caller sends what everyone queued behind it as one
call and wakes them with their replies; nobody waits for a timer, so a lone call goes
out at once, and under load a flight carries as many calls as arrived during the last.

Written with ``threading``: under ``leitai serve`` gevent's monkey-patching makes these
locks and events cooperative, and without it (tests, the CLI) they work across threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Call = TypeVar("Call")
Reply = TypeVar("Reply")


class _Waiting(Generic[Call, Reply]):
    __slots__ = ("call", "done", "error", "lead", "reply")

    def __init__(self, call: Call) -> None:
        self.call = call
        self.done = threading.Event()
        self.lead = False  # woken to send the next flight rather than with a reply
        self.reply: Reply | None = None
        self.error: BaseException | None = None


class Coalescer(Generic[Call, Reply]):
    """``call(x)`` returns ``send([.., x, ..])``'s reply for ``x``; ``send`` gets every
    call queued since the last flight left (at most ``most`` at once), in order, and
    returns one reply per call. If ``send`` raises, every call in that flight raises it.
    """

    def __init__(self, send: Callable[[list[Call]], Sequence[Reply]], most: int = 256) -> None:
        self._send = send
        self._most = most
        self._lock = threading.Lock()
        self._queue: list[_Waiting[Call, Reply]] = []
        self._flying = False

    @property
    def queued(self) -> int:
        """How many calls wait for a flight (the one being led is not counted)."""
        with self._lock:
            return len(self._queue)

    def call(self, call: Call) -> Reply:
        waiting: _Waiting[Call, Reply] = _Waiting(call)
        with self._lock:
            self._queue.append(waiting)
            lead = not self._flying
            self._flying = True
        if not lead:
            waiting.done.wait()
            lead = waiting.lead
        if lead:
            self._fly()
        if waiting.error is not None:
            raise waiting.error
        return waiting.reply  # type: ignore[return-value]

    def _fly(self) -> None:
        """Send what is queued, hand each caller its reply, and pass the lead on."""
        with self._lock:
            flight, self._queue = self._queue[: self._most], self._queue[self._most :]
        try:
            replies = self._send([waiting.call for waiting in flight])
            if len(replies) != len(flight):
                raise RuntimeError(f"{len(replies)} replies to {len(flight)} calls")
            for waiting, reply in zip(flight, replies, strict=True):
                waiting.reply = reply
        except BaseException as error:  # each caller raises it, as if it had called alone
            for waiting in flight:
                waiting.error = error
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                self._flying = successor is not None
            if successor is not None:
                successor.lead = True
                successor.done.set()
            for waiting in flight:
                if waiting is not successor:
                    waiting.done.set()
