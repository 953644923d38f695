"""The round clock on fakes, with two processes' clocks on the same stores: a due question
closed once, a window's round finished by one process, snapshots once an interval, a
board version once to each audience, and to phones only between questions."""

from __future__ import annotations

from engine.domain.rounds import LiveStatus
from engine.domain.standings import SNAPSHOT_EVERY_MS
from engine.services.competitions import finish_at
from engine.services.round_clock import Closed, RoundClock, Snapshot
from tests.services.conftest import KEYS, Fakes, new_round

T0 = 1_000_000
LATER = T0 + 10**6  # every question's time and grace run out by then


def clocks(fakes: Fakes) -> tuple[RoundClock, RoundClock]:
    """Two processes' clocks."""
    first, second = (
        RoundClock(fakes.live, fakes.selfpaced, fakes.leaderboard, fakes.store) for _ in "12"
    )
    return first, second


def started(fakes: Fakes, bank: str) -> tuple[int, str]:
    """A live round with Ann in it, its first question open since T0."""
    row = new_round(fakes, bank, "live")
    ann = fakes.live.join(row["code"], "Ann", None, None, T0).contestant
    fakes.live.command(row["id"], "start", T0)
    return row["id"], ann


def test_a_due_question_is_closed_once_and_a_window_finished_by_one_process(
    fakes: Fakes, bank: str
) -> None:
    live, _ = started(fakes, bank)
    paced = new_round(fakes, bank, "self_paced", window=(T0, LATER + 60_000))["id"]
    fakes.selfpaced.enter(paced, "Bob", None, None, T0)
    first, second = clocks(fakes)

    assert list(first.close_due(T0 + 1)) == []
    closed = list(first.close_due(LATER))
    assert [(c.round_id, c.state.status) for c in closed] == [(live, LiveStatus.CLOSED)]
    assert all(isinstance(c, Closed) for c in closed)
    assert list(second.close_due(LATER)) == []
    assert status(fakes, paced) == "lobby"
    end = finish_at(fakes.competitions.plan(paced))
    list(first.close_due(end))
    assert status(fakes, paced) == "finished"
    assert not fakes.store.claim(f"finish:{paced}", 1_000)  # so no other process finishes it
    assert [s["contestant"] for s in fakes.rounds.standings(paced)] == ["1"]


def status(fakes: Fakes, round_id: int) -> str:
    row = fakes.rounds.round(round_id)
    assert row is not None
    return str(row["status"])


def test_snapshots_go_out_once_an_interval_from_one_process(fakes: Fakes, bank: str) -> None:
    round_id, _ = started(fakes, bank)
    first, second = clocks(fakes)
    now = T0 + SNAPSHOT_EVERY_MS
    assert [type(h) for h in first.tick(now)] == [Snapshot]
    assert list(first.tick(now + SNAPSHOT_EVERY_MS - 1)) == []
    assert list(second.tick(now)) == []  # this interval is claimed
    (again,) = second.tick(now + SNAPSHOT_EVERY_MS)
    assert again.round_id == round_id


def test_each_version_goes_once_to_each_audience_and_to_phones_once_settled(
    fakes: Fakes, bank: str
) -> None:
    round_id, ann = started(fakes, bank)
    first, second = clocks(fakes)
    (racing,) = first.snapshots(T0 + SNAPSHOT_EVERY_MS)
    assert (racing.screens, racing.phones) == (True, False)  # a question is open
    fakes.live.answer(round_id, ann, KEYS[0], "a", T0 + 1_000)
    list(first.close_due(LATER))  # the answer is published: a new version
    (settled,) = second.snapshots(LATER)
    assert settled.board["version"] != racing.board["version"]
    assert (settled.screens, settled.phones) == (True, True)
    (again,) = first.snapshots(LATER + SNAPSHOT_EVERY_MS)
    assert (again.screens, again.phones) == (False, False)  # both had this version
    assert list(second.snapshots(LATER + SNAPSHOT_EVERY_MS)) == []  # the interval is claimed
