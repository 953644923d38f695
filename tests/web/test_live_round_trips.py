"""What one live event costs the server. Under a burst, every Redis round trip is a socket
write and read in the one gevent hub, so the answer path reads in one script call and writes
in one script; and no event pays for a Flask request context it does not use."""

from __future__ import annotations

import pytest

from tests.web.live_helpers import RIGHT, SINGLE, WRONG, Rounds, install_clock


@pytest.fixture
def live_round(app, client, wired, login, monkeypatch: pytest.MonkeyPatch) -> Rounds:
    install_clock(monkeypatch)
    return Rounds(app, client, wired, login("host"))


def test_an_answer_is_two_round_trips_and_a_duplicate_one(
    live_round: Rounds, round_trips: list[int]
) -> None:
    game = live_round()
    first, second = game.players(2)
    game.command("start")
    assert first.answer(SINGLE, RIGHT[SINGLE])["accepted"] is True  # loads the script
    round_trips.clear()
    ack = second.answer(SINGLE, WRONG[SINGLE])
    assert (ack["accepted"], ack["duplicate"]) == (True, False)
    assert len(round_trips) == 2  # the reading script, the answer script
    round_trips.clear()
    again = second.answer(SINGLE, RIGHT[SINGLE])
    assert (again["accepted"], again["duplicate"]) == (True, True)
    assert len(round_trips) == 1


def test_events_run_without_a_flask_request_context(
    live_round: Rounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = live_round()
    player, _ = game.player("alice")
    game.command("start")
    pushed: list[object] = []
    make = game.app.request_context
    monkeypatch.setattr(
        game.app, "request_context", lambda environ: pushed.append(1) or make(environ)
    )
    assert player.answer(SINGLE, RIGHT[SINGLE])["accepted"] is True
    assert player.emit("state")["state"]["you"]["points"] > 0
    player.client.disconnect(namespace="/play")
    assert pushed == []
