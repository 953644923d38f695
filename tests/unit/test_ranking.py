from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.ranking import (
    POINTS_LIMIT,
    TIME_LIMIT_MS,
    RankingError,
    ScoreOutOfRangeError,
    Standing,
    decode_score,
    encode_score,
    rank_standings,
)
from tests.oracles.ranking import (
    TeamStanding,
    percentile_of,
    rank_of,
    score_delta,
    team_standings,
)

points_st = st.integers(0, POINTS_LIMIT - 1)
time_st = st.integers(0, TIME_LIMIT_MS)


def test_encoding_examples():
    assert encode_score(0, 0) == 0
    assert encode_score(3, 1500) == 3 * 2**21 - 1500
    assert encode_score(0, 1500) == -1500
    assert encode_score(7, 10**9) == 7 * 2**21 - (2**21 - 1)  # time clamped
    assert encode_score(POINTS_LIMIT - 1, 0) < 2**53


@pytest.mark.parametrize(("points", "total_ms"), [(-1, 0), (POINTS_LIMIT, 0), (5, -1)])
def test_encoding_refuses_what_it_cannot_hold(points, total_ms):
    with pytest.raises(ScoreOutOfRangeError):
        encode_score(points, total_ms)


@pytest.mark.parametrize(
    "score", [0.5, -(2**21), (POINTS_LIMIT - 1) * 2**21 + 1, float(2**53), float("inf")]
)
def test_decoding_refuses_what_no_encoding_gives(score):
    with pytest.raises(ScoreOutOfRangeError):
        decode_score(score)


@pytest.mark.parametrize(
    ("points", "total_ms"),
    [(0, 0), (0, 1), (0, TIME_LIMIT_MS), (1, 0), (1, TIME_LIMIT_MS), (POINTS_LIMIT - 1, 0)],
)
def test_decoding_the_edges(points, total_ms):
    score = encode_score(points, total_ms)
    assert decode_score(score) == (points, total_ms)
    assert decode_score(float(score)) == (points, total_ms)


@given(points_st, time_st)
def test_decode_inverts_encode_also_through_a_double(points, total_ms):
    score = encode_score(points, total_ms)
    assert float(score) == score  # exact in the double Redis stores
    assert decode_score(float(score)) == (points, total_ms)


@given(points_st, time_st, points_st, time_st)
def test_encoding_keeps_the_leaderboard_order(p1, t1, p2, t2):
    ahead = p1 > p2 or (p1 == p2 and t1 < t2)
    assert ahead == (encode_score(p1, t1) > encode_score(p2, t2))
    assert ((p1, t1) == (p2, t2)) == (encode_score(p1, t1) == encode_score(p2, t2))


@given(
    st.integers(0, 10**6),
    st.integers(0, 3 * 10**6),
    st.lists(st.tuples(st.integers(-500, 2000), st.integers(0, 60_000)), max_size=40),
)
def test_summed_deltas_equal_the_encoded_total(points, total_ms, answers):
    score = encode_score(points, total_ms)
    for gained, response_ms in answers:
        gained = max(gained, -points)  # scoring never drives a total below 0
        score += score_delta(gained, response_ms, points_before=points, total_ms_before=total_ms)
        points, total_ms = points + gained, total_ms + response_ms
        assert decode_score(float(score)) == (points, min(total_ms, TIME_LIMIT_MS))


def test_delta_of_one_answer():
    assert score_delta(750, 3200, points_before=0, total_ms_before=0) == 750 * 2**21 - 3200
    near_limit = TIME_LIMIT_MS - 100
    assert score_delta(10, 3200, points_before=5, total_ms_before=near_limit) == 10 * 2**21 - 100
    with pytest.raises(ScoreOutOfRangeError):
        score_delta(1, 0, points_before=POINTS_LIMIT - 1, total_ms_before=0)


def test_competition_ranking_with_ties():
    standings = rank_standings(
        [
            ("dora", 900, 5000),
            ("bo", 1000, 4000),
            ("cai", 900, 5000),
            ("al", 900, 6000),
            ("eve", 900, 5000),
            ("fu", 0, 0),
        ]
    )
    assert standings == [
        Standing("bo", 1000, 4000, 1),
        Standing("cai", 900, 5000, 2),
        Standing("dora", 900, 5000, 2),
        Standing("eve", 900, 5000, 2),
        Standing("al", 900, 6000, 5),
        Standing("fu", 0, 0, 6),
    ]


def test_time_beyond_the_limit_no_longer_breaks_ties():
    standings = rank_standings([("a", 5, 3_000_000), ("b", 5, 2_500_000)])
    assert [(s.contestant, s.total_ms, s.rank) for s in standings] == [
        ("a", TIME_LIMIT_MS, 1),
        ("b", TIME_LIMIT_MS, 1),
    ]


