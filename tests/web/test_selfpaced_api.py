"""Self-paced rounds over HTTP: every path and every error, with values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from engine.adapters.sql.models import Base, ContestantRow
from engine.domain.drawing import draw_paper, option_order, shuffle_seed
from engine.domain.rounds import GRACE_MS
from engine.services.answering import RefusedCommand
from engine.services.competitions import finish_at
from tests.web.selfpaced_helpers import (
    CLOSES,
    FIXED,
    LIMIT_MS,
    OPENS,
    Window,
    bearer,
    random_rules,
    sp_rules,
)
from web.wiring import Wiring


def error(response: Any, status: int) -> str:
    assert response.status_code == status, response.json
    return response.json["error"]["code"]


# --- entries ---------------------------------------------------------------------------


def test_an_entry_returns_the_contestant_a_token_and_the_paper_seed(windows, clock) -> None:
    game = windows()
    response = game.enter("  Alice   Wong ", region="shenzhen")
    assert response.status_code == 201
    body = response.json
    assert (body["contestant"], body["nickname"], body["total"]) == ("1", "Alice Wong", 4)
    assert body["seed"] == shuffle_seed(game.plan.seed, "1")
    assert game.wired.contestant_tokens.verify(body["token"]) == {
        "round": game.id,
        "contestant": "1",
    }
    profile = game.wired.live.store.profile(game.id, "1")
    assert profile == {
        "nickname": "Alice Wong",
        "region": "shenzhen",
        "team": None,
        "joined_at": clock.now,
    }
    assert game.wired.leaderboard.standing(game.id, "1").points == 0


@pytest.mark.parametrize(
    ("at", "code"),
    [(OPENS - 1, "window_not_open"), (CLOSES, "window_closed"), (CLOSES + 60_000, "window_closed")],
)
def test_an_entry_outside_the_window_is_refused(windows, clock, at: int, code: str) -> None:
    game = windows()
    clock.now = at
    assert error(game.enter(), 409) == code
    assert game.wired.live.store.contestant_count(game.id) == 0


def test_an_entry_at_the_opening_millisecond_is_taken(windows, clock) -> None:
    game = windows()
    clock.now = OPENS
    assert game.enter().status_code == 201


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"nickname": "SuperAdmin"}, "nickname"),
        ({"nickname": "   "}, "nickname"),
        ({"nickname": "x" * 25}, "nickname"),
        ({"nickname": ""}, "nickname"),
        ({"region": "atlantis"}, "region"),
        ({"team": "red"}, "team"),
        ({"identity": ""}, "identity"),
        ({"identity": "x" * 129}, "identity"),
    ],
)
def test_an_entry_with_bad_fields_is_refused_naming_the_field(windows, extra, field) -> None:
    game = windows()
    response = game.http.post(
        f"/api/v1/rounds/{game.id}/entries", json={"nickname": "Alice", **extra}
    )
    assert error(response, 422) == "invalid"
    assert list(response.json["error"]["fields"]) == [field]
    assert game.wired.live.store.contestant_count(game.id) == 0


def test_a_known_team_and_region_are_kept(windows) -> None:
    game = windows(sp_rules(teams=["red"]))
    contestant, _ = game.entrant(region="foshan", team="red")
    assert game.wired.live.store.profile(game.id, contestant)["team"] == "red"
    assert game.wired.live.store.profile(game.id, contestant)["region"] == "foshan"


IDENTITY = "44010119900101123X"


def test_one_entry_per_identity_compared_trimmed_and_case_insensitively(windows) -> None:
    game = windows()
    first, _ = game.entrant("Alice", identity=IDENTITY)
    for again in (IDENTITY, f"  {IDENTITY.lower()} ", IDENTITY.lower()):
        response = game.enter("Someone", identity=again)
        assert error(response, 409) == "conflict"
        assert response.json["error"]["fields"] == {"identity": ["entered"]}
    second, _ = game.entrant("Bob", identity="44010119900101124X")
    third, _ = game.entrant("Alice")  # no identity: nicknames may repeat
    assert (first, second, third) == ("1", "2", "3")
    assert game.wired.live.store.contestant_count(game.id) == 3


def test_the_same_identity_may_enter_another_round(windows) -> None:
    first, second = windows(), windows()
    first.entrant(identity=IDENTITY)
    second.entrant(identity=IDENTITY)


def every_sql_value(wired: Wiring) -> str:
    with wired.database.session() as session:
        return "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in session.execute(table.select())
        )


def every_redis_value(wired: Wiring) -> str:
    client = wired.redis.client
    parts = []
    for key in client.scan_iter(match=f"{wired.settings.redis_prefix}:*"):
        kind = client.type(key).decode()
        if kind == "string":
            value: Any = client.get(key)
        elif kind == "hash":
            value = client.hgetall(key)
        elif kind == "set":
            value = client.smembers(key)
        elif kind == "zset":
            value = client.zrange(key, 0, -1, withscores=True)
        elif kind == "list":
            value = client.lrange(key, 0, -1)
        else:
            assert kind == "stream", kind
            value = client.xrange(key)
            value += list(client.xinfo_groups(key)) if value is not None else []
        parts.append(f"{key!r} {value!r}")
    return "\n".join(parts)


def test_an_identity_is_stored_only_as_a_keyed_hash(windows) -> None:
    game = windows()
    contestant, token = game.entrant("Alice", identity=f" {IDENTITY} ")
    delivery = game.next(token).json
    game.answer(token, delivery["question"]["key"], "b")
    redis_before_drain = every_redis_value(game.wired)
    assert game.wired.drainer.drain_all() == 2  # the entry and the answer
    stored = every_sql_value(game.wired)
    assert contestant in stored
    assert "Alice" in stored
    for text in (stored, redis_before_drain, every_redis_value(game.wired)):
        for form in (IDENTITY, IDENTITY.lower(), IDENTITY.casefold(), IDENTITY[:12]):
            assert form not in text
    with game.wired.database.session() as session:
        row = session.scalars(select(ContestantRow)).one()
    assert len(row.identity_hash) == 32
    assert row.identity_hash == game.wired.selfpaced.gate.keyed_hash(
        game.id, "identity", IDENTITY.casefold()
    )


def test_a_live_round_is_not_self_paced(windows, wired) -> None:
    competition_id = windows.competition(
        {"mode": "live", "draw": {"kind": "fixed", "keys": list(FIXED)}}
    )
    created = windows.http.post(
        f"/api/v1/competitions/{competition_id}/rounds", headers=windows.headers
    )
    round_id = created.json["id"]
    response = windows.http.post(f"/api/v1/rounds/{round_id}/entries", json={"nickname": "A"})
    assert error(response, 409) == "not_self_paced"
    token = wired.contestant_tokens.issue({"round": round_id, "contestant": "1"})
    paper = windows.http.get(f"/api/v1/rounds/{round_id}/paper/next", headers=bearer(token))
    assert error(paper, 409) == "not_self_paced"
    answer = windows.http.post(
        f"/api/v1/rounds/{round_id}/answers",
        json={"question": FIXED[0], "response": "b"},
        headers=bearer(token),
    )
    assert error(answer, 409) == "not_self_paced"


def test_an_unknown_round_is_not_found(windows, wired) -> None:
    game = windows()
    assert error(windows.http.post("/api/v1/rounds/9999/entries", json={"nickname": "A"}), 404)
    token = wired.contestant_tokens.issue({"round": 9999, "contestant": "1"})
    response = windows.http.get("/api/v1/rounds/9999/paper/next", headers=bearer(token))
    assert error(response, 404) == "not_found"
    assert game.enter().status_code == 201


def test_a_window_must_close_after_it_opens(windows) -> None:
    competition_id = windows.competition(sp_rules())
    for window in ({"opens_at": OPENS, "closes_at": OPENS}, {}):
        response = windows.http.post(
            f"/api/v1/competitions/{competition_id}/rounds", json=window, headers=windows.headers
        )
        assert error(response, 422) == "invalid"


# --- tokens ----------------------------------------------------------------------------


def test_the_paper_needs_this_rounds_contestant_token(windows, wired) -> None:
    game, other = windows(), windows()
    _, token = game.entrant()
    _, other_token = other.entrant()
    url = f"/api/v1/rounds/{game.id}/paper/next"
    assert error(game.http.get(url), 401)
    assert error(game.http.get(url, headers=bearer("not-a-token")), 401)
    assert error(game.http.get(url, headers=bearer(token + "x")), 401)
    assert error(game.http.get(url, headers=bearer(other_token)), 403) == "forbidden"
    organiser = game.headers  # an organiser token is not a contestant token
    assert error(game.http.get(url, headers=organiser), 401)
    answer = game.answer(other_token, FIXED[0], "b")
    assert error(answer, 403) == "forbidden"
    response = game.http.post(
        f"/api/v1/rounds/{game.id}/answers", json={"question": FIXED[0], "response": "b"}
    )
    assert error(response, 401)
    assert game.next(token).status_code == 200


def test_a_token_for_an_entry_that_does_not_exist_is_not_found(windows, wired) -> None:
    game = windows()
    token = wired.contestant_tokens.issue({"round": game.id, "contestant": "77"})
    assert error(game.next(token), 404) == "not_found"
    assert error(game.answer(token, FIXED[0], "b"), 404) == "not_found"


# --- the paper -------------------------------------------------------------------------


def test_asking_again_returns_the_same_question_and_deadline_never_a_new_one(
    windows, clock
) -> None:
    game = windows()
    _, token = game.entrant()
    first = game.next(token).json
    assert first["question"]["key"] == FIXED[0]
    assert (first["index"], first["total"], first["done"], first["missed"]) == (0, 4, False, [])
    assert first["deadline"] == clock.now + LIMIT_MS
    assert (first["remaining_ms"], first["server_time"]) == (LIMIT_MS, clock.now)
    for step in (1, 5_000, 14_000):
        clock.advance(step)
        again = game.next(token).json
        assert again["question"] == first["question"]
        assert again["deadline"] == first["deadline"]
        assert again["remaining_ms"] == first["deadline"] - clock.now
        assert again["remaining_ms"] < first["remaining_ms"]
    clock.advance(1000)  # past the deadline, inside the grace: still the same question
    again = game.next(token).json
    assert (again["question"]["key"], again["remaining_ms"]) == (FIXED[0], 0)


def test_a_delivered_question_carries_no_answer_key(windows) -> None:
    game = windows(sp_rules(("nd-0001", "nd-0031", "nd-0012")))  # with an explanation
    _, token = game.entrant()
    for key in ("nd-0001", "nd-0031", "nd-0012"):
        delivery = game.next(token).json
        question = delivery["question"]
        assert set(question) == {"key", "index", "total", "type", "prompt", "choices", "media"}
        assert all(set(choice) == {"key", "text"} for choice in question["choices"])
        assert "answer" not in json.dumps(delivery)
        assert "explanation" not in json.dumps(delivery)
        game.answer(token, key, game.right(key))


def test_the_whole_paper_then_done(windows, clock) -> None:
    game = windows()
    contestant, token = game.entrant()
    points = []
    for index, key in enumerate(FIXED):
        delivery = game.next(token).json
        assert (delivery["index"], delivery["question"]["key"]) == (index, key)
        clock.advance(1000)
        result = game.answer(token, key, game.right(key)).json["result"]
        assert result["correct"] is True
        assert result["index"] == index
        points.append(result["points"])
    done = game.next(token).json
    assert done == {
        "question": None,
        "index": 4,
        "total": 4,
        "deadline": None,
        "remaining_ms": 0,
        "missed": [],
        "server_time": clock.now,
        "done": True,
    }
    assert points == [1000] * 4
    assert game.wired.leaderboard.standing(game.id, contestant).points == 4000
    me = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard/me", headers=bearer(token))
    assert me.json["scopes"]["all"]["points"] == 4000


# --- the clock -------------------------------------------------------------------------


@pytest.fixture
def entered(windows) -> tuple[Window, str]:
    game = windows(sp_rules(scoring={"speed": "kahoot"}))
    contestant, _ = game.entrant()
    return game, contestant


def test_an_answer_after_deadline_and_grace_scores_zero_as_late(entered) -> None:
    game, contestant = entered
    selfpaced = game.wired.selfpaced
    delivery = selfpaced.next_question(game.id, contestant, OPENS)
    assert delivery.deadline == OPENS + LIMIT_MS
    body = selfpaced.answer(
        game.id, contestant, FIXED[0], game.right(FIXED[0]), OPENS + LIMIT_MS + GRACE_MS + 1
    )
    result = body["result"]
    assert (result["points"], result["correct"], result["late"], result["credit"]) == (
        0,
        False,
        True,
        0.0,
    )
    assert result["reason"] == "late"
    assert result["response_ms"] == LIMIT_MS
    assert game.wired.leaderboard.standing(game.id, contestant).points == 0
    # and the paper moved on
    assert selfpaced.next_question(game.id, contestant, OPENS + 30_000).index == 1


@pytest.mark.parametrize("after_ms", [LIMIT_MS, LIMIT_MS + 1, LIMIT_MS + GRACE_MS])
def test_an_answer_inside_the_grace_scores_at_the_slowest_speed(entered, after_ms) -> None:
    game, contestant = entered
    selfpaced = game.wired.selfpaced
    selfpaced.next_question(game.id, contestant, OPENS)
    body = selfpaced.answer(game.id, contestant, FIXED[0], game.right(FIXED[0]), OPENS + after_ms)
    result = body["result"]
    assert (result["late"], result["correct"], result["response_ms"]) == (False, True, LIMIT_MS)
    assert result.get("reason") is None
    assert result["points"] == 500  # kahoot: half the points at the very end of the time


def test_a_quick_answer_scores_more(entered) -> None:
    game, contestant = entered
    selfpaced = game.wired.selfpaced
    selfpaced.next_question(game.id, contestant, OPENS)
    result = selfpaced.answer(game.id, contestant, FIXED[0], game.right(FIXED[0]), OPENS)["result"]
    assert (result["points"], result["response_ms"]) == (1000, 0)


def test_an_expired_question_is_missed_and_the_next_delivery_moves_on(entered) -> None:
    game, contestant = entered
    selfpaced = game.wired.selfpaced
    selfpaced.next_question(game.id, contestant, OPENS)
    at = OPENS + LIMIT_MS + GRACE_MS + 1
    delivery = selfpaced.next_question(game.id, contestant, at)
    assert (delivery.index, delivery.missed, delivery.question["key"]) == (1, (0,), FIXED[1])
    assert delivery.deadline == at + LIMIT_MS
    again = selfpaced.next_question(game.id, contestant, at + 10)
    assert (again.index, again.missed, again.deadline) == (1, (), delivery.deadline)
    with pytest.raises(RefusedCommand) as refused:  # no going back
        selfpaced.answer(game.id, contestant, FIXED[0], game.right(FIXED[0]), at + 20)
    assert refused.value.code == "question_passed"
    assert game.wired.live.store.answer_of(game.id, 0, contestant) is None


def test_missing_every_question_ends_the_paper(entered) -> None:
    game, contestant = entered
    selfpaced = game.wired.selfpaced
    at = OPENS
    for index in range(4):
        delivery = selfpaced.next_question(game.id, contestant, at)
        assert delivery.index == index
        at = delivery.deadline + GRACE_MS + 1
    done = selfpaced.next_question(game.id, contestant, at)
    assert (done.question, done.index, done.missed) == (None, 4, (3,))


def test_answering_over_http_goes_neither_back_nor_ahead(windows, clock) -> None:
    game = windows()
    _, token = game.entrant()
    response = game.answer(token, FIXED[0], "b")
    assert error(response, 409) == "question_not_delivered"
    game.next(token)
    assert error(game.answer(token, FIXED[2], "a"), 409) == "question_not_delivered"
    assert error(game.answer(token, "nd-0099", "a"), 409) == "not_on_paper"
    clock.advance(LIMIT_MS + GRACE_MS + 1)
    assert game.next(token).json["missed"] == [0]
    assert error(game.answer(token, FIXED[0], "b"), 409) == "question_passed"


def test_a_malformed_answer_is_refused_and_changes_nothing(windows) -> None:
    game = windows()
    contestant, token = game.entrant()
    game.next(token)
    assert error(game.answer(token, FIXED[0], "z"), 422) == "invalid"
    assert error(game.answer(token, FIXED[0], 9), 422) == "invalid"
    response = game.http.post(
        f"/api/v1/rounds/{game.id}/answers", json={"question": FIXED[0]}, headers=bearer(token)
    )
    assert error(response, 422) == "invalid"
    assert game.wired.live.store.answer_of(game.id, 0, contestant) is None
    assert game.answer(token, FIXED[0], "b").json["result"]["correct"] is True


# --- replays ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "k-1"])
def test_a_replayed_answer_gets_the_first_result_and_no_second_score(windows, clock, key) -> None:
    game = windows()
    contestant, token = game.entrant()
    extra = {} if key is None else {"key": key}
    game.next(token)
    clock.advance(2000)
    first = game.answer(token, FIXED[0], "b", **extra).json
    assert (first["accepted"], first["duplicate"]) == (True, False)
    clock.advance(3000)
    for response in ("b", "a"):  # the same answer again, or a changed mind: the first stands
        again = game.answer(token, FIXED[0], response, **extra).json
        assert again["duplicate"] is True
        assert again["result"] == first["result"]
    game.next(token)  # moved on: the retry of an earlier answer still gets its result
    late_retry = game.answer(token, FIXED[0], "b", **extra).json
    assert (late_retry["duplicate"], late_retry["result"]) == (True, first["result"])
    assert game.wired.leaderboard.standing(game.id, contestant).points == first["result"]["points"]
    assert game.wired.drainer.drain_all() == 2  # the entry and one answer
    rows = game.wired.competitions.rounds.answers(game.id)
    assert [(r["contestant"], r["question_key"], r["points"]) for r in rows] == [
        (contestant, FIXED[0], first["result"]["points"])
    ]


# --- the answer key --------------------------------------------------------------------


def test_after_answer_the_key_comes_back_with_the_answer_only(windows) -> None:
    game = windows(sp_rules(("nd-0001", "nd-0006")))
    _, token = game.entrant()
    assert "answer" not in json.dumps(game.next(token).json)
    body = game.answer(token, "nd-0001", "a").json
    assert body["answer"] == ["b"]
    assert body["explanation"] == dict(game.question("nd-0001").explanation)
    assert body["result"]["correct"] is False
    second = game.next(token).json
    assert "answer" not in json.dumps(second)
    assert second["question"]["key"] == "nd-0006"
    body = game.answer(token, "nd-0006", ["a", "b", "c"]).json
    assert (body["answer"], body["explanation"]) == (["a", "b", "c"], None)


def test_after_close_the_key_stays_on_the_server_until_the_window_closed(windows, clock) -> None:
    game = windows(sp_rules(reveal_answers="after_close"))
    _, token = game.entrant()
    game.next(token)
    body = game.answer(token, FIXED[0], "a").json
    assert "answer" not in body
    assert "explanation" not in body
    assert "answer" not in game.answer(token, FIXED[0], "a").json
    clock.now = CLOSES - 1
    assert "answer" not in game.answer(token, FIXED[0], "a").json
    clock.now = CLOSES
    after = game.answer(token, FIXED[0], "a").json
    assert (after["duplicate"], after["answer"]) == (True, ["b"])
    assert after["explanation"] == dict(game.question(FIXED[0]).explanation)


# --- extra time ------------------------------------------------------------------------


def extra_time(game: Window, contestant: str, multiplier: Any, headers: dict[str, str]) -> Any:
    return game.http.post(
        f"/api/v1/rounds/{game.id}/entries/{contestant}/extra-time",
        json={"multiplier": multiplier},
        headers=headers,
    )


def test_a_host_grants_extra_time_and_the_next_deadline_is_that_much_further(
    windows, clock
) -> None:
    game = windows()
    contestant, token = game.entrant()
    _other, other_token = game.entrant("Bob")
    response = extra_time(game, contestant, 2, game.headers)
    assert response.status_code == 200
    assert response.json == {"contestant": contestant, "multiplier": 2.0, "by": "host-user"}
    delivery = game.next(token).json
    assert delivery["deadline"] - clock.now == 2 * LIMIT_MS
    assert delivery["remaining_ms"] == 2 * LIMIT_MS
    assert game.next(other_token).json["deadline"] - clock.now == LIMIT_MS
    clock.advance(LIMIT_MS + GRACE_MS + 1000)  # late for Bob, in time for Alice
    assert game.answer(token, FIXED[0], "b").json["result"]["late"] is False
    assert game.answer(other_token, FIXED[0], "b").json["result"]["late"] is True


def test_extra_time_does_not_stretch_a_question_already_running(windows, clock) -> None:
    game = windows()
    contestant, token = game.entrant()
    first = game.next(token).json
    assert extra_time(game, contestant, 3, game.headers).status_code == 200
    assert game.next(token).json["deadline"] == first["deadline"]
    game.answer(token, FIXED[0], "b")
    assert game.next(token).json["deadline"] - clock.now == 3 * LIMIT_MS


def test_only_organisers_grant_extra_time_within_1_to_3(windows, login) -> None:
    game = windows()
    contestant, token = game.entrant()
    assert error(extra_time(game, contestant, 2, bearer(token)), 401)
    assert error(extra_time(game, contestant, 2, {}), 401)
    assert error(extra_time(game, contestant, 2, login("author", "writer")), 403)
    for bad in (0.5, 4, 0, "lots"):
        response = extra_time(game, contestant, bad, game.headers)
        assert error(response, 422) == "invalid"
        assert list(response.json["error"]["fields"]) == ["multiplier"]
    assert error(extra_time(game, "99", 2, game.headers), 404) == "not_found"
    assert game.wired.selfpaced._attempt(game.id, contestant)[1].extra_time_multiplier == 1.0


# --- finishing -------------------------------------------------------------------------


def take_paper(game: Window, token: str, right: int) -> None:
    """Answer the first ``right`` questions right and the rest wrong."""
    for index, key in enumerate(FIXED[:3]):
        game.next(token)
        game.answer(token, key, game.right(key) if index < right else game.wrong(key))


def test_a_host_finishes_a_round_early_and_the_standings_go_to_sql(windows) -> None:
    game = windows()
    tokens = {name: game.entrant(name) for name in ("Ann", "Ben", "Cat", "Dan")}
    for right, name in enumerate(("Cat", "Ben", "Ann")):
        take_paper(game, tokens[name][1], right + 1)
    assert game.next(tokens["Dan"][1]).json["question"]["key"] == FIXED[0]
    response = game.http.post(f"/api/v1/rounds/{game.id}/finish", headers=game.headers)
    assert response.status_code == 200
    assert response.json["status"] == "finished"
    standings = game.wired.competitions.rounds.standings(game.id)
    assert [(s["nickname"], s["rank"], s["points"]) for s in standings] == [
        ("Ann", 1, 3000),
        ("Ben", 2, 2000),
        ("Cat", 3, 1000),
        ("Dan", 4, 0),
    ]
    again = game.http.post(f"/api/v1/rounds/{game.id}/finish", headers=game.headers)
    assert error(again, 409) == "already_finished"
    assert game.wired.live.store.windows_due(CLOSES + 1) == []  # the ticker lets it be
    # After the final standings nothing more enters, is delivered or scores ...
    assert error(game.enter("Eve"), 409) == "already_finished"
    assert error(game.next(tokens["Dan"][1]), 409) == "already_finished"
    assert error(game.answer(tokens["Dan"][1], FIXED[0], "b"), 409) == "already_finished"
    # ... but a replay still gets its first result.
    replay = game.answer(tokens["Ann"][1], FIXED[0], "a").json
    assert (replay["duplicate"], replay["result"]["points"]) == (True, 1000)
    assert game.wired.leaderboard.standing(game.id, tokens["Dan"][0]).points == 0


def test_only_a_host_finishes_early(windows) -> None:
    game = windows()
    _, token = game.entrant()
    response = game.http.post(f"/api/v1/rounds/{game.id}/finish", headers=bearer(token))
    assert error(response, 401)
    for command in ("start", "next", "close"):
        response = game.http.post(f"/api/v1/rounds/{game.id}/{command}", headers=game.headers)
        assert response.status_code in (404, 409), (command, response.json)


def test_the_ticker_finishes_a_round_once_its_window_closed(app, windows) -> None:
    game = windows()
    _, ann = game.entrant("Ann")
    _, ben = game.entrant("Ben")
    take_paper(game, ann, 2)
    take_paper(game, ben, 3)
    ticker = app.extensions["leitai.ticker"]
    # A question delivered at the last moment keeps its time: the round finishes only
    # once that can no longer be answered.
    finishes = finish_at(game.plan)
    assert finishes > CLOSES
    ticker.close_due(finishes - 1)
    assert game.wired.competitions.rounds.round(game.id)["status"] == "lobby"
    assert game.wired.competitions.rounds.standings(game.id) == []
    ticker.close_due(finishes)
    assert game.wired.competitions.rounds.round(game.id)["status"] == "finished"
    standings = game.wired.competitions.rounds.standings(game.id)
    assert [(s["nickname"], s["rank"], s["points"]) for s in standings] == [
        ("Ben", 1, 3000),
        ("Ann", 2, 2000),
    ]
    ticker.close_due(finishes + 200_000)  # nothing left to do
    assert game.wired.live.store.windows_due(finishes + 200_000) == []


def test_finishing_before_the_window_closed_is_refused_unless_early(windows) -> None:
    game = windows()
    with pytest.raises(RefusedCommand) as refused:
        game.wired.selfpaced.finish(game.id, CLOSES - 1)
    assert refused.value.code == "window_open"
    with pytest.raises(RefusedCommand):  # closed, but a last question may still be running
        game.wired.selfpaced.finish(game.id, CLOSES)
    assert game.wired.selfpaced.finish(game.id, finish_at(game.plan)) == 0
    assert game.wired.competitions.rounds.round(game.id)["status"] == "finished"


# --- personal papers -------------------------------------------------------------------


def test_personal_papers_differ_between_contestants_but_are_reproducible(windows) -> None:
    game = windows(random_rules(4))
    selfpaced = game.wired.selfpaced
    contestants = [game.entrant(f"P{n}")[0] for n in range(6)]
    papers = [selfpaced.paper(game.plan, c) for c in contestants]
    assert len({p.question_keys for p in papers}) > 1
    assert all(len(p.question_keys) == 4 == len(set(p.question_keys)) for p in papers)
    for contestant, paper in zip(contestants, papers, strict=True):
        again = selfpaced.paper(game.plan, contestant)
        assert (again.question_keys, again.option_orders) == (
            paper.question_keys,
            paper.option_orders,
        )
        reseeded = draw_paper(
            game.plan.rules.draw, game.plan.bank, round_seed=game.plan.seed, contestant=contestant
        )
        assert reseeded == paper


def test_a_delivery_shows_the_options_in_this_contestants_order(windows) -> None:
    game = windows(
        sp_rules(
            FIXED[:3], draw={"kind": "fixed", "keys": list(FIXED[:3]), "shuffle_options": True}
        )
    )
    orders = {}
    for name in ("P0", "P1", "P2", "P3", "P4"):
        contestant, token = game.entrant(name)
        shown = [c["key"] for c in game.next(token).json["question"]["choices"]]
        assert shown == list(
            game.wired.selfpaced.paper(game.plan, contestant).option_orders[FIXED[0]]
        )
        assert [c["key"] for c in game.next(token).json["question"]["choices"]] == shown
        seed = shuffle_seed(game.plan.seed, contestant)
        assert tuple(shown) == option_order(game.question(FIXED[0]), seed)
        orders[contestant] = tuple(shown)
    assert len(set(orders.values())) > 1


def test_shuffled_options_map_positions_back_to_keys(windows) -> None:
    game = windows(sp_rules(draw={"kind": "fixed", "keys": list(FIXED), "shuffle_options": True}))
    for name in ("P0", "P1", "P2"):
        _, token = game.entrant(name)
        shown = [c["key"] for c in game.next(token).json["question"]["choices"]]
        position = shown.index(game.right(FIXED[0]))
        body = game.answer(token, FIXED[0], position).json
        assert body["result"]["correct"] is True, (shown, position)
        shown = [c["key"] for c in game.next(token).json["question"]["choices"]]
        wrong = (shown.index(game.right(FIXED[1])) + 1) % len(shown)
        assert game.answer(token, FIXED[1], wrong).json["result"]["correct"] is False


def test_an_answered_question_never_stays_current(entered) -> None:
    """Recording the answer is what moves the paper on (the stored attempt catches up at
    the next delivery), so nothing in between can leave the answered question current
    or have it missed: a host's extra-time grant, a retry, its deadline passing."""
    game, contestant = entered
    selfpaced = game.wired.selfpaced
    selfpaced.next_question(game.id, contestant, OPENS)
    first = selfpaced.answer(game.id, contestant, FIXED[0], "b", OPENS + 1000)
    selfpaced.grant_extra_time(game.id, contestant, 2)
    again = selfpaced.answer(game.id, contestant, FIXED[0], "b", OPENS + 2000)
    assert (again["duplicate"], again["result"]) == (True, first["result"])
    at = OPENS + LIMIT_MS + GRACE_MS + 1  # question 0's time is up
    delivery = selfpaced.next_question(game.id, contestant, at)
    assert (delivery.index, delivery.question["key"], delivery.missed) == (1, FIXED[1], ())
    assert delivery.deadline == at + 2 * LIMIT_MS
    with pytest.raises(RefusedCommand) as refused:
        selfpaced.answer(game.id, contestant, FIXED[2], "a", at)
    assert refused.value.code == "question_not_delivered"


