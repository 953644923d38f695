"""Helpers for tests that call the HTTP API as an organiser."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from redis.connection import AbstractConnection

from web.wiring import Wiring

PASSWORD = "correct horse battery"


@pytest.fixture
def login(client: FlaskClient, wired: Wiring) -> Callable[[str], dict[str, str]]:
    """Create an organiser with ``role`` and return headers carrying their token."""

    def make(role: str, username: str | None = None) -> dict[str, str]:
        username = username or f"{role}-user"
        wired.accounts.add(username, PASSWORD, role)
        response = client.post(
            "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    return make


@pytest.fixture
def round_trips(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per request written to Redis (a pipeline is one)."""
    sent: list[int] = []
    send = AbstractConnection.send_packed_command

    def counted(self: AbstractConnection, command: object, check_health: bool = True) -> None:
        sent.append(1)
        send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return sent
