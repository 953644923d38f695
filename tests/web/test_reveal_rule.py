"""Nothing about correctness leaves the server before the reveal rule allows (DESIGN,
Trust rules), tried as an attacker would: throwaway contestants ("sybils") answer one
question each way and compare every byte they are sent, and the public boards are
watched while a question is open.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from engine.domain.standings import SNAPSHOT_EVERY_MS
from tests.web.live_helpers import (
    MULTIPLE,
    RIGHT,
    SINGLE,
    TRUE_FALSE,
    WRONG,
    Clock,
    Round,
    Rounds,
    rules,
)
from tests.web.selfpaced_helpers import CLOSES, FIXED, Window, Windows, bearer, sp_rules
from tests.web.test_play_selfpaced import join as join_selfpaced

#: Every way a sybil team answers one question: all four options of a single choice,
#: a right and a wrong response to the others.
SPREADS: dict[str, list[Any]] = {
    SINGLE: ["a", "b", "c", "d"],
    MULTIPLE: [RIGHT[MULTIPLE], WRONG[MULTIPLE]],
    TRUE_FALSE: [True, False],
}


def anonymised(value: Any, own: dict[str, str]) -> Any:
    """``value`` (JSON) with a contestant's own id, nickname and token replaced by their
    role, so two sybils' transcripts compare equal unless something else differs."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    for real, role in own.items():
        text = text.replace(json.dumps(real, ensure_ascii=False), json.dumps(role))
    return json.loads(text)


def http(response: Any) -> dict[str, Any]:
    """Everything an HTTP reply tells its reader."""
    return {
        "status": response.status_code,
        "etag": response.headers.get("ETag"),
        "body": response.json,
    }


def public_board(game: Round | Window) -> dict[str, Any]:
    return http(game.http.get(f"/api/v1/rounds/{game.id}/leaderboard?limit=100"))


# --- live rounds -----------------------------------------------------------------------


@pytest.mark.parametrize("freeze", [None, 1], ids=["unfrozen", "frozen"])
@pytest.mark.parametrize("key", list(SPREADS))
def test_live_sybils_learn_nothing_about_the_key_before_the_question_closes(
    live_round: Rounds, clock: Clock, app, key: str, freeze: int | None
) -> None:
    """With or without a freeze (which holds the boards, not what a phone is told)."""
    game = live_round(rules((SINGLE, MULTIPLE, TRUE_FALSE), freeze_at_question=freeze))
    sybils = game.players(len(SPREADS[key]), prefix="s")
    honest, watcher = game.players(1, prefix="h")[0], game.watcher()
    ticker = app.extensions["leitai.ticker"]
    game.command("start")
    while game.plan.questions[game.wired.live.state(game.id).index].key != key:
        game.command("close")
        game.command("next")
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))
    for connection in (*sybils, honest, watcher):
        connection.received()
    board_before = public_board(game)

    clock.advance(1000)
    acks = [
        sybil.answer(key, response) for sybil, response in zip(sybils, SPREADS[key], strict=True)
    ]
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))
    transcripts = []
    for n, (sybil, ack) in enumerate(zip(sybils, acks, strict=True)):
        headers = bearer(sybil.token or "")
        me_http = game.http.get(
            f"/api/v1/rounds/{game.id}/leaderboard/me?around=0", headers=headers
        )
        transcript = {
            "ack": ack,
            "retry": sybil.answer(key, SPREADS[key][0]),
            "me": sybil.emit("me"),
            "state": sybil.emit("state"),
            "me_http": http(me_http),
            "pushed": sybil.received(),
        }
        own = {sybil.contestant: "self", sybil.token: "token", f"s{n}": "nickname"}
        transcripts.append(anonymised(transcript, own))
    assert acks[0] == {"ok": True, "accepted": True, "duplicate": False}
    for transcript in transcripts[1:]:
        assert transcript == transcripts[0]
    # The real identity and the hall see nothing move either.
    assert public_board(game) == board_before
    assert not [name for name, _ in watcher.received() if name == "leaderboard"]
    assert not [name for name, _ in honest.received() if name == "leaderboard"]

    # Once closed, each sybil learns its own result.
    game.command("close")
    verdicts = [sybil.emit("me")["you"]["result"]["correct"] for sybil in sybils]
    question = next(q for q in game.plan.questions if q.key == key)
    assert verdicts == [
        (response if isinstance(response, list) else [response]) == list(question.answer)
        for response in SPREADS[key]
    ]