def test_a_delivery_and_an_answer_are_one_script_call_each(windows, round_trips) -> None:
    """Under load every Redis round trip is a socket write and read in the one gevent
    hub. The process remembers the attempt and progress its last request for the
    contestant left, and one script checks them (with the ban and the round's end) as it
    writes: a delivery is its clock's script, an answer the answer script (and one more
    call adding it to the competition's board, its own slot on a Redis Cluster; one per
    flight under load), a retry one read; a contestant the process does not know is read
    first."""
    game = windows()
    contestant, token = game.entrant()
    _, warm = game.entrant("Bob")  # loads the scripts
    game.next(warm)
    game.answer(warm, FIXED[0], "b")
    round_trips.clear()
    assert game.next(token).json["index"] == 0
    assert len(round_trips) == 1  # the clock's script
    round_trips.clear()
    assert game.next(token).json["index"] == 0
    assert len(round_trips) == 1
    round_trips.clear()
    assert game.answer(token, FIXED[0], "b").json["duplicate"] is False
    assert len(round_trips) == 2  # the answer script, the competition's call
    round_trips.clear()
    assert game.answer(token, FIXED[0], "b").json["duplicate"] is True
    assert len(round_trips) == 1
    game.wired.selfpaced._known.forget(game.id, contestant)  # as another process knows it
    round_trips.clear()
    assert game.next(token).json["index"] == 1
    assert len(round_trips) == 2  # the reading pipeline, the clock's script


