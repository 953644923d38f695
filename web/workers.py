"""``leitai serve --workers N``: N processes serving one port.

Each worker is a forked process with a listening socket of its own on the same address
(SO_REUSEPORT: the kernel spreads new connections over the sockets) and its own app,
Redis and SQL clients and ticker. The workers share rounds as any two ``leitai serve``
processes do: through Redis (state, boards, the answer log, and the claims that let one
process close a question or publish a snapshot) and through python-socketio's Redis
message queue, which carries every broadcast to the clients of every process. A
WebSocket stays on the process that accepted it, so phones (WebSocket only) need no
sticky routing. Long-polling does: ``--sticky-ports`` gives each worker a port of its own
as well, for a proxy to pin a polling client to (docs/deploy-nginx.md).

The parent only binds, forks and watches. SIGTERM or SIGINT to it is passed to every
worker, and it exits once they have, within the single process's stop budget: a worker
still there after ``STOP_GROUP_S`` is killed. A worker that dies on its own stops the
group (exit status 1) for the service manager to restart it whole, and a killed parent
takes its workers with it (``PR_SET_PDEATHSIG``).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable

import click
import gevent

from web.config import Settings

#: Connections the kernel queues per socket while its process is busy accepting.
BACKLOG = 1024
#: SIGTERM to exit in under 2 s holds for the group: the workers stop in about 1.3 s
#: (web.cli's budget); one still there after this long is killed.
STOP_GROUP_S = 1.8
WAIT_STEP_S = 0.05
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def worker_count(asked: int | None, settings: Settings, cores: int) -> tuple[int, str | None]:
    """How many processes serve, and why fewer than the cores when so.

    Processes share rounds through a Redis *server* (the message queue) and a database
    server: the embedded Redis lives in one process's instance folder, and SQLite is
    migrated by the process that opens it. Asked for more than one on embedded stores
    is refused; by default such an instance serves with one process, and says so.
    """
    embedded = [
        name
        for name, alone in (
            ("the embedded Redis (set LEITAI_REDIS_URL=redis://...)", not settings.message_queue),
            ("SQLite (set LEITAI_DATABASE_URL=postgresql://...)", settings.embedded_database),
        )
        if alone
    ]
    if not embedded:
        return (asked or cores), None
    why = f"one process only on {' and on '.join(embedded)}"
    if asked is not None and asked > 1:
        raise click.UsageError(f"--workers {asked}: {why}.")
    return 1, (None if asked else f"Serving with {why}.")


def listeners(
    host: str, port: int, count: int, sticky_from: int | None = None
) -> list[list[socket.socket]]:
    """Each worker's listening sockets: its share of ``host:port`` (SO_REUSEPORT when
    more than one share it) and, with ``sticky_from``, a port of its own (the first
    worker's is ``sticky_from``, the next one's the port after), which a proxy can route
    a long-polling client to every time. A port taken by anything else is refused here
    (OSError), before a fork."""
    made: list[socket.socket] = []
    try:
        workers = []
        for number in range(count):
            sockets = [_listen(host, port, shared=count > 1)]
            made += sockets
            if sticky_from is not None:
                sockets.append(_listen(host, sticky_from + number, shared=False))
                made.append(sockets[-1])
            workers.append(sockets)
    except OSError:
        for sock in made:
            sock.close()
        raise
    return workers


def _listen(host: str, port: int, *, shared: bool) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


Work = Callable[[list[socket.socket], int], None]


def serve_group(workers: list[list[socket.socket]], work: Work) -> int:
    """Fork a process per worker to run ``work(its sockets, its number)``; the group's
    exit status."""
    parent = os.getpid()
    pids: dict[int, int] = {}
    for number, mine in enumerate(workers, 1):
        pid = os.fork()
        if pid == 0:
            _become_worker(parent, mine, workers)
            _run(work, mine, number)
        pids[pid] = number
    for sockets in workers:
        for sock in sockets:
            sock.close()  # a dead worker's sockets close with it, and take no more connections
    return Group(pids).watch()


def _become_worker(
    parent: int, mine: list[socket.socket], workers: list[list[socket.socket]]
) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    for sockets in workers:
        if sockets is not mine:
            for sock in sockets:
                sock.close()


def _run(work: Work, sockets: list[socket.socket], number: int) -> None:
    """A worker never returns into the parent's code."""
    try:
        work(sockets, number)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    os._exit(0)


class Group:
    """The parent's watch over its workers (pid -> worker number)."""

    def __init__(self, workers: dict[int, int]) -> None:
        self.workers = workers
        self.stop_by: float | None = None
        self.failed = False

    def watch(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM):
            gevent.signal_handler(signum, self.stop)
        while self.workers:
            self._reap()
            if self.stop_by is not None and time.monotonic() > self.stop_by:
                self._signal(signal.SIGKILL)
            gevent.sleep(WAIT_STEP_S)
        return 1 if self.failed else 0

    def stop(self) -> None:
        if self.stop_by is None:
            self.stop_by = time.monotonic() + STOP_GROUP_S
            self._signal(signal.SIGTERM)

    def _signal(self, signum: int) -> None:
        for pid in self.workers:
            with contextlib.suppress(ProcessLookupError):  # exited; reaped on the next look
                os.kill(pid, signum)

    def _reap(self) -> None:
        for pid in list(self.workers):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done == 0:
                continue
            number = self.workers.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            if code != 0:
                self.failed = True
            if self.stop_by is None:
                click.echo(
                    f"Worker {number} (pid {pid}) exited ({code}); stopping the others.",
                    err=True,
                )
                self.failed = True
                self.stop()
