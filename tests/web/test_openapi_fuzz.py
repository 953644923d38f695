"""Schemathesis over the OpenAPI document: no operation answers 5xx, whatever it is sent,
and a request it refuses (4xx) changes nothing.

Every operation of ``GET /api/v1/openapi.json`` gets a few valid and a few invalid
requests (schemathesis' positive and negative modes) as an admin, through the WSGI app:
a 500 is a bug in how that input is refused; a refusal that left a Redis key or an SQL
row changed stored part of what it refused. Bounded so the suite stays fast.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.generation.modes import GenerationMode

from tests.web.live_helpers import START, Rounds, install_clock
from tests.web.stores import Stores, snapshot

EXAMPLES = 6  # per operation, over the four ways of generating a request


@pytest.fixture
def api(app, client, wired, login, monkeypatch):  # type: ignore[no-untyped-def]
    """The app's own schema, an admin's headers, and path parameters naming things that
    exist (a bank, its version, a live round with a contestant), so requests go past 404."""
    install_clock(monkeypatch)
    headers = login("admin")
    game = Rounds(app, client, wired, headers)()
    player, _ = game.player("alice")
    existing = {
        "slug": "national-defence",
        "number": 1,
        "competition_id": game.competition_id,
        "round_id": game.id,
        "contestant": player.contestant,
        "campaign_id": campaign(wired, game.id),
        "position": 1,
    }
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app), headers, existing, wired


def campaign(wired, round_id):  # type: ignore[no-untyped-def]
    """An admin's campaign whose stage has the round."""
    admin = wired.accounts.users.find("admin-user")[0].organiser
    settings = {"title": "Fuzz", "opens_at": START, "closes_at": START + 86_400_000}
    made = wired.campaigns.create(admin, settings)["id"]
    stage = {"title": "s", "rounds": [round_id], "attempt_rule": {"kind": "one"}}
    stage |= {"advancement": {"per": "city", "k": 1}}
    wired.campaigns.add_stage(admin, made, {**stage, "max_points": 1000})
    return made


def test_no_5xx_and_a_refusal_changes_nothing(api) -> None:  # type: ignore[no-untyped-def]
    schema, headers, existing, wired = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    #: The stores after the last request, when it was refused (so changed nothing): the
    #: next request's "before" without reading them again. Snapshots are most of the time.
    stores: list[Stores] = []
    refused: list[str] = []
    for operation in operations:
        known = {name: value for name, value in existing.items() if f"{{{name}}}" in operation.path}
        strategy = (
            operation.as_strategy(GenerationMode.POSITIVE)
            | operation.as_strategy(GenerationMode.NEGATIVE)
            | operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known)
            | operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=known)
        )

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def answered(case) -> None:  # type: ignore[no-untyped-def]
            before = stores.pop() if stores else snapshot(wired)
            response = case.call(headers=headers)
            said = (
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:300]}\n{case.as_curl_command()}"
            )
            assert response.status_code < 500, said
            if response.status_code >= 400:
                refused.append(case.operation.label)
                stores.append(snapshot(wired))  # also the next request's "before"
                changes = stores[-1].changes_since(before)
                assert not changes, f"refused, yet changed {changes}\n{said}"

        answered()
    # Most operations were refused some input, and every refusal was checked.
    assert len(set(refused)) > len(operations) * 3 // 4
