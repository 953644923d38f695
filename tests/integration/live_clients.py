"""Driving live rounds on real ``leitai serve`` processes, as operators and phones would.

Setup goes through the command line (``leitai user add``, ``leitai bank import``, run in
the test's process: ``command_line``) and the HTTP API; contestants, hosts and spectators
are python-socketio clients on the WebSocket transport only, so no request depends on
reaching the process that served the last one.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import socketio
import websocket
from sqlalchemy import create_engine, text

from engine.domain.questions import QuestionType
from tests.integration.servers import command_line
from tests.web.live_helpers import seed_bank

BANK = Path(__file__).parents[2] / "question_banks" / "national-defence"
HOST_NAME, HOST_PASSWORD = "host-one", "correct horse battery"
POINTS, STREAK_STEP, STREAK_CAP = 1000, 100, 500
TIMEOUT_S = 20  # generous: CI shares two cores with the servers it tests
#: How long a closing client waits for the server's answering close frame.
CLOSE_WAIT_S = 0.1


class PromptClose(websocket.WebSocket):
    """A client WebSocket whose close waits ``CLOSE_WAIT_S`` for the server's close frame,
    not websocket-client's 3 s: python-engineio's reader thread takes that frame itself,
    so the wait always ran to its end, 3 s of every disconnect. The server has the
    client's close frame either way, and then the connection's end."""

    def close(
        self,
        status: int = websocket.STATUS_NORMAL,
        reason: str | bytes = b"",
        timeout: float | None = CLOSE_WAIT_S,
    ) -> None:
        super().close(status, reason, timeout)


def socketio_client(**options: Any) -> socketio.Client:
    """A python-socketio client, as a phone or a screen connects, that hangs up promptly."""
    return socketio.Client(websocket_extra_options={"class_": PromptClose}, **options)


def upgrade(env: Mapping[str, str]) -> None:
    """Migrate a PostgreSQL database before serving (``serve`` migrates SQLite itself)."""
    if env.get("LEITAI_DATABASE_URL"):
        with command_line(env) as leitai:
            leitai(["db", "upgrade"])


def prepare_instance(env: Mapping[str, str]) -> None:
    """A host account (password on stdin) and the national-defence bank.

    Run while a server is up, as an operator would: on the embedded stores the commands
    attach to the server's Redis instead of starting and stopping one of their own.
    """
    with command_line(env) as leitai:
        leitai(["user", "add", HOST_NAME, "--role", "host"], HOST_PASSWORD + "\n")
        assert "national-defence" in leitai(["bank", "import", str(BANK)])


def http(
    method: str, url: str, body: object = None, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (localhost)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def host_token(base: str) -> str:
    status, body = http(
        "POST", f"{base}/api/v1/auth/token", {"username": HOST_NAME, "password": HOST_PASSWORD}
    )
    assert status == 200, body
    return body["token"]


@dataclass(frozen=True)
class Paper:
    """The questions a test round asks, in order, with their right and a wrong choice."""

    keys: tuple[str, ...]
    right: dict[str, str]
    wrong: dict[str, str]


def paper(count: int) -> Paper:
    """The first ``count`` single-choice questions that use the round's time limit."""
    bank = seed_bank()
    chosen = [
        q for q in bank.questions if q.type is QuestionType.SINGLE and q.time_limit_s is None
    ][:count]
    return Paper(
        keys=tuple(q.key for q in chosen),
        right={q.key: q.answer[0] for q in chosen},
        wrong={q.key: next(c.key for c in q.choices if c.key != q.answer[0]) for q in chosen},
    )


def create_round(base: str, token: str, keys: tuple[str, ...], time_limit_s: int = 60) -> dict:
    """A live competition asking ``keys`` in order, and its first round (id, codes)."""
    rules = {
        "mode": "live",
        "draw": {"kind": "fixed", "keys": list(keys), "shuffle_options": False},
        "scoring": {
            "points": POINTS,
            "speed": "none",
            "streak_step": STREAK_STEP,
            "streak_cap": STREAK_CAP,
        },
        "default_time_limit_s": time_limit_s,
    }
    status, competition = http(
        "POST",
        f"{base}/api/v1/competitions",
        {"title": "Process test", "bank": "national-defence", "bank_version": 1, "rules": rules},
        token,
    )
    assert status == 201, competition
    status, created = http(
        "POST", f"{base}/api/v1/competitions/{competition['id']}/rounds", {}, token
    )
    assert status == 201, created
    return created


def host_command(base: str, token: str, round_id: int, name: str) -> dict[str, Any]:
    status, body = http("POST", f"{base}/api/v1/rounds/{round_id}/{name}", {}, token)
    assert status == 200, (name, body)
    return body