def test_me_and_state_say_received_until_the_close_and_the_result_after(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round(rules(scoring={"streak_step": 100, "streak_cap": 500}))
    alice, bob = game.players(2)
    game.command("start")
    clock.advance(2000)
    alice.answer(SINGLE, RIGHT[SINGLE])
    game.command("close")
    game.command("next")
    clock.advance(1000)
    assert alice.answer(MULTIPLE, RIGHT[MULTIPLE]) == {
        "ok": True,
        "accepted": True,
        "duplicate": False,
    }
    for you in (alice.emit("me")["you"], alice.emit("state")["state"]["you"]):
        # As at the last close: one right answer, the streak it built, the rank it gave.
        assert (you["points"], you["total_ms"], you["streak"], you["rank"]) == (1000, 2000, 1, 1)
        assert you["result"] == {"question": MULTIPLE, "index": 1, "received": True}
    assert bob.emit("me")["you"]["result"] is None  # not answered
    game.command("pause")
    assert alice.emit("me")["you"]["result"] == {"question": MULTIPLE, "index": 1, "received": True}
    game.command("resume")
    game.command("close")
    you = alice.emit("me")["you"]
    assert (you["points"], you["streak"], you["result"]["correct"]) == (2100, 2, True)


def test_the_public_board_moves_only_when_a_question_closes(
    live_round: Rounds, clock: Clock, app
) -> None:
    game = live_round()
    alice, bob = game.players(2)
    watcher, host = game.watcher(), game.host()
    ticker = app.extensions["leitai.ticker"]
    game.command("start")
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))
    for connection in (alice, bob, watcher, host):
        connection.received()
    before = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard")
    deep_before = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard?offset=1&limit=5")

    clock.advance(1000)
    alice.answer(SINGLE, RIGHT[SINGLE])
    bob.answer(SINGLE, WRONG[SINGLE])
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))
    pushed = watcher.received()
    assert not [data for name, data in pushed if name == "leaderboard"]
    assert watcher.last("answers", pushed) == {"count": 2, "of": 2, "index": 0}
    again = game.http.get(
        f"/api/v1/rounds/{game.id}/leaderboard", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert again.status_code == 304  # not even the ETag moved
    assert game.http.get(f"/api/v1/rounds/{game.id}/leaderboard").json == before.json
    assert game.http.get(f"/api/v1/rounds/{game.id}/leaderboard?offset=1&limit=5").json == (
        deep_before.json
    )
    assert [e["points"] for e in before.json["top"]] == [0, 0]
    # The host's own view is live.
    live = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard", headers=game.headers).json
    assert [e["points"] for e in live["top"]] == [1000, 0]

    game.command("close")
    ticker.publish(clock.advance(SNAPSHOT_EVERY_MS))
    board = watcher.last("leaderboard", watcher.received())
    assert [(e["contestant"], e["points"]) for e in board["top"]] == [
        (alice.contestant, 1000),
        (bob.contestant, 0),
    ]
    after = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json["version"] > before.json["version"]
    assert [e["points"] for e in after.json["top"]] == [1000, 0]


def test_a_skip_after_the_close_takes_the_points_off_the_public_board(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round()
    alice, _ = game.players(2)
    game.command("start")
    alice.answer(SINGLE, RIGHT[SINGLE])
    game.command("close")
    clock.advance(SNAPSHOT_EVERY_MS)
    url = f"/api/v1/rounds/{game.id}/leaderboard"
    assert [e["points"] for e in game.http.get(url).json["top"]] == [1000, 0]
    game.command("skip")
    clock.advance(SNAPSHOT_EVERY_MS)
    assert [e["points"] for e in game.http.get(url).json["top"]] == [0, 0]
    assert [e["points"] for e in game.http.get(f"{url}?offset=0&limit=101").json["top"]] == [0, 0]


def test_my_standing_over_http_is_the_frozen_one_as_the_socket_says(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round(rules(freeze_at_question=2))
    alice, bob = game.players(2)
    game.command("start")
    alice.answer(SINGLE, RIGHT[SINGLE])
    game.command("close")
    game.command("next")  # question 2 opens: the board freezes
    bob.answer(MULTIPLE, RIGHT[MULTIPLE])
    game.command("close")
    game.command("reveal")
    mine = game.http.get(
        f"/api/v1/rounds/{game.id}/leaderboard/me", headers=bearer(bob.token or "")
    ).json
    socket = bob.emit("me")["you"]
    assert mine["frozen"] is True
    assert (mine["scopes"]["all"]["points"], mine["scopes"]["all"]["rank"]) == (0, 2)
    assert (socket["points"], socket["rank"]) == (0, 2)
    game.command("finish")
    thawed = game.http.get(
        f"/api/v1/rounds/{game.id}/leaderboard/me", headers=bearer(bob.token or "")
    ).json
    assert (thawed["frozen"], thawed["scopes"]["all"]["points"]) == (False, 1000)


# --- self-paced rounds -----------------------------------------------------------------


def test_self_paced_sybils_learn_nothing_before_the_window_closes(
    windows: Windows, clock: Clock
) -> None:
    game = windows(sp_rules(reveal_answers="after_close"))
    key, spread = FIXED[0], ["a", "b", "c", "d"]
    entrants = [game.entrant(f"sybil{n}") for n in range(len(spread))]  # over HTTP
    sockets = [join_selfpaced(game, f"socket{n}") for n in range(len(spread))]  # over /play
    phases: list[dict[str, Any]] = [{} for _ in spread]
    for phase, (_, token), (socket, _) in zip(phases, entrants, sockets, strict=True):
        phase["next"] = http(game.next(token))
        phase["socket_next"] = socket.emit("next")
    for phase, (_, token), (socket, _), response in zip(
        phases, entrants, sockets, spread, strict=True
    ):
        phase["answer"] = http(game.answer(token, key, response))
        phase["socket_answer"] = socket.emit("answer", {"question": key, "response": response})
    board = public_board(game)
    for phase, (_, token), (socket, _) in zip(phases, entrants, sockets, strict=True):
        phase["retry"] = http(game.answer(token, key, "a"))
        phase["next_again"] = http(game.next(token))
        phase["socket_next_again"] = socket.emit("next")
        url = f"/api/v1/rounds/{game.id}/leaderboard/me?around=0"
        phase["me"] = http(game.http.get(url, headers=bearer(token)))
        phase["pushed"] = socket.received()
    for phase, (_, token) in zip(phases, entrants, strict=True):
        # The rest of the paper, each the same way (right, answered and advanced in one
        # call), then the end of it: what the phone's end screen reads, and the review.
        for _ in FIXED[1:]:
            asked = game.next(token).json["question"]["key"]
            reply = game.answer(token, asked, game.right(asked), advance=True)
            phase[f"answered {asked}"] = http(reply)
        phase["done"] = http(game.next(token))
        url = f"/api/v1/rounds/{game.id}/leaderboard/me?around=0"
        phase["me_done"] = http(game.http.get(url, headers=bearer(token)))
        review = game.http.get(f"/api/v1/rounds/{game.id}/review", headers=bearer(token))
        phase["review"] = http(review)
    transcripts = [
        anonymised(
            phase,
            {
                contestant: "self",
                token: "token",
                joined["contestant"]["id"]: "socket",
                joined["token"]: "socket-token",
                f"sybil{n}": "nickname",
                f"socket{n}": "socket-nickname",
            },
        )
        for n, (phase, (contestant, token), (_, joined)) in enumerate(
            zip(phases, entrants, sockets, strict=True)
        )
    ]
    assert transcripts[0]["answer"]["status"] == 200
    assert transcripts[0]["done"]["body"]["done"] is True
    assert transcripts[0]["me_done"]["body"]["scopes"]["all"]["points"] == 0
    assert transcripts[0]["review"]["status"] == 409, transcripts[0]["review"]
    answered = [v["body"] for k, v in transcripts[0].items() if k.startswith("answered")]
    assert [(a["result"]["received"], "correct" in a["result"]) for a in answered] == [
        (True, False)
    ] * (len(FIXED) - 1)
    assert transcripts[0]["answer"]["body"]["result"] == {
        "question": key,
        "index": 0,
        "received": True,
        "late": False,
    }
    for transcript in transcripts[1:]:
        assert transcript == transcripts[0]
    assert {e["points"] for e in board["body"]["top"]} == {0}
    assert public_board(game) == board
    # Once the window has closed, each learns the key and its result.
    clock.now = CLOSES
    results = [game.answer(token, key, "a").json for _, token in entrants]
    assert [r["result"]["correct"] for r in results] == [False, True, False, False]
    assert {tuple(r["answer"]) for r in results} == {("b",)}


def test_after_answer_gives_the_result_of_the_question_just_answered(windows: Windows) -> None:
    game = windows(sp_rules(reveal_answers="after_answer"))
    _, token = game.entrant()
    game.next(token)
    body = game.answer(token, FIXED[0], "b").json
    assert (body["result"]["correct"], body["result"]["points"], body["answer"]) == (
        True,
        1000,
        ["b"],
    )


def test_a_rebuild_keeps_an_after_close_rounds_public_board_at_0(windows: Windows) -> None:
    game = windows(sp_rules(reveal_answers="after_close"))
    right, wrong = game.entrant("right"), game.entrant("wrong")
    for (_, token), response in ((right, "b"), (wrong, "a")):
        game.next(token)
        assert game.answer(token, FIXED[0], response).status_code == 200
    game.wired.drainer.drain_all()

    assert game.wired.results.rebuild(game.id).answers == 2

    assert {e["points"] for e in public_board(game)["body"]["top"]} == {0}
    live = game.wired.leaderboard.top(game.id, view="live")
    assert [(e.contestant, e.points) for e in live] == [(right[0], 1000), (wrong[0], 0)]
