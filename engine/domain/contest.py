"""How a competition is run: its mode and rules, and who may enter under what name."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from engine.domain.drawing import DrawRule
from engine.domain.identity import fold
from engine.domain.regions import GUANGDONG
from engine.domain.scoring import ScoringRules


class Mode(StrEnum):
    LIVE = "live"
    ELIMINATION = "elimination"
    SELF_PACED = "self_paced"


class InvalidRules(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


REVEAL_POLICIES = ("after_answer", "after_close")
TEAM_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,31}")


@dataclass(frozen=True)
class CompetitionRules:
    """Everything about a competition except its title and bank."""

    mode: Mode
    scoring: ScoringRules
    draw: DrawRule
    regions: tuple[str, ...] = tuple(region.code for region in GUANGDONG)
    teams: tuple[str, ...] = ()
    partial_credit: bool = False
    #: Used for questions that set no ``time_limit_s`` of their own.
    default_time_limit_s: int = 20
    revival_tokens: int = 0
    #: Per-question weight multipliers by question key (default 1).
    weights: Mapping[str, float] = field(default_factory=dict)
    #: From the opening of this question (1-based) contestants and spectators see the
    #: leaderboard as it stood then; it thaws when the round finishes.
    freeze_at_question: int | None = None
    #: Self-paced: when a question's answer key may leave the server — right after the
    #: contestant answered it, or only once the window has closed.
    reveal_answers: str = "after_answer"
    #: Self-paced: a contestant who entered in elderly mode (长辈模式) gets twice each
    #: question's time (WCAG 2.2.1). Live rounds have one clock for the whole hall.
    elder_extra_time: bool = False

    def __post_init__(self) -> None:
        if not 5 <= self.default_time_limit_s <= 600:
            raise InvalidRules("default_time_limit_s", "between 5 and 600 seconds")
        if self.revival_tokens and self.mode is not Mode.ELIMINATION:
            raise InvalidRules("revival_tokens", "only elimination rounds have revivals")
        if not 0 <= self.revival_tokens <= 10:
            raise InvalidRules("revival_tokens", "between 0 and 10")
        for team in self.teams:
            if not TEAM_KEY.fullmatch(team):
                raise InvalidRules("teams", f"{team!r} is not a team key (a-z, 0-9, -)")
        if len(set(self.teams)) != len(self.teams):
            raise InvalidRules("teams", "team keys must be unique")
        if len(set(self.regions)) != len(self.regions):
            raise InvalidRules("regions", "region codes must be unique")
        for key, weight in self.weights.items():
            if not 0 < weight <= 10:
                raise InvalidRules("weights", f"{key}: a weight is above 0 and at most 10")
        freeze = self.freeze_at_question
        if freeze is not None:
            if type(freeze) is not int or not 1 <= freeze <= self.draw.size:
                raise InvalidRules(
                    "freeze_at_question", f"a question number from 1 to {self.draw.size}"
                )
            if self.mode is Mode.SELF_PACED:
                raise InvalidRules("freeze_at_question", "self-paced rounds have no live board")
        if type(self.elder_extra_time) is not bool:
            raise InvalidRules("elder_extra_time", "true or false")
        if self.elder_extra_time and self.mode is not Mode.SELF_PACED:
            raise InvalidRules(
                "elder_extra_time",
                "only self-paced rounds: a live question closes for the whole hall at once",
            )

    @property
    def public_board_waits(self) -> bool:
        """Whether the public boards show only what has been revealed (DESIGN, Trust
        rules): a live round's move as each question closes; those of a self-paced round
        that reveals after its window stay at 0 until it ends."""
        return self.mode is not Mode.SELF_PACED or self.reveal_answers == "after_close"

    def weight(self, question_key: str) -> float:
        return self.weights.get(question_key, 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value,
            "scoring": self.scoring.to_dict(),
            "draw": self.draw.to_dict(),
            "regions": list(self.regions),
            "teams": list(self.teams),
            "partial_credit": self.partial_credit,
            "default_time_limit_s": self.default_time_limit_s,
            "revival_tokens": self.revival_tokens,
            "weights": dict(self.weights),
            "freeze_at_question": self.freeze_at_question,
            "reveal_answers": self.reveal_answers,
            "elder_extra_time": self.elder_extra_time,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompetitionRules:
        return cls(
            mode=Mode(data["mode"]),
            scoring=ScoringRules.from_dict(data.get("scoring", {})),
            draw=DrawRule.from_dict(data["draw"]),
            regions=tuple(data.get("regions", [r.code for r in GUANGDONG])),
            teams=tuple(data.get("teams", ())),
            partial_credit=bool(data.get("partial_credit", False)),
            default_time_limit_s=int(data.get("default_time_limit_s", 20)),
            revival_tokens=int(data.get("revival_tokens", 0)),
            weights=dict(data.get("weights", {})),
            freeze_at_question=data.get("freeze_at_question"),
            reveal_answers=data.get("reveal_answers", "after_answer"),
            elder_extra_time=data.get("elder_extra_time", False),
        )


NICKNAME_MAX = 24
#: Words a nickname may not contain (folded); a competition's own list adds to these.
BLOCKED_WORDS: tuple[str, ...] = (
    "admin",
    "administrator",
    "organiser",
    "organizer",
    "host",
    "moderator",
    "fuck",
    "shit",
    "傻逼",
    "操你",
    "妈的",
    "法轮",
)


class InvalidNickname(ValueError):
    """What is wrong with a nickname: ``reason`` names it for pages that word it in the
    reader's language (``not_text``, ``empty``, ``too_long``, ``control``, ``invisible``,
    ``blocked``)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def clean_nickname(raw: object, blocked: Sequence[str] = BLOCKED_WORDS) -> str:
    """The nickname as shown, or :class:`InvalidNickname` saying what is wrong."""
    if not isinstance(raw, str):
        raise InvalidNickname("a nickname is text", "not_text")
    nickname = " ".join(unicodedata.normalize("NFKC", raw).split())
    if not nickname:
        raise InvalidNickname("a nickname cannot be empty", "empty")
    if len(nickname) > NICKNAME_MAX:
        raise InvalidNickname(f"a nickname has at most {NICKNAME_MAX} characters", "too_long")
    if any(unicodedata.category(ch).startswith("C") for ch in nickname):
        raise InvalidNickname("a nickname cannot contain control characters", "control")
    folded = fold(nickname)
    if not folded:
        raise InvalidNickname("a nickname needs a visible character", "invisible")
    if any(word in folded for word in blocked):
        raise InvalidNickname("that nickname is not allowed; choose another", "blocked")
    return nickname
