"""A question reaches every phone before the state that follows it is queued."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.live_helpers import Clock, Rounds, install_clock
from web.live.broadcast import Broadcaster


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


@pytest.fixture
def live_round(app, client, wired, login, clock: Clock) -> Rounds:
    return Rounds(app, client, wired, login("host"))


class Recorder:
    """Stands in for Flask-SocketIO: what was emitted to whom, and where it yielded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def emit(self, event: str, data: Any, *, to: str, namespace: str) -> None:
        self.calls.append((event, namespace))

    def sleep(self, seconds: float = 0) -> None:
        self.calls.append(("yield",))


def test_the_question_is_sent_then_the_server_yields_then_the_state(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round()
    recorder = Recorder()
    state, events = game.wired.live.command(game.id, "start", clock.now)
    Broadcaster(recorder, game.wired.live).round_events(game.id, state, events)  # type: ignore[arg-type]
    audiences = [("/play",), ("/watch",), ("/host",)]
    assert recorder.calls == [
        *[("question", *a) for a in audiences],
        ("yield",),
        *[("state", *a) for a in audiences],
    ]
    recorder.calls.clear()
    state, events = game.wired.live.command(game.id, "close", clock.advance(1000))
    Broadcaster(recorder, game.wired.live).round_events(game.id, state, events)  # type: ignore[arg-type]
    assert ("yield",) not in recorder.calls  # only a question is worth the extra wake-ups
