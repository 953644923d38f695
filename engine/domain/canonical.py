"""Plain data in and out of the question model, and the hashes that name a version.

The plain dict has the shape of a bank file (``format: leitai-bank/1``, slug, title,
default_locale, questions). Parsing never raises on bad input: it returns every shape
problem (wrong type, unknown or missing field) with its path, and for a bank also
every rule broken (``engine.domain.banks``).

The canonical form of a question is its plain dict with keys sorted, every string NFC
and stripped of surrounding whitespace, the answer of a ``multiple`` question sorted
(it is a set: which keys, not in what order) and so are a question's enemy groups.
Everything else is content: ``explanation``, ``source``, ``media`` (path, and ``sha256``
once stored), ``enemies``, ``normalise`` (an ordered list), choice order, tag order,
the order of accepted text answers (the first is the one shown) and the order of
questions in a bank, which the author chose. Any change to content
changes the hash; formatting, mapping key order and surrounding whitespace do not.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from engine.domain.banks import FieldPath, Problem, validate_header, validate_questions
from engine.domain.questions import (
    BankContent,
    Choice,
    LocalizedText,
    Media,
    MediaKind,
    Question,
    QuestionType,
    localized,
)

FORMAT = "leitai-bank/1"

#: Field order as in the bank file contract; dumps and diffs follow it.
BANK_FIELDS = ("format", "slug", "title", "default_locale", "questions")
QUESTION_FIELDS = (
    "key",
    "type",
    "prompt",
    "choices",
    "answer",
    "normalise",
    "difficulty",
    "tags",
    "enemies",
    "time_limit_s",
    "media",
    "explanation",
    "source",
)
_REQUIRED_QUESTION_FIELDS = ("key", "type", "prompt", "answer", "difficulty", "source")
_CHOICE_FIELDS = ("key", "text")
_MEDIA_FIELDS = ("kind", "path", "alt", "sha256")

#: A required field that is absent; ``_fields`` has reported it, parsers stay quiet.
_MISSING: Any = object()


# -- model to plain data -------------------------------------------------------------


def question_to_dict(question: Question) -> dict[str, Any]:
    """The question as it reads in a bank file; empty optional fields are left out."""
    data: dict[str, Any] = {
        "key": question.key,
        "type": question.type.value,
        "prompt": dict(question.prompt),
    }
    if question.choices:
        data["choices"] = [{"key": c.key, "text": dict(c.text)} for c in question.choices]
    data["answer"] = list(question.answer)
    if question.normalise:
        data["normalise"] = list(question.normalise)
    data["difficulty"] = question.difficulty
    if question.tags:
        data["tags"] = list(question.tags)
    if question.enemies:
        data["enemies"] = list(question.enemies)
    if question.time_limit_s is not None:
        data["time_limit_s"] = question.time_limit_s
    if question.media is not None:
        data["media"] = _media_to_dict(question.media)
    if question.explanation is not None:
        data["explanation"] = dict(question.explanation)
    data["source"] = question.source
    return data


def _media_to_dict(media: Media) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": media.kind.value, "path": media.path, "alt": dict(media.alt)}
    if media.sha256 is not None:
        data["sha256"] = media.sha256
    return data


def bank_to_dict(content: BankContent) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "slug": content.slug,
        "title": dict(content.title),
        "default_locale": content.default_locale,
        "questions": [question_to_dict(q) for q in content.questions],
    }


# -- canonical form and hashes -------------------------------------------------------


def canonical_question(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = _normalized(question_to_dict(question))
    if question.type is QuestionType.MULTIPLE:
        data["answer"] = sorted(data["answer"], key=str)
    if "enemies" in data:
        data["enemies"] = sorted(data["enemies"])  # a set of groups, like a multiple answer
    return data


def question_hash(question: Question) -> str:
    """SHA-256 (hex) of the canonical form: the identity of one question version."""
    return _sha256(canonical_question(question))


def canonical_manifest(content: BankContent) -> dict[str, Any]:
    """What a bank version is: its header and its questions, in order, by hash."""
    manifest: dict[str, Any] = _normalized(
        {
            "slug": content.slug,
            "title": dict(content.title),
            "default_locale": content.default_locale,
            "questions": [[q.key, question_hash(q)] for q in content.questions],
        }
    )
    return manifest


def bank_hash(content: BankContent) -> str:
    """SHA-256 (hex) of the canonical manifest: the identity of a bank version."""
    return _sha256(canonical_manifest(content))


def _normalized(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if isinstance(value, Mapping):
        return {_normalized(k): _normalized(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_normalized(item) for item in value]
    return value


def _sha256(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- plain data to model -------------------------------------------------------------


def bank_from_dict(data: Any) -> tuple[BankContent | None, list[Problem]]:
    """Build a bank from plain data and report every problem, shape and rules alike.

    The content is None when the data cannot be built into the model; otherwise it is
    returned even when rules are broken, so an empty problem list means publishable.
    """
    problems: list[Problem] = []
    if not _fields(data, (), BANK_FIELDS, BANK_FIELDS, problems):
        return None, problems
    if "format" in data and data["format"] != FORMAT:
        problems.append(Problem(("format",), f"must be {FORMAT!r}, not {data['format']!r}"))
    slug = _string(data.get("slug", _MISSING), ("slug",), problems)
    title = _localized(data.get("title", _MISSING), ("title",), problems)
    default_locale = _string(data.get("default_locale", _MISSING), ("default_locale",), problems)
    questions: list[tuple[int, Question]] = []
    for index, raw in enumerate(_list(data.get("questions", _MISSING), ("questions",), problems)):
        question, question_problems = question_from_dict(raw, ("questions", index))
        problems += question_problems
        if question is not None:
            questions.append((index, question))
    shape_ok = not problems
    if slug is not None and title is not None and default_locale is not None:
        problems += validate_header(slug, title, default_locale)
    problems += validate_questions(questions, default_locale or "")
    if not shape_ok:
        return None, problems
    # A required field (_fields checked them) is None only with a problem recorded.
    content = BankContent(slug, title, default_locale, tuple(q for _, q in questions))  # type: ignore[arg-type]
    return content, problems


def question_from_dict(data: Any, path: FieldPath = ()) -> tuple[Question | None, list[Problem]]:
    """Build one question; problems are about shape only (see ``validate_question``)."""
    problems: list[Problem] = []
    if not _fields(data, path, QUESTION_FIELDS, _REQUIRED_QUESTION_FIELDS, problems):
        return None, problems
    key = _string(data.get("key", _MISSING), (*path, "key"), problems)
    type_ = _question_type(data.get("type", _MISSING), (*path, "type"), problems)
    prompt = _localized(data.get("prompt", _MISSING), (*path, "prompt"), problems)
    choices = _choices(data.get("choices") or [], (*path, "choices"), problems)
    answer = _answer(data.get("answer", _MISSING), (*path, "answer"), problems)
    difficulty = _integer(data.get("difficulty", _MISSING), (*path, "difficulty"), problems)
    tags = _strings(data.get("tags") or [], (*path, "tags"), problems)
    enemies = _strings(data.get("enemies") or [], (*path, "enemies"), problems)
    normalise = _strings(data.get("normalise") or [], (*path, "normalise"), problems)
    time_limit_s = data.get("time_limit_s")
    if time_limit_s is not None:
        time_limit_s = _integer(time_limit_s, (*path, "time_limit_s"), problems)
    media = data.get("media")
    if media is not None:
        media = _media(media, (*path, "media"), problems)
    explanation = data.get("explanation")
    if explanation is not None:
        explanation = _localized(explanation, (*path, "explanation"), problems)
    source = _string(data.get("source", _MISSING), (*path, "source"), problems)
    if problems:
        return None, problems
    question = Question(
        key=key,
        type=type_,  # type: ignore[arg-type]  # None only with a problem, returned above
        prompt=prompt,  # type: ignore[arg-type]
        answer=answer,
        choices=choices,
        difficulty=difficulty,
        tags=tags,
        time_limit_s=time_limit_s,
        media=media,
        explanation=explanation,
        source=source,
        enemies=enemies,
        normalise=normalise,
    )
    return question, problems


def _fields(
    data: Any,
    path: FieldPath,
    allowed: tuple[str, ...],
    required: tuple[str, ...],
    problems: list[Problem],
) -> bool:
    """Whether ``data`` is a mapping; unknown and missing fields are reported."""
    if not isinstance(data, Mapping):
        problems.append(Problem(path, f"must be a mapping, not {_kind(data)}"))
        return False
    problems += [
        Problem((*path, str(name)), f"unknown field {name!r}")
        for name in data
        if name not in allowed
    ]
    problems += [
        Problem((*path, name), f"missing required field {name!r}")
        for name in required
        if name not in data
    ]
    return True


def _string(value: Any, path: FieldPath, problems: list[Problem]) -> Any:
    if value is not _MISSING and not isinstance(value, str):
        problems.append(Problem(path, f"must be a string, not {_kind(value)}"))
    return value if isinstance(value, str) else None


def _integer(value: Any, path: FieldPath, problems: list[Problem]) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        if value is not _MISSING:
            problems.append(Problem(path, f"must be a whole number, not {_kind(value)}"))
        return None
    return value


def _localized(value: Any, path: FieldPath, problems: list[Problem]) -> LocalizedText | None:
    if value is _MISSING:
        return None
    if not isinstance(value, Mapping):
        problems.append(Problem(path, f"must be a mapping of locale to text, not {_kind(value)}"))
        return None
    before = len(problems)
    for locale, text in value.items():
        if not isinstance(locale, str):
            problems.append(Problem(path, f"locale {locale!r} must be a string"))
        elif not isinstance(text, str):
            problems.append(Problem((*path, locale), f"must be a string, not {_kind(text)}"))
    return localized(value) if len(problems) == before else None


def _question_type(value: Any, path: FieldPath, problems: list[Problem]) -> QuestionType | None:
    if value is _MISSING:
        return None
    try:
        return QuestionType(value)
    except ValueError:
        names = ", ".join(t.value for t in QuestionType)
        problems.append(Problem(path, f"must be one of {names}, not {value!r}"))
        return None


def _list(value: Any, path: FieldPath, problems: list[Problem]) -> list[Any]:
    if not isinstance(value, list):
        if value is not _MISSING:
            problems.append(Problem(path, f"must be a list, not {_kind(value)}"))
        return []
    return value


def _strings(value: Any, path: FieldPath, problems: list[Problem]) -> tuple[str, ...]:
    items = _list(value, path, problems)
    return tuple(_string(item, (*path, i), problems) for i, item in enumerate(items))


def _answer(value: Any, path: FieldPath, problems: list[Problem]) -> tuple[str | bool, ...]:
    items = _list(value, path, problems)
    for index, item in enumerate(items):
        if not isinstance(item, str | bool):
            problems.append(
                Problem((*path, index), f"must be a string or true/false, not {_kind(item)}")
            )
    return tuple(items)


def _choices(value: Any, path: FieldPath, problems: list[Problem]) -> tuple[Choice, ...]:
    choices = []
    for index, item in enumerate(_list(value, path, problems)):
        item_path = (*path, index)
        if _fields(item, item_path, _CHOICE_FIELDS, _CHOICE_FIELDS, problems):
            key = _string(item.get("key", _MISSING), (*item_path, "key"), problems)
            text = _localized(item.get("text", _MISSING), (*item_path, "text"), problems)
            # A None text comes with a problem: the caller then drops the choices.
            choices.append(Choice(key, text))  # type: ignore[arg-type]
    return tuple(choices)


def _media(value: Any, path: FieldPath, problems: list[Problem]) -> Media | None:
    if not _fields(value, path, _MEDIA_FIELDS, _MEDIA_FIELDS[:3], problems):
        return None
    kind = value.get("kind", _MISSING)
    try:
        kind = MediaKind(kind)
    except ValueError:
        if kind is not _MISSING:
            problems.append(Problem((*path, "kind"), f"must be audio or image, not {kind!r}"))
    media_path = _string(value.get("path", _MISSING), (*path, "path"), problems)
    alt = _localized(value.get("alt", _MISSING), (*path, "alt"), problems)
    sha256 = value.get("sha256")
    if sha256 is not None:
        sha256 = _string(sha256, (*path, "sha256"), problems)
    # A None alt comes with a problem: the caller then drops the media.
    return Media(kind, media_path, alt, sha256)  # type: ignore[arg-type]


def _kind(value: Any) -> str:
    """How a wrong value is named to an author, in the vocabulary of YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"
