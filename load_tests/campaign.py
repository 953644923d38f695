"""A province-wide campaign (issue 15): registrations served over HTTP, participation at scale.

Starts one ``leitai serve`` on a scratch PostgreSQL database and a unique Redis prefix
(both deleted at the end), creates over the API a campaign over all of Guangdong's places
with a roster of ``--units`` units spread over its 122 county-level divisions, and one
stage of one self-paced round under "first attempt of the day counts". Then three phases:

1. **Served** (measured through the real server): ``--registrations`` simulated people,
   ``--concurrency`` at a time, each registers (POST /campaigns/{id}/registrations) and
   makes ``--attempts`` attempts (POST /campaigns/{id}/entries, then the round's paper of
   ``--questions`` questions). Registration p50/p99, registrations/s and answers/s, the
   server's CPU, and Redis and SQL bytes per registration. Then the same client drives
   ``selfpaced_baseline.py`` (bare Flask + gevent, no engine work) with as many entries
   of as many questions per entry as attempts times questions, for the ratios.
2. **Check**: after the served phase (and after each seeding), the participation table's
   counts and rates per unit, counted live, equal those recomputed straight from SQL
   (distinct registrations with a counted attempt).
3. **Seeded** (not served): registrations and their attempts bulk-inserted with
   SQLAlchemy core up to each of ``--seed`` totals (e.g. 100000,1000000), ``--attempts``
   entries each spread over three days, without answers (the seeded attempts score 0:
   the answers' aggregate is only over the served sample's answers), each counted as
   the service counts a participant (its row, its unit's count plus one). Then
   ``GET .../participation?by=unit|district|city`` is timed ``--calls`` times each.

    python load_tests/campaign.py --registrations 2000 --seed 100000,1000000

Prints a table with a verdict per target and writes load_tests/results/campaign.json.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
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
from geventhttpclient import HTTPClient  # noqa: E402
from selfpaced import (  # noqa: E402  the same server set-up, client and baseline
    Api,
    _response,
    cpu_seconds,
    drop_database,
    fresh_database,
    open_selfpaced_round,
    percentile,
    run_load,
    start_server,
    stop,
    wait_for,
)

from engine.domain.places import guangdong  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
DAY_MS = 86_400_000
TARGET_PARTICIPATION_P99_MS = 50


def roster_csv(units: int, rng: random.Random) -> tuple[bytes, int]:
    """``units`` units over Guangdong's county-level divisions, round-robin; the
    headcount is set so the whole roster counts about 2,000,000 people."""
    districts = [p for p in guangdong().places if p.parent is not None]
    lines = ["name,place,headcount,code"]
    total = 0
    for number in range(units):
        place = districts[number % len(districts)]
        headcount = rng.randint(200, 600)
        total += headcount
        lines.append(f"单位{number:05d},{place.code},{headcount},u{number:05d}")
    return ("\n".join(lines) + "\n").encode(), total


def upload(port: int, path: str, token: str, data: bytes) -> tuple[int, object]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="units.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    api = Api(port, defaultdict(list))
    api.http = HTTPClient("127.0.0.1", port, network_timeout=600)  # set-up: 5,000 rows
    response = api.http.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Bearer {token}",
        },
    )
    return response.status_code, json.loads(response.read())


def set_up(port: int, args: argparse.Namespace) -> dict:
    """Login, a self-paced round, a campaign over all of Guangdong, its roster, a stage."""
    api = Api(port, defaultdict(list))
    token, round_ = open_selfpaced_round(
        api, "Campaign benchmark", args.questions, 3 * DAY_MS, shuffle_options=False
    )
    now = int(time.time() * 1000)
    status, campaign = api.call(
        "setup",
        "POST",
        "/api/v1/campaigns",
        {
            "title": "Campaign benchmark",
            "opens_at": now - DAY_MS,
            "closes_at": now + 3 * DAY_MS,
            "registration": {"fields": {"unit": "required"}, "identity": "none"},
        },
        token,
    )
    assert status == 201, campaign
    data, headcount = roster_csv(args.units, random.Random(1))
    status, units = upload(port, f"/api/v1/campaigns/{campaign['id']}/units", token, data)
    assert status in (200, 201), units
    status, stage = api.call(
        "setup",
        "POST",
        f"/api/v1/campaigns/{campaign['id']}/stages",
        {"title": "Heats", "rounds": [round_["id"]], "attempt_rule": {"kind": "first_of_day"}},
        token,
    )
    assert status in (200, 201), stage
    return {
        "token": token,
        "campaign": campaign["id"],
        "round": round_["id"],
        "stage": stage["stages"][-1]["id"],
        "units": [u["id"] for u in units],
        "unit_codes": [u["code"] for u in units],
        "headcount": headcount,
    }


def person(port: int, setup: dict, args, next_person, timings, outcome, seed: int) -> None:
    api = Api(port, timings)
    rng = random.Random(seed)
    campaign, round_id = setup["campaign"], setup["round"]
    while (number := next_person()) is not None:
        unit = rng.choice(setup["unit_codes"])
        status, registered = api.call(
            "POST /registrations",
            "POST",
            f"/api/v1/campaigns/{campaign}/registrations",
            {"nickname": f"p{number}", "unit": unit},
        )
        if status != 201:
            outcome["errors"] += 1
            outcome.setdefault("first_error", f"{status} {registered}")
            continue
        outcome["registered"] += 1
        for _ in range(args.attempts):
            status, entry = api.call(
                "POST /entries",
                "POST",
                f"/api/v1/campaigns/{campaign}/entries",
                {"token": registered["token"], "round": round_id},
            )
            if status != 201:
                outcome["errors"] += 1
                outcome.setdefault("first_error", f"{status} {entry}")
                continue
            token = entry["token"]
            while True:
                status, delivery = api.call(
                    "GET /paper/next", "GET", f"/api/v1/rounds/{round_id}/paper/next", token=token
                )
                if status != 200 or delivery["done"]:
                    break
                question = delivery["question"]
                body = {"question": question["key"], "response": _response(question, rng)}
                status, answered = api.call(
                    "POST /answers", "POST", f"/api/v1/rounds/{round_id}/answers", body, token
                )
                outcome["acked" if status == 200 and answered["accepted"] else "lost"] += 1


def sql_engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))


def sql_bytes(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(
            connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
        )


def redis_used(url: str) -> int:
    return int(redis.Redis.from_url(url).info("memory")["used_memory"])


def serve_sample(args, setup: dict, server_pid: int, engine: sa.Engine) -> dict:
    timings: dict[str, list[float]] = defaultdict(list)
    outcome: dict[str, int] = defaultdict(int)
    counter = iter(range(args.registrations))
    sql_before, redis_before = sql_bytes(engine), redis_used(args.redis_url)
    cpu_before, started = cpu_seconds(server_pid), time.monotonic()

    def next_person() -> int | None:
        if time.monotonic() - started > args.max_seconds:
            return None
        return next(counter, None)

    workers = [
        gevent.spawn(person, args.port, setup, args, next_person, timings, outcome, i)
        for i in range(args.concurrency)
    ]
    gevent.joinall(workers)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(server_pid) - cpu_before
    registered = max(1, outcome["registered"])
    # let the drainer write the answers before SQL is measured
    participation(args.port, setup, "unit")
    return {
        "seconds": round(elapsed, 1),
        "registered": outcome["registered"],
        "errors": outcome["errors"],
        "first_error": outcome.get("first_error"),
        "answers_acked": outcome["acked"],
        "answers_lost": outcome["lost"],
        "registrations_per_s": round(outcome["registered"] / elapsed, 1),
        "answers_per_s": round(outcome["acked"] / elapsed, 1),
        "endpoints": {
            name: {
                "count": len(v),
                "p50_ms": round(percentile(v, 0.5), 2),
                "p99_ms": round(percentile(v, 0.99), 2),
            }
            for name, v in sorted(timings.items())
        },
        "server_cpu_ms_per_registration": round(1000 * cpu / registered, 2),
        "redis_bytes_per_registration": round(
            (redis_used(args.redis_url) - redis_before) / registered
        ),
        "sql_bytes_per_registration": round((sql_bytes(engine) - sql_before) / registered),
        "load_average": round(os.getloadavg()[0], 2),
    }


def participation(port: int, setup: dict, by: str) -> tuple[float, dict]:
    api = Api(port, defaultdict(list))
    api.http = HTTPClient("127.0.0.1", port, network_timeout=900)  # seconds at a million
    started = time.perf_counter()
    status, table = api.call(
        "participation",
        "GET",
        f"/api/v1/campaigns/{setup['campaign']}/participation?by={by}",
        token=setup["token"],
    )
    assert status == 200, table
    return (time.perf_counter() - started) * 1000, table


def check_rates(port: int, setup: dict, engine: sa.Engine) -> dict:
    """The served table's participants and rates per unit against SQL's own count."""
    _, table = participation(port, setup, "unit")
    with engine.connect() as connection:
        counted = dict(
            connection.execute(
                sa.text(
                    "SELECT r.unit_id, count(DISTINCT r.id) FROM campaign_registrations r"
                    " JOIN campaign_entries e ON e.registration_id = r.id"
                    " WHERE r.campaign_id = :c AND NOT e.practice GROUP BY r.unit_id"
                ),
                {"c": setup["campaign"]},
            ).all()
        )
        headcount = dict(
            connection.execute(
                sa.text("SELECT id, headcount FROM campaign_units WHERE campaign_id = :c"),
                {"c": setup["campaign"]},
            ).all()
        )
    mismatches = [
        row["code"]
        for row in table["rows"]
        if row["participants"] != counted.get(int(row["code"]), 0)
        or row["rate"] != counted.get(int(row["code"]), 0) / headcount[int(row["code"])]
    ]
    return {
        "units": len(table["rows"]),
        "participants_sql": sum(counted.values()),
        "participants_served": table["campaign"]["participants"],
        "mismatched_units": len(mismatches),
        "rates_equal": not mismatches
        and sum(counted.values()) == table["campaign"]["participants"],
    }


def seed(engine: sa.Engine, setup: dict, args, start: int, end: int) -> float:
    """Registrations ``start``..``end`` and ``--attempts`` entries each, one a day
    (the first of the day counts), by bulk insert: seeded, not served. Each is counted
    as the service counts a first counted attempt: a participant row, and one more in
    its unit's live count."""
    meta = sa.MetaData()
    registrations = sa.Table("campaign_registrations", meta, autoload_with=engine)
    entries = sa.Table("campaign_entries", meta, autoload_with=engine)
    participants = sa.Table("campaign_participants", meta, autoload_with=engine)
    count_more = sa.text(
        "INSERT INTO campaign_unit_counts (stage_id, unit_key, participants)"
        " VALUES (:stage_id, :unit_key, :participants) ON CONFLICT (stage_id, unit_key)"
        " DO UPDATE SET participants = campaign_unit_counts.participants + excluded.participants"
    )
    rng = random.Random(start)
    now = int(time.time() * 1000)
    began = time.monotonic()
    batch = 20_000
    with engine.begin() as connection:
        first_id = (
            int(
                connection.execute(
                    sa.text("SELECT coalesce(max(id), 0) FROM campaign_registrations")
                ).scalar()
            )
            + 1
        )
    for low in range(start, end, batch):
        high = min(end, low + batch)
        people = []
        attempts = []
        counted: dict[int, int] = defaultdict(int)
        for offset, number in enumerate(range(low, high)):
            rid = first_id + (low - start) + offset
            people.append(
                {
                    "id": rid,
                    "campaign_id": setup["campaign"],
                    "token_hash": hashlib.sha256(f"seed{number}".encode()).hexdigest(),
                    "nickname": f"s{number}",
                    "name": None,
                    "phone": None,
                    "place": None,
                    "unit_id": rng.choice(setup["units"]),
                    "details": {},
                    "identity_hash": None,
                    "registered_at_ms": now - 3 * DAY_MS,
                }
            )
            counted[people[-1]["unit_id"]] += 1
            for day in range(args.attempts):
                attempts.append(
                    {
                        "registration_id": rid,
                        "round_id": setup["round"],
                        "contestant": f"s{number}a{day}",
                        "practice": False,
                        "started_at_ms": now - (3 - day) * DAY_MS + rng.randrange(DAY_MS // 2),
                    }
                )
        with engine.begin() as connection:
            connection.execute(registrations.insert(), people)
            connection.execute(entries.insert(), attempts)
            connection.execute(
                participants.insert(),
                [{"stage_id": setup["stage"], "registration_id": p["id"]} for p in people],
            )
            connection.execute(
                count_more,
                [
                    {"stage_id": setup["stage"], "unit_key": unit, "participants": n}
                    for unit, n in counted.items()
                ],
            )
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('campaign_registrations', 'id'),"
                " (SELECT max(id) FROM campaign_registrations))"
            )
        )
        connection.execute(sa.text("ANALYZE campaign_registrations; ANALYZE campaign_entries"))
    return time.monotonic() - began


