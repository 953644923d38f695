"""How many processes ``leitai serve`` runs (``web.workers.worker_count``)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from web.config import Settings
from web.workers import worker_count

SERVERS = Settings(
    instance_path=Path("/nonexistent"),
    database_url="postgresql+psycopg://db/leitai",
    redis_url="redis://redis:6379/0",
    secret_key="k",
)


def test_one_process_per_core_by_default_on_servers():
    assert worker_count(None, SERVERS, cores=8) == (8, None)
    assert worker_count(3, SERVERS, cores=8) == (3, None)


def test_the_embedded_stores_serve_with_one_process_and_say_why():
    embedded = SERVERS.with_(redis_url=None)
    count, note = worker_count(None, embedded, cores=8)
    assert count == 1
    assert note == (
        "Serving with one process only on the embedded Redis (set LEITAI_REDIS_URL=redis://...)."
    )
    assert worker_count(1, embedded, cores=8) == (1, None)  # asked for: nothing to explain
    sqlite = SERVERS.with_(database_url="sqlite:///leitai.db")
    assert worker_count(None, sqlite, cores=8)[0] == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"redis_url": None},
        {"redis_url": "unix:///run/redis.sock"},
        {"database_url": "sqlite:///leitai.db"},
    ],
)
def test_more_than_one_is_refused_on_an_embedded_store(changes):
    with pytest.raises(click.UsageError, match="--workers 2: one process only on"):
        worker_count(2, SERVERS.with_(**changes), cores=8)
