"""Campaigns over HTTP and the command line (docs/campaigns.md): the campaign and its
organisers, stages over existing rounds, units, registration, participation."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from engine.domain.id_numbers import check_character
from engine.services.entrants import EntryLimits
from tests.web.campaign_helpers import (
    DAY,
    LIVE,
    NESTED_UNITS,
    TWO_UNITS,
    Headers,
    add_heat,
    attempt,
    new_campaign,
    selfpaced_round,
    upload,
)
from tests.web.live_helpers import START, Clock
from web.cli import cli
from web.wiring import Wiring


@pytest.fixture
def host(login: Callable[..., Headers]) -> Headers:
    return login("host", "owner")


# -- 1. the campaign, its organisers and stages ---------------------------------------


def test_a_campaign_is_created_read_listed_and_changed(
    client: FlaskClient, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, rules="每人每天一次", places=["440100"])
    assert made["owner"] == "owner"
    assert made["cohosts"] == []
    assert made["stages"] == []
    assert made["places"] == ["440100"]
    assert made["weighting"] == {"rate": 70, "mean": 30, "count": 0}
    assert made["registration"] == {"fields": {"name": "optional"}, "identity": "none"}
    url = f"/api/v1/campaigns/{made['id']}"
    assert client.get(url, headers=host).json == made
    assert [c["id"] for c in client.get("/api/v1/campaigns", headers=host).json] == [made["id"]]
    changed = client.patch(url, json={"title": "新标题", "rules": "规则"}, headers=host)
    assert changed.status_code == 200, changed.json
    assert (changed.json["title"], changed.json["rules"]) == ("新标题", "规则")
    assert changed.json["opens_at"] == made["opens_at"]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"closes_at": START - 2 * DAY}, "closes_at"),
        ({"places": ["999999"]}, "places"),
        ({"places": []}, "places"),
        ({"weighting": {"rate": 50, "mean": 10}}, "weighting"),
        ({"weighting": {"speed": 100}}, "weighting"),
        ({"registration": {"fields": {"shoe_size": "required"}}}, "registration.fields.shoe_size"),
        ({"registration": {"fields": {"phone": "maybe"}}}, "registration.fields.phone"),
        ({"registration": {"identity": "face"}}, "registration.identity"),
        ({"registration": {"identity": "roster", "fields": {}}}, "registration.fields.name"),
        ({"title": ""}, "title"),
        ({"opens_at": "tomorrow"}, "opens_at"),
    ],
)
def test_bad_settings_are_refused_by_field_and_store_nothing(
    client: FlaskClient, host: Headers, given: dict[str, Any], field: str
) -> None:
    body = {"title": "T", "opens_at": START, "closes_at": START + DAY, **given}
    response = client.post("/api/v1/campaigns", json=body, headers=host)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert client.get("/api/v1/campaigns", headers=host).json == []


def test_a_bad_change_is_refused_and_changes_nothing(client: FlaskClient, host: Headers) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    response = client.patch(url, json={"closes_at": made["opens_at"]}, headers=host)
    assert response.status_code == 422
    assert "closes_at" in response.json["error"]["fields"]
    assert client.get(url, headers=host).json == made


def test_only_its_organisers_see_a_campaign(
    client: FlaskClient, host: Headers, login: Callable[..., Headers]
) -> None:
    made = new_campaign(client, host)
    other, cohost = login("host", "other"), login("host", "cohost")
    url = f"/api/v1/campaigns/{made['id']}"
    assert client.get(url, headers=other).status_code == 404
    assert client.get("/api/v1/campaigns", headers=other).json == []
    assert client.put(f"{url}/hosts/cohost", headers=host).json["cohosts"] == ["cohost"]
    assert client.get(url, headers=cohost).status_code == 200
    assert client.put(f"{url}/hosts/other", headers=cohost).status_code == 403
    assert client.delete(f"{url}/hosts/cohost", headers=host).json["cohosts"] == []
    assert client.get(url, headers=cohost).status_code == 404


def test_stages_list_rounds_the_organiser_hosts_once_each(
    client: FlaskClient, wired: Wiring, host: Headers, login: Callable[..., Headers]
) -> None:
    made = new_campaign(client, host)
    heat, final = selfpaced_round(wired, "owner"), selfpaced_round(wired, "owner", LIVE)
    url = f"/api/v1/campaigns/{made['id']}/stages"
    stage = {
        "title": "初赛",
        "rounds": [heat],
        "attempt_rule": {"kind": "first_of_day"},
        "advancement": {"per": "unit", "k": 2},
        "max_points": 1000,
    }
    response = client.post(url, json=stage, headers=host)
    assert response.status_code == 201, response.json
    second = {"title": "决赛", "rounds": [final], "attempt_rule": {"kind": "one"}}
    stages = client.post(url, json=second, headers=host).json["stages"]
    assert [(s["position"], s["title"], s["rounds"]) for s in stages] == [
        (1, "初赛", [heat]),
        (2, "决赛", [final]),
    ]
    assert stages[0]["attempt_rule"] == {"kind": "first_of_day", "n": None}
    again = client.post(url, json={**second, "title": "again"}, headers=host)
    assert again.status_code == 409
    assert "rounds" in again.json["error"]["fields"]
    others = selfpaced_round(wired, login("host", "other") and "other")
    refused = client.post(url, json={**second, "rounds": [others]}, headers=host)
    assert refused.status_code == 422
    assert "rounds" in refused.json["error"]["fields"]
    assert len(client.get(f"/api/v1/campaigns/{made['id']}", headers=host).json["stages"]) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"attempt_rule": {"kind": "best_of"}}, "attempt_rule"),
        ({"attempt_rule": {"kind": "often"}}, "attempt_rule"),
        ({"attempt_rule": {"kind": "one", "n": 2}}, "attempt_rule"),
        ({"attempt_rule": {"kind": "one", "x": 2}}, "attempt_rule"),
        ({"advancement": {"per": "unit"}}, "advancement"),
        ({"advancement": {"per": "street", "k": 1}}, "advancement"),
        ({"rounds": []}, "rounds"),
        ({"rounds": [999_999]}, "rounds"),
        ({"max_points": 0}, "max_points"),
    ],
)
def test_bad_stages_are_refused_by_field(
    client: FlaskClient, wired: Wiring, host: Headers, change: dict[str, Any], field: str
) -> None:
    made = new_campaign(client, host)
    heat = selfpaced_round(wired, "owner")
    stage = {"title": "初赛", "rounds": [heat], "attempt_rule": {"kind": "one"}, **change}
    url = f"/api/v1/campaigns/{made['id']}/stages"
    response = client.post(url, json=stage, headers=host)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert client.get(f"/api/v1/campaigns/{made['id']}", headers=host).json["stages"] == []


def test_a_campaigns_organisers_host_its_stages_rounds(
    client: FlaskClient, wired: Wiring, host: Headers, login: Callable[..., Headers]
) -> None:
    made = new_campaign(client, host)
    heat = selfpaced_round(wired, "owner")
    cohost = login("host", "cohost")
    client.put(f"/api/v1/campaigns/{made['id']}/hosts/cohost", headers=host)
    assert client.get(f"/api/v1/rounds/{heat}", headers=cohost).status_code == 404
    stage = {"title": "初赛", "rounds": [heat], "attempt_rule": {"kind": "one"}}
    client.post(f"/api/v1/campaigns/{made['id']}/stages", json=stage, headers=host)
    assert client.get(f"/api/v1/rounds/{heat}", headers=cohost).status_code == 200
    assert client.get(f"/api/v1/rounds/{heat}", headers=login("host", "x-host")).status_code == 404


def test_leitai_campaign_create(app: Flask, wired: Wiring, tmp_path: Path) -> None:
    wired.accounts.add("cli-owner", "correct horse battery", "host")
    rules = tmp_path / "rules.txt"
    rules.write_text("每人一次", encoding="utf-8")
    runner = CliRunner()
    argv = ["campaign", "create", "竞赛", "--owner", "cli-owner", "--opens", "2026-12-01"]
    result = runner.invoke(
        cli,
        [*argv, "--closes", "2026-12-31", "--rules", str(rules), "--place", "440300"],
        obj={"app": app},
    )
    assert result.exit_code == 0, result.output
    assert '"owner": "cli-owner"' in result.output
    assert '"440300"' in result.output
    (made,) = wired.campaigns.campaigns.campaigns(None)
    assert made["opens_at_ms"] == 1_796_054_400_000  # 2026-12-01 00:00 in Shanghai
    assert made["closes_at_ms"] - made["opens_at_ms"] == 31 * DAY
    wired.accounts.add("cli-author", "correct horse battery", "author")
    author = [*argv[:3], "--owner", "cli-author", *argv[5:], "--closes", "2026-12-31"]
    refused = runner.invoke(cli, author, obj={"app": app})
    assert refused.exit_code == 1
    assert "author role may not organise" in refused.output
    bad = runner.invoke(cli, [*argv, "--closes", "2026-11-01"], obj={"app": app})
    assert bad.exit_code != 0
    assert "closes_at" in bad.output


# -- 2. places and units ------------------------------------------------------------------


def test_a_roster_is_imported_from_csv_and_listed(client: FlaskClient, host: Headers) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}/units"
    response = upload(client, url, host, NESTED_UNITS, "units.csv")
    assert response.status_code == 200, response.json
    assert client.get(url, headers=host).json == response.json
    units = {u["name"]: u for u in response.json}
    assert units["越秀区教育局"]["parent_id"] == units["广州市教育局"]["id"]
    assert (units["越秀区教育局"]["place"], units["越秀区教育局"]["place_name"]) == (
        "440104",
        "越秀区",
    )
    assert units["深圳市科协"]["headcount"] == 5


def test_a_roster_is_imported_from_xlsx(client: FlaskClient, host: Headers) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for line in NESTED_UNITS.decode().splitlines():
        sheet.append([int(c) if c.isdigit() else (c or None) for c in line.split(",")])
    data = io.BytesIO()
    book.save(data)
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}/units"
    response = upload(client, url, host, data.getvalue(), "单位.xlsx")
    assert response.status_code == 200, response.json
    assert len(response.json) == 3


def test_a_roster_with_bad_rows_is_refused_row_by_row_and_stores_nothing(
    client: FlaskClient, host: Headers
) -> None:
    made = new_campaign(client, host, places=["440300"])
    url = f"/api/v1/campaigns/{made['id']}/units"
    assert upload(
        client, url, host, "单位名称,所属地区,应参与人数\n甲,南山区,3\n".encode(), "a.csv"
    )
    bad = "单位名称,所属地区,应参与人数\n甲,南山区,3\n乙,越秀区,2\n丙,福田区,many\n"
    response = upload(client, url, host, bad.encode(), "units.csv")
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert set(fields) == {"units.csv:3", "units.csv:4"}  # 越秀 is Guangzhou's, not Shenzhen's
    assert "越秀区" in fields["units.csv:3"][0]
    assert "headcount" in fields["units.csv:4"][0]
    assert [u["name"] for u in client.get(url, headers=host).json] == ["甲"]
    missing = client.post(url, headers=host, data={}, content_type="multipart/form-data")
    assert missing.status_code == 400


def test_units_cannot_change_once_people_registered(client: FlaskClient, host: Headers) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    client.post(f"{url}/registrations", json={"nickname": "小明"})
    response = upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    assert response.status_code == 409
    assert client.patch(url, json={"places": ["440100"]}, headers=host).status_code == 409


def test_leitai_campaign_units_import(
    app: Flask, client: FlaskClient, host: Headers, tmp_path: Path
) -> None:
    made = new_campaign(client, host)
    good, bad = tmp_path / "units.csv", tmp_path / "bad.csv"
    good.write_bytes(NESTED_UNITS)
    bad.write_text("单位名称,所属地区,应参与人数\n甲,火星,3\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["campaign", "units", "import", str(made["id"]), str(good)], obj={"app": app}
    )
    assert result.exit_code == 0, result.output
    assert "Imported 3 units" in result.output
    refused = runner.invoke(
        cli, ["campaign", "units", "import", str(made["id"]), str(bad)], obj={"app": app}
    )
    assert refused.exit_code == 1
    assert "bad.csv:2: unknown place '火星'" in refused.output
    units = client.get(f"/api/v1/campaigns/{made['id']}/units", headers=host).json
    assert len(units) == 3


# -- 3. registration ----------------------------------------------------------------------


def id_number(first17: str = "44010419900101123") -> str:
    return first17 + check_character(first17)


ASKING = {
    "fields": {"name": "required", "phone": "required", "unit": "optional", "school": "optional"},
    "identity": "id_number",
}


def test_registration_asks_what_the_campaign_configures(
    client: FlaskClient, wired: Wiring, host: Headers, login: Callable[..., Headers], clock: Clock
) -> None:
    made = new_campaign(client, host, registration=ASKING)
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    form = {
        "nickname": "小明",
        "name": "王小明",
        "phone": "１３８ ００１３ ５６７８",  # full-width, spaced: as phones type it
        "unit": "越秀区教育局",
        "id_number": id_number(),
    }
    response = client.post(f"{url}/registrations", json=form)
    assert response.status_code == 201, response.json
    assert set(response.json) == {"id", "token"}
    again = {**form, "id_number": " " + id_number().lower()}
    twice = client.post(f"{url}/registrations", json=again)
    assert twice.status_code == 409
    assert "identity" in twice.json["error"]["fields"]
    (seen,) = client.get(f"{url}/registrations", headers=host).json
    assert seen["phone"] == "138****5678"
    assert seen["name"] == "王小明"
    assert seen["place"] == "440104"
    assert seen["details"] == {}
    admin_headers = login("admin", "root")
    admin = client.get(f"{url}/registrations", headers=admin_headers).json
    assert admin[0]["phone"] == "13800135678"
    for headers, phone in ((host, "138****5678"), (admin_headers, "13800135678")):
        exported = client.get(f"{url}/registrations.xlsx", headers=headers)
        assert exported.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(exported.data)).active
        assert sheet is not None
        header, line = sheet.iter_rows(values_only=True)
        assert dict(zip(header, line, strict=True))["手机"] == phone
        assert dict(zip(header, line, strict=True))["单位"] == "越秀区教育局"
    with wired.database.session() as session:
        stored = session.execute(text("SELECT * FROM campaign_registrations")).all()
    assert id_number() not in repr(stored)
    assert id_number()[6:14] not in repr(stored)  # not even the date of birth


def test_a_bad_registration_names_every_field_and_stores_nothing(
    client: FlaskClient, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, registration=ASKING)
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    form = {
        "nickname": "",
        "phone": "12345",
        "unit": "不存在的单位",
        "id_number": id_number()[:-1] + ("0" if id_number()[-1] != "0" else "1"),
        "shoe_size": "42",
        "school": 7,
    }
    response = client.post(f"{url}/registrations", json=form)
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "nickname",
        "name",
        "phone",
        "unit",
        "id_number",
        "shoe_size",
        "school",
    }
    assert "check character" in response.json["error"]["fields"]["id_number"][0]
    assert client.get(f"{url}/registrations", headers=host).json == []
    elsewhere = {"nickname": "a", "name": "b", "phone": "13800135678", "id_number": id_number()}
    elsewhere |= {"unit": "深圳市科协", "place": "广州"}
    refused = client.post(f"{url}/registrations", json=elsewhere)
    assert refused.json["error"]["fields"] == {"place": ["not asked by this campaign"]}
    assert client.post("/api/v1/campaigns/999/registrations", json=form).status_code == 404
    clock.advance(31 * DAY)
    closed = client.post(f"{url}/registrations", json={**form, "nickname": "晚了"})
    assert closed.status_code == 409


def test_roster_match_registers_listed_members_into_their_unit(
    client: FlaskClient, host: Headers, clock: Clock
) -> None:
    roster_rule = {"fields": {"name": "required"}, "identity": "roster"}
    made = new_campaign(client, host, registration=roster_rule)
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    members = "工号,姓名,单位\nA001,张三,深圳市科协\nA002,李四,越秀区教育局\n".encode()
    listed = upload(client, f"{url}/members", host, members, "members.csv")
    assert listed.status_code == 200, listed.json
    assert listed.json == {"members": 2}
    bad_list = "工号,姓名,单位\nA001,张三,火星科协\n".encode()
    refused = upload(client, f"{url}/members", host, bad_list, "m.csv")
    assert refused.status_code == 422
    assert set(refused.json["error"]["fields"]) == {"m.csv:2"}
    units = {u["id"]: u["name"] for u in client.get(f"{url}/units", headers=host).json}

    def register(member_id: str, name: str) -> Any:
        return client.post(
            f"{url}/registrations", json={"nickname": name, "name": name, "member_id": member_id}
        )

    assert register("a001", "张三").status_code == 201  # ids compare folded
    assert register("A002", "王五").json["error"]["fields"] == {
        "member_id": ["no member of the list has this id and name"]
    }
    assert register("A001", "张三").status_code == 409
    (seen,) = client.get(f"{url}/registrations", headers=host).json
    assert units[seen["unit_id"]] == "深圳市科协"
    missing = client.post(f"{url}/registrations", json={"nickname": "x"})
    assert set(missing.json["error"]["fields"]) == {"member_id", "name"}


def test_the_registration_form_is_frozen_once_people_register(
    client: FlaskClient, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    changed = client.patch(url, json={"registration": ASKING}, headers=host)
    assert changed.status_code == 200, changed.json
    assert changed.json["registration"] == ASKING
    form = {"nickname": "a", "name": "b", "phone": "13800135678", "id_number": id_number()}
    assert client.post(f"{url}/registrations", json=form).status_code == 201
    later = client.patch(url, json={"registration": {"identity": "none"}}, headers=host)
    assert later.status_code == 409


# -- 4. attempts and participation --------------------------------------------------------


def answer_right(client: FlaskClient, round_id: int, contestant_token: str) -> None:
    bearer = {"Authorization": f"Bearer {contestant_token}"}
    paper = client.get(f"/api/v1/rounds/{round_id}/paper/next", headers=bearer)
    assert paper.status_code == 200, paper.json
    key = paper.json["question"]["key"]
    answered = client.post(
        f"/api/v1/rounds/{round_id}/answers",
        json={"question": key, "response": "b"},
        headers=bearer,
    )
    assert answered.status_code == 200, answered.json


def test_participation_and_rankings_count_registrations_with_a_counted_attempt(
    client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(
        client,
        host,
        registration={"fields": {"unit": "required"}},
        weighting={"rate": 70, "mean": 30},
    )
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat = add_heat(
        client, wired, url, host, attempt_rule={"kind": "first_of_day"}, max_points=1000
    )

    def registered(nickname: str, unit: str) -> str:
        made = client.post(f"{url}/registrations", json={"nickname": nickname, "unit": unit})
        assert made.status_code == 201, made.json
        return made.json["token"]

    for i in range(3):
        entered = attempt(client, url, registered(f"a{i}", "甲单位"), heat)
        assert entered.status_code == 201, entered.json
        entered = attempt(client, url, registered(f"b{i}", "乙单位"), heat)
        answer_right(client, heat, entered.json["token"])
    practising = registered("p", "甲单位")
    assert attempt(client, url, practising, heat, practice=True).status_code == 201
    registered("idle", "乙单位")  # registered, never attempted

    by_unit = client.get(f"{url}/participation?by=unit", headers=host)
    assert by_unit.status_code == 200, by_unit.json
    rows = {r["name"]: (r["participants"], r["headcount"], r["rate"]) for r in by_unit.json["rows"]}
    assert rows == {"甲单位": (3, 10, 0.3), "乙单位": (3, 5, 0.6)}
    assert by_unit.json["campaign"] == {"participants": 6, "headcount": 15, "rate": 0.4}
    by_city = client.get(f"{url}/participation?by=city", headers=host).json
    cities = {r["name"]: r["participants"] for r in by_city["rows"] if r["participants"]}
    assert cities == {"广州市": 3, "深圳市": 3}
    assert len(by_city["rows"]) == 21
    by_district = client.get(f"{url}/participation?by=district", headers=host).json
    assert len(by_district["rows"]) == 122
    assert all(r["participants"] == 0 for r in by_district["rows"])  # units placed in cities

    wired.drainer.drain_all()  # as the background drainer would
    board = client.get(f"{url}/board?by=unit")  # anyone's
    assert board.status_code == 200, board.json
    assert board.json == {
        "by": "unit",
        "stage": 1,
        "rate": 0.4,
        "rows": [
            {"code": r["code"], "name": r["name"], "rate": r["rate"]} for r in by_unit.json["rows"]
        ],
    }
    assert client.get("/api/v1/campaigns/999/board").status_code == 404

    exported = client.get(f"{url}/participation.xlsx", headers=host)
    assert exported.status_code == 200, exported.json
    book = openpyxl.load_workbook(io.BytesIO(exported.data))
    assert book.sheetnames == ["单位", "区县", "城市"]
    assert list(book["单位"].iter_rows(values_only=True)) == [
        ("编码", "名称", "参与人数", "应参与人数", "参与率"),
        *[(r["code"], r["name"], 3, r["headcount"], r["rate"]) for r in by_unit.json["rows"]],
        (None, "合计", 6, 15, 0.4),
    ]

    ranked = client.get(f"{url}/rankings", headers=host)
    assert ranked.status_code == 200, ranked.json
    assert [(r["name"], r["rank"]) for r in ranked.json["rows"]] == [("乙单位", 1), ("甲单位", 2)]
    best = ranked.json["rows"][0]
    assert best["mean_points"] > 0
    assert best["score"] == pytest.approx(0.7 * 0.6 + 0.3 * best["mean_points"] / 1000)


def test_the_stage_attempt_rule_limits_attempts(
    client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    heat = selfpaced_round(wired, "owner")
    stage = {"title": "初赛", "rounds": [heat], "attempt_rule": {"kind": "per_day", "n": 1}}
    client.post(f"{url}/stages", json=stage, headers=host)
    token = client.post(f"{url}/registrations", json={"nickname": "小红"}).json["token"]
    assert attempt(client, url, token, heat).status_code == 201
    refused = attempt(client, url, token, heat)
    assert refused.status_code == 409
    assert refused.json["error"]["fields"]["attempt"] == ["daily_limit"]
    assert refused.json["error"]["fields"]["opens_at"] > clock.now
    assert attempt(client, url, token, heat, practice=True).status_code == 201
    clock.advance(DAY)
    assert attempt(client, url, token, heat).status_code == 201
    assert attempt(client, url, "not-a-token", heat).status_code == 404
    assert attempt(client, url, token, 999_999).status_code == 404
    other = new_campaign(client, host)
    assert attempt(client, f"/api/v1/campaigns/{other['id']}", token, heat).status_code == 404


@pytest.mark.parametrize("query", ["by=street", "stage=0", "stage=2", "stage=x"])
def test_bad_participation_queries_name_the_field(
    client: FlaskClient, wired: Wiring, host: Headers, query: str
) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    heat = selfpaced_round(wired, "owner")
    client.post(
        f"{url}/stages",
        json={"title": "s", "rounds": [heat], "attempt_rule": {"kind": "one"}},
        headers=host,
    )
    response = client.get(f"{url}/participation?{query}", headers=host)
    assert response.status_code == 422, response.json
    assert query.split("=")[0] in response.json["error"]["fields"]


def test_rankings_need_the_stages_max_points_to_weigh_the_mean(
    client: FlaskClient, wired: Wiring, host: Headers
) -> None:
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}"
    assert client.get(f"{url}/participation", headers=host).status_code == 409  # no stage
    heat = selfpaced_round(wired, "owner")
    stage = {"title": "s", "rounds": [heat], "attempt_rule": {"kind": "one"}}
    client.post(f"{url}/stages", json=stage, headers=host)
    response = client.get(f"{url}/rankings", headers=host)
    assert response.status_code == 409
    assert "max_points" in response.json["error"]["fields"]
    unruled = client.get(f"{url}/stages/1/qualifiers", headers=host)
    assert unruled.status_code == 409
    assert "advancement" in unruled.json["error"]["fields"]
    client.patch(url, json={"weighting": {"rate": 100}}, headers=host)
    assert client.get(f"{url}/rankings", headers=host).json["rows"] == []


def test_a_registrations_unit_lies_in_its_place(
    client: FlaskClient, host: Headers, clock: Clock
) -> None:
    made = new_campaign(
        client, host, registration={"fields": {"place": "optional", "unit": "optional"}}
    )
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    form = {"nickname": "a", "unit": "深圳市科协"}
    refused = client.post(f"{url}/registrations", json={**form, "place": "广州"})
    assert refused.json["error"]["fields"] == {"unit": ["not in the place given"]}
    assert client.post(f"{url}/registrations", json={**form, "place": "深圳"}).status_code == 201
    assert (
        client.post(f"{url}/registrations", json={"nickname": "b", "place": "越秀"}).status_code
        == 201
    )
    places = [r["place"] for r in client.get(f"{url}/registrations", headers=host).json]
    assert places == ["440300", "440104"]


def test_leitai_campaign_purge_forgets_personal_data_after_the_close(
    app: Flask, client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, registration=ASKING)
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    upload(client, f"{url}/members", host, "编号,姓名\nA1,张三\n".encode(), "m.csv")
    form = {
        "nickname": "小明",
        "name": "王小明",
        "phone": "13800135678",
        "unit": "深圳市科协",
        "school": "实验中学",
        "id_number": id_number(),
    }
    assert client.post(f"{url}/registrations", json=form).status_code == 201
    runner = CliRunner()
    argv = ["campaign", "purge", str(made["id"])]
    early = runner.invoke(cli, argv, obj={"app": app})
    assert early.exit_code == 1
    assert "after it closes" in early.output
    clock.advance(31 * DAY)
    result = runner.invoke(cli, argv, obj={"app": app})
    assert result.exit_code == 0, result.output
    assert "1 registrations" in result.output
    (kept,) = client.get(f"{url}/registrations", headers=host).json
    assert (kept["nickname"], kept["place"], kept["name"], kept["phone"]) == (
        "小明",
        "440300",
        None,
        None,
    )
    assert kept["details"] == {}
    with wired.database.session() as session:
        assert session.execute(text("SELECT count(*) FROM campaign_members")).scalar() == 0
        hashes = session.execute(text("SELECT identity_hash FROM campaign_registrations"))
        assert hashes.scalars().all() == [None]


def test_leitai_campaign_participation(
    app: Flask, client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, registration={"fields": {"unit": "required"}})
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat = selfpaced_round(wired, "owner")
    stage = {"title": "初赛", "rounds": [heat], "attempt_rule": {"kind": "one"}}
    client.post(f"{url}/stages", json=stage, headers=host)
    token = client.post(f"{url}/registrations", json={"nickname": "a", "unit": "乙单位"}).json[
        "token"
    ]
    assert attempt(client, url, token, heat).status_code == 201
    result = CliRunner().invoke(
        cli, ["campaign", "participation", str(made["id"]), "--by", "city"], obj={"app": app}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "code\tname\tparticipants\theadcount\trate"
    assert "440300\t深圳市\t1\t5\t20.00%" in lines
    assert lines[-1] == "\ttotal\t1\t15\t6.67%"


def test_qualifiers_follow_the_advancement_rule_with_ties_at_the_cut_marked(
    client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, registration={"fields": {"unit": "optional"}})
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat = add_heat(
        client, wired, url, host, attempt_rule={"kind": "one"}, advancement={"per": "unit", "k": 2}
    )
    assert client.get(f"{url}/stages/1/qualifiers", headers=host).json["qualifiers"] == []

    def starts(nickname: str, unit: str | None) -> str:
        form = {"nickname": nickname} | ({"unit": unit} if unit else {})
        token = client.post(f"{url}/registrations", json=form).json["token"]
        return attempt(client, url, token, heat).json["token"]

    for i in range(3):  # b0 answers fastest; the a's all score nothing at no time: a tie
        bearer = {"Authorization": f"Bearer {starts(f'b{i}', '乙单位')}"}
        key = client.get(f"/api/v1/rounds/{heat}/paper/next", headers=bearer).json["question"]
        clock.advance(1000 * (i + 1))
        answered = client.post(
            f"/api/v1/rounds/{heat}/answers",
            json={"question": key["key"], "response": "b"},
            headers=bearer,
        )
        assert answered.status_code == 200, answered.json
        starts(f"a{i}", "甲单位")
    starts("nobody", None)
    found = client.get(f"{url}/stages/1/qualifiers", headers=host)
    assert found.status_code == 200, found.json
    rows = [
        (q["nickname"], q["group_name"], q["rank"], q["tied_at_cut"])
        for q in found.json["qualifiers"]
    ]
    a_unit = [r for r in rows if r[1] == "甲单位"]
    assert sorted(a_unit) == [(f"a{i}", "甲单位", 1, True) for i in range(3)]
    assert [r for r in rows if r[1] == "乙单位"] == [
        ("b0", "乙单位", 1, False),
        ("b1", "乙单位", 2, False),
    ]
    assert len(found.json["ungrouped"]) == 1
    assert client.get(f"{url}/stages/2/qualifiers", headers=host).status_code == 422


def test_confirmed_qualifiers_alone_take_part_in_the_next_stage(
    client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    made = new_campaign(client, host, registration={"fields": {"unit": "optional"}})
    url = f"/api/v1/campaigns/{made['id']}"
    upload(client, f"{url}/units", host, TWO_UNITS, "units.csv")
    heat, final = selfpaced_round(wired, "owner"), selfpaced_round(wired, "owner")
    first = {"title": "初赛", "rounds": [heat], "attempt_rule": {"kind": "one"}}
    client.post(
        f"{url}/stages", json={**first, "advancement": {"per": "unit", "k": 1}}, headers=host
    )
    client.post(
        f"{url}/stages",
        json={"title": "决赛", "rounds": [final], "attempt_rule": {"kind": "one"}},
        headers=host,
    )
    tokens = {}
    for nickname, unit in (("a0", "甲单位"), ("a1", "甲单位"), ("b0", "乙单位")):
        form = {"nickname": nickname, "unit": unit}
        tokens[nickname] = client.post(f"{url}/registrations", json=form).json["token"]
        assert attempt(client, url, tokens[nickname], heat).status_code == 201
    confirm = f"{url}/stages/1/qualifiers"
    early = client.post(confirm, json={}, headers=host)
    assert early.status_code == 409
    assert "stage" in early.json["error"]["fields"]
    assert client.post(f"/api/v1/rounds/{heat}/finish", headers=host).status_code == 200
    qualifiers = client.get(confirm, headers=host).json["qualifiers"]
    ids = {q["nickname"]: q["registration"] for q in qualifiers}
    assert sorted(ids) == ["a0", "a1", "b0"]  # a0 and a1 tie at the cut of 1
    stranger = client.post(confirm, json={"registrations": [ids["a0"], 999]}, headers=host)
    assert stranger.status_code == 422
    assert "registrations" in stranger.json["error"]["fields"]
    kept = [ids["a0"], ids["b0"]]  # the tie trimmed, as the published rules say
    confirmed = client.post(confirm, json={"registrations": kept}, headers=host)
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json == {"stage": 1, "confirmed": sorted(kept)}
    assert attempt(client, url, tokens["a0"], final).status_code == 201
    assert attempt(client, url, tokens["b0"], final).status_code == 201
    refused = attempt(client, url, tokens["a1"], final)
    assert refused.status_code == 409
    assert refused.json["error"]["fields"] == {"registration": ["not a qualifier"]}
    late = client.post(f"{url}/registrations", json={"nickname": "late"}).json["token"]
    assert attempt(client, url, late, final).status_code == 409


def test_registrations_from_one_address_are_limited(
    client: FlaskClient, wired: Wiring, host: Headers, clock: Clock
) -> None:
    wired.registrations.limits = EntryLimits(per_client=2, per_round=0, window_s=60)
    made = new_campaign(client, host)
    url = f"/api/v1/campaigns/{made['id']}/registrations"
    assert client.post(url, json={"nickname": ""}).status_code == 422  # a try all the same
    assert client.post(url, json={"nickname": "a"}).status_code == 201
    refused = client.post(url, json={"nickname": "b"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    other = client.post(url, json={"nickname": "c"}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 201
