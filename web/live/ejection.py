"""Telling a banned contestant's phone at once, then closing its connection."""

from __future__ import annotations

from typing import Any


def eject(server: Any, round_id: int, contestant: str) -> int:
    """Send ``kicked`` to every ``/play`` connection of ``contestant`` in ``round_id`` that
    this process serves, and disconnect it; how many there were.

    Another process's connections are not reached from here: that phone learns of the
    ban from its next event (answers are refused ``kicked``, a rejoin ``banned``).
    """
    play = server.namespace_handlers.get("/play")
    if play is None:
        return 0
    sids = [
        sid
        for sid, connection in list(play.connections.items())
        if connection.get("round") == round_id and connection.get("contestant") == contestant
    ]
    for sid in sids:
        server.emit(
            "kicked", {"round": round_id, "contestant": contestant}, to=sid, namespace="/play"
        )
        server.disconnect(sid, namespace="/play")
    return len(sids)
