from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.attempts import Attempt, AttemptRule
from engine.domain.participation import (
    Figures,
    Participant,
    ParticipationError,
    Place,
    Unit,
    UnitRanking,
    Weighting,
    participation,
    rank_units,
    stage_participants,
)

PLACES = [
    Place("guangzhou", "guangzhou"),
    Place("tianhe", "guangzhou"),
    Place("yuexiu", "guangzhou"),
    Place("shenzhen", "shenzhen"),
    Place("futian", "shenzhen"),
]


def people(unit: str, count: int, points: int = 50, prefix: str = "") -> list[Participant]:
    return [Participant(f"{prefix or unit}-{i}", unit, points) for i in range(count)]


def test_the_issue_example_rates_and_ranking():
    """Two units of 100 and 50 people, 30 participants each: 30 % and 60 %, B above A."""
    units = [Unit("A", None, "tianhe", 100), Unit("B", None, "futian", 50)]
    report = participation(PLACES, units, people("A", 30) + people("B", 30))
    assert report.units["A"].rate == Fraction(3, 10)
    assert report.units["B"].rate == Fraction(3, 5)
    ranking = rank_units(report.units, Weighting(rate=70, mean=30), max_points=100)
    assert [(r.unit, r.rank) for r in ranking] == [("B", 1), ("A", 2)]
    assert ranking[0].score == Fraction(7, 10) * Fraction(3, 5) + Fraction(3, 10) * Fraction(1, 2)


def test_a_parent_unit_includes_its_children_and_regions_count_each_unit_once():
    units = [
        Unit("bureau", None, "guangzhou", 10),  # a city-level unit: in no district
        Unit("office", "bureau", "tianhe", 20),
        Unit("desk", "office", "yuexiu", 10),
        Unit("school", None, "tianhe", 60),
    ]
    participants = people("bureau", 5) + people("office", 4) + people("desk", 1)
    report = participation(PLACES, units, [*participants, *people("school", 30, points=80)])
    assert report.units["bureau"] == Figures(participants=10, headcount=40, points=500)
    assert report.units["office"] == Figures(participants=5, headcount=30, points=250)
    assert report.units["desk"].rate == Fraction(1, 10)
    assert report.districts == {
        "tianhe": Figures(participants=34, headcount=80, points=2600),
        "yuexiu": Figures(participants=1, headcount=10, points=50),
    }
    assert report.cities == {"guangzhou": Figures(40, 100, 2900)}
    assert report.campaign == Figures(40, 100, 2900)
    assert report.campaign.rate == Fraction(2, 5)
    assert report.campaign.mean_points == Fraction(145, 2)


def test_a_unit_without_headcount_or_participants_has_no_rate_or_mean():
    report = participation(PLACES, [Unit("new", None, "futian", 0)], [])
    assert report.units["new"].rate is None
    assert report.units["new"].mean_points is None
    assert report.cities == {"shenzhen": Figures()}


def test_a_participant_counts_once_and_practice_makes_none():
    rule = AttemptRule("first_of_day")
    histories = {
        "many": [Attempt(day * 86_400_000, 10, 100) for day in range(3)],
        "practised": [Attempt(1, 90, 100, practice=True)] * 4,
        "mixed": [Attempt(1, 90, 100, practice=True), Attempt(2, 20, 100)],
    }
    unit_of = dict.fromkeys(histories, "A")
    participants = stage_participants(rule, unit_of, histories)
    assert participants == [Participant("many", "A", 30), Participant("mixed", "A", 20)]
    report = participation(PLACES, [Unit("A", None, "tianhe", 4)], participants)
    assert report.units["A"].rate == Fraction(1, 2)
    assert stage_participants(AttemptRule("practice"), unit_of, histories) == []


