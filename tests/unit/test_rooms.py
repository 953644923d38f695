"""Which rooms a catch-up after a lost message queue speaks to: a round's whole audience
in each namespace, never a contestant's own room."""

import pytest

from web.live import rooms


@pytest.mark.parametrize(
    ("namespace", "room", "round_id"),
    [
        ("/play", "round:7", 7),
        ("/watch", "watch:12", 12),
        ("/host", "host:3", 3),
        ("/play", "round:7:contestant:abc", None),  # a ban's room, not an audience
        ("/play", "watch:7", None),  # another namespace's audience
        ("/host", "host:", None),
        ("/watch", "watch:x", None),
    ],
)
def test_a_room_names_its_round_only_when_it_is_that_rounds_audience(namespace, room, round_id):
    assert rooms.round_of(namespace, room) == round_id


def test_every_namespace_with_round_audiences_is_listed():
    assert {namespace: name(5) for namespace, name in rooms.AUDIENCES.items()} == {
        "/play": "round:5",
        "/watch": "watch:5",
        "/host": "host:5",
    }
