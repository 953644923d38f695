"""/play over the Socket.IO test client: every event, every error, with values."""

from __future__ import annotations

from typing import Any

import pytest

import web.live.decoding
import web.live.namespaces
from engine.domain.rounds import GRACE_MS
from engine.services.answering import RefusedCommand
from tests.web.live_helpers import (
    MULTIPLE,
    ORDER,
    RIGHT,
    SINGLE,
    TEXT,
    TRUE_FALSE,
    WRONG,
    Clock,
    Player,
    Round,
    ack_error,
    rules,
)

# --- join ------------------------------------------------------------------------------


def test_join_returns_the_contestant_a_token_and_the_lobby(live_round, clock: Clock) -> None:
    game: Round = live_round()
    _player, ack = game.player("  Alice   Wong ", region="shenzhen")
    assert ack["ok"] is True
    assert ack["contestant"] == {
        "id": "1",
        "nickname": "Alice Wong",
        "region": "shenzhen",
        "team": None,
        "joined_at": clock.now,
    }
    assert ack["rejoined"] is False
    assert isinstance(ack["token"], str)
    assert ack["token"]
    assert isinstance(ack["seed"], str)
    assert ack["seed"]
    state = ack["state"]
    assert (state["status"], state["index"], state["total"], state["seq"]) == ("lobby", -1, 5, 0)
    assert state["contestants"] == 1
    assert state["question"] is None
    assert state["you"]["points"] == 0
    assert state["you"]["streak"] == 0
    assert game.wired.live.store.profile(game.id, "1")["nickname"] == "Alice Wong"


@pytest.mark.parametrize(
    "nickname",
    [
        "",  # empty
        "   ",  # empty once spaces are folded
        "x" * 25,  # too long
        "SuperAdmin",  # blocked word
        "Ｈｏｓｔ Bob",  # blocked once width-folded
        "我是傻逼",  # blocked (Chinese)
        "bad\u200bname",  # a format (control-class) character
    ],
)
def test_join_refuses_a_bad_nickname(live_round, clock: Clock, nickname: str) -> None:
    game: Round = live_round()
    _, ack = game.player(nickname)
    assert ack_error(ack) == "invalid"
    assert "nickname" in ack["error"]["fields"]
    assert game.wired.live.store.contestant_count(game.id) == 0


@pytest.mark.parametrize("again", ["alice", "ALICE", "ＡＬＩＣＥ", "Al ice", " alice "])
def test_a_nickname_is_taken_case_width_and_space_insensitively(
    live_round, clock: Clock, again: str
) -> None:
    game: Round = live_round()
    assert game.player("Alice")[1]["ok"]
    _, ack = game.player(again)
    assert ack_error(ack) == "conflict"
    assert ack["error"]["fields"] == {"nickname": ["taken"]}
    assert game.wired.live.store.contestant_count(game.id) == 1
    assert game.player("Alice2")[1]["ok"]


def test_join_checks_region_and_team(live_round, clock: Clock) -> None:
    game: Round = live_round(rules(teams=["red", "blue"]))
    _, ack = game.player("a", region="atlantis")
    assert ack_error(ack) == "invalid"
    assert "region" in ack["error"]["fields"]
    _, ack = game.player("b", team="green")
    assert ack_error(ack) == "invalid"
    assert "team" in ack["error"]["fields"]
    _, ack = game.player("c", region="guangzhou", team="red")
    assert ack["ok"]
    assert ack["contestant"]["team"] == "red"
    assert game.wired.live.store.contestant_count(game.id) == 1


@pytest.mark.parametrize(("code", "error"), [("ZZZZZZ", "not_found"), ("AB", "invalid")])
def test_join_with_a_wrong_code(live_round, clock: Clock, code: str, error: str) -> None:
    game: Round = live_round()
    player = Player(game.socket("/play"))
    assert ack_error(player.join(code, "alice")) == error


