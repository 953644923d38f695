"""What the answer script writes besides the boards: the answer log's entries, each record
one JSON field, and the question's option histogram."""

from __future__ import annotations

import json

from engine.adapters.redis.answer_log import RECORD, log_key
from engine.adapters.redis.records import ANSWER
from engine.domain.log import Answered
from tests.web.live_helpers import import_bank
from web.wiring import Wiring

T0 = 1_700_000_000_000


def open_round(wired: Wiring, keys: tuple[str, ...] = ("nd-0001", "nd-0006")) -> int:
    import_bank(wired)
    competition = wired.competitions.create(
        title="日志",
        bank_slug="national-defence",
        bank_version=1,
        rules={"mode": "live", "draw": {"kind": "fixed", "keys": list(keys)}},
        created_by="test",
    )
    return wired.competitions.open_round(competition["id"])["id"]


def logged(wired: Wiring, round_id: int) -> list[dict[str, str]]:
    raw = wired.redis.client.xrange(log_key(wired.settings.redis_prefix, round_id))
    return [{k.decode(): v.decode() for k, v in fields.items()} for _, fields in raw]


def test_each_record_is_one_json_field_beside_what_a_script_adds(wired: Wiring) -> None:
    round_id = open_round(wired)
    code = wired.competitions.plan(round_id).code
    contestant = wired.live.join(code, "阿明", "guangzhou", None, T0).contestant
    wired.live.command(round_id, "start", T0)
    wired.live.answer(round_id, contestant, "nd-0001", "b", T0 + 1_500)
    wired.live.command(round_id, "skip", T0 + 2_000)

    join, answer, void = logged(wired, round_id)

    assert join.keys() == {"contestant", RECORD}  # the id is made inside the join script
    assert join["contestant"] == contestant
    assert json.loads(join[RECORD]) == {
        "kind": "join",
        "round": str(round_id),
        "nickname": "阿明",
        "region": "guangzhou",
        "team": "",
        "at": str(T0),
        "identity": "",  # keyed hashes, when the phone gave an identity / an address
        "client": "",
    }
    assert answer.keys() == {RECORD}
    assert json.loads(answer[RECORD]) == {
        "kind": "answer",
        "round": str(round_id),
        "contestant": contestant,
        "index": "0",
        "key": "nd-0001",
        "response": '"b"',
        "correct": "1",
        "credit": "1.0",
        "points": json.loads(answer[RECORD])["points"],
        "response_ms": "1500",
        "at": str(T0 + 1_500),
    }
    assert void.keys() == {RECORD}
    assert json.loads(void[RECORD])["kind"] == "void"
    assert wired.drainer.drain_all() == 3
    assert [
        (a["contestant"], a["voided"]) for a in wired.competitions.rounds.answers(round_id)
    ] == [(contestant, True)]


def test_the_histogram_counts_choices_picked_or_right_and_wrong(wired: Wiring) -> None:
    # single (right: b), multiple (a b c), true/false (true), text (南昌)
    round_id = open_round(wired, ("nd-0001", "nd-0006", "nd-0012", "nd-0003"))
    code = wired.competitions.plan(round_id).code
    people = [wired.live.join(code, f"p{n}", None, None, T0).contestant for n in range(3)]
    responses = [
        ("nd-0001", ["b", "b", "d"]),
        ("nd-0006", [["a", "b", "c"], ["a"], []]),
        ("nd-0012", [True, False, True]),
        ("nd-0003", ["南昌", "北京", "南昌"]),
    ]
    at = T0
    for index, (key, sent) in enumerate(responses):
        wired.live.command(round_id, "next" if index else "start", at)
        for contestant, response in zip(people, sent, strict=True):
            wired.live.answer(round_id, contestant, key, response, at + 1_000)
        wired.live.command(round_id, "close", at + 2_000)
        at += 10_000

    store = wired.live.store
    assert [store.option_counts(round_id, i) for i in range(4)] == [
        {"b": 2, "d": 1},
        {"a": 2, "b": 1, "c": 1},
        {"true": 2, "false": 1},
        {"correct": 2, "wrong": 1},
    ]


def test_an_answer_with_a_value_holding_the_separator_is_refused_and_changes_nothing(
    wired: Wiring,
) -> None:
    round_id = open_round(wired)
    code = wired.competitions.plan(round_id).code
    contestant = wired.live.join(code, "阿明", None, None, T0).contestant
    state = wired.live.command(round_id, "start", T0)[0]
    before = len(logged(wired, round_id))
    outcome = wired.live.store.record_answer(
        round_id,
        None,
        contestant,
        0,
        seq=state.seq,
        expected_progress=(0, -1),
        new_progress=(1, 0),
        expected_score=None,
        points=1000,
        response_ms=1500,
        result={"question": "nd-0001", "points": 1000},
        options=[f"b{ANSWER.separator}a"],
        log=Answered(round_id, contestant, 0, "nd-0001", "b", True, 1.0, 1000, 1500, T0),
    )
    assert (outcome.status, outcome.reason) == ("refused", "malformed")
    assert len(logged(wired, round_id)) == before
    assert wired.live.store.answers(round_id, 0) == {}
    assert wired.leaderboard.standing(round_id, contestant).points == 0
