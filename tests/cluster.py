"""A 3-master Redis Cluster on loopback for the tests (ports 7000-7002), started once.

    python3 tests/cluster.py        # start it unless it runs; print its LEITAI_ URL

``.ci/run`` starts it and exports ``LEITAI_TEST_REDIS_CLUSTER_URL``; the contract suite
and the two-process test then also run against it (tests/conftest.py). Standard library
only: ``.ci/run`` calls it before the virtualenv exists. The nodes keep nothing on disk
(no snapshot, no append-only file); their cluster configuration lives in a temp folder.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
PORTS = (7000, 7001, 7002)
URL = "redis+cluster://" + ",".join(f"{HOST}:{port}" for port in PORTS)


def _ask(port: int, *command: str) -> str | None:
    """One command's reply from a node, or None when it does not answer."""
    try:
        done = subprocess.run(
            ["redis-cli", "-h", HOST, "-p", str(port), *command],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except subprocess.TimeoutExpired:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def healthy() -> bool:
    """Every node answers and the cluster serves all 16384 slots."""
    info = _ask(PORTS[0], "cluster", "info") or ""
    return "cluster_state:ok" in info and all(_ask(p, "ping") == "PONG" for p in PORTS)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) == 0


def start(timeout_s: float = 30) -> str:
    """Start the nodes and join them into one cluster, unless that is running already."""
    if healthy():
        return URL
    folder = Path(tempfile.mkdtemp(prefix="leitai-cluster-"))
    for port in PORTS:
        if not _listening(port):
            subprocess.run(
                [
                    *("redis-server", "--port", str(port), "--bind", HOST),
                    *("--cluster-enabled", "yes"),
                    *("--cluster-config-file", str(folder / f"nodes-{port}.conf")),
                    *("--dir", str(folder), "--save", "", "--appendonly", "no"),
                    *("--daemonize", "yes"),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
    deadline = time.monotonic() + timeout_s
    while not all(_ask(p, "ping") == "PONG" for p in PORTS):
        if time.monotonic() > deadline:
            raise SystemExit(f"the cluster's nodes did not start on ports {PORTS}")
        time.sleep(0.1)
    if "cluster_slots_assigned:0" in (_ask(PORTS[0], "cluster", "info") or ""):
        subprocess.run(
            [
                *("redis-cli", "--cluster", "create"),
                *(f"{HOST}:{port}" for port in PORTS),
                *("--cluster-replicas", "0", "--cluster-yes"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    while not healthy():
        if time.monotonic() > deadline:
            raise SystemExit("the cluster did not come up (cluster_state is not ok)")
        time.sleep(0.1)
    return URL


if __name__ == "__main__":
    print(start())
    sys.exit(0)
