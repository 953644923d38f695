"""Competition rules and nicknames (engine.domain.contest)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.contest import (
    BLOCKED_WORDS,
    NICKNAME_MAX,
    CompetitionRules,
    InvalidNickname,
    InvalidRules,
    Mode,
    clean_nickname,
)
from engine.domain.drawing import DrawRule, Quota
from engine.domain.identity import fold
from engine.domain.regions import GUANGDONG
from engine.domain.scoring import ScoringRules, SpeedFactor

DRAW = DrawRule.fixed(["q1", "q2", "q3"])


def make(**changes: object) -> CompetitionRules:
    fields: dict = {"mode": Mode.LIVE, "scoring": ScoringRules(), "draw": DRAW, **changes}
    return CompetitionRules(**fields)


# --- rules -----------------------------------------------------------------------------


def test_defaults() -> None:
    rules = make()
    assert rules.regions == tuple(region.code for region in GUANGDONG)
    assert rules.teams == ()
    assert rules.default_time_limit_s == 20
    assert rules.weight("q1") == 1


def test_round_trip_through_plain_data() -> None:
    rules = make(
        mode=Mode.ELIMINATION,
        scoring=ScoringRules(speed=SpeedFactor.KAHOOT, streak_step=100, streak_cap=500),
        draw=DrawRule.stratified([Quota(2, tag="law"), Quota(1, difficulty=[4, 5])]),
        regions=("shenzhen", "guangzhou"),
        teams=("red", "blue-2"),
        partial_credit=True,
        default_time_limit_s=30,
        revival_tokens=2,
        weights={"q1": 2.5},
        freeze_at_question=2,
    )
    assert CompetitionRules.from_dict(rules.to_dict()) == rules


def test_from_plain_data_fills_defaults() -> None:
    rules = CompetitionRules.from_dict({"mode": "live", "draw": DRAW.to_dict()})
    assert rules == make()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"default_time_limit_s": 4}, "default_time_limit_s"),
        ({"default_time_limit_s": 601}, "default_time_limit_s"),
        ({"revival_tokens": 1}, "revival_tokens"),  # a live round has no revivals
        ({"mode": Mode.ELIMINATION, "revival_tokens": 11}, "revival_tokens"),
        ({"teams": ("Red",)}, "teams"),
        ({"teams": ("-red",)}, "teams"),
        ({"teams": ("x" * 33,)}, "teams"),
        ({"teams": ("red", "red")}, "teams"),
        ({"regions": ("shenzhen", "shenzhen")}, "regions"),
        ({"weights": {"q1": 0}}, "weights"),
        ({"weights": {"q1": 10.5}}, "weights"),
        ({"freeze_at_question": 0}, "freeze_at_question"),
        ({"freeze_at_question": 4}, "freeze_at_question"),  # beyond a 3-question paper
        ({"freeze_at_question": True}, "freeze_at_question"),
        ({"mode": Mode.SELF_PACED, "freeze_at_question": 1}, "freeze_at_question"),
    ],
)
def test_invalid_rules_name_their_field(changes: dict, field: str) -> None:
    with pytest.raises(InvalidRules) as refused:
        make(**changes)
    assert refused.value.field == field


def test_limits_that_are_allowed() -> None:
    assert make(default_time_limit_s=5).default_time_limit_s == 5
    assert make(default_time_limit_s=600).default_time_limit_s == 600
    assert make(mode=Mode.ELIMINATION, revival_tokens=10).revival_tokens == 10
    assert make(weights={"q2": 10}).weight("q2") == 10
    assert make(teams=("a", "9-lives")).teams == ("a", "9-lives")
    assert make(freeze_at_question=3).freeze_at_question == 3


# --- nicknames -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Alice", "Alice"),
        ("  Alice \t Wong  ", "Alice Wong"),
        ("ＡＬＩＣＥ", "ALICE"),  # full width folded by NFKC
        ("小明", "小明"),
        ("x" * NICKNAME_MAX, "x" * NICKNAME_MAX),
    ],
)
def test_clean_nickname(raw: str, shown: str) -> None:
    assert clean_nickname(raw) == shown


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " \t ",
        "x" * (NICKNAME_MAX + 1),
        "bad\x00name",
        "bad\u200bname",
        "TheAdmin",
        "Ｈｏｓｔ",
        "mod erator",  # spaces do not hide a blocked word
        "我是傻逼",
        None,
        42,
        ["alice"],
    ],
)
def test_clean_nickname_refuses(raw: object) -> None:
    with pytest.raises(InvalidNickname):
        clean_nickname(raw)


def test_a_competition_may_bring_its_own_blocked_words() -> None:
    assert clean_nickname("admin", blocked=()) == "admin"
    with pytest.raises(InvalidNickname):
        clean_nickname("Big Panda", blocked=("panda",))


@pytest.mark.parametrize(
    ("one", "other"),
    [("alice", "ALICE"), ("alice", "ＡＬＩＣＥ"), ("Al ice", "alice"), ("Straße", "STRASSE")],
)
def test_nickname_key_folds_case_width_and_spaces(one: str, other: str) -> None:
    assert fold(one) == fold(other)


def test_nickname_key_keeps_different_names_apart() -> None:
    assert fold("alice") != fold("alicia")
    assert fold("小明") != fold("小名")


@given(st.text(max_size=40))
def test_a_clean_nickname_is_stable_and_keyed_like_its_source(raw: str) -> None:
    try:
        shown = clean_nickname(raw)
    except InvalidNickname:
        return
    assert clean_nickname(shown) == shown
    assert fold(shown) == fold(raw)
    assert 1 <= len(shown) <= NICKNAME_MAX
    assert shown == shown.strip()
    assert unicodedata.normalize("NFKC", shown) == shown
    assert not any(word in fold(shown) for word in BLOCKED_WORDS)


def test_elderly_double_time_is_a_self_paced_rule() -> None:
    for mode in ("live", "elimination"):
        with pytest.raises(InvalidRules, match="elder_extra_time: only self-paced"):
            CompetitionRules.from_dict(
                {"mode": mode, "draw": DRAW.to_dict(), "elder_extra_time": True}
            )
    with pytest.raises(InvalidRules, match="elder_extra_time: true or false"):
        CompetitionRules.from_dict(
            {"mode": "self_paced", "draw": DRAW.to_dict(), "elder_extra_time": "yes"}
        )
    rules = CompetitionRules.from_dict(
        {"mode": "self_paced", "draw": DRAW.to_dict(), "elder_extra_time": True}
    )
    assert rules.elder_extra_time is True
    assert CompetitionRules.from_dict(rules.to_dict()) == rules
