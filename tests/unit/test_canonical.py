"""Plain data in and out of the model, and the hashes that name versions."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.banks import Problem
from engine.domain.canonical import (
    bank_from_dict,
    bank_hash,
    bank_to_dict,
    canonical_manifest,
    canonical_question,
    question_from_dict,
    question_hash,
    question_to_dict,
)
from engine.domain.questions import (
    BankContent,
    Choice,
    Media,
    MediaKind,
    Question,
    QuestionType,
    localized,
)
from tests.unit.strategies import bank_examples, banks, changed_question, questions


def shuffled(value, rng: random.Random):
    """The same data with every mapping's keys in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(item, rng) for item in value]
    return value


def padded(value, rng: random.Random, field: str = ""):
    """The same data with whitespace around every string and strings decomposed (NFD).

    Names from a fixed vocabulary (format, type, media kind) are left alone: they are
    not text, and parsing is strict about them.
    """
    if isinstance(value, dict):
        return {k: padded(v, rng, k) for k, v in value.items()}
    if isinstance(value, list):
        return [padded(item, rng, field) for item in value]
    if isinstance(value, str) and field not in ("format", "type", "kind"):
        pad = rng.choice([" ", "\n", "\t ", "\u3000"])
        return pad + unicodedata.normalize("NFD", value) + pad
    return value


ZH = "zh-Hans"
QUESTION = Question(
    key="nd-0001",
    type=QuestionType.MULTIPLE,
    prompt=localized({ZH: "问题", "en": "Question"}),
    choices=(Choice("a", localized({ZH: "甲"})), Choice("b", localized({ZH: "乙"}))),
    answer=("b", "a"),
    difficulty=2,
    tags=("history",),
    media=Media(MediaKind.AUDIO, "media/clip.ogg", localized({ZH: "音频"})),
    source="source",
)


def test_question_dict_has_the_bank_file_shape_and_leaves_out_empty_fields():
    assert question_to_dict(QUESTION) == {
        "key": "nd-0001",
        "type": "multiple",
        "prompt": {ZH: "问题", "en": "Question"},
        "choices": [{"key": "a", "text": {ZH: "甲"}}, {"key": "b", "text": {ZH: "乙"}}],
        "answer": ["b", "a"],
        "difficulty": 2,
        "tags": ["history"],
        "media": {"kind": "audio", "path": "media/clip.ogg", "alt": {ZH: "音频"}},
        "source": "source",
    }


def test_canonical_form_sorts_keys_normalises_strings_and_the_multiple_answer():
    messy = replace(
        QUESTION, prompt=localized({"en": " Question\n", ZH: "问题"}), source=" source "
    )
    canonical = canonical_question(messy)
    assert list(canonical) == sorted(canonical)
    assert list(canonical["prompt"]) == ["en", ZH]
    assert canonical["prompt"]["en"] == "Question"
    assert canonical["answer"] == ["a", "b"]
    assert canonical["source"] == "source"
    assert question_hash(messy) == question_hash(QUESTION)


def test_hashes_are_sha256_hex_and_known_for_a_fixed_question():
    digest = question_hash(QUESTION)
    assert len(digest) == 64
    assert int(digest, 16) >= 0
    assert question_hash(QUESTION) == digest
    assert question_hash(replace(QUESTION, answer=("a",))) != digest


def test_stored_media_hash_is_content_only_when_set():
    stored = replace(QUESTION, media=replace(QUESTION.media, sha256="ab" * 32))
    assert "sha256" not in canonical_question(QUESTION)["media"]
    assert canonical_question(stored)["media"]["sha256"] == "ab" * 32
    assert question_hash(stored) != question_hash(QUESTION)


def test_manifest_is_header_and_ordered_question_hashes():
    content = BankContent("nd", localized({ZH: "国防"}), ZH, (QUESTION,))
    assert canonical_manifest(content) == {
        "default_locale": ZH,
        "questions": [["nd-0001", question_hash(QUESTION)]],
        "slug": "nd",
        "title": {ZH: "国防"},
    }


@bank_examples
@given(banks())
def test_bank_dict_round_trip_is_exact(content):
    assert bank_from_dict(bank_to_dict(content)) == (content, [])


@given(questions())
def test_question_dict_round_trip_is_exact(question):
    assert question_from_dict(question_to_dict(question)) == (question, [])


@bank_examples
@given(banks(), st.randoms(use_true_random=False))
def test_key_order_does_not_change_the_hash(content, rng):
    reordered, problems = bank_from_dict(shuffled(bank_to_dict(content), rng))
    assert problems == []
    assert bank_hash(reordered) == bank_hash(content)


@bank_examples
@given(banks(), st.randoms(use_true_random=False))
def test_surrounding_whitespace_and_unicode_form_do_not_change_the_hash(content, rng):
    padded_content, _ = bank_from_dict(padded(bank_to_dict(content), rng))
    assert padded_content is not None
    assert padded_content != content
    assert bank_hash(padded_content) == bank_hash(content)


