"""The rules a bank must satisfy: each rule, and every problem reported at once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings

from engine.domain.banks import Problem, is_safe_media_path, validate_bank
from engine.domain.questions import (
    BankContent,
    Choice,
    Media,
    MediaKind,
    Question,
    QuestionType,
    localized,
)
from tests.unit.strategies import banks

ZH = "zh-Hans"


def text(zh: str = "文字", **others: str):
    return localized({ZH: zh, **others})


def choices(*keys: str) -> tuple[Choice, ...]:
    return tuple(Choice(key, text(key)) for key in keys)


def single(key: str = "q1", **changes) -> Question:
    question = Question(
        key=key,
        type=QuestionType.SINGLE,
        prompt=text("问题", en="Question"),
        choices=choices("a", "b", "c"),
        answer=("a",),
        difficulty=2,
        tags=("history",),
        source="《中华人民共和国国防法》第一条",
    )
    return replace(question, **changes)


def bank(*questions: Question, **changes) -> BankContent:
    content = BankContent("national-defence", text("国防知识"), ZH, questions or (single(),))
    return replace(content, **changes)


def problems_of(question: Question) -> list[Problem]:
    return validate_bank(bank(question))


def at(*path: str | int) -> tuple[str | int, ...]:
    return ("questions", 0, *path)


def test_a_valid_bank_has_no_problems():
    assert validate_bank(bank()) == []


@settings(max_examples=50)
@given(banks())
def test_generated_banks_are_valid(content):
    assert validate_bank(content) == []


@pytest.mark.parametrize("slug", ["ab", "national-defence", "a1-b2", "x" * 64])
def test_good_slugs(slug):
    assert validate_bank(bank(slug=slug)) == []


@pytest.mark.parametrize("slug", ["a", "x" * 65, "-ab", "ab-", "Ab", "a_b", "a b", "国防"])
def test_bad_slugs(slug):
    assert [p.path for p in validate_bank(bank(slug=slug))] == [("slug",)]


def test_default_locale_must_be_known_and_is_then_not_demanded_everywhere():
    problems = validate_bank(bank(default_locale="fr"))
    assert problems == [
        Problem(("default_locale",), "must be one of zh-Hans, zh-Hant, yue-jyutping, en")
    ]


def test_title_needs_the_default_locale_known_locales_and_text():
    problems = validate_bank(
        bank(title=localized({"en": "Defence", "fr": "Défense", "zh-Hant": " "}))
    )
    assert problems == [
        Problem(("title",), "missing the default locale 'zh-Hans'"),
        Problem(("title", "fr"), "unknown locale 'fr'"),
        Problem(("title", "zh-Hant"), "must not be empty"),
    ]


def test_duplicate_question_keys_are_reported_at_the_repeat():
    problems = validate_bank(bank(single("q1"), single("q2"), single("q1")))
    assert problems == [Problem(("questions", 2, "key"), "duplicate question key 'q1'")]


@pytest.mark.parametrize("key", ["", "Q1", "-q", "q 1", "q/1", "x" * 65])
def test_bad_question_keys(key):
    assert [p.path for p in problems_of(single(key))] == [at("key")]


@pytest.mark.parametrize("key", ["q", "nd-0001", "nd.2024_01", "0", "x" * 64])
def test_good_question_keys(key):
    assert problems_of(single(key)) == []


def test_prompt_and_choice_text_follow_the_locale_rules():
    question = single(
        prompt=localized({"en": "Question"}),
        choices=(Choice("a", text("甲")), Choice("b", localized({ZH: "", "xx": "?"}))),
    )
    assert problems_of(question) == [
        Problem(at("prompt"), "missing the default locale 'zh-Hans'"),
        Problem(at("choices", 1, "text", "zh-Hans"), "must not be empty"),
        Problem(at("choices", 1, "text", "xx"), "unknown locale 'xx'"),
    ]


def test_single_needs_two_choices_and_exactly_one_existing_answer():
    assert problems_of(single(choices=choices("a"))) == [
        Problem(at("choices"), "needs at least 2 choices")
    ]
    assert problems_of(single(answer=("a", "b"))) == [
        Problem(at("answer"), "must name exactly one choice")
    ]
    assert problems_of(single(answer=())) == [Problem(at("answer"), "must name exactly one choice")]
    assert problems_of(single(answer=("z",))) == [
        Problem(at("answer", 0), "no choice has the key 'z'")
    ]


def test_multiple_needs_existing_unrepeated_answers():
    multiple = single(type=QuestionType.MULTIPLE, answer=("a", "c"))
    assert problems_of(multiple) == []
    assert problems_of(replace(multiple, answer=())) == [
        Problem(at("answer"), "must name at least one choice")
    ]
    assert problems_of(replace(multiple, answer=("a", "z", "a"))) == [
        Problem(at("answer", 1), "no choice has the key 'z'"),
        Problem(at("answer", 2), "'a' is repeated"),
    ]
    assert problems_of(replace(multiple, choices=())) == [
        Problem(at("choices"), "needs at least 2 choices"),
        Problem(at("answer", 0), "no choice has the key 'a'"),
        Problem(at("answer", 1), "no choice has the key 'c'"),
    ]


def test_true_false_has_no_choices_and_one_bool():
    true_false = single(type=QuestionType.TRUE_FALSE, choices=(), answer=(True,))
    assert problems_of(true_false) == []
    assert problems_of(replace(true_false, choices=choices("a", "b"))) == [
        Problem(at("choices"), "a true_false question has none")
    ]
    for answer in [(), (True, False), ("true",)]:
        assert problems_of(replace(true_false, answer=answer)) == [
            Problem(at("answer"), "must be exactly one of true or false")
        ]


def test_text_has_no_choices_and_accepted_non_empty_strings():
    text_question = single(type=QuestionType.TEXT, choices=(), answer=("1949", "一九四九"))
    assert problems_of(text_question) == []
    assert problems_of(replace(text_question, choices=choices("a", "b"))) == [
        Problem(at("choices"), "a text question has none")
    ]
    assert problems_of(replace(text_question, answer=())) == [
        Problem(at("answer"), "needs at least one accepted answer")
    ]
    assert problems_of(replace(text_question, answer=("1949", " ", True))) == [
        Problem(at("answer", 2), "must be a string"),
        Problem(at("answer", 1), "must not be empty"),
    ]


def test_order_answer_is_a_permutation_of_all_choices():
    order = single(type=QuestionType.ORDER, answer=("c", "a", "b"))
    assert problems_of(order) == []
    assert problems_of(replace(order, answer=("c", "a"))) == [
        Problem(at("answer"), "must list every choice key once, in order")
    ]
    assert problems_of(replace(order, answer=("c", "a", "a"))) == [
        Problem(at("answer", 2), "'a' is repeated"),
        Problem(at("answer"), "must list every choice key once, in order"),
    ]
    assert problems_of(replace(order, choices=choices("a"), answer=("a",))) == [
        Problem(at("choices"), "needs at least 2 choices")
    ]


def test_choice_keys_are_unique_and_well_formed():
    question = single(choices=(*choices("a", "b"), Choice("a", text()), Choice("B", text())))
    assert problems_of(question) == [
        Problem(at("choices", 2, "key"), "duplicate choice key 'a'"),
        Problem(
            at("choices", 3, "key"),
            "must be 1 to 64 lowercase letters, digits, '.', '_' or '-', starting alphanumeric",
        ),
    ]


@pytest.mark.parametrize("difficulty", [0, 6, -1, True])
def test_difficulty_is_one_to_five(difficulty):
    assert problems_of(single(difficulty=difficulty)) == [
        Problem(at("difficulty"), "must be a whole number from 1 to 5")
    ]


@pytest.mark.parametrize(
    ("limit", "ok"), [(None, True), (5, True), (600, True), (4, False), (601, False), (0, False)]
)
def test_time_limit_is_none_or_five_to_six_hundred(limit, ok):
    expected = [] if ok else [Problem(at("time_limit_s"), "must be from 5 to 600 seconds")]
    assert problems_of(single(time_limit_s=limit)) == expected


def test_tags_are_lowercase_slugs_without_repeats():
    question = single(tags=("history", "History", "a b", "history", "x" * 33, "x" * 32))
    message = "must be 1 to 32 lowercase letters, digits or hyphens"
    assert problems_of(question) == [
        Problem(at("tags", 1), message),
        Problem(at("tags", 2), message),
        Problem(at("tags", 3), "duplicate tag 'history'"),
        Problem(at("tags", 4), message),
    ]


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("media/clip.ogg", True),
        ("clip.png", True),
        ("media/../../etc/passwd", False),
        ("/etc/passwd", False),
        ("media\\clip.ogg", False),
        (" media/clip.ogg", False),
        ("", False),
        ("..", False),
    ],
)
def test_media_paths_stay_inside_the_bank_folder(path, safe):
    assert is_safe_media_path(path) is safe


def test_media_needs_safe_path_alt_text_and_hex_hash():
    good = Media(MediaKind.AUDIO, "media/clip.ogg", text("15 秒音频片段"))
    assert problems_of(single(media=good)) == []
    assert problems_of(single(media=replace(good, path="../clip.ogg", alt=localized({})))) == [
        Problem(
            at("media", "path"), "must be a relative path inside the bank folder, without '..'"
        ),
        Problem(at("media", "alt"), "alt text is required"),
    ]
    assert problems_of(
        single(media=replace(good, alt=localized({"en": "clip"}), sha256="ABC"))
    ) == [
        Problem(at("media", "alt"), "missing the default locale 'zh-Hans'"),
        Problem(at("media", "sha256"), "must be 64 lowercase hex digits"),
    ]


def test_explanation_is_optional_but_needs_the_default_locale():
    assert problems_of(single(explanation=text("因为"))) == []
    assert problems_of(single(explanation=localized({"en": "Because"}))) == [
        Problem(at("explanation"), "missing the default locale 'zh-Hans'")
    ]


@pytest.mark.parametrize("source", ["", "   "])
def test_every_question_says_where_the_fact_can_be_checked(source):
    assert problems_of(single(source=source)) == [
        Problem(at("source"), "must say where the fact can be checked")
    ]


def test_every_problem_is_reported_not_just_the_first():
    broken = single("Q!", difficulty=9, source="", tags=("A",), answer=("z",))
    problems = validate_bank(bank(broken, single("q2", time_limit_s=1), slug="X"))
    assert [p.path for p in problems] == [
        ("slug",),
        at("key"),
        at("answer", 0),
        at("difficulty"),
        at("tags", 0),
        at("source"),
        ("questions", 1, "time_limit_s"),
    ]


def test_problem_paths_read_as_an_author_writes_them():
    problem = Problem(("questions", 3, "choices", 1, "text"), "must not be empty")
    assert problem.where == "questions[3].choices[1].text"
    assert str(problem) == "questions[3].choices[1].text: must not be empty"
    assert str(Problem((), "must be a mapping")) == "must be a mapping"
