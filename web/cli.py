"""The ``leitai`` command line (DESIGN.md, "Contract: command line")."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

import click
import gevent
from flask import Flask
from gevent.pywsgi import WSGIHandler, WSGIServer

from engine.domain.accounts import Account
from engine.services.accounts import Accounts
from engine.services.errors import ServiceError
from web.config import Settings, settings_from_environ
from web.wiring import STORE_UNAVAILABLE, Wiring
from web.workers import listeners, serve_group, worker_count


class Text(click.ParamType):
    """Text that is valid Unicode: under a C locale, bytes that are not UTF-8 reach
    Python from argv and stdin as lone surrogates, which no store can encode."""

    name = "text"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("not valid UTF-8 text (check the terminal's encoding)", param, ctx)
        return value


TEXT = Text()


def make_app(settings: Settings | None = None) -> Flask:
    from web.app import create_app

    return create_app(settings or settings_from_environ())


@click.group(help="Leitai (擂台): competitions and assessments for large public contests.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    ctx.ensure_object(dict)


def app_of(ctx: click.Context) -> Flask:
    """The app for this invocation; tests put their own in ``ctx.obj['app']``."""
    if "app" not in ctx.obj:
        app = ctx.obj["app"] = make_app()
        wired = app.extensions["leitai"]
        if wired.settings.embedded_database:
            wired.database.upgrade()  # an embedded database is ours to keep current
    return ctx.obj["app"]


@cli.command(help="Run the service (HTTP and Socket.IO on one port).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 512),
    envvar="LEITAI_WORKERS",
    help="Processes serving the port (SO_REUSEPORT; or LEITAI_WORKERS). Default: one per "
    "core on a Redis server and PostgreSQL; one on the embedded stores.",
)
@click.option(
    "--sticky-ports",
    type=click.IntRange(1, 65535),
    metavar="FIRST",
    help="Each worker also listens alone on FIRST, FIRST+1, ...: a proxy's sticky "
    "routing for Socket.IO long-polling (docs/deploy-nginx.md).",
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, workers: int | None, sticky_ports: int | None
) -> None:
    count, note = worker_count(workers, settings_from_environ(), os.cpu_count() or 1)
    if note:
        click.echo(note, err=True)
    try:
        sockets = listeners(host, port, count, sticky_ports)
    except OSError as error:
        raise click.ClickException(f"Cannot listen on {host}: {error.strerror}.") from error
    if count == 1:
        serve_one(ctx, sockets[0], f"http://{host}:{port}/")
        exit_now()
    click.echo(f"Leitai serving on http://{host}:{port}/ with {count} processes")
    status = serve_group(sockets, lambda mine, number: serve_one(ctx, mine, f"worker {number}"))
    exit_now(status)


def serve_one(ctx: click.Context, listeners: list[socket.socket], where: str) -> None:
    app = app_of(ctx)
    wired = app.extensions["leitai"]
    ports = ", ".join(str(sock.getsockname()[1]) for sock in listeners)
    click.echo(
        f"Leitai serving on {where}  (SQL: {wired.database.backend}, "
        f"Redis: {wired.redis.backend}, pid {os.getpid()}, ports {ports})"
    )
    run_server(app, listeners)


def exit_now(status: int = 0) -> None:
    """Exit without the interpreter's teardown. Everything owed is stored or left in Redis
    by now, and the teardown (freeing every object in C, gevent's loop) took two seconds
    more of a SIGTERM's budget."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


#: SIGTERM to exit in under 2 s (an orchestrator's patience is finite, and a deploy waits
#: for it): open connections get this long to end before they are closed, ...
STOP_CONNECTIONS_S = 0.3
#: ... the ticker's loops this long to finish a step, ...
STOP_TICKER_S = 0.3
#: ... and the answer log this long to be drained into SQL once more. What is left (SQL
#: away, or a long backlog) stays in Redis, which keeps it, for the next process.
FINAL_DRAIN_S = 0.7


class NoDelayHandler(WSGIHandler):
    """gevent's handler with Nagle's algorithm off: it writes a response's headers and
    body in two sends, and with Nagle on the body waited for the client's delayed ACK of
    the headers, 40 ms on every request after the first on a keep-alive connection."""

    def handle(self) -> None:
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().handle()


def run_server(
    app: Flask, listeners: list[socket.socket], on_stop: Callable[[], None] | None = None
) -> None:
    """Serve on ``listeners`` until SIGINT or SIGTERM, then stop in order, within about a
    second: the servers close, the ticker lets go, the answer log drains once more, and
    an embedded Redis shuts down with its last user instead of outliving the process."""
    socketio = app.extensions["leitai.socketio"]
    ticker = app.extensions["leitai.ticker"]
    wired = app.extensions["leitai"]
    # What ``socketio.run`` builds for gevent, on sockets bound beforehand.
    servers = [
        WSGIServer(listener, app, log=None, handler_class=NoDelayHandler) for listener in listeners
    ]
    socketio.wsgi_server = servers[0]
    stopping: list[bool] = []

    def stop() -> None:
        # Runs in the gevent hub, where nothing may block: stop from greenlets. Once: a
        # worker of a group hears a terminal's Ctrl-C and its parent's SIGTERM.
        if stopping:
            return
        stopping.append(True)
        click.echo("Stopping.", err=True)
        ticker.running = False
        if on_stop is not None:
            on_stop()
        for server in servers:
            gevent.spawn(server.stop, timeout=STOP_CONNECTIONS_S)

    for signum in (signal.SIGINT, signal.SIGTERM):
        gevent.signal_handler(signum, stop)
    ticker.start()
    try:
        for server in servers[1:]:
            server.start()
        servers[0].serve_forever()
    finally:
        ticker.stop(STOP_TICKER_S)
        drain_before_exit(wired)
        wired.redis.close()


def drain_before_exit(wired: Wiring) -> None:
    """Store what the answer log holds in SQL, for at most ``FINAL_DRAIN_S``."""
    deadline = time.monotonic() + FINAL_DRAIN_S
    try:
        with gevent.Timeout(FINAL_DRAIN_S):
            stored = wired.drainer.drain_all(more=lambda: time.monotonic() < deadline)
    except (gevent.Timeout, *STORE_UNAVAILABLE) as error:
        click.echo(f"The answer log stays in Redis for the next start ({error!r}).", err=True)
        return
    if stored:
        click.echo(f"Stored {stored} answer log entries in SQL.", err=True)


@cli.group(help="Database schema.")
def db() -> None:
    pass


@db.command(help="Apply every migration not yet applied.")
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    wired = app_of(ctx).extensions["leitai"]
    wired.database.upgrade()
    click.echo(f"Database ({wired.database.backend}) is at the latest schema.")


@cli.group(help="Organiser accounts.")
def user() -> None:
    pass


@user.command("add", help="Add an organiser; the password comes from a prompt or stdin.")
@click.argument("username", type=TEXT)
@click.option("--role", required=True, type=click.Choice(["admin", "author", "host"]))
@click.pass_context
def user_add(ctx: click.Context, username: str, role: str) -> None:
    password = read_password()
    wired = app_of(ctx).extensions["leitai"]
    try:
        organiser = wired.accounts.add(username, password, role)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo(f"Added {organiser.role} {organiser.username!r} (id {organiser.id}).")


@user.command("list", help="List organisers: id, username, role, status.")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    for account in app_of(ctx).extensions["leitai"].accounts.list():
        organiser = account.organiser
        status = "disabled" if account.disabled else "active"
        click.echo(f"{organiser.id}\t{organiser.username}\t{organiser.role}\t{status}")


@user.command("passwd", help="Set a password (prompt or stdin); the user's tokens stop.")
@click.argument("username", type=TEXT)
@click.pass_context
def user_passwd(ctx: click.Context, username: str) -> None:
    password = read_password()
    change_user(ctx, lambda accounts: accounts.change_password(username, password), "New password")


@user.command("disable", help="Refuse the user's logins and revoke their tokens.")
@click.argument("username", type=TEXT)
@click.pass_context
def user_disable(ctx: click.Context, username: str) -> None:
    change_user(ctx, lambda accounts: accounts.disable(username), "Disabled")


@user.command("enable", help="Let a disabled user log in again.")
@click.argument("username", type=TEXT)
@click.pass_context
def user_enable(ctx: click.Context, username: str) -> None:
    change_user(ctx, lambda accounts: accounts.disable(username, disabled=False), "Enabled")


@user.command("remove", help="Delete the user; their tokens stop.")
@click.argument("username", type=TEXT)
@click.pass_context
def user_remove(ctx: click.Context, username: str) -> None:
    change_user(ctx, lambda accounts: accounts.remove(username), "Removed")


@user.command("role", help="Change the user's role; their tokens stop.")
@click.argument("username", type=TEXT)
@click.argument("role", type=click.Choice(["admin", "author", "host"]))
@click.pass_context
def user_role(ctx: click.Context, username: str, role: str) -> None:
    change_user(ctx, lambda accounts: accounts.change_role(username, role), f"Made {role}")


def change_user(ctx: click.Context, change: Callable[[Accounts], Account], done: str) -> None:
    wired = app_of(ctx).extensions["leitai"]
    try:
        account = change(wired.accounts)
    except ServiceError as error:
        raise click.ClickException(describe(error)) from error
    click.echo(f"{done}: {account.organiser.username!r} (id {account.organiser.id}).")


def read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt(
            "Password",
            hide_input=True,
            confirmation_prompt=True,
            value_proc=lambda value: TEXT.convert(value, None, None),
        )
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("No password on standard input.")
    return TEXT.convert(line, None, None)


def describe(error: ServiceError) -> str:
    details = "; ".join(f"{field}: {problem}" for field, problem in error.fields.items())
    return f"{error.message} {details}".strip()


# Each module registers its groups: "bank"; "results" and "leaderboard"; "demo"; "draw";
# "campaign".
from web import bank_cli, campaign_cli, demo, draw_cli, lint_cli, results_cli  # noqa: E402, F401
