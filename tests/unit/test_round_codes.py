"""Round codes never change, so a process asks SQL once per code it finds."""

from __future__ import annotations

from typing import Any

import pytest

from engine.services.competitions import Competitions
from engine.services.errors import NotFound


class Rounds:
    """A round repository that knows some codes and counts the lookups."""

    def __init__(self) -> None:
        self.codes: dict[str, int] = {"ABC234": 7}
        self.watch_codes: dict[str, int] = {"WATCH234": 7}
        self.asked: list[tuple[str, str]] = []

    def round_by(self, *, code: str | None = None, watch_code: str | None = None) -> int | None:
        if code is not None:
            self.asked.append(("code", code))
            return self.codes.get(code)
        assert watch_code is not None
        self.asked.append(("watch_code", watch_code))
        return self.watch_codes.get(watch_code)


@pytest.fixture
def rounds() -> Rounds:
    return Rounds()


@pytest.fixture
def competitions(rounds: Rounds) -> Competitions:
    unused: Any = None
    return Competitions(rounds=rounds, live=unused, banks=unused)  # type: ignore[arg-type]


def test_a_found_code_is_asked_once_however_it_is_typed(competitions, rounds) -> None:
    assert competitions.round_id_by_code("ABC234") == 7
    assert competitions.round_id_by_code(" abc234 ") == 7
    assert competitions.round_id_by_watch_code("watch234") == 7
    assert competitions.round_id_by_watch_code("WATCH234") == 7
    assert rounds.asked == [("code", "ABC234"), ("watch_code", "WATCH234")]


def test_an_unknown_code_is_asked_every_time_until_a_round_has_it(competitions, rounds) -> None:
    for _ in range(2):
        with pytest.raises(NotFound, match=r"^No round has that code\.$"):
            competitions.round_id_by_code("NEW567")
    with pytest.raises(NotFound, match=r"^No round has that watch code\.$"):
        competitions.round_id_by_watch_code("ABC234")  # a join code is no watch code
    rounds.codes["NEW567"] = 8
    assert competitions.round_id_by_code("NEW567") == 8
    assert rounds.asked == [
        ("code", "NEW567"),
        ("code", "NEW567"),
        ("watch_code", "ABC234"),
        ("code", "NEW567"),
    ]
