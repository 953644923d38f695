"""Cheating signals reach the organiser through the round's results, from the SQL record."""

from __future__ import annotations

from engine.domain.signals import BURST_MIN_ENTRIES
from tests.web.live_helpers import import_bank
from web.wiring import Wiring

T0 = 1_700_000_000_000
KEYS = ["nd-0001", "nd-0002", "nd-0004"]  # single choice; answers b, c, a


def self_paced_round(wired: Wiring) -> int:
    import_bank(wired)
    competition = wired.competitions.create(
        title="Signals",
        bank_slug="national-defence",
        bank_version=1,
        rules={"mode": "self_paced", "draw": {"kind": "fixed", "keys": KEYS}},
        created_by="test",
    )
    return wired.competitions.open_round(competition["id"], (T0, T0 + 3_600_000))["id"]


def take_paper(wired: Wiring, round_id: int, contestant: str, delay_ms: int, at: int) -> None:
    for key, response in zip(KEYS, ["b", "c", "a"], strict=True):
        wired.selfpaced.next_question(round_id, contestant, at)
        wired.selfpaced.answer(round_id, contestant, key, response, at + delay_ms)
        at += delay_ms + 1000


def test_a_burst_of_entries_and_too_fast_answers_are_flagged_in_results(wired: Wiring):
    round_id = self_paced_round(wired)
    burst = [
        wired.selfpaced.enter(round_id, f"bot{i}", None, None, T0 + 100 * i, client="10.0.0.9")
        for i in range(BURST_MIN_ENTRIES)
    ]
    honest = wired.selfpaced.enter(round_id, "人", None, None, T0, client="10.0.0.1")
    take_paper(wired, round_id, burst[0].contestant, delay_ms=200, at=T0 + 10_000)
    take_paper(wired, round_id, honest.contestant, delay_ms=6000, at=T0 + 10_000)
    wired.drainer.drain_all()
    report = wired.results.report(round_id)
    kinds = {signal["kind"]: signal for signal in report["signals"]}
    assert set(kinds) == {"burst", "fast"}
    assert list(kinds["burst"]["contestants"]) == [entry.contestant for entry in burst]
    assert list(kinds["fast"]["contestants"]) == [burst[0].contestant]
    assert honest.contestant not in {c for s in report["signals"] for c in s["contestants"]}
