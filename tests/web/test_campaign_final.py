"""A campaign end to end (issue 15): two units take a self-paced first stage, are
ranked by participation, the top two of each qualify, and the live final over /play
admits exactly those four (docs/campaigns.md, "A live round of a stage"); rounds in no
campaign are joined as before; ``leitai campaign advance`` reviews and confirms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from tests.web.campaign_helpers import (
    LIVE,
    SELF_PACED,
    TWO_UNITS,
    add_heat,
    attempt,
    new_campaign,
    selfpaced_round,
    upload,
)
from tests.web.live_helpers import SINGLE, Clock, Player, Round, ack_error
from web.cli import cli
from web.wiring import Wiring

Headers = dict[str, str]
#: Unit A counts 100 people and B 50: 30 participants each make rates of 30 % and 60 %.
UNITS = "单位名称,所属地区,应参与人数\n甲单位,广州市,100\n乙单位,深圳市,50\n".encode()
PER_UNIT = 30
ANSWERING = 3  # per unit: the rest start their attempt and answer nothing


@pytest.fixture
def host(login: Callable[..., Headers]) -> Headers:
    return login("host", "owner")


def live_final(app: Flask, client: FlaskClient, wired: Wiring, host: Headers) -> Round:
    """A live round in its lobby, in a competition of the campaign's owner."""
    round_id = selfpaced_round(wired, "owner", LIVE)
    plan = wired.competitions.plan(round_id)
    return Round(
        app, client, wired, plan.competition_id, round_id, plan.code, plan.watch_code, host
    )


def join(game: Round, **payload: Any) -> tuple[Player, dict[str, Any]]:
    """A /play connection that tried to join ``game`` with ``payload``, and its ack."""
    player = Player(game.socket("/play"))
    ack = player.emit("join", {"code": game.code, **payload})
    if ack["ok"]:
        player.contestant, player.token = ack["contestant"]["id"], ack["token"]
    return player, ack


def register(client: FlaskClient, url: str, nickname: str, unit: str | None = None) -> Any:
    form = {"nickname": nickname} | ({"unit": unit} if unit else {})
    made = client.post(f"{url}/registrations", json=form)
    assert made.status_code == 201, made.json
    return made.json


def qualifier_of_another_campaign(client: FlaskClient, wired: Wiring, host: Headers) -> str:
    """The registration token of a confirmed qualifier of a campaign of its own."""
    url = f"/api/v1/campaigns/{new_campaign(client, host, registration=UNIT_ASKED)['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat = add_heat(
        client, wired, url, host, attempt_rule={"kind": "one"}, advancement={"per": "unit", "k": 1}
    )
    token = register(client, url, "elsewhere", "甲单位")["token"]
    assert attempt(client, url, token, heat).status_code == 201
    assert client.post(f"/api/v1/rounds/{heat}/finish", headers=host).status_code == 200
    confirmed = client.post(f"{url}/stages/1/qualifiers", json={}, headers=host)
    assert len(confirmed.json["confirmed"]) == 1, confirmed.json
    return token


UNIT_ASKED = {"fields": {"unit": "required"}}


