"""Each serving process's background work: tick the round clock (questions closed on
time, rounds finished, snapshots published; ``engine.services.round_clock``) and send
the clients what it did, and drain the answer log into SQL.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from flask_socketio import SocketIO

from engine.services.round_clock import Closed, Snapshot
from web import clock
from web.live.broadcast import Broadcaster
from web.wiring import STORE_UNAVAILABLE, Wiring

log = logging.getLogger(__name__)

TICK_S = 0.1
#: After a batch smaller than a full one (the log has caught up), let the next batch gather
#: for this long: storing each few answers of a burst in a transaction of its own (two log
#: reads, a commit, an acknowledgement) cost three times the CPU per answer of full batches,
#: in the same hub that serves the burst. Results drain what is left before they are read.
DRAIN_PAUSE_S = 0.5
#: While this process is taking joins and answers its drain waits for them to pause this
#: long, and for at most DRAIN_DEFER_MAX_S before catching up in full. The log is durable
#: in Redis meanwhile; reading it back, inserting and acknowledging had cost the hub that
#: serves a burst a third again of the answers' own CPU, and, run in the pause while a
#: question fans out (the first answers come a moment after it), held up the question.
#: A contest's reveal screens are the lulls it waits for; the limit keeps a catch-up
#: short (10 s of a 10,000-phone burst is a few hundred ms of the hub).
DRAIN_LULL_S = 1.5
DRAIN_DEFER_MAX_S = 10.0
#: While SQL or Redis is away the drain tries again after this long, doubled each time up
#: to the most: what it read and could not store stays pending in the log meanwhile.
DRAIN_RETRY_S = 0.25
DRAIN_RETRY_MAX_S = 2.0


@dataclass
class DrainPacing:
    """When this process drains the answer log: after ``DRAIN_LULL_S`` without appending
    to it, or when it has waited ``DRAIN_DEFER_MAX_S`` for that (then until caught up)."""

    seen: int = 0  # entries appended by the last look
    active_at: float = float("-inf")  # when the count last moved
    deferred_since: float | None = None

    def defer(self, appended: int, now: float) -> bool:
        if appended != self.seen:
            self.seen, self.active_at = appended, now
        if now - self.active_at >= DRAIN_LULL_S:
            self.deferred_since = None
            return False
        if self.deferred_since is None:
            self.deferred_since = now
        return now - self.deferred_since < DRAIN_DEFER_MAX_S

    def caught_up(self) -> None:
        self.deferred_since = None


class Ticker:
    def __init__(self, socketio: SocketIO, wired: Wiring, broadcaster: Broadcaster) -> None:
        self._io = socketio
        self._wired = wired
        self._broadcaster = broadcaster
        self._tasks: list[Any] = []
        self._outages: set[str] = set()  # loops that found a store away, logged once each
        self.running = False

    def start(self) -> None:
        self.running = True
        self._tasks = [
            self._io.start_background_task(self._clock_loop),
            self._io.start_background_task(self._drain_loop),
        ]

    def stop(self, timeout_s: float) -> None:
        """Let the loops finish what they are doing for ``timeout_s``, then end them: a
        drain cut short leaves its batch pending in the log, to be stored again."""
        self.running = False
        for task in self._tasks:
            task.join(timeout_s)
        for task in self._tasks:
            task.kill()
        self._tasks = []

    def _store_away(self, loop: str, error: Exception) -> None:
        """Log that a store is unreachable once per outage, not once per tick."""
        if loop not in self._outages:
            self._outages.add(loop)
            log.warning("%s: a store is unreachable (%s); retrying", loop, error)

    def _store_back(self, loop: str) -> None:
        if loop in self._outages:
            self._outages.discard(loop)
            log.warning("%s: the stores answer again", loop)

    def _clock_loop(self) -> None:
        while self.running:
            try:
                for happened in self._wired.round_clock.tick(clock.now_ms()):
                    self._tell(happened)
                self._store_back("ticker")
            except STORE_UNAVAILABLE as error:
                self._store_away("ticker", error)
            except Exception:  # a bad tick must not stop the clock
                log.exception("ticker failed")
            self._io.sleep(TICK_S)

    def _drain_loop(self) -> None:
        drainer, live = self._wired.drainer, self._wired.live
        pacing = DrainPacing(live.appended)
        retry_s = DRAIN_RETRY_S
        while self.running:
            try:
                if pacing.defer(live.appended, time.monotonic()):
                    self._io.sleep(DRAIN_PAUSE_S)
                    continue
                self._wired.owed_writes.retry()  # here, not on the clock: SQL may be slow
                drainer.claim_abandoned(idle_ms=30_000)
                moved = drainer.drain_once()
                retry_s = DRAIN_RETRY_S
                self._store_back("answer log drain")
                if moved < drainer.batch:
                    pacing.caught_up()
                    self._io.sleep(DRAIN_PAUSE_S)
                continue
            except STORE_UNAVAILABLE as error:
                self._store_away("answer log drain", error)
            except Exception:
                log.exception("answer log drain failed")
            self._io.sleep(retry_s)
            retry_s = min(retry_s * 2, DRAIN_RETRY_MAX_S)

    def close_due(self, now: int) -> None:
        for closed in self._wired.round_clock.close_due(now):
            self._tell(closed)

    def publish(self, now: int) -> None:
        for snapshot in self._wired.round_clock.snapshots(now):
            self._tell(snapshot)

    def _tell(self, happened: Closed | Snapshot) -> None:
        """Send the clients what the round clock did."""
        if isinstance(happened, Closed):
            self._broadcaster.round_events(happened.round_id, happened.state, happened.events)
            return
        if happened.screens:
            self._broadcaster.leaderboard(happened.round_id, happened.board, players=False)
        if happened.phones:
            self._broadcaster.leaderboard(happened.round_id, happened.board, players=True)
        self._broadcaster.answers_in(happened.round_id)
