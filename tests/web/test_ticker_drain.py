"""The ticker drains the answer log in full batches back to back, and after a partial
batch (the log has caught up) lets the next one gather instead of storing each few
answers of a burst in a transaction of its own. While the process is taking joins and
answers the drain waits for a lull of DRAIN_LULL_S, at most DRAIN_DEFER_MAX_S, and then
catches up in full."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import web.live.ticker
from web.live.ticker import DRAIN_DEFER_MAX_S, DRAIN_LULL_S, DRAIN_PAUSE_S, DrainPacing, Ticker


class Scripted:
    """A ticker whose drainer, clock and answer counter follow a script."""

    def __init__(self, batches: list[int], sent: list[int], monkeypatch) -> None:
        self.happened: list[tuple[str, float]] = []
        self.batches, self.sent, self.now = batches, sent, 0.0
        self.live = SimpleNamespace(appended=0)  # entries this process logged
        drainer = SimpleNamespace(
            batch=500, drain_once=self.drain_once, claim_abandoned=lambda idle_ms: 0
        )
        io = SimpleNamespace(sleep=self.sleep)
        wired = SimpleNamespace(
            drainer=drainer,
            live=self.live,
            owed_writes=SimpleNamespace(retry=lambda: None),
        )
        self.ticker = Ticker(io, wired, None)  # type: ignore[arg-type]
        monkeypatch.setattr(web.live.ticker.time, "monotonic", lambda: self.now)

    def sleep(self, seconds: float = 0) -> None:
        self.happened.append(("slept", seconds))
        self.now += seconds
        self.live.appended += self.sent.pop(0) if self.sent else 0

    def drain_once(self) -> int:
        moved = self.batches.pop(0)
        self.ticker.running = bool(self.batches)
        self.happened.append(("drained", moved))
        return moved

    def run(self) -> list[tuple[str, float]]:
        self.ticker.running = True
        self.ticker._drain_loop()
        return self.happened


PAUSE = ("slept", DRAIN_PAUSE_S)


def test_full_batches_go_back_to_back_and_a_partial_one_waits(monkeypatch) -> None:
    script = Scripted([500, 500, 120, 0, 500, 7], [], monkeypatch)
    assert script.run() == [
        ("drained", 500),
        ("drained", 500),
        ("drained", 120),
        PAUSE,
        ("drained", 0),
        PAUSE,
        ("drained", 500),
        ("drained", 7),
        PAUSE,
    ]


def test_the_drain_waits_while_answers_come_in_and_then_catches_up(monkeypatch) -> None:
    # Caught up at first; then answers come in during three pauses, then none.
    script = Scripted([3, 500, 40], [5, 9, 2], monkeypatch)
    quiet = int(DRAIN_LULL_S / DRAIN_PAUSE_S)
    assert script.run() == [
        ("drained", 3),
        PAUSE,  # 5 answers arrive meanwhile
        PAUSE,  # 9 more
        PAUSE,  # 2 more, the last
        *[PAUSE] * quiet,  # the lull
        ("drained", 500),
        ("drained", 40),
        PAUSE,
    ]


@pytest.mark.parametrize("sent_per_pause", [1, 250])
def test_a_burst_that_goes_on_defers_the_drain_at_most_the_limit(
    monkeypatch, sent_per_pause: int
) -> None:
    pauses = int(DRAIN_DEFER_MAX_S / DRAIN_PAUSE_S)
    script = Scripted([500, 500, 12, 8], [sent_per_pause] * 100, monkeypatch)
    # Idle at first: two full batches and a partial one (caught up), its pause; then
    # answers keep coming: the drain waits out the limit, and catches up although busy.
    assert script.run() == [
        ("drained", 500),
        ("drained", 500),
        ("drained", 12),
        PAUSE,
        *[PAUSE] * pauses,
        ("drained", 8),
        PAUSE,
    ]


def test_pacing_waits_for_a_lull_and_never_past_the_limit() -> None:
    pacing = DrainPacing(seen=10)
    assert pacing.defer(10, now=0.0) is False  # nothing appended yet: idle
    assert pacing.defer(11, now=1.0) is True  # busy since 1.0
    assert pacing.defer(11, now=1.0 + DRAIN_LULL_S - 0.1) is True  # not quiet long enough
    assert pacing.defer(11, now=1.0 + DRAIN_LULL_S) is False  # the lull
    assert pacing.defer(12, now=10.0) is True  # busy again: a fresh deferral from 10.0
    for step in range(1, int(DRAIN_DEFER_MAX_S)):
        assert pacing.defer(12 + step, now=10.0 + step) is True
    assert pacing.defer(99, now=10.0 + DRAIN_DEFER_MAX_S) is False  # overdue: drain
    assert pacing.defer(100, now=11.0 + DRAIN_DEFER_MAX_S) is False  # until caught up
    pacing.caught_up()
    assert pacing.defer(101, now=50.0) is True
