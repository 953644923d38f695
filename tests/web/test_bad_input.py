"""Bad input is refused where JSON is decoded, over HTTP and Socket.IO, and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask_socketio import SocketIOTestClient

import web.live.namespaces
from engine.adapters.sql.models import BankRow
from tests.web.live_helpers import TEXT, Clock, Round, Rounds, ack_error
from tests.web.selfpaced_helpers import Windows
from tests.web.test_auth import error_code
from web.live.decoding import MAX_PAYLOAD
from web.strict_json import MAX_DEPTH, JsonRefused, decode

API = "/api/v1"
LONE = "\\ud800"  # as JSON text: an escaped lone surrogate


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# --- the decoder ----------------------------------------------------------------------


def test_paired_surrogate_escapes_are_one_character() -> None:
    assert decode('{"nickname": "\\ud83d\\ude00"}') == {"nickname": "😀"}


@pytest.mark.parametrize(
    ("text", "path"),
    [
        (f'{{"nickname": "{LONE}"}}', "nickname"),
        (f'{{"response": ["a", "b{LONE}"]}}', "response.1"),
        ('{"title": {"en": "\\udfff x"}}', "title.en"),
        (f'["{LONE}"]', "0"),
        (f'"{LONE}"', "_"),
        ('{"a": "\\ude00\\ud83d"}', "a"),  # a low then a high surrogate is no pair
    ],
)
def test_a_lone_surrogate_is_refused_naming_where(text: str, path: str) -> None:
    with pytest.raises(JsonRefused) as refused:
        decode(text)
    assert refused.value.code == "invalid_unicode"
    assert list(refused.value.fields) == [path]


def test_a_surrogate_in_a_key_is_not_repeated_in_the_error() -> None:
    with pytest.raises(JsonRefused) as refused:
        decode(f'{{"{LONE}": 1}}')
    assert list(refused.value.fields) == ["\ufffd"]


@pytest.mark.parametrize("text", ["NaN", '{"a": Infinity}', "[-Infinity]", "1" * 5000])
def test_what_json_is_not_is_refused(text: str) -> None:
    with pytest.raises(JsonRefused) as refused:
        decode(text)
    assert refused.value.code == "malformed_json"


def test_nesting_is_limited() -> None:
    assert decode(nested(MAX_DEPTH)) is not None
    for depth in (MAX_DEPTH + 1, 5000):  # past the limit, and past Python's recursion limit
        with pytest.raises(JsonRefused) as refused:
            decode(nested(depth))
        assert refused.value.code == "too_deep"


# --- HTTP -----------------------------------------------------------------------------


def post_raw(client, path: str, body: str, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return client.post(
        path, data=body.encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )


def test_http_refuses_a_lone_surrogate_with_a_400_naming_the_field(client, login) -> None:
    response = post_raw(client, f"{API}/auth/token", f'{{"username": "{LONE}", "password": "x"}}')
    assert response.status_code == 400
    assert error_code(response) == "invalid_unicode"
    assert list(response.json["error"]["fields"]) == ["username"]

    author = login("author")
    response = post_raw(
        client,
        f"{API}/banks",
        f'{{"slug": "nd", "title": {{"en": "x{LONE}"}}, "default_locale": "en"}}',
        author,
    )
    assert response.status_code == 400
    assert response.json["error"]["fields"] == {
        "title.en": ["A lone surrogate is not a character."]
    }
    assert client.get(f"{API}/banks", headers=author).json == []


def test_http_refuses_deep_nesting(client) -> None:
    response = post_raw(client, f"{API}/auth/token", f'{{"username": {nested(3000)}}}')
    assert response.status_code == 400
    assert error_code(response) == "too_deep"


def test_a_bank_stored_with_a_lone_surrogate_still_lists(client, login, wired) -> None:
    """Stored before decoding refused them: shown as U+FFFD, never a 500 for everyone."""
    title = {"en": "Bad \ud800 title"}
    with wired.database.session() as session, session.begin():
        session.add(BankRow(slug="bad", title=title, default_locale="en", draft={"title": title}))
    response = client.get(f"{API}/banks", headers=login("author"))
    assert response.status_code == 200
    assert [bank["title"] for bank in response.json] == [{"en": "Bad \ufffd title"}]


# --- Socket.IO ------------------------------------------------------------------------


@pytest.fixture
def game(app, client, wired, login, clock: Clock) -> Round:
    return Rounds(app, client, wired, login("host"))()


def raw(client: SocketIOTestClient, text: str) -> Any:
    """Send an encoded Socket.IO packet as it came off the wire; the ack it got, if any."""
    client.acks = None
    client.socketio.server._handle_eio_message(client.eio_sid, text)
    return None if client.acks is None else client.acks["args"][0]


def test_a_lone_surrogate_in_an_event_is_an_error_ack_and_nothing_is_stored(game: Round) -> None:
    _, ack = game.player("bob\ud800")
    assert ack_error(ack) == "invalid_unicode"
    assert list(ack["error"]["fields"]) == ["nickname"]
    assert game.wired.live.store.contestant_count(game.id) == 0

    player, ack = game.player("alice")
    assert ack["ok"]
    game.command("start")
    ack = player.answer(TEXT, "南\udc00昌")
    assert ack_error(ack) == "invalid_unicode"
    assert list(ack["error"]["fields"]) == ["response"]
    assert game.wired.live.store.answer_count(game.id, 0) == 0


def test_a_lone_surrogate_identity_is_refused_and_enters_nobody(game: Round) -> None:
    """An identity is compared after folding: one that cannot be folded never gets there,
    over HTTP (a self-paced entry) or on /play (a live join)."""
    window = Windows(game.app, game.http, game.wired, game.headers)()
    body = f'{{"nickname": "Alice", "identity": "4401{LONE}06"}}'
    response = post_raw(window.http, f"{API}/rounds/{window.id}/entries", body)
    assert response.status_code == 400
    assert error_code(response) == "invalid_unicode"
    assert list(response.json["error"]["fields"]) == ["identity"]
    assert window.wired.live.store.contestant_count(window.id) == 0

    _, ack = game.player("alice", identity="4401\udfff06")
    assert ack_error(ack) == "invalid_unicode"
    assert list(ack["error"]["fields"]) == ["identity"]
    assert game.wired.live.store.contestant_count(game.id) == 0


MALFORMED_JOINS: list[tuple[tuple, str]] = [
    (({"code": "x"}, {"nickname": "y"}), "bad_request"),  # two arguments
    ((1, 2, 3), "bad_request"),
    ((), "invalid"),  # no argument
    (([1, 2],), "invalid"),  # not an object
    (("join",), "invalid"),
    (({"code": "ABCD", "nickname": eval(nested(100))},), "too_deep"),  # noqa: S307
    (({"code": "ABCD", "nickname": "x" * MAX_PAYLOAD},), "payload_too_large"),
    (({"code": "ABCD", "nickname": b"\x00binary"},), "bad_request"),
]

MALFORMED_PACKETS: list[tuple[str, str]] = [
    ('2/play,7["join",{"code": "ABCD", "nickname": "x"', "malformed_json"),
    ('2/play,7{"join": 1}', "bad_request"),
    ("2/play,7[]", "bad_request"),
    ("2/play,7[42]", "bad_request"),
    ('2/play,7["disconnect", "forged"]', "bad_request"),
    ('2/play,7["connect", {}]', "bad_request"),
    ('2/play,7["state", NaN]', "malformed_json"),
    ('2/play,7["hack"]', "unknown_event"),
]


def test_every_malformed_event_is_acked_and_the_connection_stays(game: Round) -> None:
    socket = game.socket("/play")
    for arguments, code in MALFORMED_JOINS:
        ack = socket.emit("join", *arguments, namespace="/play", callback=True)
        assert ack_error(ack) == code, arguments
        assert socket.is_connected("/play")
    assert game.wired.live.store.contestant_count(game.id) == 0
    assert game.player("alice")[1]["ok"]  # the server still serves


def test_malformed_packets_get_an_error_ack(game: Round) -> None:
    player, _ = game.player("alice")
    for packet, code in MALFORMED_PACKETS:
        assert ack_error(raw(player.client, packet)) == code, packet
        assert player.client.is_connected("/play")
    assert player.emit("state")["ok"]  # a forged disconnect did not drop the seat


def test_garbage_that_is_not_socketio_is_dropped_quietly(game: Round, caplog) -> None:
    player, _ = game.player("alice")
    for text in ("x", "2/play," + "1" * 120, b"\x00\x01"):
        assert raw(player.client, text) is None  # no id to ack
    assert player.emit("state")["ok"]
    assert not [record for record in caplog.records if record.exc_info]


def test_a_handler_that_raises_still_acks(game: Round, monkeypatch, caplog) -> None:
    def explode(self, sid, data=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(web.live.namespaces.PlayNamespace, "on_state", explode)
    player, _ = game.player("alice")
    assert ack_error(player.emit("state")) == "internal"
    assert player.client.is_connected("/play")


def test_texts_over_their_limit_are_refused_naming_the_field(client, login) -> None:
    author = login("author")
    body = {"slug": "nd", "title": {"en": "x" * 201}, "default_locale": "en"}
    response = client.post(f"{API}/banks", json=body, headers=author)
    assert response.status_code == 422
    assert "en" in response.json["error"]["fields"]["title"]
    assert client.get(f"{API}/banks", headers=author).json == []
