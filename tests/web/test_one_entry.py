"""One person, one entry, as a hostile contestant tries it: look-alike identities and
nicknames, coming back after a kick under another name, and floods of entries."""

from __future__ import annotations

from typing import Any

import pytest

from engine.services.entrants import EntryLimits
from tests.web.live_helpers import RIGHT, SINGLE, Clock, Player, ack_error

pytestmark = pytest.mark.usefixtures("many_events")

IDENTITY = "440106199001011234"


def board(game: Any) -> list[str]:
    """The contestants on the public leaderboard."""
    response = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard?limit=100")
    assert response.status_code == 200, response.json
    return [row["contestant"] for row in response.json["top"]]


# --- look-alikes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "again",
    [
        "４４０１０６１９９００１０１１２３４",  # full-width digits
        "4401\u200b06199001011234",  # a zero-width space
        "\ufeff440106199001011234\u2060",
        " 440106 19900101 1234 ",
    ],
)
def test_a_look_alike_identity_does_not_enter_a_self_paced_round_twice(windows, again) -> None:
    game = windows()
    game.entrant("Alice", identity=IDENTITY)
    response = game.enter("Someone else", identity=again)
    assert response.status_code == 409, response.json
    assert response.json["error"]["fields"] == {"identity": ["entered"]}
    assert game.wired.live.store.contestant_count(game.id) == 1


def test_a_look_alike_identity_does_not_join_a_live_round_twice(live_round) -> None:
    game = live_round()
    _, ack = game.player("alice", identity=IDENTITY)
    assert ack["ok"], ack
    _, ack = game.player("somebody", identity="４４０１０６１９９００１０１１２３４")
    assert ack_error(ack) == "conflict"
    assert game.wired.live.store.contestant_count(game.id) == 1


@pytest.mark.parametrize(
    "look_alike",
    [
        "\u0430lice",  # Cyrillic а
        "ALICE",
        "ａｌｉｃｅ",  # full width
        "al\u200bice",  # a zero-width space
        "a l i c e",
    ],
)
def test_a_look_alike_nickname_is_taken(live_round, look_alike: str) -> None:
    game = live_round()
    _, ack = game.player("alice")
    assert ack["ok"], ack
    _, ack = game.player(look_alike)
    assert ack_error(ack) in ("conflict", "invalid")  # taken, or an invisible character
    assert game.wired.live.store.contestant_count(game.id) == 1


@pytest.mark.parametrize("nickname", ["\u200b", "\u200b\ufeff", "\u3164", " \u2060 "])
def test_a_nickname_of_nothing_visible_is_refused(live_round, nickname: str) -> None:
    game = live_round()
    _, ack = game.player(nickname)
    assert ack_error(ack) == "invalid"
    assert game.wired.live.store.contestant_count(game.id) == 0


def test_a_lone_surrogate_nickname_is_refused_at_decoding(live_round) -> None:
    game = live_round()
    _, ack = game.player("\ud800")
    assert ack_error(ack) == "invalid_unicode"
    assert game.wired.live.store.contestant_count(game.id) == 0


def test_the_shown_nickname_stays_as_typed(live_round) -> None:
    game = live_round()
    _, ack = game.player("Bob Smith")
    assert ack["contestant"]["nickname"] == "Bob Smith"


# --- a kick is a ban ---------------------------------------------------------------------


