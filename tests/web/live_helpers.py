"""Shared set-up for live-round tests: a seed bank, a host, a round, Socket.IO clients.

The fixtures that build on these (``clock``, ``live_round``, ``many_events``) are in
tests/web/conftest.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_socketio import SocketIOTestClient

import web.clock
from engine.adapters.bankfile import load_bank_file
from engine.domain.questions import BankContent
from web.wiring import Wiring

BANK = Path(__file__).resolve().parents[2] / "question_banks" / "national-defence"
#: One question of every type, in this order on a fixed paper.
SINGLE, MULTIPLE, TRUE_FALSE, TEXT, ORDER = "nd-0001", "nd-0006", "nd-0012", "nd-0003", "nd-0031"
KEYS = (SINGLE, MULTIPLE, TRUE_FALSE, TEXT, ORDER)
#: A right answer to each, as a contestant sends it.
RIGHT: dict[str, Any] = {
    SINGLE: "b",
    MULTIPLE: ["a", "b", "c"],
    TRUE_FALSE: True,
    TEXT: "南昌",
    ORDER: ["b", "a", "d", "c"],
}
WRONG: dict[str, Any] = {
    SINGLE: "a",
    MULTIPLE: ["a", "d"],
    TRUE_FALSE: False,
    TEXT: "北京",
    ORDER: ["a", "b", "c", "d"],
}
START = 1_800_000_000_000  # the controlled clock's epoch ms


def rules(keys: tuple[str, ...] = KEYS, **overrides: Any) -> dict[str, Any]:
    """Competition rules on a fixed paper of ``keys``, plain 1000-point scoring."""
    return {"mode": "live", "draw": {"kind": "fixed", "keys": list(keys)}, **overrides}


@cache
def seed_bank() -> BankContent:
    """The national-defence seed bank's content, parsed once per test process: parsing
    costs more than the rest of a round's set-up, and the content is immutable."""
    content = load_bank_file(BANK).content
    assert content is not None
    return content


def import_bank(wired: Wiring) -> int:
    """The national-defence seed bank, imported; its version number."""
    return wired.banks.import_bank(seed_bank(), {}, "test").version.number


@dataclass
class Clock:
    """Server time for the namespaces and host controls, moved by the test."""

    now: int = START

    def advance(self, ms: int) -> int:
        self.now += ms
        return self.now


def install_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Make the web layer's server clock read ``Clock.now``."""
    clock = Clock()
    monkeypatch.setattr(web.clock, "now_ms", lambda: clock.now)
    return clock


def ack_error(ack: dict[str, Any]) -> str:
    """The error code of a failed ack (and that it did fail)."""
    assert ack["ok"] is False, ack
    return ack["error"]["code"]


@dataclass
class Round:
    """A round in its lobby, with its host and ways to open sockets on it."""

    app: Flask
    http: FlaskClient
    wired: Wiring
    competition_id: int
    id: int
    code: str
    watch_code: str
    headers: dict[str, str]
    clients: list[SocketIOTestClient] = field(default_factory=list)

    @property
    def token(self) -> str:
        return self.headers["Authorization"].split()[1]

    @property
    def plan(self) -> Any:
        return self.wired.competitions.plan(self.id)

    def socket(self, namespace: str) -> SocketIOTestClient:
        client = self.app.extensions["leitai.socketio"].test_client(self.app, namespace=namespace)
        self.clients.append(client)
        return client

    def player(self, nickname: str, **extra: Any) -> tuple[Player, dict[str, Any]]:
        """A /play connection that tried to join with ``nickname``, and its ack."""
        player = Player(self.socket("/play"))
        return player, player.join(self.code, nickname, **extra)

    def players(self, count: int, prefix: str = "p") -> list[Player]:
        joined = []
        for n in range(count):
            player, ack = self.player(f"{prefix}{n}")
            assert ack["ok"], ack
            joined.append(player)
        return joined

    def host(self) -> Host:
        host = Host(self.socket("/host"))
        ack = host.emit("attach", {"round": self.id, "token": self.token})
        assert ack["ok"], ack
        return host

    def watcher(self) -> Watcher:
        watcher = Watcher(self.socket("/watch"))
        ack = watcher.emit("watch", {"code": self.watch_code})
        assert ack["ok"], ack
        return watcher

    def command(self, name: str) -> Any:
        """Drive the round through the HTTP host controls."""
        response = self.http.post(f"/api/v1/rounds/{self.id}/{name}", headers=self.headers)
        assert response.status_code == 200, response.json
        return response.json


@dataclass
class Connection:
    client: SocketIOTestClient
    namespace: str = "/play"

    def emit(self, name: str, data: Any = None) -> Any:
        args = () if data is None else (data,)
        return self.client.emit(name, *args, namespace=self.namespace, callback=True)

    def received(self) -> list[tuple[str, Any]]:
        """Events pushed since the last call, as (name, first argument)."""
        return [
            (event["name"], event["args"][0] if event["args"] else None)
            for event in self.client.get_received(self.namespace)
        ]

    def last(self, name: str, events: list[tuple[str, Any]]) -> Any:
        found = [data for event, data in events if event == name]
        assert found, f"no {name!r} in {[event for event, _ in events]}"
        return found[-1]


@dataclass
class Player(Connection):
    contestant: str | None = None
    token: str | None = None

    def join(self, code: str, nickname: str, **extra: Any) -> dict[str, Any]:
        ack = self.emit("join", {"code": code, "nickname": nickname, **extra})
        if ack["ok"]:
            self.contestant, self.token = ack["contestant"]["id"], ack["token"]
        return ack

    def answer(self, question: str, response: Any) -> dict[str, Any]:
        return self.emit("answer", {"question": question, "response": response})


@dataclass
class Host(Connection):
    namespace: str = "/host"


@dataclass
class Watcher(Connection):
    namespace: str = "/watch"


@dataclass
class Rounds:
    """Makes rounds, each in a new competition on the imported seed bank.

    The ``live_round`` fixture is one; a test needing another host builds its own.
    """

    app: Flask
    http: FlaskClient
    wired: Wiring
    headers: dict[str, str]
    bank_version: int = 0

    def __post_init__(self) -> None:
        self.bank_version = import_bank(self.wired)

    def __call__(self, round_rules: dict[str, Any] | None = None) -> Round:
        response = self.http.post(
            "/api/v1/competitions",
            json={
                "title": "Live test",
                "bank": "national-defence",
                "bank_version": self.bank_version,
                "rules": round_rules or rules(),
            },
            headers=self.headers,
        )
        assert response.status_code == 201, response.json
        competition_id = response.json["id"]
        response = self.http.post(
            f"/api/v1/competitions/{competition_id}/rounds", headers=self.headers
        )
        assert response.status_code == 201, response.json
        body = response.json
        return Round(
            self.app,
            self.http,
            self.wired,
            competition_id,
            body["id"],
            body["code"],
            body["watch_code"],
            self.headers,
        )
