"""``leitai serve`` sends each response at once (Nagle's algorithm off)."""

from __future__ import annotations

import socket

from gevent.pywsgi import WSGIServer

from web.cli import NoDelayHandler


def test_the_server_turns_nagle_off_on_each_connection() -> None:
    """gevent writes a response's headers and body in two sends: with Nagle on, the body
    waited for the client's delayed ACK of the headers on every keep-alive request."""
    seen: list[int] = []

    class Watched(NoDelayHandler):
        def handle_one_request(self):  # type: ignore[no-untyped-def]
            seen.append(self.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            return super().handle_one_request()

    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        accepted, address = listener.accept()
        with client, accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
            client.shutdown(socket.SHUT_WR)  # no request: the handler returns at once
            Watched(accepted, address, WSGIServer(listener, lambda e, s: [])).handle()
    assert seen == [1]
