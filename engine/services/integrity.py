"""Page switches during questions: counted on the server, turned into signals for
review above the round's tolerance, and (self-paced, if the round says so) submitting
the paper at the N-th switch. See engine.domain.integrity for why this is a deterrent
and not proof."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.contest import Mode
from engine.domain.integrity import MAX_COUNTED
from engine.domain.rounds import LiveStatus
from engine.domain.signals import Signal, focus_switches
from engine.ports import FocusLog
from engine.services.answering import RefusedCommand
from engine.services.competitions import Competitions, RoundPlan
from engine.services.live import LiveRounds
from engine.services.selfpaced import SelfPacedRounds


@dataclass(frozen=True)
class FocusReport:
    counted: bool  # False for a report already counted (a retry)
    switches: int
    tolerance: int
    submitted: bool  # the paper has been handed in by switches


@dataclass
class Integrity:
    competitions: Competitions
    live: LiveRounds
    selfpaced: SelfPacedRounds
    log: FocusLog

    def focus_lost(self, round_id: int, contestant: str, question_key: str, at: int) -> FocusReport:
        """Count one report that the contestant's page lost focus at ``at`` (the phone's
        clock, used only to tell a retry from a new switch) during ``question_key``,
        which must have been put to them; a phone offline at the time reports on
        reconnecting and is counted then."""
        plan = self.competitions.plan(round_id)
        selfpaced = plan.mode is Mode.SELF_PACED
        if selfpaced:
            self.selfpaced.require_delivered(round_id, contestant, question_key)
        else:
            self._require_asked(plan, question_key)
        counted, switches = self.log.report(
            round_id, contestant, f"{contestant}:{question_key}:{at}", MAX_COUNTED
        )
        submitted = selfpaced and plan.focus.submits(switches)
        if submitted:
            self.selfpaced.submit(round_id, contestant)
        return FocusReport(counted, switches, plan.focus.tolerance, submitted)

    def _require_asked(self, plan: RoundPlan, question_key: str) -> None:
        state = self.live.state(plan.round_id)
        asked = [q.key for q in plan.questions[: state.index + 1]]
        if state.status is LiveStatus.FINISHED:
            raise RefusedCommand("already_finished", "The round has finished.")
        if question_key not in asked:
            raise RefusedCommand("question_not_asked", "That question has not been asked.")

    def signals(self, plan: RoundPlan) -> list[Signal]:
        """Contestants who switched away more often than the round tolerates."""
        return focus_switches(self.log.counts(plan.round_id), plan.focus.tolerance)