def test_a_two_stage_campaign_ends_in_a_live_final_of_its_qualifiers_only(
    app: Flask, client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, registration=UNIT_ASKED)
    url = f"/api/v1/campaigns/{made['id']}"
    assert upload(client, f"{url}/units", host, UNITS, "units.csv").status_code == 200
    heat = selfpaced_round(wired, "owner")
    final = live_final(app, client, wired, host)
    heats = {
        "title": "初赛",
        "rounds": [heat],
        "attempt_rule": {"kind": "one"},
        "advancement": {"per": "unit", "k": 2},
        "max_points": 1000,
    }
    finals = {"title": "决赛", "rounds": [final.id], "attempt_rule": {"kind": "one"}}
    for stage in (heats, finals):
        added = client.post(f"{url}/stages", json=stage, headers=host)
        assert added.status_code == 201, added.json

    # Stage 1: 30 of each unit take their one attempt; three of each answer, the
    # earlier the faster, so the first two of each unit are its qualifiers.
    tokens: dict[str, str] = {}
    ids: dict[str, int] = {}
    for n in range(PER_UNIT):
        for prefix, unit in (("a", "甲单位"), ("b", "乙单位")):
            nickname = f"{prefix}{n}"
            made_one = register(client, url, nickname, unit)
            tokens[nickname], ids[nickname] = made_one["token"], made_one["id"]
            entered = attempt(client, url, tokens[nickname], heat)
            assert entered.status_code == 201, entered.json
            if n < ANSWERING:
                bearer = {"Authorization": f"Bearer {entered.json['token']}"}
                paper = client.get(f"/api/v1/rounds/{heat}/paper/next", headers=bearer).json
                clock.advance(1000 * (n + 1))
                answered = client.post(
                    f"/api/v1/rounds/{heat}/answers",
                    json={"question": paper["question"]["key"], "response": "b"},
                    headers=bearer,
                )
                assert answered.status_code == 200, answered.json

    by_unit = client.get(f"{url}/participation?by=unit", headers=host).json
    assert {r["name"]: (r["participants"], r["headcount"], r["rate"]) for r in by_unit["rows"]} == {
        "甲单位": (30, 100, 0.3),
        "乙单位": (30, 50, 0.6),
    }
    ranked = client.get(f"{url}/rankings", headers=host)
    assert ranked.status_code == 200, ranked.json
    assert [(r["name"], r["rank"]) for r in ranked.json["rows"]] == [("乙单位", 1), ("甲单位", 2)]

    # The cut: reviewed, then confirmed once the heat has finished.
    review = client.get(f"{url}/stages/2/qualifiers", headers=host)
    assert review.status_code == 409  # the final advances no one
    review = client.get(f"{url}/stages/1/qualifiers", headers=host).json
    assert sorted(
        (q["nickname"], q["group_name"], q["tied_at_cut"]) for q in review["qualifiers"]
    ) == [
        ("a0", "甲单位", False),
        ("a1", "甲单位", False),
        ("b0", "乙单位", False),
        ("b1", "乙单位", False),
    ]
    assert client.post(f"/api/v1/rounds/{heat}/finish", headers=host).status_code == 200
    confirmed = client.post(f"{url}/stages/1/qualifiers", json={}, headers=host)
    assert confirmed.status_code == 200, confirmed.json
    qualifiers = ("a0", "a1", "b0", "b1")
    assert confirmed.json["confirmed"] == sorted(ids[q] for q in qualifiers)

    # The live final: everyone else is refused, whatever they send.
    elsewhere = qualifier_of_another_campaign(client, wired, host)
    for refused in (
        {"registration": tokens["a2"]},  # registered and took part, not a qualifier
        {"registration": tokens["b29"], "nickname": "b0"},
        {"nickname": "stranger"},  # no registration at all
        {"nickname": "stranger", "registration": "made-up-token"},
        {"registration": elsewhere},  # a qualifier, of another campaign
    ):
        _, ack = join(final, **refused)
        assert ack_error(ack) == "not_qualified", refused
        assert "qualifiers of stage 1" in ack["error"]["message"]
    assert wired.live.store.contestant_count(final.id) == 0

    players = {}
    for nickname in qualifiers:
        player, ack = join(final, registration=tokens[nickname], nickname="ignored")
        assert ack["ok"] is True, ack
        unit = "甲单位" if nickname.startswith("a") else "乙单位"
        region = "guangzhou" if nickname.startswith("a") else "shenzhen"
        assert ack["contestant"]["nickname"] == nickname  # the registration's
        assert (ack["contestant"]["region"], ack["contestant"]["team"]) == (region, None)
        assert ack["registration"] == {"id": ids[nickname], "unit": unit}
        assert ack["rejoined"] is False
        players[nickname] = player
    assert wired.live.store.contestant_count(final.id) == 4

    # Coming back: with the resume token, or with the registration again (a new phone),
    # is the same entry, never a second one.
    _, again = join(final, nickname="a0", resume_token=players["a0"].token)
    assert (again["ok"], again["rejoined"]) == (True, True)
    assert again["contestant"]["id"] == players["a0"].contestant
    _, again = join(final, registration=tokens["a0"])
    assert (again["ok"], again["rejoined"]) == (True, True)
    assert again["contestant"]["id"] == players["a0"].contestant
    assert wired.live.store.contestant_count(final.id) == 4

    # The final is played as any live round, and its entries count as stage 2's.
    final.command("start")
    assert players["b1"].answer(SINGLE, "b")["accepted"] is True
    final.command("close")
    final.command("finish")
    stage2 = client.get(f"{url}/participation?by=unit&stage=2", headers=host).json
    assert {r["name"]: r["participants"] for r in stage2["rows"]} == {"甲单位": 2, "乙单位": 2}


