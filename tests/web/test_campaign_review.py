"""A registration's wrong answers over its attempts in a campaign's rounds
(``GET /campaigns/{id}/review/mine``): each attempt opens as its round's reveal rule
says, a practice stage's at once, and never to anyone but the registration's holder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web.campaign_helpers import DAY, attempt, new_campaign, selfpaced_round
from tests.web.live_helpers import START, Clock
from tests.web.test_campaign_draws_api import answer
from web.wiring import Wiring

Headers = dict[str, str]
AFTER_CLOSE = {
    "mode": "self_paced",
    "reveal_answers": "after_close",
    "draw": {"kind": "fixed", "keys": ["nd-0001"]},
}
WRONG, RIGHT = "a", "b"


@dataclass
class Campaign:
    url: str
    counted: int  # stage 1's round: one counted attempt, reveals after its window closes
    practice: int  # stage 2's round: a practice stage
    host: Headers


@pytest.fixture
def campaign(
    client: FlaskClient, wired: Wiring, login: Callable[..., Headers], clock: Clock
) -> Campaign:
    host = login("host", "owner")
    url = f"/api/v1/campaigns/{new_campaign(client, host)['id']}"
    counted = selfpaced_round(wired, "owner", AFTER_CLOSE)
    practice = selfpaced_round(wired, "owner", AFTER_CLOSE)
    for title, round_id, kind in (("初赛", counted, "one"), ("练习", practice, "practice")):
        stage = {"title": title, "rounds": [round_id], "attempt_rule": {"kind": kind}}
        assert client.post(f"{url}/stages", json=stage, headers=host).status_code == 201
    return Campaign(url, counted, practice, host)


def register(client: FlaskClient, campaign: Campaign, nickname: str) -> str:
    made = client.post(f"{campaign.url}/registrations", json={"nickname": nickname})
    assert made.status_code == 201, made.json
    return made.json["token"]


def sit(client: FlaskClient, campaign: Campaign, token: str, round_id: int, response: str,
        **extra: Any) -> str:  # fmt: skip
    entry = attempt(client, campaign.url, token, round_id, **extra)
    assert entry.status_code == 201, entry.json
    answer(client, round_id, entry.json["token"], response)
    return entry.json["contestant"]


def mistakes(client: FlaskClient, campaign: Campaign, token: str, query: str = "") -> Any:
    return client.get(
        f"{campaign.url}/review/mine{query}", headers={"Authorization": f"Bearer {token}"}
    )


def test_a_counted_attempt_opens_when_its_window_closes_a_practice_stage_at_once(
    client: FlaskClient, campaign: Campaign, clock: Clock
) -> None:
    token = register(client, campaign, "阿明")
    counted = sit(client, campaign, token, campaign.counted, WRONG)
    clock.advance(1000)
    sit(client, campaign, token, campaign.practice, WRONG)
    clock.advance(1000)
    sit(client, campaign, token, campaign.practice, RIGHT)
    # A practice attempt in the counted stage follows the round's rule too.
    clock.advance(1000)
    sit(client, campaign, token, campaign.counted, WRONG, practice=True)

    found = mistakes(client, campaign, token)
    assert found.status_code == 200, found.json
    attempts = found.json["attempts"]
    assert [(a["round"], a["stage"], a["practice"]) for a in attempts] == [
        (campaign.counted, 1, False),
        (campaign.practice, 2, True),
        (campaign.practice, 2, True),
        (campaign.counted, 1, True),
    ]
    first, wrong_practice, right_practice, practice_in_counted = attempts
    close = START + 10 * DAY
    for shut in (first, practice_in_counted):  # never before the window closes
        assert (shut["reviewable"], shut["wrong"], shut["opens_at"]) == (0, [], close)
    (item,) = wrong_practice["wrong"]
    assert item["response"] == WRONG
    assert item["answer"] == [RIGHT]
    assert not item["correct"]
    assert item["answered"]
    assert item["answer_choices"]
    assert item["prompt"]
    assert "explanation" in item
    assert right_practice["reviewable"] == 1
    assert right_practice["wrong"] == []
    assert found.json["wrong"] == 1

    clock.advance(11 * DAY)  # the counted round's window has closed
    after = mistakes(client, campaign, token, "?lang=en").json
    assert after["lang"] == "en"
    assert after["wrong"] == 3
    opened = after["attempts"][0]
    assert opened["reviewable"] == 1
    assert opened["opens_at"] is None
    # The same as the round's own review shows that contestant, wrong ones only.
    own = client.get(
        f"/api/v1/rounds/{campaign.counted}/review?lang=en&wrong_only=1",
        headers={"Authorization": f"Bearer {contestant_token(client, counted, campaign)}"},
    )
    assert own.status_code == 200, own.json
    assert opened["wrong"] == own.json["questions"]


def contestant_token(client: FlaskClient, contestant: str, campaign: Campaign) -> str:
    wired = client.application.extensions["leitai"]
    return wired.contestant_tokens.issue({"round": campaign.counted, "contestant": contestant})


def test_only_the_registrations_token_reads_it(
    client: FlaskClient, wired: Wiring, campaign: Campaign, login: Callable[..., Headers]
) -> None:
    token = register(client, campaign, "阿明")
    contestant = sit(client, campaign, token, campaign.practice, WRONG)
    assert client.get(f"{campaign.url}/review/mine").status_code == 401
    assert mistakes(client, campaign, "not-a-token").status_code == 401
    organiser = campaign.host["Authorization"].removeprefix("Bearer ")
    assert mistakes(client, campaign, organiser).status_code == 401
    player = wired.contestant_tokens.issue({"round": campaign.practice, "contestant": contestant})
    assert mistakes(client, campaign, player).status_code == 401
    other = new_campaign(client, campaign.host)
    elsewhere = client.post(
        f"/api/v1/campaigns/{other['id']}/registrations", json={"nickname": "b"}
    ).json["token"]
    refused = mistakes(client, campaign, elsewhere)
    assert refused.status_code == 403
    assert "wrong" not in refused.json
    assert mistakes(client, campaign, token, "?lang=fr").status_code == 422
    # Another registration sees nothing of the first's.
    stranger = register(client, campaign, "Ben")
    assert mistakes(client, campaign, stranger).json["attempts"] == []
