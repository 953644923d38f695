from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.checking import (
    MAX_TEXT_LENGTH,
    InvalidResponse,
    Verdict,
    check_answer,
    fold_text,
)
from engine.domain.questions import Choice, Question, QuestionType, localized


def question(type_: QuestionType, answer, choices: str = "") -> Question:
    return Question(
        key="q1",
        type=type_,
        prompt=localized({"en": "?"}),
        answer=tuple(answer),
        choices=tuple(Choice(key, localized({"en": key.upper()})) for key in choices),
    )


SINGLE = question(QuestionType.SINGLE, "b", "abcd")
MULTIPLE = question(QuestionType.MULTIPLE, "ac", "abcd")
TRUE_FALSE = question(QuestionType.TRUE_FALSE, [True])
TEXT = question(QuestionType.TEXT, ["国防", "national defence"])
ORDER = question(QuestionType.ORDER, "abcd", "dbca")


def test_single_right_and_wrong():
    assert check_answer(SINGLE, "b") == Verdict(True, Fraction(1), "b")
    assert check_answer(SINGLE, "a") == Verdict(False, Fraction(0), "a")


@pytest.mark.parametrize(
    ("picks", "partial", "correct", "credit", "stored"),
    [
        (["c", "a"], False, True, 1, ("a", "c")),
        (["a"], False, False, 0, ("a",)),
        (["a"], True, False, Fraction(1, 2), ("a",)),
        (["a", "b"], True, False, 0, ("a", "b")),
        (["a", "c", "d"], True, False, Fraction(1, 2), ("a", "c", "d")),
        (["b", "d"], True, False, 0, ("b", "d")),
        ([], True, False, 0, ()),
        (["a", "b", "c", "d"], True, False, 0, ("a", "b", "c", "d")),
    ],
)
def test_multiple(picks, partial, correct, credit, stored):
    verdict = check_answer(MULTIPLE, picks, partial_credit=partial)
    assert verdict == Verdict(correct, Fraction(credit), stored)


def test_true_false_takes_booleans_only():
    assert check_answer(TRUE_FALSE, True).correct is True
    assert check_answer(TRUE_FALSE, False) == Verdict(False, Fraction(0), False)
    with pytest.raises(InvalidResponse, match="boolean"):
        check_answer(TRUE_FALSE, "true")
    with pytest.raises(InvalidResponse, match="boolean"):
        check_answer(TRUE_FALSE, 1)


@pytest.mark.parametrize(
    "response",
    [
        "國防",
        "国防",
        " 国防。",
        "「國防」",
        "National  Defence",
        "ＮＡＴＩＯＮＡＬ　ＤＥＦＥＮＣＥ!",
    ],
)
def test_text_accepts_folded_forms(response):
    assert check_answer(TEXT, response).correct


@pytest.mark.parametrize("response", ["国", "national defense", "nationaldefence", ""])
def test_text_rejects_other_answers(response):
    assert check_answer(TEXT, response).credit == 0


def test_text_folding_examples():
    assert fold_text("國防") == fold_text("国防") == "国防"
    assert fold_text("ＡＢＣ") == fold_text("abc") == "abc"
    assert fold_text("  abc!!") == "abc"
    assert fold_text("\t a \n  b\u3000c ") == "a b c"
    assert fold_text("Straße") == fold_text("STRASSE")


def test_text_stores_the_folded_form():
    assert check_answer(TEXT, " 國防！").normalized == "国防"


def test_text_longer_than_the_limit_is_refused():
    check_answer(TEXT, "x" * MAX_TEXT_LENGTH)
    with pytest.raises(InvalidResponse, match="201 characters"):
        check_answer(TEXT, "x" * (MAX_TEXT_LENGTH + 1))


@pytest.mark.parametrize(
    ("response", "credit"),
    [
        ("abcd", 1),
        ("abdc", Fraction(5, 6)),
        ("badc", Fraction(4, 6)),
        ("dcba", 0),
        ("bcda", Fraction(3, 6)),
    ],
)
def test_order_partial_credit_counts_pairs_in_order(response, credit):
    verdict = check_answer(ORDER, list(response), partial_credit=True)
    assert verdict == Verdict(response == "abcd", Fraction(credit), tuple(response))


def test_order_without_partial_credit_is_all_or_nothing():
    assert check_answer(ORDER, list("abdc")).credit == 0
    assert check_answer(ORDER, list("abcd")).credit == 1


@pytest.mark.parametrize(
    ("q", "response", "message"),
    [
        (SINGLE, ["b"], "one choice key"),
        (SINGLE, "z", "no choice 'z'"),
        (SINGLE, None, "one choice key"),
        (MULTIPLE, "ac", "list of choice keys"),
        (MULTIPLE, ["a", "a"], "more than once"),
        (MULTIPLE, ["a", "z"], "no choice 'z'"),
        (MULTIPLE, [1, 2], "must be a string"),
        (MULTIPLE, {"a": 1}, "list of choice keys"),
        (TEXT, 42, "text answer"),
        (ORDER, ["a", "b", "c"], "exactly once"),
        (ORDER, ["a", "b", "c", "c"], "exactly once"),
        (ORDER, ["a", "b", "c", "d", "e"], "no choice 'e'"),
        (ORDER, "abcd", "list of choice keys"),
    ],
)
def test_malformed_responses_are_named(q, response, message):
    with pytest.raises(InvalidResponse, match=message):
        check_answer(q, response, partial_credit=True)


@given(st.lists(st.sampled_from("abcdef"), unique=True), st.booleans())
def test_multiple_credit_is_bounded_and_full_only_when_correct(picks, partial):
    q = question(QuestionType.MULTIPLE, "bdf", "abcdef")
    verdict = check_answer(q, picks, partial_credit=partial)
    assert 0 <= verdict.credit <= 1
    assert (verdict.credit == 1) == verdict.correct == (set(picks) == {"b", "d", "f"})


@given(st.permutations("abcdef"), st.booleans())
def test_order_credit_is_bounded_and_full_only_when_correct(ordered, partial):
    q = question(QuestionType.ORDER, "abcdef", "fedcba")
    verdict = check_answer(q, ordered, partial_credit=partial)
    assert 0 <= verdict.credit <= 1
    assert (verdict.credit == 1) == verdict.correct == (list(ordered) == list("abcdef"))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(st.text(alphabet="abcxyzABCXYZ0189国防歌謠粵語", min_size=1, max_size=20))
def test_text_folding_ignores_case_width_and_surrounding_noise(word):
    q = question(QuestionType.TEXT, [word])
    noisy = " 「" + full_width(word.upper()) + "」!! "
    assert check_answer(q, noisy).correct
    assert fold_text(fold_text(word)) == fold_text(word)
