"""The drainer stores a batch in SQL, then acknowledges it: a process that dies in between
leaves the batch pending, the next read replays it, and SQL holds every row once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.adapters.redis.answer_log import RedisAnswerLog
from tests.web.live_helpers import import_bank
from web.wiring import Wiring

T0 = 1_700_000_000_000


class DiesBeforeAcknowledging(RedisAnswerLog):
    """The real answer log, in a process that dies before it acknowledges."""

    def acknowledge(self, ids: list[str]) -> None:
        raise SystemExit("killed")


def one_question_round(wired: Wiring, title: str) -> tuple[int, int, str]:
    """A live round of nd-0001 in a competition of its own: (competition, round, code)."""
    import_bank(wired)
    competition = wired.competitions.create(
        title=title,
        bank_slug="national-defence",
        bank_version=1,
        rules={"mode": "live", "draw": {"kind": "fixed", "keys": ["nd-0001"]}},
        created_by="test",
    )
    round_id = wired.competitions.open_round(competition["id"])["id"]
    return competition["id"], round_id, wired.competitions.plan(round_id).code


def test_a_batch_stored_but_not_acknowledged_is_replayed_and_stored_once(wired: Wiring) -> None:
    _, round_id, code = one_question_round(wired, "重放")
    people = [wired.live.join(code, f"p{n}", None, None, T0).contestant for n in range(4)]
    wired.live.command(round_id, "start", T0)
    for n, contestant in enumerate(people):
        wired.live.answer(round_id, contestant, "nd-0001", "abcd"[n], T0 + 1_000 * (n + 1))
    wired.live.command(round_id, "skip", T0 + 9_000)
    record = wired.competitions.rounds

    dying = DiesBeforeAcknowledging(wired.redis.client, wired.settings.redis_prefix)
    with pytest.raises(SystemExit):
        replace(wired.drainer, log=dying, consumer="worker").drain_once()
    assert len(record.answers(round_id)) == len(people)  # stored, not acknowledged

    assert replace(wired.drainer, consumer="worker").drain_once() == 2 * len(people) + 1
    assert replace(wired.drainer, consumer="worker").drain_once() == 0

    assert sorted(c["contestant"] for c in record.contestants(round_id)) == sorted(people)
    answers = record.answers(round_id)
    assert sorted(a["contestant"] for a in answers) == sorted(people)
    assert {(a["points"], a["voided"]) for a in answers} == {(0, True)}


def test_one_contestants_answers_are_theirs_alone_in_paper_order(wired: Wiring) -> None:
    import_bank(wired)
    competition = wired.competitions.create(
        title="回顾",
        bank_slug="national-defence",
        bank_version=1,
        rules={"mode": "live", "draw": {"kind": "fixed", "keys": ["nd-0001", "nd-0002"]}},
        created_by="test",
    )
    round_id = wired.competitions.open_round(competition["id"])["id"]
    code = wired.competitions.plan(round_id).code
    alice, bob = (wired.live.join(code, name, None, None, T0).contestant for name in "ab")
    wired.live.command(round_id, "start", T0)
    wired.live.answer(round_id, bob, "nd-0001", "a", T0 + 500)
    wired.live.answer(round_id, alice, "nd-0001", "b", T0 + 1_000)
    wired.live.command(round_id, "close", T0 + 2_000)
    wired.live.command(round_id, "next", T0 + 3_000)
    wired.live.answer(round_id, alice, "nd-0002", "a", T0 + 4_000)
    wired.drainer.drain_all()
    record = wired.competitions.rounds

    mine = record.answers_of(round_id, alice)
    assert [(a["question_index"], a["response"]) for a in mine] == [(0, "b"), (1, "a")]
    assert mine == [a for a in record.answers(round_id) if a["contestant"] == alice]
    assert [a["contestant"] for a in record.answers_of(round_id, bob)] == [bob]
    assert record.answers_of(round_id, "nobody") == []