@settings(max_examples=100)
@given(st.data())
def test_any_change_to_a_question_changes_its_hash_and_the_bank_hash(data):
    content = data.draw(banks().filter(lambda b: b.questions))
    index = data.draw(st.integers(0, len(content.questions) - 1))
    question = content.questions[index]
    field, changed = data.draw(changed_question(question, content.default_locale))
    new_questions = list(content.questions)
    new_questions[index] = changed
    assert question_hash(changed) != question_hash(question), field
    assert bank_hash(replace(content, questions=tuple(new_questions))) != bank_hash(content)


@bank_examples
@given(banks(), st.data())
def test_any_change_to_the_bank_header_or_its_questions_changes_the_hash(content, data):
    other_locale = next(loc for loc in ("en", "zh-Hant") if loc != content.default_locale)
    first = next(iter(content.title))
    changes = [
        replace(content, slug=content.slug + "x"),
        replace(content, title=localized({**content.title, first: content.title[first] + "x"})),
        replace(content, default_locale=other_locale),
        replace(content, questions=content.questions[1:]),
        replace(content, questions=(*content.questions, replace(QUESTION, key="zz-new"))),
    ]
    if len(content.questions) >= 2:
        # The order of questions is authored, so it is content.
        changes.append(replace(content, questions=content.questions[::-1]))
    original = bank_hash(content)
    for changed in changes:
        if changed != content:
            assert bank_hash(changed) != original


def test_parsing_reports_type_problems_with_paths_and_never_raises():
    data = bank_to_dict(BankContent("nd", localized({ZH: "国防"}), ZH, (QUESTION,)))
    question = data["questions"][0]
    question["difficulty"] = "hard"
    question["answer"] = "a"
    question["colour"] = "red"
    del question["source"]
    question["tags"] = ["ok", 3]
    question["choices"][1] = "b"
    question["media"]["kind"] = "video"
    question["prompt"] = {ZH: None}
    content, problems = bank_from_dict(data)
    assert content is None
    at = ("questions", 0)
    assert problems == [
        Problem((*at, "colour"), "unknown field 'colour'"),
        Problem((*at, "source"), "missing required field 'source'"),
        Problem((*at, "prompt", ZH), "must be a string, not null"),
        Problem((*at, "choices", 1), "must be a mapping, not text"),
        Problem((*at, "answer"), "must be a list, not text"),
        Problem((*at, "difficulty"), "must be a whole number, not text"),
        Problem((*at, "tags", 1), "must be a string, not a number"),
        Problem((*at, "media", "kind"), "must be audio or image, not 'video'"),
    ]


def test_parsing_the_bank_header():
    assert bank_from_dict([1, 2]) == (None, [Problem((), "must be a mapping, not a list")])
    content, problems = bank_from_dict(
        {"format": "leitai-bank/2", "slug": 7, "title": "国防", "questions": {}}
    )
    assert content is None
    assert problems == [
        Problem(("default_locale",), "missing required field 'default_locale'"),
        Problem(("format",), "must be 'leitai-bank/1', not 'leitai-bank/2'"),
        Problem(("slug",), "must be a string, not a number"),
        Problem(("title",), "must be a mapping of locale to text, not text"),
        Problem(("questions",), "must be a list, not a mapping"),
    ]


def test_rule_problems_are_reported_beside_shape_problems_of_other_questions():
    second = replace(QUESTION, key="nd-0002", difficulty=9)
    data = bank_to_dict(BankContent("nd", localized({ZH: "国防"}), ZH, (QUESTION, second)))
    data["questions"][0]["difficulty"] = None
    content, problems = bank_from_dict(data)
    assert content is None
    assert problems == [
        Problem(("questions", 0, "difficulty"), "must be a whole number, not null"),
        Problem(("questions", 1, "difficulty"), "must be a whole number from 1 to 5"),
    ]


def test_rule_problems_alone_still_give_the_content():
    data = bank_to_dict(BankContent("nd", localized({ZH: "国防"}), ZH, (QUESTION,)))
    data["questions"][0]["difficulty"] = 9
    content, problems = bank_from_dict(data)
    assert content == BankContent(
        "nd", localized({ZH: "国防"}), ZH, (replace(QUESTION, difficulty=9),)
    )
    assert problems == [
        Problem(("questions", 0, "difficulty"), "must be a whole number from 1 to 5")
    ]


def test_optional_fields_may_be_null():
    data = question_to_dict(QUESTION)
    data.update(time_limit_s=None, media=None, explanation=None, tags=None)
    question, problems = question_from_dict(data)
    assert problems == []
    assert question == replace(QUESTION, media=None, tags=())


@given(questions())
def test_the_canonical_form_parses_back_to_a_question_with_the_same_hash(question):
    # Storage keeps canonical dicts; reading one back must name the same version.
    stored, problems = question_from_dict(canonical_question(question))
    assert problems == []
    assert question_hash(stored) == question_hash(question)
