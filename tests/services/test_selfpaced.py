"""A self-paced round on fakes: enter, take the paper question by question, each
answer counted once, final standings when the window closes."""

from __future__ import annotations

import pytest

from engine.services.answering import RefusedCommand
from engine.services.competitions import finish_at
from engine.services.errors import Conflict
from engine.services.selfpaced import SelfPacedRounds
from tests.services.conftest import KEYS, Fakes, new_round

OPENS, CLOSES = 1_000_000, 2_000_000


def a_round(fakes: Fakes, bank: str, **rules: object) -> int:
    return new_round(fakes, bank, "self_paced", rules=rules, window=(OPENS, CLOSES))["id"]


def test_a_paper_is_answered_once_per_question_and_ranked_at_the_close(
    fakes: Fakes, bank: str
) -> None:
    round_id = a_round(fakes, bank)
    with pytest.raises(RefusedCommand):
        fakes.selfpaced.enter(round_id, "Ann", None, None, OPENS - 1)  # before the window
    ann = fakes.selfpaced.enter(round_id, "Ann", None, None, OPENS, identity="ann@x")
    bob = fakes.selfpaced.enter(round_id, "Bob", None, None, OPENS, identity="bob@x")
    with pytest.raises(Conflict):  # one entry per identity
        fakes.selfpaced.enter(round_id, "Ann 2", None, None, OPENS, identity="ann@x")

    now = OPENS
    for key in KEYS:
        delivery = fakes.selfpaced.next_question(round_id, ann.contestant, now)
        assert delivery.question is not None
        first = fakes.selfpaced.answer(round_id, ann.contestant, key, "a", now + 1_500)
        retried = fakes.selfpaced.answer(round_id, ann.contestant, key, "b", now + 1_600)
        assert (first["duplicate"], retried["duplicate"]) == (False, True)
        assert retried["result"] == first["result"]  # points hidden until the window closes
        now += 2_000
    assert fakes.selfpaced.next_question(round_id, ann.contestant, now).question is None
    fakes.selfpaced.next_question(round_id, bob.contestant, now)
    fakes.selfpaced.answer(round_id, bob.contestant, KEYS[0], "b", now + 1_000)

    end = finish_at(fakes.competitions.plan(round_id))  # the window's close, with grace
    with pytest.raises(RefusedCommand):
        fakes.selfpaced.finish(round_id, end - 1)
    assert fakes.selfpaced.finish(round_id, end) == 2
    standings = fakes.rounds.standings(round_id)
    assert [(s["contestant"], s["rank"]) for s in standings] == [
        (ann.contestant, 1),
        (bob.contestant, 2),
    ]
    assert standings[0]["points"] > 0 == standings[1]["points"]
    with pytest.raises(RefusedCommand):
        fakes.selfpaced.answer(round_id, bob.contestant, KEYS[1], "a", end + 1)


@pytest.mark.parametrize(
    ("allowed", "elder", "seconds"),
    [
        (True, True, 40),  # elderly mode where the organiser allows it: double time
        (True, False, 20),
        (False, True, 20),  # the page asked, the rules do not allow it
    ],
)
def test_an_elderly_mode_entry_gets_double_time_where_the_rules_allow(
    fakes: Fakes, bank: str, allowed: bool, elder: bool, seconds: int
) -> None:
    round_id = a_round(fakes, bank, default_time_limit_s=20, elder_extra_time=allowed)
    entry = fakes.selfpaced.enter(round_id, "Ann", None, None, OPENS, elder=elder)
    now = OPENS + 1_000
    delivery = fakes.selfpaced.next_question(round_id, entry.contestant, now)
    assert delivery.deadline == now + seconds * 1_000
    assert delivery.remaining_ms == seconds * 1_000
    # Judged by that deadline (plus the grace everyone has): in time, then too late.
    late = now + seconds * 1_000 + 501
    fakes.selfpaced.next_question(round_id, entry.contestant, late)  # misses it
    assert fakes.selfpaced.next_question(round_id, entry.contestant, late).index == 1
    second = fakes.selfpaced.next_question(round_id, entry.contestant, late)
    assert second.deadline == late + seconds * 1_000
    on_time = fakes.selfpaced.answer(
        round_id, entry.contestant, KEYS[1], "a", late + seconds * 1_000
    )
    assert on_time["accepted"]


def test_a_contestant_moving_between_processes_is_judged_by_the_stored_attempt(
    fakes: Fakes, bank: str
) -> None:
    """Each process remembers the state its last request of a contestant left; another
    process (or a host) may have moved it since, and the store's check makes the process
    read it again: the clock, the extra time and the round's end are the stored ones."""
    round_id = a_round(fakes, bank, default_time_limit_s=20, reveal_answers="after_answer")
    one = fakes.selfpaced
    other = SelfPacedRounds(
        fakes.competitions,
        fakes.store,
        fakes.leaderboard,
        one.media_url,
        one.gate,
    )
    ann = one.enter(round_id, "Ann", None, None, OPENS).contestant
    assert one.next_question(round_id, ann, OPENS).deadline == OPENS + 20_000
    assert other.next_question(round_id, ann, OPENS + 5_000).remaining_ms == 15_000
    ahead = other.answer(round_id, ann, KEYS[0], "a", OPENS + 6_000, advance=True)
    assert (ahead["result"]["response_ms"], ahead["next"]["index"]) == (6_000, 1)
    # `one` still has the first question delivered at OPENS and nothing answered.
    retried = one.answer(round_id, ann, KEYS[0], "b", OPENS + 7_000)
    assert (retried["duplicate"], retried["result"]) == (True, ahead["result"])
    second = one.answer(round_id, ann, KEYS[1], "a", OPENS + 9_000)
    assert (second["duplicate"], second["result"]["response_ms"]) == (False, 3_000)
    other.grant_extra_time(round_id, ann, 2)
    assert one.next_question(round_id, ann, OPENS + 10_000).deadline == OPENS + 50_000
    other.finish(round_id, OPENS + 11_000, early=True)
    for call in (
        lambda: one.answer(round_id, ann, KEYS[2], "a", OPENS + 12_000),
        lambda: one.next_question(round_id, ann, OPENS + 12_000),
    ):
        with pytest.raises(RefusedCommand) as refused:
            call()
        assert refused.value.code == "already_finished"
    assert fakes.store.answer_count(round_id, 2) == 0