def test_rankings_weigh_count_and_break_ties_deterministically():
    figures = {
        "a": Figures(participants=10, headcount=20, points=500),  # rate 1/2, count 1
        "b": Figures(participants=5, headcount=10, points=250),  # rate 1/2, count 1/2
        "c": Figures(participants=5, headcount=10, points=400),  # rate 1/2, better mean
        "d": Figures(participants=5, headcount=10, points=250),  # all equal to b
    }
    by_rate = rank_units(figures, Weighting(rate=100, mean=0))
    assert [(r.unit, r.rank) for r in by_rate] == [("c", 1), ("a", 2), ("b", 3), ("d", 3)]
    by_count = rank_units(figures, Weighting(rate=50, mean=0, count=50))
    assert by_count[0] == UnitRanking("a", 1, Fraction(3, 4), Fraction(1, 2), 50, 10)
    assert by_count[1].score == Fraction(1, 2)


def test_rates_and_means_are_capped_in_the_ranking_not_in_the_figures():
    figures = {"stale": Figures(30, 10, 30 * 120), "full": Figures(10, 10, 10 * 100)}
    ranking = rank_units(figures, Weighting(rate=70, mean=30), max_points=100)
    assert [r.score for r in ranking] == [1, 1]
    assert [r.unit for r in ranking] == ["stale", "full"]  # tie broken by the raw rate
    assert ranking[0].rate == 3


def test_an_empty_field_ranks_nobody():
    assert rank_units({}, Weighting(count=100, rate=0, mean=0)) == []
    zero = rank_units({"a": Figures(), "b": Figures()}, Weighting(rate=0, mean=0, count=100))
    assert [(r.unit, r.rank, r.score) for r in zero] == [("a", 1, 0), ("b", 1, 0)]


@pytest.mark.parametrize(
    "weights", [(70, 20, 0), (70, 40, -10), (50.0, 50, 0), (True, 99, 0), (0, 0, 0)]
)
def test_weights_must_be_percentages_summing_to_100(weights):
    with pytest.raises(ParticipationError):
        Weighting(*weights)


def test_a_weighted_mean_needs_the_most_points():
    with pytest.raises(ParticipationError):
        rank_units({"a": Figures(1, 1, 1)}, Weighting(rate=70, mean=30))


@pytest.mark.parametrize(
    ("units", "participants"),
    [
        ([Unit("a", None, "tianhe", 1), Unit("a", None, "futian", 1)], []),
        ([Unit("a", None, "nowhere", 1)], []),
        ([Unit("a", None, "tianhe", -1)], []),
        ([Unit("a", "ghost", "tianhe", 1)], []),
        ([Unit("a", "b", "tianhe", 1), Unit("b", "a", "tianhe", 1)], []),
        ([Unit("a", "a", "tianhe", 1)], []),
        ([Unit("a", None, "tianhe", 1)], [Participant("x", "b", 1)]),
        ([Unit("a", None, "tianhe", 9)], [Participant("x", "a", 1), Participant("x", "a", 2)]),
    ],
)
def test_rosters_and_participants_that_cannot_be_counted_are_refused(units, participants):
    with pytest.raises(ParticipationError):
        participation(PLACES, units, participants)


@st.composite
def rosters(draw):
    """A forest of units over the places, and participants spread over them."""
    codes = [f"u{i}" for i in range(draw(st.integers(1, 8)))]
    units = [
        Unit(
            code,
            draw(st.none() | st.sampled_from(codes[:i])) if i else None,
            draw(st.sampled_from(PLACES)).code,
            draw(st.integers(0, 20)),
        )
        for i, code in enumerate(codes)
    ]
    participants = [
        Participant(f"p{i}", draw(st.sampled_from(codes)), draw(st.integers(0, 100)))
        for i in range(draw(st.integers(0, 40)))
    ]
    return units, participants


@given(rosters())
def test_every_total_adds_up(roster):
    units, participants = roster
    report = participation(PLACES, units, participants)
    tops = sum((report.units[u.code] for u in units if u.parent is None), Figures())
    assert tops == report.campaign == sum(report.cities.values(), Figures())
    assert report.campaign.participants == len(participants)
    assert report.campaign.headcount == sum(u.headcount for u in units)
    in_districts = sum(report.districts.values(), Figures())
    city_level = [u for u in units if u.place in ("guangzhou", "shenzhen")]
    assert in_districts.headcount == report.campaign.headcount - sum(
        u.headcount for u in city_level
    )
