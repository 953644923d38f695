"""Who gets which message of a round event: phones get a phase's own message and no
second copy in a state; the state goes to phones only when nothing else told them."""

from __future__ import annotations

from typing import Any

from tests.web.live_helpers import Clock, Rounds
from web.live.broadcast import Broadcaster


class Recorder:
    """Stands in for Flask-SocketIO: what was emitted to whom."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def emit(self, event: str, data: Any, *, to: str, namespace: str) -> None:
        self.calls.append((event, namespace))


def broadcast(game, name: str, now: int) -> list[tuple[str, str]]:
    recorder = Recorder()
    state, events = game.wired.live.command(game.id, name, now)
    Broadcaster(recorder, game.wired.live).round_events(game.id, state, events)  # type: ignore[arg-type]
    return recorder.calls


SCREENS = [("state", "/watch"), ("state", "/host")]


def test_phones_get_each_phase_in_its_own_message_and_pauses_in_a_state(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round()
    everyone = ("/play", "/watch", "/host")
    assert broadcast(game, "start", clock.now) == [
        *[("question", n) for n in everyone],
        *SCREENS,
    ]
    assert broadcast(game, "pause", clock.advance(100)) == [("state", n) for n in everyone]
    assert broadcast(game, "resume", clock.advance(100)) == [("state", n) for n in everyone]
    assert broadcast(game, "close", clock.advance(100)) == [
        *[("closed", n) for n in everyone],
        *SCREENS,
    ]
    assert broadcast(game, "reveal", clock.advance(100)) == [
        *[("reveal", n) for n in everyone],
        *SCREENS,
    ]
    assert broadcast(game, "finish", clock.advance(100)) == [
        *[("finished", n) for n in everyone],
        *SCREENS,
    ]
