"""The live store in memory: round states and schedules, contestants and bans,
self-paced attempts and accepting answers, on an in-memory leaderboard. It passes
tests/contract/test_live_store.py with ``RedisLiveStore``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engine.domain.log import Answered, Joined, Left, LogEntry, Voided
from engine.domain.rounds import LiveRound, LiveStatus
from engine.ports import NO_PROGRESS, Progress
from tests.fakes.leaderboard import InMemoryLeaderboard


@dataclass(frozen=True)
class Reading:
    running: bool
    attempt: str | None
    progress: Progress
    score: float | None
    first: dict[str, Any] | None
    banned: bool = False


@dataclass(frozen=True)
class Outcome:
    status: str
    result: dict[str, Any] | None = None
    reason: str | None = None
    progress: Progress | None = None
    score: float | None = None


class InMemoryLiveStore:
    def __init__(self, leaderboard: InMemoryLeaderboard) -> None:
        self._boards = leaderboard
        self._states: dict[int, LiveRound] = {}
        self._running: dict[int, int] = {}  # round -> seq
        self._deadlines: dict[int, int] = {}
        self._windows: dict[int, int] = {}
        self._claims: set[str] = set()
        self._holders: dict[tuple[int, str], str] = {}  # (round, entry key) -> contestant
        self._entry_keys: dict[tuple[int, str], tuple[str, ...]] = {}  # every key, banned too
        self._kicked: set[tuple[int, str]] = set()
        self._banned_keys: dict[tuple[int, str], str] = {}  # (round, entry key) -> contestant
        #: (round, contestant) -> their scores while banned, "<view>:<scope>" -> score
        self._set_aside: dict[tuple[int, str], dict[str, int]] = {}
        self._profiles: dict[int, dict[str, str]] = {}  # round -> contestant -> JSON
        self._joined: dict[int, int] = {}  # round -> entries ever made (ids are not reused)
        self._attempts: dict[tuple[int, str], str] = {}
        self._progress: dict[tuple[int, str], Progress] = {}
        self._answers: dict[tuple[int, int], dict[str, str]] = {}  # (round, index) -> JSON
        self._options: dict[tuple[int, int], dict[str, int]] = {}
        #: (round, index) -> contestant -> what their live answer did, as lua/answer.lua
        #: records it for a void or a publish: [status, delta, views, progress before,
        #: progress after]
        self._deltas: dict[tuple[int, int], dict[str, list[Any]]] = {}
        self._published: dict[int, int] = {}
        self.log: list[LogEntry] = []  # what went to the answer log
        self.appended = 0

    # --- the round's state -------------------------------------------------------------

    def load(self, round_id: int) -> LiveRound | None:
        return self._states.get(round_id)

    def create(self, round_id: int, state: LiveRound) -> None:
        self._states[round_id] = state

    def save(
        self, round_id: int, read: LiveRound, state: LiveRound, log: Voided | None = None
    ) -> bool:
        if self._states.get(round_id) != read:
            return False
        self._states[round_id] = state
        if log:
            self.log.append(log)
        return True

    def hold_boards(self, round_id: int) -> None:
        self._boards.hold(round_id)

    # --- which rounds need attention ---------------------------------------------------

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

    # --- contestants -------------------------------------------------------------------

    def join(
        self,
        round_id: int,
        unique: Sequence[str],
        profile: Mapping[str, Any],
        log: Joined,
        *,
        also_banned: Sequence[str] = (),
    ) -> tuple[str, str]:
        self.appended += 1
        for key in (*unique, *also_banned):
            if (round_id, key) in self._banned_keys:
                return self._banned_keys[round_id, key], "banned"
        for key in unique:
            if (round_id, key) in self._holders:
                return self._holders[round_id, key], "taken"
        profiles = self._profiles.setdefault(round_id, {})
        self._joined[round_id] = self._joined.get(round_id, 0) + 1
        contestant = str(self._joined[round_id])
        for key in unique:
            self._holders[round_id, key] = contestant
        self._entry_keys[round_id, contestant] = (*unique, *also_banned)
        profiles[contestant] = json.dumps(profile, ensure_ascii=False)
        self.log.append(log._replace(contestant=contestant))
        return contestant, "created"

    def leave(self, round_id: int, contestant: str, log: Left) -> str:
        """lua/leave.lua: the entry goes while the round is in its lobby."""
        profiles = self._profiles.get(round_id, {})
        if contestant not in profiles:
            return "gone"
        if self._states[round_id].status is not LiveStatus.LOBBY:
            return "kept"
        for held, holder in list(self._holders.items()):
            if held[0] == round_id and holder == contestant:
                del self._holders[held]
        del profiles[contestant]
        self._entry_keys.pop((round_id, contestant), None)
        self._boards.withdraw(round_id, contestant)
        self.log.append(log)
        return "left"

    def profile(self, round_id: int, contestant: str) -> dict[str, Any] | None:
        raw = self._profiles.get(round_id, {}).get(contestant)
        return None if raw is None else json.loads(raw)

    def contestant_count(self, round_id: int) -> int:
        return len(self._profiles.get(round_id, {}))

    def contestants(self, round_id: int) -> dict[str, dict[str, Any]]:
        return {c: json.loads(raw) for c, raw in self._profiles.get(round_id, {}).items()}

    def ban(self, round_id: int, contestant: str) -> bool:
        """lua/ban.lua: every entry key refuses new entries, the scores go aside."""
        if (round_id, contestant) in self._kicked:
            return False
        self._kicked.add((round_id, contestant))
        for key in self._entry_keys.get((round_id, contestant), ()):
            self._banned_keys[round_id, key] = contestant
        scores = self._boards.set_aside(round_id, contestant)
        if scores is not None:
            self._set_aside[round_id, contestant] = scores
        return True

    def lift(self, round_id: int, contestant: str) -> bool:
        if (round_id, contestant) not in self._kicked:
            return False
        self._kicked.discard((round_id, contestant))
        for key in self._entry_keys.get((round_id, contestant), ()):
            if self._banned_keys.get((round_id, key)) == contestant:
                del self._banned_keys[round_id, key]
        scores = self._set_aside.pop((round_id, contestant), None)
        if scores is not None:
            self._boards.put_back(round_id, contestant, scores)
        return True

    def is_kicked(self, round_id: int, contestant: str) -> bool:
        return (round_id, contestant) in self._kicked

    def banned(self, round_id: int) -> dict[str, float | None]:
        found = sorted(c for r, c in self._kicked if r == round_id)
        scores = {c: self._set_aside.get((round_id, c), {}).get("live:all") for c in found}
        return {c: None if score is None else float(score) for c, score in scores.items()}

    # --- self-paced attempts -----------------------------------------------------------

    def create_attempt(self, round_id: int, contestant: str, attempt: str) -> None:
        self._attempts.setdefault((round_id, contestant), attempt)

    def attempt(self, round_id: int, contestant: str) -> str | None:
        return self._attempts.get((round_id, contestant))

    def selfpaced_reading(
        self, round_id: int, contestant: str, answering: int | None = None
    ) -> Reading:
        first = None if answering is None else self.answer_of(round_id, answering, contestant)
        return Reading(
            running=round_id in self._windows,
            attempt=self.attempt(round_id, contestant),
            progress=self._progress.get((round_id, contestant), NO_PROGRESS),
            score=self._boards.live_score(round_id, contestant),
            first=first,
            banned=self.is_kicked(round_id, contestant),
        )

    def save_attempt(self, round_id: int, contestant: str, read: str, attempt: str) -> bool:
        if self._attempts.get((round_id, contestant)) != read:
            return False
        self._attempts[round_id, contestant] = attempt
        return True

    def move_attempt(
        self, round_id: int, contestant: str, known: tuple[str, Progress], attempt: str
    ) -> str:
        """lua/move_attempt.lua's steps, in its order."""
        if (round_id, contestant) in self._kicked:
            return "banned"
        if round_id not in self._windows:
            return "finished"
        read, progress = known
        stored = self._progress.get((round_id, contestant), NO_PROGRESS)
        if self._attempts.get((round_id, contestant)) != read or stored != progress:
            return "moved"
        self._attempts[round_id, contestant] = attempt
        return "saved"

    # --- answers -----------------------------------------------------------------------

    def progress(self, round_id: int, contestant: str) -> tuple[Progress, float | None]:
        progress = self._progress.get((round_id, contestant), NO_PROGRESS)
        return progress, self._boards.live_score(round_id, contestant)

    def record_answer(
        self,
        round_id: int,
        competition_id: int | None,
        contestant: str,
        index: int,
        *,
        seq: int | None,
        expected_progress: Progress,
        new_progress: Progress,
        expected_score: float | None,
        points: int,
        response_ms: int,
        result: Mapping[str, Any],
        options: Sequence[str],
        log: Answered,
        attempt: tuple[str, str] | None = None,
    ) -> Outcome:
        """lua/answer.lua's steps, in its order."""
        self.appended += 1
        state = self._states.get(round_id)
        if seq is not None and (state is None or state.seq != seq):
            return Outcome("stale")
        if self.is_kicked(round_id, contestant):
            return Outcome("refused", reason="kicked")
        answers = self._answers.setdefault((round_id, index), {})
        if contestant in answers:
            return Outcome("duplicate", json.loads(answers[contestant]))
        if attempt is not None:
            if round_id not in self._windows:
                return Outcome("refused", reason="already_finished")
            if self._attempts.get((round_id, contestant)) != attempt[0]:
                return Outcome("stale")
        progress, score = self.progress(round_id, contestant)
        if progress != expected_progress or (score or 0.0) != (expected_score or 0.0):
            return Outcome("retry", progress=progress, score=score)
        applied = self._boards.answer(round_id, contestant, points, response_ms)
        if isinstance(applied, str):
            return Outcome("refused", reason=applied)
        if competition_id is not None:  # the competition's own call, after the round's
            answered = [(index, contestant, points, response_ms)]
            self._boards.add_to_competition(competition_id, round_id, answered)
        if seq is not None:  # only a live question can be skipped
            views = "live+public" if applied.public else "live"
            self._deltas.setdefault((round_id, index), {})[contestant] = [
                "applied",
                applied.delta,
                views,
                expected_progress,
                new_progress,
            ]
        answers[contestant] = json.dumps(result, ensure_ascii=False, separators=(",", ":"))
        self._progress[round_id, contestant] = new_progress
        if attempt is not None:
            self._attempts[round_id, contestant] = attempt[1]
        counts = self._options.setdefault((round_id, index), {})
        for option in options:
            counts[option] = counts.get(option, 0) + 1
        self.log.append(log)
        return Outcome("accepted", dict(result), progress=new_progress, score=float(applied.score))

    def progress_before(self, round_id: int, index: int, contestant: str) -> Progress:
        recorded = self._deltas.get((round_id, index), {}).get(contestant)
        return NO_PROGRESS if recorded is None else recorded[3]

    def void_question(self, round_id: int, index: int, competition_id: int | None) -> int:
        """lua/void.lua: each applied answer taken back from the boards it reached, its
        result voided, the streak step undone unless a later answer moved it on."""
        voided = 0
        deltas = self._deltas.get((round_id, index), {})
        answers = self._answers.get((round_id, index), {})
        state = self._boards.state_of(round_id)
        for contestant in list(answers):
            recorded = deltas.get(contestant)
            if recorded is None or recorded[0] != "applied":
                continue
            _, delta, views, before, after = recorded
            aside = self._set_aside.get((round_id, contestant))
            if aside is not None:  # banned: off the boards, the scores set aside give it back
                for name in aside:
                    view = name.split(":", 1)[0]
                    if view == "live" or (view == "public" and views == "live+public"):
                        aside[name] -= delta
            else:
                public = views == "live+public" and state in ("p", "c", "f")
                self._boards.shift(
                    round_id, contestant, -delta, ["live", "public"] if public else ["live"]
                )
            recorded[0] = "voided"
            result = json.loads(answers[contestant])
            answers[contestant] = json.dumps(
                {**result, "points": 0, "voided": True, "reason": "skipped"},
                ensure_ascii=False,
                separators=(",", ":"),
            )
            if self._progress.get((round_id, contestant), NO_PROGRESS) == after:
                if before == NO_PROGRESS:
                    self._progress.pop((round_id, contestant), None)
                else:
                    self._progress[round_id, contestant] = before
            voided += 1
        if competition_id is not None:  # the competition's own call, after the round's
            self._boards.void_in_competition(competition_id, round_id, index, list(answers))
        return voided

    def publish_question(self, round_id: int, index: int) -> int:
        """lua/publish.lua: a closed question's answers onto boards held until it closes."""
        published = 0
        if self._boards.state_of(round_id) == "c":
            for contestant, recorded in self._deltas.get((round_id, index), {}).items():
                if recorded[0] == "applied" and recorded[2] == "live":
                    aside = self._set_aside.get((round_id, contestant))
                    if aside is None:
                        self._boards.shift(round_id, contestant, recorded[1], ["public"])
                    else:  # banned: the public scores set aside take it, for a lift
                        for scope in self._boards.board_scopes(round_id, contestant):
                            name = f"public:{scope}"
                            aside[name] = aside.get(name, 0) + recorded[1]
                    recorded[2] = "live+public"
                    published += 1
        self._published[round_id] = index
        return published

    def published_through(self, round_id: int) -> int:
        return self._published.get(round_id, -1)

    def answers(self, round_id: int, index: int) -> dict[str, dict[str, Any]]:
        found = self._answers.get((round_id, index), {})
        return {c: json.loads(raw) for c, raw in found.items()}

    def answer_of(self, round_id: int, index: int, contestant: str) -> dict[str, Any] | None:
        raw = self._answers.get((round_id, index), {}).get(contestant)
        return None if raw is None else json.loads(raw)

    def answer_count(self, round_id: int, index: int) -> int:
        return len(self._answers.get((round_id, index), {}))

    def option_counts(self, round_id: int, index: int) -> dict[str, int]:
        return dict(self._options.get((round_id, index), {}))
