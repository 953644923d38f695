"""Draws among certificate holders (of a round, of a campaign) and among a stage's
confirmed qualifiers: committed like every draw, hosted by the campaign's organisers,
verifiable from the published JSON (docs/lucky-draw.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from engine.domain.lucky_draw import differences, pool_hash
from tests.web.campaign_helpers import (
    TWO_UNITS,
    attempt,
    new_campaign,
    selfpaced_round,
    upload,
)
from tests.web.live_helpers import Clock
from web.wiring import Wiring

Headers = dict[str, str]
PLAN = {
    "templates": [
        {
            "key": "right",
            "rule": {"kind": "score", "threshold": 1},
            "award": {"en": "Right"},
            "title": {"en": "Certificate"},
            "issuer": {"en": "Leitai"},
        },
        {
            "key": "took-part",
            "rule": {"kind": "participation"},
            "award": {"en": "Participation"},
            "title": {"en": "Certificate"},
            "issuer": {"en": "Leitai"},
        },
    ]
}
PRIZES = [{"prize": "mug", "count": 2}]


@dataclass
class Finished:
    """A campaign whose one stage (best of 2, two per unit advance) is a finished
    self-paced round: a0 (甲单位) answered wrong, b0 (乙单位) twice (once right), b1
    right; a walk-in entered the round before it joined the stage. Certificates issued."""

    url: str
    heat: int
    host: Headers
    registrations: dict[str, int]
    contestants: dict[str, list[str]]  # nickname -> the heat's contestants, in order


@pytest.fixture
def finished(
    client: FlaskClient, wired: Wiring, login: Callable[..., Headers], clock: Clock
) -> Finished:
    host = login("host", "owner")
    made = new_campaign(client, host, registration={"fields": {"unit": "optional"}})
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat = selfpaced_round(wired, "owner")
    # A walk-in entered the round before it joined the stage (it refuses one since).
    walk_in = client.post(f"/api/v1/rounds/{heat}/entries", json={"nickname": "walk-in"})
    stage = {
        "title": "初赛",
        "rounds": [heat],
        "attempt_rule": {"kind": "best_of", "n": 2},
        "advancement": {"per": "unit", "k": 2},
    }
    assert client.post(f"{url}/stages", json=stage, headers=host).status_code == 201
    registrations, contestants = {}, {}
    for nickname, unit, responses in (
        ("a0", "甲单位", ["a"]),
        ("b0", "乙单位", ["a", "b"]),
        ("b1", "乙单位", ["b"]),
    ):
        made = client.post(f"{url}/registrations", json={"nickname": nickname, "unit": unit})
        registrations[nickname] = made.json["id"]
        for response in responses:
            entry = attempt(client, url, made.json["token"], heat).json
            answer(client, heat, entry["token"], response)
            contestants.setdefault(nickname, []).append(entry["contestant"])
    contestants["walk-in"] = [walk_in.json["contestant"]]
    early = client.post(f"{url}/draws", json=holders(), headers=host)
    assert early.status_code == 409, early.json
    assert early.json["error"]["fields"] == {"rounds": [f"round {heat} has not finished"]}
    assert client.post(f"/api/v1/rounds/{heat}/finish", headers=host).status_code == 200
    plan = client.put(f"/api/v1/rounds/{heat}/certificates/plan", json=PLAN, headers=host)
    assert plan.status_code == 200, plan.json
    issued = client.post(f"/api/v1/rounds/{heat}/certificates/issue", headers=host)
    assert issued.status_code == 200, issued.json
    return Finished(url, heat, host, registrations, contestants)


def answer(client: FlaskClient, round_id: int, token: str, response: str) -> None:
    bearer = {"Authorization": f"Bearer {token}"}
    key = client.get(f"/api/v1/rounds/{round_id}/paper/next", headers=bearer).json["question"]
    answered = client.post(
        f"/api/v1/rounds/{round_id}/answers",
        json={"question": key["key"], "response": response},
        headers=bearer,
    )
    assert answered.status_code == 200, answered.json


def holders(**pool: Any) -> dict[str, Any]:
    return {"title": "抽奖", "pool": {"kind": "certificate_holders", **pool}, "prizes": PRIZES}


def qualifiers(**pool: Any) -> dict[str, Any]:
    return {"title": "抽奖", "pool": {"kind": "qualifiers", **pool}, "prizes": PRIZES}


def committed(client: FlaskClient, url: str, body: dict[str, Any], host: Headers) -> Any:
    made = client.post(url, json=body, headers=host)
    assert made.status_code == 201, made.json
    return made.json


def run_and_verify(client: FlaskClient, draw: dict[str, Any], host: Headers) -> dict[str, Any]:
    ran = client.post(f"/api/v1/draws/{draw['id']}/run", headers=host)
    assert ran.status_code == 200, ran.json
    published = client.get(f"/api/v1/draws/{draw['id']}").json
    assert differences(published) == []
    return published


def test_a_campaigns_certificate_holders_are_drawn_among_one_chance_per_person(
    client: FlaskClient, finished: Finished
) -> None:
    everyone = sorted(
        f"{finished.heat}:{c}" for entries in finished.contestants.values() for c in entries
    )
    draw = committed(client, f"{finished.url}/draws", holders(), finished.host)
    assert draw["campaign_id"] is not None
    assert draw["round_id"] is None
    assert draw["commitment"]["pool_size"] == 5
    assert draw["commitment"]["pool_sha256"] == pool_hash(everyone)
    assert draw["rule"]["kind"] == "certificate_holders"
    published = run_and_verify(client, draw, finished.host)
    assert published["pool"] == everyone
    assert all(w["nickname"] in finished.contestants for w in published["winners"])

    # One chance per person: b0's two attempts are one registration, one chance.
    per_person = committed(
        client, f"{finished.url}/draws", holders(one_per_person=True), finished.host
    )
    assert per_person["commitment"]["pool_size"] == 4
    b0 = sorted((f"{finished.heat}:{c}" for c in finished.contestants["b0"]), key=str.encode)
    pool = run_and_verify(client, per_person, finished.host)["pool"]
    assert b0[0] in pool
    assert b0[1] not in pool

    # Only the "right" template: b0's right attempt and b1.
    right = committed(client, f"{finished.url}/draws", holders(templates=["right"]), finished.host)
    assert right["commitment"]["pool_size"] == 2
    listed = client.get(f"{finished.url}/draws", headers=finished.host).json
    assert [d["id"] for d in listed] == [draw["id"], per_person["id"], right["id"]]


def test_a_revoked_certificate_leaves_the_pool(client: FlaskClient, finished: Finished) -> None:
    certificates = client.get(
        f"/api/v1/rounds/{finished.heat}/certificates", headers=finished.host
    ).json["certificates"]
    walk_in = finished.contestants["walk-in"][0]
    (serial,) = [c["serial"] for c in certificates if c["contestant"] == walk_in]
    revoked = client.post(
        f"/api/v1/certificates/{serial}/revoke", json={"reason": "r"}, headers=finished.host
    )
    assert revoked.status_code == 200
    draw = committed(client, f"{finished.url}/draws", holders(), finished.host)
    assert draw["commitment"]["pool_size"] == 4
    assert f"{finished.heat}:{walk_in}" not in run_and_verify(client, draw, finished.host)["pool"]
    # A round's own draw among its holders, by template.
    url = f"/api/v1/rounds/{finished.heat}/draws"
    mine = committed(client, url, holders(templates=["took-part"]), finished.host)
    assert mine["round_id"] == finished.heat
    assert mine["campaign_id"] is None
    pool = run_and_verify(client, mine, finished.host)["pool"]
    assert sorted(pool) == sorted(
        c for name, cs in finished.contestants.items() if name != "walk-in" for c in cs
    )


def test_a_stages_confirmed_qualifiers_are_drawn_among(
    client: FlaskClient, finished: Finished, login: Callable[..., Headers]
) -> None:
    unconfirmed = client.post(
        f"{finished.url}/draws", json=qualifiers(stage=1), headers=finished.host
    )
    assert unconfirmed.status_code == 409
    assert unconfirmed.json["error"]["fields"] == {"stage": ["no confirmed qualifiers"]}
    confirm = f"{finished.url}/stages/1/qualifiers"
    confirmed = client.post(confirm, json={}, headers=finished.host).json["confirmed"]
    draw = committed(client, f"{finished.url}/draws", qualifiers(stage=1), finished.host)
    members = [f"registration:{r}" for r in confirmed]
    assert draw["commitment"]["pool_sha256"] == pool_hash(members)
    other = login("host", "other")
    assert client.post(f"/api/v1/draws/{draw['id']}/run", headers=other).status_code == 404
    published = run_and_verify(client, draw, finished.host)
    nicknames = {f"registration:{i}": name for name, i in finished.registrations.items()}
    assert {w["nickname"] for w in published["winners"]} <= {nicknames[m] for m in members}
    winner = published["winners"][0]["contestant"]
    out = client.post(
        f"/api/v1/draws/{draw['id']}/disqualify",
        json={"contestant": winner, "reason": "代答"},
        headers=finished.host,
    )
    assert out.status_code == 200, out.json
    assert differences(out.json) == []
    assert winner not in [w["contestant"] for w in out.json["winners"]]


@pytest.mark.parametrize(
    ("where", "body", "field"),
    [
        ("campaign", {"title": "t", "pool": {"kind": "all_correct"}, "prizes": PRIZES}, "kind"),
        ("campaign", qualifiers(), "stage"),
        ("campaign", qualifiers(stage=9), "stage"),
        ("campaign", holders(stage=0), "pool"),
        ("campaign", holders(templates=[]), "templates"),
        ("round", qualifiers(stage=1), "kind"),
        ("round", holders(stage=1), "stage"),
    ],
)
def test_bad_pools_are_refused_by_field_and_commit_nothing(
    client: FlaskClient, finished: Finished, where: str, body: dict[str, Any], field: str
) -> None:
    url = (
        f"{finished.url}/draws" if where == "campaign" else f"/api/v1/rounds/{finished.heat}/draws"
    )
    refused = client.post(url, json=body, headers=finished.host)
    assert refused.status_code == 422, refused.json
    assert field in refused.json["error"]["fields"]
    assert client.get(url, headers=finished.host).json == []
