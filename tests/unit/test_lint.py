"""The bank linter: every rule fires on a bank made to break it and stays quiet on one
made to keep it."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from engine.domain.lint import RULES, InvalidLintConfig, LintConfig, Severity, lint_bank
from engine.domain.lint.rules import similar_pairs
from engine.domain.lint.stats import chi_square_sf, poisson_binomial_sf
from engine.domain.questions import BankContent, Choice, Question, QuestionType, localized

#: Quiet everything but the rule under test.
ONLY = dict.fromkeys(RULES, "off")


def config(rule, **thresholds):
    return LintConfig(severity={**ONLY, rule: "warning"}, **thresholds)


def single(key, answer="a", texts=("甲", "乙", "丙", "丁"), prompt=None, **fields):
    choices = tuple(
        Choice(k, localized({"zh-Hans": t})) for k, t in zip("abcdef", texts, strict=False)
    )
    return Question(
        key=key,
        type=QuestionType.SINGLE,
        prompt=localized({"zh-Hans": prompt or f"第{key}题问的是什么"}),
        answer=(answer,),
        choices=choices,
        source="书",
        **fields,
    )


def true_false(key, value):
    return Question(
        key=key,
        type=QuestionType.TRUE_FALSE,
        prompt=localized({"zh-Hans": f"说法{key}"}),
        answer=(value,),
        source="书",
    )


def multiple(key, answer, n=4):
    return Question(
        key=key,
        type=QuestionType.MULTIPLE,
        prompt=localized({"zh-Hans": f"多选{key}"}),
        answer=tuple(answer),
        choices=tuple(Choice(k, localized({"zh-Hans": f"{key}{k}"})) for k in "abcdef"[:n]),
        source="书",
    )


def bank(*questions, title=None):
    return BankContent("b", localized(title or {"zh-Hans": "题库"}), "zh-Hans", questions)


def rules(findings):
    return [f.rule for f in findings]


def test_answer_position_flags_keys_piled_on_one_letter_and_passes_an_even_spread():
    piled = bank(*(single(f"q{i}", "b") for i in range(12)))
    findings = lint_bank(piled, config("answer-position"))
    assert rules(findings) == ["answer-position"]
    assert "B 12" in findings[0].message
    assert findings[0].question is None
    even = bank(*(single(f"q{i}", "abcd"[i % 4]) for i in range(12)))
    assert lint_bank(even, config("answer-position")) == []
    # Too few items to judge at all.
    assert (
        lint_bank(bank(*(single(f"q{i}", "b") for i in range(5))), config("answer-position")) == []
    )


def test_true_false_balance():
    mostly_true = bank(*(true_false(f"t{i}", i < 9) for i in range(11)))
    findings = lint_bank(mostly_true, config("true-false-balance"))
    assert rules(findings) == ["true-false-balance"]
    assert "9 of 11" in findings[0].message
    balanced = bank(*(true_false(f"t{i}", i % 2 == 0) for i in range(11)))
    assert lint_bank(balanced, config("true-false-balance")) == []


def test_multiple_select_with_always_three_keys_and_an_option_always_in():
    same = bank(*(multiple(f"m{i}", "abc") for i in range(4)))
    found = rules(
        lint_bank(
            same,
            LintConfig(
                severity={**ONLY, "multiple-same-count": "warning", "multiple-always-in": "warning"}
            ),
        )
    )
    assert found == [
        "multiple-same-count",
        "multiple-always-in",
        "multiple-always-in",
        "multiple-always-in",
    ]
    varied = bank(
        multiple("m0", "ab"), multiple("m1", "bcd"), multiple("m2", "cd"), multiple("m3", "ad")
    )
    assert (
        lint_bank(
            varied,
            LintConfig(
                severity={**ONLY, "multiple-same-count": "warning", "multiple-always-in": "warning"}
            ),
        )
        == []
    )


def test_longest_option_bias():
    texts = ("短", "短短", "很长很长的正确答案", "短三")
    biased = bank(*(single(f"q{i}", "c", texts) for i in range(10)))
    findings = lint_bank(biased, config("longest-option"))
    assert rules(findings) == ["longest-option"]
    assert len(findings[0].related) == 10
    fair = bank(*(single(f"q{i}", "abcd"[i % 4], texts) for i in range(10)))
    assert lint_bank(fair, config("longest-option")) == []


def test_answer_in_prompt_but_not_when_a_distractor_is_there_too():
    leaky = single("q1", "b", ("北京", "南昌", "上海", "广州"), prompt="南昌起义发生在哪座城市？")
    findings = lint_bank(bank(leaky), config("answer-in-prompt"))
    assert [(f.rule, f.question, f.path) for f in findings] == [
        ("answer-in-prompt", "q1", "questions[0].prompt.zh-Hans")
    ]
    fair = single("q1", "b", ("北京", "南昌", "上海", "广州"), prompt="南昌和北京哪个更南？")
    assert lint_bank(bank(fair), config("answer-in-prompt")) == []
    text = dataclasses.replace(leaky, type=QuestionType.TEXT, choices=(), answer=("南昌",))
    assert rules(lint_bank(bank(text), config("answer-in-prompt"))) == ["answer-in-prompt"]


def test_near_duplicates_in_chinese_without_spaces():
    a = single("q1", prompt="中国人民解放军建军节是每年的哪一天")
    b = single("q2", prompt="中国人民解放军建军节是每年哪一天")
    other = single("q3", prompt="全民国防教育日定在每年九月的第几个星期六")
    findings = lint_bank(bank(a, b, other), config("near-duplicate"))
    assert [(f.question, f.related) for f in findings] == [("q2", ("q1",))]
    assert lint_bank(bank(a, other), config("near-duplicate")) == []
    enemies = bank(
        dataclasses.replace(a, enemies=("army-day",)),
        dataclasses.replace(b, enemies=("army-day",)),
    )
    assert lint_bank(enemies, config("near-duplicate")) == []


def test_enemy_candidates_until_the_items_are_enemies():
    asks = single("q1", "b", ("北京", "南昌", "上海", "广州"), prompt="八一起义发生在哪座城市")
    tells = single("q2", prompt="南昌起义是哪一年", texts=("1927年", "1928年", "1929年", "1930年"))
    findings = lint_bank(bank(asks, tells), config("enemy-candidate"))
    assert [(f.question, f.related, f.path) for f in findings] == [
        ("q2", ("q1",), "questions[1].prompt")
    ]
    made_enemies = bank(
        dataclasses.replace(asks, enemies=("nanchang",)),
        dataclasses.replace(tells, enemies=("nanchang",)),
    )
    assert lint_bank(made_enemies, config("enemy-candidate")) == []


def test_a_number_is_not_found_inside_a_longer_number():
    asks = single("q1", "b", ("1年", "2年", "3年", "4年"), prompt="义务兵服役几年")
    mentions = single("q2", prompt="2012年发生了什么")
    assert lint_bank(bank(asks, mentions), config("enemy-candidate")) == []
    tells = single("q3", prompt="服役2年之后呢")
    assert rules(lint_bank(bank(asks, tells), config("enemy-candidate"))) == ["enemy-candidate"]


def test_an_answer_among_another_items_options_is_only_a_hint():
    asks = single("q1", "b", ("北京", "南昌", "上海", "广州"))
    offers = single("q2", "b", texts=("南昌", "长沙", "武汉", "九江"))
    cfg = LintConfig(severity={**ONLY, "enemy-candidate-option": "info"})
    findings = lint_bank(bank(asks, offers), cfg)
    assert [(f.rule, f.severity, f.question, f.related) for f in findings] == [
        ("enemy-candidate-option", Severity.INFO, "q2", ("q1",))
    ]
    other = single("q2", "b", texts=("长沙", "武汉", "九江", "岳阳"))
    assert lint_bank(bank(asks, other), cfg) == []
    made_enemies = bank(
        dataclasses.replace(asks, enemies=("nanchang",)),
        dataclasses.replace(offers, enemies=("nanchang",)),
    )
    assert lint_bank(made_enemies, cfg) == []


def test_an_enemy_group_of_one_is_probably_a_typo():
    alone = bank(dataclasses.replace(single("q1"), enemies=("nanchnag",)), single("q2"))
    assert rules(lint_bank(alone, config("enemy-group-alone"))) == ["enemy-group-alone"]
    pair = bank(
        dataclasses.replace(single("q1"), enemies=("x",)),
        dataclasses.replace(single("q2"), enemies=("x",)),
    )
    assert lint_bank(pair, config("enemy-group-alone")) == []


def test_missing_zh_hant_is_reported_with_the_conversion_readers_see():
    question = single("q1", prompt="这里的国防教育法")
    findings = lint_bank(bank(question), config("missing-locale"))
    assert rules(findings) == ["missing-locale"]
    assert findings[0].path == "questions[0].prompt.zh-Hant"
    assert findings[0].suggestions["questions[0].prompt.zh-Hant"] == "這裏的國防教育法"
    assert findings[0].suggestions["questions[0].choices[1].text.zh-Hant"] == "乙"
    twp = lint_bank(bank(question), config("missing-locale"), conversion="s2twp")
    assert twp[0].suggestions["questions[0].prompt.zh-Hant"] == "這裡的國防教育法"
    complete = Question(
        key="q1",
        type=QuestionType.TRUE_FALSE,
        prompt=localized({"zh-Hans": "对", "zh-Hant": "對"}),
        answer=(True,),
        source="书",
    )
    assert lint_bank(bank(complete), config("missing-locale")) == []
    # English is required once the bank's title has it.
    english = lint_bank(
        bank(complete, title={"zh-Hans": "题", "en": "Q"}), config("missing-locale")
    )
    assert [f.path for f in english] == ["questions[0].prompt.en"]


def test_law_items_must_name_a_year():
    undated = dataclasses.replace(single("q1", prompt="国防教育法规定了什么"), tags=("law",))
    assert rules(lint_bank(bank(undated), config("unpinned"))) == ["unpinned"]
    dated = dataclasses.replace(
        undated, prompt=localized({"zh-Hans": "2024年修订的国防教育法规定了什么"})
    )
    assert lint_bank(bank(dated), config("unpinned")) == []
    untagged = single("q1", prompt="国防教育法规定了什么")
    assert lint_bank(bank(untagged), config("unpinned")) == []


def test_long_prompts_and_options_for_a_phone():
    long = single("q1", prompt="长" * 121, texts=("短", "长" * 41, "短", "短"))
    found = lint_bank(
        bank(long),
        LintConfig(severity={**ONLY, "long-prompt": "warning", "long-option": "warning"}),
    )
    assert rules(found) == ["long-prompt", "long-option"]
    short = single("q1", prompt="长" * 120, texts=("短", "长" * 40, "短", "短"))
    assert (
        lint_bank(
            bank(short),
            LintConfig(severity={**ONLY, "long-prompt": "warning", "long-option": "warning"}),
        )
        == []
    )


def test_each_threshold_moves_its_rule():
    """A setting changes what its rule reports, not only whether the file parses."""
    cases = [
        # (rule, bank, setting that quiets the finding the defaults give)
        (
            "true-false-balance",
            bank(*(true_false(f"t{i}", i < 9) for i in range(11))),
            {"true_share_max": 0.85},
        ),
        (
            "true-false-balance",
            bank(*(true_false(f"t{i}", i < 9) for i in range(11))),
            {"min_items": 12},
        ),
        (
            "answer-position",
            bank(*(single(f"q{i}", "b" if i < 8 else "abcd"[i % 4]) for i in range(16))),
            {"alpha": 0.001},
        ),
        (
            "multiple-same-count",
            bank(*(multiple(f"m{i}", "ab") for i in range(4))),
            {"min_multiple": 5},
        ),
        (
            "near-duplicate",
            bank(
                single("q1", prompt="中国人民解放军建军节是每年的哪一天"),
                single("q2", prompt="中国人民解放军建军节是每年哪一天"),
            ),
            {"duplicate_similarity": 0.99},
        ),
        (
            "answer-in-prompt",
            bank(single("q1", "b", ("北京", "南昌", "上海", "广州"), prompt="南昌起义在哪里")),
            {"min_answer_chars": 3},
        ),
        (
            "unpinned",
            bank(dataclasses.replace(single("q1", prompt="保密法规定了什么"), tags=("law",))),
            {"pinned_tags": ("date-sensitive",)},
        ),
        ("long-prompt", bank(single("q1", prompt="长" * 150)), {"max_prompt_chars": 150}),
        (
            "long-option",
            bank(single("q1", texts=("短", "长" * 50, "短", "短"))),
            {"max_option_chars": 50},
        ),
        (
            "missing-locale",
            bank(single("q1", prompt="这里的国防教育法")),
            {"locales": ("zh-Hans",)},
        ),
    ]
    for rule, subject, setting in cases:
        assert rules(lint_bank(subject, config(rule))) == [rule], (rule, setting)
        assert lint_bank(subject, config(rule, **setting)) == [], (rule, setting)


def test_config_names_the_bad_field():
    assert LintConfig.from_dict({"alpha": 0.01, "locales": ["zh-Hans"]}).alpha == 0.01
    for data, field in [
        ({"alpah": 0.1}, "alpah"),
        ({"alpha": 2}, "alpha"),
        ({"min_items": 2.5}, "min_items"),
        ({"severity": {"nope": "off"}}, "severity.nope"),
        ({"severity": {"unpinned": "loud"}}, "severity.unpinned"),
        ({"locales": ["fr"]}, "locales"),
        ({"true_share_min": 0.7}, "true_share_min"),
        ([], "config"),
    ]:
        with pytest.raises(InvalidLintConfig) as caught:
            LintConfig.from_dict(data)
        assert caught.value.field == field


@settings(max_examples=60, deadline=None)
@given(st.floats(0.01, 60), st.integers(1, 12))
def test_chi_square_tail_matches_scipy(statistic, df):
    assert chi_square_sf(statistic, df) == pytest.approx(stats.chi2.sf(statistic, df), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([0.25, 0.2, 1 / 3, 0.5]), min_size=1, max_size=20), st.integers(0, 20)
)
def test_poisson_binomial_tail_matches_brute_force_for_equal_chances(chances, observed):
    p = chances[0]
    same = [p] * len(chances)
    assert poisson_binomial_sf(same, observed) == pytest.approx(
        stats.binom.sf(observed - 1, len(same), p), abs=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.frozensets(st.sampled_from("abcdefgh"), min_size=1), max_size=12),
    st.sampled_from([0.5, 0.7, 0.9]),
)
def test_prefix_filtering_finds_exactly_the_similar_pairs(sets, threshold):
    brute = {
        (i, j)
        for j in range(len(sets))
        for i in range(j)
        if len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= threshold
    }
    assert {(i, j) for i, j, _ in similar_pairs(sets, threshold)} == brute
