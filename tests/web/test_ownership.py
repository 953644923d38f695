"""Ownership as a second organiser would attack it: another host's round cannot be
driven, kicked in or read, over HTTP or /host, and its existence is never confirmed;
co-hosts come and go at the owner's word; results keep unasked questions' keys."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from engine.domain.rounds import LiveStatus
from tests.web.live_helpers import (
    KEYS,
    RIGHT,
    START,
    Clock,
    Host,
    Round,
    Rounds,
    ack_error,
)
from web.cli import cli
from web.wiring import Wiring

pytestmark = pytest.mark.usefixtures("many_events")


HTTP_COMMANDS = ("start", "next", "close", "reveal", "pause", "resume", "skip", "finish")


@pytest.fixture
def rounds(app, client, wired, login, clock: Clock) -> Rounds:
    return Rounds(app, client, wired, login("host", "owner"))


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].split()[1]


def running(game: Round) -> list[Any]:
    """Two contestants, the first question open, one answered."""
    players = game.players(2)
    game.command("start")
    assert players[0].answer(KEYS[0], RIGHT[KEYS[0]])["ok"]
    return players


def stored(wired: Wiring, game: Round) -> Any:
    """What a refused host must leave as it was: the round's Redis keys and SQL row."""
    client, prefix = wired.redis.client, wired.settings.redis_prefix
    keys = sorted(client.scan_iter(f"{prefix}:{{r:{game.id}}}:*"))
    return {key: client.dump(key) for key in keys}, wired.competitions.rounds.round(game.id)


def same_but_id(missing: Any, refused: Any, missing_id: int, real_id: int) -> bool:
    return str(missing).replace(str(missing_id), str(real_id)) == str(refused)


# --- a second host ---------------------------------------------------------------------


def test_a_second_host_cannot_drive_read_or_kick_over_http(
    rounds: Rounds, client: FlaskClient, wired: Wiring, login
) -> None:
    game = rounds()
    players = running(game)
    intruder = login("host", "intruder")
    before = stored(wired, game)
    missing = game.id + 1000
    paths = [f"/rounds/{{}}/{name}" for name in HTTP_COMMANDS]
    reads = ["/rounds/{}", "/rounds/{}/results", "/rounds/{}/results.csv"]
    for path in paths + reads:
        method = client.post if path in paths else client.get
        refused = method(f"/api/v1{path.format(game.id)}", headers=intruder)
        absent = method(f"/api/v1{path.format(missing)}", headers=intruder)
        assert refused.status_code == absent.status_code == 404, path
        assert same_but_id(absent.json, refused.json, missing, game.id), path
    live_board = client.get(f"/api/v1/rounds/{game.id}/leaderboard", headers=intruder)
    assert live_board.status_code == 404
    extra = client.post(
        f"/api/v1/rounds/{game.id}/entries/{players[0].contestant}/extra-time",
        json={"multiplier": 2},
        headers=intruder,
    )
    assert extra.status_code == 404
    assert stored(wired, game) == before
    assert wired.live.state(game.id).status is LiveStatus.QUESTION_OPEN
    assert client.get(f"/api/v1/rounds/{game.id}", headers=game.headers).status_code == 200


def test_a_second_host_cannot_attach_drive_or_kick_over_host(
    rounds: Rounds, wired: Wiring, login
) -> None:
    game = rounds()
    players = running(game)
    intruder = token_of(login("host", "intruder"))
    before = stored(wired, game)
    host = Host(game.socket("/host"))
    assert ack_error(host.emit("attach", {"round": game.id, "token": intruder})) == "not_found"
    missing = host.emit("attach", {"round": game.id + 1000, "token": intruder})
    refused = host.emit("attach", {"round": game.id, "token": intruder})
    assert same_but_id(missing, refused, game.id + 1000, game.id)
    for name in (*HTTP_COMMANDS, "answers"):
        assert ack_error(host.emit(name)) == "not_attached", name
    assert ack_error(host.emit("kick", {"contestant": players[1].contestant})) == "not_attached"
    assert stored(wired, game) == before
    assert not wired.live.store.is_kicked(game.id, players[1].contestant)
    assert host.received() == []  # joined no host room: no pushes of the round either


