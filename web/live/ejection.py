"""Telling a banned contestant's phones at once, and closing their connections."""

from __future__ import annotations

from typing import Any

from web.live import rooms


def eject(server: Any, round_id: int, contestant: str) -> None:
    """Send ``kicked {round, contestant}`` to the contestant's ``/play`` connections and
    close them.

    This process's connections get it first, straight (not through the message queue,
    which would deliver it after the disconnect), then are disconnected; the other
    processes' get it through the queue, and their phone page closes the connection.
    """
    room = rooms.contestant(round_id, contestant)
    data = {"round": round_id, "contestant": contestant}
    here = [sid for sid, _ in server.manager.get_participants("/play", room)]
    for sid in here:
        server.emit("kicked", data, to=sid, namespace="/play", ignore_queue=True)
        server.disconnect(sid, namespace="/play", ignore_queue=True)
    server.emit("kicked", data, to=room, namespace="/play")