def test_a_kicked_contestant_is_told_and_cannot_come_back_under_another_name(
    live_round, clock: Clock
) -> None:
    game = live_round()
    alice, _ = game.player("alice", identity=IDENTITY)
    bob, _ = game.player("bob")
    host = game.host()
    host.emit("start")
    assert alice.answer(SINGLE, RIGHT[SINGLE])["accepted"]  # the right answer, 1000 points or so
    host.emit("close")
    assert alice.contestant in board(game)

    assert host.emit("kick", {"contestant": alice.contestant}) == {"ok": True}
    told = [p for p in alice.client.queue if p["name"] == "kicked"]
    assert told == [
        {
            "name": "kicked",
            "args": [{"round": game.id, "contestant": alice.contestant}],
            "namespace": "/play",
        }
    ]
    assert not alice.client.is_connected("/play")

    for attempt in (
        {"nickname": "alice2", "resume_token": alice.token},  # the same token
        {"nickname": "totally new", "identity": IDENTITY},  # the same identity
        {"nickname": "\u0430lice"},  # a look-alike of the banned nickname
    ):
        again = Player(game.socket("/play"))
        assert ack_error(again.join(game.code, **attempt)) == "banned", attempt
    assert game.wired.live.store.contestant_count(game.id) == 2

    clock.advance(1000)  # public boards are snapshots, rebuilt every 500 ms
    assert alice.contestant not in board(game)
    watched = game.watcher().emit("watch", {"code": game.watch_code})
    assert alice.contestant not in [e["contestant"] for e in watched["leaderboard"]["top"]]
    results = game.http.get(f"/api/v1/rounds/{game.id}/results", headers=game.headers).json
    banned = [row for row in results["standings"] if row["banned"]]
    assert [(row["contestant"], row["rank"]) for row in banned] == [(alice.contestant, None)]
    assert banned[0]["points"] > 0
    assert [row["contestant"] for row in results["standings"] if not row["banned"]] == [
        bob.contestant
    ]
    bans = game.http.get(f"/api/v1/rounds/{game.id}/bans", headers=game.headers).json
    assert [b["contestant"] for b in bans["bans"]] == [alice.contestant]


def test_a_lifted_ban_gives_back_the_entry_and_the_score(live_round, clock: Clock) -> None:
    game = live_round()
    alice, _ = game.player("alice")
    game.player("bob")
    host = game.host()
    host.emit("start")
    alice.answer(SINGLE, RIGHT[SINGLE])
    host.emit("close")
    before = game.http.get(f"/api/v1/rounds/{game.id}/leaderboard").json["top"]
    host.emit("kick", {"contestant": alice.contestant})
    clock.advance(1000)
    assert alice.contestant not in board(game)

    assert ack_error(host.emit("unban", {"contestant": "999"})) == "not_found"
    assert host.emit("unban", {"contestant": alice.contestant}) == {"ok": True}
    assert ack_error(host.emit("unban", {"contestant": alice.contestant})) == "not_found"
    clock.advance(1000)
    assert game.http.get(f"/api/v1/rounds/{game.id}/leaderboard").json["top"] == before
    back = Player(game.socket("/play"))
    ack = back.join(game.code, "alice", resume_token=alice.token)
    assert ack["ok"], ack
    assert ack["rejoined"]


def test_a_finished_round_keeps_the_banned_marked_in_its_final_standings(
    live_round, clock: Clock
) -> None:
    game = live_round()
    alice, bob = game.players(2)
    game.host().emit("kick", {"contestant": alice.contestant})
    game.command("finish")
    results = game.http.get(f"/api/v1/rounds/{game.id}/results", headers=game.headers).json
    assert results["standings_source"] == "final"
    assert [(r["contestant"], r["rank"], r["banned"]) for r in results["standings"]] == [
        (bob.contestant, 1, False),
        (alice.contestant, None, True),
    ]
    csv = game.http.get(f"/api/v1/rounds/{game.id}/results.csv", headers=game.headers)
    last = csv.data.decode("utf-8-sig").splitlines()[-1].split(",")
    assert (last[0], last[1], last[-1]) == ("", alice.contestant, "yes")


def test_bans_over_http_for_a_self_paced_round(windows, clock: Clock) -> None:
    game = windows()
    alice, token = game.entrant("Alice", identity=IDENTITY)
    game.entrant("Bob")
    path = f"/api/v1/rounds/{game.id}/bans/{alice}"
    assert game.http.put(path).status_code == 401
    assert (
        game.http.put(f"/api/v1/rounds/{game.id}/bans/999", headers=game.headers).status_code == 404
    )
    response = game.http.put(path, headers=game.headers)
    assert response.status_code == 200, response.json
    assert response.json == {"contestant": alice, "banned": True}

    assert game.next(token).json["error"]["code"] == "banned"
    assert game.answer(token, SINGLE, "b").json["error"]["code"] == "banned"
    refused = game.enter("Alice again", identity="４４０１０６１９９００１０１１２３４")
    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "banned"
    assert game.enter("\u0410lice").json["error"]["code"] == "banned"  # Cyrillic А
    clock.advance(1000)
    assert alice not in board(game)

    assert game.http.delete(path, headers=game.headers).status_code == 200
    assert game.http.delete(path, headers=game.headers).status_code == 404
    assert game.next(token).status_code == 200
    assert game.http.get(f"/api/v1/rounds/{game.id}/bans", headers=game.headers).json == {
        "bans": []
    }


