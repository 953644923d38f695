"""The live store's contract: ``RedisLiveStore`` on every configured Redis, and the
in-memory fake (tests/fakes/live.py) the service tests run on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis as redis_py

from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.adapters.redis.live import RedisLiveStore
from engine.domain.log import Answered, Joined, Left, Voided
from engine.domain.ranking import encode_score
from engine.domain.rounds import LiveRound, LiveStatus
from engine.ports import NO_PROGRESS, Leaderboard, LiveStore, Progress
from tests.conftest import REDIS_BACKENDS, prefixed, redis_client
from tests.fakes.leaderboard import InMemoryLeaderboard
from tests.fakes.live import InMemoryLiveStore

LOG = Joined(7, "Ann", None, None, 0, None, None)


@pytest.fixture(params=[*REDIS_BACKENDS, "memory"])
def stores(
    request: pytest.FixtureRequest,
    redis_servers: dict[str, redis_py.Redis],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveStore, Leaderboard]]:
    if request.param == "memory":
        boards = InMemoryLeaderboard()
        yield InMemoryLiveStore(boards), boards
        return
    client = redis_client(redis_servers, request.param, tmp_path_factory)
    for connection, prefix in prefixed(client, request.param):
        redis_boards = RedisLeaderboard(connection.client, prefix)
        yield RedisLiveStore(connection.client, prefix, redis_boards), redis_boards


def test_the_state_is_saved_only_over_the_state_read(stores: tuple[LiveStore, Any]) -> None:
    store, _ = stores
    lobby = LiveRound((10, 20))
    assert store.load(7) is None
    store.create(7, lobby)
    assert store.load(7) == lobby
    started = LiveRound((10, 20), LiveStatus.QUESTION_OPEN, 0, 1_000, 11_000, seq=2)
    assert store.save(7, lobby, started, Voided(7, 0, 0))
    assert store.load(7) == started
    assert not store.save(7, lobby, LiveRound((10, 20), seq=9))
    assert store.load(7) == started


def test_schedules_say_which_rounds_need_attention(stores: tuple[LiveStore, Any]) -> None:
    store, _ = stores
    running = LiveRound((10,), LiveStatus.QUESTION_OPEN, 0, 0, 10_000, seq=1)
    store.schedule(1, running, 12_000)
    store.schedule(2, LiveRound((10,), seq=3), None)
    assert (store.due(11_999), store.due(12_000)) == ([], [1])
    assert store.running() == [1, 2]
    store.schedule(1, LiveRound((10,), LiveStatus.FINISHED, seq=4), None)
    assert (store.due(10**12), store.running()) == ([], [2])
    store.schedule_window(3, 50_000)
    assert store.window_tracked(3)
    assert (store.windows_due(49_999), store.windows_due(50_000)) == ([], [3])
    store.schedule_window(3, None)
    assert not store.window_tracked(3)
    assert store.claim("close:1:4", 1_000)
    assert not store.claim("close:1:4", 1_000)


def test_a_join_holds_its_unique_keys(stores: tuple[LiveStore, Any]) -> None:
    store, _ = stores
    ann = store.join(7, ["nick:ann", "id:1"], {"nickname": "Ann", "region": None}, LOG)
    assert ann[1] == "created"
    assert store.join(7, ["nick:ann2", "id:1"], {"nickname": "Ann2"}, LOG) == (ann[0], "taken")
    bob = store.join(7, ["nick:bob"], {"nickname": "Bob"}, LOG)
    assert bob[1] == "created"
    assert bob[0] != ann[0]
    assert store.profile(7, ann[0]) == {"nickname": "Ann", "region": None}
    assert store.profile(7, "nobody") is None
    assert store.contestant_count(7) == 2
    assert store.contestants(7) == {
        ann[0]: {"nickname": "Ann", "region": None},
        bob[0]: {"nickname": "Bob"},
    }
    assert not store.is_kicked(7, ann[0])
    assert store.banned(7) == {}


def test_a_contestant_leaves_the_lobby_but_not_a_started_round(
    stores: tuple[LiveStore, Any],
) -> None:
    store, boards = stores
    store.create(7, LiveRound((10, 20)))
    ann, _ = store.join(7, ["nick:ann", "id:1"], {"nickname": "Ann"}, LOG)
    bob, _ = store.join(7, ["nick:bob"], {"nickname": "Bob"}, LOG)
    for contestant, name in ((ann, "Ann"), (bob, "Bob")):
        boards.register(7, contestant, name, "guangzhou")
    assert store.leave(7, ann, Left(7, ann, 5)) == "left"
    assert store.leave(7, ann, Left(7, ann, 6)) == "gone"
    assert (store.profile(7, ann), store.contestant_count(7)) == (None, 1)
    assert [e.contestant for e in boards.top(7, view="live")] == [bob]
    assert [e.contestant for e in boards.top(7, "region:guangzhou", view="live")] == [bob]
    # Its keys are free again, and the new entry is someone new.
    carol = store.join(7, ["nick:ann", "id:1"], {"nickname": "ann"}, LOG)
    assert carol[1] == "created"
    assert carol[0] not in (ann, bob)
    store.save(7, LiveRound((10, 20)), LiveRound((10, 20), LiveStatus.QUESTION_OPEN, 0, 0, 1))
    assert store.leave(7, bob, Left(7, bob, 7)) == "kept"
    assert store.profile(7, bob) == {"nickname": "Bob"}
    assert store.contestant_count(7) == 2


def test_an_attempt_is_created_once_and_saved_over_the_one_read(
    stores: tuple[LiveStore, Any],
) -> None:
    store, _ = stores
    store.create_attempt(7, "1", "first")
    store.create_attempt(7, "1", "second")  # a retried join keeps the first
    assert store.attempt(7, "1") == "first"
    assert store.attempt(7, "2") is None
    assert store.save_attempt(7, "1", "first", "moved")
    assert not store.save_attempt(7, "1", "first", "again")
    assert store.attempt(7, "1") == "moved"


def answer(
    store: LiveStore, contestant: str, index: int, competition_id: int | None = None, **given: Any
) -> Any:
    fields: dict[str, Any] = {
        "seq": None,
        "expected_progress": NO_PROGRESS,
        "new_progress": (1, index),
        "expected_score": None,
        "points": 100,
        "response_ms": 700,
        "result": {"correct": True, "points": 100},
        "options": ["a"],
        "log": Answered(7, contestant, index, f"q{index}", "a", True, 1.0, 100, 700, 0),
    }
    return store.record_answer(7, competition_id, contestant, index, **{**fields, **given})


def test_a_self_paced_answer_counts_once_from_the_progress_it_was_scored_from(
    stores: tuple[LiveStore, Any],
) -> None:
    store, boards = stores
    boards.register(7, "1", "Ann")
    boards.register(7, "2", "Bob")
    store.schedule_window(7, 10**13)
    accepted = answer(store, "1", 0)
    assert (accepted.status, accepted.result, accepted.progress) == (
        "accepted",
        {"correct": True, "points": 100},
        (1, 0),
    )
    assert accepted.score == encode_score(100, 700)
    assert answer(store, "1", 0, points=5).status == "duplicate"
    assert answer(store, "1", 0).result == {"correct": True, "points": 100}
    stale = answer(store, "1", 1)  # scored as if nothing had been answered
    assert (stale.status, stale.progress, stale.score) == ("retry", (1, 0), encode_score(100, 700))
    second = answer(store, "1", 1, expected_progress=(1, 0), expected_score=stale.score)
    assert second.status == "accepted"
    assert answer(store, "3", 0).reason == "unknown_contestant"
    answer(store, "2", 0, options=["a", "b"])

    assert store.progress(7, "1") == ((1, 1), encode_score(200, 1400))
    assert store.progress(7, "4") == (NO_PROGRESS, None)
    assert store.answer_count(7, 0) == 2
    assert set(store.answers(7, 0)) == {"1", "2"}
    assert store.answer_of(7, 1, "2") is None
    assert store.option_counts(7, 0) == {"a": 2, "b": 1}
    reading = store.selfpaced_reading(7, "1", 1)
    assert (reading.running, reading.progress, reading.banned) == (True, (1, 1), False)
    assert (reading.score, reading.first) == (encode_score(200, 1400), second.result)
    assert store.selfpaced_reading(7, "2").score == encode_score(100, 700)
    assert store.selfpaced_reading(7, "4").score is None
    assert store.appended >= 5


def test_an_attempt_moves_only_as_known_while_the_round_runs(
    stores: tuple[LiveStore, Any],
) -> None:
    store, _ = stores
    store.create_attempt(7, "1", "first")
    assert store.move_attempt(7, "1", ("first", NO_PROGRESS), "delivered") == "finished"
    store.schedule_window(7, 10**13)
    assert store.move_attempt(7, "1", ("other", NO_PROGRESS), "delivered") == "moved"
    assert store.move_attempt(7, "1", ("first", (1, 0)), "delivered") == "moved"
    assert store.attempt(7, "1") == "first"
    assert store.move_attempt(7, "1", ("first", NO_PROGRESS), "delivered") == "saved"
    assert store.attempt(7, "1") == "delivered"
    store.ban(7, "1")
    assert store.move_attempt(7, "1", ("delivered", NO_PROGRESS), "next") == "banned"
    assert store.attempt(7, "1") == "delivered"


def test_a_self_paced_answer_is_checked_against_the_attempt_it_was_judged_from(
    stores: tuple[LiveStore, Any],
) -> None:
    store, boards = stores
    boards.register(7, "1", "Ann")
    store.create_attempt(7, "1", "delivered")
    assert answer(store, "1", 0, attempt=("delivered", "next")).reason == "already_finished"
    store.schedule_window(7, 10**13)
    assert answer(store, "1", 0, attempt=("elsewhere", "next")).status == "stale"
    assert (store.answer_count(7, 0), store.attempt(7, "1")) == (0, "delivered")
    accepted = answer(store, "1", 0, attempt=("delivered", "next"))
    assert (accepted.status, store.attempt(7, "1")) == ("accepted", "next")
    # A retry gets the first result whatever it knew, also once the round has finished.
    assert answer(store, "1", 0, attempt=("elsewhere", "again")).status == "duplicate"
    store.schedule_window(7, None)
    assert answer(store, "1", 0, attempt=("next", "again")).status == "duplicate"
    after_end = answer(
        store,
        "1",
        1,
        expected_progress=(1, 0),
        expected_score=accepted.score,
        attempt=("next", "again"),
    )
    assert (after_end.reason, store.attempt(7, "1"), store.answer_count(7, 1)) == (
        "already_finished",
        "next",
        0,
    )


def test_a_live_answer_judged_at_an_old_seq_is_stale(stores: tuple[LiveStore, Any]) -> None:
    store, boards = stores
    boards.register(7, "1", "Ann")
    store.create(7, LiveRound((10,), LiveStatus.QUESTION_OPEN, 0, 0, 10_000, seq=3))
    assert answer(store, "1", 0, seq=2).status == "stale"
    assert store.answer_count(7, 0) == 0


def live_answer(
    store: LiveStore, contestant: str, index: int, progress: Progress = NO_PROGRESS
) -> Any:
    return answer(
        store,
        contestant,
        index,
        2,
        seq=3,
        expected_progress=progress,
        new_progress=(1, index),
        expected_score=store.progress(7, contestant)[1],
    )


def test_held_boards_show_a_question_once_published_and_a_void_takes_it_back(
    stores: tuple[LiveStore, Any],
) -> None:
    store, boards = stores
    boards.hold(7)
    boards.register(7, "1", "Ann", competition_id=2)
    store.create(7, LiveRound((10, 10), LiveStatus.QUESTION_OPEN, 0, 0, 10_000, seq=3))
    assert live_answer(store, "1", 0).status == "accepted"
    assert boards.standing(7, "1").points == 0  # held until the question closes
    assert boards.standing(7, "1", view="live").points == 100
    assert store.progress_before(7, 0, "1") == NO_PROGRESS
    assert store.published_through(7) == -1
    assert store.publish_question(7, 0) == 1
    assert store.publish_question(7, 0) == 0  # once
    assert store.published_through(7) == 0
    assert boards.standing(7, "1").points == 100
    assert live_answer(store, "1", 1, progress=(1, 0)).status == "accepted"
    assert store.progress_before(7, 1, "1") == (1, 0)

    assert store.void_question(7, 1, 2) == 1
    assert store.void_question(7, 1, 2) == 0  # once
    assert store.answer_of(7, 1, "1") == {
        "correct": True,
        "points": 0,
        "voided": True,
        "reason": "skipped",
    }
    assert store.progress(7, "1") == ((1, 0), encode_score(100, 700))
    assert boards.competition_standing(2, "1").points == 100
    assert store.void_question(7, 0, 2) == 1  # published: taken off both views
    assert boards.standing(7, "1").points == 0
    assert boards.standing(7, "1", view="live").points == 0
    assert store.progress(7, "1") == (NO_PROGRESS, encode_score(0, 0))
    assert boards.competition_count(2) == 1


def test_a_ban_takes_a_contestant_off_every_board_and_a_lift_puts_them_back(
    stores: tuple[LiveStore, Any],
) -> None:
    store, boards = stores
    ann, _ = store.join(7, ["nick:ann", "id:1"], {"nickname": "Ann"}, LOG, also_banned=["c:9"])
    bob, _ = store.join(7, ["nick:bob"], {"nickname": "Bob"}, LOG)
    for contestant, name in ((ann, "Ann"), (bob, "Bob")):
        boards.register(7, contestant, name, "guangzhou")
    store.schedule_window(7, 10**13)
    assert answer(store, ann, 0).status == "accepted"

    assert store.ban(7, ann)
    assert not store.ban(7, ann)  # once
    assert store.is_kicked(7, ann)
    assert store.banned(7) == {ann: encode_score(100, 700)}
    for scope in ("all", "region:guangzhou"):
        for view in ("live", "public"):
            assert [e.contestant for e in boards.top(7, scope, view=view)] == [bob]
    refused = answer(store, ann, 1, expected_progress=(1, 0))
    assert (refused.status, refused.reason) == ("refused", "kicked")
    assert store.selfpaced_reading(7, ann).banned
    # Every key of the banned entry refuses a new one, the extra keys too.
    assert store.join(7, ["nick:ann2", "c:9"], {"nickname": "Ann2"}, LOG) == (ann, "banned")
    assert store.join(7, ["nick:x"], {"nickname": "X"}, LOG, also_banned=["id:1"]) == (
        ann,
        "banned",
    )

    assert store.lift(7, ann)
    assert not store.lift(7, ann)  # once
    assert (store.is_kicked(7, ann), store.banned(7)) == (False, {})
    assert boards.standing(7, ann, "region:guangzhou", view="live").points == 100
    assert store.join(7, ["nick:ann3", "id:1"], {"nickname": "Ann3"}, LOG) == (ann, "taken")
    assert store.join(7, ["nick:ann4", "c:9"], {"nickname": "Ann4"}, LOG)[1] == "created"


def test_a_void_while_banned_takes_the_answer_from_the_scores_set_aside(
    stores: tuple[LiveStore, Any],
) -> None:
    store, boards = stores
    boards.register(7, "1", "Ann", competition_id=2)
    boards.register(7, "2", "Bob", competition_id=2)
    store.create(7, LiveRound((10, 10), LiveStatus.QUESTION_OPEN, 0, 0, 10_000, seq=3))
    assert live_answer(store, "1", 0).status == "accepted"
    assert live_answer(store, "2", 0).status == "accepted"
    assert store.ban(7, "1")

    assert store.void_question(7, 0, 2) == 2
    assert store.banned(7) == {"1": encode_score(0, 0)}
    assert boards.competition_standing(2, "1").points == 0
    assert [e.contestant for e in boards.top(7, view="live")] == ["2"]
    assert store.lift(7, "1")
    assert boards.standing(7, "1", view="live").points == 0
    assert boards.standing(7, "2", view="live").points == 0


def test_a_question_published_while_banned_stays_off_the_boards_until_a_lift(
    stores: tuple[LiveStore, Any],
) -> None:
    """A banned contestant's answer waiting for its question to close goes to the scores
    set aside, not onto the public board; a lift then puts both views back alike."""
    store, boards = stores
    boards.hold(7)
    boards.register(7, "1", "Ann", "guangzhou")
    boards.register(7, "2", "Bob", "guangzhou")
    store.create(7, LiveRound((10, 10), LiveStatus.QUESTION_OPEN, 0, 0, 10_000, seq=3))
    assert live_answer(store, "1", 0).status == "accepted"
    assert live_answer(store, "2", 0).status == "accepted"
    assert store.ban(7, "1")

    assert store.publish_question(7, 0) == 2
    for scope in ("all", "region:guangzhou"):
        assert [(e.contestant, e.points) for e in boards.top(7, scope)] == [("2", 100)]
    assert store.banned(7) == {"1": encode_score(100, 700)}

    assert store.lift(7, "1")
    for scope in ("all", "region:guangzhou"):
        for view in ("live", "public"):
            assert boards.standing(7, "1", scope, view=view).points == 100
