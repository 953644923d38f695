"""The seed banks' text questions accept the obvious ways of writing their answer.

Issue 17 measured the old banks rejecting a place written with 市, "1,852" and "6个";
each case here is a response a contestant would type, against the committed bank.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.adapters.bankfile import load_bank_file
from engine.domain.checking import check_answer
from engine.domain.questions import BankContent

SEEDS = Path(__file__).parents[2] / "question_banks"


def seed(slug: str) -> BankContent:
    loaded = load_bank_file(SEEDS / slug / "bank.yaml")
    assert loaded.content is not None, loaded.problems
    return loaded.content


RIGHT = [
    ("national-defence", "nd-0003", ["南昌", "南昌市", "南昌 市", "Nanchang", "nanchang"]),
    ("national-defence", "nd-0010", ["4月15日", "四月十五日", "４月１５日"]),
    ("national-defence", "nd-0062", ["1953", "1953年", "一九五三年", "１９５３"]),
    (
        "national-defence",
        "nd-0088",
        ["1852", "1,852", "1 852", "1852米", "1852 m", "一千八百五十二"],
    ),
    ("national-defence", "nd-0144", ["17", "十七", "17号"]),
    ("cantonese-folk-songs", "cfs-0050", ["6", "六", "6个", "六个", "six"]),
]
WRONG = [
    ("national-defence", "nd-0003", ["南京", "南昌县", "市"]),
    ("national-defence", "nd-0088", ["1853", "185", "18520"]),
    ("cantonese-folk-songs", "cfs-0050", ["5", "16", "个"]),
]


@pytest.mark.parametrize(("slug", "key", "responses"), RIGHT)
def test_obvious_variants_of_the_answer_are_right(slug, key, responses):
    question = seed(slug).question(key)
    assert question is not None
    assert [r for r in responses if not check_answer(question, r).correct] == []


@pytest.mark.parametrize(("slug", "key", "responses"), WRONG)
def test_other_answers_stay_wrong(slug, key, responses):
    question = seed(slug).question(key)
    assert question is not None
    assert [r for r in responses if check_answer(question, r).correct] == []
