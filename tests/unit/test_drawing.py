import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.checking import InvalidResponse
from engine.domain.drawing import (
    CannotDraw,
    DrawKind,
    DrawRule,
    InvalidDrawRule,
    Paper,
    Quota,
    draw_paper,
    option_order,
    shuffle_seed,
    shuffles_options,
)
from engine.domain.questions import BankContent, Choice, Question, QuestionType, localized


def make_question(key, *, difficulty=3, tags=("history",), type_=QuestionType.SINGLE, n=4):
    choices = tuple(Choice(c, localized({"en": c.upper()})) for c in "abcdef"[:n])
    answer = (True,) if type_ is QuestionType.TRUE_FALSE else ("a",)
    if type_ is QuestionType.TRUE_FALSE:
        choices = ()
    if type_ is QuestionType.ORDER:
        answer = tuple(choice.key for choice in choices)
    return Question(
        key=key,
        type=type_,
        prompt=localized({"en": key}),
        answer=answer,
        choices=choices,
        difficulty=difficulty,
        tags=tuple(tags),
    )


def make_bank(questions):
    return BankContent("demo", localized({"en": "Demo"}), "en", tuple(questions))


# 4 easy, 6 medium, 3 hard history questions, and 3 geography ones.
BANK = make_bank(
    [make_question(f"e{i}", difficulty=1 + i % 2) for i in range(4)]
    + [make_question(f"m{i}") for i in range(6)]
    + [make_question(f"h{i}", difficulty=4 + i % 2) for i in range(3)]
    + [make_question(f"g{i}", tags=("geography",)) for i in range(3)]
)
STRATIFIED = DrawRule.stratified(
    [
        Quota(3, "history", range(1, 3)),
        Quota(5, "history", 3),
        Quota(2, "history", {4, 5}),
    ]
)


def test_stratified_draw_meets_its_quotas_in_order():
    paper = draw_paper(STRATIFIED, BANK, round_seed="r1", contestant="alice")
    assert len(paper.question_keys) == 10
    assert [key[0] for key in paper.question_keys] == list("eeemmmmmhh")
    # Without shuffle_questions a quota keeps bank order.
    easy = [key for key in paper.question_keys if key[0] == "e"]
    assert easy == sorted(easy)


def test_draw_is_reproducible_and_differs_between_contestants():
    def paper(contestant):
        return draw_paper(STRATIFIED, BANK, round_seed="r1", contestant=contestant)

    assert paper("alice") == paper("alice")
    papers = {paper(f"c{i}").question_keys for i in range(20)}
    assert len(papers) > 1


def test_fixed_draw_keeps_the_listed_order_unless_shuffled():
    rule = DrawRule.fixed(["m2", "g0", "e1"])
    assert draw_paper(rule, BANK, round_seed="r", contestant=None).question_keys == (
        "m2",
        "g0",
        "e1",
    )
    shuffled = DrawRule.fixed(["m2", "g0", "e1", "h0", "h1"], shuffle_questions=True)
    orders = {
        draw_paper(shuffled, BANK, round_seed="r", contestant=f"c{i}").question_keys
        for i in range(10)
    }
    assert len(orders) > 1
    assert all(sorted(order) == ["e1", "g0", "h0", "h1", "m2"] for order in orders)


def test_fixed_keys_missing_from_the_bank_are_named():
    with pytest.raises(CannotDraw, match="no question zz, yy"):
        draw_paper(DrawRule.fixed(["m1", "zz", "yy"]), BANK, round_seed="r", contestant=None)


def test_a_quota_the_bank_cannot_fill_is_named_with_its_shortfall():
    rule = DrawRule.stratified([Quota(2, "history", 3), Quota(4, "history", {4, 5})])
    with pytest.raises(
        CannotDraw,
        match=r"quota 2 \(4 questions tagged 'history' of difficulty 4, 5\) lacks 1 question",
    ):
        draw_paper(rule, BANK, round_seed="r", contestant=None)


