"""An event whose handler fails unexpectedly still gets an error ack (DESIGN.md: every
client event is acknowledged), so no client waits out its ack timeout."""

from __future__ import annotations

import logging

import pytest
import redis

from tests.web.live_helpers import RIGHT, SINGLE, Rounds, ack_error


def unreachable(*_args: object, **_kwargs: object) -> None:
    raise redis.ConnectionError("Redis went away")


def broken(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("Redis went away")


def test_a_join_that_fails_inside_gets_an_internal_error_ack_and_is_logged(
    live_round: Rounds, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    game = live_round()
    monkeypatch.setattr(game.wired.live.store, "join", broken)
    with caplog.at_level(logging.ERROR, logger="web.live.namespaces"):
        _player, ack = game.player("alice")
    assert ack_error(ack) == "internal"
    assert ack["error"]["message"] == "Something went wrong on our side; try again."
    assert [r.message for r in caplog.records] == ["/play on_join failed"]
    assert "Redis went away" not in str(ack)  # no internals reach the client


def test_an_answer_while_redis_is_unreachable_gets_an_unavailable_ack_and_a_retry_counts_once(
    live_round: Rounds, monkeypatch: pytest.MonkeyPatch
) -> None:
    game = live_round()
    player, _ = game.player("alice")
    game.command("start")
    store = game.wired.live.store
    working = store.record_answer
    monkeypatch.setattr(store, "record_answer", unreachable)
    assert ack_error(player.answer(SINGLE, RIGHT[SINGLE])) == "unavailable"
    monkeypatch.setattr(store, "record_answer", working)
    ack = player.answer(SINGLE, RIGHT[SINGLE])
    assert (ack["ok"], ack["accepted"], ack["duplicate"]) == (True, True, False)
    assert store.answer_count(game.id, 0) == 1
