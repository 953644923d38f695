"""Setting up competitions and rounds, and the immutable plan each round runs on."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine.domain.contest import (
    CompetitionRules,
    InvalidNickname,
    InvalidRules,
    Mode,
    clean_nickname,
)
from engine.domain.drawing import CannotDraw, InvalidDrawRule, Paper, draw_paper
from engine.domain.hant import with_traditional_bank
from engine.domain.integrity import FocusRules, InvalidFocusRules
from engine.domain.questions import BankContent, Question
from engine.domain.rounds import GRACE_MS, MAX_EXTRA_TIME, Elimination, LiveRound
from engine.domain.scoring import ScoringError
from engine.ports import LiveStore, RoundRepository
from engine.services.banks import BankAuthoring
from engine.services.errors import Invalid, NotFound

#: Join codes are read aloud and typed on phones: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
WATCH_CODE_LENGTH = 8


@dataclass(frozen=True)
class RoundPlan:
    """What a round runs on; it never changes once the round exists."""

    round_id: int
    competition_id: int
    title: str
    code: str
    watch_code: str
    seed: str
    rules: CompetitionRules
    bank: BankContent
    paper: Paper
    questions: tuple[Question, ...]  # in paper order
    #: Self-paced: (opens_at, closes_at) in server ms; None for live rounds.
    window: tuple[int, int] | None = None
    #: How page switches during questions are treated (engine.domain.integrity).
    focus: FocusRules = field(default_factory=FocusRules)

    @property
    def mode(self) -> Mode:
        return self.rules.mode

    def time_limit_s(self, question: Question) -> int:
        return question.time_limit_s or self.rules.default_time_limit_s


def new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


@dataclass
class Competitions:
    rounds: RoundRepository
    live: LiveStore
    banks: BankAuthoring

    def __post_init__(self) -> None:
        # Plans are immutable, so each process may keep the ones it has read.
        self.plan = lru_cache(maxsize=256)(self._load_plan)
        # So are a round's codes: every join looked its code up in SQL (a blocking call
        # under gevent). Only rounds found are kept; an unknown code is asked again.
        self._round_by = lru_cache(maxsize=1024)(self._find_round)

    def create(
        self,
        *,
        title: str,
        bank_slug: str,
        bank_version: int,
        rules: Mapping[str, Any],
        created_by: str | None,
        owner_id: int | None = None,
    ) -> dict[str, Any]:
        """A new competition; ``owner_id`` (the creating organiser) owns it, and without
        one only admins reach it (engine.domain.ownership)."""
        info, content = self.banks.version(bank_slug, bank_version)
        parsed = parse_rules(rules)
        try:  # a draw rule the pinned version cannot satisfy is refused now, not at round time
            draw_paper(parsed.draw, content, round_seed="check", contestant=None)
        except CannotDraw as error:
            raise Invalid("The draw rule cannot be met.", {"draw": [str(error)]}) from error
        return self.rounds.add_competition(
            title=title,
            mode=parsed.mode.value,
            bank_slug=bank_slug,
            bank_version=info.number,
            bank_hash=info.hash,
            rules=parsed.to_dict(),
            created_by=created_by,
            owner_id=owner_id,
        )

    def competition(self, competition_id: int) -> dict[str, Any]:
        found = self.rounds.competition(competition_id)
        if found is None:
            raise NotFound(f"There is no competition {competition_id}.")
        return {**found, "rounds": self.rounds.rounds_of(competition_id)}

    def round(self, round_id: int) -> dict[str, Any]:
        """The round's row as SQL keeps it."""
        found = self.rounds.round(round_id)
        if found is None:
            raise NotFound(f"There is no round {round_id}.")
        return found

    def competition_id_of(self, round_id: int) -> int:
        return self.plan(round_id).competition_id

    def open_round(
        self,
        competition_id: int,
        window: tuple[int, int] | None = None,
        focus: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new round of the competition, in its lobby, with fresh codes and seed.

        A self-paced round needs its ``window`` (opens_at, closes_at in server ms); a live
        one has none. ``focus`` (``focus_tolerance``, ``submit_after_switches``) says how
        page switches count, lenient by default; only a self-paced paper can be
        submitted by them.
        """
        competition = self.competition(competition_id)
        rules = CompetitionRules.from_dict(competition["rules"])
        try:
            focus_rules = FocusRules.from_settings(focus or {})
        except InvalidFocusRules as error:
            raise Invalid(
                "The round's settings are not valid.", {error.field: [error.message]}
            ) from error
        if focus_rules.submit_after is not None and rules.mode is not Mode.SELF_PACED:
            raise Invalid(
                "Only a self-paced paper can be submitted by page switches.",
                {"submit_after_switches": ["self-paced rounds only"]},
            )
        settings: dict[str, Any] = focus_rules.to_settings()
        if rules.mode is Mode.SELF_PACED:
            if window is None or window[1] <= window[0]:
                raise Invalid(
                    "A self-paced round needs a window that closes after it opens.",
                    {"closes_at": ["after opens_at"]},
                )
            settings |= {"opens_at": window[0], "closes_at": window[1]}
        elif window is not None:
            raise Invalid("Only self-paced rounds have a window.", {"opens_at": ["not allowed"]})
        _, content = self.banks.version(competition["bank_slug"], competition["bank_version"])
        seed = secrets.token_hex(16)
        paper = draw_paper(rules.draw, content, round_seed=seed, contestant=None)
        for _ in range(10):  # codes are random; a clash just means pick again
            row = self.rounds.add_round(
                competition_id=competition_id,
                code=new_code(CODE_LENGTH),
                watch_code=new_code(WATCH_CODE_LENGTH),
                seed=seed,
                paper=paper.to_dict(),
                settings=settings,
                status="lobby",
            )
            if row is not None:
                break
        else:
            raise RuntimeError("could not find a free join code")
        plan = self.plan(row["id"])
        if rules.public_board_waits:  # before anyone is on the boards
            self.live.hold_boards(row["id"])
        if plan.mode is Mode.SELF_PACED:
            self.live.schedule_window(row["id"], finish_at(plan))
        else:
            self.live.create(row["id"], initial_state(plan))
        return row

    def round_id_by_code(self, code: str) -> int:
        return self._round_by("code", code.strip().upper())

    def round_id_by_watch_code(self, code: str) -> int:
        return self._round_by("watch_code", code.strip().upper())

    def _find_round(self, kind: str, code: str) -> int:
        found = self.rounds.round_by(**{kind: code})
        if found is None:
            what = "code" if kind == "code" else "watch code"
            raise NotFound(f"No round has that {what}.")
        return found

    def _load_plan(self, round_id: int) -> RoundPlan:
        row = self.rounds.round(round_id)
        if row is None:
            raise NotFound(f"There is no round {round_id}.")
        competition = self.rounds.competition(row["competition_id"])
        assert competition is not None
        _, content = self.banks.version(competition["bank_slug"], competition["bank_version"])
        # Readers who chose zh-Hant get it even where the author wrote only zh-Hans.
        content = with_traditional_bank(content, self.banks.zh_hant_conversion)
        paper = Paper.from_dict(row["paper"])
        by_key = {q.key: q for q in content.questions}
        return RoundPlan(
            round_id=round_id,
            competition_id=competition["id"],
            title=competition["title"],
            code=row["code"],
            watch_code=row["watch_code"],
            seed=row["seed"],
            rules=CompetitionRules.from_dict(competition["rules"]),
            bank=content,
            paper=paper,
            questions=tuple(by_key[key] for key in paper.question_keys),
            window=(
                (row["settings"]["opens_at"], row["settings"]["closes_at"])
                if "opens_at" in row["settings"]
                else None
            ),
            focus=FocusRules.from_settings(row["settings"]),
        )


def finish_at(plan: RoundPlan) -> int:
    """When a self-paced round is finished: after its window closes, once a question
    delivered at the last moment (with the most extra time) can no longer be answered."""
    assert plan.window is not None
    longest_ms = max(plan.time_limit_s(q) for q in plan.bank.questions) * 1000
    return plan.window[1] + round(longest_ms * MAX_EXTRA_TIME) + GRACE_MS


def checked_entrant(plan: RoundPlan, nickname: object, region: str | None, team: str | None) -> str:
    """The nickname as shown, once nickname, region and team suit this round."""
    try:
        shown = clean_nickname(nickname)
    except InvalidNickname as error:
        raise Invalid(str(error), {"nickname": [str(error)]}, reason=error.reason) from error
    if region is not None and region not in plan.rules.regions:
        raise Invalid("Unknown region.", {"region": [f"one of {', '.join(plan.rules.regions)}"]})
    if team is not None and team not in plan.rules.teams:
        raise Invalid("Unknown team.", {"team": ["not a team of this competition"]})
    return shown


def initial_state(plan: RoundPlan) -> LiveRound:
    elimination = None
    if plan.mode is Mode.ELIMINATION:
        elimination = Elimination(revival_tokens=plan.rules.revival_tokens)
    return LiveRound(
        time_limits_s=tuple(plan.time_limit_s(q) for q in plan.questions),
        elimination=elimination,
    )


def parse_rules(data: Mapping[str, Any]) -> CompetitionRules:
    """Competition rules from plain data, or :class:`Invalid` naming the field."""
    for name in ("mode", "draw"):
        if name not in data:
            raise Invalid("The competition rules are not valid.", {name: ["required"]})
    if data["mode"] not in list(Mode):
        modes = ", ".join(Mode)
        raise Invalid("The competition rules are not valid.", {"mode": [f"one of {modes}"]})
    try:
        return CompetitionRules.from_dict(data)
    except InvalidRules as error:
        raise Invalid(
            "The competition rules are not valid.", {error.field: [error.message]}
        ) from error
    except InvalidDrawRule as error:
        raise Invalid(
            "The draw rule is not valid.", {f"draw.{error.field}": [error.message]}
        ) from error
    except ScoringError as error:
        raise Invalid("The scoring rules are not valid.", {"scoring": [str(error)]}) from error
    except (KeyError, TypeError, ValueError) as error:
        raise Invalid("The competition rules are not valid.", {"rules": [str(error)]}) from error
