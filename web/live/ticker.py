"""Each serving process's background work: close questions on time, publish snapshots,
and drain the answer log into SQL.

Every process runs the same loops; Redis decides which one acts (a compare-and-set
closes a question once, a claim publishes a snapshot once), so a round keeps its clock
whichever processes live.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from flask_socketio import SocketIO

from engine.adapters.outages import STORE_UNAVAILABLE
from engine.domain.rounds import LiveStatus
from web import clock
from web.live.broadcast import Broadcaster
from web.wiring import Wiring

log = logging.getLogger(__name__)

TICK_S = 0.1
SNAPSHOT_EVERY_MS = 500
#: When phones are sent the board (see ``Ticker.publish``).
BETWEEN_QUESTIONS = (LiveStatus.CLOSED, LiveStatus.REVEALED)
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
        self._published: dict[tuple[int, str], int] = {}  # (round, audience) -> version
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
        last_snapshot = 0
        while self.running:
            try:
                now = clock.now_ms()
                self.close_due(now)
                if now - last_snapshot >= SNAPSHOT_EVERY_MS:
                    last_snapshot = now
                    self.publish(now)
                self._store_back("ticker")
            except STORE_UNAVAILABLE as error:
                self._store_away("ticker", error)
            except Exception:  # a bad tick must not stop the clock
                log.exception("ticker failed")
            self._io.sleep(TICK_S)

    def _drain_loop(self) -> None:
        drainer, store = self._wired.drainer, self._wired.live.store
        pacing = DrainPacing(store.appended)
        retry_s = DRAIN_RETRY_S
        while self.running:
            try:
                if pacing.defer(store.appended, time.monotonic()):
                    self._io.sleep(DRAIN_PAUSE_S)
                    continue
                self._wired.owed_writes.retry()  # here, not on the clock: SQL may be slow
                drainer.log.claim_abandoned(drainer.consumer, idle_ms=30_000)
                moved = drainer.drain_once(block_ms=500)
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
        live = self._wired.live
        for round_id in live.store.due(now):
            closed = live.close_if_due(round_id, now)
            if closed is not None:
                self._broadcaster.round_events(round_id, *closed)
        for round_id in live.store.windows_due(now):
            if live.store.claim(f"finish:{round_id}", 60_000):  # one process finishes it
                self._wired.selfpaced.finish(round_id, now)

    def publish(self, now: int) -> None:
        """Leaderboard snapshots and answer counts of running rounds, once per interval.

        Spectators and hosts get the board every interval it moved; phones only between
        questions, when it has settled. Pushed to every phone through an answer burst,
        snapshots had been several socket writes per answer in the one process that
        serves the burst, for a board no phone shows then.
        """
        live = self._wired.live
        for round_id in live.store.running():
            if not live.store.claim(f"publish:{round_id}:{now // SNAPSHOT_EVERY_MS}", 2000):
                continue
            snapshot: dict[str, Any] = self._wired.leaderboard.snapshot(round_id, now_ms=now)
            if self._unseen(round_id, "watch", snapshot["version"]):
                self._broadcaster.leaderboard(round_id, snapshot, players=False)
            settled = live.state(round_id).status in BETWEEN_QUESTIONS
            if settled and self._unseen(round_id, "play", snapshot["version"]):
                self._broadcaster.leaderboard(round_id, snapshot, players=True)
            self._broadcaster.answers_in(round_id)

    def _unseen(self, round_id: int, audience: str, version: int) -> bool:
        """Whether ``audience`` is yet to be sent this version of the board, by any process
        (the first to claim it sends it)."""
        if self._published.get((round_id, audience)) == version:
            return False
        self._published[(round_id, audience)] = version
        return self._wired.live.store.claim(f"board:{audience}:{round_id}:{version}", 3_600_000)
