"""Socket.IO packets decoded through ``web.strict_json``: bad input becomes an error ack.

python-socketio takes a packet class (its ``serializer``); ours decodes event payloads
strictly and, instead of raising (which would lose the ack and log a traceback), puts a
``Refused`` in the event's arguments for ``web.live.guard`` to answer. The class is the
server's alone, so Socket.IO clients in the same process (the demo's phones) keep the
library's own decoder.

Limits, per event: ``MAX_PAYLOAD`` characters of JSON (a longer one is acked
``payload_too_large``), ``strict_json.MAX_DEPTH`` levels of nesting (``too_deep``), no
lone surrogates (``invalid_unicode``), no binary attachments (``bad_request``). A frame
over Engine.IO's ``MAX_FRAME`` closes the connection at the transport, unread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from socketio import packet

from web.live.acks import failure
from web.strict_json import JsonRefused, decode, plain_dumps

MAX_PAYLOAD = 4096  # characters of JSON in one event (its name and arguments)
MAX_FRAME = 64 * 1024  # Engine.IO's max_http_buffer_size: beyond it, no ack is possible
RESERVED = frozenset({"connect", "disconnect"})  # the server's own events, not a client's


@dataclass(frozen=True)
class Refused:
    """An event argument that failed decoding: the error ack to send instead."""

    ack: dict[str, Any]


def refused(code: str, message: str, fields: dict | None = None) -> Refused:
    return Refused(failure(code, message, fields))


class StrictJson:
    """The ``json`` module python-socketio calls: ``loads`` never raises; ``dumps``
    (compact, as python-socketio asks) takes ``plain_dumps``'s fast path."""

    @staticmethod
    def dumps(value: Any, **kwargs: Any) -> str:
        return plain_dumps(value) or json.dumps(value, **kwargs)

    @staticmethod
    def loads(text: str, **_: Any) -> Any:
        if len(text) > MAX_PAYLOAD:
            return refused("payload_too_large", f"At most {MAX_PAYLOAD} characters per message.")
        try:
            return decode(text)
        except JsonRefused as error:
            return refused(error.code, error.message, payload_fields(error.fields))


def payload_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Field paths in an event's payload (``nickname``), not in ``[name, payload]``."""
    return {
        ("_" if path == "1" else path.removeprefix("1.")): messages
        for path, messages in fields.items()
    }


class LeitaiPacket(packet.Packet):
    json = StrictJson

    def decode(self, encoded_packet: Any) -> int:
        try:
            attachments = super().decode(encoded_packet)
        except (ValueError, TypeError):  # framing no Socket.IO client sends: nothing to ack
            self.packet_type, self.id = packet.EVENT, None
            self.data = ["", refused("bad_request", "The packet is not Socket.IO.")]
            return 0
        if self.packet_type in (packet.EVENT, packet.BINARY_EVENT):
            self.data = event_data(self.data)
        return attachments

    @classmethod
    def reconstruct_binary(cls, data: Any, attachments: list) -> Any:
        """Binary arguments are not part of Leitai's protocol: the event is refused once
        its attachments have arrived (so the stream stays in step)."""
        return [data[0], refused("bad_request", "Binary attachments are not accepted.")]


def event_data(data: Any) -> list[Any]:
    """``[name, *args]`` for the namespace; a malformed event becomes ``["", Refused]``."""
    if isinstance(data, Refused):
        return ["", data]
    if not (isinstance(data, list) and data and isinstance(data[0], str)):
        return ["", refused("bad_request", "An event is a name and its arguments.")]
    if data[0] in RESERVED:
        return ["", refused("bad_request", f"{data[0]!r} is not an event a client sends.")]
    return data
