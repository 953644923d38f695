"""The errors that mean a store cannot be reached right now: not a bug, not bad input.

The web layer answers them with the code ``unavailable`` (an error ack, or HTTP 503 with
Retry-After) instead of a 500, so a phone knows to try again and an operator's log is
not filled with tracebacks while Redis restarts or the database is away. Nothing was
stored when one is raised before a write, and a write that may have happened is safe to
repeat: answers and commands are idempotent or compare-and-set.
"""

from __future__ import annotations

import redis
import sqlalchemy.exc

STORE_UNAVAILABLE: tuple[type[Exception], ...] = (
    redis.ConnectionError,
    redis.TimeoutError,
    sqlalchemy.exc.OperationalError,  # refused, dropped, or an SQLite file locked/unreadable
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection in time
)
