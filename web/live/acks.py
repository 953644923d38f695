"""The shape of a refusal ack:
``{"ok": false, "error": {"code", "message", "fields"?, "reason"?}}``."""

from __future__ import annotations

from typing import Any


def failure(
    code: str,
    message: str,
    fields: dict[str, Any] | list[Any] | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    if reason:
        error["reason"] = reason
    return {"ok": False, "error": error}