def test_a_contestant_is_ranked_once():
    with pytest.raises(RankingError, match="twice"):
        rank_standings([("a", 1, 1), ("a", 2, 2)])


entries_st = st.lists(
    st.tuples(st.text(min_size=1, max_size=4), st.integers(0, 5), st.integers(0, 4)),
    unique_by=lambda e: e[0],
    max_size=30,
)


@given(entries_st)
def test_oracle_agrees_with_sorting_and_ranks_competitively(entries):
    standings = rank_standings(entries)
    assert [(s.contestant, s.points, s.total_ms) for s in standings] == sorted(
        entries, key=lambda e: (-e[1], e[2], e[0])
    )
    scores = [encode_score(p, t) for _, p, t in entries]
    for s in standings:
        better = sum(1 for _, p, t in entries if p > s.points or (p == s.points and t < s.total_ms))
        assert s.rank == better + 1 == rank_of(encode_score(s.points, s.total_ms), scores)


def test_rank_of_and_percentile():
    scores = [50, 40, 40, 10]
    assert [rank_of(s, scores) for s in scores] == [1, 2, 2, 4]
    assert rank_of(45, scores) == 2  # a score not on the board: where it would stand
    assert [percentile_of(s, scores) for s in scores] == [75.0, 25.0, 25.0, 0.0]
    assert percentile_of(7, [7]) == 0.0
    with pytest.raises(RankingError):
        percentile_of(7, [])


MEMBERS = [
    ("red", "a", 900, 4000),
    ("red", "b", 300, 2000),
    ("blue", "c", 600, 3000),
    ("blue", "d", 600, 3000),
    ("green", "e", 1000, 1000),
    ("green", "f", 200, 5000),
    ("green", "g", 0, 0),
]


def test_team_mean_with_exact_fractions():
    assert team_standings(MEMBERS) == [
        TeamStanding("blue", Fraction(600), Fraction(3000), members=2, rank=1),
        TeamStanding("red", Fraction(600), Fraction(3000), members=2, rank=1),
        TeamStanding("green", Fraction(400), Fraction(2000), members=3, rank=3),
    ]


def test_team_mean_breaks_ties_by_mean_time_exactly():
    teams = [
        ("x", "a", 1, 1),
        ("x", "b", 1, 1),
        ("x", "c", 1, 2),
        ("y", "d", 1, 4),
        ("y", "e", 1, 0),
    ]
    standings = team_standings(teams)
    assert [(t.team, t.total_ms, t.rank) for t in standings] == [
        ("x", Fraction(4, 3), 1),
        ("y", Fraction(2), 2),
    ]


def test_team_best_k():
    assert team_standings(MEMBERS, method="best_k", k=2) == [
        TeamStanding("blue", Fraction(1200), Fraction(6000), members=2, rank=1),
        TeamStanding("green", Fraction(1200), Fraction(6000), members=3, rank=1),
        TeamStanding("red", Fraction(1200), Fraction(6000), members=2, rank=1),
    ]
    top_one = team_standings(MEMBERS, method="best_k", k=1)
    assert [(t.team, t.points, t.rank) for t in top_one] == [
        ("green", 1000, 1),
        ("red", 900, 2),
        ("blue", 600, 3),
    ]


@pytest.mark.parametrize(
    ("method", "k"), [("best_k", None), ("best_k", 0), ("mean", 2), ("median", None)]
)
def test_team_method_needs_a_sensible_k(method, k):
    with pytest.raises(RankingError):
        team_standings(MEMBERS, method=method, k=k)


def test_a_contestant_plays_for_one_team():
    with pytest.raises(RankingError, match="twice"):
        team_standings([("red", "a", 1, 1), ("blue", "a", 1, 1)])


@given(
    st.lists(
        st.tuples(st.sampled_from("rgb"), st.integers(0, 3), st.integers(0, 3)),
        min_size=1,
        max_size=20,
    )
)
def test_team_mean_ranks_by_exact_means(rows):
    members = [(team, str(i), p, t) for i, (team, p, t) in enumerate(rows)]
    standings = team_standings(members)
    for s in standings:
        mine = [(p, t) for team, _, p, t in members if team == s.team]
        assert s.points == Fraction(sum(p for p, _ in mine), len(mine))
        assert s.total_ms == Fraction(sum(t for _, t in mine), len(mine))
        better = [o for o in standings if (-o.points, o.total_ms) < (-s.points, s.total_ms)]
        assert s.rank == len(better) + 1
