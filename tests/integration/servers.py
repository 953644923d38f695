"""Running ``leitai`` as a real process, the way an operator would."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner
from flask import Flask

from engine.adapters.sql.database import Database, create_sql_engine
from web.cli import cli
from web.config import settings_from_environ
from web.wiring import wire

LEITAI = str(Path(sys.executable).with_name("leitai"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get_json(url: str, timeout: float = 5) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (localhost)
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def clean_environ(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEITAI_")}
    env["LEITAI_ENTRY_LIMIT_PER_CLIENT"] = "0"  # every simulated phone is on 127.0.0.1
    # One process per server unless a test asks for more (test_workers, test_nginx): a
    # worker per core in every served test doubled their processes on a 2-core CI.
    env["LEITAI_WORKERS"] = "1"
    env.update(extra)
    return env


@contextmanager
def running(
    args: list[str],
    env: Mapping[str, str],
    port: int,
    timeout_s: float = 30,
    log: Path | None = None,
) -> Iterator[subprocess.Popen[str]]:
    """Start ``leitai ARGS`` and wait until /healthz answers; stop it afterwards.

    Its output goes to ``log`` (a temporary file unless given), never to a pipe: a pipe
    nobody reads fills up, and the server then blocks on its next log line."""
    with open(log, "w+") if log else tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(
            [LEITAI, *args],
            env=clean_environ(env),
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if process.poll() is not None:
                    output.seek(0)
                    raise AssertionError(f"leitai exited early:\n{output.read()}")
                try:
                    get_json(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise AssertionError("leitai did not answer /healthz in time") from None
                    time.sleep(0.1)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def command_line(env: Mapping[str, str]) -> Iterator[Callable[..., str]]:
    """``run(args, stdin)``: ``leitai`` commands in this process, on the stores of ``env``.

    For a test's set-up (accounts, banks): a ``leitai`` process spends seconds importing
    before it does anything, which a busy 2-core CI paid for every command of every
    set-up. On the embedded stores the commands attach to the running server's Redis,
    as a ``leitai`` process does (test_serve.py runs those as processes)."""
    settings = settings_from_environ(clean_environ(env))
    engine = create_sql_engine(settings.database_url)
    wired = wire(settings, database=Database(engine))
    app = Flask(__name__)
    app.extensions["leitai"] = wired

    def run(args: list[str], stdin: str = "") -> str:
        done = CliRunner().invoke(cli, args, input=stdin, obj={"app": app})
        assert done.exit_code == 0, f"leitai {' '.join(args)}:\n{done.output}"
        return done.output

    try:
        yield run
    finally:
        wired.redis.close()
        engine.dispose()


def leitai(args: list[str], env: Mapping[str, str], stdin: str = "") -> str:
    """Run one ``leitai`` command to completion; its output, or a failure that shows it."""
    done = subprocess.run(
        [LEITAI, *args],
        env=clean_environ(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"leitai {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout
