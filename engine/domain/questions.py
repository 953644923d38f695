"""The question model: what a bank holds and what a paper is drawn from.

Plain frozen dataclasses with no behaviour that needs a framework. Localised text is a
mapping from locale tag to string; the bank's default locale must be present in every
one (checked by ``engine.domain.banks``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

#: Locale tags a bank may use. ``yue-jyutping`` is the registered IANA variant for
#: Cantonese romanised in Jyutping.
LOCALES: tuple[str, ...] = ("zh-Hans", "zh-Hant", "yue-jyutping", "en")

LocalizedText = Mapping[str, str]


def localized(text: Mapping[str, str]) -> LocalizedText:
    """A read-only copy, so a question cannot be changed through a shared dict."""
    return MappingProxyType(dict(text))


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    TEXT = "text"
    ORDER = "order"


#: Types whose answer is a list of choice keys.
CHOICE_TYPES = frozenset({QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.ORDER})


class MediaKind(StrEnum):
    AUDIO = "audio"
    IMAGE = "image"


@dataclass(frozen=True)
class Choice:
    key: str
    text: LocalizedText


@dataclass(frozen=True)
class Media:
    """A clip or picture shown with the prompt.

    ``path`` is relative to the bank folder in a bank file; once stored, ``sha256``
    names the content so the URL a contestant sees says nothing about the answer.
    """

    kind: MediaKind
    path: str
    alt: LocalizedText
    sha256: str | None = None


@dataclass(frozen=True)
class Question:
    """One question as authored.

    ``answer`` holds choice keys for single/multiple/order (in order for ``order``),
    one bool for true_false, and the accepted strings for text.
    """

    key: str
    type: QuestionType
    prompt: LocalizedText
    answer: tuple[str | bool, ...]
    choices: tuple[Choice, ...] = ()
    difficulty: int = 3
    tags: tuple[str, ...] = ()
    time_limit_s: int | None = None
    media: Media | None = None
    explanation: LocalizedText | None = None
    source: str = ""
    #: Enemy groups: two questions sharing a group never sit on one paper (one would
    #: give the other away).
    enemies: tuple[str, ...] = ()
    #: Text questions only: extra normalisers applied to responses and accepted answers
    #: (see ``engine.domain.normalising``).
    normalise: tuple[str, ...] = ()

    def choice_keys(self) -> tuple[str, ...]:
        return tuple(choice.key for choice in self.choices)


@dataclass(frozen=True)
class BankContent:
    """Everything a bank version is made of; two equal contents have one hash."""

    slug: str
    title: LocalizedText
    default_locale: str
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    def enemy_groups(self) -> dict[str, tuple[str, ...]]:
        """Each enemy group's question keys, in bank order."""
        groups: dict[str, list[str]] = {}
        for question in self.questions:
            for group in question.enemies:
                groups.setdefault(group, []).append(question.key)
        return {group: tuple(keys) for group, keys in groups.items()}

    def enemies_of(self) -> dict[str, frozenset[str]]:
        """For every question in some group, the other questions it may not meet."""
        found: dict[str, set[str]] = {}
        for keys in self.enemy_groups().values():
            for key in keys:
                found.setdefault(key, set()).update(k for k in keys if k != key)
        return {key: frozenset(others) for key, others in found.items()}
