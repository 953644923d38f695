"""The rules a bank must satisfy before it can be published.

Validation never stops at the first problem: an author fixing a file wants the whole
list at once. Every problem carries the path of the offending value, e.g.
``("questions", 3, "choices", 1, "text")``, so a file adapter can turn it into a line
and the API into an error field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from engine.domain.checking import MAX_TEXT_LENGTH
from engine.domain.normalising import UnknownNormaliser, parse
from engine.domain.questions import (
    LOCALES,
    BankContent,
    Media,
    Question,
    QuestionType,
)

FieldPath = tuple[str | int, ...]

#: Bank slugs appear in URLs and folder names: no leading or trailing hyphen.
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}[a-z0-9]")
#: Question and choice keys; dots and underscores allow keys like ``nd.2024_01``.
KEY_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
TAG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?")
SHA256_RE = re.compile(r"[0-9a-f]{64}")

#: Longest texts, in characters. A prompt fits a phone's screen or two, and bounded
#: fields keep every page, event and export of a bank bounded too.
MAX_TITLE = 200
MAX_PROMPT = 2000
MAX_CHOICE = 500
MAX_EXPLANATION = 4000
MAX_ALT = 500
MAX_SOURCE = 500
#: An accepted text answer longer than any response Leitai takes could never match.
MAX_ACCEPTED = MAX_TEXT_LENGTH

DIFFICULTIES = range(1, 6)
TIME_LIMITS_S = range(5, 601)


@dataclass(frozen=True)
class Problem:
    path: FieldPath
    message: str

    @property
    def where(self) -> str:
        """The path as an author reads it: ``questions[3].choices[1].text``."""
        out = ""
        for part in self.path:
            if isinstance(part, int):
                out += f"[{part}]"
            else:
                out += f".{part}" if out else part
        return out

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.path else self.message


def is_safe_media_path(path: str) -> bool:
    """Relative, inside the bank folder, and the same on every operating system."""
    pure = PurePosixPath(path)
    return (
        bool(path.strip())
        and path == path.strip()
        and "\\" not in path
        and not pure.is_absolute()
        and ".." not in pure.parts
    )


def validate_bank(content: BankContent) -> list[Problem]:
    """Every problem in the bank, in document order; empty when it can be published."""
    return [
        *validate_header(content.slug, content.title, content.default_locale),
        *validate_questions(enumerate(content.questions), content.default_locale),
    ]


def validate_header(slug: str, title: Mapping[str, str], default_locale: str) -> list[Problem]:
    problems = []
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        problems.append(
            Problem(("slug",), "must be 2 to 64 lowercase letters, digits or inner hyphens")
        )
    if default_locale not in LOCALES:
        problems.append(Problem(("default_locale",), f"must be one of {', '.join(LOCALES)}"))
    problems += _localized(title, default_locale, ("title",), MAX_TITLE)
    return problems


def validate_questions(
    indexed: Iterable[tuple[int, Question]], default_locale: str
) -> list[Problem]:
    """Check questions given with their position in the bank (some may be missing)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, question in indexed:
        path: FieldPath = ("questions", index)
        if question.key in seen:
            problems.append(Problem((*path, "key"), f"duplicate question key {question.key!r}"))
        seen.add(question.key)
        problems += validate_question(question, default_locale, path)
    return problems


def validate_question(
    question: Question, default_locale: str, path: FieldPath = ()
) -> list[Problem]:
    problems = []
    if not KEY_RE.fullmatch(question.key):
        problems.append(Problem((*path, "key"), _key_message()))
    problems += _localized(question.prompt, default_locale, (*path, "prompt"), MAX_PROMPT)
    problems += _choices(question, default_locale, path)
    problems += _answer(question, path)
    if isinstance(question.difficulty, bool) or question.difficulty not in DIFFICULTIES:
        problems.append(Problem((*path, "difficulty"), "must be a whole number from 1 to 5"))
    limit = question.time_limit_s
    if limit is not None and (isinstance(limit, bool) or limit not in TIME_LIMITS_S):
        problems.append(Problem((*path, "time_limit_s"), "must be from 5 to 600 seconds"))
    problems += _tags(question.tags, (*path, "tags"))
    problems += _tags(question.enemies, (*path, "enemies"), "enemy group")
    problems += _normalise(question, (*path, "normalise"))
    if question.media is not None:
        problems += _media(question.media, default_locale, (*path, "media"))
    if question.explanation is not None:
        problems += _localized(
            question.explanation, default_locale, (*path, "explanation"), MAX_EXPLANATION
        )
    if not question.source.strip():
        problems.append(Problem((*path, "source"), "must say where the fact can be checked"))
    elif len(question.source) > MAX_SOURCE:
        problems.append(Problem((*path, "source"), _too_long(MAX_SOURCE)))
    return problems


def _key_message() -> str:
    return "must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting alphanumeric"


def _too_long(limit: int) -> str:
    return f"must be at most {limit} characters"


