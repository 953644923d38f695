"""What happens to rounds because time passed: questions close when their time and grace
are up, self-paced rounds finish when their window has closed, and leaderboard snapshots
go out every ``SNAPSHOT_EVERY_MS``.

Every serving process ticks the same clock; the store decides which one acts (a
compare-and-set closes a question once, a claim finishes a round or publishes a snapshot
once), so a round keeps its clock whichever processes live. The clock says what happened;
the caller (the web layer's ticker) tells the clients.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.domain.rounds import LiveRound, LiveStatus, RoundEvent
from engine.domain.standings import SNAPSHOT_EVERY_MS
from engine.ports import Schedule, Snapshots
from engine.services.live import LiveRounds
from engine.services.selfpaced import SelfPacedRounds

#: When phones are sent the board (see ``RoundClock.snapshots``).
BETWEEN_QUESTIONS = (LiveStatus.CLOSED, LiveStatus.REVEALED)
#: How long a claim holds: finishing a round may take SQL a while; a publish claim need
#: only outlast its interval; a board version is sent once, however late a process looks.
FINISH_CLAIM_MS = 60_000
PUBLISH_CLAIM_MS = 2000
BOARD_CLAIM_MS = 3_600_000


@dataclass(frozen=True)
class Closed:
    """A question this process closed on time: its round's new state and events."""

    round_id: int
    state: LiveRound
    events: tuple[RoundEvent, ...]


@dataclass(frozen=True)
class Snapshot:
    """A running round's board this interval, and who is yet to be sent this version:
    the screens (spectators and hosts) and the phones. Its answer counts go to the
    screens either way."""

    round_id: int
    board: dict[str, Any]
    screens: bool
    phones: bool


@dataclass
class RoundClock:
    live: LiveRounds
    selfpaced: SelfPacedRounds
    leaderboard: Snapshots
    schedule: Schedule
    #: (round, audience) -> the board version this process last saw sent.
    _published: dict[tuple[int, str], int] = field(default_factory=dict, init=False, repr=False)
    _last_snapshot: int = field(default=0, init=False, repr=False)

    def tick(self, now: int) -> Iterator[Closed | Snapshot]:
        """One tick: what closed, then, once an interval, the snapshots to send. Lazily,
        so each is sent as soon as it happened."""
        yield from self.close_due(now)
        if now - self._last_snapshot >= SNAPSHOT_EVERY_MS:
            self._last_snapshot = now
            yield from self.snapshots(now)

    def close_due(self, now: int) -> Iterator[Closed]:
        """Close the questions whose time is up and finish the self-paced rounds whose
        window has closed; the questions this process closed."""
        for round_id in self.schedule.due(now):
            closed = self.live.close_if_due(round_id, now)
            if closed is not None:
                yield Closed(round_id, *closed)
        for round_id in self.schedule.windows_due(now):
            if self.schedule.claim(f"finish:{round_id}", FINISH_CLAIM_MS):
                self.selfpaced.finish(round_id, now)

    def snapshots(self, now: int) -> Iterator[Snapshot]:
        """The running rounds' boards this interval, each from the one process that claims it.

        Screens get the board every interval it moved; phones only between questions,
        when it has settled. Pushed to every phone through an answer burst, snapshots had
        been several socket writes per answer in the one process that serves the burst,
        for a board no phone shows then.
        """
        for round_id in self.schedule.running():
            if not self.schedule.claim(
                f"publish:{round_id}:{now // SNAPSHOT_EVERY_MS}", PUBLISH_CLAIM_MS
            ):
                continue
            board = self.leaderboard.snapshot(round_id, now_ms=now)
            screens = self._unseen(round_id, "watch", board["version"])
            settled = self.live.state(round_id).status in BETWEEN_QUESTIONS
            phones = settled and self._unseen(round_id, "play", board["version"])
            yield Snapshot(round_id, board, screens=screens, phones=phones)

    def _unseen(self, round_id: int, audience: str, version: int) -> bool:
        """Whether ``audience`` is yet to be sent this version of the board, by any process
        (the first to claim it sends it)."""
        if self._published.get((round_id, audience)) == version:
            return False
        self._published[(round_id, audience)] = version
        return self.schedule.claim(f"board:{audience}:{round_id}:{version}", BOARD_CLAIM_MS)
