"""Signed, expiring bearer tokens (itsdangerous), one salt per kind of holder."""

from __future__ import annotations

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
    def __init__(self, secret_key: str, kind: str, ttl_s: int) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt=f"leitai-{kind}")
        self.ttl_s = ttl_s

    def issue(self, claims: dict[str, Any]) -> str:
        return self._serializer.dumps(claims)

    def verify(self, token: str) -> dict[str, Any]:
        try:
            claims = self._serializer.loads(token, max_age=self.ttl_s)
        except SignatureExpired as expired:
            raise TokenError("token_expired", "The token has expired; log in again.") from expired
        except BadSignature as bad:
            raise TokenError("token_invalid", "The token is not valid.") from bad
        if not isinstance(claims, dict):
            raise TokenError("token_invalid", "The token is not valid.")
        return claims


def organiser_of(wired: Wiring, token: str) -> Organiser:
    """The organiser an organiser token stands for, or :class:`TokenError` (bad, expired
    or revoked); no SQL unless the account was never seen since Redis started."""
    claims = wired.organiser_tokens.verify(token)
    try:
        return wired.accounts.holder(claims)
    except TokenRevoked as revoked:
        raise TokenError(revoked.code, revoked.message) from revoked
