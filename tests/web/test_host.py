"""/host over the Socket.IO test client: attaching, every command in every state, kicks,
answer counts, and what the ticker does on the host's behalf."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.domain import rounds
from engine.domain.rounds import GRACE_MS, IllegalCommand, LiveStatus
from tests.web.live_helpers import (
    RIGHT,
    SINGLE,
    WRONG,
    Clock,
    Host,
    Round,
    Rounds,
    ack_error,
    rules,
)

pytestmark = pytest.mark.usefixtures("many_events")

COMMANDS = ("start", "next", "close", "reveal", "pause", "resume", "skip", "finish")
#: How to bring a fresh round into each live status (HTTP host controls).
REACH = {
    LiveStatus.LOBBY: (),
    LiveStatus.QUESTION_OPEN: ("start",),
    LiveStatus.CLOSED: ("start", "close"),
    LiveStatus.REVEALED: ("start", "close", "reveal"),
    LiveStatus.PAUSED: ("start", "pause"),
    LiveStatus.FINISHED: ("finish",),
}


def raw_state(game: Round) -> bytes:
    return game.wired.redis.client.hget(
        f"{game.wired.settings.redis_prefix}:{{r:{game.id}}}:live", "json"
    )


def domain_outcome(state: rounds.LiveRound, name: str, now: int) -> rounds.LiveRound | str:
    """What the domain says a command does: the new state, or the refusal code."""
    try:
        if name == "close":
            return rounds.close(state, now)[0]
        return {
            "start": rounds.start,
            "next": rounds.next_question,
            "reveal": rounds.reveal,
            "pause": rounds.pause,
            "resume": rounds.resume,
            "skip": rounds.skip,
            "finish": rounds.finish,
        }[name](state, now)[0]
    except IllegalCommand as refused:
        return refused.code


def _reached(status: LiveStatus) -> rounds.LiveRound:
    state = rounds.LiveRound(time_limits_s=(20,) * 5)
    for step in REACH[status]:
        state = domain_outcome(state, step, 0)
    return state


# --- attach ----------------------------------------------------------------------------


def test_attach_returns_the_round_and_its_state(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    host = Host(game.socket("/host"))
    ack = host.emit("attach", {"round": game.id, "token": game.token})
    assert ack["ok"] is True
    assert ack["round"] == {"id": game.id, "code": game.code, "watch_code": game.watch_code}
    assert ack["state"]["status"] == "lobby"
    assert ack["state"]["now"] == clock.now


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "invalid"),
        ({"round": 1}, "invalid"),  # no token
        ({"round": 1, "token": ""}, "invalid"),
        ({"round": "1", "token": "x"}, "invalid"),  # a round id is a number
        ({"round": 1, "token": "not-a-token"}, "token_invalid"),
        ("attach", "invalid"),
        ([1, "token"], "invalid"),
    ],
)
def test_attach_refusals(live_round: Rounds, clock: Clock, payload: Any, code: str) -> None:
    game = live_round()
    host = Host(game.socket("/host"))
    assert ack_error(host.emit("attach", payload)) == code
    assert ack_error(host.emit("start")) == "not_attached"
    assert game.wired.live.state(game.id).status is LiveStatus.LOBBY


def test_attach_with_an_expired_token(live_round: Rounds, clock: Clock, monkeypatch) -> None:
    game = live_round()
    monkeypatch.setattr(game.wired.organiser_tokens, "ttl_s", -1)
    host = Host(game.socket("/host"))
    assert ack_error(host.emit("attach", {"round": game.id, "token": game.token})) == (
        "token_expired"
    )


def test_an_author_may_not_host(live_round: Rounds, clock: Clock, login) -> None:
    game = live_round()
    author = login("author")["Authorization"].split()[1]
    host = Host(game.socket("/host"))
    assert ack_error(host.emit("attach", {"round": game.id, "token": author})) == "forbidden"
    assert ack_error(host.emit("start")) == "not_attached"


def test_attach_to_an_unknown_round(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    host = Host(game.socket("/host"))
    assert ack_error(host.emit("attach", {"round": game.id + 100, "token": game.token})) == (
        "not_found"
    )


def test_every_command_needs_an_attached_host(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    player, _ = game.player("alice")
    host = Host(game.socket("/host"))
    for name in COMMANDS:
        assert ack_error(host.emit(name)) == "not_attached"
    assert ack_error(host.emit("kick", {"contestant": player.contestant})) == "not_attached"
    assert ack_error(host.emit("answers")) == "not_attached"
    assert game.wired.live.state(game.id).status is LiveStatus.LOBBY
    assert not game.wired.live.store.is_kicked(game.id, player.contestant)


# --- every command in every state ------------------------------------------------------


@pytest.mark.parametrize("status", list(REACH), ids=lambda s: s.value)
def test_illegal_commands_return_the_domains_code_and_change_nothing(
    live_round: Rounds, clock: Clock, status: LiveStatus
) -> None:
    game = live_round()
    for name in REACH[status]:
        game.command(name)
    host = game.host()
    state = game.wired.live.state(game.id)
    assert state.status is status
    before = raw_state(game)
    refused = 0
    for name in COMMANDS:
        expected = domain_outcome(state, name, clock.now)
        if isinstance(expected, str):
            refused += 1
            ack = host.emit(name)
            assert ack_error(ack) == expected, name
            assert raw_state(game) == before, name
    assert refused >= 3


@pytest.mark.parametrize(
    ("status", "name"),
    [
        (status, name)
        for status in REACH
        for name in COMMANDS
        if not isinstance(domain_outcome(_reached(status), name, 0), str)
    ],
    ids=str,
)
def test_legal_commands_move_the_round_as_the_domain_says(
    live_round: Rounds, clock: Clock, status: LiveStatus, name: str
) -> None:
    game = live_round()
    for step in REACH[status]:
        clock.advance(1000)
        game.command(step)
    host = game.host()
    player_view = game.player("watcher")[0]
    before = game.wired.live.state(game.id)
    clock.advance(1000)
    expected = domain_outcome(before, name, clock.now)
    ack = host.emit(name)
    assert ack["ok"] is True, ack
    assert ack["state"]["status"] == expected.status.value
    assert ack["state"]["seq"] == expected.seq
    assert ack["state"]["index"] == expected.index
    assert game.wired.live.state(game.id) == expected
    # Contestants are told, with the same seq: by the phase's own message, or a state.
    told = [data["seq"] for _, data in player_view.received() if "seq" in data]
    assert told[-1] == expected.seq
    row = game.wired.competitions.rounds.round(game.id)
    assert row["status"] == ("finished" if name == "finish" else "running")


def test_next_after_the_last_question(live_round: Rounds, clock: Clock) -> None:
    game = live_round(rules(keys=(SINGLE,)))
    host = game.host()
    host.emit("start")
    host.emit("close")
    before = raw_state(game)
    assert ack_error(host.emit("next")) == "no_more_questions"
    assert raw_state(game) == before
    assert host.emit("finish")["state"]["status"] == "finished"


def test_an_unknown_command_event(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    host = game.host()
    for name in ("join", "answer", "open", "delete"):
        assert ack_error(host.emit(name, {})) == "unknown_event"
    assert game.wired.live.state(game.id).status is LiveStatus.LOBBY


# --- kick and counts -------------------------------------------------------------------


def test_kick(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    alice, bob = game.players(2)
    host = game.host()
    assert ack_error(host.emit("kick", {"contestant": "999"})) == "not_found"
    assert ack_error(host.emit("kick", {})) == "invalid"
    assert ack_error(host.emit("kick", {"contestant": 1})) == "invalid"
    assert host.emit("kick", {"contestant": bob.contestant}) == {"ok": True}
    assert game.wired.live.store.is_kicked(game.id, bob.contestant)
    assert not game.wired.live.store.is_kicked(game.id, alice.contestant)
    assert not bob.client.is_connected("/play")
    assert host.emit("kick", {"contestant": bob.contestant}) == {"ok": True}  # idempotent
    host.emit("start")
    assert alice.answer(SINGLE, RIGHT[SINGLE])["accepted"]


def test_answers_counts_and_the_tickers_pushes(live_round: Rounds, clock: Clock, app) -> None:
    game = live_round()
    players = game.players(3)
    host = game.host()
    assert host.emit("answers") == {"ok": True, "count": 0, "of": 3, "index": -1}
    host.emit("start")
    clock.advance(2000)
    players[0].answer(SINGLE, RIGHT[SINGLE])
    players[1].answer(SINGLE, WRONG[SINGLE])
    players[1].answer(SINGLE, RIGHT[SINGLE])  # a retry is not a second answer
    assert host.emit("answers") == {"ok": True, "count": 2, "of": 3, "index": 0}
    host.received()
    app.extensions["leitai.ticker"].publish(clock.now)
    pushed = host.received()
    assert host.last("answers", pushed) == {"count": 2, "of": 3, "index": 0}
    board = host.last("leaderboard", pushed)  # the public board: it moves at the close
    assert board["count"] == 3
    assert [entry["points"] for entry in board["top"]] == [0, 0, 0]
    host.emit("close")
    app.extensions["leitai.ticker"].publish(clock.advance(500))
    board = host.last("leaderboard", host.received())
    assert board["top"][0]["contestant"] == players[0].contestant
    assert board["top"][0]["points"] == 1000


def test_the_ticker_closes_a_question_when_its_time_and_grace_are_up(
    live_round: Rounds, clock: Clock, app
) -> None:
    game = live_round()
    player, _ = game.player("alice")
    host = game.host()
    host.emit("start")
    ticker = app.extensions["leitai.ticker"]
    limit_ms = 20_000
    clock.advance(limit_ms + GRACE_MS)
    ticker.close_due(clock.now)
    assert game.wired.live.state(game.id).status is LiveStatus.QUESTION_OPEN
    clock.advance(1)
    player.received()
    ticker.close_due(clock.now)
    assert game.wired.live.state(game.id).status is LiveStatus.CLOSED
    closed = player.last("closed", player.received())
    assert closed == {"index": 0, "seq": 2, "at": clock.now, "skipped": False}
    ticker.close_due(clock.now + 1000)  # nothing more to close
    assert game.wired.live.state(game.id).seq == 2


def test_elimination_close_eliminates_and_then_the_round_is_decided(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round(rules(mode="elimination"))
    right, wrong, silent = game.players(3)
    host = game.host()
    host.emit("start")
    right.answer(SINGLE, RIGHT[SINGLE])
    wrong.answer(SINGLE, WRONG[SINGLE])
    right.received()
    host.emit("close")
    out = right.last("eliminated", right.received())
    assert sorted(out["contestants"]) == sorted([wrong.contestant, silent.contestant])
    state = wrong.emit("state")["state"]
    assert state["you"]["standing"] is False
    assert right.emit("state")["state"]["you"]["standing"] is True
    assert ack_error(host.emit("next")) == "round_decided"
    assert ack_error(silent.answer(SINGLE, RIGHT[SINGLE])) == "question_closed"


def test_host_payload_limits(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    host = game.host()
    assert ack_error(host.emit("kick", {"contestant": "x" * 5000})) == "payload_too_large"
    assert json.loads(raw_state(game))["status"] == "lobby"
