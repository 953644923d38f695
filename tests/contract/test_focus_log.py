"""Page-switch reports: each counted once, none past the most counted, per contestant
and round; RedisFocusLog on every configured Redis and the in-memory fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis as redis_py

from engine.adapters.redis.focus import RedisFocusLog
from engine.ports import FocusLog
from tests.conftest import REDIS_BACKENDS, prefixed, redis_client
from tests.fakes.focus import InMemoryFocusLog


@pytest.fixture(params=[*REDIS_BACKENDS, "memory"])
def focus(
    request: pytest.FixtureRequest,
    redis_servers: dict[str, redis_py.Redis],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[FocusLog]:
    if request.param == "memory":
        yield InMemoryFocusLog()
        return
    client = redis_client(redis_servers, request.param, tmp_path_factory)
    for connection, prefix in prefixed(client, request.param):
        yield RedisFocusLog(connection.client, prefix)


def test_a_report_counts_once_and_none_past_the_most(focus: FocusLog) -> None:
    assert focus.report(7, "1", "r1", 3) == (True, 1)
    assert focus.report(7, "1", "r1", 3) == (False, 1)  # a retry
    assert focus.report(7, "2", "r2", 3) == (True, 1)
    assert focus.report(7, "1", "r3", 3) == (True, 2)
    assert focus.report(7, "1", "r4", 3) == (True, 3)
    assert focus.report(7, "1", "r5", 3) == (False, 3)  # the most counted
    assert focus.report(8, "1", "r1", 3) == (True, 1)  # another round

    assert focus.counts(7) == {"1": 3, "2": 1}
    assert focus.counts(8) == {"1": 1}
    assert focus.counts(9) == {}
