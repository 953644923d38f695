"""Oversized Socket.IO events on a real server, over a real WebSocket (issue 13): an event
of more than ``MAX_PAYLOAD`` characters is refused with an ack; a frame over ``MAX_FRAME``
closes its connection at the transport, unread (no ack is possible), with no traceback in
the log; the server serves everyone else as before. docs/bad-input.md.

The test client of tests/web never goes through the transport, so these need a server.
"""

from __future__ import annotations

import json
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import pytest
import websocket

from tests.integration.servers import free_port, running
from web.live.decoding import MAX_FRAME, MAX_PAYLOAD

pytestmark = pytest.mark.slow


class PlaySocket:
    """A raw Engine.IO/Socket.IO client on ``/play``: packets as they go on the wire."""

    def __init__(self, port: int) -> None:
        url = f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(url, timeout=10)
        assert self.ws.recv().startswith("0{")  # Engine.IO open
        self.ws.send("40/play,")
        assert self.ws.recv().startswith("40/play,")  # Socket.IO connect
        self.ids = iter(range(1, 1000))

    def emit(self, event: str, data: Any) -> int:
        """Send ``event`` asking for an ack; the ack's id."""
        ack_id = next(self.ids)
        self.ws.send(f"42/play,{ack_id}{json.dumps([event, data])}")
        return ack_id

    def ack(self, ack_id: int) -> Any:
        prefix = f"43/play,{ack_id}"
        while not (packet := self.ws.recv()).startswith(prefix):
            if packet == "2":  # Engine.IO ping
                self.ws.send("3")
        return json.loads(packet.removeprefix(prefix))[0]

    def close(self) -> None:
        self.ws.close()  # a close handshake if still open
        self.ws.shutdown()  # the socket, even when the server closed the connection

    def closed_by_server(self) -> bool:
        try:
            while self.ws.recv() in ("2",):
                self.ws.send("3")
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return True
        return not self.ws.connected


def test_oversized_events_are_refused_and_oversized_frames_close_only_their_connection(
    tmp_path: Path,
) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    env = {"LEITAI_INSTANCE": str(tmp_path / "i")}
    with running(["serve", "--port", str(port)], env, port, log=log), ExitStack() as sockets:

        def connected() -> PlaySocket:
            return sockets.enter_context(closing(PlaySocket(port)))

        phone = connected()
        big = phone.emit("join", {"code": "ABCD", "nickname": "x" * MAX_PAYLOAD})
        assert phone.ack(big)["error"]["code"] == "payload_too_large"
        assert phone.ack(phone.emit("join", [[[]]]))["error"]["code"] == "invalid"

        other = connected()
        phone.emit("join", {"code": "ABCD", "nickname": "x" * MAX_FRAME})
        assert phone.closed_by_server()

        refused = other.ack(other.emit("join", {"code": "NOSUCH", "nickname": "Ann"}))
        assert refused["error"]["code"] == "not_found"
        fresh = connected()  # and new connections are served as before
        assert fresh.ack(fresh.emit("state", None))["error"]["code"] == "not_joined"
    output = log.read_text()
    assert "Traceback" not in output, output