def _localized(
    text: Mapping[str, str], default_locale: str, path: FieldPath, limit: int
) -> list[Problem]:
    problems = []
    if default_locale in LOCALES and default_locale not in text:
        problems.append(Problem(path, f"missing the default locale {default_locale!r}"))
    for locale, value in text.items():
        if locale not in LOCALES:
            problems.append(Problem((*path, locale), f"unknown locale {locale!r}"))
        elif not value.strip():
            problems.append(Problem((*path, locale), "must not be empty"))
        elif len(value) > limit:
            problems.append(Problem((*path, locale), _too_long(limit)))
    return problems


def _choices(question: Question, default_locale: str, path: FieldPath) -> list[Problem]:
    problems = []
    if question.type in (QuestionType.TRUE_FALSE, QuestionType.TEXT):
        if question.choices:
            problems.append(Problem((*path, "choices"), f"a {question.type} question has none"))
        return problems
    if len(question.choices) < 2:
        problems.append(Problem((*path, "choices"), "needs at least 2 choices"))
    seen: set[str] = set()
    for index, choice in enumerate(question.choices):
        choice_path = (*path, "choices", index)
        if not KEY_RE.fullmatch(choice.key):
            problems.append(Problem((*choice_path, "key"), _key_message()))
        elif choice.key in seen:
            problems.append(Problem((*choice_path, "key"), f"duplicate choice key {choice.key!r}"))
        seen.add(choice.key)
        problems += _localized(choice.text, default_locale, (*choice_path, "text"), MAX_CHOICE)
    return problems


def _answer(question: Question, path: FieldPath) -> list[Problem]:
    answer, answer_path = question.answer, (*path, "answer")
    if question.type is QuestionType.TRUE_FALSE:
        if len(answer) != 1 or not isinstance(answer[0], bool):
            return [Problem(answer_path, "must be exactly one of true or false")]
        return []
    problems = [
        Problem((*answer_path, index), "must be a string")
        for index, item in enumerate(answer)
        if not isinstance(item, str)
    ]
    if question.type is QuestionType.TEXT:
        if not any(isinstance(item, str) and item.strip() for item in answer):
            problems.append(Problem(answer_path, "needs at least one accepted answer"))
        problems += [
            Problem((*answer_path, index), "must not be empty")
            for index, item in enumerate(answer)
            if isinstance(item, str) and not item.strip()
        ]
        problems += [
            Problem((*answer_path, index), _too_long(MAX_ACCEPTED))
            for index, item in enumerate(answer)
            if isinstance(item, str) and len(item) > MAX_ACCEPTED
        ]
        return problems
    keys = question.choice_keys()
    problems += [
        Problem((*answer_path, index), f"no choice has the key {item!r}")
        for index, item in enumerate(answer)
        if isinstance(item, str) and item not in keys
    ]
    problems += [
        Problem((*answer_path, index), f"{item!r} is repeated")
        for index, item in enumerate(answer)
        if item in answer[:index]
    ]
    if question.type is QuestionType.SINGLE and len(answer) != 1:
        problems.append(Problem(answer_path, "must name exactly one choice"))
    elif question.type is QuestionType.MULTIPLE and not answer:
        problems.append(Problem(answer_path, "must name at least one choice"))
    elif question.type is QuestionType.ORDER and sorted(map(str, answer)) != sorted(keys):
        problems.append(Problem(answer_path, "must list every choice key once, in order"))
    return problems


def _tags(tags: tuple[str, ...], path: FieldPath, what: str = "tag") -> list[Problem]:
    """Tags, and enemy group names, which follow the same rule."""
    problems = []
    for index, tag in enumerate(tags):
        if not TAG_RE.fullmatch(tag):
            problems.append(
                Problem((*path, index), "must be 1 to 32 lowercase letters, digits or hyphens")
            )
        elif tag in tags[:index]:
            problems.append(Problem((*path, index), f"duplicate {what} {tag!r}"))
    return problems


def _normalise(question: Question, path: FieldPath) -> list[Problem]:
    if question.normalise and question.type is not QuestionType.TEXT:
        return [Problem(path, "only text questions have normalisers")]
    problems = []
    for index, spec in enumerate(question.normalise):
        try:
            parse(spec)
        except UnknownNormaliser as error:
            problems.append(Problem((*path, index), str(error)))
    return problems


def _media(media: Media, default_locale: str, path: FieldPath) -> list[Problem]:
    problems = []
    if not is_safe_media_path(media.path):
        problems.append(
            Problem((*path, "path"), "must be a relative path inside the bank folder, without '..'")
        )
    if not media.alt:
        problems.append(Problem((*path, "alt"), "alt text is required"))
    else:
        problems += _localized(media.alt, default_locale, (*path, "alt"), MAX_ALT)
    if media.sha256 is not None and not SHA256_RE.fullmatch(media.sha256):
        problems.append(Problem((*path, "sha256"), "must be 64 lowercase hex digits"))
    return problems