def test_a_host_attached_to_their_own_round_cannot_reach_anothers(
    rounds: Rounds, app, client: FlaskClient, wired: Wiring, login
) -> None:
    game = rounds()
    running(game)
    theirs = Rounds(app, client, wired, login("host", "intruder"))()
    own = theirs.host()
    before = stored(wired, game)
    ack = own.emit("attach", {"round": game.id, "token": theirs.token})
    assert ack_error(ack) == "not_found"
    assert own.emit("finish")["ok"] is True  # still attached to their own round only
    assert wired.live.state(theirs.id).status is LiveStatus.FINISHED
    assert wired.live.state(game.id).status is LiveStatus.QUESTION_OPEN
    assert stored(wired, game) == before


# --- co-hosts --------------------------------------------------------------------------


def test_a_cohost_drives_the_rounds_until_the_owner_removes_them(
    rounds: Rounds, client: FlaskClient, wired: Wiring, login
) -> None:
    game = rounds()
    cohost = login("host", "cohost")
    hosts = f"/api/v1/competitions/{game.competition_id}/hosts"
    assert client.get(f"/api/v1/rounds/{game.id}", headers=cohost).status_code == 404

    added = client.put(f"{hosts}/cohost", headers=game.headers)
    assert added.status_code == 200
    assert added.json["owner"]["username"] == "owner"
    assert [h["username"] for h in added.json["cohosts"]] == ["cohost"]
    assert client.put(f"{hosts}/cohost", headers=game.headers).json == added.json  # idempotent
    assert client.post(f"/api/v1/rounds/{game.id}/start", headers=cohost).status_code == 200
    attached = Host(game.socket("/host"))
    assert attached.emit("attach", {"round": game.id, "token": token_of(cohost)})["ok"]

    removed = client.delete(f"{hosts}/cohost", headers=game.headers)
    assert removed.status_code == 200
    assert removed.json["cohosts"] == []
    assert client.post(f"/api/v1/rounds/{game.id}/close", headers=cohost).status_code == 404
    assert ack_error(attached.emit("close")) == "not_found"  # the open connection too
    assert wired.live.state(game.id).status is LiveStatus.QUESTION_OPEN


def test_only_the_owner_or_an_admin_changes_the_hosts(
    rounds: Rounds, client: FlaskClient, login
) -> None:
    game = rounds()
    hosts = f"/api/v1/competitions/{game.competition_id}/hosts"
    cohost, admin = login("host", "cohost"), login("admin", "boss")
    login("host", "spare")
    login("author", "writer")
    assert client.put(f"{hosts}/cohost", headers=game.headers).status_code == 200

    by_cohost = client.put(f"{hosts}/spare", headers=cohost)
    assert (by_cohost.status_code, by_cohost.json["error"]["code"]) == (403, "forbidden")
    assert client.delete(f"{hosts}/cohost", headers=cohost).status_code == 403
    assert client.put(f"{hosts}/spare", headers=admin).status_code == 200
    listed = client.get(hosts, headers=cohost).json
    assert sorted(h["username"] for h in listed["cohosts"]) == ["cohost", "spare"]

    for username, field_problem in (
        ("writer", "authors cannot host rounds"),
        ("owner", "already the owner"),
        ("nobody", "unknown"),
    ):
        refused = client.put(f"{hosts}/{username}", headers=game.headers)
        assert refused.status_code == 422, username
        assert refused.json["error"]["fields"] == {"username": [field_problem]}
    assert client.get(hosts, headers=game.headers).json == listed


