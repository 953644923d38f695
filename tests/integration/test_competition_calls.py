"""A competition's board is written by a call of its own after the round's (its own slot on
a Redis Cluster). A process that dies between the two calls leaves the answer on the
round's boards and in its log; the drain adds it to the competition's board, once,
however often the drain replays it, and not at all once its question was skipped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.services.errors import ServiceError
from tests.integration.test_drain import DiesBeforeAcknowledging, one_question_round
from web.wiring import Wiring

T0 = 1_700_000_000_000
RIGHT = "b"  # nd-0001's answer


def play(wired: Wiring, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int, list[str]]:
    """A live round whose answers' process dies after the round's call, before the
    competition's: (competition, round, contestants)."""
    competition_id, round_id, code = one_question_round(wired, "两步")
    people = [wired.live.join(code, f"p{n}", None, None, T0).contestant for n in range(3)]
    wired.live.command(round_id, "start", T0)

    def dies(*args: object) -> None:
        raise RuntimeError("killed between the round's call and the competition's")

    with monkeypatch.context() as dying:
        dying.setattr(wired.leaderboard, "add_to_competition", dies)
        for n, contestant in enumerate(people):
            with pytest.raises((RuntimeError, ServiceError)):
                wired.live.answer(round_id, contestant, "nd-0001", RIGHT, T0 + 1_000 * (n + 1))
    return competition_id, round_id, people


def points(wired: Wiring, competition_id: int) -> dict[str, int]:
    return {e.contestant: e.points for e in wired.leaderboard.competition_top(competition_id)}


def round_points(wired: Wiring, round_id: int) -> dict[str, int]:
    return {e.contestant: e.points for e in wired.leaderboard.top(round_id, view="live")}


def test_the_drain_adds_what_a_dead_process_left_off_the_competition_once(
    wired: Wiring, monkeypatch: pytest.MonkeyPatch
) -> None:
    competition_id, round_id, people = play(wired, monkeypatch)
    on_round = round_points(wired, round_id)
    assert sorted(on_round) == sorted(people)
    assert min(on_round.values()) > 0
    assert points(wired, competition_id) == dict.fromkeys(people, 0)

    with pytest.raises(SystemExit):  # a drain that dies before acknowledging: a replay
        replace(
            wired.drainer,
            log=DiesBeforeAcknowledging(wired.redis.client, wired.settings.redis_prefix),
        ).drain_once()
    assert points(wired, competition_id) == on_round
    assert wired.drainer.drain_all() == len(people) * 2  # the joins and answers again
    assert wired.drainer.drain_all() == 0
    assert points(wired, competition_id) == on_round

    # A flight's own call that comes after the drain's counts nothing either.
    wired.leaderboard.add_to_competition(
        competition_id, round_id, [(0, people[0], on_round[people[0]], 0)]
    )
    assert points(wired, competition_id) == on_round


def test_a_skip_before_the_drain_keeps_the_answers_off_the_competition(
    wired: Wiring, monkeypatch: pytest.MonkeyPatch
) -> None:
    competition_id, round_id, people = play(wired, monkeypatch)
    wired.live.command(round_id, "skip", T0 + 9_000)
    assert round_points(wired, round_id) == dict.fromkeys(people, 0)

    wired.drainer.drain_all()
    assert points(wired, competition_id) == dict.fromkeys(people, 0)


def test_a_skip_takes_back_what_the_competitions_call_added(wired: Wiring) -> None:
    competition_id, round_id, code = one_question_round(wired, "跳过")
    ann = wired.live.join(code, "ann", None, None, T0).contestant
    wired.live.command(round_id, "start", T0)
    wired.live.answer(round_id, ann, "nd-0001", RIGHT, T0 + 1_000)
    assert points(wired, competition_id)[ann] > 0

    wired.live.command(round_id, "skip", T0 + 9_000)
    wired.drainer.drain_all()
    assert points(wired, competition_id) == {ann: 0}
