"""Hypothesis fuzzing of every Socket.IO event on /play, /host and /watch.

Whatever a client sends (any JSON, any number of arguments, lone surrogates, deep
nesting, oversize text, unknown events): exactly one ack, never ``internal`` (an
exception the handlers did not expect), the connection stays, and a refused event
changes nothing in Redis or SQL. Events are found on the namespace classes, so a new one is fuzzed
without touching this file.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import web.live.namespaces
from tests.web.live_helpers import Clock, Connection, Round, Rounds
from tests.web.stores import snapshot
from web.live.decoding import MAX_PAYLOAD
from web.live.namespaces import HostNamespace, PlayNamespace, WatchNamespace
from web.strict_json import MAX_DEPTH

#: Per event handler (so hundreds for /host): each example is a socket round trip and two
#: reads of the round, and 20 still send every event malformed many ways.
EXAMPLES_PER_EVENT = 20

characters = st.characters(exclude_categories=()) | st.characters(categories=["Cs"])
texts = st.text(characters, max_size=12) | st.sampled_from(["", "a", "b", "ABCD", "nd-0001"])
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def deep(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


hostile = st.sampled_from(
    [
        "x" * (MAX_PAYLOAD + 1),
        {"a": deep(MAX_DEPTH + 1)},
        "\ud800",
        2**200,
    ]
)


def handler_names(namespace: type) -> list[str]:
    return sorted(
        name[3:]
        for name, member in inspect.getmembers(namespace, inspect.isfunction)
        if name.startswith("on_") and name != "on_disconnect"
    )


def payloads(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the event's field names (so validation goes deep) and strays."""
    return st.dictionaries(st.sampled_from(fields) | texts, values | hostile, max_size=5)


FIELDS = {
    "join": ["code", "nickname", "region", "team", "resume_token", "identity"],
    "answer": ["question", "response", "seq"],
    "attach": ["round", "token"],
    "kick": ["contestant"],
    "watch": ["code"],
}


def arguments(event: str) -> st.SearchStrategy[tuple[Any, ...]]:
    one = payloads(FIELDS.get(event, ["round", "question", "contestant"])) | values | hostile
    return st.one_of(
        st.just(()),
        st.tuples(one),
        st.lists(one, min_size=2, max_size=3).map(tuple),
    )


def events(namespace: type) -> st.SearchStrategy[tuple[str, tuple[Any, ...]]]:
    names = [*handler_names(namespace), "no_such_event"]
    return st.sampled_from(names).flatmap(lambda name: st.tuples(st.just(name), arguments(name)))


def examples(namespace: type) -> int:
    return EXAMPLES_PER_EVENT * (len(handler_names(namespace)) + 1)


@pytest.fixture(autouse=True)
def unlimited(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fuzz the events, not the limiter."""
    monkeypatch.setattr(web.live.namespaces, "RATE", 1e9)


@pytest.fixture
def game(app, client, wired, login, clock: Clock) -> Round:
    """A live round with two contestants, its first question open."""
    game = Rounds(app, client, wired, login("host"))()
    game.players(2)
    game.command("start")
    return game


def fuzz(game: Round, connection: Connection, event: str, args: tuple[Any, ...]) -> None:
    before = snapshot(game.wired)
    ack = connection.client.emit(event, *args, namespace=connection.namespace, callback=True)
    assert isinstance(ack, dict), f"{event} {args!r} got no single ack: {ack!r}"
    assert isinstance(ack.get("ok"), bool), ack
    assert connection.client.is_connected(connection.namespace)
    if not ack["ok"]:
        assert ack["error"]["code"] != "internal", (event, args, ack)
        assert set(ack["error"]) <= {"code", "message", "fields"}
        changes = snapshot(game.wired).changes_since(before)
        assert not changes, f"refused {event} {args!r} changed {changes}"


def fuzzing(namespace: type) -> settings:
    return settings(
        max_examples=examples(namespace),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@fuzzing(PlayNamespace)
@given(sent=events(PlayNamespace))
def test_fuzz_play(game: Round, sent: tuple[str, tuple[Any, ...]]) -> None:
    fuzz(game, Connection(game.clients[0], "/play"), *sent)


@fuzzing(HostNamespace)
@given(sent=events(HostNamespace))
def test_fuzz_host(game: Round, sent: tuple[str, tuple[Any, ...]]) -> None:
    if len(game.clients) == 2:  # the players'; the host's connection is made once
        game.host()
    fuzz(game, Connection(game.clients[2], "/host"), *sent)


@fuzzing(WatchNamespace)
@given(sent=events(WatchNamespace))
def test_fuzz_watch(game: Round, sent: tuple[str, tuple[Any, ...]]) -> None:
    if len(game.clients) == 2:
        game.watcher()
    fuzz(game, Connection(game.clients[2], "/watch"), *sent)