def test_a_blank_identity_is_no_identity(windows) -> None:
    game = windows()
    first, _ = game.entrant("Ann", identity="   ")
    second, _ = game.entrant("Ben", identity=" \t ")
    assert (first, second) == ("1", "2")
    with game.wired.database.session() as session:
        game.wired.drainer.drain_all()
        assert session.scalars(select(ContestantRow.identity_hash)).all() in (
            [None, None],
            ["", ""],
        )


def test_a_question_delivered_at_the_last_moment_keeps_its_time_after_the_window(
    windows, clock, app
) -> None:
    game = windows()
    _, token = game.entrant("Last")
    clock.now = CLOSES - 1_000
    assert game.next(token).json["question"]["key"] == FIXED[0]
    clock.now = CLOSES + 15_000  # the window has closed; the question's 20 s have not
    app.extensions["leitai.ticker"].close_due(clock.now)
    answered = game.answer(token, FIXED[0], game.right(FIXED[0]))
    assert answered.status_code == 200, answered.json
    assert answered.json["result"]["late"] is False
    assert answered.json["result"]["points"] > 0
    clock.now = CLOSES + 16_000
    refused = game.next(token)  # but no new question after the window
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "window_closed"


# --- answer and advance ----------------------------------------------------------------


def test_answer_and_advance_returns_what_next_would_and_starts_its_clock(windows, clock) -> None:
    game = windows()
    _, token = game.entrant()
    game.next(token)
    clock.advance(2000)
    body = game.answer(token, FIXED[0], "b", advance=True).json
    assert (body["accepted"], body["duplicate"], body["result"]["points"]) == (True, False, 1000)
    ahead = body["next"]
    assert (ahead["index"], ahead["question"]["key"], ahead["done"]) == (1, FIXED[1], False)
    assert (ahead["deadline"], ahead["remaining_ms"]) == (clock.now + LIMIT_MS, LIMIT_MS)
    assert ahead == game.next(token).json  # its clock started with the answer, once
    assert "answer" not in json.dumps(ahead)


