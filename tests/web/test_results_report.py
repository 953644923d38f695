"""What the console's results page reads from ``GET /rounds/{id}/results``: option
uptake with the choices' text, the key only once disclosed, histogram bins of the
unbanned points, and region names for the standings' codes."""

from __future__ import annotations

from typing import Any

from tests.web.live_helpers import KEYS, SINGLE, Clock, rules


def results(game) -> dict[str, Any]:
    response = game.http.get(f"/api/v1/rounds/{game.id}/results", headers=game.headers)
    assert response.status_code == 200, response.json
    return response.json


def test_uptake_bins_and_region_names_of_a_closed_question(live_round, clock: Clock) -> None:
    game = live_round(rules(KEYS, regions=["shenzhen", "foshan"]))
    players = []
    for nickname, region in (("amy", "shenzhen"), ("bo", "foshan"), ("cy", "shenzhen")):
        player, ack = game.player(nickname, region=region)
        assert ack["ok"], ack
        players.append(player)
    host = game.host()
    host.emit("start")
    clock.advance(2000)
    for player, response in zip(players, ("b", "a", "b"), strict=True):
        assert player.answer(SINGLE, response)["ok"]

    running = results(game)
    single = next(q for q in running["questions"] if q["key"] == SINGLE)
    assert single["answer"] is None  # still open: no key
    assert [c["key"] for c in single["choices"]] == ["a", "b", "c", "d"]
    assert all(c["text"]["zh-Hans"] for c in single["choices"])

    host.emit("close")
    report = results(game)
    single = next(q for q in report["questions"] if q["key"] == SINGLE)
    assert single["answer"] == ["b"]
    assert {k: (o["count"], round(o["share"], 3)) for k, o in single["options"].items()} == {
        "a": (1, 0.333),
        "b": (2, 0.667),
    }
    points = sorted(row["points"] for row in report["standings"])
    assert points[0] == 0
    assert points[-1] > 0
    bins = report["score_bins"]
    assert 1 < len(bins) <= 10
    assert sum(b["count"] for b in bins) == 3
    assert bins[0]["low"] == 0
    assert bins[0]["count"] == 1  # bo, wrong
    assert bins[-1]["low"] <= points[-1] <= bins[-1]["high"]
    width = bins[0]["high"] - bins[0]["low"] + 1
    assert str(width)[0] in "125"
    assert report["regions"] == {
        "foshan": {"zh-Hans": "佛山", "zh-Hant": "佛山", "en": "Foshan"},
        "shenzhen": {"zh-Hans": "深圳", "zh-Hant": "深圳", "en": "Shenzhen"},
    }


def test_banned_points_stay_out_of_the_bins(live_round, clock: Clock) -> None:
    game = live_round()
    alice, _ = game.players(2)
    host = game.host()
    host.emit("start")
    clock.advance(1000)
    assert alice.answer(SINGLE, "b")["ok"]
    host.emit("close")
    host.emit("kick", {"contestant": alice.contestant})
    report = results(game)
    banned = [row for row in report["standings"] if row["banned"]]
    assert [(row["rank"], row["points"] > 0) for row in banned] == [(None, True)]
    assert report["score_bins"] == [{"low": 0, "high": 0, "count": 1}]  # bob only
    assert report["regions"] == {}
