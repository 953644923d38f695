"""``leitai demo`` as a process: a whole live round over real WebSockets, then standings."""

from __future__ import annotations

import json
import re
import subprocess
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass

import pytest
import redis

from engine.domain.regions import GUANGDONG
from tests.conftest import DATABASE_URL, REDIS_URL, fresh_postgres_database
from tests.integration.servers import LEITAI, clean_environ, free_port

pytestmark = pytest.mark.slow

TIME_LIMIT_S = 60
QUESTIONS = 5
#: Each question closes after this long at most (the demo's phones answer within it),
#: and each pause lasts PAUSE_S: short, so the three runs here take seconds, not minutes.
QUESTION_S, PAUSE_S = 2, 0.2
#: Five questions at most 1000 points each, plus streak bonuses of 100, 200, 300, 400.
MAX_POINTS = QUESTIONS * 1000 + 100 + 200 + 300 + 400
URL_LINE = re.compile(r"^  ([A-Z][A-Za-z ]+):\s+(http://\S+)$")
REGIONS = {region.code for region in GUANGDONG}
SERVICES = ["services"] if DATABASE_URL and REDIS_URL else []


@dataclass
class Standing:
    rank: int
    nickname: str
    region: str
    points: int
    seconds: float


@dataclass
class DemoRun:
    output: list[str]
    urls: dict[str, str]
    statuses: dict[str, int]
    login: tuple[str, str] | None
    token_status: int | None
    seconds: float

    def standings(self) -> list[Standing]:
        start = next(i for i, line in enumerate(self.output) if line.startswith("Final standings"))
        assert re.split(r"\s{2,}", self.output[start + 1].strip()) == [
            "rank",
            "nickname",
            "region",
            "points",
            "time",
        ]
        rows = []
        for line in self.output[start + 2 :]:
            rank, nickname, region, points, seconds = re.split(r"\s{2,}", line.strip())
            rows.append(Standing(int(rank), nickname, region, int(points), float(seconds[:-2])))
        return rows


def get_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (localhost)
        return response.status


def log_in(base: str, username: str, password: str) -> int:
    request = urllib.request.Request(  # noqa: S310 (localhost)
        f"{base}/api/v1/auth/token",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        assert "token" in json.loads(response.read())
        return response.status


def run_demo(env: dict[str, str], contestants: int) -> DemoRun:
    """Run the demo to the end; while it runs, open every URL it printed."""
    port = free_port()
    args = [
        *("demo", "--contestants", str(contestants), "--exit-after-round"),
        *("--port", str(port), "--question-seconds", str(QUESTION_S)),
        *("--pause-seconds", str(PAUSE_S)),
    ]
    started = time.monotonic()
    process = subprocess.Popen(
        [LEITAI, *args],
        env=clean_environ(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the server's access noise
        text=True,
    )
    watchdog = threading.Timer(TIME_LIMIT_S, process.kill)
    watchdog.start()
    run = DemoRun([], {}, {}, None, None, 0)
    try:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.rstrip("\n")
            run.output.append(line)
            if found := URL_LINE.match(line):
                run.urls[found[1]] = found[2]
            if found := re.search(r"Organiser login: (\S+) / (\S+)", line):
                run.login = (found[1], found[2])
            if line.startswith("  Organiser login"):  # the last line about URLs
                run.statuses = {name: get_status(url) for name, url in run.urls.items()}
                if run.login is not None:
                    run.token_status = log_in(f"http://127.0.0.1:{port}", *run.login)
        assert process.wait() == 0, "\n".join(run.output)
    finally:
        watchdog.cancel()
        process.kill()
        process.wait()
        process.stdout.close()  # type: ignore[union-attr]
    run.seconds = time.monotonic() - started
    return run


def assert_a_sensible_round(run: DemoRun, contestants: int) -> None:
    assert run.seconds < TIME_LIMIT_S
    assert set(run.urls) >= {"Spectators", "Contestants", "Organiser", "API docs", "Health"}
    assert run.statuses == dict.fromkeys(run.urls, 200)
    opened = [line for line in run.output if re.match(rf"Q\d/{QUESTIONS} open", line)]
    assert len(opened) == QUESTIONS
    assert f"{contestants} contestants joined" in "\n".join(run.output)
    standings = run.standings()
    assert len(standings) == contestants
    assert len({s.nickname for s in standings}) == contestants
    assert {s.region for s in standings} <= REGIONS
    assert [s.rank for s in standings] == sorted(s.rank for s in standings)
    assert standings[0].rank == 1
    assert [s.points for s in standings] == sorted((s.points for s in standings), reverse=True)
    assert all(0 <= s.points <= MAX_POINTS for s in standings)
    assert standings[0].points > 0  # with five questions, somebody gets one right
    assert all(0 <= s.seconds <= QUESTIONS * QUESTION_S for s in standings)


def test_demo_runs_a_live_round_and_prints_the_standings_twice_in_one_instance(tmp_path):
    env = {"LEITAI_INSTANCE": str(tmp_path / "instance")}

    first = run_demo(env, contestants=8)
    assert_a_sensible_round(first, 8)
    assert any(re.match(r"national-defence: created version 1 ", line) for line in first.output)
    assert first.login is not None
    assert first.login[0] == "demo-host"
    assert first.token_status == 200  # the printed password logs in

    second = run_demo(env, contestants=3)
    assert_a_sensible_round(second, 3)
    for slug in ("national-defence", "cantonese-folk-songs"):
        assert any(line.startswith(f"{slug}: unchanged (version 1") for line in second.output)
    assert second.login is None  # the password is shown once; only its hash is stored
    assert any("Organiser login: demo-host (its password" in line for line in second.output)


@pytest.mark.parametrize("stack_name", SERVICES)
def test_demo_runs_on_postgresql_and_a_redis_server(tmp_path, stack_name):
    prefix = f"test-demo-{uuid.uuid4().hex[:8]}"
    env = {
        "LEITAI_INSTANCE": str(tmp_path),
        "LEITAI_DATABASE_URL": fresh_postgres_database(DATABASE_URL or "", "demo"),
        "LEITAI_REDIS_URL": REDIS_URL or "",
        "LEITAI_REDIS_PREFIX": prefix,
    }
    try:
        run = run_demo(env, contestants=8)
        assert "(SQL: postgresql, Redis: redis)" in "\n".join(run.output)
        assert_a_sensible_round(run, 8)
    finally:
        client = redis.Redis.from_url(REDIS_URL or "")
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
