"""Leaderboard snapshots: spectators and hosts every 500 ms when the board moved,
contestants at most once per PLAYER_SNAPSHOT_EVERY_MS, always the newest."""

from __future__ import annotations

import pytest

from tests.web.live_helpers import RIGHT, SINGLE, Clock, Rounds, install_clock
from web.live.ticker import PLAYER_SNAPSHOT_EVERY_MS, SNAPSHOT_EVERY_MS


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


@pytest.fixture
def live_round(app, client, wired, login, clock: Clock) -> Rounds:
    return Rounds(app, client, wired, login("host"))


def test_contestants_get_the_newest_snapshot_once_per_window(
    live_round: Rounds, clock: Clock, app
) -> None:
    game = live_round()
    alice, bob = game.players(2)
    watcher, host = game.watcher(), game.host()
    game.command("start")
    ticker = app.extensions["leitai.ticker"]
    window = (clock.now // PLAYER_SNAPSHOT_EVERY_MS + 1) * PLAYER_SNAPSHOT_EVERY_MS

    def boards(connection) -> list[int]:
        return [data["count"] for name, data in connection.received() if name == "leaderboard"]

    for connection in (alice, bob, watcher, host):
        connection.received()
    alice.answer(SINGLE, RIGHT[SINGLE])
    ticker.publish(window)
    assert (boards(alice), boards(bob), boards(watcher), boards(host)) == ([2], [2], [2], [2])
    clock.advance(1000)
    bob.answer(SINGLE, RIGHT[SINGLE])  # a wrong one would leave the board as it was
    ticker.publish(window + SNAPSHOT_EVERY_MS)  # the board moved: spectators only
    assert (boards(alice), boards(bob), boards(watcher), boards(host)) == ([], [], [2], [2])
    ticker.publish(window + 2 * SNAPSHOT_EVERY_MS)  # nothing new for anyone
    assert (boards(alice), boards(watcher)) == ([], [])
    ticker.publish(window + PLAYER_SNAPSHOT_EVERY_MS)  # the next window: the newest board
    pushed = [data for name, data in alice.received() if name == "leaderboard"]
    assert [(e["contestant"], e["points"]) for e in pushed[0]["top"]] == [
        (alice.contestant, 1000),
        (bob.contestant, 1000),
    ]
    assert (len(pushed), boards(bob), boards(watcher)) == (1, [2], [])
    ticker.publish(window + PLAYER_SNAPSHOT_EVERY_MS + SNAPSHOT_EVERY_MS)
    assert (boards(alice), boards(watcher)) == ([], [])
