"""The ticker drains the answer log in full batches back to back, and after a partial
batch (the log has caught up) lets the next one gather instead of storing each few
answers of a burst in a transaction of its own."""

from __future__ import annotations

from types import SimpleNamespace

from web.live.ticker import DRAIN_PAUSE_S, Ticker


def test_full_batches_go_back_to_back_and_a_partial_one_waits() -> None:
    happened: list[tuple[str, float]] = []
    batches = [500, 500, 120, 0, 500, 7]

    def drain_once(block_ms: int = 1000) -> int:
        moved = batches.pop(0)
        ticker.running = bool(batches)
        happened.append(("drained", moved))
        return moved

    drainer = SimpleNamespace(
        batch=500,
        consumer="here",
        drain_once=drain_once,
        log=SimpleNamespace(claim_abandoned=lambda consumer, idle_ms: 0),
    )
    io = SimpleNamespace(sleep=lambda seconds=0: happened.append(("slept", seconds)))
    ticker = Ticker(io, SimpleNamespace(drainer=drainer), None)  # type: ignore[arg-type]
    ticker.running = True
    ticker._drain_loop()
    pause = ("slept", DRAIN_PAUSE_S)
    assert happened == [
        ("drained", 500),
        ("drained", 500),
        ("drained", 120),
        pause,
        ("drained", 0),
        pause,
        ("drained", 500),
        ("drained", 7),
        pause,
    ]
