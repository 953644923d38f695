"""Just enough Engine.IO 4 / Socket.IO 5 over one raw WebSocket for a swarm of clients.

A full Socket.IO client per simulated phone costs too much at 10,000 connections; this one
is a text codec plus a reader loop: answer pings, resolve acks, hand events to callbacks.
Binary attachments and long-polling are out of scope (Leitai's contestants use neither).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

# Engine.IO packet types (the first character of every WebSocket text message).
OPEN, CLOSE, PING, PONG, MESSAGE = "0", "1", "2", "3", "4"
# Socket.IO packet types (the character after Engine.IO's MESSAGE).
CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR = 0, 1, 2, 3, 4

EventCallback = Callable[[Any, float], None]


class ProtocolError(Exception):
    """The server said something this client does not speak."""


@dataclass(frozen=True, slots=True)
class Packet:
    """One Socket.IO packet: its type, namespace, ack id (if any) and JSON data (if any)."""

    kind: int
    namespace: str = "/"
    ack_id: int | None = None
    data: Any = None


@dataclass(frozen=True, slots=True)
class Ack:
    """An ack's first argument and when it was taken off the socket (``time.monotonic()``)."""

    data: Any
    received_at: float


def encode(packet: Packet) -> str:
    """The WebSocket text message carrying ``packet`` (namespace "/" is left implicit)."""
    text = MESSAGE + str(packet.kind)
    if packet.namespace != "/":
        text += packet.namespace + ","
    if packet.ack_id is not None:
        text += str(packet.ack_id)
    if packet.data is not None:
        text += json.dumps(packet.data, separators=(",", ":"), ensure_ascii=False)
    return text


def encode_event(namespace: str, event: str, payload: Any, ack_id: int | None = None) -> str:
    return encode(Packet(EVENT, namespace, ack_id, [event, payload]))


def decode(message: str) -> Packet:
    """The Socket.IO packet in an Engine.IO MESSAGE (``4...``)."""
    if len(message) < 2 or message[0] != MESSAGE or not message[1].isdigit():
        raise ProtocolError(f"not a Socket.IO packet: {message[:40]!r}")
    kind = int(message[1])
    if kind > CONNECT_ERROR:
        raise ProtocolError(f"binary packets are not supported: {message[:40]!r}")
    at = 2
    namespace = "/"
    if message.startswith("/", at):
        comma = message.find(",", at)
        end = len(message) if comma < 0 else comma
        namespace = message[at:end]
        at = end + 1
    digits = at
    while digits < len(message) and message[digits].isdigit():
        digits += 1
    ack_id = int(message[at:digits]) if digits > at else None
    data = json.loads(message[digits:]) if digits < len(message) else None
    return Packet(kind, namespace, ack_id, data)


def socketio_url(host: str, port: int) -> str:
    return f"ws://{host}:{port}/socket.io/?EIO=4&transport=websocket"


class SocketIOClient:
    """One WebSocket, one or more namespaces; events go to callbacks stamped on arrival.

    Callbacks run inside the reader loop and must not block: they get the event's payload
    and the ``time.monotonic()`` at which its message was taken off the socket.
    """

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.acks: dict[int, asyncio.Future[Ack]] = {}
        self.callbacks: dict[tuple[str, str], EventCallback] = {}
        self.next_ack = 0
        self.reader: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    @classmethod
    async def connect(
        cls, url: str, namespaces: tuple[str, ...], *, timeout: float = 30.0
    ) -> SocketIOClient:
        """Open the WebSocket, read Engine.IO's open packet, connect every namespace."""
        async with asyncio.timeout(timeout):
            ws = await connect(
                url,
                compression=None,  # see load_tests/README.md: deflate costs memory per socket
                ping_interval=None,  # Engine.IO has its own pings
                close_timeout=1,
                max_queue=64,
                user_agent_header=None,
            )
            client = cls(ws)
            try:
                opening = await ws.recv()
                if not isinstance(opening, str) or not opening.startswith(OPEN):
                    raise ProtocolError(f"expected an open packet, got {opening!r:.60}")
                for namespace in namespaces:
                    await ws.send(encode(Packet(CONNECT, namespace)))
                    await client.await_connected(namespace)
            except BaseException:
                await ws.close()
                raise
        client.reader = asyncio.create_task(client.read())
        return client

    async def await_connected(self, namespace: str) -> None:
        while True:
            message = await self.ws.recv()
            if message == PING:
                await self.ws.send(PONG)
                continue
            packet = decode(str(message))
            if packet.namespace != namespace:
                continue
            if packet.kind == CONNECT:
                return
            raise ProtocolError(f"{namespace} refused the connection: {packet.data!r}")

    def on(self, namespace: str, event: str, callback: EventCallback) -> None:
        self.callbacks[namespace, event] = callback

    async def send(self, namespace: str, event: str, payload: Any) -> asyncio.Future[Ack]:
        """Emit with an ack id once written; the returned future gets the :class:`Ack`.

        Returning the future rather than awaiting it lets a caller send twice back to back.
        """
        ack_id = self.next_ack
        self.next_ack += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = future
        try:
            await self.ws.send(encode_event(namespace, event, payload, ack_id))
        except BaseException:
            self.acks.pop(ack_id, None)
            raise
        return future

    async def call(self, namespace: str, event: str, payload: Any, timeout: float) -> Any:
        async with asyncio.timeout(timeout):
            ack = await (await self.send(namespace, event, payload))
        return ack.data

    async def read(self) -> None:
        try:
            async for message in self.ws:
                received_at = time.monotonic()
                if message == PING:
                    await self.ws.send(PONG)
                elif isinstance(message, str) and message.startswith(MESSAGE):
                    self.dispatch(decode(message), received_at)
                elif message == CLOSE:
                    break
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()
            for future in self.acks.values():
                if not future.done():
                    future.set_exception(ConnectionError("the connection closed"))
            self.acks.clear()

    def dispatch(self, packet: Packet, received_at: float) -> None:
        if packet.kind == EVENT and isinstance(packet.data, list) and packet.data:
            callback = self.callbacks.get((packet.namespace, packet.data[0]))
            if callback is not None:
                callback(packet.data[1] if len(packet.data) > 1 else None, received_at)
        elif packet.kind == ACK and packet.ack_id is not None:
            future = self.acks.pop(packet.ack_id, None)
            if future is not None and not future.done():
                future.set_result(Ack(packet.data[0] if packet.data else None, received_at))

    async def close(self) -> None:
        await self.ws.close()
        if self.reader is not None:
            await self.reader
