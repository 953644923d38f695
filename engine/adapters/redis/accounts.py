"""Organiser accounts cached in Redis for token checks, and revoked token ids.

Every process checks a token against this cache, so authentication reads no SQL: an
SQL outage leaves organisers hosting, and a change made by any process (or the CLI)
takes effect everywhere at once. SQL stays the record; the cache is filled from it on
a miss (``SET NX``, so a change cached meanwhile is never overwritten by an older read)
and overwritten after every change.
"""

from __future__ import annotations

import json

import redis

from engine.domain.accounts import Account, Organiser, Role

#: Cached for "no such account" (removed, or never there).
ABSENT = b"{}"


class RedisAccountCache:
    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix

    def _account_key(self, user_id: int) -> str:
        return f"{self._prefix}:account:{user_id}"

    def _revoked_key(self, token_id: str) -> str:
        return f"{self._prefix}:revoked-token:{token_id}"

    def read(self, user_id: int, token_id: str) -> tuple[bool, Account | None, bool]:
        pipe = self._redis.pipeline(transaction=False)
        pipe.get(self._account_key(user_id))
        pipe.exists(self._revoked_key(token_id))
        raw, revoked = pipe.execute()
        return raw is not None, _decoded(raw), bool(revoked)

    def fill(self, user_id: int, account: Account | None) -> None:
        self._redis.set(self._account_key(user_id), _encoded(account), nx=True)

    def put(self, user_id: int, account: Account | None) -> None:
        self._redis.set(self._account_key(user_id), _encoded(account))

    def revoke(self, token_id: str, ttl_s: int) -> None:
        self._redis.set(self._revoked_key(token_id), 1, ex=max(ttl_s, 1))


def _encoded(account: Account | None) -> bytes:
    if account is None:
        return ABSENT
    organiser = account.organiser
    return json.dumps(
        {
            "id": organiser.id,
            "username": organiser.username,
            "role": organiser.role.value,
            "key": account.token_key,
            "version": account.token_version,
            "disabled": account.disabled,
        }
    ).encode()


def _decoded(raw: bytes | None) -> Account | None:
    if raw is None or raw == ABSENT:
        return None
    data = json.loads(raw)
    return Account(
        organiser=Organiser(data["id"], data["username"], Role(data["role"])),
        token_key=data["key"],
        token_version=data["version"],
        disabled=data["disabled"],
    )