def expected_points(correct: list[bool]) -> tuple[int, int]:
    """(points, streak) after answering every question in turn, by the round's rules."""
    points = streak = 0
    for right in correct:
        if right:
            points += POINTS + min(STREAK_STEP * streak, STREAK_CAP)
            streak += 1
        else:
            streak = 0
    return points, streak


ROUND_EVENTS = ("state", "question", "closed", "reveal", "leaderboard", "finished", "answers")


@dataclass
class LiveClient:
    """One Socket.IO connection to one namespace, keeping every event it is pushed."""

    url: str
    namespace: str
    events: list[tuple[str, Any]] = field(default_factory=list)
    #: WebSocket only, as phones connect; ("polling",) or ("polling", "websocket") for
    #: the fallback a proxy must route stickily.
    transports: tuple[str, ...] = ("websocket",)

    def __post_init__(self) -> None:
        self._changed = threading.Condition()
        self.sio = socketio_client(reconnection=False, request_timeout=TIMEOUT_S)
        for name in ROUND_EVENTS:
            self.sio.on(name, self._keeper(name), namespace=self.namespace)

    def _keeper(self, name: str) -> Callable[[Any], None]:
        def keep(data: Any = None) -> None:
            with self._changed:
                self.events.append((name, data))
                self._changed.notify_all()

        return keep

    def connect(self) -> LiveClient:
        self.sio.connect(
            self.url,
            namespaces=[self.namespace],
            transports=list(self.transports),
            wait_timeout=TIMEOUT_S,
        )
        self._ws = self.sio.eio.ws  # None while polling
        return self

    def call(self, event: str, data: Any = None) -> dict[str, Any]:
        """Send an event and return its ack (a missing ack fails the test)."""
        return self.sio.call(event, data, namespace=self.namespace, timeout=TIMEOUT_S)

    def send(self, event: str, data: Any, on_ack: Callable[[dict], None]) -> None:
        """Send an event without waiting; ``on_ack`` runs if an ack ever comes."""
        self.sio.emit(event, data, namespace=self.namespace, callback=on_ack)

    def named(self, name: str) -> list[Any]:
        with self._changed:
            return [data for event, data in self.events if event == name]

    def wait_for(
        self, name: str, test: Callable[[Any], bool] = lambda _: True, timeout: float = TIMEOUT_S
    ) -> Any:
        """The first ``name`` event that passes ``test``, waiting for it if need be."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event, data in self.events:
                    if event == name and test(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [event for event, _ in self.events]
                    raise AssertionError(f"{self.namespace}: no {name!r} in time; got {seen}")
                self._changed.wait(left)

    def close(self) -> None:
        self.sio.disconnect()
        # After the server vanished python-engineio leaves its WebSocket open; close it.
        if self._ws is not None:
            self._ws.shutdown()


class Clients(list[LiveClient]):
    """The clients a test opened, all closed together at the end: in parallel, the wait
    for the server's closing handshake (``CLOSE_WAIT_S``) is paid once."""

    def __enter__(self) -> Clients:
        return self

    def __exit__(self, *exc: object) -> None:
        with ThreadPoolExecutor(max_workers=max(len(self), 1)) as pool:
            list(pool.map(LiveClient.close, self))


def contestant(
    url: str,
    code: str,
    nickname: str,
    resume_token: str | None = None,
    transports: tuple[str, ...] = ("websocket",),
) -> tuple:
    """A connected /play client and its join ack."""
    client = LiveClient(url, "/play", transports=transports).connect()
    joined = client.call("join", {"code": code, "nickname": nickname, "resume_token": resume_token})
    assert joined["ok"], joined
    return client, joined


def host(url: str, round_id: int, token: str) -> LiveClient:
    client = LiveClient(url, "/host").connect()
    attached = client.call("attach", {"round": round_id, "token": token})
    assert attached["ok"], attached
    return client


def spectator(url: str, watch_code: str) -> tuple[LiveClient, dict[str, Any]]:
    client = LiveClient(url, "/watch").connect()
    watching = client.call("watch", {"code": watch_code})
    assert watching["ok"], watching
    return client, watching


def wait_until(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
    return result


def delete_keys(client: redis.Redis, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


def stored_answers(database: str, round_id: int) -> list[tuple[str, int]]:
    """(contestant, question index) of every answer of the round in SQL, sorted."""
    engine = create_engine(database.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT contestant, question_index FROM answers WHERE round_id = :r"),
                {"r": round_id},
            ).all()
    finally:
        engine.dispose()
    return sorted((str(c), int(i)) for c, i in rows)
