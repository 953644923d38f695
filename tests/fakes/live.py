"""The live store's round states and schedules in memory: what opening, driving and
finishing a round's clock touches (``Competitions.open_round`` and the ticker's reads).

Deliberately partial: joining, bans, self-paced attempts and the answer path (the
answer, void and publish scripts with their board deltas) are not faked. They are one
atomic script each in Redis and are tested there (tests/integration), so a copy here
would be a second implementation with no contract suite to hold it to the first.
"""

from __future__ import annotations

from collections.abc import Mapping

from engine.domain.rounds import LiveRound, LiveStatus
from engine.ports import Leaderboard


class InMemoryRoundStates:
    def __init__(self, leaderboard: Leaderboard) -> None:
        self._boards = leaderboard
        self._states: dict[int, LiveRound] = {}
        self._running: dict[int, int] = {}  # round -> seq
        self._deadlines: dict[int, int] = {}
        self._windows: dict[int, int] = {}
        self._claims: set[str] = set()
        self.log: list[Mapping[str, str]] = []  # what went to the answer log
        self.log_key = "answer-log"
        self.appended = 0

    def load(self, round_id: int) -> LiveRound | None:
        return self._states.get(round_id)

    def create(self, round_id: int, state: LiveRound) -> None:
        self._states[round_id] = state

    def save(
        self, round_id: int, read: LiveRound, state: LiveRound, log: Mapping[str, str] | None = None
    ) -> bool:
        if self._states.get(round_id) != read:
            return False
        self._states[round_id] = state
        if log:
            self.log.append(dict(log))
        return True

    def hold_boards(self, round_id: int) -> None:
        self._boards.hold(round_id)

    def schedule(self, round_id: int, state: LiveRound, close_at: int | None) -> None:
        if state.status is LiveStatus.FINISHED:
            self._running.pop(round_id, None)
        else:
            self._running[round_id] = state.seq
        if close_at is None:
            self._deadlines.pop(round_id, None)
        else:
            self._deadlines[round_id] = close_at

    def schedule_window(self, round_id: int, closes_at: int | None) -> None:
        if closes_at is None:
            self._windows.pop(round_id, None)
        else:
            self._windows[round_id] = closes_at

    def window_tracked(self, round_id: int) -> bool:
        return round_id in self._windows

    def windows_due(self, now: int) -> list[int]:
        return sorted(r for r, at in self._windows.items() if at <= now)

    def due(self, now: int) -> list[int]:
        return sorted(r for r, at in self._deadlines.items() if at <= now)

    def running(self) -> list[int]:
        return sorted(self._running, key=lambda r: (self._running[r], r))

    def claim(self, name: str, ttl_ms: int) -> bool:
        """Claims never expire here: a test's clock does not move Redis time."""
        if name in self._claims:
            return False
        self._claims.add(name)
        return True