def test_overlapping_quotas_are_filled_for_every_seed():
    # Quota 1 may take from all of history, but must leave the 3 hard ones to quota 2.
    rule = DrawRule.stratified([Quota(10, "history"), Quota(3, difficulty=range(4, 6))])
    for i in range(30):
        keys = draw_paper(rule, BANK, round_seed="r", contestant=f"c{i}").question_keys
        assert sorted(keys[10:]) == ["h0", "h1", "h2"]
        assert len(set(keys)) == 13
    one_too_many = DrawRule.stratified([Quota(11, "history"), Quota(3, difficulty=range(4, 6))])
    with pytest.raises(CannotDraw, match=r"quota 2 .* lacks 1 question"):
        draw_paper(one_too_many, BANK, round_seed="r", contestant=None)


def test_option_order_matches_the_javascript_reference():
    # Computed with the algorithm in option_order's docstring, in Node.js.
    seed = shuffle_seed("round-7", "alice")
    assert seed == "a9dba67dd1e366ea3806403bfbc9ec9b4fa94b3f9169a4e71ab34e01d93d9f1d"
    orders = {
        key: "".join(option_order(make_question(key, n=6), seed)) for key in ("q1", "q2", "題3")
    }
    assert orders == {"q1": "adbcef", "q2": "dabfec", "題3": "bfadec"}


def test_options_are_shuffled_when_the_rule_says_and_order_questions_always():
    bank = make_bank(
        [
            make_question("s", n=6),
            make_question("o", type_=QuestionType.ORDER, n=6),
            make_question("t", type_=QuestionType.TRUE_FALSE),
        ]
    )
    plain = DrawRule.fixed(["s", "o", "t"])
    paper = draw_paper(plain, bank, round_seed="r", contestant="bo")
    seed = shuffle_seed("r", "bo")
    assert paper.option_orders == {
        "s": tuple("abcdef"),
        "o": option_order(bank.question("o"), seed),
    }
    assert [shuffles_options(plain, q) for q in bank.questions] == [False, True, False]
    shuffled = DrawRule.fixed(["s", "o", "t"], shuffle_options=True)
    paper = draw_paper(shuffled, bank, round_seed="r", contestant="bo")
    assert paper.option_orders["s"] == option_order(bank.question("s"), seed)
    assert [shuffles_options(shuffled, q) for q in bank.questions] == [True, True, False]


def test_positions_map_back_to_choice_keys():
    paper = Paper(("q", "t"), {"q": ("c", "a", "b")})
    question = make_question("q", n=3)
    assert [choice.key for choice in paper.displayed_choices(question)] == ["c", "a", "b"]
    assert paper.to_choice_keys("q", 0) == "c"
    assert paper.to_choice_keys("q", [2, 0]) == ["b", "c"]
    assert paper.to_choice_keys("t", True) is True
    for response, message in [(3, "0 to 2, not 3"), (True, "positions"), ("a", "positions")]:
        with pytest.raises(InvalidResponse, match=message):
            paper.to_choice_keys("q", response)
    with pytest.raises(InvalidResponse, match="not on this paper"):
        paper.to_choice_keys("zz", 0)


def test_paper_survives_storage():
    paper = draw_paper(
        DrawRule.fixed(["m1", "e0"], shuffle_options=True), BANK, round_seed="r", contestant="x"
    )
    assert Paper.from_dict(paper.to_dict()) == paper


