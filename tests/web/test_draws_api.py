"""Lucky draws over HTTP and the command line: commit, run, publish, verify, disqualify."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from engine.domain.lucky_draw import pool_hash, seeded_order
from tests.web.live_helpers import import_bank
from tests.web.test_standings_api import T0, Game
from web.cli import cli
from web.wiring import Wiring

ALL_CORRECT = {
    "title": "幸运抽奖",
    "pool": {"kind": "all_correct"},
    "prizes": [{"prize": "一等奖", "count": 1}, {"prize": "纪念品", "count": 2}],
}


@pytest.fixture(name="new_game")
def new_game_fixture(
    app: Flask, client: FlaskClient, wired: Wiring, login: Callable[[str], dict[str, str]]
) -> Callable[..., Game]:
    import_bank(wired)
    host = login("host")
    return lambda **rules: Game(app, client, wired, host, **rules)


def finished_game(new_game: Callable[..., Game]) -> tuple[Game, dict[str, str]]:
    """A finished round of three questions: five contestants right every time, one
    wrong once, one who never answered."""
    game = new_game()
    names = ["阿明", "Ben", "Cai", "Dee", "Eve", "Fay", "Gus"]
    ids = {name: game.join(name, "guangzhou", "red") for name in names}
    game.command("start", T0)
    for question in range(3):
        at = T0 + question * 30_000
        for name in names[:6]:
            game.answer(ids[name], right=not (name == "Fay" and question == 1), at=at + 1000)
        game.command("close", at + 20_000)
        if question < 2:
            game.command("next", at + 25_000)
    game.command("finish", T0 + 100_000)
    return game, ids


def create(game: Game, body: dict[str, Any] = ALL_CORRECT) -> Any:
    return game.client.post(f"/api/v1/rounds/{game.id}/draws", json=body, headers=game.host)


def test_a_draw_is_committed_then_run_and_verifiable(
    new_game: Callable[..., Game], tmp_path: Path
) -> None:
    game, ids = finished_game(new_game)
    pool = sorted(ids[name] for name in ["阿明", "Ben", "Cai", "Dee", "Eve"])

    created = create(game)
    assert created.status_code == 201, created.json
    draw = created.json
    assert draw["status"] == "committed"
    assert draw["commitment"]["pool_size"] == 5
    assert draw["commitment"]["pool_sha256"] == pool_hash(pool)
    assert (draw["seed"], draw["pool"], draw["winners"]) == (None, None, None)
    assert draw["created_at"] is not None
    assert draw["drawn_at"] is None
    public = game.client.get(f"/api/v1/draws/{draw['id']}")  # anyone, no token
    assert public.status_code == 200
    assert public.json["seed"] is None
    assert public.json["commitment"] == draw["commitment"]
    listed = game.client.get(f"/api/v1/rounds/{game.id}/draws", headers=game.host)
    assert [d["id"] for d in listed.json] == [draw["id"]]

    ran = game.client.post(f"/api/v1/draws/{draw['id']}/run", headers=game.host)
    assert ran.status_code == 200, ran.json
    assert ran.json["drawn_at"] is not None
    seed = bytes.fromhex(ran.json["seed"])
    assert hashlib.sha256(seed).hexdigest() == draw["commitment"]["seed_sha256"]
    assert ran.json["pool"] == pool
    order = seeded_order(seed, pool)
    nickname = {ident: name for name, ident in ids.items()}
    assert [(w["prize"], w["contestant"], w["nickname"]) for w in ran.json["winners"]] == [
        ("一等奖", order[0], nickname[order[0]]),
        ("纪念品", order[1], nickname[order[1]]),
        ("纪念品", order[2], nickname[order[2]]),
    ]
    # Published: the display name, never the region or team.
    assert set(ran.json["winners"][0]) == {"prize", "contestant", "nickname"}
    again = game.client.post(f"/api/v1/draws/{draw['id']}/run", headers=game.host)
    refused = (again.status_code, again.json["error"]["code"], again.json["error"]["reason"])
    assert refused == (409, "conflict", "drawn_already")  # the console words it by reason

    published = tmp_path / "draw.json"
    published.write_text(json.dumps(game.client.get(f"/api/v1/draws/{draw['id']}").json))
    verified = CliRunner().invoke(cli, ["draw", "verify", str(published)])
    assert verified.exit_code == 0, verified.output
    assert "verified: 5 in the pool" in verified.output

    forged = json.loads(published.read_text())
    forged["winners"][0], forged["winners"][1] = forged["winners"][1], forged["winners"][0]
    published.write_text(json.dumps(forged))
    refused = CliRunner().invoke(cli, ["draw", "verify", str(published)])
    assert refused.exit_code == 1
    assert "the winners differ" in refused.output


def test_a_disqualified_winner_gives_the_prize_to_the_next_in_the_seeded_order(
    new_game: Callable[..., Game],
) -> None:
    game, ids = finished_game(new_game)
    draw_id = create(game).json["id"]
    url = f"/api/v1/draws/{draw_id}/disqualify"
    early = game.client.post(url, json={"contestant": ids["Ben"], "reason": "x"}, headers=game.host)
    # The pool is fixed until the draw has run.
    assert (early.status_code, early.json["error"]["reason"]) == (409, "not_drawn")
    drawn = game.client.post(f"/api/v1/draws/{draw_id}/run", headers=game.host).json
    order = seeded_order(bytes.fromhex(drawn["seed"]), drawn["pool"])

    out = game.client.post(url, json={"contestant": order[1], "reason": "代答"}, headers=game.host)
    assert out.status_code == 200, out.json
    assert [w["contestant"] for w in out.json["winners"]] == [order[0], order[3], order[2]]
    assert out.json["disqualified"] == [{"contestant": order[1], "reason": "代答"}]
    twice = game.client.post(url, json={"contestant": order[1], "reason": "x"}, headers=game.host)
    assert (twice.status_code, twice.json["error"]["reason"]) == (409, "disqualified_already")
    stranger = game.client.post(
        url, json={"contestant": ids["Fay"], "reason": "x"}, headers=game.host
    )
    assert (stranger.status_code, stranger.json["error"]["fields"]) == (
        422,
        {"contestant": ["not_in_pool"]},
    )
    published = game.client.get(f"/api/v1/draws/{draw_id}").json
    assert published["winners"] == out.json["winners"]


def test_pools_by_score_and_rank(new_game: Callable[..., Game]) -> None:
    game, _ = finished_game(new_game)
    every = create(game, {**ALL_CORRECT, "pool": {"kind": "min_score", "threshold": 0}})
    assert every.json["commitment"]["pool_size"] == 7
    top = create(game, {**ALL_CORRECT, "pool": {"kind": "top", "top": 6}})
    assert top.json["commitment"]["pool_size"] == 6  # Gus, who never answered, is 7th


def test_bad_draws_are_refused_by_name_and_change_nothing(new_game: Callable[..., Game]) -> None:
    game = new_game()
    game.join("阿明")
    lobby = create(game)
    assert (lobby.status_code, lobby.json["error"]["code"]) == (409, "conflict")
    game.command("start", T0)
    game.command("finish", T0 + 1000)
    cases = {
        "pool": {**ALL_CORRECT, "pool": {"kind": "certificates"}},
        "prizes": {**ALL_CORRECT, "prizes": []},
        "title": {**ALL_CORRECT, "title": ""},
        "top": {**ALL_CORRECT, "pool": {"kind": "top"}},
        "threshold": {**ALL_CORRECT, "pool": {"kind": "min_score"}},
    }
    for name, body in cases.items():
        refused = create(game, body)
        assert refused.status_code == 422, (name, refused.json)
        assert name in json.dumps(refused.json["error"]["fields"]), (name, refused.json)
    huge = {**ALL_CORRECT, "prizes": [{"prize": "p", "count": 10_000}] * 2}
    assert create(game, huge).status_code == 422
    assert game.client.get(f"/api/v1/rounds/{game.id}/draws", headers=game.host).json == []
    assert game.client.get("/api/v1/draws/999999").status_code == 404


def test_draw_run_on_the_command_line(new_game: Callable[..., Game], app: Any) -> None:
    game, _ = finished_game(new_game)
    draw_id = create(game).json["id"]
    ran = CliRunner().invoke(cli, ["draw", "run", str(draw_id)], obj={"app": app})
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.output) == game.client.get(f"/api/v1/draws/{draw_id}").json
    again = CliRunner().invoke(cli, ["draw", "run", str(draw_id)], obj={"app": app})
    assert again.exit_code == 1
    assert "run already" in again.output


def test_verify_refuses_what_is_not_a_drawn_draw(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert CliRunner().invoke(cli, ["draw", "verify", str(garbage)]).exit_code == 1
    committed = tmp_path / "committed.json"
    committed.write_text(json.dumps({"seed": None}))
    result = CliRunner().invoke(cli, ["draw", "verify", str(committed)])
    assert result.exit_code == 1
    assert "no seed revealed" in result.output
