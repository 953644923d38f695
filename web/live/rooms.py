"""Room names: one per round and audience, so one emit reaches exactly that audience."""

from __future__ import annotations

from collections.abc import Callable


def players(round_id: int) -> str:
    return f"round:{round_id}"


def spectators(round_id: int) -> str:
    return f"watch:{round_id}"


def hosts(round_id: int) -> str:
    return f"host:{round_id}"


def contestant(round_id: int, contestant: str) -> str:
    """One contestant's connections (any process's): only a ban is sent here."""
    return f"round:{round_id}:contestant:{contestant}"


#: Each namespace's room for a whole round's audience there.
AUDIENCES: dict[str, Callable[[int], str]] = {
    "/play": players,
    "/watch": spectators,
    "/host": hosts,
}


def round_of(namespace: str, room: str) -> int | None:
    """The round whose whole audience in ``namespace`` is ``room``, if it is one."""
    _, _, number = room.partition(":")
    if not number.isdigit():
        return None
    round_id = int(number)
    return round_id if AUDIENCES[namespace](round_id) == room else None
