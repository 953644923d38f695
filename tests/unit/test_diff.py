"""Diff between two bank versions."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.canonical import bank_hash
from engine.domain.diff import BankDiff, QuestionChange, diff_banks
from engine.domain.questions import BankContent, Choice, Question, QuestionType, localized
from tests.unit.strategies import bank_examples, banks, changed_question, questions

ZH = "zh-Hans"


def question(key: str, **changes) -> Question:
    base = Question(
        key=key,
        type=QuestionType.MULTIPLE,
        prompt=localized({ZH: "问题"}),
        choices=(Choice("a", localized({ZH: "甲"})), Choice("b", localized({ZH: "乙"}))),
        answer=("a", "b"),
        source="source",
    )
    return replace(base, **changes)


def test_example_diff_lists_keys_in_stable_order_and_fields_in_file_order():
    q1, q2, q3, q4 = (question(key) for key in ("q1", "q2", "q3", "q4"))
    old = BankContent("nd", localized({ZH: "国防"}), ZH, (q1, q2, q3))
    new_q3 = replace(q3, source="other", difficulty=5, prompt=localized({ZH: "新"}))
    new = BankContent("nd", localized({ZH: "国防知识"}), ZH, (q4, new_q3, q1))
    assert diff_banks(old, new) == BankDiff(
        added=("q4",),
        removed=("q2",),
        changed=(QuestionChange("q3", ("prompt", "difficulty", "source")),),
        bank_fields=("title", "order"),
    )


def test_reordering_a_multiple_answer_is_no_change():
    old = BankContent("nd", localized({ZH: "国防"}), ZH, (question("q1"),))
    new = replace(old, questions=(question("q1", answer=("b", "a")),))
    assert diff_banks(old, new).empty


@bank_examples
@given(banks())
def test_a_bank_diffed_with_itself_is_empty(content):
    diff = diff_banks(content, content)
    assert diff == BankDiff()
    assert diff.empty


@settings(max_examples=60)
@given(banks(max_questions=8), st.data())
def test_diff_reports_exactly_the_keys_that_differ(old, data):
    keys = [q.key for q in old.questions]
    removed = data.draw(st.lists(st.sampled_from(keys), unique=True) if keys else st.just([]))
    kept = [q for q in old.questions if q.key not in removed]
    to_change = data.draw(
        st.sets(st.sampled_from([q.key for q in kept])) if kept else st.just(set())
    )
    expected_fields = {}
    new_questions = []
    for question in kept:
        if question.key in to_change:
            field, question = data.draw(changed_question(question, old.default_locale))
            expected_fields[question.key] = field
        new_questions.append(question)
    added = [
        data.draw(questions(old.default_locale, key))
        for key in ("new-1", "new-2")[: data.draw(st.integers(0, 2))]
        if key not in keys
    ]
    new = replace(old, questions=(*new_questions, *added))

    diff = diff_banks(old, new)

    assert diff.added == tuple(q.key for q in added)
    assert diff.removed == tuple(k for k in keys if k in removed)
    assert [c.key for c in diff.changed] == [k for k in (q.key for q in kept) if k in to_change]
    for change in diff.changed:
        field = expected_fields[change.key]
        # A new type can also change how the answer is canonicalised (a multiple's is a set).
        assert change.fields == (field,) or (
            field == "type" and change.fields == ("type", "answer")
        )
    assert diff.bank_fields == ()
    assert diff.empty == (bank_hash(old) == bank_hash(new))


@bank_examples
@given(banks(), banks())
def test_a_diff_is_empty_exactly_when_the_hashes_are_equal(a, b):
    assert diff_banks(a, b).empty == (bank_hash(a) == bank_hash(b))


@bank_examples
@given(banks().filter(lambda b: len(b.questions) >= 2))
def test_reordering_questions_is_a_change_of_order_only(content):
    reordered = replace(content, questions=content.questions[::-1])
    assert diff_banks(content, reordered) == BankDiff(bank_fields=("order",))


def test_header_changes_are_named():
    old = BankContent("nd", localized({ZH: "国防", "en": "Defence"}), ZH)
    new = BankContent("nd2", localized({ZH: "国防", "en": "Defence"}), "en")
    assert diff_banks(old, new).bank_fields == ("slug", "default_locale")