def test_the_list_shows_each_caller_only_what_they_may_host(
    rounds: Rounds, app, client: FlaskClient, wired: Wiring, login
) -> None:
    mine, shared = rounds().competition_id, rounds().competition_id
    cohost, intruder, admin = login("host", "cohost"), login("host", "intruder"), login("admin")
    client.put(f"/api/v1/competitions/{shared}/hosts/cohost", headers=rounds.headers)
    theirs = Rounds(app, client, wired, intruder)().competition_id
    legacy = wired.competitions.create(
        title="Before owners",
        bank_slug="national-defence",
        bank_version=rounds.bank_version,
        rules={"mode": "live", "draw": {"kind": "fixed", "keys": list(KEYS)}},
        created_by="someone-gone",
    )["id"]

    def listed(headers: dict[str, str]) -> list[int]:
        response = client.get("/api/v1/competitions", headers=headers)
        assert response.status_code == 200
        return [c["id"] for c in response.json]

    assert listed(rounds.headers) == [shared, mine]  # newest first
    assert listed(cohost) == [shared]
    assert listed(intruder) == [theirs]
    assert listed(admin) == [legacy, theirs, shared, mine]
    assert client.get(f"/api/v1/competitions/{legacy}", headers=rounds.headers).status_code == 404
    assert client.get(f"/api/v1/competitions/{legacy}", headers=admin).json["owner_id"] is None
    assert client.get("/api/v1/competitions", headers=login("author")).status_code == 403


# --- answer keys in results ------------------------------------------------------------


def keys_shown(report: dict[str, Any]) -> dict[str, Any]:
    return {q["key"]: q["answer"] for q in report["questions"]}


def test_results_of_a_running_round_carry_only_closed_questions_keys(
    rounds: Rounds, client: FlaskClient, wired: Wiring, app, clock: Clock
) -> None:
    game = rounds()
    running(game)

    def report() -> dict[str, Any]:
        response = client.get(f"/api/v1/rounds/{game.id}/results", headers=game.headers)
        assert response.status_code == 200
        return keys_shown(response.json)

    assert report() == dict.fromkeys(KEYS)  # the first question is still open
    host_page = client.get(f"/api/v1/rounds/{game.id}", headers=game.headers).json["state"]
    assert host_page["reveal"] is None
    assert "answer" not in host_page["question"]
    game.command("close")
    first = list(wired.competitions.plan(game.id).questions[0].answer)
    assert report() == {KEYS[0]: first, **dict.fromkeys(KEYS[1:])}
    game.command("next")
    game.command("pause")  # paused with the question open: still hidden
    assert report() == {KEYS[0]: first, **dict.fromkeys(KEYS[1:])}
    exported = CliRunner().invoke(
        cli, ["results", "export", str(game.id), "--format", "json"], obj={"app": app}
    )
    assert exported.exit_code == 0, exported.output
    assert keys_shown(json.loads(exported.output)) == report()
    game.command("finish")
    plan = wired.competitions.plan(game.id)
    assert report() == {q.key: list(q.answer) for q in plan.questions}


def test_results_of_a_running_self_paced_round_carry_no_keys(
    rounds: Rounds, client: FlaskClient, wired: Wiring, clock: Clock
) -> None:
    competition = client.post(
        "/api/v1/competitions",
        json={
            "title": "Self-paced",
            "bank": "national-defence",
            "bank_version": rounds.bank_version,
            "rules": {"mode": "self_paced", "draw": {"kind": "fixed", "keys": list(KEYS[:2])}},
        },
        headers=rounds.headers,
    ).json["id"]
    round_id = client.post(
        f"/api/v1/competitions/{competition}/rounds",
        json={"opens_at": START - 1000, "closes_at": START + 3_600_000},
        headers=rounds.headers,
    ).json["id"]
    entry = wired.selfpaced.enter(round_id, "alice", None, None, clock.now).contestant
    asked = wired.selfpaced.next_question(round_id, entry, clock.now).question
    assert asked is not None
    wired.selfpaced.answer(round_id, entry, asked["key"], RIGHT[asked["key"]], clock.now + 1000)

    def report() -> dict[str, Any]:
        response = client.get(f"/api/v1/rounds/{round_id}/results", headers=rounds.headers)
        assert response.status_code == 200
        return keys_shown(response.json)

    assert report() == dict.fromkeys(KEYS[:2])
    assert (
        client.post(f"/api/v1/rounds/{round_id}/finish", headers=rounds.headers).status_code == 200
    )
    plan = wired.competitions.plan(round_id)
    assert report() == {q.key: list(q.answer) for q in plan.questions}
