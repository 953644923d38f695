"""The Redis Cluster hash tags of Leitai's keys (docs/redis-keys.md): keys with one tag
share a slot, so a script or transaction may touch them together."""

from __future__ import annotations


def round_tag(round_id: int | str) -> str:
    """The Redis Cluster hash tag of every key of a round (docs/redis-keys.md)."""
    return f"{{r:{round_id}}}"


def shard_tag(kind: str, owner: str, shard: int) -> str:
    """A board shard's hash tag: shard 0 shares its round's (or competition's), each
    other shard has its own slot, so M shards can live on M masters."""
    return f"{{{kind}:{owner}}}" if shard == 0 else f"{{{kind}:{owner}:{shard}}}"
