"""Leaderboards against the ranking oracle: Redis (on every configured Redis, 1 and 4
shards) and the in-memory fake.

Each hypothesis example works under a fresh sub-prefix, so examples never see each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import partial

import pytest
import redis as redis_py
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.adapters.redis.connection import RedisConnection
from engine.adapters.redis.keys import shard_tag
from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.domain.ranking import (
    POINTS_LIMIT,
    TIME_LIMIT_MS,
    ScoreOutOfRangeError,
    encode_score,
    rank_standings,
)
from engine.domain.regions import GUANGDONG, region_codes
from engine.domain.standings import (
    AnswersRejectedError,
    BoardEntry,
    FreezeError,
    InvalidProfileError,
    LeaderboardError,
    Profile,
    UnknownContestantError,
    UnknownScopeError,
    parse_scope,
    scopes_of,
)
from engine.ports import Leaderboard
from tests.conftest import REDIS_BACKENDS, prefixed, redis_client
from tests.fakes.leaderboard import InMemoryLeaderboard
from tests.oracles.ranking import percentile_of, score_delta

Factory = Callable[[], Leaderboard]
examples = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(
    params=[*((b, n) for b in REDIS_BACKENDS for n in (1, 4)), ("memory", 0)],
    ids=lambda p: f"{p[0]}-{p[1]}-shards" if p[1] else "fake",
)
def boards(
    request: pytest.FixtureRequest,
    redis_servers: dict[str, redis_py.Redis],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Factory]:
    """A maker of leaderboards: Redis ones, each under its own sub-prefix of the test's
    prefix, with 1 and 4 shards on every configured Redis; and the in-memory fake."""
    backend, shards = request.param
    if backend == "memory":
        yield InMemoryLeaderboard
        return
    client = redis_client(redis_servers, backend, tmp_path_factory)
    for connection, prefix in prefixed(client, backend):
        yield partial(redis_board, connection, prefix, shards)


def redis_board(connection: RedisConnection, prefix: str, shards: int) -> RedisLeaderboard:
    return RedisLeaderboard(connection.client, f"{prefix}:{uuid.uuid4().hex[:8]}", shards=shards)


# --- the oracle ----------------------------------------------------------------------------


def totals_after(
    profiles: dict[str, Profile], answers: list[tuple[str, int, int]]
) -> dict[str, tuple[int, int]]:
    """(points, total_ms) per contestant, by the pure rule, answer by answer."""
    totals = dict.fromkeys(profiles, (0, 0))
    for contestant, points, response_ms in answers:
        before = totals[contestant]
        score = encode_score(*before) + score_delta(
            points, response_ms, points_before=before[0], total_ms_before=before[1]
        )
        totals[contestant] = (before[0] + points, min(before[1] + response_ms, TIME_LIMIT_MS))
        assert encode_score(*totals[contestant]) == score
    return totals


def expected_board(
    totals: dict[str, tuple[int, int]], profiles: dict[str, Profile], scope: str
) -> list[BoardEntry]:
    """The oracle's ranks, in the board's display order (ties by id bytes, descending)."""
    members = [c for c in totals if parse_scope(scope) in scopes_of(profiles[c])]
    standings = rank_standings((c, *totals[c]) for c in members)
    standings.sort(key=lambda s: (encode_score(s.points, s.total_ms), s.contestant.encode()))
    standings.reverse()
    return [
        BoardEntry(s.contestant, s.rank, s.points, s.total_ms, **asdict(profiles[s.contestant]))
        for s in standings
    ]


def every_scope(profiles: dict[str, Profile]) -> list[str]:
    return sorted({str(scope) for p in profiles.values() for scope in scopes_of(p)})


def assert_board_matches(
    board: Leaderboard,
    round_id: int,
    totals: dict[str, tuple[int, int]],
    profiles: dict[str, Profile],
    view: str = "public",
) -> None:
    for scope in every_scope(profiles):
        expected = expected_board(totals, profiles, scope)
        assert board.count(round_id, scope, view=view) == len(expected)
        assert board.top(round_id, scope, 0, 1000, view=view) == expected
        assert board.top(round_id, scope, 2, 3, view=view) == expected[2:5]
        scores = [encode_score(e.points, e.total_ms) for e in expected]
        for i, mine in enumerate(expected):
            standing = board.standing(round_id, mine.contestant, scope, around=2, view=view)
            assert standing is not None
            assert (standing.rank, standing.points, standing.total_ms) == (
                mine.rank,
                mine.points,
                mine.total_ms,
            )
            assert standing.count == len(expected)
            assert standing.percentile == pytest.approx(percentile_of(scores[i], scores))
            assert standing.above == tuple(expected[max(0, i - 2) : i])
            assert standing.below == tuple(expected[i + 1 : i + 3])


# --- strategies: few distinct scores, so ties are common -----------------------------------

contestant_ids = st.text("abAB01é", min_size=1, max_size=3)
profiles_st = st.dictionaries(
    contestant_ids,
    st.builds(
        Profile,
        nickname=st.text("昵称ab", min_size=1, max_size=4),
        region=st.sampled_from([None, "guangzhou", "shenzhen", "foshan"]),
        team=st.sampled_from([None, "red", "blue"]),
    ),
    min_size=1,
    max_size=14,
)


@st.composite
def rounds(draw: st.DrawFn) -> tuple[dict[str, Profile], list[tuple[str, int, int]]]:
    profiles = draw(profiles_st)
    answers = draw(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(profiles)),
                st.sampled_from([0, 100, 200]),
                st.sampled_from([0, 500, 1000]),
            ),
            max_size=40,
        )
    )
    return profiles, answers


# --- properties ----------------------------------------------------------------------------


@examples
@given(rounds())
def test_every_scope_ranks_as_the_oracle_does(
    boards: Factory, round_: tuple[dict[str, Profile], list[tuple[str, int, int]]]
) -> None:
    profiles, answers = round_
    board = boards()
    board.register_many(7, profiles)
    half = len(answers) // 2
    totals = board.add_many(7, answers[:half])
    totals += [board.add(7, *answer) for answer in answers[half:]]
    oracle = totals_after(profiles, answers)
    assert totals == _running(profiles, answers)
    assert_board_matches(board, 7, oracle, profiles)
    assert_board_matches(board, 7, oracle, profiles, view="live")


def _running(
    profiles: dict[str, Profile], answers: list[tuple[str, int, int]]
) -> list[tuple[int, int]]:
    """The contestant's totals after each answer, by the oracle."""
    return [totals_after(profiles, answers[: i + 1])[c] for i, (c, _, _) in enumerate(answers)]


