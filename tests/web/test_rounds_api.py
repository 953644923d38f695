"""HTTP: creating competitions and rounds, reading a round, and the host controls."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine.services.competitions import CODE_ALPHABET
from tests.web.live_helpers import RIGHT, SINGLE, Clock, Rounds, import_bank, rules
from web.wiring import Wiring


def competition(client: FlaskClient, headers: dict[str, str], round_rules: Any, **body: Any) -> Any:
    payload = {"title": "Defence day", "bank": "national-defence", "bank_version": 1}
    return client.post(
        "/api/v1/competitions", json={**payload, "rules": round_rules, **body}, headers=headers
    )


# --- competitions ----------------------------------------------------------------------


def test_create_a_competition(client: FlaskClient, wired: Wiring, login) -> None:
    version = import_bank(wired)
    response = competition(
        client,
        login("host"),
        rules(
            teams=["red", "blue"],
            scoring={"speed": "kahoot", "streak_step": 100, "streak_cap": 500},
        ),
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["title"] == "Defence day"
    assert (body["mode"], body["bank"], body["bank_version"]) == (
        "live",
        "national-defence",
        version,
    )
    assert re.fullmatch(r"[0-9a-f]{64}", body["bank_hash"])
    assert body["created_by"] == "host-user"
    assert body["rounds"] == []
    assert body["rules"]["teams"] == ["red", "blue"]
    assert body["rules"]["scoring"]["speed"] == "kahoot"
    assert body["rules"]["draw"]["keys"] == list(rules()["draw"]["keys"])
    fetched = client.get(f"/api/v1/competitions/{body['id']}", headers=login("admin"))
    assert fetched.status_code == 200
    assert fetched.json == body


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("author", 403), ("admin", 201)])
def test_creating_a_competition_needs_the_rounds_capability(
    client: FlaskClient, wired: Wiring, login, role: str | None, status: int
) -> None:
    import_bank(wired)
    response = competition(client, login(role) if role else {}, rules())
    assert response.status_code == status, response.json


@pytest.mark.parametrize(
    ("body", "status"),
    [({"bank": "no-such-bank"}, 404), ({"bank_version": 9}, 404)],
)
def test_an_unknown_bank_or_version(
    client: FlaskClient, wired: Wiring, login, body: dict, status: int
) -> None:
    import_bank(wired)
    response = competition(client, login("host"), rules(), **body)
    assert response.status_code == status
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("round_rules", "field"),
    [
        (rules(default_time_limit_s=2), "default_time_limit_s"),
        (rules(revival_tokens=2), "revival_tokens"),
        (rules(teams=["Red Team"]), "teams"),
        (rules(teams=["red", "red"]), "teams"),
        (rules(regions=["shenzhen", "shenzhen"]), "regions"),
        (rules(weights={SINGLE: 0}), "weights"),
        (rules(scoring={"points": -1}), "scoring"),
        (rules(scoring={"bonus": 5}), "scoring"),
        (rules(scoring={"speed": "warp"}), "scoring"),
        (rules(draw={"kind": "lottery"}), "draw.kind"),
        (rules(draw={"kind": "random", "quotas": [{"count": 0}]}), "draw.quotas[0].count"),
        (rules(draw={"kind": "fixed", "keys": []}), "draw.keys"),
        (rules(mode="tournament"), "mode"),
        ({"mode": "live"}, "draw"),
    ],
)
def test_bad_rules_are_refused_naming_the_field(
    client: FlaskClient, wired: Wiring, login, round_rules: dict, field: str
) -> None:
    import_bank(wired)
    response = competition(client, login("host"), round_rules)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "invalid"
    assert field in response.json["error"]["fields"], response.json


@pytest.mark.parametrize(
    "draw",
    [
        {"kind": "random", "quotas": [{"count": 500}]},
        {"kind": "random", "quotas": [{"count": 1, "tag": "no-such-tag"}]},
        {"kind": "random", "quotas": [{"count": 60, "difficulty": [1]}]},
        {"kind": "fixed", "keys": [SINGLE, "nd-9999"]},
    ],
)
def test_a_draw_rule_the_bank_cannot_satisfy(
    client: FlaskClient, wired: Wiring, login, draw: dict
) -> None:
    import_bank(wired)
    response = competition(client, login("host"), rules(draw=draw))
    assert response.status_code == 422, response.json
    assert "draw" in response.json["error"]["fields"]


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"bank_version": "one"},
        {"bank_version": 0},
        {"rules": "live"},
        {"rules": None},
    ],
)
def test_a_malformed_body(client: FlaskClient, wired: Wiring, login, body: dict) -> None:
    import_bank(wired)
    response = competition(client, login("host"), rules(), **body)
    assert response.status_code == 422, response.json
    assert set(body) <= set(response.json["error"]["fields"])


def test_unknown_competition(client: FlaskClient, login) -> None:
    headers = login("host")
    assert client.get("/api/v1/competitions/999", headers=headers).status_code == 404
    assert client.post("/api/v1/competitions/999/rounds", headers=headers).status_code == 404


# --- rounds ----------------------------------------------------------------------------


def test_open_a_round_and_read_it(live_round: Rounds, clock: Clock, login) -> None:
    game = live_round()
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", game.code)
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{8}}", game.watch_code)
    response = game.http.get(f"/api/v1/rounds/{game.id}", headers=game.headers)
    assert response.status_code == 200
    body = response.json
    assert (body["id"], body["competition_id"], body["status"]) == (
        game.id,
        game.competition_id,
        "lobby",
    )
    assert (body["code"], body["watch_code"]) == (game.code, game.watch_code)
    assert body["state"]["status"] == "lobby"
    assert body["state"]["total"] == 5
    assert body["answers"] == {"count": 0, "of": 0, "index": -1}
    listed = game.http.get(f"/api/v1/competitions/{game.competition_id}", headers=game.headers)
    assert [r["id"] for r in listed.json["rounds"]] == [game.id]
    again = game.http.post(
        f"/api/v1/competitions/{game.competition_id}/rounds", headers=game.headers
    )
    assert again.status_code == 201
    assert again.json["code"] != game.code


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("author", 403)])
def test_reading_and_driving_a_round_needs_a_host(
    live_round: Rounds, clock: Clock, login, role: str | None, status: int
) -> None:
    game = live_round()
    headers = login(role, f"{role}-2") if role else {}
    assert game.http.get(f"/api/v1/rounds/{game.id}", headers=headers).status_code == status
    assert game.http.post(f"/api/v1/rounds/{game.id}/start", headers=headers).status_code == status
    assert game.wired.live.state(game.id).status.value == "lobby"


def test_unknown_round(live_round: Rounds, clock: Clock) -> None:
    game = live_round()
    for response in (
        game.http.get(f"/api/v1/rounds/{game.id + 50}", headers=game.headers),
        game.http.post(f"/api/v1/rounds/{game.id + 50}/start", headers=game.headers),
    ):
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"


def test_http_host_controls_drive_the_round_and_refuse_with_the_domains_code(
    live_round: Rounds, clock: Clock
) -> None:
    game = live_round()
    alice, bob = game.players(2)
    watcher = game.watcher()

    def post(name: str) -> Any:
        return game.http.post(f"/api/v1/rounds/{game.id}/{name}", headers=game.headers)

    for name, code in [("next", "round_not_open"), ("reveal", "round_not_open")]:
        response = post(name)
        assert response.status_code == 409
        assert response.json["error"]["code"] == code
    started = post("start")
    assert started.status_code == 200
    assert started.json["status"] == "running"
    assert started.json["state"]["status"] == "question_open"
    assert watcher.last("question", watcher.received())["key"] == SINGLE
    clock.advance(700)
    alice.answer(SINGLE, RIGHT[SINGLE])
    assert game.http.get(f"/api/v1/rounds/{game.id}", headers=game.headers).json["answers"] == {
        "count": 1,
        "of": 2,
        "index": 0,
    }
    assert post("reveal").json["error"]["code"] == "question_still_open"
    assert post("close").json["state"]["status"] == "closed"
    assert post("close").json["error"]["code"] == "question_closed"
    assert post("reveal").json["state"]["reveal"]["stats"]["answers"] == 1
    assert post("no-such-command").status_code in (404, 405)
    finished = post("finish")
    assert finished.json["status"] == "finished"
    assert finished.json["state"]["status"] == "finished"
    assert post("finish").json["error"]["code"] == "already_finished"
    standings = game.wired.competitions.rounds.standings(game.id)
    assert [(s["contestant"], s["rank"], s["points"]) for s in standings] == [
        (alice.contestant, 1, 1000),
        (bob.contestant, 2, 0),
    ]
    assert standings[0]["total_ms"] == 700
