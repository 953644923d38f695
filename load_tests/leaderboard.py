"""Leaderboard benchmark: a million contestants on the machine's Redis.

Measures the time to apply one scored answer per member (pipelined ``add_many``), the
latency of rank, top-100 and around-me reads, Redis memory per member, and snapshot
build time. Prints a table and writes ``load_tests/results/leaderboard.json``. Uses a
unique key prefix and deletes its keys at the end, also when interrupted.

    .venv/bin/python load_tests/leaderboard.py --members 1000000 --shards 4
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.domain.regions import region_codes
from engine.domain.standings import Profile

RESULTS = Path(__file__).parent / "results" / "leaderboard.json"
ROUND = 1
TEAMS = 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--batch", type=int, default=500, help="answers per add_many call")
    parser.add_argument("--samples", type=int, default=2000, help="reads timed per kind")
    parser.add_argument("--deadline-s", type=float, default=900, help="give up after this")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--plan-freeze", action="store_true", help="keep public boards too (a freezable round)"
    )
    parser.add_argument(
        "--scopes",
        default="all,region,team",
        choices=["all,region,team", "all,region", "all"],
        help="the boards each contestant is on (what each scope costs per answer)",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=2,
        help="connections applying answers at once, so Python packs while Redis works",
    )
    args = parser.parse_args()

    client = redis.Redis.from_url(args.redis_url)
    prefix = f"bench-{uuid.uuid4().hex[:10]}"
    board = RedisLeaderboard(client, prefix, shards=args.shards)
    try:
        result = run(client, board, args)
    finally:
        deleted = delete_keys(client, prefix)
        print(f"deleted {deleted} keys under {prefix}:*")
    report(result)


def run(client: redis.Redis, board: RedisLeaderboard, args: argparse.Namespace) -> dict:
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.deadline_s
    regions = sorted(region_codes())
    members = [f"c{i:07d}" for i in range(args.members)]
    memory_before = used_memory(client)
    if args.plan_freeze:
        board.plan_freeze(ROUND)

    with_region, with_team = "region" in args.scopes, "team" in args.scopes
    started = time.perf_counter()
    for chunk in chunks(members, 5000):
        board.register_many(
            ROUND,
            {
                c: Profile(
                    c,
                    rng.choice(regions) if with_region else None,
                    f"t{rng.randrange(TEAMS)}" if with_team else None,
                )
                for c in chunk
            },
        )
        check(deadline)
    register_s = time.perf_counter() - started

    order = members[:]
    rng.shuffle(order)
    batches = [
        [(c, rng.randrange(0, 20_000, 10), rng.randrange(200, 20_000)) for c in chunk]
        for chunk in chunks(order, args.batch)
    ]
    client.config_resetstat()
    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:  # redis-py's pool: one connection each
        for _ in pool.map(lambda batch: board.add_many(ROUND, batch), batches):
            check(deadline)
    apply_s = time.perf_counter() - started
    redis_us = {
        name.removeprefix("cmdstat_"): round(stat["usec"] / args.members, 2)
        for name, stat in client.info("commandstats").items()
        if stat["usec"] / args.members >= 0.05
    }
    memory_after = used_memory(client)

    # One round-scope board: the live "all" board (its public twin costs the same).
    all_board = sum(
        int(client.memory_usage(f"{board._round(ROUND, s)}:live:all", samples=0) or 0)
        for s in range(args.shards)
    )
    sample = [rng.choice(members) for _ in range(args.samples)]
    latencies = {
        "rank": timed(lambda c: board.standing(ROUND, c, view="live"), sample),
        "top100": timed(lambda c: board.top(ROUND, "all", 0, 100, view="live"), sample),
        "around_me_5": timed(lambda c: board.standing(ROUND, c, around=5, view="live"), sample),
        "region_top100": timed(
            lambda c: board.top(ROUND, f"region:{regions[0]}", 0, 100, view="live"), sample
        ),
    }
    snapshots = []
    for i in range(20):
        started = time.perf_counter()
        board.snapshot(ROUND, now_ms=10_000 + 500 * i, top_n=100)
        snapshots.append(time.perf_counter() - started)
    return {
        "members": args.members,
        "shards": args.shards,
        "batch": args.batch,
        "register_s": round(register_s, 2),
        "apply_s": round(apply_s, 2),
        "answers_per_s": round(args.members / apply_s),
        "clients": args.clients,
        "redis_us_per_answer": redis_us,
        "memory_per_contestant_b": round((memory_after - memory_before) / args.members, 1),
        "memory_per_board_member_b": round(all_board / args.members, 1),
        "plan_freeze": args.plan_freeze,
        "scopes": args.scopes,
        "boards_per_contestant": ("live + public" if args.plan_freeze else "live")
        + f" x ({args.scopes}), plus a profile hash entry",
        "latency_ms": {k: percentiles(v) for k, v in latencies.items()},
        "snapshot_build_ms": percentiles(snapshots),
        "redis_version": client.info("server")["redis_version"],
    }


def used_memory(client: redis.Redis) -> int:
    """Once the background thread has freed what earlier runs UNLINKed: otherwise their
    boards are counted as freed during this run."""
    for _ in range(600):
        memory = client.info("memory")
        if not int(memory.get("lazyfree_pending_objects", 0)):
            break
        time.sleep(0.1)
    return int(memory["used_memory"])


def chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise SystemExit("deadline passed: giving up (keys are deleted)")


def timed(call: Callable[[str], object], sample: list[str]) -> list[float]:
    times = []
    for contestant in sample:
        started = time.perf_counter()
        call(contestant)
        times.append(time.perf_counter() - started)
    return times


def percentiles(seconds: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"p50": round(cuts[49] * 1000, 3), "p99": round(cuts[98] * 1000, 3)}


def delete_keys(client: redis.Redis, prefix: str) -> int:
    deleted = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        batch.append(key)
        if len(batch) == 500:
            deleted += sum(client.unlink(k) for k in batch)  # keys may span Cluster slots
            batch.clear()
    return deleted + sum(client.unlink(k) for k in batch)


def report(result: dict) -> None:
    targets = {"apply_s": "<= 15 s", "memory_per_board_member_b": "<= 120 B"}
    print(
        f"\nleaderboard benchmark: {result['members']:,} members, {result['shards']} shard(s),"
        f" scopes {result['scopes']}, freeze {args_key(result)}, {result['clients']} clients"
    )
    for key in ("register_s", "apply_s", "answers_per_s", "memory_per_contestant_b"):
        print(f"  {key:28} {result[key]:>12} {targets.get(key, '')}")
    print(f"  {'redis µs per answer':28} {result['redis_us_per_answer']}")
    print(f"  {'memory_per_board_member_b':28} {result['memory_per_board_member_b']:>12} <= 120 B")
    for name, cut in {
        **result["latency_ms"],
        "snapshot_build": result["snapshot_build_ms"],
    }.items():
        print(f"  {name + ' ms':28} p50 {cut['p50']:>8} p99 {cut['p99']:>8}  (p99 < 2 ms)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    key = f"members={result['members']},shards={result['shards']},scopes={result['scopes']}"
    runs[f"{key},freeze={args_key(result)}"] = result
    RESULTS.write_text(json.dumps(runs, indent=2) + "\n")
    print(f"written to {RESULTS}")


def args_key(result: dict) -> str:
    return "planned" if result["plan_freeze"] else "none"


if __name__ == "__main__":
    main()