@examples
@given(
    st.lists(
        st.tuples(
            st.integers(-(2**33), 2**33),
            st.integers(0, 2 * TIME_LIMIT_MS),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_the_lua_delta_is_the_pure_delta_and_refuses_what_it_refuses(
    boards: Factory, answers: list[tuple[int, int]]
) -> None:
    """Round and competition boards clamp and refuse exactly as score_delta does."""
    board = boards()
    board.register(1, "c", "C", competition_id=5)
    board.register(2, "c", "C", competition_id=5)
    before = {1: (0, 0), 2: (0, 0), "competition": (0, 0)}
    for i, (points, response_ms) in enumerate(answers):
        round_id = 1 + i % 2
        try:
            for state in (before[round_id], before["competition"]):
                score_delta(points, response_ms, points_before=state[0], total_ms_before=state[1])
        except ScoreOutOfRangeError:
            with pytest.raises(ScoreOutOfRangeError):
                board.add(round_id, "c", points, response_ms, competition_id=5)
        else:
            after = board.add(round_id, "c", points, response_ms, competition_id=5)
            for key in (round_id, "competition"):
                points_before, ms_before = before[key]
                before[key] = (points_before + points, min(ms_before + response_ms, TIME_LIMIT_MS))
            assert after == before[round_id]
        standing = board.competition_standing(5, "c")
        assert standing is not None
        assert (standing.points, standing.total_ms) == before["competition"]
        for round_id in (1, 2):
            mine = board.standing(round_id, "c", view="live")
            assert mine is not None
            assert (mine.points, mine.total_ms) == before[round_id]


@examples
@given(rounds(), st.data())
def test_a_frozen_board_shows_the_moment_of_the_freeze_until_it_thaws(
    boards: Factory,
    round_: tuple[dict[str, Profile], list[tuple[str, int, int]]],
    data: st.DataObject,
) -> None:
    profiles, answers = round_
    cut = data.draw(st.integers(0, len(answers)))
    late = data.draw(
        st.dictionaries(
            st.text("xyz", min_size=4, max_size=4),
            profiles_st.map(lambda p: next(iter(p.values()))),
            max_size=3,
        )
    )
    board = boards()
    board.plan_freeze(3)
    board.register_many(3, profiles)
    board.add_many(3, answers[:cut])
    board.freeze(3, at_ms=1_000)
    board.add_many(3, answers[cut:])
    board.register_many(3, late)
    everyone = {**profiles, **late}

    assert board.frozen(3) == (True, 1_000)
    assert_board_matches(board, 3, totals_after(profiles, answers[:cut]), profiles)
    assert_board_matches(board, 3, totals_after(everyone, answers), everyone, view="live")
    for contestant in late:
        assert board.standing(3, contestant) is None

    board.thaw(3)
    assert board.frozen(3) == (False, None)
    assert_board_matches(board, 3, totals_after(everyone, answers), everyone)
    with pytest.raises(FreezeError):
        board.freeze(3)


def test_held_public_boards_show_everyone_at_0_whatever_is_answered(boards: Factory) -> None:
    """Held boards (a live round's, moved only by publishing a closed question) take
    registrations on both views and answers on the live ones only; a held board can
    freeze, and thaws to the live board."""
    board = boards()
    board.hold(5)
    profiles = {"a": Profile("Ann", "foshan"), "b": Profile("Ben", "foshan"), "c": Profile("Cai")}
    board.register_many(5, profiles)
    board.add_many(5, [("a", 1000, 900), ("c", 500, 2000)])

    assert_board_matches(board, 5, totals_after(profiles, []), profiles)
    live = totals_after(profiles, [("a", 1000, 900), ("c", 500, 2000)])
    assert_board_matches(board, 5, live, profiles, view="live")
    standing = board.standing(5, "a")
    assert standing is not None
    assert (standing.rank, standing.points) == (1, 0)
    board.hold(5)  # again: nothing changes
    board.freeze(5, at_ms=2_000)
    assert board.frozen(5) == (True, 2_000)
    assert_board_matches(board, 5, totals_after(profiles, []), profiles)
    board.thaw(5)
    assert_board_matches(board, 5, live, profiles)
    board.hold(5)  # a thawed board stays thawed
    assert_board_matches(board, 5, live, profiles)


@examples
@given(rounds(), rounds())
def test_a_rebuild_from_the_record_gives_identical_boards(
    boards: Factory,
    round_: tuple[dict[str, Profile], list[tuple[str, int, int]]],
    stale: tuple[dict[str, Profile], list[tuple[str, int, int]]],
) -> None:
    profiles, answers = round_
    board = boards()
    board.register_many(4, profiles)
    board.add_many(4, answers)
    scopes = every_scope(profiles)
    live = {s: board.top(4, s, 0, 1000) for s in scopes}
    standings = {(s, c): board.standing(4, c, s, around=3) for s in scopes for c in profiles}

    board.rebuild(4, answers, profiles)
    assert {s: board.top(4, s, 0, 1000) for s in scopes} == live
    assert {(s, c): board.standing(4, c, s, around=3) for s in scopes for c in profiles} == (
        standings
    )

    # A board rebuilt from another record keeps nothing of the first: no stale scope, no freeze.
    board.plan_freeze(4)
    board.freeze(4)
    other_profiles, other_answers = stale
    board.rebuild(4, other_answers, other_profiles)
    assert board.frozen(4) == (False, None)
    for scope in set(scopes) - set(every_scope(other_profiles)):
        assert board.count(4, scope, view="live") == 0
    assert_board_matches(
        board, 4, totals_after(other_profiles, other_answers), other_profiles, view="live"
    )


# --- examples ------------------------------------------------------------------------------


def test_competition_board_sums_rounds_with_the_time_clamp_over_the_sum(boards: Factory) -> None:
    board = boards()
    for round_id in (1, 2):
        board.register(round_id, "ann", "Ann", "zhuhai", competition_id=9)
        board.register(round_id, "bob", "Bob", "zhuhai", "red", competition_id=9)
    board.add(1, "ann", 100, TIME_LIMIT_MS - 10, competition_id=9)
    board.add(2, "ann", 100, 500, competition_id=9)
    board.add(1, "bob", 200, 100, competition_id=9)
    board.add(2, "bob", 0, 100, competition_id=9)
    top = board.competition_top(9)
    assert [(e.contestant, e.rank, e.points, e.total_ms, e.nickname) for e in top] == [
        ("bob", 1, 200, 200, "Bob"),
        ("ann", 2, 200, TIME_LIMIT_MS, "Ann"),
    ]
    assert board.competition_count(9) == 2
    standing = board.competition_standing(9, "ann", around=1)
    assert standing is not None
    assert (standing.rank, standing.percentile, [e.contestant for e in standing.above]) == (
        2,
        0.0,
        ["bob"],
    )


def test_many_equal_scores_share_one_rank_across_shards(boards: Factory) -> None:
    board = boards()
    crowd = {f"c{i:03}": Profile(f"n{i}", "meizhou") for i in range(300)}
    board.register_many(1, crowd)
    board.add_many(1, [(c, 100, 700) for c in crowd if c != "c150"])
    top = board.top(1, "region:meizhou", 295, 10)
    assert [(e.rank, e.points) for e in top] == [(1, 100)] * 4 + [(300, 0)]
    me = board.standing(1, "c150", "region:meizhou", around=3)
    assert me is not None
    assert (me.rank, me.count, me.percentile) == (300, 300, 0.0)
    assert [e.rank for e in me.above] == [1, 1, 1]
    assert me.below == ()
    first = board.standing(1, "c299", around=2)
    assert first is not None
    assert (first.rank, first.percentile, first.above) == (1, pytest.approx(100 / 300), ())
    assert [e.contestant for e in first.below] == ["c298", "c297"]


def test_a_contestants_keys_share_one_cluster_slot(boards: Factory) -> None:
    """A round shard's keys carry one hash tag (shard 0 the round's own), a competition
    shard's another: each board script's keys stay in one Redis Cluster slot."""
    board = boards()
    if not isinstance(board, RedisLeaderboard):
        pytest.skip("Redis keys")
    board.register(1, "ann", "Ann", "zhuhai", "red", competition_id=2)
    board.add(1, "ann", 5, 5, competition_id=2)
    client = board._redis
    keys = [k.decode() for k in client.scan_iter(match=f"{board._prefix}:*", count=1000)]
    by_tag: dict[str, int] = {}
    for key in keys:
        tag = key[key.index("{") : key.index("}") + 1]
        by_tag[tag] = by_tag.get(tag, 0) + 1
    shard = board.shard_of("ann")
    # all, region and team boards, profiles, scopes; competition board and profiles
    assert by_tag == {shard_tag("r", "1", shard): 5, shard_tag("c", "2", shard): 2}


def test_snapshots_are_rebuilt_at_most_every_500_ms_with_a_content_etag(boards: Factory) -> None:
    board = boards()
    board.register(1, "ann", "Ann", "zhuhai")
    first = board.snapshot(1, now_ms=10_000, top_n=5)
    assert first["top"][0]["contestant"] == "ann"
    assert (first["count"], first["version"], first["built_at"]) == (1, 1, 10_000)
    board.add(1, "ann", 100, 800)
    assert board.snapshot(1, now_ms=10_499, top_n=5) == first
    second = board.snapshot(1, now_ms=10_500, top_n=5)
    assert second["top"][0]["points"] == 100
    assert (second["version"], second["built_at"]) == (2, 10_500)
    assert second["etag"] != first["etag"]
    third = board.snapshot(1, now_ms=11_100, top_n=5)  # nothing changed: same etag, version
    assert (third["etag"], third["version"], third["built_at"]) == (second["etag"], 2, 11_100)


def test_bad_input_is_refused_by_name_and_writes_nothing(boards: Factory) -> None:
    board = boards()
    board.register(1, "ann", "Ann", "zhuhai", "red")
    board.add(1, "ann", 100, 500)
    for scope in ("everyone", "region:", "region:Zhuhai", "team:", "all:x", "team:a b"):
        with pytest.raises(UnknownScopeError):
            board.top(1, scope)
    with pytest.raises(ScoreOutOfRangeError):
        board.add(1, "ann", -101, 0)  # a penalty may not take the total below zero
    with pytest.raises(ScoreOutOfRangeError):
        board.add(1, "ann", POINTS_LIMIT, 0)
    with pytest.raises(ScoreOutOfRangeError):
        board.add(1, "ann", 5, -1)
    with pytest.raises(ScoreOutOfRangeError):
        board.add_many(1, [("ann", 5, 5), ("ann", 1.5, 5)])  # type: ignore[list-item]
    with pytest.raises(UnknownContestantError):
        board.add(1, "bob", 5, 5)
    with pytest.raises(InvalidProfileError):
        board.register(1, "bob", "Bob", "beijing", regions=region_codes(GUANGDONG))
    with pytest.raises(InvalidProfileError):
        board.register(1, "ann", "Ann", "zhuhai", "blue")  # a team is for the whole round
    with pytest.raises(LeaderboardError):
        board.top(1, "all", 0, 0)
    with pytest.raises(FreezeError):
        board.freeze(1)  # no freeze was planned
    assert board.frozen(1) == (False, None)
    assert board.count(1, view="live") == 1
    assert board.count(1, "team:blue", view="live") == 0
    mine = board.standing(1, "ann", "team:red", view="live")
    assert mine is not None
    assert (mine.points, mine.total_ms) == (100, 500)

    with pytest.raises(AnswersRejectedError) as refused:
        board.add_many(1, [("ann", 1, 1), ("bob", 1, 1), ("ann", -500, 0), ("ann", 1, 1)])
    assert [(i, reason) for i, _, reason in refused.value.rejected] == [
        (1, "unknown_contestant"),
        (2, "out_of_range"),
    ]
    mine = board.standing(1, "ann", view="live")
    assert mine is not None
    assert (mine.points, mine.total_ms) == (102, 502)


def test_the_default_regions_are_guangdongs_21_cities() -> None:
    assert len(GUANGDONG) == 21
    assert len(region_codes()) == 21
    assert {r.code: r.name["zh-Hans"] for r in GUANGDONG}["shenzhen"] == "深圳"
