"""Campaigns as the web tests build them: a campaign, a self-paced heat on the seed bank,
a roster upload, an entry by registration token (docs/campaigns.md)."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient

from tests.web.live_helpers import START, import_bank
from web.wiring import Wiring

DAY = 86_400_000
SELF_PACED = {"mode": "self_paced", "draw": {"kind": "fixed", "keys": ["nd-0001"]}}
LIVE = {"mode": "live", "draw": {"kind": "fixed", "keys": ["nd-0001"]}}
Headers = dict[str, str]
TWO_UNITS = "单位名称,所属地区,应参与人数\n甲单位,广州市,10\n乙单位,深圳市,5\n".encode()
#: A bureau with an office under it, and a unit of another city.
NESTED_UNITS = (
    "单位名称,所属地区,应参与人数,上级单位\n"
    "广州市教育局,广州市,10,\n"
    "越秀区教育局,越秀区,4,广州市教育局\n"
    "深圳市科协,深圳,5,\n"
).encode()


def new_campaign(client: FlaskClient, headers: Headers, **settings: Any) -> dict[str, Any]:
    body = {"title": "科普知识竞赛", "opens_at": START - DAY, "closes_at": START + 30 * DAY}
    response = client.post("/api/v1/campaigns", json={**body, **settings}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def selfpaced_round(wired: Wiring, owner: str, rules: dict[str, Any] = SELF_PACED) -> int:
    version = import_bank(wired)
    organiser = wired.accounts.users.find(owner)
    assert organiser is not None
    competition = wired.competitions.create(
        title="初赛",
        bank_slug="national-defence",
        bank_version=version,
        rules=rules,
        created_by=owner,
        owner_id=organiser[0].organiser.id,
    )["id"]
    window = (START - DAY, START + 10 * DAY) if rules["mode"] == "self_paced" else None
    return wired.competitions.open_round(competition, window)["id"]


def upload(client: FlaskClient, url: str, headers: Headers, data: bytes, name: str) -> Any:
    return client.post(
        url,
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def attempt(client: FlaskClient, url: str, token: str, round_id: int, **extra: Any) -> Any:
    return client.post(f"{url}/entries", json={"token": token, "round": round_id, **extra})


def add_heat(client: FlaskClient, wired: Wiring, url: str, host: Headers, **stage: Any) -> int:
    """A stage (one attempt unless ``stage`` says otherwise) over a new self-paced round
    the owner hosts; the round's id."""
    heat = selfpaced_round(wired, "owner")
    body = {"title": "初赛", "rounds": [heat], "attempt_rule": {"kind": "one"}, **stage}
    response = client.post(f"{url}/stages", json=body, headers=host)
    assert response.status_code == 201, response.json
    return heat
