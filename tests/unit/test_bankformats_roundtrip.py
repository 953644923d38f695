"""YAML -> xlsx / GIFT / Moodle XML -> YAML keeps everything the format can carry.

``carried`` states what each format keeps (docs/bank-formats.md says the same in
words); a bank read back from the exported file must equal the original cut down to
that, question by question, in canonical form.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine.adapters.bankfile import parse_bank_text
from engine.adapters.bankformats import BankHeader, read_bank, write_bank
from engine.adapters.bankformats.fields import LETTERS
from engine.domain.canonical import canonical_question
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
from tests.unit.strategies import banks

SOURCE = "default source"

EXAMPLE = r"""
format: leitai-bank/1
slug: round-trip
title: {zh-Hans: 往返, en: Round trip}
default_locale: zh-Hans
questions:
  - key: rt-single
    type: single
    prompt: {zh-Hans: "GIFT 的特殊字符 ~ = # { } : 和 \\ 都要转义吗？", en: "Escapes ~ = # { } :?"}
    choices:
      - {key: a, text: {zh-Hans: "a = b", en: "a = b"}}
      - {key: b, text: {zh-Hans: "{c} ~d", zh-Hant: "{c} ~d"}}
      - {key: c, text: {zh-Hans: "#e :f"}}
    answer: [b]
    difficulty: 2
    tags: [gift, escapes]
    time_limit_s: 45
    explanation: {zh-Hans: "解析 #### 不是分隔符", en: "#### is text here"}
    source: "Moodle docs: GIFT format [escapes]"
    enemies: [escapes, gift]
  - key: rt-multiple
    type: multiple
    prompt: {zh-Hans: "=1+1 是公式吗？"}
    choices:
      - {key: a, text: {zh-Hans: 一}}
      - {key: b, text: {zh-Hans: 二}}
      - {key: c, text: {zh-Hans: 三}}
    answer: [c, a]
    difficulty: 5
    source: "<b>not html</b> & co"
  - key: rt-true-false
    type: true_false
    prompt: {zh-Hans: 对吗？, zh-Hant: 對嗎？}
    answer: [false]
    difficulty: 1
    source: 书
  - key: rt-text
    type: text
    prompt: {zh-Hans: "1 海里是多少米？"}
    answer: ["1,852", "1852 m", "一千八百五十二; 米"]
    normalise: [digit_grouping, "strip_suffix: m", "strip_prefix:约"]
    difficulty: 3
    source: 书
    enemies: [gift]
  - key: rt-order
    type: order
    prompt: {zh-Hans: 排序}
    choices:
      - {key: a, text: {zh-Hans: 乙}}
      - {key: b, text: {zh-Hans: 甲}}
    answer: [b, a]
    difficulty: 3
    source: 书