def test_a_first_stage_live_round_admits_any_registration(
    app: Flask, client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    game = live_final(app, client, wired, host)
    _, before = join(game, nickname="early")  # before the round is in a stage: open
    assert before["ok"] is True, before
    stage = {"title": "现场赛", "rounds": [game.id], "attempt_rule": {"kind": "one"}}
    assert client.post(f"{url}/stages", json=stage, headers=host).status_code == 201
    _, ack = join(game, nickname="stranger")
    assert ack_error(ack) == "not_registered"
    _, ack = join(game, nickname="stranger", registration="made-up-token")
    assert ack_error(ack) == "not_registered"
    registered = register(client, url, "小明")
    player, ack = join(game, registration=registered["token"])
    assert ack["ok"] is True, ack
    assert ack["contestant"]["nickname"] == "小明"
    assert ack["registration"] == {"id": registered["id"], "unit": None}
    # Two registrations may share a nickname: each is its own entry.
    twin = register(client, url, "小明")
    _, ack = join(game, registration=twin["token"])
    assert ack["ok"] is True, ack
    assert ack["contestant"]["id"] != player.contestant


def test_a_round_in_no_campaign_is_joined_as_before_without_reading_sql_per_join(
    app: Flask,
    client: FlaskClient,
    wired: Wiring,
    host: Headers,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    new_campaign(client, host)  # a campaign exists; this round is in none of its stages
    game = live_final(app, client, wired, host)
    _, ack = join(game, nickname="alice", region="shenzhen")
    assert ack["ok"] is True, ack
    assert "registration" not in ack
    assert ack["contestant"]["nickname"] == "alice"

    def away(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a join of a round in no campaign read SQL")

    monkeypatch.setattr(wired.database, "session", away)
    _, ack = join(game, nickname="bob", registration="anything")  # ignored here
    assert ack["ok"] is True, ack
    assert (ack["contestant"]["nickname"], "registration" in ack) == ("bob", False)
    _, ack = join(game, nickname="ALICE")
    assert ack_error(ack) == "conflict"  # nicknames stay unique, as before
    _, ack = join(game, registration="anything")  # no nickname: as a missing one was
    assert ack_error(ack) == "invalid"
    assert list(ack["error"]["fields"]) == ["nickname"]


def test_leitai_campaign_advance_lists_the_qualifiers_then_confirms_them(
    app: Flask, client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, registration=UNIT_ASKED)
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat = add_heat(
        client, wired, url, host, attempt_rule={"kind": "one"}, advancement={"per": "unit", "k": 1}
    )
    ids = {}
    for nickname in ("a0", "a1"):  # both score nothing at no time: a tie at the cut
        made_one = register(client, url, nickname, "甲单位")
        ids[nickname] = made_one["id"]
        assert attempt(client, url, made_one["token"], heat).status_code == 201

    def advance(*extra: str) -> Any:
        command = ["campaign", "advance", str(made["id"]), "1", *extra]
        return CliRunner().invoke(cli, command, obj={"app": app})

    listed = advance()
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        "registration\tnickname\tgroup\trank\tpoints\ttime_ms\ttie",
        f"{ids['a0']}\ta0\t甲单位\t1\t0\t0\t*",
        f"{ids['a1']}\ta1\t甲单位\t1\t0\t0\t*",
    ]
    early = advance("--confirm")
    assert early.exit_code == 1
    assert "finished" in early.output
    assert client.post(f"/api/v1/rounds/{heat}/finish", headers=host).status_code == 200
    confirmed = advance("--confirm")
    assert confirmed.exit_code == 0, confirmed.output
    assert confirmed.output.splitlines()[-1] == "Confirmed 2 qualifiers of stage 1."
    assert client.get(f"{url}/stages/1/qualifiers", headers=host).status_code == 200
    missing = CliRunner().invoke(cli, ["campaign", "advance", "999", "1"], obj={"app": app})
    assert missing.exit_code == 1
    assert "no campaign 999" in missing.output


def test_a_stages_self_paced_round_is_entered_only_through_the_campaign(
    app: Flask, client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    """The round's own entry (HTTP and /play) would bypass registration and the attempt
    rule: it is refused by name, and nothing is entered; the campaign's entry works."""
    url = f"/api/v1/campaigns/{new_campaign(client, host)['id']}"
    heat = add_heat(client, wired, url, host)
    refused = client.post(f"/api/v1/rounds/{heat}/entries", json={"nickname": "Alice"})
    assert refused.status_code == 409, refused.json
    assert refused.json["error"]["code"] == "campaign_round"
    assert "/entries" in refused.json["error"]["message"]
    plan = wired.competitions.plan(heat)
    game = Round(app, client, wired, plan.competition_id, heat, plan.code, plan.watch_code, host)
    _, ack = join(game, nickname="Bob")
    assert ack_error(ack) == "campaign_round"
    assert wired.selfpaced.store.contestants(heat) == {}

    token = register(client, url, "Carol")["token"]
    entered = attempt(client, url, token, heat)
    assert entered.status_code == 201, entered.json
    assert attempt(client, url, token, heat).json["error"]["fields"]["attempt"] == ["attempts_used"]


def test_a_registration_that_leaves_the_lobby_keeps_its_entry_and_comes_back_as_it(
    app: Flask, client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    """In a campaign's round the entry is the registration's: "join as someone else"
    lets the phone go of it, and the registration joins again as the same entry (were the
    entry removed, the registration would come back to an entry no longer there)."""
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    game = live_final(app, client, wired, host)
    stage = {"title": "现场赛", "rounds": [game.id], "attempt_rule": {"kind": "one"}}
    assert client.post(f"{url}/stages", json=stage, headers=host).status_code == 201
    registered = register(client, url, "小明")
    player, ack = join(game, registration=registered["token"])
    assert ack["ok"] is True, ack
    assert player.emit("leave", {}) == {"ok": True, "removed": False}
    _, ack = join(game, registration=registered["token"])
    assert ack["ok"] is True, ack
    assert (ack["contestant"]["id"], ack["rejoined"]) == (player.contestant, True)
    assert wired.live.store.contestant_count(game.id) == 1


def test_an_attempt_started_in_elderly_mode_gets_double_time_where_the_rules_allow(
    client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    """The registration page starts attempts over the campaign's entries, which carry
    elderly mode as the play page's join does (docs/elderly-mode.md)."""
    url = f"/api/v1/campaigns/{new_campaign(client, host)['id']}"
    heat = selfpaced_round(wired, "owner", {**SELF_PACED, "elder_extra_time": True})
    stage = {"title": "初赛", "rounds": [heat], "attempt_rule": {"kind": "one"}}
    assert client.post(f"{url}/stages", json=stage, headers=host).status_code == 201

    def first_time_limit(nickname: str, **extra: Any) -> int:
        entered = attempt(client, url, register(client, url, nickname)["token"], heat, **extra)
        assert entered.status_code == 201, entered.json
        bearer = {"Authorization": f"Bearer {entered.json['token']}"}
        paper = client.get(f"/api/v1/rounds/{heat}/paper/next", headers=bearer).json
        return paper["deadline"] - clock.now

    plain = first_time_limit("孙子")
    assert first_time_limit("奶奶", elder=True) == 2 * plain
    assert first_time_limit("爷爷", elder=False) == plain
    refused = attempt(client, url, register(client, url, "外公")["token"], heat, elder="yes")
    assert refused.status_code == 422
    assert "elder" in refused.json["error"]["fields"]
