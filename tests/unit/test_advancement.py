import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.advancement import (
    AdvancementError,
    AdvancementRule,
    Group,
    Qualification,
    Qualifier,
    StageResult,
    qualify,
)
from engine.domain.ranking import TIME_LIMIT_MS


def result(contestant, points, total_ms=0, *, city="guangzhou", unit="a"):
    return StageResult(contestant, city, unit, points, total_ms)


def ids(qualification: Qualification) -> list[str]:
    return [q.contestant for q in qualification.qualifiers]


def test_top_two_per_unit():
    standings = [
        result("a1", 90, unit="a"),
        result("a2", 80, unit="a"),
        result("a3", 70, unit="a"),
        result("b1", 60, unit="b"),
        result("b2", 50, unit="b"),
        result("b3", 40, unit="b"),
    ]
    qualification = qualify(AdvancementRule("unit", k=2), standings)
    assert ids(qualification) == ["a1", "a2", "b1", "b2"]
    assert qualification.qualifiers[2] == Qualifier("b1", "b", 1, 60, 0, tied_at_cut=False)
    assert qualification.tied_at_cut == ()


def test_time_breaks_a_points_tie_at_the_cut():
    standings = [result("x", 90), result("slow", 80, 9000), result("fast", 80, 4000)]
    assert ids(qualify(AdvancementRule(Group.CITY, k=2), standings)) == ["x", "fast"]


def test_an_exact_tie_straddling_the_cut_qualifies_whole_and_is_marked():
    standings = [result("x", 90), result("p", 80, 4000), result("q", 80, 4000), result("z", 1)]
    qualification = qualify(AdvancementRule("city", k=2), standings)
    assert ids(qualification) == ["x", "p", "q"]
    assert [q.contestant for q in qualification.tied_at_cut] == ["p", "q"]
    assert {q.rank for q in qualification.tied_at_cut} == {2}


def test_a_tie_inside_the_cut_is_not_marked():
    standings = [result("p", 80, 4000), result("q", 80, 4000), result("z", 1)]
    qualification = qualify(AdvancementRule("city", k=2), standings)
    assert ids(qualification) == ["p", "q"]
    assert qualification.tied_at_cut == ()


def test_times_beyond_the_clamp_tie_as_the_boards_tie_them():
    standings = [result("p", 80, TIME_LIMIT_MS), result("q", 80, TIME_LIMIT_MS + 5000)]
    assert len(qualify(AdvancementRule("city", k=1), standings).tied_at_cut) == 2


def test_a_threshold_alone_takes_everyone_at_or_above_it():
    standings = [result("a", 60), result("b", 59), result("c", 75, city="shenzhen")]
    qualification = qualify(AdvancementRule(min_points=60), standings)
    assert ids(qualification) == ["c", "a"]
    assert [q.group for q in qualification.qualifiers] == [None, None]


def test_both_top_k_and_a_threshold():
    standings = [result("a", 90), result("b", 70), result("c", 55), result("d", 95, city="zhuhai")]
    rule = AdvancementRule("city", k=3, min_points=60)
    assert ids(qualify(rule, standings)) == ["a", "b", "d"]


def test_contestants_without_a_unit_are_listed_not_dropped():
    standings = [result("a", 90), result("nobody", 99, unit=None), result("low", 1, unit=None)]
    qualification = qualify(AdvancementRule("unit", k=1, min_points=10), standings)
    assert ids(qualification) == ["a"]
    assert qualification.ungrouped == ("nobody",)


def test_a_contestant_twice_is_refused():
    with pytest.raises(AdvancementError):
        qualify(AdvancementRule(min_points=0), [result("a", 1), result("a", 2, unit="b")])


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"per": "city"},
        {"k": 2},
        {"per": "district", "k": 2},
        {"per": "unit", "k": 0},
        {"per": "unit", "k": 1.5},
        {"min_points": -1},
        {"min_points": True},
    ],
)
def test_rules_that_make_no_sense_are_refused(kwargs):
    with pytest.raises(AdvancementError):
        AdvancementRule(**kwargs)


# --- against an oracle ----------------------------------------------------------------------

standings_lists = st.lists(
    st.builds(
        StageResult,
        st.text("abcdefgh", min_size=1, max_size=3),
        st.sampled_from(["guangzhou", "shenzhen", None]),
        st.sampled_from(["u1", "u2", "u3", None]),
        st.integers(0, 5),  # few values: many ties
        st.sampled_from([0, 100, 200, TIME_LIMIT_MS, TIME_LIMIT_MS + 1]),
    ),
    max_size=25,
    unique_by=lambda r: r.contestant,
)
advancement_rules = st.one_of(
    st.builds(AdvancementRule, st.sampled_from(["city", "unit"]), st.integers(1, 4)),
    st.builds(AdvancementRule, min_points=st.integers(0, 6)),
    st.builds(
        AdvancementRule, st.sampled_from(["city", "unit"]), st.integers(1, 4), st.integers(0, 6)
    ),
)


def oracle(rule, standings):
    """{contestant: (group, rank, tied_at_cut)} by counting, contestant by contestant."""

    def key(r):
        return r.points, -min(r.total_ms, TIME_LIMIT_MS)

    def group(r):
        return None if rule.per is None else getattr(r, rule.per)

    eligible = [r for r in standings if rule.min_points is None or r.points >= rule.min_points]
    placed = {}
    for r in eligible:
        if rule.per is not None and group(r) is None:
            continue
        rivals = [o for o in eligible if group(o) == group(r)]
        better = sum(key(o) > key(r) for o in rivals)
        equal = sum(key(o) == key(r) for o in rivals)  # r included
        if rule.k is None or better < rule.k:
            placed[r.contestant] = (
                group(r),
                better + 1,
                rule.k is not None and better + equal > rule.k,
            )
    return placed


@given(advancement_rules, standings_lists)
def test_qualifiers_equal_the_oracle(rule, standings):
    qualification = qualify(rule, standings)
    assert {q.contestant: (q.group, q.rank, q.tied_at_cut) for q in qualification.qualifiers} == (
        oracle(rule, standings)
    )
    assert len(qualification.qualifiers) == len({q.contestant for q in qualification.qualifiers})
    without_group = {
        r.contestant
        for r in standings
        if rule.per is not None
        and getattr(r, rule.per) is None
        and (rule.min_points is None or r.points >= rule.min_points)
    }
    assert set(qualification.ungrouped) == without_group