def test_the_code_is_read_case_insensitively(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player = Player(game.socket("/play"))
    assert player.join(f" {game.code.lower()} ", "alice")["ok"]


def test_a_finished_round_admits_no_one(live_round, clock: Clock) -> None:
    game: Round = live_round()
    game.command("finish")
    _, ack = game.player("late")
    assert ack_error(ack) == "already_finished"


def test_an_elimination_round_admits_no_one_once_started(live_round, clock: Clock) -> None:
    game: Round = live_round(rules(mode="elimination"))
    first, ack = game.player("early")
    assert ack["ok"]
    assert game.wired.live.state(game.id).elimination.standing == {first.contestant}
    game.command("start")
    _, ack = game.player("late")
    assert ack_error(ack) == "round_not_open"
    assert game.wired.live.store.contestant_count(game.id) == 1


def test_join_payloads_that_are_not_objects(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player = Player(game.socket("/play"))
    for payload in ("ABCDEF", [game.code, "alice"], 5, True):
        assert ack_error(player.emit("join", payload)) == "invalid"
    assert ack_error(player.emit("join")) == "invalid"
    ack = player.emit("join", {"code": game.code})
    assert ack_error(ack) == "invalid"
    assert "nickname" in ack["error"]["fields"]
    ack = player.emit("join", {"code": game.code, "nickname": 7})
    assert ack_error(ack) == "invalid"
    assert "nickname" in ack["error"]["fields"]


# --- resume ----------------------------------------------------------------------------


def scored_player(game: Round, clock: Clock) -> Player:
    """A contestant with one right answer to the first question, revealed."""
    player, _ = game.player("alice")
    game.command("start")
    clock.advance(300)
    assert player.answer(SINGLE, RIGHT[SINGLE]) == {
        "ok": True,
        "accepted": True,
        "duplicate": False,
    }
    game.command("close")
    game.command("reveal")
    return player


def test_a_resume_token_brings_back_the_same_contestant(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player = scored_player(game, clock)
    again = Player(game.socket("/play"))
    ack = again.emit(
        "join", {"code": game.code, "nickname": "ignored", "resume_token": player.token}
    )
    assert ack["ok"]
    assert ack["rejoined"] is True
    assert ack["contestant"]["id"] == player.contestant
    assert ack["contestant"]["nickname"] == "alice"
    you = ack["state"]["you"]
    assert (you["points"], you["streak"], you["rank"]) == (1000, 1, 1)
    assert you["result"]["correct"] is True
    assert ack["state"]["status"] == "revealed"
    assert ack["state"]["seq"] == 3
    assert game.wired.live.store.contestant_count(game.id) == 1
    # The rejoined tab keeps the streak going (shown once the question closes).
    game.command("next")
    assert again.answer(MULTIPLE, RIGHT[MULTIPLE])["ok"]
    game.command("close")
    me = again.emit("me")["you"]
    assert (me["points"], me["streak"]) == (2000, 2)


def test_a_forged_resume_token_is_refused(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    forged = player.token[:-4] + ("AAAA" if not player.token.endswith("AAAA") else "BBBB")
    again = Player(game.socket("/play"))
    ack = again.emit("join", {"code": game.code, "nickname": "alice", "resume_token": forged})
    assert ack_error(ack) == "token_invalid"
    assert again.contestant is None


def test_a_resume_token_of_another_round_is_refused(live_round, clock: Clock) -> None:
    first: Round = live_round()
    second: Round = live_round()
    player, _ = first.player("alice")
    other = Player(second.socket("/play"))
    ack = other.emit("join", {"code": second.code, "nickname": "bob", "resume_token": player.token})
    assert ack_error(ack) == "token_invalid"
    assert second.wired.live.store.contestant_count(second.id) == 0


def test_a_kicked_contestants_token_does_not_bring_them_back(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.host().emit("kick", {"contestant": player.contestant})
    again = Player(game.socket("/play"))
    ack = again.emit("join", {"code": game.code, "nickname": "alice", "resume_token": player.token})
    assert ack_error(ack) == "banned"


# --- answer ----------------------------------------------------------------------------


def test_answer_before_joining(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player = Player(game.socket("/play"))
    assert ack_error(player.answer(SINGLE, "b")) == "not_joined"
    assert ack_error(player.emit("state")) == "not_joined"
    assert ack_error(player.emit("me")) == "not_joined"


def test_answer_to_a_question_that_is_not_open(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    assert ack_error(player.answer(SINGLE, "b")) == "not_current"  # lobby
    game.command("start")
    assert ack_error(player.answer(MULTIPLE, ["a"])) == "not_current"  # later on the paper
    assert ack_error(player.answer("nd-0099", "a")) == "not_current"  # not on the paper
    assert game.wired.live.store.answer_count(game.id, 0) == 0


@pytest.mark.parametrize(
    ("position", "key", "bad"),
    [
        (0, SINGLE, ["b"]),
        (0, SINGLE, "z"),
        (0, SINGLE, {"key": "b"}),
        (0, SINGLE, 9),  # a position beyond the choices
        (0, SINGLE, 1.5),
        (1, MULTIPLE, "a"),
        (1, MULTIPLE, ["a", "a"]),
        (1, MULTIPLE, ["a", "z"]),
        (1, MULTIPLE, [0, "b"]),
        (2, TRUE_FALSE, "true"),
        (2, TRUE_FALSE, 1),
        (3, TEXT, 42),
        (3, TEXT, ["南昌"]),
        (3, TEXT, "x" * 1000),
        (4, ORDER, ["b", "a", "d"]),
        (4, ORDER, ["b", "a", "d", "d"]),
        (4, ORDER, "badc"),
    ],
)
def test_a_malformed_response_is_refused_and_changes_nothing(
    live_round, clock: Clock, position: int, key: str, bad: Any
) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.command("start")
    for _ in range(position):
        game.command("close")
        game.command("next")
    ack = player.answer(key, bad)
    assert ack_error(ack) == "invalid"
    assert "response" in ack["error"]["fields"]
    assert game.wired.live.store.answer_count(game.id, position) == 0
    # ...and the contestant can still answer properly.
    assert player.answer(key, RIGHT[key]) == {"ok": True, "accepted": True, "duplicate": False}


def test_answer_without_a_response(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.command("start")
    for payload in (
        {"question": SINGLE},
        {"question": SINGLE, "response": None},
        {"response": "b"},
    ):
        assert ack_error(player.emit("answer", payload)) == "invalid"
    assert ack_error(player.emit("answer", "b")) == "invalid"


def test_a_retry_and_a_second_tab_get_the_first_result_never_a_second_score(
    live_round, clock: Clock
) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.command("start")
    clock.advance(1000)
    assert player.answer(SINGLE, RIGHT[SINGLE])["duplicate"] is False
    assert player.answer(SINGLE, RIGHT[SINGLE]) == {"ok": True, "accepted": True, "duplicate": True}
    tab = Player(game.socket("/play"))
    assert tab.join(game.code, "alice", resume_token=player.token)["rejoined"]
    assert tab.contestant == player.contestant
    assert tab.answer(SINGLE, WRONG[SINGLE]) == {"ok": True, "accepted": True, "duplicate": True}
    assert game.wired.live.store.answer_count(game.id, 0) == 1
    assert game.wired.live.store.option_counts(game.id, 0) == {"b": 1}
    # A retry after the question closed still gets the first result back.
    game.command("close")
    assert player.answer(SINGLE, RIGHT[SINGLE])["duplicate"] is True
    me = tab.emit("me")["you"]
    assert (me["points"], me["streak"], me["total_ms"]) == (1000, 1, 1000)
    assert me["result"]["correct"] is True


def test_answers_after_close_reveal_and_finish_are_refused(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.command("start")
    game.command("close")
    assert ack_error(player.answer(SINGLE, "b")) == "question_closed"
    game.command("reveal")
    assert ack_error(player.answer(SINGLE, "b")) == "already_revealed"
    game.command("finish")
    assert ack_error(player.answer(SINGLE, "b")) == "already_finished"
    assert game.wired.live.store.answer_count(game.id, 0) == 0


def test_the_deadline_and_the_grace(live_round, clock: Clock) -> None:
    game: Round = live_round()
    on_time, late = game.players(2)
    game.command("start")
    limit_ms = game.plan.time_limit_s(game.plan.questions[0]) * 1000
    clock.advance(limit_ms + GRACE_MS)  # the last moment that counts
    assert on_time.answer(SINGLE, RIGHT[SINGLE])["accepted"]
    clock.advance(1)
    assert ack_error(late.answer(SINGLE, RIGHT[SINGLE])) == "late"
    game.command("close")
    result = on_time.emit("me")["you"]["result"]
    assert result["response_ms"] == limit_ms  # grace never costs speed points
    assert game.wired.live.store.answer_count(game.id, 0) == 1


def test_a_paused_round_takes_no_answers_and_the_pause_does_not_count(
    live_round, clock: Clock
) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.command("start")
    clock.advance(2000)
    game.command("pause")
    clock.advance(60_000)
    assert ack_error(player.answer(SINGLE, RIGHT[SINGLE])) == "round_paused"
    game.command("resume")
    clock.advance(1000)
    assert player.answer(SINGLE, RIGHT[SINGLE])["accepted"]
    game.command("close")
    assert player.emit("me")["you"]["result"]["response_ms"] == 3000


def test_a_kicked_contestant_cannot_answer(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.host().emit("kick", {"contestant": player.contestant})
    assert not player.client.is_connected("/play")  # told (see test_bans.py) and let go
    game.command("start")
    with pytest.raises(RefusedCommand) as refused:  # e.g. from a connection elsewhere
        game.wired.live.answer(game.id, player.contestant, SINGLE, RIGHT[SINGLE], clock.now)
    assert refused.value.code == "kicked"
    assert game.wired.live.store.answer_count(game.id, 0) == 0


def test_positions_are_mapped_through_the_shuffled_order(live_round, clock: Clock) -> None:
    shuffled = rules(draw={"kind": "fixed", "keys": [SINGLE, MULTIPLE], "shuffle_options": True})
    game: Round = live_round(shuffled)
    by_position, by_key = game.players(2)
    game.command("start")
    question = game.plan.questions[0]
    shown = [choice.key for choice in game.plan.paper.displayed_choices(question)]
    pushed = by_position.last("question", by_position.received())
    assert [choice["key"] for choice in pushed["choices"]] == shown
    assert by_position.answer(SINGLE, shown.index("b"))["accepted"]
    assert by_key.answer(SINGLE, "b")["accepted"]
    game.command("close")
    for player in (by_position, by_key):
        assert player.emit("me")["you"]["result"]["correct"] is True
    game.command("next")
    shown = [c.key for c in game.plan.paper.displayed_choices(game.plan.questions[1])]
    # Positions for the multiple question use its own order.
    assert by_position.answer(MULTIPLE, [shown.index(k) for k in "abc"])["accepted"]
    game.command("close")
    assert by_position.emit("me")["you"]["result"]["correct"] is True


def test_unshuffled_positions_are_the_bank_order(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.command("start")
    assert player.answer(SINGLE, 1)["accepted"]  # "b"
    game.command("close")
    assert player.emit("me")["you"]["result"]["correct"] is True
    assert game.wired.live.store.option_counts(game.id, 0) == {"b": 1}


# --- state and me ----------------------------------------------------------------------


def test_state_and_me_follow_the_round(live_round, clock: Clock) -> None:
    game: Round = live_round(rules(scoring={"streak_step": 100, "streak_cap": 500}))
    alice, bob = game.players(2)
    game.command("start")
    opened = clock.now
    events = alice.received()
    question = alice.last("question", events)
    assert "answer" not in question
    assert "explanation" not in question
    assert question["closes_at"] - question["opens_at"] == 20_000
    assert question["opens_at"] == opened
    assert question["seq"] == 1
    clock.advance(5000)
    state = alice.emit("state")["state"]
    assert (state["status"], state["seq"], state["index"]) == ("question_open", 1, 0)
    assert state["question"]["key"] == SINGLE
    assert "answer" not in state["question"]
    assert state["now"] == clock.now
    assert state["remaining_ms"] == 15_000
    assert alice.answer(SINGLE, RIGHT[SINGLE])["accepted"]
    assert bob.answer(SINGLE, WRONG[SINGLE])["accepted"]
    game.command("close")
    game.command("reveal")
    reveal = alice.last("reveal", alice.received())
    assert reveal["answer"] == ["b"]
    assert reveal["stats"] == {
        "answers": 2,
        "options": {"a": 1, "b": 1},
    }
    state = alice.emit("state")["state"]
    assert (state["status"], state["seq"]) == ("revealed", 3)
    assert state["reveal"]["answer"] == ["b"]
    assert state["remaining_ms"] == 0
    me = alice.emit("me")["you"]
    assert (me["points"], me["streak"], me["rank"], me["of"]) == (1000, 1, 1, 2)
    assert me["total_ms"] == 5000
    me = bob.emit("me")["you"]
    assert (me["points"], me["streak"], me["rank"]) == (0, 0, 2)
    assert me["result"]["correct"] is False
    # Pausing stops the clock that state reports.
    game.command("next")
    clock.advance(4000)
    game.command("pause")
    clock.advance(30_000)
    state = alice.emit("state")["state"]
    assert state["status"] == "paused"
    assert state["remaining_ms"] == 16_000
    game.command("resume")
    state = alice.emit("state")["state"]
    assert state["status"] == "question_open"
    assert state["remaining_ms"] == 16_000


# --- limits ----------------------------------------------------------------------------


def test_a_flood_is_rate_limited(live_round, clock: Clock, monkeypatch) -> None:
    # Almost no refill: on a busy machine the flood's events can be slow enough apart
    # for the sustained rate to refill the bucket, and the count would depend on load.
    monkeypatch.setattr(web.live.namespaces, "RATE", 0.01)
    game: Round = live_round()
    player, _ = game.player("alice")  # one event of the burst spent
    acks = [player.emit("state") for _ in range(int(web.live.namespaces.BURST) + 10)]
    limited = [ack for ack in acks if not ack["ok"]]
    assert len(limited) >= 9
    assert {ack["error"]["code"] for ack in limited} == {"rate_limited"}
    assert all(ack["ok"] for ack in acks[: int(web.live.namespaces.BURST) - 1])
    # Another connection is not limited by this one's flood.
    other, ack = game.player("bob")
    assert ack["ok"]
    assert other.emit("state")["ok"]


def test_a_large_payload_is_refused(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    game.command("start")
    ack = player.answer(TEXT, "x" * web.live.decoding.MAX_PAYLOAD)
    assert ack_error(ack) == "payload_too_large"
    assert game.wired.live.store.answer_count(game.id, 0) == 0


def test_an_unknown_event_gets_an_error_ack(live_round, clock: Clock) -> None:
    game: Round = live_round()
    player, _ = game.player("alice")
    for name in ("start", "kick", "watch", "hack"):
        assert ack_error(player.emit(name, {})) == "unknown_event"
    assert game.wired.live.state(game.id).status.value == "lobby"


# --- what the phone page words in its reader's language ---------------------------------


@pytest.mark.parametrize(
    ("nickname", "reason"),
    [
        ("   ", "empty"),
        ("x" * 25, "too_long"),
        ("SuperAdmin", "blocked"),
        ("我是傻逼", "blocked"),
        ("bad\u200bname", "control"),
    ],
)
def test_a_refused_nickname_says_why_in_a_reason(
    live_round, clock: Clock, nickname: str, reason: str
) -> None:
    """One code (invalid) and one field (nickname) for several refusals: the reason
    tells them apart, so the page words each in the contestant's language."""
    game: Round = live_round()
    _, ack = game.player(nickname)
    assert ack_error(ack) == "invalid"
    assert ack["error"]["reason"] == reason
    assert "nickname" in ack["error"]["fields"]


def test_an_http_error_carries_its_reason_and_others_none(app) -> None:
    from web.errors import error_response

    with app.app_context():
        named = error_response(422, "invalid", "that nickname is not allowed", {}, "blocked")
        plain = error_response(404, "not_found", "No round has that code.")
    assert named.get_json()["error"]["reason"] == "blocked"
    assert "reason" not in plain.get_json()["error"]


def test_an_eliminated_contestants_answer_says_they_are_out(live_round, clock: Clock) -> None:
    game: Round = live_round(rules(mode="elimination"))
    first, second, out = game.players(3)
    game.command("start")
    first.answer(SINGLE, RIGHT[SINGLE])
    second.answer(SINGLE, RIGHT[SINGLE])
    out.answer(SINGLE, WRONG[SINGLE])
    for name in ("close", "reveal", "next"):
        game.command(name)
    ack = out.answer(MULTIPLE, RIGHT[MULTIPLE])
    assert ack_error(ack) == "eliminated"
    assert ack["error"]["message"] == "You are out of this round; you can keep watching."
    assert first.answer(MULTIPLE, RIGHT[MULTIPLE])["accepted"] is True
