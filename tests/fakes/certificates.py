"""Certificate plans and issued certificates in memory, as
``engine.adapters.sql.certificates`` keeps them in SQL (both ports: a round's and a
campaign stage's)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

#: Every column of an issued certificate; what a caller leaves out is None.
_COLUMNS = dict.fromkeys(
    ("round_id", "campaign_id", "stage", "revoked_at_ms", "revoke_reason"), None
)


class InMemoryCertificateStore:
    def __init__(self) -> None:
        self._plans: dict[int, dict[str, Any]] = {}
        self._campaign_plans: dict[tuple[int, int], dict[str, Any]] = {}
        self._issued: dict[str, dict[str, Any]] = {}  # serial -> certificate

    def plan(self, round_id: int) -> dict[str, Any] | None:
        return _copy(self._plans.get(round_id))

    def save_plan(self, round_id: int, plan: dict[str, Any], by: str | None) -> None:
        self._plans[round_id] = _copy(plan)

    def campaign_plan(self, campaign_id: int, stage: int) -> dict[str, Any] | None:
        return _copy(self._campaign_plans.get((campaign_id, stage)))

    def save_campaign_plan(
        self, campaign_id: int, stage: int, plan: dict[str, Any], by: str | None
    ) -> None:
        self._campaign_plans[campaign_id, stage] = _copy(plan)

    def issued_keys(self, round_id: int) -> set[tuple[str, str]]:
        return {(c["contestant"], c["template"]) for c in self._where(round_id=round_id)}

    def campaign_issued_keys(self, campaign_id: int, stage: int) -> set[tuple[str, str]]:
        found = self._where(campaign_id=campaign_id, stage=stage)
        return {(c["contestant"], c["template"]) for c in found}

    def add(self, certificates: Iterable[dict[str, Any]]) -> bool:
        """All or none: none when a serial is taken or a holder has the template already
        (SQL's unique keys, which no key holding a None takes part in)."""
        batch = [{**_COLUMNS, **_copy(c)} for c in certificates]
        serials = [c["serial"] for c in batch]
        held = [_unique_keys(c) for c in [*self._issued.values(), *batch]]
        keys = [key for keys in held for key in keys]
        if len(set(serials)) < len(serials) or set(serials) & set(self._issued):
            return False
        if len(set(keys)) < len(keys):
            return False
        self._issued.update((c["serial"], c) for c in batch)
        return True

    def of_round(self, round_id: int) -> list[dict[str, Any]]:
        return self._where(round_id=round_id)

    def of_contestant(self, round_id: int, contestant: str) -> list[dict[str, Any]]:
        return self._where(round_id=round_id, contestant=contestant)

    def of_campaign(self, campaign_id: int) -> list[dict[str, Any]]:
        return self._where(campaign_id=campaign_id)

    def of_registration(self, campaign_id: int, registration: str) -> list[dict[str, Any]]:
        return self._where(campaign_id=campaign_id, contestant=registration)

    def get(self, serial: str) -> dict[str, Any] | None:
        return _copy(self._issued.get(serial))

    def revoke(self, serial: str, at_ms: int, reason: str) -> None:
        found = self._issued.get(serial)
        if found is not None and found["revoked_at_ms"] is None:
            found.update(revoked_at_ms=at_ms, revoke_reason=reason)

    def _where(self, **columns: Any) -> list[dict[str, Any]]:
        """Those matching ``columns``, in issue order (then by serial), as SQL lists them."""
        found = [
            c
            for c in self._issued.values()
            if all(c[name] == value for name, value in columns.items())
        ]
        return [_copy(c) for c in sorted(found, key=_issue_order)]


def _unique_keys(certificate: dict[str, Any]) -> list[tuple[Any, ...]]:
    c = certificate
    keys: list[tuple[Any, ...]] = [
        ("round", c["round_id"], c["contestant"], c["template"]),
        ("stage", c["campaign_id"], c["stage"], c["contestant"], c["template"]),
    ]
    return [key for key in keys if None not in key]


def _issue_order(certificate: dict[str, Any]) -> tuple[int, str]:
    return certificate["issued_at_ms"], certificate["serial"]


def _copy(value: Any) -> Any:
    """What a JSON column gives back: a copy, never the object stored."""
    return None if value is None else json.loads(json.dumps(value))
