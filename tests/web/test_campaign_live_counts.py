"""Live participation (docs/campaigns.md "Participation and rankings"): the counts kept
as attempts happen equal the table recomputed from the record, over random histories of
registrations (with and without a unit, in nested units), counted and practice attempts,
attempts the rule refuses and retried ones, under every attempt rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from engine.services.errors import Conflict
from tests.web.campaign_helpers import (
    DAY,
    NESTED_UNITS,
    Headers,
    add_heat,
    new_campaign,
    upload,
)
from tests.web.live_helpers import START
from web.api.campaigns import ParticipationSchema
from web.wiring import Wiring

UNITS = [None, "广州市教育局", "越秀区教育局", "深圳市科协"]
RULES = [
    {"kind": "one"},
    {"kind": "per_day", "n": 2},
    {"kind": "best_of", "n": 2},
    {"kind": "first_of_day"},
    {"kind": "practice"},
]
#: (who, day, practice, sent twice)
ATTEMPTS = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 2), st.booleans(), st.booleans()), max_size=14
)


@pytest.fixture
def host(login: Callable[..., Headers]) -> Headers:
    return login("host", "owner")


def tables(wired: Wiring, campaign: int, *, recount: bool) -> list[dict[str, Any]]:
    return [
        wired.participation.participation(campaign, by, recount=recount)
        for by in ("unit", "district", "city")
    ]


@settings(
    max_examples=12,
    # Each example builds a campaign over HTTP: shrinking one would take minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rule=st.sampled_from(RULES),
    people=st.lists(st.sampled_from(UNITS), min_size=1, max_size=6),
    attempts=ATTEMPTS,
)
def test_live_counts_equal_the_recount_over_random_histories(
    client: FlaskClient,
    wired: Wiring,
    host: Headers,
    rule: dict[str, Any],
    people: list[str | None],
    attempts: list[tuple[int, int, bool, bool]],
) -> None:
    campaign = new_campaign(client, host, registration={"fields": {"unit": "optional"}})["id"]
    url = f"/api/v1/campaigns/{campaign}"
    assert upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv").status_code == 200
    heat = add_heat(client, wired, url, host, attempt_rule=rule)
    tokens = []
    for i, unit in enumerate(people):
        form = {"nickname": f"p{i}"} | ({} if unit is None else {"unit": unit})
        tokens.append(wired.registrations.register(campaign, form, START)["token"])
    participants: set[int] = set()
    for step, (who, day, practice, twice) in enumerate(attempts):
        if who >= len(people):
            continue
        for _ in range(2 if twice else 1):  # a retried request is one more attempt
            now = START + day * DAY + step
            try:
                wired.campaign_entries.enter(campaign, tokens[who], heat, now, practice=practice)
            except Conflict:
                continue  # the rule refused it: nothing recorded
            if not practice and rule["kind"] != "practice":
                participants.add(who)

    live = tables(wired, campaign, recount=False)
    assert live == tables(wired, campaign, recount=True)
    assert [ParticipationSchema().dump(table) for table in live] == live  # sent undumped
    assert live[0]["campaign"]["participants"] == len(participants - unitless(people))
    assert live[0]["without_unit"] == len(participants & unitless(people))


def unitless(people: list[str | None]) -> set[int]:
    return {i for i, unit in enumerate(people) if unit is None}


def test_a_participant_counts_once_in_its_unit_and_its_parents(
    client: FlaskClient, wired: Wiring, host: Headers
) -> None:
    campaign = new_campaign(client, host, registration={"fields": {"unit": "required"}})["id"]
    url = f"/api/v1/campaigns/{campaign}"
    upload(client, f"{url}/units", host, NESTED_UNITS, "units.csv")
    heat = add_heat(client, wired, url, host, attempt_rule={"kind": "first_of_day"})
    token = wired.registrations.register(campaign, {"nickname": "a", "unit": "越秀区教育局"}, START)
    for day in range(3):  # three counted attempts, one participant
        wired.campaign_entries.enter(campaign, token["token"], heat, START + day * DAY)
    wired.campaign_entries.enter(campaign, token["token"], heat, START, practice=True)
    rows = {
        r["name"]: (r["participants"], r["headcount"])
        for r in wired.participation.participation(campaign, "unit")["rows"]
    }
    assert rows == {"广州市教育局": (1, 10), "越秀区教育局": (1, 4), "深圳市科协": (0, 5)}
    assert tables(wired, campaign, recount=False) == tables(wired, campaign, recount=True)
