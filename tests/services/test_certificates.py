"""Certificates on fakes: a plan per round, issued once from the finished round's
standings (ties share an award), revoked with the content kept, verified by serial."""

from __future__ import annotations

import pytest

from engine.services.errors import Conflict, NotFound
from tests.services.conftest import Fakes, ranked_round

PLAN = {
    "templates": [
        {
            "key": "first",
            "rule": {"kind": "rank", "top": 1},
            "award": {"zh-Hans": "一等奖"},
            "title": {"zh-Hans": "荣誉证书"},
            "issuer": {"zh-Hans": "广东省学习办"},
            "date": "2026-12-03",
        },
        {
            "key": "took-part",
            "rule": {"kind": "participation"},
            "award": {"zh-Hans": "参与奖"},
            "title": {"zh-Hans": "参与证书"},
            "issuer": {"zh-Hans": "广东省学习办"},
        },
    ]
}


def test_certificates_are_issued_once_from_the_standings_and_revoked_with_a_reason(
    fakes: Fakes, bank: str
) -> None:
    round_id = ranked_round(fakes, bank)
    with pytest.raises(NotFound):
        fakes.certificates.plan(round_id)
    fakes.certificates.set_plan(round_id, PLAN, "ada")
    with pytest.raises(Conflict):  # not before the round has finished
        fakes.certificates.issue(round_id, 1_000)
    fakes.rounds.set_status(round_id, "finished")

    issued = fakes.certificates.issue(round_id, 1_000)
    assert sorted((c["contestant"], c["template"]) for c in issued) == [
        ("1", "first"),
        ("1", "took-part"),
        ("2", "first"),  # a tie for first: both
        ("2", "took-part"),
        ("3", "took-part"),
    ]
    assert fakes.certificates.issue(round_id, 2_000) == []  # once
    assert len(fakes.certificates.of_round(round_id)) == 5
    mine = fakes.certificates.mine(round_id, "3")
    assert [c["content"]["holder"] for c in mine] == ["N3"]

    serial = mine[0]["serial"]
    assert fakes.certificates.verification(serial)["status"] == "valid"
    revoked = fakes.certificates.revoke(serial, " cheating ", 3_000)
    assert (revoked["revoked_at_ms"], revoked["revoke_reason"]) == (3_000, "cheating")
    assert fakes.certificates.verification(serial)["status"] == "revoked"
    assert fakes.certificates.certificate(serial)["content"] == mine[0]["content"]
