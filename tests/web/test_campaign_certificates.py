"""A campaign stage's certificates over HTTP (docs/certificates.md, "Campaigns"): a
two-unit campaign's awards per unit under the stage's attempt rule, idempotent issuing,
the holder's certificates by registration token, revocation on /verify, and plans
refused by field with nothing stored."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.web.campaign_helpers import TWO_UNITS, add_heat, attempt, new_campaign, upload
from tests.web.live_helpers import RIGHT, SINGLE, WRONG, Clock
from tests.web.test_campaign_draws_api import answer
from web.wiring import Wiring

Headers = dict[str, str]


def template(key: str, rule: dict[str, Any], award: str, group: str | None = None) -> dict:
    made = {
        "key": key,
        "rule": rule,
        "award": {"en": award},
        "title": {"en": "Certificate"},
        "issuer": {"en": "Guangdong Learning Office"},
        "date": "2026-12-03",
    }
    return made if group is None else {**made, "group": group}


PLAN = {
    "templates": [
        template("first", {"kind": "rank", "top": 1, "scope": "unit"}, "First prize", "award"),
        template("second", {"kind": "rank", "top": 2, "scope": "unit"}, "Second prize", "award"),
        template("took-part", {"kind": "participation"}, "Participation"),
    ]
}
RIGHT_ONE, WRONG_ONE = RIGHT[SINGLE], WRONG[SINGLE]  # the heat asks one question
#: nickname, unit, answers in order: the stage counts the best of two attempts.
PEOPLE = (
    ("a0", "甲单位", [RIGHT_ONE]),
    ("a1", "甲单位", [RIGHT_ONE]),  # an exact tie with a0 (same points, same time)
    ("a2", "甲单位", [WRONG_ONE]),
    ("b0", "乙单位", [WRONG_ONE, RIGHT_ONE]),  # the better attempt counts
    ("b1", "乙单位", [WRONG_ONE]),
    ("idle", "乙单位", []),  # registered, never attempted: earns nothing
)


@dataclass
class Stage:
    url: str
    heat: int
    host: Headers
    tokens: dict[str, str]  # nickname -> registration token
    registrations: dict[str, int]


@pytest.fixture
def stage(client: FlaskClient, wired: Wiring, login: Callable[..., Headers], clock: Clock) -> Stage:
    host = login("host", "owner")
    made = new_campaign(client, host, registration={"fields": {"unit": "optional"}})
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat = add_heat(client, wired, url, host, attempt_rule={"kind": "best_of", "n": 2})
    tokens, registrations = {}, {}
    for nickname, unit, responses in PEOPLE:
        registered = client.post(f"{url}/registrations", json={"nickname": nickname, "unit": unit})
        assert registered.status_code == 201, registered.json
        tokens[nickname], registrations[nickname] = registered.json["token"], registered.json["id"]
        for response in responses:
            entry = attempt(client, url, tokens[nickname], heat).json
            answer(client, heat, entry["token"], response)
    return Stage(url, heat, host, tokens, registrations)


def plan_url(stage: Stage, position: int = 1) -> str:
    return f"{stage.url}/certificates/stages/{position}/plan"


def issue(client: FlaskClient, stage: Stage) -> Any:
    return client.post(f"{stage.url}/certificates/stages/1/issue", headers=stage.host)


@pytest.fixture
def issued(client: FlaskClient, stage: Stage) -> list[dict[str, Any]]:
    assert client.put(plan_url(stage), json=PLAN, headers=stage.host).status_code == 200
    assert client.post(f"/api/v1/rounds/{stage.heat}/finish", headers=stage.host).status_code == 200
    response = issue(client, stage)
    assert response.status_code == 200, response.json
    return response.json["certificates"]


def awards(certificates: list[dict[str, Any]], stage: Stage) -> set[tuple[str, str]]:
    nickname = {str(r): n for n, r in stage.registrations.items()}
    return {(nickname[c["contestant"]], c["template"]) for c in certificates}


def test_each_unit_awards_its_own_ranks_ties_shared(
    client: FlaskClient, stage: Stage, issued: list[dict[str, Any]]
) -> None:
    assert awards(issued, stage) == {
        ("a0", "first"),
        ("a1", "first"),  # tied with a0 for the unit's first place
        ("b0", "first"),  # best of two: the right answer counts
        ("b1", "second"),  # second in 乙单位, though behind a2 by nothing overall
        *((n, "took-part") for n in ("a0", "a1", "a2", "b0", "b1")),
    }  # a2 is third in 甲单位 (after the tie): participation only; idle: nothing
    first = next(c for c in issued if c["template"] == "first")
    assert first["campaign_id"] == int(stage.url.rsplit("/", 1)[1])
    assert first["stage"] == 1
    assert first["round_id"] is None
    assert first["content"]["rank"] == 1
    assert first["content"]["contest"] == "科普知识竞赛 · 初赛"
    listed = client.get(f"{stage.url}/certificates", headers=stage.host).json["certificates"]
    assert sorted(c["serial"] for c in listed) == sorted(c["serial"] for c in issued)


def test_issuing_again_issues_nothing_twice(
    client: FlaskClient, stage: Stage, issued: list[dict[str, Any]]
) -> None:
    again = issue(client, stage)
    assert again.status_code == 200
    assert again.json == {"issued": 0, "certificates": []}
    listed = client.get(f"{stage.url}/certificates", headers=stage.host).json["certificates"]
    assert len(listed) == len(issued) == 9


def test_certificates_wait_for_the_stage_to_finish_and_store_nothing_before(
    client: FlaskClient, stage: Stage
) -> None:
    assert client.put(plan_url(stage), json=PLAN, headers=stage.host).status_code == 200
    early = issue(client, stage)
    assert early.status_code == 409
    assert early.json["error"]["fields"] == {"stage": ["rounds still running"]}
    assert client.get(f"{stage.url}/certificates", headers=stage.host).json == {"certificates": []}


def test_the_holder_gets_theirs_by_registration_token(
    client: FlaskClient, stage: Stage, issued: list[dict[str, Any]]
) -> None:
    bearer = {"Authorization": f"Bearer {stage.tokens['a0']}"}
    campaign = int(stage.url.rsplit("/", 1)[1])
    mine = client.get(f"/api/v1/certificates/mine?campaign={campaign}", headers=bearer).json
    assert mine["campaign"] == campaign
    assert sorted(c["template"] for c in mine["certificates"]) == ["first", "took-part"]
    links = next(c for c in mine["certificates"] if c["template"] == "first")["links"]
    assert links["pdf"] == f"/api/v1/certificates/{links['verify'][8:]}.pdf?campaign={campaign}"
    pdf = client.get(links["pdf"] + "&lang=en", headers=bearer)
    assert pdf.status_code == 200
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "First prize" in text
    assert "a0" in text
    other = {"Authorization": f"Bearer {stage.tokens['b1']}"}
    assert client.get(links["pdf"], headers=other).status_code == 404
    assert client.get(links["pdf"], headers=stage.host).status_code == 401
    assert client.get(f"/api/v1/certificates/mine?campaign={campaign}").status_code == 401


def test_revoking_shows_on_verify_and_is_not_undone_by_issuing(
    client: FlaskClient, stage: Stage, issued: list[dict[str, Any]]
) -> None:
    serial = next(
        c["serial"]
        for c in issued
        if (c["contestant"], c["template"]) == (str(stage.registrations["b0"]), "first")
    )
    revoked = client.post(
        f"/api/v1/certificates/{serial}/revoke", json={"reason": "review 3"}, headers=stage.host
    )
    assert revoked.status_code == 200, revoked.json
    verified = client.get(f"/api/v1/certificates/{serial}/verification").json
    assert verified["status"] == "revoked"
    assert verified["holder"] == "b0"
    assert "乙单位" not in str(verified)  # no unit, no registration id
    assert set(verified) == {
        *("serial", "status", "holder", "award", "title", "issuer", "contest", "date"),
        "revoked_at_ms",
    }  # nothing about the registration
    page = client.get(f"/verify/{serial}?lang=en")
    assert 'data-status="revoked"' in page.text
    assert issue(client, stage).json["issued"] == 0
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"{stage.url}/certificates.csv", headers=stage.host).data.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert {r["serial"]: r["revoke_reason"] for r in rows}[serial] == "review 3"
    assert len(rows) == 9


def test_another_host_can_neither_read_issue_nor_revoke(
    client: FlaskClient, stage: Stage, issued: list[dict[str, Any]], login: Callable[..., Headers]
) -> None:
    stranger = login("host", "stranger")
    assert client.get(plan_url(stage), headers=stranger).status_code == 404
    assert issue_as(client, stage, stranger).status_code == 404
    serial = issued[0]["serial"]
    refused = client.post(
        f"/api/v1/certificates/{serial}/revoke", json={"reason": "x"}, headers=stranger
    )
    assert refused.status_code == 404
    assert client.get(f"/api/v1/certificates/{serial}/verification").json["status"] == "valid"


def issue_as(client: FlaskClient, stage: Stage, headers: Headers) -> Any:
    return client.post(f"{stage.url}/certificates/stages/1/issue", headers=headers)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"rule": {"kind": "rank", "top": 1, "scope": "region"}},
            "templates.0.rule.scope",
            "one of all, city, unit",
        ),
        ({"rule": {"kind": "rank", "top": 0}}, "templates.0.rule.top", "a whole number, 1 or more"),
        ({"seal": "0" * 64}, "templates.0.seal", "no PNG or JPEG picture with that SHA-256"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field_and_stores_nothing(
    client: FlaskClient, stage: Stage, change: dict[str, Any], field: str, message: str
) -> None:
    bad = {"templates": [{**PLAN["templates"][0], **change}]}
    refused = client.put(plan_url(stage), json=bad, headers=stage.host)
    assert refused.status_code == 422
    assert refused.json["error"]["fields"] == {field: [message]}
    assert client.get(plan_url(stage), headers=stage.host).status_code == 404
    assert client.put(plan_url(stage), json=PLAN, headers=stage.host).status_code == 200
    assert client.put(plan_url(stage), json=bad, headers=stage.host).status_code == 422
    assert client.get(plan_url(stage), headers=stage.host).json == {
        "templates": [
            {**t, "group": t.get("group", t["key"]), "seal": None} for t in PLAN["templates"]
        ]
    }


def test_a_stage_that_does_not_exist_has_no_plan(client: FlaskClient, stage: Stage) -> None:
    response = client.put(plan_url(stage, 2), json=PLAN, headers=stage.host)
    assert response.status_code == 404
    assert "stage 2" in response.json["error"]["message"]


def test_the_xlsx_holds_what_the_api_lists_cell_by_cell(
    client: FlaskClient, stage: Stage, issued: list[dict[str, Any]]
) -> None:
    response = client.get(f"{stage.url}/certificates.xlsx?lang=en", headers=stage.host)
    assert response.status_code == 200
    (sheet,) = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets
    header, *rows = sheet.iter_rows(values_only=True)
    assert header[:7] == ("Serial", "Contestant", "Holder", "Template", "Award", "Points", "Rank")
    listed = client.get(f"{stage.url}/certificates", headers=stage.host).json["certificates"]
    assert [row[:7] for row in rows] == [
        (
            c["serial"],
            c["contestant"],
            c["content"]["holder"],
            c["template"],
            c["content"]["award"]["en"],
            c["content"]["points"],
            c["content"]["rank"],
        )
        for c in listed
    ]
