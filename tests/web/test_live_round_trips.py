"""What one live event costs the server. Under a burst, every Redis round trip is a socket
write and read in the one gevent hub, so an answer is judged against the state this
process last saw and written in one script call that checks it; and no event pays for a
Flask request context it does not use."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.web.live_helpers import (
    MULTIPLE,
    RIGHT,
    SINGLE,
    WRONG,
    Clock,
    Rounds,
    ack_error,
    rules,
)


def test_an_answer_is_two_round_trips_and_a_duplicate_one(
    live_round: Rounds, round_trips: list[int]
) -> None:
    game = live_round()
    first, second = game.players(2)
    game.command("start")
    assert first.answer(SINGLE, RIGHT[SINGLE])["accepted"] is True  # loads the script
    round_trips.clear()
    ack = second.answer(SINGLE, WRONG[SINGLE])
    assert (ack["accepted"], ack["duplicate"]) == (True, False)
    # the answer script, which checks the state's seq; the competition's own call
    assert len(round_trips) == 2
    round_trips.clear()
    again = second.answer(SINGLE, RIGHT[SINGLE])
    assert (again["accepted"], again["duplicate"]) == (True, True)
    assert len(round_trips) == 1


def test_the_next_answer_is_scored_from_the_streak_this_process_remembers(
    live_round: Rounds, round_trips: list[int]
) -> None:
    game = live_round(rules(scoring={"streak_step": 100, "streak_cap": 500}))
    player = game.players(1)[0]
    game.command("start")
    assert player.answer(SINGLE, RIGHT[SINGLE])["accepted"] is True
    for name in ("close", "reveal", "next"):
        game.command(name)
    round_trips.clear()
    assert player.answer(MULTIPLE, RIGHT[MULTIPLE])["accepted"] is True
    assert len(round_trips) == 2  # no read first: the answer script, the competition's
    result = game.wired.live.store.answer_of(game.id, 1, player.contestant)
    assert (result["streak"], result["points"]) == (2, 1000 + 100)


def test_another_process_moving_the_round_on_costs_a_reread_never_a_wrong_judgement(
    live_round: Rounds, wired, clock: Clock, round_trips: list[int]
) -> None:
    """Commands run by another process (a LiveRounds that shares only Redis) leave this
    process's view of the round behind; the answer script's seq check catches it."""
    game = live_round()
    player, late = game.players(2)
    elsewhere = replace(wired.live)  # the same stores, its own memory
    game.command("start")
    assert player.answer(SINGLE, RIGHT[SINGLE])["accepted"] is True
    elsewhere.command(game.id, "pause", clock.now)
    round_trips.clear()
    assert ack_error(late.answer(SINGLE, RIGHT[SINGLE])) == "round_paused"
    assert len(round_trips) > 1  # refused by the script's seq check, then read afresh
    elsewhere.command(game.id, "resume", clock.now)
    assert late.answer(SINGLE, RIGHT[SINGLE])["accepted"] is True
    for name in ("close", "reveal", "next"):
        elsewhere.command(game.id, name, clock.advance(10))
    ack = player.answer(MULTIPLE, RIGHT[MULTIPLE])
    assert (ack["accepted"], ack["duplicate"]) == (True, False)
    assert ack_error(late.answer(SINGLE, RIGHT[SINGLE])) == "not_current"


def test_events_run_without_a_flask_request_context(
    live_round: Rounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = live_round()
    player, _ = game.player("alice")
    game.command("start")
    pushed: list[object] = []
    make = game.app.request_context
    monkeypatch.setattr(
        game.app, "request_context", lambda environ: pushed.append(1) or make(environ)
    )
    assert player.answer(SINGLE, RIGHT[SINGLE])["accepted"] is True
    assert player.emit("state")["state"]["you"]["result"]["received"] is True
    player.client.disconnect(namespace="/play")
    assert pushed == []
