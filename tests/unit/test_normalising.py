"""Per-question normalisers for text answers: only what the question asks for."""

import dataclasses

import pytest

from engine.domain.banks import validate_question
from engine.domain.checking import check_answer
from engine.domain.normalising import UnknownNormaliser, parse
from engine.domain.questions import Question, QuestionType, localized


def text_question(answers, *normalise):
    return Question(
        key="t1",
        type=QuestionType.TEXT,
        prompt=localized({"zh-Hans": "?"}),
        answer=tuple(answers),
        normalise=tuple(normalise),
        source="a checked book",
    )


def accepts(question, response):
    return check_answer(question, response).correct


def test_a_suffix_is_stripped_only_when_asked_for_and_in_either_script():
    plain = text_question(["广州"])
    assert not accepts(plain, "广州市")
    city = text_question(["广州"], "strip_suffix:市")
    assert accepts(city, "广州市")
    assert accepts(city, "廣州市")
    assert accepts(city, "广州")
    assert not accepts(city, "市")  # "" is not 广州
    county = text_question(["台山"], "strip_suffix:縣")  # a traditional argument folds too
    assert accepts(county, "台山县")


def test_digit_grouping_and_full_width_digits():
    question = text_question(["1852"], "digit_grouping")
    for response in ("1852", "1,852", "１，８５２", "1 852", "1'852"):
        assert accepts(question, response), response
    assert not accepts(question, "18,52")  # not a thousands group
    assert not accepts(text_question(["1852"]), "1,852")
    metres = text_question(["1852"], "digit_grouping", "strip_suffix:米", "strip_suffix:m")
    for response in ("1,852 m", "1852米", "1 852 M"):
        assert accepts(metres, response), response


def test_chinese_numerals_and_a_unit_together():
    question = text_question(["6个"], "chinese_numerals", "strip_suffix:个")
    for response in ("6", "6个", "六个", "六"):
        assert accepts(question, response), response
    years = text_question(["1949"], "chinese_numerals")
    assert accepts(years, "一九四九")
    big = text_question(["1852"], "chinese_numerals")
    assert accepts(big, "一千八百五十二")
    assert accepts(text_question(["12"], "chinese_numerals"), "十二")
    assert accepts(text_question(["30000"], "chinese_numerals"), "三万")
    assert not accepts(big, "一千八百五十")


def test_pinyin_ignores_tones_spaces_and_apostrophes_but_keeps_u_umlaut_apart():
    question = text_question(["南昌", "nanchang"], "pinyin")
    for response in ("Nánchāng", "nan2 chang1", "NAN CHANG", "nán'chāng"):
        assert accepts(question, response), response
    assert not accepts(text_question(["nanchang"]), "Nánchāng")
    green = text_question(["lü"], "pinyin")
    assert accepts(green, "lǜ")
    assert accepts(green, "lv4")
    assert not accepts(green, "lu")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("strip_suffix", "needs text after the colon"),
        ("strip_suffix:", "needs text after the colon"),
        ("strip_suffix:123456789", "at most 8"),
        ("digit_grouping:x", "takes no argument"),
        ("shout", "unknown normaliser 'shout'"),
    ],
)
def test_a_bad_normaliser_is_named(spec, message):
    with pytest.raises(UnknownNormaliser, match=message):
        parse(spec)
    problems = validate_question(text_question(["a"], spec), "zh-Hans", ("questions", 0))
    assert [p.where for p in problems] == ["questions[0].normalise[0]"]


def test_only_text_questions_have_normalisers():
    single = dataclasses.replace(
        text_question(["a"], "digit_grouping"), type=QuestionType.TRUE_FALSE, answer=(True,)
    )
    problems = validate_question(single, "zh-Hans")
    assert [str(p) for p in problems] == ["normalise: only text questions have normalisers"]
