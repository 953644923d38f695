"""A swarm of simulated contestants against a live round, over raw WebSockets.

N contestants speak Engine.IO 4 / Socket.IO 5 directly (see engineio_client.py), join one
round by its code and answer every question; one host client on ``/host`` drives Q
questions. Measured: connect time, question fan-out latency (until the last contestant has
it), answer ack latency, answers/s, answers lost and double-counted, server RSS.

    python load_tests/swarm.py --target baseline --contestants 1000
    python load_tests/swarm.py --compare --contestants 10000 --questions 5
    python load_tests/swarm.py --target leitai --workers 1 2 --contestants 3000

Without ``--url`` the swarm starts the target server itself on a free port and stops it
afterwards. ``--compare`` runs the baseline and Leitai one after the other, prints the
ratios against issue 6's targets and writes load_tests/results/swarm.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import multiprocessing
import os
import random
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from engineio_client import SocketIOClient, socketio_url

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "swarm.json"
SCALING_RESULTS = HERE / "results" / "swarm-workers.json"
LEITAI = ROOT / ".venv" / "bin" / "leitai"
SEED_BANK = ROOT / "question_banks" / "cantonese-folk-songs" / "bank.yaml"
BASELINE_CODE = "BASE01"  # baseline.CODE; not imported, baseline.py monkey-patches on import

# Issue 6's targets for 10,000 contestants on one server process.
FANOUT_LIMIT_S = 1.0
FANOUT_RATIO = 1.15
THROUGHPUT_RATIO = 0.8
KB_PER_CONNECTION = 80.0


@dataclass(frozen=True)
class Settings:
    contestants: int = 1000
    questions: int = 5
    processes: int = 1
    batch: int = 500
    think_min_s: float = 0.0
    think_max_s: float = 1.0
    duplicate_rate: float = 0.02
    seed: int = 6
    connect_timeout_s: float = 60.0
    fanout_timeout_s: float = 10.0
    ack_timeout_s: float = 30.0
    timeout_s: float = 900.0


@dataclass(frozen=True)
class HostScript:
    """The host events that drive a round; the targets differ only in these names."""

    first_question: str
    next_question: str
    after_answers: tuple[str, ...]
    finish: str = "finish"


SCRIPTS = {
    # The same phase messages to every phone as Leitai's: question, closed, reveal.
    "baseline": HostScript("next", "next", ("close", "reveal")),
    # Leitai's live round: lobby -start-> first question; close, reveal, next (rounds.py).
    "leitai": HostScript("start", "next", ("close", "reveal")),
}


@dataclass(frozen=True)
class LeitaiRound:
    round: Any
    code: str
    host_token: str | None


class SwarmFailed(Exception):
    """The run could not go on (a refused setup, host command or dead server)."""


# --- measurements -----------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


@dataclass
class AnswerTally:
    """One question's answers in one group; tallies add up across groups."""

    latencies: list[float] = field(default_factory=list)
    acked: int = 0
    lost: int = 0
    not_accepted: int = 0
    double_counted: int = 0
    duplicates_sent: int = 0
    duplicates_flagged: int = 0
    first_send: float = float("inf")
    last_ack: float = float("-inf")

    def add(self, other: AnswerTally) -> None:
        self.latencies += other.latencies
        for name in (
            "acked",
            "lost",
            "not_accepted",
            "double_counted",
            "duplicates_sent",
            "duplicates_flagged",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.first_send = min(self.first_send, other.first_send)
        self.last_ack = max(self.last_ack, other.last_ack)

    def record(self, sent_at: float, outcomes: list[Any]) -> None:
        """One contestant's answer: ``outcomes`` holds an Ack or an exception per send."""
        counted = 0
        for position, outcome in enumerate(outcomes):
            ack = getattr(outcome, "data", None)
            if not (isinstance(ack, dict) and ack.get("ok") is True):
                self.lost += 1
                continue
            self.acked += 1
            self.last_ack = max(self.last_ack, outcome.received_at)
            if position == 0:
                self.latencies.append(outcome.received_at - sent_at)
            if ack.get("duplicate") is True:
                self.duplicates_flagged += 1
            elif ack.get("accepted") is True:
                counted += 1
            else:
                self.not_accepted += 1
        self.first_send = min(self.first_send, sent_at)
        self.duplicates_sent += len(outcomes) - 1
        self.double_counted += max(0, counted - 1)

    @property
    def burst_s(self) -> float:
        return max(0.0, self.last_ack - self.first_send)


# --- contestants (run in child processes, one asyncio loop each) --------------------------


def response_for(question: dict[str, Any], rng: random.Random) -> Any:
    """A valid response for the question's type (refused ones would count as lost): a
    choice key, some keys, every key in some order, true or false, or a short text."""
    keys = [choice["key"] for choice in question.get("choices") or () if "key" in choice]
    kind = question.get("type")
    if kind == "true_false":
        return rng.random() < 0.5
    if not keys:
        return "42"
    if kind == "multiple":
        return sorted(rng.sample(keys, rng.randint(1, len(keys))))
    if kind == "order":
        return rng.sample(keys, len(keys))
    return rng.choice(keys)


class Contestant:
    __slots__ = ("client", "group", "received", "rng", "tasks")

    def __init__(self, group: Group, client: SocketIOClient, rng: random.Random) -> None:
        self.group = group
        self.client = client
        self.rng = rng
        self.received: list[float] = []
        self.tasks: set[asyncio.Task[None]] = set()
        client.on("/play", "question", self.on_question)

    def on_question(self, question: Any, received_at: float) -> None:
        ordinal = len(self.received)
        self.received.append(received_at)
        receipts = self.group.receipts[ordinal] = self.group.receipts.get(ordinal, 0) + 1
        if receipts == 1:
            self.group.first_receipt_cpu[ordinal] = time.process_time()
        task = asyncio.create_task(self.answer(ordinal, question))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        self.group.progress.set()

    async def answer(self, ordinal: int, question: dict[str, Any]) -> None:
        settings = self.group.settings
        tally = self.group.tallies.setdefault(ordinal, AnswerTally())
        try:
            window_s = (question["closes_at"] - question["opens_at"]) / 1000
            latest = max(0.0, min(settings.think_max_s, window_s))
            await asyncio.sleep(self.rng.uniform(min(settings.think_min_s, latest), latest))
            payload = {
                "question": question["key"],
                "response": response_for(question, self.rng),
                "seq": question.get("seq"),
            }
            sends = 2 if self.rng.random() < settings.duplicate_rate else 1
            sent_at = time.monotonic()
            futures = []
            for _ in range(sends):  # a retry sent before the first ack is back
                with contextlib.suppress(Exception):
                    futures.append(await self.client.send("/play", "answer", payload))
            if futures:
                await asyncio.wait(futures, timeout=settings.ack_timeout_s)
                for future in futures:
                    future.cancel()  # an ack that never came is given up, not awaited later
            outcomes: list[Any] = [
                None if future.cancelled() or future.exception() else future.result()
                for future in futures
            ]
            tally.record(sent_at, outcomes + [None] * (sends - len(futures)))
        except Exception:
            tally.lost += 1
        finally:
            self.group.answered[ordinal] = self.group.answered.get(ordinal, 0) + 1
            self.group.progress.set()


class Group:
    """One process's share of the swarm; the parent drives it over a pipe."""

    def __init__(
        self, conn: Connection, url: str, code: str, first: int, count: int, settings: Settings
    ) -> None:
        self.conn = conn
        self.url = url
        self.code = code
        self.indices = range(first, first + count)
        self.settings = settings
        self.contestants: list[Contestant] = []
        self.inbox: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self.progress = asyncio.Event()
        self.receipts: dict[int, int] = {}
        self.first_receipt_cpu: dict[int, float] = {}
        self.answered: dict[int, int] = {}
        self.tallies: dict[int, AnswerTally] = {}

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(self.conn.fileno(), self.take_message)
        self.conn.send(("ready",))
        while True:
            message = await self.inbox.get()
            if message[0] == "connect":
                entered = await self.ramp()
                gc.freeze()  # 10,000 long-lived connections: keep them out of GC passes
                self.conn.send(("joined", entered))
            elif message[0] == "question":
                await self.question(message[1], message[2])
            else:  # "stop", or the parent is gone
                await asyncio.gather(
                    *(c.client.close() for c in self.contestants), return_exceptions=True
                )
                self.conn.send(("stopped",))
                return

    def take_message(self) -> None:
        try:
            self.inbox.put_nowait(self.conn.recv())
        except (EOFError, OSError):
            asyncio.get_running_loop().remove_reader(self.conn.fileno())
            self.inbox.put_nowait(("stop",))

    async def ramp(self) -> dict[str, Any]:
        connect_s: list[float] = []
        join_s: list[float] = []
        failures: Counter[str] = Counter()
        batch = max(1, self.settings.batch // self.settings.processes)
        indices = list(self.indices)
        for start in range(0, len(indices), batch):
            await asyncio.gather(
                *(
                    self.enter(i, connect_s, join_s, failures)
                    for i in indices[start : start + batch]
                )
            )
        return {"connect_s": connect_s, "join_s": join_s, "failures": dict(failures)}

    async def enter(
        self, index: int, connect_s: list[float], join_s: list[float], failures: Counter[str]
    ) -> None:
        started = time.monotonic()
        try:
            client = await SocketIOClient.connect(
                self.url, ("/play",), timeout=self.settings.connect_timeout_s
            )
        except Exception as error:
            failures[f"connect: {type(error).__name__}"] += 1
            return
        connected = time.monotonic()
        contestant = Contestant(self, client, random.Random(f"{self.settings.seed}:{index}"))
        try:
            ack = await client.call(
                "/play",
                "join",
                {"code": self.code, "nickname": f"swarm{index:05d}"},
                self.settings.ack_timeout_s,
            )
        except Exception as error:
            ack = {"error": {"code": type(error).__name__}}
        if not (isinstance(ack, dict) and ack.get("ok") is True):
            failures[f"join: {(ack or {}).get('error', {}).get('code', ack)}"] += 1
            await client.close()
            return
        connect_s.append(connected - started)
        join_s.append(time.monotonic() - connected)
        self.contestants.append(contestant)

    async def until(self, done: Any, deadline: float) -> None:
        while not done() and time.monotonic() < deadline:
            self.progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.progress.wait(), deadline - time.monotonic())

    async def question(self, ordinal: int, sent_at: float) -> None:
        """Report who got question ``ordinal`` and when, then how their answers fared."""
        settings = self.settings
        await self.until(
            lambda: self.receipts.get(ordinal, 0) >= len(self.contestants),
            sent_at + settings.fanout_timeout_s,
        )
        latencies = [
            c.received[ordinal] - sent_at for c in self.contestants if len(c.received) > ordinal
        ]
        # How busy this process was from its first receipt to its last: near 1.0 means the
        # swarm, not the server, may be what the fan-out latency measures.
        span = max(latencies, default=0) - min(latencies, default=0)
        cpu = time.process_time() - self.first_receipt_cpu.get(ordinal, time.process_time())
        busy = round(cpu / span, 2) if span > 0.05 else None
        self.conn.send(("question", latencies, len(self.contestants) - len(latencies), busy))
        expected = len(latencies)
        await self.until(
            lambda: self.answered.get(ordinal, 0) >= expected,
            time.monotonic() + settings.think_max_s + settings.ack_timeout_s + 1,
        )
        tally = self.tallies.get(ordinal, AnswerTally())
        tally.lost += max(0, expected - self.answered.get(ordinal, 0))
        self.conn.send(("answers", tally))


def run_group(
    conn: Connection, url: str, code: str, first: int, count: int, settings: Settings
) -> None:
    """A child process's entry point."""
    raise_open_files_limit()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    asyncio.run(Group(conn, url, code, first, count, settings).run())


# --- the parent: host, orchestration, summary -------------------------------------------


class GroupHandle:
    """The parent's end of one child process."""

    def __init__(self, process: multiprocessing.process.BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn
        self.inbox: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        asyncio.get_running_loop().add_reader(conn.fileno(), self.take_message)

    def take_message(self) -> None:
        try:
            self.inbox.put_nowait(self.conn.recv())
        except (EOFError, OSError):
            asyncio.get_running_loop().remove_reader(self.conn.fileno())
            self.inbox.put_nowait(("died",))

    async def expect(self, kind: str, timeout: float) -> tuple[Any, ...]:
        async with asyncio.timeout(timeout):
            message = await self.inbox.get()
        if message[0] != kind:
            raise SwarmFailed(f"a contestant process sent {message[0]!r}, expected {kind!r}")
        return message

    def close(self) -> None:
        asyncio.get_running_loop().remove_reader(self.conn.fileno())
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def start_groups(url: str, code: str, settings: Settings) -> list[GroupHandle]:
    context = multiprocessing.get_context("spawn")
    share, extra = divmod(settings.contestants, settings.processes)
    groups, first = [], 0
    for number in range(settings.processes):
        count = share + (number < extra)
        parent_end, child_end = context.Pipe()
        process = context.Process(
            target=run_group, args=(child_end, url, code, first, count, settings), daemon=True
        )
        process.start()
        child_end.close()
        groups.append(GroupHandle(process, parent_end))
        first += count
    return groups


#: Refusals that mean the round got there by itself (Leitai closes a question on time).
ALREADY_DONE = frozenset({"question_closed"})


async def host_command(host: SocketIOClient, event: str, payload: Any, settings: Settings) -> Any:
    ack = await host.call("/host", event, payload, settings.ack_timeout_s)
    if isinstance(ack, dict) and ack.get("ok") is True:
        return ack
    if isinstance(ack, dict) and (ack.get("error") or {}).get("code") in ALREADY_DONE:
        log(f"the host's {event!r}: {ack['error']['code']}, going on")
        return ack
    raise SwarmFailed(f"the host's {event!r} was refused: {ack!r}")


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants: a ``leitai serve --workers N`` parent and its workers."""
    found, index = [pid], 0
    while index < len(found):
        with contextlib.suppress(OSError):
            children = Path(f"/proc/{found[index]}/task/{found[index]}/children").read_text()
            found += [int(child) for child in children.split()]
        index += 1
    return found


def rss_kb(pid: int | None) -> int | None:
    """The resident memory of ``pid`` and its descendants, KB (VmRSS)."""
    if pid is None:
        return None
    total = None
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total = (total or 0) + int(line.split()[1])
    return total


def cpu_s(pid: int | None) -> float | None:
    """User plus system CPU seconds ``pid`` and its descendants have used so far
    (/proc/<pid>/stat): a server's workers are its children."""
    if pid is None:
        return None
    total = None
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total = (total or 0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def busy(pid: int | None, cpu_before: float | None, since: float) -> float | None:
    """The cores' worth ``pid`` (with its workers) used since ``since`` (monotonic) and
    ``cpu_before``: up to N with N workers."""
    cpu_now, wall = cpu_s(pid), time.monotonic() - since
    if cpu_now is None or cpu_before is None or wall <= 0:
        return None
    return round((cpu_now - cpu_before) / wall, 2)


def log(message: str) -> None:
    print(f"[swarm] {message}", file=sys.stderr, flush=True)


async def drive(
    settings: Settings, target: str, url: str, joining: LeitaiRound, server_pid: int | None
) -> dict[str, Any]:
    """Connect, join, run the questions; the raw measurements."""
    script = SCRIPTS[target]
    host = await SocketIOClient.connect(url, ("/host",), timeout=settings.connect_timeout_s)
    groups: list[GroupHandle] = []
    try:
        await host_command(
            host, "attach", {"round": joining.round, "token": joining.host_token}, settings
        )
        rss_before = rss_kb(server_pid)
        groups = start_groups(url, joining.code, settings)
        for group in groups:
            await group.expect("ready", 60)
        ramp_started = time.monotonic()
        for group in groups:
            group.conn.send(("connect",))
        joined = [await g.expect("joined", settings.timeout_s) for g in groups]
        ramp_s = time.monotonic() - ramp_started
        rss_after = rss_kb(server_pid)
        entered = {"connect_s": [], "join_s": [], "failures": Counter()}
        for _, report in joined:
            entered["connect_s"] += report["connect_s"]
            entered["join_s"] += report["join_s"]
            entered["failures"].update(report["failures"])
        log(f"{len(entered['join_s'])} of {settings.contestants} joined in {ramp_s:.1f} s")

        questions = []
        for ordinal in range(settings.questions):
            event = script.first_question if ordinal == 0 else script.next_question
            server_cpu = cpu_s(server_pid)
            sent_at = time.monotonic()
            await host_command(host, event, {}, settings)
            for group in groups:
                group.conn.send(("question", ordinal, sent_at))
            latencies, misses, swarm_busy = [], 0, []
            for group in groups:
                _, got, missed, load = await group.expect(
                    "question", settings.fanout_timeout_s + 30
                )
                latencies += got
                misses += missed
                swarm_busy.append(load)
            fanout_server_busy = busy(server_pid, server_cpu, sent_at)
            server_cpu, answers_from = cpu_s(server_pid), time.monotonic()
            tally = AnswerTally()
            for group in groups:
                wait = settings.think_max_s + settings.ack_timeout_s + 30
                tally.add((await group.expect("answers", wait))[1])
            answers_server_busy = busy(server_pid, server_cpu, answers_from)
            answers_cpu_after = cpu_s(server_pid)
            for event in script.after_answers:
                await host_command(host, event, {}, settings)
            questions.append(
                {
                    "fanout_s": latencies,
                    "misses": misses,
                    "swarm_busy": swarm_busy,
                    "server_busy": fanout_server_busy,
                    "answers": tally,
                    "answers_server_busy": answers_server_busy,
                    "answers_server_cpu_s": (
                        None
                        if server_cpu is None or answers_cpu_after is None
                        else answers_cpu_after - server_cpu
                    ),
                }
            )
            log(
                f"question {ordinal + 1}: fan-out max {ms(max(latencies, default=None))} ms, "
                f"{misses} missed (busy: server {fanout_server_busy}, swarm {swarm_busy}); "
                f"{tally.acked} answers acked in {tally.burst_s:.2f} s "
                f"(server busy {answers_server_busy})"
            )
        await host_command(host, script.finish, {}, settings)
        for group in groups:
            group.conn.send(("stop",))
            await group.expect("stopped", 60)
    finally:
        for group in groups:
            group.close()
        await host.close()
    return {
        "ramp_s": ramp_s,
        "entered": entered,
        "questions": questions,
        "server": {"pid": server_pid, "rss_before_kb": rss_before, "rss_after_kb": rss_after},
    }


def summarise(settings: Settings, target: str, raw: dict[str, Any]) -> dict[str, Any]:
    entered, questions = raw["entered"], raw["questions"]
    joined = len(entered["join_s"])
    per_question = [
        {
            "p50_ms": ms(percentile(q["fanout_s"], 0.5)),
            "p99_ms": ms(percentile(q["fanout_s"], 0.99)),
            "max_ms": ms(max(q["fanout_s"], default=None)),
            "misses": q["misses"],
            "swarm_busy": q["swarm_busy"],
            "server_busy": q["server_busy"],
            "answers_server_busy": q["answers_server_busy"],
        }
        for q in questions
    ]
    all_fanout = [latency for q in questions for latency in q["fanout_s"]]
    maxima = sorted(max(q["fanout_s"]) for q in questions if q["fanout_s"])
    answers = AnswerTally()
    burst_s = 0.0
    for q in questions:
        answers.add(q["answers"])
        burst_s += q["answers"].burst_s
    server = raw["server"]
    before, after = server["rss_before_kb"], server["rss_after_kb"]
    cpu = [q["answers_server_cpu_s"] for q in questions]
    return {
        "target": target,
        "settings": asdict(settings),
        "connect": {
            "joined": joined,
            "failures": dict(entered["failures"]),
            "p50_ms": ms(percentile(entered["connect_s"], 0.5)),
            "p99_ms": ms(percentile(entered["connect_s"], 0.99)),
            "join_p50_ms": ms(percentile(entered["join_s"], 0.5)),
            "join_p99_ms": ms(percentile(entered["join_s"], 0.99)),
            "total_s": round(raw["ramp_s"], 2),
        },
        "fanout": {
            "p50_ms": ms(percentile(all_fanout, 0.5)),
            "p99_ms": ms(percentile(all_fanout, 0.99)),
            "max_ms": ms(maxima[-1] if maxima else None),
            # The time until the last contestant has a question, median over questions.
            "time_ms": ms(maxima[len(maxima) // 2] if maxima else None),
            "misses": sum(q["misses"] for q in questions),
            "per_question": per_question,
        },
        "answers": {
            "acked": answers.acked,
            "lost": answers.lost,
            "double_counted": answers.double_counted,
            "not_accepted": answers.not_accepted,
            "duplicates_sent": answers.duplicates_sent,
            "duplicates_flagged": answers.duplicates_flagged,
            "ack_p50_ms": ms(percentile(answers.latencies, 0.5)),
            "ack_p99_ms": ms(percentile(answers.latencies, 0.99)),
            "per_second": round(answers.acked / burst_s) if burst_s else None,
            # What the answers cost the server, whatever the offered rate or other work on
            # the machine: its CPU from the end of each fan-out to the last ack, per answer.
            "server_cpu_us": (
                round(sum(cpu) / answers.acked * 1e6)
                if answers.acked and cpu and None not in cpu
                else None
            ),
        },
        "server": {
            **server,
            "kb_per_connection": (
                round((after - before) / joined, 1) if joined and before and after else None
            ),
        },
    }


def report(result: dict[str, Any]) -> str:
    c, f, a, s = result["connect"], result["fanout"], result["answers"], result["server"]
    m = result["machine"]
    n = result["settings"]["contestants"]
    return "\n".join(
        [
            f"target {result['target']}: {c['joined']} of {n} contestants joined, "
            f"{result['settings']['questions']} questions, "
            f"{result['settings']['processes']} swarm process(es)",
            f"  connect     p50 {c['p50_ms']} ms  p99 {c['p99_ms']} ms  total {c['total_s']} s  "
            f"(join ack p50 {c['join_p50_ms']} ms p99 {c['join_p99_ms']} ms)  "
            f"failures {c['failures'] or 0}",
            f"  fan-out     p50 {f['p50_ms']} ms  p99 {f['p99_ms']} ms  max {f['max_ms']} ms  "
            f"(last contestant, median over questions: {f['time_ms']} ms)  misses {f['misses']}",
            "  per question max: " + ", ".join(f"{q['max_ms']} ms" for q in f["per_question"]),
            f"  answers     {a['acked']} acked at {a['per_second']}/s  "
            f"ack p50 {a['ack_p50_ms']} ms p99 {a['ack_p99_ms']} ms  lost {a['lost']}  "
            f"double-counted {a['double_counted']}  not accepted {a['not_accepted']}  "
            f"duplicates flagged {a['duplicates_flagged']}/{a['duplicates_sent']}  "
            f"server CPU {a['server_cpu_us']} us per answer",
            f"  server RSS  {s['rss_before_kb']} KB -> {s['rss_after_kb']} KB  "
            f"= {s['kb_per_connection']} KB per connection (pid {s['pid']})",
            f"  machine     {m['cpus']} CPUs, load average {m['loadavg_1min_before']} before, "
            f"{m['loadavg_1min_after']} after (the swarm and the server count in it)",
        ]
    )


# --- servers and round setup ------------------------------------------------------------


def raise_open_files_limit(wanted: int = 65536) -> None:
    """RLIMIT_NOFILE up to ``wanted`` where allowed, else to the hard limit.

    Servers started from here inherit it: under simple-websocket a server holds two
    descriptors per WebSocket (it dup()s the socket), so 10,000 contestants need ~20,000.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= wanted:
        return
    try:  # raising the hard limit needs CAP_SYS_RESOURCE
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SwarmFailed(f"the server exited with {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.1)
    raise SwarmFailed(f"nothing listens on port {port} after {timeout:.0f} s")


def stop(process: subprocess.Popen, first: signal.Signals) -> None:
    """``first``, then SIGKILL to the server's whole session if it does not go."""
    if process.poll() is None:
        process.send_signal(first)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the server and anything it started
            process.wait()


@contextlib.contextmanager
def baseline_server(port: int) -> Iterator[int]:
    """Start load_tests/baseline.py; its pid is the first word after 'pid' it prints."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "baseline.py"), "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        words = process.stdout.readline().split()
        if "pid" not in words:
            raise SwarmFailed(f"the baseline did not print its pid: {' '.join(words)!r}")
        wait_for_port(port, process, 30)
        yield int(words[words.index("pid") + 1])
    finally:
        stop(process, signal.SIGTERM)


@dataclass(frozen=True)
class Organiser:
    username: str
    password: str
    bank: str


@contextlib.contextmanager
def leitai_server(port: int, workers: int | None) -> Iterator[tuple[int, Organiser]]:
    """``leitai serve --workers N`` (one process unless ``workers`` says more, as issue 6's
    targets are per process) on a fresh instance folder, with an admin and the seed bank
    in it.

    LEITAI_DATABASE_URL and LEITAI_REDIS_URL pass through from the environment (more
    than one worker needs both to be servers); with a shared Redis the keys get a prefix
    of their own.
    """
    with tempfile.TemporaryDirectory(prefix="swarm-leitai-") as instance:
        env = {**os.environ, "LEITAI_INSTANCE": instance}
        env.setdefault("LEITAI_REDIS_PREFIX", f"swarm{os.getpid()}")
        env.setdefault("LEITAI_ENTRY_LIMIT_PER_CLIENT", "0")  # every phone is on this machine
        env["PYTHONUNBUFFERED"] = "1"  # its log tail is printed if the run fails
        organiser = Organiser(
            f"swarm-{secrets.token_hex(4)}", secrets.token_urlsafe(16), "cantonese-folk-songs"
        )
        prepare = [
            (["db", "upgrade"], None),
            (["user", "add", organiser.username, "--role", "admin"], organiser.password + "\n"),
            (["bank", "import", str(SEED_BANK)], None),
        ]
        for args, stdin in prepare:
            done = subprocess.run(
                [str(LEITAI), *args],
                env=env,
                input=stdin,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            if done.returncode != 0:
                raise SwarmFailed(f"leitai {' '.join(args)} failed: {done.stderr.strip()}")
        server_log = Path(instance) / "serve.log"
        with server_log.open("w") as output:
            process = subprocess.Popen(
                [str(LEITAI), "serve", "--port", str(port), "--workers", str(workers or 1)],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for_port(port, process, 60)
            yield process.pid, organiser
        except BaseException:
            tail = server_log.read_text(errors="replace").splitlines()[-20:]
            log("leitai serve's last words:\n    " + "\n    ".join(tail))
            raise
        finally:
            stop(process, signal.SIGINT)  # its atexit hooks shut an embedded Redis down


def request_json(url: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    """GET (no body) or POST JSON; an HTTP error becomes a SwarmFailed that quotes it."""
    if not url.startswith("http://"):
        raise SwarmFailed(f"not a plain HTTP URL: {url}")
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data, headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.load(response)
    except urllib.error.HTTPError as error:
        method = "GET" if body is None else "POST"
        raise SwarmFailed(f"{method} {url} -> {error.code}: {error.read()[:400]!r}") from error


def setup_leitai_round(
    base: str, organiser: Organiser, title: str, questions: int, window_s: int = 30
) -> LeitaiRound:
    """Create a live round on a running Leitai through the HTTP API, as an organiser.

    Assumes ``POST /api/v1/auth/token {username, password}`` returns ``{token}``;
    ``GET /api/v1/banks/{slug}`` returns ``{latest_version}``; ``POST
    /api/v1/competitions {title, bank, bank_version, rules}`` with that bearer token
    returns ``{id}``, where ``rules`` draws ``questions`` random questions with a
    ``window_s`` time limit each; ``POST /api/v1/competitions/{id}/rounds`` returns
    ``{id, code}``. The host attaches over ``/host`` with ``{round: <round id>, token:
    <the organiser's token>}``.
    """
    api = f"{base}/api/v1"
    login = {"username": organiser.username, "password": organiser.password}
    token = request_json(f"{api}/auth/token", login)["token"]
    version = request_json(f"{api}/banks/{organiser.bank}", token=token)["latest_version"]
    rules = {
        "mode": "live",
        "draw": {"kind": "random", "quotas": [{"count": questions}]},
        "default_time_limit_s": window_s,
    }
    competition = request_json(
        f"{api}/competitions",
        {"title": title, "bank": organiser.bank, "bank_version": version, "rules": rules},
        token,
    )
    round_ = request_json(f"{api}/competitions/{competition['id']}/rounds", {}, token)
    return LeitaiRound(round_["id"], round_["code"], token)


def run_target(
    settings: Settings,
    target: str,
    host: str,
    port: int | None,
    server_pid: int | None,
    args: argparse.Namespace,
    workers: int | None = None,
) -> dict[str, Any]:
    """One swarm run; starts (and stops) the target's server (Leitai's with ``workers``
    processes) unless ``port`` is given."""
    with contextlib.ExitStack() as stack:
        organiser = None
        if port is None:
            host, port = "127.0.0.1", free_port()
            if target == "baseline":
                server_pid = stack.enter_context(baseline_server(port))
            else:
                server_pid, organiser = stack.enter_context(leitai_server(port, workers))
        elif target == "leitai":
            organiser = Organiser(args.organiser, args.password, args.bank)
        log(f"{target} server on {host}:{port} (pid {server_pid})")
        if target == "baseline":
            joining = LeitaiRound(args.code, args.code, None)
        else:
            assert organiser is not None
            joining = setup_leitai_round(
                f"http://{host}:{port}", organiser, "Swarm", settings.questions
            )
        load_before = os.getloadavg()
        raw = asyncio.run(
            asyncio.wait_for(
                drive(settings, target, socketio_url(host, port), joining, server_pid),
                settings.timeout_s,
            )
        )
        result = summarise(settings, target, raw)
        result["workers"] = workers
        # Other work on the machine skews every number: keep the load next to them.
        result["machine"] = {
            "cpus": os.cpu_count(),
            "loadavg_1min_before": round(load_before[0], 2),
            "loadavg_1min_after": round(os.getloadavg()[0], 2),
        }
        return result


# --- comparison ---------------------------------------------------------------------------


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


def judge(baseline: dict[str, Any], leitai: dict[str, Any] | None) -> list[tuple[str, ...]]:
    """Rows (measure, baseline, leitai, ratio, target, verdict) against issue 6's targets."""

    def verdict(ok: bool | None) -> str:
        return "-" if ok is None else ("pass" if ok else "FAIL")

    def value(result: dict[str, Any] | None, *path: str) -> Any:
        for key in path:
            result = None if result is None else result.get(key)
        return result

    b_joined, l_joined = value(baseline, "connect", "joined"), value(leitai, "connect", "joined")
    # Ratios over different crowds compare nothing: fewer joins make every number easier.
    rows = [("contestants joined", b_joined, l_joined, None, "= baseline",
             verdict(None if l_joined is None else l_joined >= (b_joined or 0)))]  # fmt: skip
    b_time, l_time = value(baseline, "fanout", "time_ms"), value(leitai, "fanout", "time_ms")
    worst = value(leitai, "fanout", "max_ms")
    within = (
        None
        if worst is None
        else (worst <= FANOUT_LIMIT_S * 1000 and value(leitai, "fanout", "misses") == 0)
    )
    rows.append(
        (
            "every contestant within 1 s (worst, ms)",
            value(baseline, "fanout", "max_ms"),
            worst,
            None,
            "<= 1000, 0 missed",
            verdict(within),
        )
    )
    fan = ratio(l_time, b_time)
    rows.append(
        (
            "fan-out time (ms)",
            b_time,
            l_time,
            fan,
            f"<= {FANOUT_RATIO}x",
            verdict(None if fan is None else fan <= FANOUT_RATIO),
        )
    )
    b_rate, l_rate = (
        value(baseline, "answers", "per_second"),
        value(leitai, "answers", "per_second"),
    )
    rate = ratio(l_rate, b_rate)
    rows.append(
        (
            "answers/s",
            b_rate,
            l_rate,
            rate,
            f">= {THROUGHPUT_RATIO}x",
            verdict(None if rate is None else rate >= THROUGHPUT_RATIO),
        )
    )
    b_cpu, l_cpu = (
        value(baseline, "answers", "server_cpu_us"),
        value(leitai, "answers", "server_cpu_us"),
    )
    rows.append(("server CPU per answer (us)", b_cpu, l_cpu, ratio(l_cpu, b_cpu), "-", "-"))
    for name, key in (("answers lost", "lost"), ("answers double-counted", "double_counted")):
        count = value(leitai, "answers", key)
        rows.append(
            (
                name,
                value(baseline, "answers", key),
                count,
                None,
                "0",
                verdict(None if count is None else count == 0),
            )
        )
    b_kb, l_kb = (
        value(baseline, "server", "kb_per_connection"),
        value(leitai, "server", "kb_per_connection"),
    )
    rows.append(
        (
            "server KB per connection",
            b_kb,
            l_kb,
            ratio(l_kb, b_kb),
            f"<= {KB_PER_CONNECTION:.0f}",
            verdict(None if l_kb is None else l_kb <= KB_PER_CONNECTION),
        )
    )
    return rows


def table(
    rows: list[tuple[Any, ...]],
    header: tuple[str, ...] = ("measure", "baseline", "leitai", "ratio", "target", "verdict"),
) -> str:
    cells = [header, *[tuple("-" if v is None else str(v) for v in row) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells
    )


def compare(settings: Settings, args: argparse.Namespace) -> int:
    results: dict[str, Any] = {"settings": asdict(settings)}
    for target in ("baseline", "leitai"):
        try:
            workers = args.workers[0] if args.workers and target == "leitai" else None
            results[target] = run_target(settings, target, args.host, None, None, args, workers)
            print(report(results[target]), flush=True)
        except (SwarmFailed, OSError, TimeoutError) as error:
            message = str(error) or type(error).__name__
            results[target] = None
            results[f"{target}_error"] = message
            print(f"target {target}: FAILED, no numbers: {message}", flush=True)
    rows = judge(results["baseline"] or {}, results["leitai"])
    results["verdicts"] = [
        dict(zip(("measure", "baseline", "leitai", "ratio", "target", "verdict"), row, strict=True))
        for row in rows
    ]
    print()
    print(table(rows))
    write_results(results)
    failed = results["baseline"] is None or results["leitai"] is None
    return 1 if failed or any(row[-1] == "FAIL" for row in rows) else 0


SCALING_HEADER = (
    "workers", "joined", "answers/s", "ratio", "server CPU/answer (us)",
    "server busy (cores)", "fan-out (ms)", "lost", "double-counted",
)  # fmt: skip


def scale(settings: Settings, args: argparse.Namespace) -> int:
    """Leitai once per worker count, one after the other: answers/s and the ratio to the
    first count's, with what else moved (CPU per answer, fan-out, anything lost)."""
    results: dict[str, Any] = {"settings": asdict(settings), "runs": []}
    for workers in args.workers:
        try:
            result = run_target(settings, "leitai", args.host, None, None, args, workers)
        except (SwarmFailed, OSError, TimeoutError) as error:
            message = str(error) or type(error).__name__
            results["runs"].append({"workers": workers, "error": message})
            print(f"--workers {workers}: FAILED, no numbers: {message}", flush=True)
            continue
        print(report(result), flush=True)
        results["runs"].append(result)
    rows = scaling_rows(results["runs"])
    results["scaling"] = [dict(zip(SCALING_HEADER, row, strict=True)) for row in rows]
    print()
    print(table(rows, SCALING_HEADER))
    write_results(results, SCALING_RESULTS)
    return 1 if any("error" in run for run in results["runs"]) else 0


def scaling_rows(runs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    first = next((run["answers"]["per_second"] for run in runs if "error" not in run), None)
    rows = []
    for run in runs:
        if "error" in run:
            rows.append((run["workers"], *["-"] * (len(SCALING_HEADER) - 1)))
            continue
        answers, per_question = run["answers"], run["fanout"]["per_question"]
        busy = [q["answers_server_busy"] for q in per_question if q["answers_server_busy"]]
        rows.append(
            (
                run["workers"],
                run["connect"]["joined"],
                answers["per_second"],
                ratio(answers["per_second"], first),
                answers["server_cpu_us"],
                max(busy, default=None),
                run["fanout"]["time_ms"],
                answers["lost"],
                answers["double_counted"],
            )
        )
    return rows


def write_results(results: dict[str, Any], path: Path = RESULTS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {path.relative_to(ROOT)}")


def parse(argv: list[str] | None = None) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--compare", action="store_true", help="run the baseline, then Leitai, and print the ratios"
    )
    parser.add_argument("--target", choices=sorted(SCRIPTS), default="baseline")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, help="a running server's port; default: start one on a free port"
    )
    parser.add_argument("--server-pid", type=int, help="a running server's pid, for its RSS")
    parser.add_argument("--code", default=BASELINE_CODE, help="baseline: the join code")
    parser.add_argument("--organiser", help="leitai on --port: organiser username")
    parser.add_argument("--password", help="leitai on --port: organiser password")
    parser.add_argument("--bank", default="cantonese-folk-songs", help="leitai: bank slug")
    defaults = Settings()
    parser.add_argument("--contestants", type=int, default=defaults.contestants)
    parser.add_argument("--questions", type=int, default=defaults.questions)
    parser.add_argument(
        "--processes",
        type=int,
        default=defaults.processes,
        help="split the contestants over K processes",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=defaults.batch,
        help="contestants connecting at once while ramping up",
    )
    parser.add_argument(
        "--think-min",
        type=float,
        default=defaults.think_min_s,
        help="no answer comes sooner than this many seconds after its question",
    )
    parser.add_argument(
        "--think-max",
        type=float,
        default=defaults.think_max_s,
        help="answers come uniformly up to this many seconds (capped by the question's window)",
    )
    parser.add_argument("--duplicate-rate", type=float, default=defaults.duplicate_rate)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout_s,
        help="seconds for one whole run, servers excepted",
    )
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        metavar="N",
        help="leitai serve --workers N (needs LEITAI_REDIS_URL and LEITAI_DATABASE_URL "
        "servers for N > 1); several: one Leitai run per N and the answers/s ratio to the "
        "first (written to load_tests/results/swarm-workers.json)",
    )
    parser.add_argument("--json", type=Path, help="also write one run's result here")
    args = parser.parse_args(argv)
    if args.workers and args.port is not None:
        parser.error("--workers starts the server itself: not with --port")
    if args.workers and not args.compare and args.target != "leitai":
        parser.error("--workers is for --target leitai")
    if args.workers and args.compare and len(args.workers) > 1:
        parser.error("--compare takes one --workers N")
    if args.port is not None and args.target == "leitai" and not (args.organiser and args.password):
        parser.error("--target leitai with --port needs --organiser and --password")
    settings = Settings(
        contestants=args.contestants,
        questions=args.questions,
        processes=max(1, args.processes),
        batch=args.batch,
        think_min_s=args.think_min,
        think_max_s=args.think_max,
        duplicate_rate=args.duplicate_rate,
        seed=args.seed,
        timeout_s=args.timeout,
    )
    return settings, args


def main(argv: list[str] | None = None) -> int:
    settings, args = parse(argv)
    raise_open_files_limit()
    if args.compare:
        return compare(settings, args)
    if args.workers and len(args.workers) > 1:
        return scale(settings, args)
    workers = args.workers[0] if args.workers else None
    try:
        result = run_target(
            settings, args.target, args.host, args.port, args.server_pid, args, workers
        )
    except (SwarmFailed, OSError, TimeoutError) as error:
        print(f"target {args.target}: FAILED: {error or type(error).__name__}", flush=True)
        return 1
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
