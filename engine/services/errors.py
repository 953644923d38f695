"""Errors a use case raises; the web layer maps each to one HTTP status and error code."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """``reason``, when given, tells apart situations that share a ``code`` (and an
    English ``message``), so a page can word each in its reader's language."""

    code = "error"

    def __init__(
        self,
        message: str,
        fields: Mapping[str, object] | None = None,
        *,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})
        self.reason = reason


class Invalid(ServiceError):
    code = "invalid"


class NotFound(ServiceError):
    code = "not_found"


class Conflict(ServiceError):
    code = "conflict"


class Unauthorised(ServiceError):
    code = "unauthorised"


class Forbidden(ServiceError):
    code = "forbidden"


class TooManyAttempts(ServiceError):
    code = "too_many_attempts"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Throttled(TooManyAttempts):
    """Too many entries from one client address, or into one round, just now."""

    code = "throttled"

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message, retry_after_s)
        self.fields = {"retry_after": retry_after_s}
