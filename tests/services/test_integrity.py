"""Page switches on fakes: counted once per report, a signal above the round's
tolerance, and a self-paced paper handed in at the switch its round names."""

from __future__ import annotations

import pytest

from engine.services.answering import RefusedCommand
from tests.services.conftest import KEYS, Fakes, new_round

OPENS, CLOSES = 1_000_000, 2_000_000


def test_switches_count_once_each_signal_above_the_tolerance_and_submit_the_paper(
    fakes: Fakes, bank: str
) -> None:
    focus = {"focus_tolerance": 1, "submit_after_switches": 2}
    round_id = new_round(fakes, bank, "self_paced", window=(OPENS, CLOSES), focus=focus)["id"]
    ann = fakes.selfpaced.enter(round_id, "Ann", None, None, OPENS).contestant
    with pytest.raises(RefusedCommand):  # not put to her yet
        fakes.integrity.focus_lost(round_id, ann, KEYS[0], OPENS)
    delivered = fakes.selfpaced.next_question(round_id, ann, OPENS).question
    assert delivered is not None
    key = delivered["key"]

    first = fakes.integrity.focus_lost(round_id, ann, key, OPENS + 1)
    retried = fakes.integrity.focus_lost(round_id, ann, key, OPENS + 1)
    assert (first.counted, first.switches, first.submitted) == (True, 1, False)
    assert (retried.counted, retried.switches) == (False, 1)
    plan = fakes.competitions.plan(round_id)
    assert fakes.integrity.signals(plan) == []
    second = fakes.integrity.focus_lost(round_id, ann, key, OPENS + 2)
    assert (second.switches, second.tolerance, second.submitted) == (2, 1, True)
    assert [s.contestants for s in fakes.integrity.signals(plan)] == [(ann,)]
    assert fakes.selfpaced.next_question(round_id, ann, OPENS + 3).question is None
