"""The round clock on fakes: questions close when due, a window's round is finished by
one process, snapshots go out once an interval, a board version once to each audience
whichever process publishes it, and phones get the board only between questions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.domain.rounds import LiveStatus
from engine.domain.standings import SNAPSHOT_EVERY_MS
from engine.services.round_clock import Closed, RoundClock, Snapshot


@dataclass
class Schedule:
    """Deadlines and claims, shared by every process's clock."""

    deadlines: dict[int, int] = field(default_factory=dict)  # round -> closes at
    windows: dict[int, int] = field(default_factory=dict)  # round -> window closes at
    running_rounds: list[int] = field(default_factory=list)
    claimed: set[str] = field(default_factory=set)

    def due(self, now: int) -> list[int]:
        return [r for r, at in self.deadlines.items() if at <= now]

    def windows_due(self, now: int) -> list[int]:
        return [r for r, at in self.windows.items() if at <= now]

    def running(self) -> list[int]:
        return list(self.running_rounds)

    def claim(self, name: str, ttl_ms: int) -> bool:
        if name in self.claimed:
            return False
        self.claimed.add(name)
        return True


@dataclass
class State:
    status: LiveStatus


@dataclass
class Live:
    schedule: Schedule
    status: LiveStatus = LiveStatus.QUESTION_OPEN

    def close_if_due(self, round_id: int, now: int) -> tuple[Any, tuple[Any, ...]] | None:
        if self.schedule.deadlines.pop(round_id, None) is None:
            return None  # another process closed it first
        return State(LiveStatus.CLOSED), ("closed",)

    def state(self, round_id: int) -> State:
        return State(self.status)


@dataclass
class SelfPaced:
    finished: list[int] = field(default_factory=list)

    def finish(self, round_id: int, now: int) -> int:
        self.finished.append(round_id)
        return 0


@dataclass
class Board:
    version: int = 1

    def snapshot(self, round_id: int, *, now_ms: int) -> dict[str, Any]:
        return {"version": self.version, "top": []}


def clocks(schedule: Schedule, live: Live, board: Board, n: int) -> list[RoundClock]:
    """``n`` processes' clocks on the same stores."""
    selfpaced = SelfPaced()
    return [RoundClock(live, selfpaced, board, schedule) for _ in range(n)]  # type: ignore[arg-type]


def test_a_due_question_is_closed_once_and_a_window_finished_by_one_process() -> None:
    schedule = Schedule(deadlines={1: 100, 2: 900}, windows={3: 100})
    live = Live(schedule)
    first, second = clocks(schedule, live, Board(), 2)
    assert list(first.close_due(99)) == []
    closed = list(first.close_due(100))
    assert [(c.round_id, c.events) for c in closed] == [(1, ("closed",))]
    assert isinstance(closed[0], Closed)
    assert list(second.close_due(100)) == []
    assert first.selfpaced.finished == [3]  # and not again by the second process


def test_snapshots_go_out_once_an_interval() -> None:
    schedule = Schedule(running_rounds=[1])
    live = Live(schedule, LiveStatus.CLOSED)
    board = Board()
    (clock,) = clocks(schedule, live, board, 1)
    now = SNAPSHOT_EVERY_MS
    assert [type(h) for h in clock.tick(now)] == [Snapshot]
    assert list(clock.tick(now + SNAPSHOT_EVERY_MS - 1)) == []
    board.version = 2
    assert [s.board["version"] for s in clock.tick(now + SNAPSHOT_EVERY_MS)] == [2]


def test_each_version_goes_once_to_each_audience_and_to_phones_once_settled() -> None:
    schedule = Schedule(running_rounds=[1])
    live = Live(schedule, LiveStatus.QUESTION_OPEN)
    board = Board()
    first, second = clocks(schedule, live, board, 2)
    (racing,) = first.snapshots(1 * SNAPSHOT_EVERY_MS)
    assert (racing.screens, racing.phones) == (True, False)  # a question is open
    live.status = LiveStatus.CLOSED
    (settled,) = second.snapshots(2 * SNAPSHOT_EVERY_MS)
    assert (settled.screens, settled.phones) == (False, True)  # screens had this version
    (again,) = first.snapshots(3 * SNAPSHOT_EVERY_MS)
    assert (again.screens, again.phones) == (False, False)
    assert list(second.snapshots(3 * SNAPSHOT_EVERY_MS)) == []  # the interval is claimed
