"""Fixtures for the web tests: an organiser's login, the server clock, rounds to play."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from redis.connection import AbstractConnection

import engine.services.passwords
import web.live.namespaces
from tests.web.live_helpers import Clock, Rounds, import_bank, install_clock
from tests.web.selfpaced_helpers import Windows
from web.wiring import Wiring

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nearly every web test adds and logs in an organiser: hash at a small scrypt cost
    (the cost is written into each hash, so verifying follows it). The production cost
    is held by tests/unit/test_passwords.py."""
    monkeypatch.setattr(engine.services.passwords, "N", 2**4)


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


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The web layer's server clock, at ``START`` until the test moves it."""
    return install_clock(monkeypatch)


@pytest.fixture
def many_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """Burst enough for one socket to send many events in a row (a host sending every
    command in turn, a page reporting focus changes, entries in quick succession).

    Use it as ``pytestmark = pytest.mark.usefixtures("many_events")``.
    """
    monkeypatch.setattr(web.live.namespaces, "BURST", 100.0)


@pytest.fixture
def live_round(
    app: Flask,
    client: FlaskClient,
    wired: Wiring,
    login: Callable[[str], dict[str, str]],
    clock: Clock,
) -> Rounds:
    """Makes live rounds in their lobby, hosted by one organiser, on the server clock."""
    return Rounds(app, client, wired, login("host"))


@pytest.fixture
def windows(
    app: Flask,
    client: FlaskClient,
    wired: Wiring,
    login: Callable[[str], dict[str, str]],
    clock: Clock,
) -> Windows:
    """Makes self-paced rounds open [OPENS, CLOSES), on the server clock."""
    return Windows(app, client, wired, login("host"))


@pytest.fixture
def lobby(client: FlaskClient, wired: Wiring, login: Callable[[str], dict[str, str]]) -> Any:
    """A live round in its lobby on the seed bank, with a team: the round's JSON."""
    headers = login("host")
    rules = {"mode": "live", "draw": {"kind": "fixed", "keys": ["nd-0001"]}, "teams": ["red"]}
    created = client.post(
        "/api/v1/competitions",
        json={
            "title": "国防知识赛",
            "bank": "national-defence",
            "bank_version": import_bank(wired),
            "rules": rules,
        },
        headers=headers,
    )
    assert created.status_code == 201, created.json
    opened = client.post(f"/api/v1/competitions/{created.json['id']}/rounds", headers=headers)
    assert opened.status_code == 201, opened.json
    return opened.json
