"""/watch over the Socket.IO test client, and room isolation between rounds running at
once (ClassQuiz emitted without a room, so one game's events reached every game)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.domain.rounds import LiveStatus
from tests.web.live_helpers import (
    KEYS,
    RIGHT,
    SINGLE,
    WRONG,
    Clock,
    Rounds,
    Watcher,
    ack_error,
)

QUESTION_FIELDS = {
    "key",
    "index",
    "total",
    "type",
    "prompt",
    "choices",
    "media",
    "opens_at",
    "closes_at",
    "seq",
}


def keys_in(value: Any) -> set[str]:
    """Every mapping key anywhere inside ``value``."""
    if isinstance(value, dict):
        return set(value).union(*(keys_in(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_in(v) for v in value))
    return set()


def test_watch_by_code(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    game.players(2)
    watcher = Watcher(game.socket("/watch"))
    ack = watcher.emit("watch", {"code": game.watch_code.lower()})
    assert ack["ok"] is True
    assert ack["state"]["round"] == game.id
    assert ack["state"]["status"] == "lobby"
    assert ack["state"]["contestants"] == 2
    assert "you" not in ack["state"]
    assert ack["leaderboard"]["count"] == 2
    assert len(ack["leaderboard"]["top"]) == 2


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"code": "ZZZZZZZZ"}, "not_found"),
        ({"code": "AB"}, "invalid"),
        ({}, "invalid"),
        ("ABCDEFGH", "invalid"),
        ([], "invalid"),
    ],
)
def test_watch_refusals(live_round: Rounds, clock: Clock, payload: Any, code: str) -> None:
    game = live_round()
    watcher = Watcher(game.socket("/watch"))
    assert ack_error(watcher.emit("watch", payload)) == code
    game.command("start")
    assert watcher.received() == []  # not in any room


def test_the_join_code_is_not_a_watch_code(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    watcher = Watcher(game.socket("/watch"))
    assert ack_error(watcher.emit("watch", {"code": game.code})) == "not_found"


def test_spectators_never_see_an_answer_before_the_reveal(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    player, _ = game.player("alice")
    watcher = game.watcher()
    game.command("start")
    for index, key in enumerate(KEYS):
        if index:
            game.command("next")
        player.answer(key, RIGHT[key])
        game.command("close")
        before = watcher.received()
        question = watcher.last("question", before)
        assert set(question) == QUESTION_FIELDS
        assert question["key"] == key
        assert all(set(choice) == {"key", "text"} for choice in question["choices"])
        assert not keys_in([data for _, data in before]) & {"answer", "explanation", "result"}
        explanation = game.plan.questions[index].explanation
        if explanation:
            assert explanation["zh-Hans"] not in json.dumps(before, ensure_ascii=False)
        game.command("reveal")
        reveal = watcher.last("reveal", watcher.received())
        assert reveal["answer"] == list(game.plan.questions[index].answer)
        assert reveal["stats"]["answers"] == 1
        assert reveal["you"] is None


def test_spectators_get_reveal_statistics_and_throttled_snapshots(
    live_round: Rounds, clock: Clock, app
) -> None:
    game = live_round()
    alice, bob, carol = game.players(3)
    watcher = game.watcher()
    game.command("start")
    clock.advance(1500)
    alice.answer(SINGLE, RIGHT[SINGLE])
    bob.answer(SINGLE, WRONG[SINGLE])
    carol.answer(SINGLE, 1)  # position 1 is "b"
    assert not [name for name, _ in watcher.received() if name in ("answer", "leaderboard")]
    ticker = app.extensions["leitai.ticker"]
    ticker.publish(clock.now)
    boards = [data for name, data in watcher.received() if name == "leaderboard"]
    assert [(e["points"], e["total_ms"]) for e in boards[0]["top"]] == [(0, 0)] * 3  # open
    game.command("close")
    ticker.publish(clock.advance(500))
    ticker.publish(clock.now + 10)  # the same 500 ms: nothing new is pushed
    boards = [data for name, data in watcher.received() if name == "leaderboard"]
    assert len(boards) == 1
    assert boards[0]["count"] == 3
    assert [(e["points"], e["total_ms"]) for e in boards[0]["top"]] == [
        (1000, 1500),
        (1000, 1500),
        (0, 0),
    ]
    assert boards[0]["top"][2]["contestant"] == bob.contestant
    game.command("reveal")
    reveal = watcher.last("reveal", watcher.received())
    assert reveal["stats"] == {"answers": 3, "options": {"a": 1, "b": 2}}
    game.command("finish")
    finished = watcher.last("finished", watcher.received())
    assert [e["points"] for e in finished["top"]] == [1000, 1000, 0]


def test_nothing_can_be_done_through_watch(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    player, _ = game.player("alice")
    watcher = game.watcher()
    for name, payload in [
        ("join", {"code": game.code, "nickname": "spy"}),
        ("answer", {"question": SINGLE, "response": "b"}),
        ("attach", {"round": game.id, "token": game.token}),
        ("start", None),
        ("finish", None),
        ("kick", {"contestant": player.contestant}),
        ("state", None),
        ("me", None),
    ]:
        assert ack_error(watcher.emit(name, payload)) == "unknown_event", name
    assert game.wired.live.state(game.id).status is LiveStatus.LOBBY
    assert game.wired.live.store.contestant_count(game.id) == 1
    assert not game.wired.live.store.is_kicked(game.id, player.contestant)


# --- room isolation --------------------------------------------------------------------


def test_events_of_one_round_never_reach_another(live_round: Rounds, clock: Clock, app) -> None:
    first, second = live_round(), live_round()
    one, two = first.player("alice")[0], second.player("alice")[0]
    watch_one, watch_two = first.watcher(), second.watcher()
    host_one, host_two = first.host(), second.host()
    for connection in (one, two, watch_one, watch_two, host_one, host_two):
        connection.received()
    host_one.emit("start")
    one.answer(SINGLE, RIGHT[SINGLE])
    host_one.emit("close")
    host_one.emit("reveal")
    app.extensions["leitai.ticker"].publish(clock.now)
    for quiet in (two, watch_two, host_two):
        assert quiet.received() == []
    phases = {"question", "closed", "reveal", "leaderboard"}
    assert phases <= {name for name, _ in one.received()}
    assert phases | {"state"} <= {name for name, _ in watch_one.received()}
    # The second round's own events stay in the second round.
    host_two.emit("start")
    assert [name for name, _ in two.received()] == ["question"]
    assert one.received() == []
    assert watch_one.received() == []
    assert second.wired.live.store.answer_count(second.id, 0) == 0


def test_a_connection_that_moves_to_another_round_leaves_the_first(
    live_round: Rounds, clock: Clock
) -> None:
    first, second = live_round(), live_round()
    player = first.player("alice")[0]
    assert player.join(second.code, "alice")["ok"]
    player.received()
    first.command("start")
    assert player.received() == []
    second.command("start")
    assert player.last("question", player.received())["key"] == second.plan.questions[0].key
    # Its answers now go to the second round.
    assert player.answer(SINGLE, RIGHT[SINGLE])["accepted"]
    assert second.wired.live.store.answer_count(second.id, 0) == 1
    assert first.wired.live.store.answer_count(first.id, 0) == 0
