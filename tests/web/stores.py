"""Everything a refused request must leave as it was: every Redis key under the test's
prefix and every row of every SQL table, compared before and after.

The authorisation matrix compares them around every refused cell, the OpenAPI fuzzing
around every refused request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import literal_column, select, text

from engine.adapters.sql.models import Base
from web.wiring import Wiring


@dataclass(frozen=True)
class Stores:
    values: dict[bytes, Any]  # every Redis key's kind and content
    expiring: set[bytes]  # the keys with a time to live (throttles, caches, claims)
    rows: list[Any]  # per table

    def changes_since(self, before: Stores) -> list[str]:
        """What was added, changed or removed, except keys that ran out of time: the
        snapshots are real seconds apart, and a throttle's window may end between."""
        expired = {key for key in before.expiring if key not in self.values}
        kept = {key: value for key, value in before.values.items() if key not in expired}
        keys = sorted(set(kept) | set(self.values))
        changed = [repr(key) for key in keys if kept.get(key) != self.values.get(key)]
        tables = Base.metadata.sorted_tables
        changed_tables = [
            tables[i].name for i, rows in enumerate(self.rows) if rows != before.rows[i]
        ]
        return changed + [f"table {name}" for name in changed_tables]


def snapshot(wired: Wiring) -> Stores:
    """The stores as they are now.

    Throttles count requests in time windows, refused ones included, and a window may end
    and start again between two snapshots: they are not the contest's state."""
    client, prefix = wired.redis.client, wired.settings.redis_prefix
    keys = sorted(
        key
        for key in client.scan_iter(f"{prefix}:*", count=10_000)
        if not key.startswith(f"{prefix}:throttle:".encode())
    )
    pipeline = client.pipeline(transaction=False)
    for key in keys:
        pipeline.type(key)
        pipeline.pttl(key)
    replies = pipeline.execute()
    kinds, ttls = replies[::2], replies[1::2]
    pipeline = client.pipeline(transaction=False)
    for key, kind in zip(keys, kinds, strict=True):
        READ[kind](pipeline, key)
    values = dict(zip(keys, map(content, kinds, pipeline.execute()), strict=True))
    expiring = {key for key, ttl in zip(keys, ttls, strict=True) if ttl >= 0}
    return Stores(values, expiring, table_rows(wired))


#: How each kind of key is read: by content, not by how Redis encodes it, so a script
#: that writes a hash back unchanged (its fields in another order) changed nothing.
READ: dict[bytes, Callable[[Any, bytes], Any]] = {
    b"string": lambda pipe, key: pipe.get(key),
    b"hash": lambda pipe, key: pipe.hgetall(key),
    b"set": lambda pipe, key: pipe.smembers(key),
    b"zset": lambda pipe, key: pipe.zrange(key, 0, -1, withscores=True),
    b"list": lambda pipe, key: pipe.lrange(key, 0, -1),
    b"stream": lambda pipe, key: pipe.xrange(key),
    b"none": lambda pipe, key: pipe.exists(key),  # gone since the scan
}


def content(kind: bytes, value: Any) -> Any:
    """A key's content as one comparable value, its kind included."""
    return (kind, sorted(value) if kind == b"set" else value)


def table_rows(wired: Wiring) -> list[Any]:
    """Every table's rows as stored (no JSON decoding). PostgreSQL answers in one
    statement, each table's rows as sorted text: a query per table is a round trip per
    table, and they were most of the fuzzing's time."""
    tables = Base.metadata.sorted_tables
    with wired.database.session() as session:
        if wired.database.backend != "postgresql":
            everything = literal_column("*")
            return [session.execute(select(everything).select_from(t)).all() for t in tables]
        quote = session.get_bind().dialect.identifier_preparer.quote
        ordered = "SELECT array_agg(r::text ORDER BY r::text) FROM {} r"
        each = ", ".join(f"({ordered.format(quote(t.name))})" for t in tables)
        return list(session.execute(text(f"SELECT {each}")).one())
