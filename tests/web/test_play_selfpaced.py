"""A self-paced round over /play: join by code, ``next``, ``answer``, resume, refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.domain.drawing import shuffle_seed
from engine.domain.rounds import GRACE_MS
from tests.web.live_helpers import Connection, ack_error
from tests.web.selfpaced_helpers import (
    CLOSES,
    FIXED,
    LIMIT_MS,
    OPENS,
    Window,
    bearer,
    sp_rules,
)


def play(game: Window) -> Connection:
    return Connection(
        game.app.extensions["leitai.socketio"].test_client(game.app, namespace="/play")
    )


def join(game: Window, nickname: str = "Alice", **extra: Any) -> tuple[Connection, dict[str, Any]]:
    connection = play(game)
    return connection, connection.emit("join", {"code": game.code, "nickname": nickname, **extra})


def test_joining_by_code_enters_the_round(windows, clock) -> None:
    game = windows()
    _, ack = join(game, "  Alice  ", region="foshan")
    assert ack == {
        "ok": True,
        "contestant": {
            "id": "1",
            "nickname": "Alice",
            "region": "foshan",
            "team": None,
            "joined_at": clock.now,
        },
        "token": ack["token"],
        "rejoined": False,
        "paper": {"total": 4, "seed": shuffle_seed(game.plan.seed, "1")},
    }
    assert game.wired.contestant_tokens.verify(ack["token"]) == {
        "round": game.id,
        "contestant": "1",
    }
    assert game.wired.live.store.attempt(game.id, "1") is not None
    # the socket's token works over HTTP too: one entry, two ways in
    assert game.next(ack["token"]).json["question"]["key"] == FIXED[0]


def test_the_paper_over_the_socket(windows, clock) -> None:
    game = windows()
    player, _ = join(game)
    first = player.emit("next")
    assert first["ok"] is True
    assert (first["index"], first["total"], first["done"], first["missed"]) == (0, 4, False, [])
    assert first["question"]["key"] == FIXED[0]
    assert (first["deadline"], first["remaining_ms"]) == (clock.now + LIMIT_MS, LIMIT_MS)
    assert first["server_time"] == clock.now
    assert "answer" not in json.dumps(first)
    clock.advance(4000)
    again = player.emit("next")
    assert (again["question"], again["deadline"]) == (first["question"], first["deadline"])
    assert again["remaining_ms"] == LIMIT_MS - 4000

    ack = player.emit("answer", {"question": FIXED[0], "response": "b"})
    assert ack["ok"] is True
    assert (ack["accepted"], ack["duplicate"], ack["answer"]) == (True, False, ["b"])
    assert (ack["result"]["correct"], ack["result"]["points"]) == (True, 1000)
    replay = player.emit("answer", {"question": FIXED[0], "response": "a"})
    assert (replay["duplicate"], replay["result"]) == (True, ack["result"])
    assert player.emit("next")["question"]["key"] == FIXED[1]
    assert game.wired.leaderboard.standing(game.id, "1").points == 1000


def test_an_answer_over_the_socket_is_late_after_the_grace(windows, clock) -> None:
    game = windows()
    player, _ = join(game)
    player.emit("next")
    clock.advance(LIMIT_MS + GRACE_MS + 1)
    ack = player.emit("answer", {"question": FIXED[0], "response": "b"})
    assert ack["ok"] is True
    assert (ack["result"]["late"], ack["result"]["reason"], ack["result"]["points"]) == (
        True,
        "late",
        0,
    )


def test_refusals_over_the_socket(windows, clock) -> None:
    game = windows()
    player, _ = join(game)
    assert ack_error(player.emit("answer", {"question": FIXED[0], "response": "b"})) == (
        "question_not_delivered"
    )
    player.emit("next")
    assert ack_error(player.emit("answer", {"question": "nd-0099", "response": "b"})) == (
        "not_on_paper"
    )
    assert ack_error(player.emit("answer", {"question": FIXED[0], "response": "z"})) == "invalid"
    assert ack_error(player.emit("answer", {"question": FIXED[0]})) == "invalid"
    clock.advance(LIMIT_MS + GRACE_MS + 1)
    assert player.emit("next")["missed"] == [0]
    assert ack_error(player.emit("answer", {"question": FIXED[0], "response": "b"})) == (
        "question_passed"
    )


def test_next_needs_a_self_paced_entry(windows, wired) -> None:
    game = windows()
    assert ack_error(play(game).emit("next")) == "not_joined"
    live_id = windows.competition({"mode": "live", "draw": {"kind": "fixed", "keys": list(FIXED)}})
    live = windows.http.post(f"/api/v1/competitions/{live_id}/rounds", headers=windows.headers)
    player = play(game)
    assert player.emit("join", {"code": live.json["code"], "nickname": "Bob"})["ok"] is True
    assert ack_error(player.emit("next")) == "not_joined"


@pytest.mark.parametrize(
    ("at", "code"), [(OPENS - 1, "window_not_open"), (CLOSES, "window_closed")]
)
def test_joining_outside_the_window_is_refused(windows, clock, at, code) -> None:
    game = windows()
    clock.now = at
    player, ack = join(game)
    assert ack_error(ack) == code
    assert ack_error(player.emit("next")) == "not_joined"
    assert game.wired.live.store.contestant_count(game.id) == 0


def test_bad_entrant_fields_are_refused_naming_the_field(windows) -> None:
    game = windows()
    for extra, field in (({"nickname": "SuperAdmin"}, "nickname"), ({"region": "mars"}, "region")):
        _, ack = join(game, **{"nickname": "Alice", **extra})
        assert ack_error(ack) == "invalid"
        assert list(ack["error"]["fields"]) == [field]
    assert game.wired.live.store.contestant_count(game.id) == 0


def test_a_resume_token_rejoins_the_same_entry_and_its_clock(windows, clock) -> None:
    game = windows()
    first, ack = join(game)
    delivered = first.emit("next")
    clock.advance(3000)
    second, again = join(game, "Someone Else", resume_token=ack["token"])
    assert again["ok"] is True
    assert (again["contestant"]["id"], again["contestant"]["nickname"]) == ("1", "Alice")
    assert again["rejoined"] is True
    assert again["paper"] == ack["paper"]
    resumed = second.emit("next")
    assert (resumed["question"], resumed["deadline"]) == (
        delivered["question"],
        delivered["deadline"],
    )
    assert resumed["remaining_ms"] == LIMIT_MS - 3000
    assert second.emit("answer", {"question": FIXED[0], "response": "b"})["duplicate"] is False
    assert first.emit("answer", {"question": FIXED[0], "response": "b"})["duplicate"] is True
    assert game.wired.live.store.contestant_count(game.id) == 1


def test_a_resume_token_never_becomes_a_new_entry(windows, wired) -> None:
    game, other = windows(), windows()
    _, other_ack = join(other)
    for token in (
        other_ack["token"],
        "forged",
        wired.contestant_tokens.issue({"round": game.id, "contestant": "9"}),
    ):
        player, ack = join(game, resume_token=token)
        assert ack_error(ack) == "token_invalid"
        assert ack_error(player.emit("next")) == "not_joined"
    assert game.wired.live.store.contestant_count(game.id) == 0


def test_an_entry_by_socket_and_one_by_http_share_the_round(windows, clock) -> None:
    game = windows()
    _, ack = join(game, "Alice")
    bob, token = game.entrant("Bob")
    assert (ack["contestant"]["id"], bob) == ("1", "2")
    response = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard/me", headers=bearer(token))
    assert response.json["scopes"]["all"]["count"] == 2


def test_the_socket_stops_after_the_round_finished(windows) -> None:
    game = windows(sp_rules(reveal_answers="after_close"))
    player, _ = join(game)
    player.emit("next")
    body = player.emit("answer", {"question": FIXED[0], "response": "b"})
    assert "answer" not in body
    player.emit("next")
    assert (
        game.http.post(f"/api/v1/rounds/{game.id}/finish", headers=game.headers).status_code == 200
    )
    assert ack_error(player.emit("next")) == "already_finished"
    assert ack_error(player.emit("answer", {"question": FIXED[1], "response": "b"})) == (
        "already_finished"
    )
    assert ack_error(join(game, "Late")[1]) == "already_finished"


def test_live_only_events_refuse_a_self_paced_entry_cleanly(windows) -> None:
    game = windows()
    player, _ = join(game)
    assert ack_error(player.emit("state")) == "not_found"  # no live state to show
    assert ack_error(player.emit("me")) == "not_found"
    assert player.emit("next")["ok"] is True


def test_a_banned_entry_cannot_resume_over_play(windows) -> None:
    game = windows()
    first, ack = join(game)
    ban = game.http.put(
        f"/api/v1/rounds/{game.id}/bans/{ack['contestant']['id']}", headers=game.headers
    )
    assert ban.status_code == 200
    assert not first.client.is_connected("/play")  # told and let go
    _, again = join(game, "Someone Else", resume_token=ack["token"])
    assert ack_error(again) == "banned"


def test_answer_and_advance_over_the_socket(windows, clock) -> None:
    game = windows()
    player, _ = join(game)
    player.emit("next")
    clock.advance(2000)
    ack = player.emit("answer", {"question": FIXED[0], "response": "b", "advance": True})
    assert (ack["ok"], ack["duplicate"], ack["result"]["points"]) == (True, False, 1000)
    ahead = ack["next"]
    assert (ahead["index"], ahead["question"]["key"]) == (1, FIXED[1])
    assert ahead["deadline"] == clock.now + LIMIT_MS
    assert {"ok": True, **ahead} == player.emit("next")
    clock.advance(1000)
    retry = player.emit("answer", {"question": FIXED[0], "response": "a", "advance": True})
    assert (retry["duplicate"], retry["result"]) == (True, ack["result"])
    assert (retry["next"]["question"], retry["next"]["deadline"]) == (
        ahead["question"],
        ahead["deadline"],
    )
    assert game.wired.leaderboard.standing(game.id, "1").points == 1000
    refused = player.emit("answer", {"question": FIXED[1], "response": "b", "advance": "maybe"})
    assert ack_error(refused) == "invalid"
    assert "next" not in player.emit("answer", {"question": FIXED[1], "response": "b"})


def test_elderly_mode_doubles_the_servers_deadline_where_the_rules_allow(windows, clock) -> None:
    game = windows(sp_rules(elder_extra_time=True))
    elder, _ = join(game, "Grandma", elder=True)
    plain, _ = join(game, "Grandson")
    over_http = game.enter("Uncle", elder=True).json["token"]
    first = elder.emit("next")
    assert (first["deadline"], first["remaining_ms"]) == (clock.now + 2 * LIMIT_MS, 2 * LIMIT_MS)
    assert plain.emit("next")["deadline"] == clock.now + LIMIT_MS
    assert game.next(over_http).json["deadline"] == clock.now + 2 * LIMIT_MS
    # After the plain time (and its grace) the elder's answer still counts.
    clock.advance(LIMIT_MS + GRACE_MS + 1)
    in_time = elder.emit("answer", {"question": FIXED[0], "response": "b"})["result"]
    assert (in_time["late"], in_time["correct"]) == (False, True)
    late = plain.emit("answer", {"question": FIXED[0], "response": "b"})["result"]
    assert (late["late"], late["correct"], late["points"]) == (True, False, 0)


def test_without_the_rule_elderly_mode_keeps_the_common_clock(windows, clock) -> None:
    game = windows()
    elder, _ = join(game, "Grandma", elder=True)
    assert elder.emit("next")["deadline"] == clock.now + LIMIT_MS
    _, ack = join(game, "Grandpa", elder="yes")
    assert ack_error(ack) == "invalid"
    assert game.enter("Grandpa", elder="yes").status_code == 422
