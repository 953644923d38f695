"""Group commit (engine/adapters/redis/coalescing.py): every call gets its own reply,
exactly once, and calls made while one is in flight go out together in the next."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.adapters.redis.coalescing import Coalescer


class Recorder:
    """A ``send`` that records its flights and, when told to, holds the first one."""

    def __init__(self) -> None:
        self.flights: list[list[int]] = []
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.hold.set()

    def __call__(self, calls: list[int]) -> list[int]:
        self.flights.append(list(calls))
        if len(self.flights) == 1:
            self.holding.set()
            assert self.hold.wait(10)
        return [call * 10 for call in calls]


def queue_in_order(coalescer: Coalescer, threads: list[threading.Thread]) -> None:
    """Start each thread once the one before has queued its call."""
    for queued, thread in enumerate(threads, start=coalescer.queued + 1):
        thread.start()
        deadline = time.monotonic() + 10
        while coalescer.queued < queued:
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.001)


def call_in_threads(coalescer: Coalescer, calls: list[int]) -> tuple[list, dict[int, object]]:
    replies: dict[int, object] = {}

    def run(call: int) -> None:
        try:
            replies[call] = coalescer.call(call)
        except Exception as error:  # what each caller got is the test's to check
            replies[call] = error

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    return threads, replies


def test_a_lone_call_goes_out_at_once_by_itself() -> None:
    send = Recorder()
    coalescer = Coalescer(send)
    assert coalescer.call(4) == 40
    assert coalescer.call(5) == 50
    assert send.flights == [[4], [5]]
    assert coalescer.queued == 0


def seven_behind_a_held_flight(most: int) -> tuple[Recorder, dict[int, object]]:
    """Call 0 alone, hold its flight while calls 1..7 queue in order, then let all go."""
    send = Recorder()
    send.hold.clear()
    coalescer = Coalescer(send, most=most)
    first, first_reply = call_in_threads(coalescer, [0])
    first[0].start()
    assert send.holding.wait(10)
    behind, replies = call_in_threads(coalescer, list(range(1, 8)))
    queue_in_order(coalescer, behind)
    send.hold.set()
    for thread in [*first, *behind]:
        thread.join(10)
    return send, {**first_reply, **replies}


def test_calls_made_during_a_flight_go_out_together_in_the_next() -> None:
    send, replies = seven_behind_a_held_flight(most=256)
    assert send.flights == [[0], [1, 2, 3, 4, 5, 6, 7]]
    assert replies == {n: n * 10 for n in range(8)}


def test_a_flight_carries_at_most_most_calls() -> None:
    send, replies = seven_behind_a_held_flight(most=3)
    assert send.flights == [[0], [1, 2, 3], [4, 5, 6], [7]]
    assert replies == {n: n * 10 for n in range(8)}


def test_a_failed_flight_fails_each_of_its_calls_and_the_next_flight_still_goes() -> None:
    failures = iter([ConnectionError("redis went away")])

    def send(calls: list[int]) -> list[int]:
        error = next(failures, None)
        if error is not None:
            raise error
        return [call + 1 for call in calls]

    coalescer = Coalescer(send)
    with pytest.raises(ConnectionError, match="redis went away"):
        coalescer.call(1)
    assert coalescer.call(2) == 3


def test_a_send_that_loses_a_reply_fails_the_whole_flight() -> None:
    coalescer = Coalescer(lambda calls: calls[1:])
    with pytest.raises(RuntimeError, match="0 replies to 1 calls"):
        coalescer.call(1)
    assert coalescer.queued == 0


@settings(max_examples=25, deadline=None)
@given(
    calls=st.lists(st.integers(0, 10**6), min_size=1, max_size=40, unique=True),
    most=st.integers(1, 8),
)
def test_every_call_is_sent_once_and_answered_with_its_own_reply(
    calls: list[int], most: int
) -> None:
    sent: list[int] = []
    lock = threading.Lock()

    def send(flight: list[int]) -> list[int]:
        assert len(flight) <= most
        with lock:
            sent.extend(flight)
        time.sleep(0.0005)  # long enough for calls to queue behind it
        return [-call for call in flight]

    coalescer = Coalescer(send, most=most)
    threads, replies = call_in_threads(coalescer, calls)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(sent) == sorted(calls)
    assert replies == {call: -call for call in calls}
    assert coalescer.queued == 0