"""


def example() -> BankContent:
    loaded = parse_bank_text(EXAMPLE)
    assert loaded.content is not None, loaded.problems
    return loaded.content


def header_for(content: BankContent) -> BankHeader:
    title = content.title[content.default_locale]
    return BankHeader(content.slug, title, content.default_locale, SOURCE)


def carried(content: BankContent, fmt: str) -> BankContent:
    """``content`` as ``fmt`` can hold it."""
    default = content.default_locale
    questions = []
    for question in content.questions:
        if fmt == "gift" and question.type is QuestionType.ORDER:
            continue
        if fmt == "moodle-xml" and question.type is QuestionType.ORDER:
            text = {choice.key: choice.text for choice in question.choices}
            in_order = tuple(Choice(str(key), text[str(key)]) for key in question.answer)
            question = replace(question, choices=in_order)  # written in the right order
        question = _lettered(replace(question, media=None))
        if fmt == "gift":
            question = _one_locale(question, default)
        if fmt == "moodle-xml":
            question = replace(question, difficulty=3, time_limit_s=None, source=SOURCE)
            question = replace(question, enemies=(), normalise=())
        questions.append(question)
    title = content.title if fmt == "xlsx" else localized({default: content.title[default]})
    return replace(content, title=title, questions=tuple(questions))


def _lettered(question: Question) -> Question:
    """Choices keyed a, b, c... by position, as a sheet or GIFT names them."""
    letter = {choice.key: LETTERS[i] for i, choice in enumerate(question.choices)}
    choices = tuple(Choice(letter[c.key], c.text) for c in question.choices)
    answer = question.answer
    if question.choices:
        answer = tuple(letter[str(key)] for key in answer)
    return replace(question, choices=choices, answer=answer)


def _one_locale(question: Question, locale: str) -> Question:
    def only(text: LocalizedText) -> LocalizedText:
        return localized({locale: text[locale]})

    return replace(
        question,
        prompt=only(question.prompt),
        choices=tuple(Choice(c.key, only(c.text)) for c in question.choices),
        explanation=only(question.explanation) if question.explanation else None,
    )


def round_trip(content: BankContent, fmt: str) -> BankContent:
    exported = write_bank(content, fmt)
    header = BankHeader() if fmt in ("xlsx", "yaml") else header_for(content)
    loaded = read_bank(exported.data, f"bank.{fmt}", fmt, header)
    assert loaded.problems == (), [str(p) for p in loaded.problems]
    assert loaded.content is not None
    return loaded.content


def assert_same(got: BankContent, expected: BankContent) -> None:
    assert (got.slug, dict(got.title), got.default_locale) == (
        expected.slug,
        dict(expected.title),
        expected.default_locale,
    )
    assert [canonical_question(q) for q in got.questions] == [
        canonical_question(q) for q in expected.questions
    ]


def test_yaml_to_xlsx_to_yaml_keeps_everything_but_media():
    bank = example()
    got = round_trip(bank, "xlsx")
    assert_same(got, bank)
    assert got.questions[0].enemies == ("escapes", "gift")
    assert got.questions[3].normalise == ("digit_grouping", "strip_suffix: m", "strip_prefix:约")


def test_yaml_to_gift_to_yaml_keeps_one_locale_and_no_ordering():
    bank = example()
    got = round_trip(bank, "gift")
    assert_same(got, carried(bank, "gift"))
    assert got.questions[0].prompt == {"zh-Hans": "GIFT 的特殊字符 ~ = # { } : 和 \\ 都要转义吗？"}
    assert got.questions[0].source == "Moodle docs: GIFT format [escapes]"
    assert got.questions[0].enemies == ("escapes", "gift")
    assert got.questions[3].normalise == ("digit_grouping", "strip_suffix: m", "strip_prefix:约")
    assert [q.key for q in got.questions] == [
        "rt-single",
        "rt-multiple",
        "rt-true-false",
        "rt-text",
    ]


def test_yaml_to_moodle_xml_to_yaml_keeps_locales_but_not_difficulty_source_or_time():
    """Nor enemy groups or normalisers: Moodle XML has no field for them either."""
    bank = example()
    got = round_trip(bank, "moodle-xml")
    assert_same(got, carried(bank, "moodle-xml"))
    assert got.questions[0].prompt == bank.questions[0].prompt  # multilang spans


def test_yaml_round_trips_exactly():
    bank = example()
    assert_same(round_trip(bank, "yaml"), bank)


def test_what_a_format_cannot_carry_is_named():
    bank = example()
    assert write_bank(bank, "xlsx").lost == ()
    assert write_bank(bank, "gift").lost == (
        "text in en, zh-Hant (GIFT carries one locale)",
        "rt-order: left out (GIFT has no ordering question)",
    )
    assert write_bank(bank, "moodle-xml").lost == (
        "difficulty, source and time limits (Moodle XML has no such fields)",
        "rt-single, rt-text: enemy groups or normalisers (Moodle XML has no such fields)",
    )
    plain = replace(bank, questions=tuple(replace(q, enemies=()) for q in bank.questions[:3]))
    assert write_bank(plain, "moodle-xml").lost == (
        "difficulty, source and time limits (Moodle XML has no such fields)",
    )
    first = bank.questions[0]
    clip = Media(MediaKind.AUDIO, "media/clip.ogg", localized({"zh-Hans": "音频"}))
    odd = replace(first, media=clip, choices=tuple(reversed(first.choices)))
    assert write_bank(replace(bank, questions=(odd,)), "xlsx").lost == (
        "rt-single: media (xlsx carries no media)",
        "rt-single: choice keys become a, b, c... (xlsx has no keys)",
    )


@settings(max_examples=15, deadline=None)
@given(bank=banks(max_questions=4), fmt=st.sampled_from(["xlsx", "gift", "moodle-xml"]))
def test_any_valid_bank_round_trips_through_every_format(bank: BankContent, fmt: str):
    expected = carried(bank, fmt)
    assume(expected.questions)
    assert_same(round_trip(bank, fmt), expected)
