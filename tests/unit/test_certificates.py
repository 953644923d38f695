"""Which standings earn which certificate, plans that are refused, and serial numbers."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.certificates import (
    ALPHABET,
    SERIAL_LENGTH,
    CertificatePlanError,
    Standing,
    awards,
    localised,
    new_serial,
    normal_serial,
    parse_plan,
    sheet,
)

TEXTS = {"zh-Hans": "奖", "en": "Prize"}


def template(key: str, rule: dict, group: str | None = None) -> dict:
    data = {"key": key, "rule": rule, "award": TEXTS, "title": TEXTS, "issuer": TEXTS}
    return data if group is None else {**data, "group": group}


def plan(*templates: dict):
    return parse_plan({"templates": list(templates)})


STANDINGS = [
    Standing("a", "Ann", 1, 900, region="guangzhou", team="t1"),
    Standing("b", "Bo", 2, 700, region="shenzhen", team="t1"),
    Standing("c", "Cai", 3, 700, region="guangzhou", team=None),
    Standing("d", "Dan", 4, 100, region="shenzhen", team="t2"),
    Standing("x", "Banned", None, 1000, region="guangzhou"),  # banned: earns nothing
]


def earned(certificate_plan, standings=STANDINGS) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for award in awards(certificate_plan, standings):
        result.setdefault(award.template.key, []).append(award.standing.contestant)
    return result


def test_score_threshold_earns_at_and_above_it_only() -> None:
    assert earned(plan(template("pass", {"kind": "score", "threshold": 700}))) == {
        "pass": ["a", "b", "c"]
    }
    assert earned(plan(template("pass", {"kind": "score", "threshold": 901}))) == {}


def test_rank_overall_earns_the_top_k_only() -> None:
    assert earned(plan(template("top", {"kind": "rank", "top": 2}))) == {"top": ["a", "b"]}


def test_rank_per_region_ranks_on_each_regions_own_board() -> None:
    found = awards(plan(template("top", {"kind": "rank", "top": 1, "scope": "region"})), STANDINGS)
    assert [(a.standing.contestant, a.rank) for a in found] == [("a", 1), ("b", 1)]


def test_rank_per_team_leaves_out_contestants_without_a_team() -> None:
    found = earned(plan(template("top", {"kind": "rank", "top": 5, "scope": "team"})))
    assert found == {"top": ["a", "b", "d"]}


def test_participation_earns_every_ranked_contestant_but_not_the_banned() -> None:
    assert earned(plan(template("took-part", {"kind": "participation"}))) == {
        "took-part": ["a", "b", "c", "d"]
    }


def test_award_levels_give_each_contestant_the_highest_of_the_group_only() -> None:
    levels = plan(
        template("first", {"kind": "rank", "top": 1}, group="award"),
        template("second", {"kind": "rank", "top": 2}, group="award"),
        template("third", {"kind": "score", "threshold": 700}, group="award"),
        template("took-part", {"kind": "participation"}),
    )
    assert earned(levels) == {
        "first": ["a"],
        "second": ["b"],
        "third": ["c"],
        "took-part": ["a", "b", "c", "d"],
    }


@pytest.mark.parametrize(
    ("bad", "path"),
    [
        ({"templates": []}, "templates"),
        ({"templates": [template("A B", {"kind": "participation"})]}, "templates.0.key"),
        ({"templates": [template("k", {"kind": "score"})]}, "templates.0.rule.threshold"),
        (
            {"templates": [template("k", {"kind": "score", "threshold": -1})]},
            "templates.0.rule.threshold",
        ),
        ({"templates": [template("k", {"kind": "rank", "top": 0})]}, "templates.0.rule.top"),
        (
            {"templates": [template("k", {"kind": "rank", "top": 3, "scope": "city"})]},
            "templates.0.rule.scope",
        ),
        ({"templates": [template("k", {"kind": "luck"})]}, "templates.0.rule.kind"),
        (
            {"templates": [{**template("k", {"kind": "participation"}), "award": {"fr": "x"}}]},
            "templates.0.award",
        ),
        (
            {"templates": [{**template("k", {"kind": "participation"}), "date": "3 Dec"}]},
            "templates.0.date",
        ),
        (
            {"templates": [{**template("k", {"kind": "participation"}), "seal": "nope"}]},
            "templates.0.seal",
        ),
        ({"templates": [template("k", {"kind": "participation"})] * 2}, "templates"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field(bad: dict, path: str) -> None:
    with pytest.raises(CertificatePlanError) as refused:
        parse_plan(bad)
    assert path in refused.value.fields


def test_a_plan_round_trips_through_its_json_shape() -> None:
    first = plan(
        template("top", {"kind": "rank", "top": 3, "scope": "region"}, group="award"),
        template("pass", {"kind": "score", "threshold": 600}),
    )
    assert parse_plan(first.to_dict()) == first


def test_zh_hant_is_converted_from_zh_hans_when_not_given() -> None:
    assert localised({"zh-Hans": "一等奖"}, "zh-Hant") == "一等獎"
    assert localised({"en": "First prize"}, "zh-Hans") == "First prize"


def test_a_zh_hant_sheet_converts_the_contest_title_but_never_the_holders_name() -> None:
    content = {"holder": "国华", "contest": "国防知识竞赛", "award": {"zh-Hans": "一等奖"},
               "title": TEXTS, "issuer": TEXTS, "date": "2026-12-03"}  # fmt: skip
    worded = sheet(content, "S", "zh-Hant", "http://x/verify/S")
    assert worded.holder == "国华"
    assert "國防知識競賽" in worded.achievement
    assert worded.award == "一等獎"
    assert "国防知识竞赛" in sheet(content, "S", "en", "u").achievement


def test_serials_are_well_formed_and_distinct() -> None:
    rng = random.Random(7)
    serials = {new_serial(rng) for _ in range(2000)}
    assert len(serials) == 2000
    for serial in serials:
        assert len(serial) == SERIAL_LENGTH
        assert set(serial) <= set(ALPHABET)
        assert normal_serial(serial) == serial
        assert normal_serial(serial.lower()[:4] + "-" + serial[4:]) == serial


@settings(max_examples=200)
@given(st.randoms(use_true_random=False), st.integers(0, SERIAL_LENGTH - 1), st.data())
def test_any_single_symbol_mistake_is_caught(rng: random.Random, position: int, data) -> None:
    serial = new_serial(rng)
    wrong = data.draw(st.sampled_from([s for s in ALPHABET if s != serial[position]]))
    assert normal_serial(serial[:position] + wrong + serial[position + 1 :]) is None


@pytest.mark.parametrize("text", ["", "short", "0" * 40, "I" * SERIAL_LENGTH, "../etc/passwd"])
def test_anything_else_is_not_a_serial(text: str) -> None:
    assert normal_serial(text) is None


standings_lists = st.lists(
    st.builds(
        Standing,
        contestant=st.text("abcdef", min_size=1, max_size=4),
        nickname=st.just("n"),
        rank=st.one_of(st.none(), st.integers(1, 20)),
        points=st.integers(0, 1000),
        region=st.sampled_from([None, "guangzhou", "shenzhen"]),
        team=st.sampled_from([None, "t1"]),
    ),
    max_size=15,
    unique_by=lambda standing: standing.contestant,
)


@settings(max_examples=100, deadline=None)
@given(standings_lists, st.integers(0, 1000), st.integers(1, 5))
def test_one_certificate_per_group_and_none_for_the_banned(standings, threshold, top) -> None:
    levels = plan(
        template("first", {"kind": "rank", "top": top, "scope": "region"}, group="award"),
        template("pass", {"kind": "score", "threshold": threshold}, group="award"),
        template("took-part", {"kind": "participation"}),
    )
    found = awards(levels, standings)
    pairs = [(a.standing.contestant, a.template.group) for a in found]
    assert len(pairs) == len(set(pairs))
    ranked = {s.contestant for s in standings if s.rank is not None}
    assert {a.standing.contestant for a in found} == ranked
    for award in found:
        if award.template.key == "pass":
            assert award.standing.points >= threshold
        if award.template.key == "first":
            assert award.standing.region is not None
            assert award.rank <= top
