"""Signed, expiring bearer tokens (itsdangerous), one salt per kind of holder."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from engine.domain.accounts import Organiser
from engine.services.accounts import TokenRevoked

if TYPE_CHECKING:
    from web.wiring import Wiring


class TokenError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class TokenSigner:
    """Issues and verifies one kind of token. With ``remember``, up to that many verified
    tokens are kept (by their text, until they expire), so a contestant's every request
    does not check the same signature again: a token's claims never change, and what
    takes a contestant's rights away (a kick, a ban, the round's end) is read from Redis
    on each request, not from the token."""

    def __init__(self, secret_key: str, kind: str, ttl_s: int, *, remember: int = 0) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=f"leitai-{kind}")
        self.ttl_s = ttl_s
        self._remember = remember
        self._verified: dict[str, tuple[dict[str, Any], float]] = {}  # token -> claims, expiry

    def issue(self, claims: dict[str, Any]) -> str:
        return self._serializer.dumps(claims)

    def verify(self, token: str) -> dict[str, Any]:
        known = self._verified.get(token)
        if known is not None and time.time() <= known[1]:
            return dict(known[0])
        try:
            claims, signed_at = self._serializer.loads(
                token, max_age=self.ttl_s, return_timestamp=True
            )
        except SignatureExpired as expired:
            self._verified.pop(token, None)
            raise TokenError("token_expired", "The token has expired; log in again.") from expired
        except BadSignature as bad:
            raise TokenError("token_invalid", "The token is not valid.") from bad
        if not isinstance(claims, dict):
            raise TokenError("token_invalid", "The token is not valid.")
        if self._remember:
            if len(self._verified) >= self._remember:  # the oldest verified goes first
                self._verified.pop(next(iter(self._verified)), None)
            self._verified[token] = dict(claims), signed_at.timestamp() + self.ttl_s
        return claims


def organiser_of(wired: Wiring, token: str) -> Organiser:
    """The organiser an organiser token stands for, or :class:`TokenError` (bad, expired
    or revoked); no SQL unless the account was never seen since Redis started."""
    claims = wired.organiser_tokens.verify(token)
    try:
        return wired.accounts.holder(claims)
    except TokenRevoked as revoked:
        raise TokenError(revoked.code, revoked.message) from revoked
