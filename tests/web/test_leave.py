"""`/play` `leave`: "join as someone else" leaves no ghost. In the lobby the entry goes
(board, count, nickname, resume token, the SQL record); once started it stays."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.live_helpers import RIGHT, SINGLE, ack_error, rules

pytestmark = pytest.mark.usefixtures("many_events")


def board(game: Any) -> list[str]:
    """The nicknames on the round's public leaderboard."""
    response = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard?limit=100")
    assert response.status_code == 200, response.json
    return sorted(row["nickname"] for row in response.json["top"])


def test_leaving_the_lobby_takes_the_entry_away(live_round, clock) -> None:
    game = live_round()
    ann, _ = game.player("Ann")
    bob, _ = game.player("Bob")
    assert game.wired.live.store.contestant_count(game.id) == 2

    assert ann.emit("leave", {}) == {"ok": True, "removed": True}
    assert game.wired.live.store.contestant_count(game.id) == 1
    assert board(game) == ["Bob"]
    assert game.wired.live.state_view(game.id)["contestants"] == 1
    # The token names nobody now; the nickname is free for someone else.
    _, ack = game.player("Someone", resume_token=ann.token)
    assert ack_error(ack) == "token_invalid"
    carol, ack = game.player("ann")  # a look-alike of the name that left
    assert ack["ok"], ack
    assert carol.contestant != ann.contestant
    clock.advance(1_000)  # past the board's snapshot
    assert board(game) == ["Bob", "ann"]
    # SQL forgets the entry too (a rebuild would otherwise bring the ghost back).
    game.wired.drainer.drain_all()
    recorded = {row["contestant"] for row in game.wired.competitions.rounds.contestants(game.id)}
    assert recorded == {bob.contestant, carol.contestant}


def test_leaving_twice_or_unjoined_changes_nothing(live_round) -> None:
    game = live_round()
    ann, _ = game.player("Ann")
    game.player("Bob")
    assert ann.emit("leave", {})["removed"] is True
    # This connection holds no entry any more: nothing to leave, and nobody else's.
    assert ack_error(ann.emit("leave", {})) == "not_joined"
    assert ack_error(ann.emit("answer", {"question": SINGLE, "response": "b"})) == "not_joined"
    # The service is idempotent: the entry is gone already.
    assert game.wired.live.leave(game.id, ann.contestant, 0) is False
    assert game.wired.live.store.contestant_count(game.id) == 1


def test_a_contestant_can_leave_only_as_itself(live_round) -> None:
    game = live_round()
    ann, _ = game.player("Ann")
    bob, _ = game.player("Bob")
    stranger = game.socket("/play")
    ack = stranger.emit("leave", {}, namespace="/play", callback=True)
    assert ack_error(ack) == "not_joined"
    named = bob.emit("leave", {"contestant": ann.contestant})
    assert ack_error(named) == "invalid"
    assert ack_error(bob.emit("leave", "x")) == "invalid"
    assert game.wired.live.store.contestant_count(game.id) == 2
    assert board(game) == ["Ann", "Bob"]


def test_after_the_start_leaving_keeps_the_entry_and_its_score(live_round) -> None:
    game = live_round()
    ann, _ = game.player("Ann")
    game.player("Bob")
    game.command("start")
    assert ann.answer(SINGLE, RIGHT[SINGLE])["accepted"]
    game.command("close")
    points = game.wired.leaderboard.standing(game.id, ann.contestant).points
    assert points > 0

    assert ann.emit("leave", {}) == {"ok": True, "removed": False}
    assert game.wired.live.store.contestant_count(game.id) == 2
    assert board(game) == ["Ann", "Bob"]
    assert game.wired.leaderboard.standing(game.id, ann.contestant).points == points
    # The examiner's record stands; the phone may still come back with its token.
    _, ack = game.player("Ann", resume_token=ann.token)
    assert ack["ok"], ack
    assert ack["contestant"]["id"] == ann.contestant


def test_leaving_an_elimination_lobby_leaves_its_standing(live_round) -> None:
    game = live_round(rules(mode="elimination"))
    ann, _ = game.player("Ann")
    bob, _ = game.player("Bob")
    assert ann.emit("leave", {})["removed"] is True
    standing = game.wired.live.state(game.id).elimination.standing
    assert standing == frozenset({bob.contestant})
