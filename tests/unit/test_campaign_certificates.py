"""Who earns a campaign stage's certificates: ``campaign_standings`` then ``awards``,
against a brute-force reading of the rules over random attempt histories (few points
and times: many ties), per board (all, city, unit)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.attempts import Attempt, AttemptRule
from engine.domain.certificates import (
    CAMPAIGN_SCOPES,
    CertificatePlan,
    CertificatePlanError,
    Registered,
    Rule,
    Template,
    awards,
    campaign_standings,
    parse_plan,
)
from engine.domain.ranking import TIME_LIMIT_MS
from tests.unit.test_attempts import at, oracle, rules

attempts = st.builds(
    Attempt,
    st.builds(at, st.integers(1, 4), st.sampled_from([0.0, 9.5, 23.99])),
    st.integers(0, 2),  # few values: many ties
    st.sampled_from([0, TIME_LIMIT_MS, TIME_LIMIT_MS + 1]),  # the last two clamped alike
    st.booleans(),
)
registrations = st.builds(
    Registered,
    st.just("n"),
    st.sampled_from([None, "4401", "4403"]),
    st.sampled_from([None, "1", "2"]),
)
certificate_rules = st.one_of(
    st.just(Rule("participation")),
    st.builds(lambda t: Rule("score", threshold=t), st.integers(0, 5)),
    st.builds(
        lambda top, scope: Rule("rank", top=top, scope=scope),
        st.integers(1, 3),
        st.sampled_from(CAMPAIGN_SCOPES),
    ),
)


def plan_of(rule: Rule) -> CertificatePlan:
    return CertificatePlan(
        (Template("t", "t", rule, {"en": "A"}, {"en": "T"}, {"en": "I"}, None, None),)
    )


def holders_by_oracle(
    stage_rule: AttemptRule,
    histories: dict[str, list[Attempt]],
    registered: dict[str, Registered],
    rule: Rule,
) -> set[str]:
    """The rules read plainly: counted scores by the attempts' oracle; a rank is one more
    than the number on the same board with more points, or equal points and less time
    (as boards clamp it)."""
    counted = {c: oracle(stage_rule, h) for c, h in histories.items()}
    scored = {c: s for c, s in counted.items() if s is not None}

    def key(c: str) -> tuple[int, int]:
        points, total_ms = scored[c]
        return -points, min(total_ms, TIME_LIMIT_MS)

    def board(c: str) -> str | None:
        return "all" if rule.scope == "all" else getattr(registered[c], rule.scope)

    held = set()
    for c, (points, _) in scored.items():
        if rule.kind == "participation":
            held.add(c)
        elif rule.kind == "score":
            if points >= rule.threshold:  # type: ignore[operator]
                held.add(c)
        elif board(c) is not None:
            rank = 1 + sum(1 for o in scored if board(o) == board(c) and key(o) < key(c))
            if rank <= rule.top:  # type: ignore[operator]
                held.add(c)
    return held


@settings(max_examples=300)
@given(
    rules,
    st.dictionaries(
        st.sampled_from("abcdefgh"), st.lists(attempts, min_size=1, max_size=3), max_size=8
    ),
    st.data(),
    certificate_rules,
)
def test_holders_equal_the_oracle(stage_rule, histories, data, rule):
    registered = {c: data.draw(registrations) for c in histories}
    standings = campaign_standings(stage_rule, histories, registered)
    got = {award.standing.contestant for award in awards(plan_of(rule), standings)}
    assert got == holders_by_oracle(stage_rule, histories, registered, rule)


def test_an_exact_tie_shares_a_units_award_and_the_next_rank_skips():
    registered = {c: Registered(c.upper(), "4401", "1") for c in "abc"}
    histories = {
        "a": [Attempt(at(1, 9), 3, 500, False)],
        "b": [Attempt(at(1, 10), 3, 500, False)],
        "c": [Attempt(at(1, 11), 2, 100, False)],
    }
    standings = campaign_standings(AttemptRule("one"), histories, registered)
    assert [(s.contestant, s.rank, s.nickname, s.unit) for s in standings] == [
        ("a", 1, "A", "1"),
        ("b", 1, "B", "1"),
        ("c", 3, "C", "1"),
    ]
    first = plan_of(Rule("rank", top=1, scope="unit"))
    assert [a.standing.contestant for a in awards(first, standings)] == ["a", "b"]
    top_two = plan_of(Rule("rank", top=2, scope="unit"))
    assert [a.standing.contestant for a in awards(top_two, standings)] == ["a", "b"]


def test_a_campaign_plan_names_city_or_unit_boards_not_a_rounds():
    template = {"key": "k", "award": {"en": "A"}, "title": {"en": "T"}, "issuer": {"en": "I"}}
    ranked = {**template, "rule": {"kind": "rank", "top": 1, "scope": "region"}}
    with pytest.raises(CertificatePlanError) as refused:
        parse_plan({"templates": [ranked]}, CAMPAIGN_SCOPES)
    assert refused.value.fields == {"templates.0.rule.scope": ["one of all, city, unit"]}
    unit = {**template, "rule": {"kind": "rank", "top": 1, "scope": "unit"}}
    assert parse_plan({"templates": [unit]}, CAMPAIGN_SCOPES).templates[0].rule.scope == "unit"
