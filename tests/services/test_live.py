"""A live round on fakes: join by code, questions opened and closed by the host's
commands and the clock, each answer counted once, a skipped question voided, the final
standings stored."""

from __future__ import annotations

from engine.domain.rounds import LiveStatus
from tests.services.conftest import KEYS, Fakes, new_round

T0 = 1_000_000


def a_round(fakes: Fakes, bank: str) -> tuple[int, str]:
    """A live round on a fixed paper of KEYS in its lobby: its id and code."""
    row = new_round(fakes, bank, "live")
    return row["id"], row["code"]


def test_a_live_round_from_the_lobby_to_its_final_standings(fakes: Fakes, bank: str) -> None:
    round_id, code = a_round(fakes, bank)
    ann = fakes.live.join(code, "Ann", None, None, T0).contestant
    bob = fakes.live.join(code.lower(), "Bob", None, None, T0).contestant

    fakes.live.command(round_id, "start", T0)
    first = fakes.live.answer(round_id, ann, KEYS[0], "a", T0 + 1_000)
    assert (first.accepted, first.duplicate) == (True, False)
    assert fakes.live.answer(round_id, ann, KEYS[0], "b", T0 + 1_100).duplicate
    fakes.live.answer(round_id, bob, KEYS[0], "b", T0 + 2_000)
    assert public_points(fakes, round_id, ann) == 0  # shown once the question closes
    assert fakes.live.close_if_due(round_id, T0 + 2_000) is None
    closed = fakes.live.close_if_due(round_id, T0 + 10**6)
    assert closed is not None
    assert closed[0].status is LiveStatus.CLOSED
    points = public_points(fakes, round_id, ann)
    assert points > 0

    t1 = T0 + 2 * 10**6
    fakes.live.command(round_id, "next", t1)
    fakes.live.answer(round_id, bob, KEYS[1], "a", t1 + 500)
    fakes.live.command(round_id, "skip", t1 + 600)  # bob's answer to it no longer counts
    assert fakes.store.answer_of(round_id, 1, bob)["voided"]  # type: ignore[index]
    fakes.live.command(round_id, "finish", t1 + 700)

    standings = fakes.rounds.standings(round_id)
    assert [(s["contestant"], s["rank"], s["points"]) for s in standings] == [
        (ann, 1, points),
        (bob, 2, 0),
    ]
    assert fakes.rounds.round(round_id)["status"] == "finished"  # type: ignore[index]


def public_points(fakes: Fakes, round_id: int, contestant: str) -> int:
    standing = fakes.leaderboard.standing(round_id, contestant)
    assert standing is not None
    return standing.points


def test_leaving_the_lobby_leaves_no_ghost_but_a_started_round_keeps_the_record(
    fakes: Fakes, bank: str
) -> None:
    round_id, code = a_round(fakes, bank)
    ann = fakes.live.join(code, "Ann", None, None, T0).contestant
    bob = fakes.live.join(code, "Bob", None, None, T0).contestant

    assert fakes.live.leave(round_id, ann, T0 + 1) is True
    assert fakes.live.leave(round_id, ann, T0 + 2) is False  # gone already
    assert fakes.live.state_view(round_id)["contestants"] == 1
    assert fakes.leaderboard.count(round_id, view="live") == 1
    assert fakes.live.profile(round_id, ann) is None
    again = fakes.live.join(code, "Ann", None, None, T0 + 3).contestant  # name free
    assert again not in (ann, bob)

    fakes.live.command(round_id, "start", T0 + 4)
    fakes.live.answer(round_id, bob, KEYS[0], "a", T0 + 5)
    assert fakes.live.leave(round_id, bob, T0 + 6) is False  # kept: the record stands
    assert fakes.live.profile(round_id, bob)["nickname"] == "Bob"  # type: ignore[index]
    assert fakes.store.answer_of(round_id, 0, bob) is not None
    assert fakes.live.state_view(round_id)["contestants"] == 2