def test_a_retried_answer_and_advance_is_counted_once_and_restarts_no_clock(windows, clock) -> None:
    game = windows()
    contestant, token = game.entrant()
    game.next(token)
    first = game.answer(token, FIXED[0], "b", advance=True).json
    clock.advance(3000)
    again = game.answer(token, FIXED[0], "b", advance=True).json
    assert (again["duplicate"], again["result"]) == (True, first["result"])
    assert again["next"]["question"] == first["next"]["question"]
    assert again["next"]["deadline"] == first["next"]["deadline"]
    assert again["next"]["remaining_ms"] == LIMIT_MS - 3000
    assert game.wired.leaderboard.standing(game.id, contestant).points == 1000
    assert game.wired.drainer.drain_all() == 2  # the entry and one answer
    rows = game.wired.competitions.rounds.answers(game.id)
    assert [(r["question_key"], r["points"]) for r in rows] == [(FIXED[0], 1000)]


def test_answer_and_advance_through_the_paper_ends_done(windows) -> None:
    game = windows(sp_rules(("nd-0001", "nd-0002")))
    _, token = game.entrant()
    delivery = game.next(token).json
    keys = []
    while not delivery["done"]:
        keys.append(delivery["question"]["key"])
        delivery = game.answer(token, keys[-1], "b", advance=True).json["next"]
    assert keys == ["nd-0001", "nd-0002"]
    assert (delivery["index"], delivery["question"], delivery["done"]) == (2, None, True)
    assert delivery == game.next(token).json


