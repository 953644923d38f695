"""Leaderboard benchmark: a million contestants on the machine's Redis.

Measures the time to apply one scored answer per member (pipelined ``add_many``), the
latency of rank, top-100 and around-me reads, Redis memory per member, and snapshot
build time. In the same run, the baseline: bare pipelined ZINCRBYs of the same answers
into plain sorted sets of the same sizes (one per board a contestant is on), so Redis's
own cost of the apply is measured beside Leitai's and printed as a ratio. Prints a table
and writes ``load_tests/results/leaderboard.json``. Uses a unique key prefix and deletes
its keys at the end, also when interrupted.

    .venv/bin/python load_tests/leaderboard.py --members 1000000 --shards 4
    .venv/bin/python load_tests/leaderboard.py --cluster --shards 3   # tests/cluster.py
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

from engine.adapters.redis.batch import Batch
from engine.adapters.redis.connection import cluster_client
from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.domain.regions import region_codes
from engine.domain.standings import ALL, Profile

RESULTS = Path(__file__).parent / "results" / "leaderboard.json"
ROUND = 1
TEAMS = 1000
CLUSTER_URL = "redis+cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--cluster",
        nargs="?",
        const=CLUSTER_URL,
        default=None,
        help=f"run on a Redis Cluster instead (default {CLUSTER_URL}, tests/cluster.py)",
    )
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

    client = cluster_client(args.cluster) if args.cluster else redis.Redis.from_url(args.redis_url)
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
    reset_stats(client)
    started = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:  # redis-py's pool: one connection each
        for _ in pool.map(lambda batch: board.add_many(ROUND, batch), batches):
            check(deadline)
    apply_s = time.perf_counter() - started
    stats = command_stats(client)
    redis_us = {
        name: round(usec / args.members, 2)
        for name, (_, usec) in stats.items()
        if usec / args.members >= 0.05
    }
    # The scripts' own time (EVALSHA's includes the commands they call).
    leitai_us = stats.get("evalsha", (0, 0))[1] / args.members
    boards = boards_of(board, members, with_region, with_team, args.plan_freeze)
    raw = raw_baseline(client, prefix_of(board), boards, batches, args.clients, deadline)
    # Then the same answers again, both ways in turn, for the CPU ratio.
    leitai_cpu_us, raw_cpu_us = interleaved_cpu(client, board, boards, batches)
    per_board = {
        "leitai_us_per_answer": round(leitai_us, 2),
        "raw_zincrby_us_per_answer": round(raw["us_per_answer"], 2),
        "boards_per_answer": round(raw["boards_per_answer"], 2),
        "leitai_us_per_answer_per_board": round(leitai_us / raw["boards_per_answer"], 3),
        "raw_us_per_answer_per_board": round(raw["us_per_answer"] / raw["boards_per_answer"], 3),
        "ratio": round(leitai_us / raw["us_per_answer"], 2),
        "leitai_cpu_us_per_answer": round(leitai_cpu_us, 2),
        "raw_cpu_us_per_answer": round(raw_cpu_us, 2),
        "cpu_ratio": round(leitai_cpu_us / raw_cpu_us, 2),
        "raw_apply_s": round(raw["apply_s"], 2),
        "raw_answers_per_s": round(args.members / raw["apply_s"]),
        "raw_board_member_b": round(raw["all_board_b"] / args.members, 1),
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
        "baseline": per_board,
        "cluster": bool(args.cluster),
        "masters": len(primaries(client)),
        "memory_per_contestant_b": round((memory_after - memory_before) / args.members, 1),
        "memory_per_board_member_b": round(all_board / args.members, 1),
        "plan_freeze": args.plan_freeze,
        "scopes": args.scopes,
        "boards_per_contestant": ("live + public" if args.plan_freeze else "live")
        + f" x ({args.scopes}), plus a profile hash entry",
        "latency_ms": {k: percentiles(v) for k, v in latencies.items()},
        "snapshot_build_ms": percentiles(snapshots),
        "redis_version": node_clients(client)[0].info("server")["redis_version"],
    }


def boards_of(
    board: RedisLeaderboard, members: list[str], region: bool, team: bool, public: bool
) -> dict[str, list[str]]:
    """Each contestant's round boards, named as in the benchmark's Redis: the plain sorted
    sets the baseline writes, one per board Leitai writes for the same answer."""
    keys = [board._board_keys(ROUND, ALL, s) for s in range(board._shards)]
    profiles: dict[str, Profile | None] = {}
    for chunk in chunks(members, 5000):
        profiles.update(board._profiles_of(keys, chunk))
    views = ("live", "public") if public else ("live",)
    boards = {}
    for contestant, profile in profiles.items():
        assert profile is not None
        scopes = ["all"]
        if region and profile.region:
            scopes.append(f"region:{profile.region}")
        if team and profile.team:
            scopes.append(f"team:{profile.team}")
        tag = f"{{r:{ROUND}:{board.shard_of(contestant)}}}"  # the same spread over slots
        boards[contestant] = [f"{tag}:raw:{v}:{s}" for v in views for s in scopes]
    return boards


def raw_baseline(
    client: redis.Redis,
    prefix: str,
    boards: dict[str, list[str]],
    batches: list[list[tuple[str, int, int]]],
    clients: int,
    deadline: float,
) -> dict[str, float]:
    """The same answers as bare pipelined ZINCRBYs into plain sorted sets holding the same
    members (at 0, as registered): Redis's own cost of moving the same scores."""
    members = list(boards)
    for chunk in chunks(members, 5000):
        pipe = Batch(client)
        for contestant in chunk:
            for key in boards[contestant]:
                pipe.zadd(f"{prefix}:{key}", {contestant: 0})
        pipe.execute()
        check(deadline)

    def apply(batch: list[tuple[str, int, int]]) -> None:
        apply_raw(client, prefix, boards, batch)

    reset_stats(client)
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for _ in pool.map(apply, batches):
            check(deadline)
    apply_s = time.perf_counter() - started
    calls, usec = command_stats(client).get("zincrby", (0, 0))
    all_board = sum(
        int(node.memory_usage(key, samples=0) or 0)
        for node in node_clients(client)
        for key in node.scan_iter(match=f"{prefix}:*raw:live:all", count=1000)
    )
    return {
        "us_per_answer": usec / len(members),
        "boards_per_answer": calls / len(members),
        "apply_s": apply_s,
        "all_board_b": all_board,
    }