# --- throttles ---------------------------------------------------------------------------


def test_a_flood_of_self_paced_entries_from_one_address_is_throttled(windows, wired) -> None:
    wired.selfpaced.gate.limits = EntryLimits()  # the defaults, on
    game = windows()
    statuses = [game.enter(f"sybil{n}").status_code for n in range(300)]
    assert statuses.count(201) == EntryLimits().per_client
    refused = game.enter("one more")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "throttled"
    retry_after = refused.json["error"]["fields"]["retry_after"]
    assert 1 <= retry_after <= EntryLimits().window_s
    assert refused.headers["Retry-After"] == str(retry_after)
    other = game.http.post(
        f"/api/v1/rounds/{game.id}/entries",
        json={"nickname": "elsewhere"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert other.status_code == 201  # another address is not held up


def test_a_flood_of_live_joins_from_one_address_is_throttled(live_round, wired) -> None:
    wired.live.gate.limits = EntryLimits(per_client=5)
    game = live_round()
    io = game.app.extensions["leitai.socketio"]
    phones = [  # Flask's test client gives them an address (127.0.0.1)
        Player(io.test_client(game.app, namespace="/play", flask_test_client=game.http))
        for _ in range(8)
    ]
    acks = [phone.join(game.code, f"p{n}") for n, phone in enumerate(phones)]
    assert [ack["ok"] for ack in acks] == [True] * 5 + [False] * 3
    assert acks[-1]["error"]["code"] == "throttled"
    assert acks[-1]["error"]["fields"]["retry_after"] >= 1
    assert game.wired.live.store.contestant_count(game.id) == 5


def test_a_round_has_a_ceiling_of_entries(windows, wired) -> None:
    wired.selfpaced.gate.limits = EntryLimits(per_client=0, per_round=3)
    game = windows()
    assert [game.enter(f"n{n}").status_code for n in range(5)] == [201] * 3 + [429] * 2
    assert windows().enter("another round").status_code == 201


def test_a_resume_is_not_an_entry(live_round, wired) -> None:
    wired.live.gate.limits = EntryLimits(per_client=1)
    game = live_round()
    alice, ack = game.player("alice")
    assert ack["ok"]
    again = Player(game.socket("/play"))
    assert again.join(game.code, "alice", resume_token=alice.token)["ok"]


def test_skipping_a_question_a_banned_contestant_answered_keeps_them_off_the_boards(
    live_round, clock: Clock
) -> None:
    game = live_round()
    alice, bob = game.players(2)
    host = game.host()
    host.emit("start")
    assert alice.answer(SINGLE, RIGHT[SINGLE])["accepted"]
    host.emit("kick", {"contestant": alice.contestant})
    assert host.emit("skip")["ok"]  # voids alice's answer while she is banned
    clock.advance(1000)
    assert board(game) == [bob.contestant]
    assert game.wired.bans.banned(game.id)[0]["points"] == 0  # the void took it back
    host.emit("unban", {"contestant": alice.contestant})
    live = game.wired.leaderboard.top(game.id, view="live")
    assert sorted((e.contestant, e.points) for e in live) == [
        (alice.contestant, 0),
        (bob.contestant, 0),
    ]


def test_a_rebuild_from_sql_keeps_the_banned_off_the_boards(live_round, clock: Clock) -> None:
    game = live_round()
    alice, bob = game.players(2)
    host = game.host()
    host.emit("start")
    alice.answer(SINGLE, RIGHT[SINGLE])
    host.emit("close")
    host.emit("kick", {"contestant": alice.contestant})
    game.wired.drainer.drain_all()
    rebuilt = game.wired.results.rebuild(game.id)
    assert rebuilt.contestants == 1
    live = game.wired.leaderboard.top(game.id, view="live")
    assert [e.contestant for e in live] == [bob.contestant]


def test_a_finished_round_takes_no_bans(live_round, clock: Clock) -> None:
    game = live_round()
    alice, _ = game.players(2)
    game.command("finish")
    path = f"/api/v1/rounds/{game.id}/bans/{alice.contestant}"
    for method in (game.http.put, game.http.delete):
        response = method(path, headers=game.headers)
        assert response.status_code == 409
        assert response.json["error"]["code"] == "already_finished"
