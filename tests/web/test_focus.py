"""Page switches during questions: counted by the server once per report, a signal
above the round's tolerance (and not at or below it), and a self-paced paper handed in
at the N-th switch, whatever the phone does next."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

import web.live.namespaces
from engine.domain.integrity import DEFAULT_TOLERANCE, MAX_COUNTED
from tests.web.live_helpers import KEYS, START, ack_error
from tests.web.selfpaced_helpers import CLOSES, FIXED, OPENS, Window, Windows, bearer, sp_rules
from tests.web.test_play_selfpaced import join

pytestmark = pytest.mark.usefixtures("many_events")


def counts(wired, round_id: int) -> dict[str, int]:
    return wired.integrity.log.counts(round_id)


def signals(game, kind: str = "focus") -> list[dict[str, Any]]:
    response = game.http.get(f"/api/v1/rounds/{game.id}/results", headers=game.headers)
    assert response.status_code == 200, response.json
    return [s for s in response.json["signals"] if s["kind"] == kind]


def paced_round(windows: Windows, **settings: Any) -> Window:
    competition_id = windows.competition(sp_rules())
    response = windows.http.post(
        f"/api/v1/competitions/{competition_id}/rounds",
        json={"opens_at": OPENS, "closes_at": CLOSES, **settings},
        headers=windows.headers,
    )
    assert response.status_code == 201, response.json
    body = response.json
    return Window(
        windows.app, windows.http, windows.wired, windows.headers, body["id"], body["code"]
    )


def focus_lost(game: Window, token: str, question: str, at: int) -> Any:
    return game.http.post(
        f"/api/v1/rounds/{game.id}/focus-lost",
        json={"question": question, "at": at},
        headers=bearer(token),
    )


# --- live ------------------------------------------------------------------------------


def test_a_switch_is_acked_and_counted_once_however_often_it_is_sent(live_round) -> None:
    game = live_round()
    (player,) = game.players(1)
    game.command("start")
    report = {"question": KEYS[0], "at": START + 5}
    assert player.emit("focus_lost", report) == {
        "ok": True,
        "counted": True,
        "switches": 1,
        "tolerance": DEFAULT_TOLERANCE,
        "submitted": False,
    }
    again = player.emit("focus_lost", report)
    assert (again["ok"], again["counted"], again["switches"]) == (True, False, 1)
    assert counts(game.wired, game.id) == {player.contestant: 1}


def test_switches_above_the_tolerance_are_a_signal_in_results_and_at_it_are_not(
    live_round,
) -> None:
    game = live_round()
    restless, calm = game.players(2)
    game.command("start")
    for n in range(DEFAULT_TOLERANCE + 1):
        assert restless.emit("focus_lost", {"question": KEYS[0], "at": START + n})["ok"]
    for n in range(DEFAULT_TOLERANCE):
        assert calm.emit("focus_lost", {"question": KEYS[0], "at": START + n})["ok"]
    flagged = signals(game)
    assert [s["contestants"] for s in flagged] == [[restless.contestant]]
    assert "4 times" in flagged[0]["detail"]


def test_a_round_sets_its_own_tolerance(live_round, client) -> None:
    game = live_round()
    response = client.post(
        f"/api/v1/competitions/{game.competition_id}/rounds",
        json={"focus_tolerance": 0},
        headers=game.headers,
    )
    assert response.status_code == 201, response.json
    assert response.json["focus"] == {"focus_tolerance": 0, "submit_after_switches": None}
    assert response.json["window"] is None
    strict = replace(game, id=response.json["id"], code=response.json["code"], clients=[])
    (player,) = strict.players(1)
    strict.command("start")
    assert player.emit("focus_lost", {"question": KEYS[0], "at": START})["tolerance"] == 0
    assert [s["contestants"] for s in signals(strict)] == [[player.contestant]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"focus_tolerance": -1}, "focus_tolerance"),
        ({"focus_tolerance": 101}, "focus_tolerance"),
        ({"focus_tolerance": "many"}, "focus_tolerance"),
        ({"submit_after_switches": 0}, "submit_after_switches"),
        ({"submit_after_switches": 3}, "submit_after_switches"),  # live: nothing to submit
    ],
)
def test_bad_focus_settings_are_refused_naming_the_field(live_round, client, body, field):
    game = live_round()
    before = len(
        client.get(f"/api/v1/competitions/{game.competition_id}", headers=game.headers).json[
            "rounds"
        ]
    )
    response = client.post(
        f"/api/v1/competitions/{game.competition_id}/rounds", json=body, headers=game.headers
    )
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    after = client.get(f"/api/v1/competitions/{game.competition_id}", headers=game.headers)
    assert len(after.json["rounds"]) == before


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (None, "invalid"),
        ("focus", "invalid"),
        ({}, "invalid"),
        ({"question": KEYS[0]}, "invalid"),
        ({"question": KEYS[0], "at": "12"}, "invalid"),
        ({"question": KEYS[0], "at": 1.5}, "invalid"),
        ({"question": KEYS[0], "at": True}, "invalid"),
        ({"question": KEYS[0], "at": -1}, "invalid"),
        ({"question": KEYS[0], "at": 2**60}, "invalid"),
        ({"question": "", "at": 1}, "invalid"),
        ({"question": ["x"], "at": 1}, "invalid"),
        ({"question": KEYS[0], "at": 1, "extra": 1}, "invalid"),
        ({"question": KEYS[1], "at": 1}, "question_not_asked"),
        ({"question": "nd-9999", "at": 1}, "question_not_asked"),
    ],
)
def test_bad_reports_are_refused_and_count_nothing(live_round, payload, code) -> None:
    game = live_round()
    (player,) = game.players(1)
    game.command("start")
    assert ack_error(player.emit("focus_lost", payload)) == code
    assert counts(game.wired, game.id) == {}


def test_reports_before_joining_before_the_start_or_after_the_finish_are_refused(
    live_round,
) -> None:
    game = live_round()
    stranger = game.socket("/play")
    report = {"question": KEYS[0], "at": START}
    ack = stranger.emit("focus_lost", report, namespace="/play", callback=True)
    assert ack_error(ack) == "not_joined"
    (player,) = game.players(1)
    assert ack_error(player.emit("focus_lost", report)) == "question_not_asked"
    game.command("start")
    game.command("finish")
    assert ack_error(player.emit("focus_lost", report)) == "already_finished"
    assert counts(game.wired, game.id) == {}


def test_a_flood_of_reports_is_counted_up_to_a_bound(live_round, monkeypatch) -> None:
    monkeypatch.setattr(web.live.namespaces, "BURST", 10_000.0)
    game = live_round()
    (player,) = game.players(1)
    game.command("start")
    log = game.wired.integrity.log
    for n in range(MAX_COUNTED + 5):
        log.report(game.id, player.contestant, f"r{n}", MAX_COUNTED)
    ack = player.emit("focus_lost", {"question": KEYS[0], "at": START})
    assert (ack["counted"], ack["switches"]) == (False, MAX_COUNTED)


# --- self-paced ------------------------------------------------------------------------


def test_the_paper_is_submitted_at_the_nth_switch_and_stays_submitted(windows, clock) -> None:
    game = paced_round(windows, submit_after_switches=2)
    _, token = game.entrant()
    first = game.next(token).json["question"]["key"]
    assert game.answer(token, first, game.right(first)).status_code == 200
    second = game.next(token).json["question"]["key"]
    one = focus_lost(game, token, second, START + 1)
    assert one.status_code == 200
    assert one.json == {"counted": True, "switches": 1, "tolerance": 3, "submitted": False}
    two = focus_lost(game, token, second, START + 2)
    assert (two.json["switches"], two.json["submitted"]) == (2, True)
    done = game.next(token).json  # what a phone that reconnects sees
    assert (done["done"], done["question"]) == (True, None)
    late = game.answer(token, second, game.right(second))
    assert late.status_code == 409
    assert late.json["error"]["code"] == "already_finished"
    mine = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard/me", headers=bearer(token))
    assert mine.json["scopes"]["all"]["points"] > 0  # the first answer still counts


def test_without_the_setting_switches_never_submit_the_paper(windows, clock) -> None:
    game = paced_round(windows)
    contestant, token = game.entrant()
    key = game.next(token).json["question"]["key"]
    for n in range(10):
        assert focus_lost(game, token, key, START + n).json["submitted"] is False
    assert game.next(token).json["question"]["key"] == key
    assert [s["contestants"] for s in signals(game)] == [[contestant]]


def test_self_paced_reports_are_refused_for_questions_not_given(windows, clock) -> None:
    game = paced_round(windows, submit_after_switches=1)
    _, token = game.entrant()
    unseen = focus_lost(game, token, FIXED[0], START)
    assert unseen.status_code == 409
    assert unseen.json["error"]["code"] == "question_not_delivered"
    key = game.next(token).json["question"]["key"]
    later = next(k for k in FIXED if k != key)
    assert focus_lost(game, token, later, START).json["error"]["code"] == "question_not_delivered"
    assert focus_lost(game, token, "nd-0099", START).json["error"]["code"] == "not_on_paper"
    bad = game.http.post(
        f"/api/v1/rounds/{game.id}/focus-lost", json={"question": key}, headers=bearer(token)
    )
    assert bad.status_code == 422
    assert "at" in bad.json["error"]["fields"]
    assert (
        game.http.post(
            f"/api/v1/rounds/{game.id}/focus-lost", json={"question": key, "at": 1}
        ).status_code
        == 401
    )
    assert counts(game.wired, game.id) == {}
    assert game.next(token).json["question"]["key"] == key  # not submitted


def test_over_the_socket_a_phone_that_comes_back_finds_its_paper_submitted(windows) -> None:
    game = paced_round(windows, submit_after_switches=1)
    phone, joined = join(game)
    key = phone.emit("next")["question"]["key"]
    ack = phone.emit("focus_lost", {"question": key, "at": START})
    assert (ack["ok"], ack["submitted"]) == (True, True)
    phone.client.disconnect(namespace="/play")
    again, rejoined = join(game, resume_token=joined["token"])
    assert rejoined["ok"], rejoined
    assert again.emit("next")["done"] is True
