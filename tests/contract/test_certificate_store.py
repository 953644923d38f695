"""Certificate plans and issued certificates, on every SQL backend and in the in-memory
fake: a plan per round or campaign stage, replaced whole; certificates stored all or
none, one per holder and template; listed in issue order; revoked once."""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from engine.adapters.sql.certificates import SqlCertificateStore
from engine.adapters.sql.database import Database
from engine.adapters.sql.rounds import SqlRoundRepository
from engine.ports import CampaignCertificateStore, CertificateStore, RoundRepository
from tests.contract.conftest import a_round
from tests.fakes.certificates import InMemoryCertificateStore
from tests.fakes.rounds import InMemoryRoundRepository


class Store(CertificateStore, CampaignCertificateStore, Protocol):
    """Both ports, as one store serves them."""


@pytest.fixture(params=["sql", "memory"])
def stores(request: pytest.FixtureRequest, database: Database) -> tuple[Store, RoundRepository]:
    if request.param == "memory":
        return InMemoryCertificateStore(), InMemoryRoundRepository()
    return SqlCertificateStore(database), SqlRoundRepository(database)


def issued(serial: str, contestant: str, template: str, at: int, **where: Any) -> dict[str, Any]:
    content = {"holder": "阿明", "award": template}
    return {"serial": serial, "contestant": contestant, "template": template, **where} | {
        "content": content,
        "issued_at_ms": at,
    }


def test_a_plan_is_kept_per_round_and_per_stage_and_replaced_whole(
    stores: tuple[Store, RoundRepository], campaign_id: int
) -> None:
    store, rounds = stores
    round_id = a_round(rounds)
    assert store.plan(round_id) is None
    store.save_plan(round_id, {"templates": [{"key": "gold"}]}, "ada")
    store.save_plan(round_id, {"templates": []}, None)
    assert store.plan(round_id) == {"templates": []}
    assert store.campaign_plan(campaign_id, 1) is None
    store.save_campaign_plan(campaign_id, 1, {"templates": [{"key": "final"}]}, "ada")
    store.save_campaign_plan(campaign_id, 2, {"templates": []}, "ada")
    assert store.campaign_plan(campaign_id, 1) == {"templates": [{"key": "final"}]}
    assert store.plan(round_id) == {"templates": []}


def test_certificates_are_stored_all_or_none_listed_in_order_and_revoked_once(
    stores: tuple[Store, RoundRepository],
) -> None:
    store, rounds = stores
    round_id = a_round(rounds)
    at = {"round_id": round_id}
    assert store.add([issued("S2", "1", "gold", 5, **at), issued("S1", "2", "gold", 5, **at)])
    assert store.add([issued("S3", "1", "merit", 3, **at)])
    # The same holder and template again, or a serial taken: nothing of the batch stays.
    assert not store.add([issued("S4", "3", "gold", 9, **at), issued("S5", "1", "gold", 9, **at)])
    assert not store.add([issued("S6", "3", "gold", 9, **at), issued("S1", "4", "gold", 9, **at)])

    assert store.issued_keys(round_id) == {("1", "gold"), ("2", "gold"), ("1", "merit")}
    assert [c["serial"] for c in store.of_round(round_id)] == ["S3", "S1", "S2"]
    assert [c["serial"] for c in store.of_contestant(round_id, "1")] == ["S3", "S2"]
    assert store.of_round(round_id + 1) == []
    assert store.get("S4") is None
    assert store.get("S1") == {
        "serial": "S1",
        "round_id": round_id,
        "campaign_id": None,
        "stage": None,
        "contestant": "2",
        "template": "gold",
        "content": {"holder": "阿明", "award": "gold"},
        "issued_at_ms": 5,
        "revoked_at_ms": None,
        "revoke_reason": None,
    }
    store.revoke("S1", 7, "cheating")
    store.revoke("S1", 8, "again")
    revoked = store.get("S1")
    assert revoked is not None
    assert (revoked["revoked_at_ms"], revoked["revoke_reason"]) == (7, "cheating")


def test_a_stages_certificates_are_held_by_registrations_beside_the_rounds(
    stores: tuple[Store, RoundRepository], campaign_id: int
) -> None:
    store, rounds = stores
    round_id = a_round(rounds)
    stage = {"campaign_id": campaign_id, "stage": 1}
    first = [issued("C1", "7", "final", 4, **stage), issued("C2", "8", "final", 2, **stage)]
    assert store.add(first)
    assert store.add([issued("C3", "7", "final", 1, campaign_id=campaign_id, stage=2)])
    assert not store.add([issued("C4", "7", "final", 9, **stage)])
    assert store.add([issued("R1", "7", "final", 1, round_id=round_id)])  # a round's own

    assert store.campaign_issued_keys(campaign_id, 1) == {("7", "final"), ("8", "final")}
    assert [c["serial"] for c in store.of_campaign(campaign_id)] == ["C3", "C2", "C1"]
    assert [c["serial"] for c in store.of_registration(campaign_id, "7")] == ["C3", "C1"]
    assert store.issued_keys(round_id) == {("7", "final")}
    assert store.of_campaign(campaign_id + 1) == []
