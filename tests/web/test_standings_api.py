"""Leaderboards, a contestant's own standing and results over HTTP: every path, every error."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.live_helpers import START, Clock, import_bank
from web.wiring import Wiring

KEYS = ["nd-0001", "nd-0002", "nd-0004"]  # single choice; answers b, c, a
RIGHT = {"nd-0001": "b", "nd-0002": "c", "nd-0004": "a"}
T0 = START  # the server clock's time when a test begins


class Game:
    """A live round set up over HTTP and played through the services at explicit times."""

    def __init__(
        self, app: Flask, client: FlaskClient, wired: Wiring, host: dict, **rules: Any
    ) -> None:
        self.app, self.client, self.wired, self.host = app, client, wired, host
        created = client.post(
            "/api/v1/competitions",
            json={
                "title": "国防知识竞赛",
                "bank": "national-defence",
                "bank_version": 1,
                "rules": {
                    "mode": "live",
                    "draw": {"kind": "fixed", "keys": KEYS},
                    "teams": ["red", "blue"],
                    **rules,
                },
            },
            headers=host,
        )
        assert created.status_code == 201, created.json
        opened = client.post(f"/api/v1/competitions/{created.json['id']}/rounds", headers=host)
        assert opened.status_code == 201, opened.json
        self.id, self.code = opened.json["id"], opened.json["code"]
        self.tokens: dict[str, str] = {}

    def join(self, nickname: str, region: str | None = None, team: str | None = None) -> str:
        """Join over /play, as a phone does; keep the token from the ack."""
        io_client = self.app.extensions["leitai.socketio"].test_client(self.app, namespace="/play")
        ack = io_client.emit(
            "join",
            {"code": self.code, "nickname": nickname, "region": region, "team": team},
            namespace="/play",
            callback=True,
        )
        assert ack["ok"], ack
        self.tokens[ack["contestant"]["id"]] = ack["token"]
        return ack["contestant"]["id"]

    def bearer(self, contestant: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[contestant]}"}

    def command(self, name: str, at: int) -> None:
        self.wired.live.command(self.id, name, at)

    def answer(self, contestant: str, right: bool, at: int) -> None:
        state = self.wired.live.state(self.id)
        key = KEYS[state.index]
        self.wired.live.answer(self.id, contestant, key, RIGHT[key] if right else "d", at)

    def board(self, query: str = "", headers: dict | None = None) -> Any:
        return self.client.get(f"/api/v1/rounds/{self.id}/leaderboard{query}", headers=headers)

    def me(self, contestant: str, query: str = "") -> Any:
        return self.client.get(
            f"/api/v1/rounds/{self.id}/leaderboard/me{query}", headers=self.bearer(contestant)
        )


@pytest.fixture
def new_game(
    app: Flask, client: FlaskClient, wired: Wiring, login: Callable[[str], dict[str, str]]
) -> Callable[..., Game]:
    import_bank(wired)
    host = login("host")
    return lambda **rules: Game(app, client, wired, host, **rules)


def ranks(body: dict[str, Any]) -> list[tuple[str, int, int]]:
    return [(e["nickname"], e["rank"], e["points"]) for e in body["top"]]


def error_fields(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.json
    return response.json["error"]["fields"]


# --- GET /rounds/{id}/leaderboard ---------------------------------------------------------


def test_the_public_first_page_is_a_snapshot_with_an_etag_and_304s(
    new_game: Callable[..., Game], clock: Clock
) -> None:
    game = new_game()
    ann, ben = game.join("Ann", "foshan", "red"), game.join("Ben", "foshan")
    game.command("start", T0)
    game.answer(ann, True, T0 + 1000)
    game.command("close", T0 + 30_000)

    first = game.board()
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    assert first.json == {
        "round": game.id,
        "scope": "all",
        "view": "public",
        "offset": 0,
        "limit": 10,
        "count": 2,
        "frozen": False,
        "frozen_at": None,
        "version": 1,
        "top": [
            {
                "contestant": ann,
                "rank": 1,
                "points": 1000,
                "total_ms": 1000,
                "nickname": "Ann",
                "region": "foshan",
                "team": "red",
            },
            {
                "contestant": ben,
                "rank": 2,
                "points": 0,
                "total_ms": 0,
                "nickname": "Ben",
                "region": "foshan",
                "team": None,
            },
        ],
    }

    unchanged = game.board(headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    assert unchanged.headers["Cache-Control"] == "no-cache"

    game.command("next", T0 + 60_000)
    game.answer(ben, True, T0 + 60_500)
    game.command("close", T0 + 90_000)
    cached = game.board(headers={"If-None-Match": etag})
    assert cached.status_code == 304  # within 500 ms the snapshot is not rebuilt
    clock.now += 500
    changed = game.board(headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.json["version"] == 2
    assert ranks(changed.json) == [("Ben", 1, 1000), ("Ann", 2, 1000)]  # Ben was quicker

    shorter = game.board("?limit=1")
    assert ranks(shorter.json) == [("Ben", 1, 1000)]
    assert shorter.headers["ETag"] != changed.headers["ETag"]  # another representation


def test_deeper_pages_and_scopes_read_the_board_directly(new_game: Callable[..., Game]) -> None:
    game = new_game()
    people = [
        game.join(f"P{i}", "foshan" if i % 2 else "zhuhai", "red" if i < 3 else None)
        for i in range(5)
    ]
    game.command("start", T0)
    for i, contestant in enumerate(people):
        game.answer(contestant, True, T0 + 1000 * (i + 1))
    game.command("close", T0 + 30_000)

    page = game.board("?offset=2&limit=2")
    assert page.status_code == 200
    assert "ETag" not in page.headers
    assert page.json["count"] == 5
    assert page.json["version"] is None
    assert ranks(page.json) == [("P2", 3, 1000), ("P3", 4, 1000)]
    assert ranks(game.board("?limit=101").json)[4] == ("P4", 5, 1000)

    region = game.board("?scope=region:foshan").json
    assert (region["scope"], region["count"]) == ("region:foshan", 2)
    assert ranks(region) == [("P1", 1, 1000), ("P3", 2, 1000)]
    team = game.board("?scope=team:red&_=123").json  # a cache-buster is ignored
    assert ranks(team) == [("P0", 1, 1000), ("P1", 2, 1000), ("P2", 3, 1000)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?scope=everyone", "scope"),
        ("?scope=region:Foshan!", "scope"),
        ("?scope=region:atlantis", "scope"),  # well formed, not a region of the competition
        ("?scope=team:green", "scope"),
        ("?offset=-1", "offset"),
        ("?offset=x", "offset"),
        ("?offset=100001", "offset"),
        ("?limit=0", "limit"),
        ("?limit=1001", "limit"),
    ],
)
def test_a_bad_scope_offset_or_limit_is_422_naming_the_field(
    new_game: Callable[..., Game], query: str, field: str
) -> None:
    assert list(error_fields(new_game().board(query))) == [field]


def test_an_unknown_round_is_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/rounds/999999/leaderboard")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_tokens_decide_the_view_and_bad_ones_are_refused(
    new_game: Callable[..., Game], login: Callable[..., dict[str, str]]
) -> None:
    game = new_game()
    ann = game.join("Ann")
    assert game.board(headers=game.host).json["view"] == "live"
    assert game.board(headers=login("admin")).json["view"] == "live"
    assert game.board(headers=game.bearer(ann)).json["view"] == "public"
    assert game.board(headers=login("author")).status_code == 403
    bad = game.board(headers={"Authorization": "Bearer forged"})
    assert (bad.status_code, bad.json["error"]["code"]) == (401, "token_invalid")
    assert game.board(headers={"Authorization": "Basic abc"}).status_code == 401
    live = game.board(headers=game.host)
    assert live.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in live.headers


# --- the freeze -------------------------------------------------------------------------


def test_the_public_board_freezes_as_the_freeze_question_opens_and_thaws_at_finish(
    new_game: Callable[..., Game], clock: Clock
) -> None:
    game = new_game(freeze_at_question=2)
    ann, ben = game.join("Ann", "foshan"), game.join("Ben", "foshan")
    game.command("start", T0)
    game.answer(ann, True, T0 + 1000)
    game.command("close", T0 + 30_000)
    game.command("next", T0 + 60_000)  # question 2 opens: the public board freezes
    game.answer(ben, True, T0 + 61_000)
    game.command("close", T0 + 90_000)
    game.command("next", T0 + 120_000)
    game.answer(ben, True, T0 + 121_000)
    clock.now += 1000

    public = game.board().json
    assert (public["frozen"], public["frozen_at"]) == (True, T0 + 60_000)
    assert ranks(public) == [("Ann", 1, 1000), ("Ben", 2, 0)]
    assert ranks(game.board("?offset=1&limit=1").json) == [("Ben", 2, 0)]
    assert ranks(game.board("?scope=region:foshan").json) == [("Ann", 1, 1000), ("Ben", 2, 0)]
    live = game.board(headers=game.host).json
    assert (live["view"], live["frozen"]) == ("live", True)
    assert ranks(live) == [("Ben", 1, 2000), ("Ann", 2, 1000)]

    mine = game.me(ben).json  # as the board froze, as the socket's me says
    assert (mine["frozen"], mine["around"]) == (True, 2)
    standing = mine["scopes"]["all"]
    assert (standing["rank"], standing["points"], standing["below"]) == (2, 0, [])
    assert [(e["nickname"], e["points"]) for e in standing["above"]] == [("Ann", 1000)]

    game.command("finish", T0 + 150_000)
    clock.now += 1000
    thawed = game.board().json
    assert thawed["frozen"] is False
    assert ranks(thawed) == ranks(game.board(headers=game.host).json)
    assert ranks(thawed) == [("Ben", 1, 2000), ("Ann", 2, 1000)]


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ({"freeze_at_question": 0}, "a question number from 1 to 3"),
        ({"freeze_at_question": 4}, "a question number from 1 to 3"),
        ({"freeze_at_question": "2"}, "a question number from 1 to 3"),
        ({"freeze_at_question": True}, "a question number from 1 to 3"),
        ({"freeze_at_question": 1, "mode": "self_paced"}, "self-paced rounds have no live board"),
    ],
)
def test_a_bad_freeze_rule_is_422_naming_it(
    client: FlaskClient,
    wired: Wiring,
    login: Callable[[str], dict[str, str]],
    rules: dict[str, Any],
    problem: str,
) -> None:
    import_bank(wired)
    response = client.post(
        "/api/v1/competitions",
        json={
            "title": "t",
            "bank": "national-defence",
            "bank_version": 1,
            "rules": {"mode": "live", "draw": {"kind": "fixed", "keys": KEYS}, **rules},
        },
        headers=login("host"),
    )
    assert error_fields(response) == {"freeze_at_question": [problem]}


# --- GET /rounds/{id}/leaderboard/me --------------------------------------------------------


def test_me_gives_rank_points_percentile_and_neighbours_on_each_of_my_boards(
    new_game: Callable[..., Game],
) -> None:
    game = new_game()
    people = [game.join(f"P{i}", "foshan" if i < 4 else None, "blue") for i in range(6)]
    game.command("start", T0)
    for i, contestant in enumerate(people):
        game.answer(contestant, i < 5, T0 + 1000 * (i + 1))  # P5 answers wrong
    game.command("close", T0 + 30_000)

    response = game.me(people[2])
    assert response.status_code == 200
    body = response.json
    assert (body["round"], body["contestant"], body["nickname"]) == (game.id, people[2], "P2")
    assert (body["frozen"], body["around"]) == (False, 2)
    assert sorted(body["scopes"]) == ["all", "region:foshan", "team:blue"]
    everyone = body["scopes"]["all"]
    assert {k: everyone[k] for k in ("rank", "points", "total_ms", "count")} == {
        "rank": 3,
        "points": 1000,
        "total_ms": 3000,
        "count": 6,
    }
    assert everyone["percentile"] == pytest.approx(50.0)  # 3 of 6 behind
    assert [(e["nickname"], e["rank"]) for e in everyone["above"]] == [("P0", 1), ("P1", 2)]
    assert [(e["nickname"], e["rank"]) for e in everyone["below"]] == [("P3", 4), ("P4", 5)]
    region = body["scopes"]["region:foshan"]
    assert (region["rank"], region["count"]) == (3, 4)
    assert [e["nickname"] for e in region["below"]] == ["P3"]

    one = game.me(people[5], "?around=1").json["scopes"]["all"]
    assert (one["rank"], one["points"], one["percentile"]) == (6, 0, 0.0)
    assert [e["nickname"] for e in one["above"]] == ["P4"]
    assert one["below"] == []
    assert "region:foshan" not in game.me(people[5]).json["scopes"]


def test_me_refuses_no_token_a_bad_one_and_another_rounds(
    new_game: Callable[..., Game],
) -> None:
    first, second = new_game(), new_game()
    ann = first.join("Ann")
    second.join("Ben")
    url = f"/api/v1/rounds/{second.id}/leaderboard/me"

    none = first.client.get(url)
    assert (none.status_code, none.json["error"]["code"]) == (401, "token_missing")
    forged = first.client.get(url, headers={"Authorization": "Bearer forged"})
    assert (forged.status_code, forged.json["error"]["code"]) == (401, "token_invalid")
    host = first.client.get(url, headers=first.host)  # an organiser is not a contestant
    assert host.status_code == 401
    other = first.client.get(url, headers=first.bearer(ann))
    assert (other.status_code, other.json["error"]["code"]) == (403, "forbidden")
    assert list(error_fields(first.me(ann, "?around=51"))) == ["around"]
    assert list(error_fields(first.me(ann, "?around=-1"))) == ["around"]


# --- results ----------------------------------------------------------------------------


def test_results_give_standings_and_statistics_to_hosts(
    new_game: Callable[..., Game], login: Callable[..., dict[str, str]]
) -> None:
    game = new_game()
    url = f"/api/v1/rounds/{game.id}/results"
    lobby = game.client.get(url, headers=game.host)
    assert (lobby.status_code, lobby.json["error"]["code"]) == (409, "conflict")
    ann, ben = game.join("阿明", "guangzhou", "red"), game.join("Ben")
    game.command("start", T0)
    game.answer(ann, True, T0 + 1000)
    game.answer(ben, False, T0 + 2000)
    game.command("finish", T0 + 10_000)

    response = game.client.get(url, headers=game.host)  # drains the answer log itself
    assert response.status_code == 200
    body = response.json
    assert body["round"]["status"] == "finished"
    assert body["standings_source"] == "final"
    assert [(s["nickname"], s["rank"], s["points"]) for s in body["standings"]] == [
        ("阿明", 1, 1000),
        ("Ben", 2, 0),
    ]
    assert body["statistics"]["n_takers"] == 2
    first = body["questions"][0]
    assert (first["key"], first["answers"], first["correct"], first["p_value"]) == (
        "nd-0001",
        2,
        1,
        0.5,
    )
    assert first["mean_response_ms"] == 1500
    assert first["options"]["b"] == {"count": 1, "share": 0.5, "upper": 1.0, "lower": 0.0}
    assert [q["asked"] for q in body["questions"]] == [True, False, False]

    assert game.client.get(url).status_code == 401
    assert game.client.get(url, headers=login("author")).status_code == 403
    missing = game.client.get("/api/v1/rounds/999999/results", headers=game.host)
    assert missing.status_code == 404


def test_results_csv_is_utf8_with_a_bom_for_excel(
    new_game: Callable[..., Game], login: Callable[..., dict[str, str]]
) -> None:
    game = new_game()
    ann, ben = game.join("阿明", "guangzhou", "red"), game.join("@sum(1)")
    game.command("start", T0)
    game.answer(ben, True, T0 + 1500)

    url = f"/api/v1/rounds/{game.id}/results.csv"
    response = game.client.get(url, headers=game.host)  # a running round: the live board
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="round-{game.id}-standings.csv"'
    )
    assert response.data.startswith(b"\xef\xbb\xbfrank,contestant,nickname,")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows == [
        ["rank", "contestant", "nickname", "region", "team", "points", "total_ms", "banned"],
        ["1", ben, "'@sum(1)", "", "", "1000", "1500", ""],  # never a formula in Excel
        ["2", ann, "阿明", "guangzhou", "red", "0", "0", ""],
    ]
    assert game.client.get(url).status_code == 401
    assert game.client.get(url, headers=login("author")).status_code == 403
    assert (
        game.client.get("/api/v1/rounds/999999/results.csv", headers=game.host).status_code == 404
    )


def test_the_openapi_document_lists_the_new_paths(client: FlaskClient) -> None:
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/rounds/{round_id}/leaderboard",
        "/api/v1/rounds/{round_id}/leaderboard/me",
        "/api/v1/rounds/{round_id}/results",
        "/api/v1/rounds/{round_id}/results.csv",
    ):
        assert "get" in paths[path], path
