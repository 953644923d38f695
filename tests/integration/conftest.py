"""Fixtures of the tests that run ``leitai serve`` as processes."""

from __future__ import annotations

import os

import pytest

from tests.conftest import DATABASE_URL, REDIS_URL


@pytest.fixture
def services() -> tuple[str, str]:
    """(PostgreSQL admin URL, Redis server URL) for tests that cannot run on the embedded
    stores (several processes): skipped without them, failed without them in CI."""
    if not (DATABASE_URL and REDIS_URL):
        needs = "PostgreSQL and a Redis server (LEITAI_TEST_DATABASE_URL, LEITAI_TEST_REDIS_URL)"
        if os.environ.get("CI"):
            pytest.fail(f"CI must run this test: it needs {needs}")
        pytest.skip(f"needs {needs}")
    return DATABASE_URL, REDIS_URL