def apply_raw(
    client: redis.Redis,
    prefix: str,
    boards: dict[str, list[str]],
    batch: list[tuple[str, int, int]],
) -> None:
    pipe = Batch(client)
    for contestant, points, response_ms in batch:
        for key in boards[contestant]:
            pipe.zincrby(f"{prefix}:{key}", points * 2_097_152 - response_ms, contestant)
    pipe.execute()


def interleaved_cpu(
    client: redis.Redis,
    board: RedisLeaderboard,
    boards: dict[str, list[str]],
    batches: list[list[tuple[str, int, int]]],
) -> tuple[float, float]:
    """Redis CPU µs per answer of Leitai's apply and of the raw ZINCRBYs, batch about
    batch on one connection: on a loaded machine both phases see the same load, where
    two phases minutes apart did not (the ratio moved by 0.5 between runs)."""
    leitai = raw = 0.0
    prefix = prefix_of(board)
    for batch in batches:
        before = cpu_seconds(client)
        board.add_many(ROUND, batch)
        middle = cpu_seconds(client)
        apply_raw(client, prefix, boards, batch)
        leitai, raw = leitai + middle - before, raw + cpu_seconds(client) - middle
    answers = sum(len(batch) for batch in batches)
    return leitai * 1e6 / answers, raw * 1e6 / answers


def prefix_of(board: RedisLeaderboard) -> str:
    return board._prefix


def primaries(client: redis.Redis) -> list:
    get = getattr(client, "get_primaries", None)
    return get() if get else [client]


def node_clients(client: redis.Redis) -> list[redis.Redis]:
    """A plain client per master (the client itself on one server)."""
    if not hasattr(client, "get_primaries"):
        return [client]
    return [client.get_redis_connection(n) for n in client.get_primaries()]  # type: ignore[attr-defined]


