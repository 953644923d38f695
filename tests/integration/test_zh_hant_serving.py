"""Readers who chose zh-Hant get it where the author wrote only zh-Hans (OpenCC s2hk)."""

from __future__ import annotations

import dataclasses

from engine.domain.hant import with_traditional, with_traditional_bank
from engine.domain.questions import BankContent, Choice, Media, MediaKind, Question, QuestionType
from engine.domain.questions import localized as loc
from web.wiring import wire

ONLY_HANS = Question(
    key="q1",
    type=QuestionType.SINGLE,
    prompt=loc({"zh-Hans": "这里是国防教育的里程碑吗？", "en": "A milestone?"}),
    answer=("a",),
    choices=(Choice("a", loc({"zh-Hans": "发展"})), Choice("b", loc({"zh-Hans": "后面"}))),
    explanation=loc({"zh-Hans": "里面的说明"}),
    source="书",
)
AUTHORED = dataclasses.replace(
    ONLY_HANS,
    key="q2",
    prompt=loc({"zh-Hans": "这里", "zh-Hant": "作者寫的這裡"}),
    explanation=None,
)
BANK = BankContent("hk", loc({"zh-Hans": "香港"}), "zh-Hans", (ONLY_HANS, AUTHORED))


def test_zh_hant_is_filled_everywhere_readers_look_and_never_over_the_authors_text():
    filled = with_traditional_bank(BANK)
    first, second = filled.questions
    assert first.prompt["zh-Hant"] == "這裏是國防教育的里程碑嗎？"  # Hong Kong forms: 這裏
    assert [c.text["zh-Hant"] for c in first.choices] == ["發展", "後面"]
    assert first.explanation["zh-Hant"] == "裏面的説明"  # Hong Kong: 説
    assert second.prompt["zh-Hant"] == "作者寫的這裡"
    assert first.answer == ONLY_HANS.answer
    taiwan = with_traditional_bank(BANK, "s2twp").questions[0]
    assert taiwan.prompt["zh-Hant"] == "這裡是國防教育的里程碑嗎？"


def test_media_alt_text_is_filled_and_a_text_without_zh_hans_is_left_alone():
    clip = dataclasses.replace(
        ONLY_HANS, media=Media(MediaKind.AUDIO, "media/a.ogg", loc({"zh-Hans": "音频片段"}))
    )
    assert (
        with_traditional_bank(dataclasses.replace(BANK, questions=(clip,)))
        .questions[0]
        .media.alt["zh-Hant"]
        == "音頻片段"
    )
    assert with_traditional({"en": "only English"}) == ({"en": "only English"}, False)
    assert with_traditional({"zh-Hans": "说"}, "s2t") == ({"zh-Hans": "说", "zh-Hant": "說"}, True)


def test_a_round_serves_the_conversion_to_its_readers(wired):
    wired.banks.import_bank(BANK, {}, published_by="test")
    competition = wired.competitions.create(
        title="港澳",
        bank_slug="hk",
        bank_version=1,
        rules={"mode": "live", "draw": {"kind": "fixed", "keys": ["q1", "q2"]}},
        created_by=None,
    )
    round_row = wired.competitions.open_round(competition["id"])
    plan = wired.competitions.plan(round_row["id"])
    assert plan.questions[0].prompt["zh-Hant"] == "這裏是國防教育的里程碑嗎？"
    assert plan.questions[1].prompt["zh-Hant"] == "作者寫的這裡"
    # What the author stored is untouched: the conversion is for readers only.
    assert "zh-Hant" not in wired.banks.version("hk")[1].questions[0].prompt


def test_a_service_configured_for_taiwan_serves_and_suggests_s2twp(settings, stack):
    """LEITAI_ZH_HANT_CONVERSION reaches both places readers and authors see it."""
    db, connection, _ = stack
    taiwan_settings = dataclasses.replace(settings, zh_hant_conversion="s2twp")
    taiwan = wire(taiwan_settings, database=db, redis=connection)
    taiwan.banks.import_bank(BANK, {}, published_by="test")
    competition = taiwan.competitions.create(
        title="臺灣",
        bank_slug="hk",
        bank_version=1,
        rules={"mode": "live", "draw": {"kind": "fixed", "keys": ["q1"]}},
        created_by=None,
    )
    plan = taiwan.competitions.plan(taiwan.competitions.open_round(competition["id"])["id"])
    assert plan.questions[0].prompt["zh-Hant"] == "這裡是國防教育的里程碑嗎？"
    missing = [f for f in taiwan.banks.lint("hk") if f.rule == "missing-locale"]
    assert missing[0].suggestions["questions[0].prompt.zh-Hant"] == "這裡是國防教育的里程碑嗎？"