def time_participation(port: int, setup: dict, calls: int) -> dict:
    out = {}
    for by in ("unit", "district", "city"):
        times = [participation(port, setup, by)[0] for _ in range(calls)]
        out[by] = {
            "calls": calls,
            "p50_ms": round(percentile(times, 0.5), 1),
            "p99_ms": round(percentile(times, 0.99), 1),
        }
    return out


def baseline_run(args, instance: Path) -> dict:
    """selfpaced.py's client against the bare framework: one entry per registration,
    with attempts x questions questions."""
    port = args.port + 1
    questions = args.attempts * args.questions
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("selfpaced_baseline.py")),
            *("--port", str(port), "--redis-url", args.redis_url, "--prefix", args.prefix),
            *("--questions", str(questions)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=(instance / "baseline.log").open("w"),
    )
    wait_for(server, port)
    try:
        load = argparse.Namespace(
            entries=args.registrations,
            concurrency=args.concurrency,
            max_seconds=args.max_seconds,
            embedded=False,
            redis_url=args.redis_url,
        )
        run = run_load(load, port, 1, server.pid)
    finally:
        stop(server)
    run.pop("timings")
    run.pop("outcome")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--registrations", type=int, default=5000, help="served over HTTP")
    parser.add_argument("--attempts", type=int, default=3)
    parser.add_argument("--questions", type=int, default=3, help="per attempt's paper")
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seed", default="100000", help="seeded totals, e.g. 100000,1000000")
    parser.add_argument("--calls", type=int, default=20, help="participation calls per grouping")
    parser.add_argument("--port", type=int, default=8776)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--max-seconds", type=int, default=1800)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    args.embedded = False
    args.prefix = f"bench-{uuid.uuid4().hex[:8]}"
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    args.database_url = fresh_database(args.database_url)
    engine = sql_engine(args.database_url)
    report: dict = {"units": args.units, "attempts": args.attempts, "questions": args.questions}
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        server = start_server(args, instance, args.port)
        try:
            setup = set_up(args.port, args)
            report["roster_headcount"] = setup["headcount"]
            report["served"] = serve_sample(args, setup, server.pid, engine)
            report["rates_check"] = check_rates(args.port, setup, engine)
            print(json.dumps(report["served"]), report["rates_check"], flush=True)
            save(report)
            report["participation"] = {
                str(report["served"]["registered"]): time_participation(
                    args.port, setup, args.calls
                )
            }
            total = report["served"]["registered"]
            report["seeded"] = {}
            report["rates_check_seeded"] = {}
            for goal in (int(n) for n in args.seed.split(",") if n):
                seconds = seed(engine, setup, args, total, goal)
                total = goal
                report["seeded"][str(goal)] = round(seconds, 1)
                calls = args.calls if goal <= 200_000 else max(3, args.calls // 4)
                report["participation"][str(goal)] = time_participation(args.port, setup, calls)
                report["rates_check_seeded"][str(goal)] = check_rates(args.port, setup, engine)
                print(
                    f"seeded to {goal}: {report['participation'][str(goal)]}",
                    report["rates_check_seeded"][str(goal)],
                    flush=True,
                )
                save(report)
            log = (instance / "server.log").read_text()
            if "Traceback" in log:
                print("server errors:\n" + log[-3000:], file=sys.stderr)
            stop(server)
            if not args.no_baseline:
                report["baseline"] = baseline_run(args, instance)
        finally:
            if server.poll() is None:
                stop(server)
            engine.dispose()
            client = redis.Redis.from_url(args.redis_url)
            for key in client.scan_iter(match=f"{args.prefix}:*", count=1000):
                client.unlink(key)
            drop_database(args.database_url)
    print_report(report)
    save(report)


def save(report: dict) -> None:
    """Written after each phase too: a run stopped at a million keeps what it measured."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "campaign.json").write_text(json.dumps(report, indent=2))


def print_report(report: dict) -> None:
    served = report["served"]
    print(
        f"\nserved over HTTP: {served['registered']} registrations x {report['attempts']}"
        f" attempts x {report['questions']} questions ({served['seconds']} s)"
    )
    print(f"{'endpoint':<22}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for name, row in served["endpoints"].items():
        print(f"{name:<22}{row['count']:>8}{row['p50_ms']:>10}{row['p99_ms']:>10}")
    for key in (
        "registrations_per_s",
        "answers_per_s",
        "server_cpu_ms_per_registration",
        "redis_bytes_per_registration",
        "sql_bytes_per_registration",
        "errors",
        "first_error",
        "answers_lost",
        "load_average",
    ):
        print(f"{key:<34}{served[key]}")
    print(f"{'rates from SQL = served':<34}{report['rates_check']}")
    for size, check in report.get("rates_check_seeded", {}).items():
        print(f"{'rates from SQL = live, ' + size:<34}{check}")
    print("\nparticipation table (the first size served, the others seeded)")
    print(f"{'registrations':>14}{'by':>10}{'calls':>7}{'p50 ms':>10}{'p99 ms':>10}  p99 < 50 ms")
    for size, groupings in report["participation"].items():
        for by, row in groupings.items():
            verdict = "pass" if row["p99_ms"] < TARGET_PARTICIPATION_P99_MS else "FAIL"
            times = f"{row['p50_ms']:>10}{row['p99_ms']:>10}"
            print(f"{size:>14}{by:>10}{row['calls']:>7}{times}  {verdict}")
    base = report.get("baseline")
    if base:
        registration = served["endpoints"]["POST /registrations"]
        entry = base["endpoints"]["POST /entries"]
        report["leitai_vs_baseline"] = {
            "answers_per_s": round(served["answers_per_s"] / base["answers_per_s"], 3),
            "registration_p99_vs_entry_p99": round(registration["p99_ms"] / entry["p99_ms"], 2),
        }
        print("\nbaseline (bare Flask + gevent, same client, one entry of attempts x questions)")
        print(f"{'baseline answers/s':<34}{base['answers_per_s']}")
        print(f"{'baseline POST /entries p99 ms':<34}{entry['p99_ms']}")
        print(f"{'answers/s vs baseline':<34}{report['leitai_vs_baseline']['answers_per_s']}")
        print(
            f"{'registration p99 / entry p99':<34}"
            f"{report['leitai_vs_baseline']['registration_p99_vs_entry_p99']}"
        )


if __name__ == "__main__":
    main()
