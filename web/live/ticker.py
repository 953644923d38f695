"""Each serving process's background work: close questions on time, publish snapshots,
and drain the answer log into SQL.

Every process runs the same loops; Redis decides which one acts (a compare-and-set
closes a question once, a claim publishes a snapshot once), so a round keeps its clock
whichever processes live.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_socketio import SocketIO

from web import clock
from web.live.broadcast import Broadcaster
from web.wiring import Wiring

log = logging.getLogger(__name__)

TICK_S = 0.1
SNAPSHOT_EVERY_MS = 500
#: A snapshot is one write to every connection in the round's rooms. At 500 ms, 9,000
#: phones got 18,000 writes a second, several times the answers of a burst, and a slower
#: server made the burst, and so the writes, last longer. Big rounds publish less often so
#: that snapshots stay under this many writes a second (everyone still gets the same ones).
SNAPSHOT_WRITES_PER_S = 5000
#: After a batch smaller than a full one (the log has caught up), let the next batch gather
#: for this long: storing each few answers of a burst in a transaction of its own (two log
#: reads, a commit, an acknowledgement) cost three times the CPU per answer of full batches,
#: in the same hub that serves the burst. Results drain what is left before they are read.
DRAIN_PAUSE_S = 0.5


class Ticker:
    def __init__(self, socketio: SocketIO, wired: Wiring, broadcaster: Broadcaster) -> None:
        self._io = socketio
        self._wired = wired
        self._broadcaster = broadcaster
        self._published: dict[int, int] = {}
        self.running = False

    def start(self) -> None:
        self.running = True
        self._io.start_background_task(self._clock_loop)
        self._io.start_background_task(self._drain_loop)

    def _clock_loop(self) -> None:
        last_snapshot = 0
        while self.running:
            try:
                now = clock.now_ms()
                self.close_due(now)
                if now - last_snapshot >= SNAPSHOT_EVERY_MS:
                    last_snapshot = now
                    self.publish(now)
            except Exception:  # a bad tick must not stop the clock
                log.exception("ticker failed")
            self._io.sleep(TICK_S)

    def _drain_loop(self) -> None:
        drainer = self._wired.drainer
        while self.running:
            try:
                drainer.log.claim_abandoned(drainer.consumer, idle_ms=30_000)
                if drainer.drain_once(block_ms=500) < drainer.batch:
                    self._io.sleep(DRAIN_PAUSE_S)
            except Exception:
                log.exception("answer log drain failed")
                self._io.sleep(1)

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
        """Leaderboard snapshots and answer counts of running rounds, once per interval."""
        live = self._wired.live
        for round_id in live.store.running():
            if not live.store.claim(f"publish:{round_id}:{now // SNAPSHOT_EVERY_MS}", 2000):
                continue
            every = snapshot_every_ms(live.store.contestant_count(round_id))
            if every == SNAPSHOT_EVERY_MS or live.store.claim(
                f"snapshot:{round_id}:{now // every}", 2 * every
            ):
                snapshot: dict[str, Any] = self._wired.leaderboard.snapshot(round_id, now_ms=now)
                if self._published.get(round_id) != snapshot["version"]:
                    self._published[round_id] = snapshot["version"]
                    self._broadcaster.leaderboard(round_id, snapshot)
            self._broadcaster.answers_in(round_id)


def snapshot_every_ms(contestants: int) -> int:
    """How often a round of this many contestants gets a leaderboard snapshot."""
    return max(SNAPSHOT_EVERY_MS, -(-contestants * 1000 // SNAPSHOT_WRITES_PER_S))
