"""Leaderboard snapshots: every 500 ms when the board moved, less often in rounds so big
that a snapshot to every connection would exceed SNAPSHOT_WRITES_PER_S; contestants,
spectators and hosts always get the same ones."""

from __future__ import annotations

import pytest

import web.live.ticker
from tests.web.live_helpers import RIGHT, SINGLE, Clock, Rounds, install_clock
from web.live.ticker import SNAPSHOT_EVERY_MS, SNAPSHOT_WRITES_PER_S, snapshot_every_ms


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return install_clock(monkeypatch)


@pytest.fixture
def live_round(app, client, wired, login, clock: Clock) -> Rounds:
    return Rounds(app, client, wired, login("host"))


def test_rounds_up_to_the_budget_get_a_snapshot_every_500_ms_bigger_ones_less_often():
    limit = SNAPSHOT_WRITES_PER_S * SNAPSHOT_EVERY_MS // 1000
    assert [snapshot_every_ms(n) for n in (0, 1, limit)] == [SNAPSHOT_EVERY_MS] * 3
    assert snapshot_every_ms(limit + 1) == SNAPSHOT_EVERY_MS + 1
    assert snapshot_every_ms(4 * limit) == 4 * SNAPSHOT_EVERY_MS
    assert snapshot_every_ms(SNAPSHOT_WRITES_PER_S * 2) == 2000  # 2 s, never less often


def test_a_big_round_gets_the_newest_snapshot_once_per_longer_interval(
    live_round: Rounds, clock: Clock, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = live_round()
    alice, bob, carol = game.players(3)
    watcher, host = game.watcher(), game.host()
    monkeypatch.setattr(web.live.ticker, "SNAPSHOT_WRITES_PER_S", 2)  # 3 contestants: 1.5 s
    every = 1500
    game.command("start")
    ticker = app.extensions["leitai.ticker"]
    start = (clock.now // every + 1) * every

    def counts() -> list[list[int]]:
        return [
            [data["count"] for name, data in connection.received() if name == "leaderboard"]
            for connection in (alice, watcher, host)
        ]

    counts()
    alice.answer(SINGLE, RIGHT[SINGLE])
    ticker.publish(start)
    assert counts() == [[3], [3], [3]]
    clock.advance(1000)
    bob.answer(SINGLE, RIGHT[SINGLE])
    ticker.publish(start + SNAPSHOT_EVERY_MS)  # the board moved, but within the interval
    ticker.publish(start + 2 * SNAPSHOT_EVERY_MS)
    assert counts() == [[], [], []]
    ticker.publish(start + every)  # the next interval: the newest board, to everyone
    pushed = [data for name, data in carol.received() if name == "leaderboard"]
    assert [(e["contestant"], e["points"]) for e in pushed[-1]["top"][:2]] == [
        (alice.contestant, 1000),
        (bob.contestant, 1000),
    ]
    assert counts() == [[3], [3], [3]]
