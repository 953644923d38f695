"""A host keeps hosting while SQL is away (issue 13): the commands that SQL mirrors
(start: the round is running; finish: its final standings) succeed on Redis, the live
record, and SQL gets its copy when it is back, in order."""

from __future__ import annotations

import pytest
import redis
import sqlalchemy.exc

from tests.web.live_helpers import RIGHT, SINGLE, Rounds


def database_away(*_args: object, **_kwargs: object) -> None:
    raise sqlalchemy.exc.OperationalError("UPDATE rounds", {}, Exception("connection refused"))


def test_start_and_finish_succeed_without_sql_and_sql_catches_up_in_order(
    live_round: Rounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = live_round()
    host = game.host()
    player, _ = game.player("alice")
    rounds, owed = game.wired.competitions.rounds, game.wired.owed_writes
    with monkeypatch.context() as away:
        away.setattr(rounds, "set_status", database_away)
        away.setattr(rounds, "save_standings", database_away)
        for name in ("start", "close", "reveal", "finish"):
            if name == "close":
                assert player.answer(SINGLE, RIGHT[SINGLE])["ok"]
            ack = host.emit(name)
            assert ack["ok"] is True, (name, ack)
        assert ack["state"]["status"] == "finished"
        assert len(owed) == 2
        owed.retry()  # still away: nothing is done, nothing is dropped
        assert len(owed) == 2
        assert rounds.round(game.id)["status"] == "lobby"
    owed.retry()
    assert len(owed) == 0
    assert rounds.round(game.id)["status"] == "finished"
    standings = rounds.standings(game.id)
    assert [(s["contestant"], s["points"] > 0) for s in standings] == [(player.contestant, True)]


def test_a_host_command_while_redis_is_away_gets_an_unavailable_ack(
    live_round: Rounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = live_round()
    host = game.host()

    def redis_away(*_args: object, **_kwargs: object) -> None:
        raise redis.ConnectionError("Redis is unreachable")

    monkeypatch.setattr(game.wired.live.store, "load", redis_away)
    ack = host.emit("start")
    assert (ack["ok"], ack["error"]["code"]) == (False, "unavailable")
    response = game.http.post(f"/api/v1/rounds/{game.id}/start", headers=game.headers)
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == "1"


def test_http_host_commands_answer_without_reading_sql(
    live_round: Rounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Authentication aside (cached by the accounts work), a command reads no SQL: its
    round view comes from the plan and the live state, and matches SQL's once caught up."""
    game = live_round()
    player, _ = game.player("alice")
    rounds = game.wired.competitions.rounds
    seen = {}
    for name in ("start", "close", "reveal", "finish"):
        with monkeypatch.context() as away:
            for method in ("round", "set_status", "save_standings"):
                away.setattr(rounds, method, database_away)
            seen[name] = game.command(name)
        game.wired.owed_writes.retry()
        assert {k: v for k, v in seen[name].items() if k not in ("state", "answers")} == {
            k: v
            for k, v in game.http.get(
                f"/api/v1/rounds/{game.id}", headers=game.headers
            ).json.items()
            if k not in ("state", "answers")
        }
    assert [seen[n]["status"] for n in seen] == ["running", "running", "running", "finished"]
    assert player.contestant is not None
