"""Shared set-up for self-paced tests: rounds with a window, and HTTP calls on them.

The ``windows`` fixture (tests/web/conftest.py) makes these rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.web.live_helpers import START, import_bank
from web.wiring import Wiring

OPENS = START
CLOSES = START + 3_600_000
#: Single-choice questions with the default 20 s limit, then a text question.
FIXED = ("nd-0001", "nd-0002", "nd-0004", "nd-0003")
LIMIT_MS = 20_000


def sp_rules(keys: tuple[str, ...] = FIXED, **overrides: Any) -> dict[str, Any]:
    return {"mode": "self_paced", "draw": {"kind": "fixed", "keys": list(keys)}, **overrides}


def random_rules(count: int = 4, **overrides: Any) -> dict[str, Any]:
    draw = {"kind": "random", "quotas": [{"count": count}], "shuffle_options": True}
    return {"mode": "self_paced", "draw": draw, **overrides}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Window:
    """A self-paced round whose window is [OPENS, CLOSES), and HTTP calls on it."""

    app: Flask
    http: FlaskClient
    wired: Wiring
    headers: dict[str, str]
    id: int
    code: str

    @property
    def plan(self) -> Any:
        return self.wired.competitions.plan(self.id)

    def question(self, key: str) -> Any:
        return next(q for q in self.plan.bank.questions if q.key == key)

    def right(self, key: str) -> Any:
        question = self.question(key)
        return question.answer[0] if question.type.value in ("single", "text") else question.answer

    def wrong(self, key: str) -> Any:
        question = self.question(key)
        return next(c.key for c in question.choices if c.key not in question.answer)

    def enter(self, nickname: str = "Alice", **extra: Any) -> Any:
        return self.http.post(
            f"/api/v1/rounds/{self.id}/entries", json={"nickname": nickname, **extra}
        )

    def entrant(self, nickname: str = "Alice", **extra: Any) -> tuple[str, str]:
        response = self.enter(nickname, **extra)
        assert response.status_code == 201, response.json
        return response.json["contestant"], response.json["token"]

    def next(self, token: str) -> Any:
        return self.http.get(f"/api/v1/rounds/{self.id}/paper/next", headers=bearer(token))

    def answer(self, token: str, question: str, response: Any, **extra: Any) -> Any:
        return self.http.post(
            f"/api/v1/rounds/{self.id}/answers",
            json={"question": question, "response": response, **extra},
            headers=bearer(token),
        )


@dataclass
class Windows:
    """Makes self-paced rounds, each in a new competition on the seed bank."""

    app: Flask
    http: FlaskClient
    wired: Wiring
    headers: dict[str, str]
    bank_version: int = 0

    def __post_init__(self) -> None:
        self.bank_version = import_bank(self.wired)

    def competition(self, rules: dict[str, Any]) -> int:
        response = self.http.post(
            "/api/v1/competitions",
            json={
                "title": "自测",
                "bank": "national-defence",
                "bank_version": self.bank_version,
                "rules": rules,
            },
            headers=self.headers,
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    def __call__(self, rules: dict[str, Any] | None = None) -> Window:
        competition_id = self.competition(rules or sp_rules())
        response = self.http.post(
            f"/api/v1/competitions/{competition_id}/rounds",
            json={"opens_at": OPENS, "closes_at": CLOSES},
            headers=self.headers,
        )
        assert response.status_code == 201, response.json
        body = response.json
        return Window(self.app, self.http, self.wired, self.headers, body["id"], body["code"])