def cpu_seconds(client: redis.Redis) -> float:
    """Redis's CPU time so far, summed over masters: unlike the commands' wall time it
    does not count the time a loaded machine kept Redis off the CPU."""
    return sum(
        float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])
        for cpu in (node.info("cpu") for node in node_clients(client))
    )


def reset_stats(client: redis.Redis) -> None:
    for node in node_clients(client):
        node.config_resetstat()


def command_stats(client: redis.Redis) -> dict[str, tuple[int, int]]:
    """(calls, usec) per command, summed over every master."""
    totals: dict[str, tuple[int, int]] = {}
    for node in node_clients(client):
        for name, stat in node.info("commandstats").items():
            calls, usec = totals.get(name.removeprefix("cmdstat_"), (0, 0))
            totals[name.removeprefix("cmdstat_")] = (calls + stat["calls"], usec + stat["usec"])
    return totals


def used_memory(client: redis.Redis) -> int:
    """Once the background thread has freed what earlier runs UNLINKed: otherwise their
    boards are counted as freed during this run. Summed over a cluster's masters."""
    total = 0
    for node in node_clients(client):
        for _ in range(600):
            memory = node.info("memory")
            if not int(memory.get("lazyfree_pending_objects", 0)):
                break
            time.sleep(0.1)
        total += int(memory["used_memory"])
    return total


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
    for node in node_clients(client):
        batch: list[bytes] = []
        for key in node.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) == 500:
                deleted += sum(node.unlink(k) for k in batch)  # keys may span slots
                batch.clear()
        deleted += sum(node.unlink(k) for k in batch)
    return deleted


def report(result: dict) -> None:
    targets = {"memory_per_board_member_b": "<= 120 B"}
    print(
        f"\nleaderboard benchmark: {result['members']:,} members, {result['shards']} shard(s),"
        f" scopes {result['scopes']}, freeze {args_key(result)}, {result['clients']} clients"
    )
    for key in ("register_s", "apply_s", "answers_per_s", "memory_per_contestant_b"):
        print(f"  {key:28} {result[key]:>12} {targets.get(key, '')}")
    print(f"  {'redis µs per answer':28} {result['redis_us_per_answer']}")
    base = result["baseline"]
    print(
        f"  {'redis µs/answer/board':28} leitai {base['leitai_us_per_answer_per_board']}"
        f"  raw ZINCRBY {base['raw_us_per_answer_per_board']}"
        f"  ({base['boards_per_answer']} boards per answer)"
    )
    print(f"  {'ratio leitai / raw (usec)':28} {base['ratio']:>12}x <= 1.3x  (commandstats)")
    print(
        f"  {'ratio leitai / raw (CPU)':28} {base['cpu_ratio']:>12}x <= 1.3x"
        f"  (Redis CPU µs per answer: leitai {base['leitai_cpu_us_per_answer']},"
        f" raw {base['raw_cpu_us_per_answer']})"
    )
    print(
        f"  {'raw answers_per_s':28} {base['raw_answers_per_s']:>12}"
        f"  (leitai {result['answers_per_s']}, {result['masters']} master(s))"
    )
    print(f"  {'raw board member B':28} {base['raw_board_member_b']:>12}")
    print(f"  {'memory_per_board_member_b':28} {result['memory_per_board_member_b']:>12} <= 120 B")
    for name, cut in {
        **result["latency_ms"],
        "snapshot_build": result["snapshot_build_ms"],
    }.items():
        print(f"  {name + ' ms':28} p50 {cut['p50']:>8} p99 {cut['p99']:>8}  (p99 < 2 ms)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    key = f"members={result['members']},shards={result['shards']},scopes={result['scopes']}"
    key += ",cluster" if result["cluster"] else ""
    runs[f"{key},freeze={args_key(result)}"] = result
    RESULTS.write_text(json.dumps(runs, indent=2) + "\n")
    print(f"written to {RESULTS}")


def args_key(result: dict) -> str:
    return "planned" if result["plan_freeze"] else "none"


if __name__ == "__main__":
    main()
