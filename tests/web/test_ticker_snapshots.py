"""Leaderboard snapshots: spectators and hosts get the board every 500 ms it moved (the
public board moves only when a question closes); phones get it only between questions
(it has settled then), so an answer burst costs no writes to every phone; and each
version goes out once, whichever process publishes it."""

from __future__ import annotations

from dataclasses import replace

from engine.domain.standings import SNAPSHOT_EVERY_MS
from engine.services.round_clock import RoundClock
from tests.web.live_helpers import RIGHT, SINGLE, Clock, Rounds
from web.live.ticker import Ticker


def boards(connection) -> list[list[tuple[str, int]]]:
    """The leaderboard snapshots a connection got since last asked: (contestant, points)."""
    return [
        [(e["contestant"], e["points"]) for e in data["top"]]
        for name, data in connection.received()
        if name == "leaderboard"
    ]


def test_spectators_follow_the_race_and_phones_see_the_board_once_it_settles(
    live_round: Rounds, clock: Clock, app
) -> None:
    game = live_round()
    alice, bob = game.players(2)
    watcher, host = game.watcher(), game.host()
    ticker = app.extensions["leitai.ticker"]
    game.command("start")
    for connection in (alice, bob, watcher, host):
        connection.received()

    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))
    lobby = boards(watcher)
    assert boards(host) == lobby
    assert {points for board in lobby for _, points in board} == {0}
    assert boards(alice) == boards(bob) == []  # a question is open

    alice.answer(SINGLE, RIGHT[SINGLE])
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))  # the public board has not moved
    assert (boards(watcher), boards(host), boards(alice)) == ([], [], [])

    bob.answer(SINGLE, RIGHT[SINGLE])
    game.command("close")
    for connection in (alice, bob, watcher, host):
        connection.received()
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))
    settled = [[(alice.contestant, 1000), (bob.contestant, 1000)]]
    assert boards(alice) == boards(bob) == settled
    assert (boards(watcher), boards(host)) == (settled, settled)

    game.command("reveal")
    for connection in (alice, bob, watcher, host):
        connection.received()
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))  # settled and unchanged: nothing new
    assert [boards(c) for c in (alice, bob, watcher, host)] == [[], [], [], []]


def test_a_version_goes_out_once_whichever_process_publishes_it(
    live_round: Rounds, clock: Clock, app, wired
) -> None:
    game = live_round()
    alice, bob = game.players(2)
    watcher = game.watcher()
    first = app.extensions["leitai.ticker"]
    own_clock = RoundClock(wired.live, wired.selfpaced, wired.leaderboard, wired.live.store)
    second = Ticker(
        app.extensions["leitai.socketio"],
        replace(wired, round_clock=own_clock),  # another process's
        app.extensions["leitai.broadcaster"],
    )
    game.command("start")
    alice.answer(SINGLE, RIGHT[SINGLE])
    game.command("close")
    for connection in (alice, bob, watcher):
        connection.received()
    first.publish(clock.advance(SNAPSHOT_EVERY_MS))
    second.publish(clock.advance(SNAPSHOT_EVERY_MS))  # the next interval, the same board
    assert len(boards(alice)) == len(boards(watcher)) == 1
