"""Any interleaving of retries records each self-paced answer exactly once.

Contestants each take a fixed three-question paper; every answer is sent one to four
times, the retries landing anywhere after the first send (also after the contestant has
moved on), and deliveries are asked for again in between. Whatever the order, the SQL
record after draining has one row per (contestant, question), every reply carries the
first result, and the board's points are the sum of the first results.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.web.live_helpers import import_bank
from web.wiring import Wiring

PAPER = ("nd-0001", "nd-0002", "nd-0004")  # single choice, 20 s each
CONTESTANTS = 3
START = 1_800_000_000_000
MAX_STEP_MS = 300  # every run ends well inside a question's 20 s: nothing is missed


def open_round(wired: Wiring, competition_id: int) -> int:
    return wired.competitions.open_round(competition_id, (START, START + 3_600_000))["id"]


def schedule(data: st.DataObject) -> list[tuple[int, str, int]]:
    """(contestant slot, "next" | "answer", question index) in one interleaved order."""
    per_contestant = []
    for slot in range(CONTESTANTS):
        ops: list[tuple[int, str, int]] = []
        firsts = []
        for index in range(len(PAPER)):
            ops += [(slot, "next", index)] * data.draw(st.integers(1, 2))
            firsts.append(len(ops))
            ops.append((slot, "answer", index))
        ops.append((slot, "next", len(PAPER)))
        for index, first in reversed(list(enumerate(firsts))):
            for _ in range(data.draw(st.integers(0, 3))):  # 1-4 sends in all
                at = data.draw(st.integers(first + 1, len(ops)))
                ops.insert(at, (slot, "answer", index))
        per_contestant.append(ops)
    order = [slot for slot, ops in enumerate(per_contestant) for _ in ops]
    order = data.draw(st.permutations(order))
    cursors = [0] * CONTESTANTS
    interleaved = []
    for slot in order:
        interleaved.append(per_contestant[slot][cursors[slot]])
        cursors[slot] += 1
    return interleaved


def test_any_interleaving_of_retries_records_each_answer_once(wired: Wiring) -> None:
    import_bank(wired)
    competition_id = wired.competitions.create(
        title="重试",
        bank_slug="national-defence",
        bank_version=1,
        rules={
            "mode": "self_paced",
            "draw": {"kind": "fixed", "keys": list(PAPER), "shuffle_options": True},
            "scoring": {"speed": "kahoot", "streak_step": 100, "streak_cap": 300},
        },
        created_by="test",
    )["id"]
    bank = {
        q.key: q for q in wired.competitions.plan(open_round(wired, competition_id)).bank.questions
    }

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        round_id = open_round(wired, competition_id)
        selfpaced = wired.selfpaced
        contestants = [
            selfpaced.enter(round_id, f"R{n}", None, None, START).contestant
            for n in range(CONTESTANTS)
        ]
        right = {
            (slot, index): data.draw(st.booleans())
            for slot in range(CONTESTANTS)
            for index in range(len(PAPER))
        }
        first: dict[tuple[str, str], dict[str, Any]] = {}
        now = START
        for slot, op, index in schedule(data):
            now += data.draw(st.integers(0, MAX_STEP_MS))
            contestant = contestants[slot]
            if op == "next":
                delivery = selfpaced.next_question(round_id, contestant, now)
                assert delivery.missed == ()
                continue
            key = PAPER[index]
            question = bank[key]
            response = (
                question.answer[0]
                if right[slot, index]
                else next(c.key for c in question.choices if c.key not in question.answer)
            )
            body = selfpaced.answer(round_id, contestant, key, response, now)
            if (contestant, key) in first:
                assert body["duplicate"] is True
                assert body["result"] == first[contestant, key]
            else:
                assert body["duplicate"] is False
                assert body["result"]["correct"] is right[slot, index]
                first[contestant, key] = body["result"]

        assert len(first) == CONTESTANTS * len(PAPER)
        wired.drainer.drain_all()
        rows = wired.competitions.rounds.answers(round_id)
        assert sorted((r["contestant"], r["question_key"]) for r in rows) == sorted(first)
        assert {(r["contestant"], r["question_key"]): r["points"] for r in rows} == {
            pair: result["points"] for pair, result in first.items()
        }
        for contestant in contestants:
            points = sum(r["points"] for (c, _), r in first.items() if c == contestant)
            assert wired.leaderboard.standing(round_id, contestant).points == points
            assert selfpaced.next_question(round_id, contestant, now).question is None

    run()