def test_rules_survive_storage():
    rule = DrawRule.stratified(
        [Quota(2, "history", range(1, 3)), Quota(1)], shuffle_questions=True, shuffle_options=True
    )
    data = rule.to_dict()
    assert data == {
        "kind": "random",
        "shuffle_questions": True,
        "shuffle_options": True,
        "quotas": [
            {"count": 2, "tag": "history", "difficulty": [1, 2]},
            {"count": 1, "tag": None, "difficulty": None},
        ],
    }
    assert DrawRule.from_dict(data) == rule
    fixed = DrawRule.fixed(["a", "b"])
    assert DrawRule.from_dict(fixed.to_dict()) == fixed


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([], "rule"),
        ({"kind": "lottery"}, "kind"),
        ({"kind": "fixed", "keys": "a,b"}, "keys"),
        ({"kind": "fixed", "keys": []}, "keys"),
        ({"kind": "fixed", "keys": ["a", "a"]}, "keys"),
        ({"kind": "fixed", "keys": ["a", 3]}, "keys"),
        ({"kind": "fixed", "keys": ["a"], "shuffle_options": "yes"}, "shuffle_options"),
        ({"kind": "fixed", "keys": ["a"], "shufle_options": True}, "shufle_options"),
        ({"kind": "fixed", "keys": ["a"], "quotas": []}, "quotas"),
        ({"kind": "random", "quotas": []}, "quotas"),
        ({"kind": "random", "quotas": [{"count": 1}, 5]}, "quotas[1]"),
        ({"kind": "random", "quotas": [{"count": 0}]}, "quotas[0].count"),
        ({"kind": "random", "quotas": [{"count": True}]}, "quotas[0].count"),
        ({"kind": "random", "quotas": [{"count": 1, "tag": ""}]}, "quotas[0].tag"),
        (
            {"kind": "random", "quotas": [{"count": 1, "difficulty": [0, 1]}]},
            "quotas[0].difficulty",
        ),
        ({"kind": "random", "quotas": [{"count": 1, "difficulty": 2}]}, "quotas[0].difficulty"),
        ({"kind": "random", "quotas": [{"count": 1, "level": 2}]}, "quotas[0].level"),
    ],
)
def test_bad_rule_data_names_the_field(data, field):
    with pytest.raises(InvalidDrawRule) as raised:
        DrawRule.from_dict(data)
    assert raised.value.field == field


def test_rule_kind_accepts_its_stored_string():
    assert DrawRule("fixed", keys=["a"]).kind is DrawKind.FIXED


# Properties over small generated banks and rules.

small_questions = st.lists(
    st.tuples(st.integers(1, 5), st.sets(st.sampled_from(["x", "y"]), max_size=2)),
    max_size=7,
).map(
    lambda specs: make_bank(
        [
            make_question(f"q{i}", difficulty=d, tags=sorted(t), n=4)
            for i, (d, t) in enumerate(specs)
        ]
    )
)
quotas = st.lists(
    st.builds(
        Quota,
        st.integers(1, 3),
        st.none() | st.sampled_from(["x", "y"]),
        st.none() | st.sets(st.integers(1, 5), min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=3,
)


def satisfiable(rule, bank):
    """Brute force: can every quota slot get its own matching question?"""
    slots = [quota for quota in rule.quotas for _ in range(quota.count)]
    return any(
        all(slot.matches(question) for slot, question in zip(slots, chosen, strict=True))
        for chosen in itertools.permutations(bank.questions, len(slots))
    )


@settings(max_examples=150)
@given(small_questions, quotas, st.text(max_size=5), st.booleans())
def test_a_draw_is_deterministic_meets_its_quotas_and_never_repeats(
    bank, quota_list, seed, shuffle
):
    rule = DrawRule.stratified(quota_list, shuffle_options=shuffle)
    try:
        paper = draw_paper(rule, bank, round_seed=seed, contestant="c")
    except CannotDraw:
        assert not satisfiable(rule, bank)
        return
    assert paper == draw_paper(rule, bank, round_seed=seed, contestant="c")
    keys = paper.question_keys
    assert len(set(keys)) == len(keys) == rule.size
    start = 0
    for quota in rule.quotas:
        assert all(quota.matches(bank.question(key)) for key in keys[start : start + quota.count])
        start += quota.count
    for key in keys:
        assert sorted(paper.option_orders[key]) == list("abcd")


@given(st.integers(1, 6), st.text(max_size=8), st.data())
def test_to_choice_keys_inverts_displayed_choices(n, seed, data):
    question = make_question("q", n=n, type_=QuestionType.ORDER)
    paper = Paper(("q",), {"q": option_order(question, seed)})
    shown = [choice.key for choice in paper.displayed_choices(question)]
    assert sorted(shown) == sorted(question.choice_keys())
    positions = data.draw(st.permutations(range(n)))
    assert paper.to_choice_keys("q", positions) == [shown[p] for p in positions]
    assert [paper.to_choice_keys("q", p) for p in range(n)] == shown
