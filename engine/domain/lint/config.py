"""What a lint finding is, and the thresholds an author may change.

A valid bank can still be unfit for an examination: guessable (keys piled on one
position, "true" four times in five), leaky (one item's prompt holding another item's
answer) or stale (a law question that does not say which revision it means). The
linter reports such findings; none of them stops a bank from being published.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from engine.domain.questions import LOCALES


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: Every rule, with its default severity. The console translates these ids.
RULES: Mapping[str, Severity] = MappingProxyType(
    {
        "answer-position": Severity.WARNING,
        "true-false-balance": Severity.WARNING,
        "multiple-same-count": Severity.WARNING,
        "multiple-always-in": Severity.WARNING,
        "longest-option": Severity.WARNING,
        "answer-in-prompt": Severity.WARNING,
        "near-duplicate": Severity.WARNING,
        "enemy-candidate": Severity.WARNING,
        "enemy-candidate-option": Severity.INFO,
        "enemy-group-alone": Severity.WARNING,
        "missing-locale": Severity.WARNING,
        "unpinned": Severity.WARNING,
        "long-prompt": Severity.WARNING,
        "long-option": Severity.WARNING,
    }
)


@dataclass(frozen=True)
class Finding:
    """One thing an examiner would query.

    ``question`` is the item's key (None for a finding about the whole bank), ``path``
    where to look (``questions[3].prompt.zh-Hant``), ``related`` the other items
    involved, ``suggestions`` text the author may take, by path (the OpenCC
    conversion of a missing zh-Hant text).
    """

    rule: str
    severity: Severity
    message: str
    question: str | None = None
    path: str = ""
    related: tuple[str, ...] = ()
    suggestions: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "question": self.question,
            "path": self.path,
            "related": list(self.related),
            "suggestions": dict(self.suggestions),
        }


class InvalidLintConfig(ValueError):
    """A lint configuration that names an unknown field or an impossible threshold."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class LintConfig:
    """Thresholds; every field can be set in a config file of the same names."""

    #: Significance level of the balance tests (answer position, longest option).
    alpha: float = 0.05
    #: Fewest items of a kind before its balance is judged at all.
    min_items: int = 8
    #: Allowed share of true among true/false items.
    true_share_min: float = 0.4
    true_share_max: float = 0.6
    #: Fewest multiple-select items before their patterns are judged.
    min_multiple: int = 4
    #: Jaccard similarity of character shingles from which two items are near-duplicates.
    duplicate_similarity: float = 0.7
    shingle_size: int = 2
    #: Shortest answer text (in characters) looked for in other items and in the prompt.
    min_answer_chars: int = 2
    #: Shortest answer text looked for in a language written with spaces (en, jyutping).
    min_answer_chars_spaced: int = 4
    #: Locales every text must have; None: the bank title's locales, plus zh-Hant
    #: whenever zh-Hans is among them.
    locales: tuple[str, ...] | None = None
    #: Tags that mark date-sensitive items, which must name a year in prompt or explanation.
    pinned_tags: tuple[str, ...] = ("law", "date-sensitive")
    #: Longest prompt and option a phone shows comfortably, in characters.
    max_prompt_chars: int = 120
    max_option_chars: int = 40
    #: Severity per rule id, or "off".
    severity: Mapping[str, str] = field(default_factory=dict)

    def severity_of(self, rule: str) -> Severity | None:
        chosen = self.severity.get(rule, RULES[rule])
        return None if chosen == "off" else Severity(chosen)

    @classmethod
    def from_dict(cls, data: object) -> LintConfig:
        """Parse a config file's contents; :class:`InvalidLintConfig` names the bad field."""
        if not isinstance(data, Mapping):
            raise InvalidLintConfig("config", "must be a mapping of setting to value")
        known = {f.name: f for f in fields(cls)}
        changes: dict[str, Any] = {}
        for name, value in data.items():
            if name not in known:
                raise InvalidLintConfig(str(name), "is not a lint setting")
            changes[name] = _setting(name, value, getattr(cls(), name))
        config = replace(cls(), **changes)
        _check_ranges(config)
        return config


def _setting(name: str, value: object, default: object) -> object:
    if name == "severity":
        if not isinstance(value, Mapping):
            raise InvalidLintConfig(name, "must map rule ids to error, warning, info or off")
        for rule, level in value.items():
            if rule not in RULES:
                raise InvalidLintConfig(
                    f"severity.{rule}", f"unknown rule; rules: {', '.join(RULES)}"
                )
            if level not in {*Severity, "off"}:
                raise InvalidLintConfig(f"severity.{rule}", "must be error, warning, info or off")
        return MappingProxyType(dict(value))
    if name in ("locales", "pinned_tags"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InvalidLintConfig(name, "must be a list of strings")
        if name == "locales" and not set(value) <= set(LOCALES):
            raise InvalidLintConfig(name, f"locales are {', '.join(LOCALES)}")
        return tuple(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidLintConfig(name, "must be a number")
    if isinstance(default, int) and not isinstance(value, int):
        raise InvalidLintConfig(name, "must be a whole number")
    return value


def _check_ranges(config: LintConfig) -> None:
    shares = ("alpha", "true_share_min", "true_share_max", "duplicate_similarity")
    for name in shares:
        if not 0 < getattr(config, name) <= 1:
            raise InvalidLintConfig(name, "must be above 0 and at most 1")
    if config.true_share_min > config.true_share_max:
        raise InvalidLintConfig("true_share_min", "must not exceed true_share_max")
    counts: tuple[str, ...] = ("min_items", "min_multiple", "shingle_size", "min_answer_chars")
    counts += ("min_answer_chars_spaced", "max_prompt_chars", "max_option_chars")
    for name in counts:
        if getattr(config, name) < 1:
            raise InvalidLintConfig(name, "must be at least 1")