def test_without_advance_an_answer_carries_no_next(windows) -> None:
    game = windows()
    _, token = game.entrant()
    game.next(token)
    assert "next" not in game.answer(token, FIXED[0], "b").json
    assert error(game.answer(token, FIXED[1], "b", advance="maybe"), 422) == "invalid"


def test_a_banned_contestants_remembered_token_is_refused(windows) -> None:
    """Verified tokens are remembered (web.tokens); a ban is read from Redis each time."""
    game = windows()
    contestant, token = game.entrant()
    game.next(token)
    banned = game.http.put(f"/api/v1/rounds/{game.id}/bans/{contestant}", headers=game.headers)
    assert banned.status_code == 200
    assert error(game.next(token), 409) == "banned"
    assert error(game.answer(token, FIXED[0], "b", advance=True), 409) == "banned"
    game.wired.drainer.drain_all()
    assert game.wired.competitions.rounds.answers(game.id) == []


def test_answer_and_advance_is_two_redis_round_trips(windows, round_trips) -> None:
    """The answer script records the answer and starts the next question's clock; the
    competition's board takes one more call."""
    game = windows()
    _, token = game.entrant()
    _, warm = game.entrant("Bob")  # loads the scripts
    game.next(warm)
    game.answer(warm, FIXED[0], "b", advance=True)
    game.next(token)
    round_trips.clear()
    assert game.answer(token, FIXED[0], "b", advance=True).json["next"]["index"] == 1
    assert len(round_trips) == 2


def test_api_requests_open_no_session(windows) -> None:
    game = windows()
    response = game.enter()
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
