"""Hypothesis strategies for valid banks and questions, and for changing one field.

Strings come out NFC and stripped, so a generated bank equals its own canonical
content and every change ``changed_question`` makes is a change of content.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from hypothesis import settings
from hypothesis import strategies as st

from engine.domain.banks import KEY_RE, SLUG_RE, TAG_RE
from engine.domain.questions import (
    LOCALES,
    BankContent,
    Choice,
    LocalizedText,
    Media,
    MediaKind,
    Question,
    QuestionType,
    localized,
)

#: For properties over whole generated banks, which take milliseconds each to draw and
#: hash: hypothesis' default of 100 made them the slowest unit tests, and 40 banks
#: (up to six questions each) still draw every question type many times over.
bank_examples = settings(max_examples=40)

texts = (
    st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1, max_size=12)
    .map(lambda s: unicodedata.normalize("NFC", s).strip())
    .filter(bool)
)
question_keys = st.from_regex(KEY_RE, fullmatch=True)
tags = st.from_regex(TAG_RE, fullmatch=True)
slugs = st.from_regex(SLUG_RE, fullmatch=True)
media_paths = st.builds(
    "media/{}.{}".format, st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True), st.just("ogg")
)
sha256s = st.binary(min_size=32, max_size=32).map(bytes.hex)
#: Enemy groups follow the tag rule; canonical content holds them sorted (a set).
enemy_groups = st.lists(tags, unique=True, max_size=2).map(lambda groups: tuple(sorted(groups)))
#: Text questions' normalisers, in the order they apply.
normalisers = st.lists(
    st.sampled_from(
        [
            *("digit_grouping", "chinese_numerals", "ignore_spaces", "pinyin"),
            *("strip_suffix:市", "strip_suffix:m", "strip_prefix:第"),
        ]
    ),
    unique=True,
    max_size=3,
).map(tuple)


@st.composite
def localized_texts(draw, default_locale: str):
    others = draw(st.lists(st.sampled_from(LOCALES), unique=True, max_size=3))
    locales = [default_locale, *(loc for loc in others if loc != default_locale)]
    return localized({locale: draw(texts) for locale in locales})


@st.composite
def media(draw, default_locale: str):
    return Media(
        kind=draw(st.sampled_from(MediaKind)),
        path=draw(media_paths),
        alt=draw(localized_texts(default_locale)),
        sha256=draw(st.none() | sha256s),
    )


@st.composite
def questions(draw, default_locale: str = "zh-Hans", key: str | None = None):
    """A valid question of any type."""
    type_ = draw(st.sampled_from(QuestionType))
    choices: tuple[Choice, ...] = ()
    if type_ in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.ORDER):
        keys = draw(st.lists(st.sampled_from("abcdefgh"), min_size=2, max_size=5, unique=True))
        choices = tuple(Choice(k, draw(localized_texts(default_locale))) for k in keys)
    keys = [c.key for c in choices]
    if type_ is QuestionType.SINGLE:
        answer = (draw(st.sampled_from(keys)),)
    elif type_ is QuestionType.MULTIPLE:
        answer = tuple(draw(st.lists(st.sampled_from(keys), min_size=1, unique=True)))
    elif type_ is QuestionType.ORDER:
        answer = tuple(draw(st.permutations(keys)))
    elif type_ is QuestionType.TRUE_FALSE:
        answer = (draw(st.booleans()),)
    else:
        answer = tuple(draw(st.lists(texts, min_size=1, max_size=3)))
    return Question(
        key=key if key is not None else draw(question_keys),
        type=type_,
        prompt=draw(localized_texts(default_locale)),
        answer=answer,
        choices=choices,
        difficulty=draw(st.integers(1, 5)),
        tags=tuple(draw(st.lists(tags, unique=True, max_size=3))),
        time_limit_s=draw(st.none() | st.integers(5, 600)),
        media=draw(st.none() | media(default_locale)),
        explanation=draw(st.none() | localized_texts(default_locale)),
        source=draw(texts),
        enemies=draw(enemy_groups),
        normalise=draw(normalisers) if type_ is QuestionType.TEXT else (),
    )


@st.composite
def banks(draw, max_questions: int = 6):
    """A valid bank: unique question keys, every text in the default locale."""
    default_locale = draw(st.sampled_from(LOCALES))
    keys = draw(st.lists(question_keys, unique=True, max_size=max_questions))
    return BankContent(
        slug=draw(slugs),
        title=draw(localized_texts(default_locale)),
        default_locale=default_locale,
        questions=tuple(draw(questions(default_locale, key)) for key in keys),
    )


def _other_text(text: LocalizedText) -> LocalizedText:
    """The same localized text with its first value changed."""
    first = next(iter(text))
    return localized({**text, first: text[first] + "x"})


@st.composite
def changed_question(draw, question: Question, default_locale: str):
    """``(field, question)`` with exactly that field's content changed."""
    fields = [
        "type",
        "prompt",
        "answer",
        "difficulty",
        "tags",
        "time_limit_s",
        "media",
        "explanation",
        "source",
    ]
    if question.choices:
        fields.append("choices")
    field = draw(st.sampled_from(fields))
    replace = dataclasses.replace
    if field == "type":
        new_type = draw(st.sampled_from([t for t in QuestionType if t != question.type]))
        return field, replace(question, type=new_type)
    if field == "prompt":
        return field, replace(question, prompt=_other_text(question.prompt))
    if field == "choices":
        first, *rest = question.choices
        return field, replace(question, choices=(Choice(first.key, _other_text(first.text)), *rest))
    if field == "answer":
        return field, replace(question, answer=_other_answer(question))
    if field == "difficulty":
        return field, replace(question, difficulty=question.difficulty % 5 + 1)
    if field == "tags":
        new_tags = question.tags[1:] if question.tags else ("new-tag",)
        return field, replace(question, tags=new_tags)
    if field == "time_limit_s":
        limit = question.time_limit_s
        return field, replace(question, time_limit_s=30 if limit is None else None)
    if field == "media":
        if question.media is None:
            return field, replace(question, media=draw(media(default_locale)))
        new_media = replace(question.media, path="other/" + question.media.path)
        return field, replace(question, media=new_media)
    if field == "explanation":
        text = question.explanation
        new_text = _other_text(text) if text else localized({default_locale: "why"})
        return field, replace(question, explanation=new_text)
    return field, replace(question, source=question.source + "x")


def _other_answer(question: Question) -> tuple[str | bool, ...]:
    answer, keys = question.answer, question.choice_keys()
    if question.type is QuestionType.TRUE_FALSE:
        return (not answer[0],)
    if question.type is QuestionType.TEXT:
        return (answer[0] + "x", *answer[1:])
    if question.type is QuestionType.ORDER:
        return (answer[1], answer[0], *answer[2:])
    if question.type is QuestionType.SINGLE:
        return (next(k for k in keys if k != answer[0]),)
    # multiple: a different set, since its order is not content
    missing = [k for k in keys if k not in answer]
    return (*answer, missing[0]) if missing else answer[1:]
