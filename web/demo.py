"""``leitai demo``: the whole system at once, with a live round hosted for you.

One process: the stores (embedded unless configured), the seed banks, the real server
that ``leitai serve`` runs, and in greenlets a crowd of simulated contestants and a host
that talk to that server over real WebSockets, exactly as phones and a console would.
"""

from __future__ import annotations

import random
import secrets
import time
import unicodedata
import urllib.error
import urllib.request
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import click
import gevent
import socketio
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

import web
from engine.domain.accounts import Organiser
from engine.domain.questions import Question
from engine.domain.rounds import GRACE_MS
from engine.services.competitions import RoundPlan
from engine.services.errors import NotFound as NoSuchThing
from engine.services.simulation import Persona, attempt, personas
from web import clock
from web.bank_cli import import_
from web.cli import app_of, cli, run_server
from web.wiring import Wiring
from web.workers import listeners

DEMO_HOST = "demo-host"
BANK = "national-defence"
QUESTIONS = 5
SCORING = {"speed": "kahoot", "streak_step": 100, "streak_cap": 500}
TIMEOUT_S = 15  # for any one connect or acknowledgement


class DemoFailed(click.ClickException):
    pass


@cli.command(help="The whole system at once: a live round with simulated contestants.")
@click.option("--contestants", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--exit-after-round", is_flag=True, help="Print the final standings and exit when done."
)
@click.option(
    "--question-seconds",
    type=click.IntRange(1, 600),
    help="Close each question after at most this many seconds (default: its own time limit).",
)
@click.option(
    "--pause-seconds",
    default=3.0,
    show_default=True,
    type=click.FloatRange(0, 60),
    help="How long the lobby and each reveal stay on screen.",
)
@click.option("--seed", type=int, help="Replay the same crowd (default: a new one each run).")
@click.pass_context
def demo(
    ctx: click.Context,
    contestants: int,
    port: int,
    exit_after_round: bool,
    question_seconds: int | None,
    pause_seconds: float,
    seed: int | None,
) -> None:
    app = app_of(ctx)
    wired: Wiring = app.extensions["leitai"]
    wired.database.upgrade()  # the demo sets itself up, on whatever stores it is given
    import_seed_banks(ctx, wired)
    organiser, password = demo_host(wired)
    plan = open_demo_round(wired, organiser, question_seconds)
    limits = wired.live.gate.limits  # the simulated crowd joins from this machine's address
    if limits.per_client:
        wired.live.gate.limits = replace(limits, per_client=limits.per_client + contestants)
    seed = secrets.randbits(32) if seed is None else seed
    show = Show(
        app=app,
        plan=plan,
        base=f"http://127.0.0.1:{port}",
        host_token=wired.organiser_tokens.issue(wired.accounts.claims(organiser)),
        login=(organiser.username, password),
        crowd=personas(random.Random(seed), contestants, plan.rules.regions),
        seed=seed,
        question_seconds=question_seconds,
        pause_seconds=pause_seconds,
        exit_after_round=exit_after_round,
    )
    runner = gevent.spawn(show.run)

    try:
        run_server(
            app, listeners("127.0.0.1", port, 1)[0], on_stop=lambda: runner.kill(block=False)
        )
    except OSError as error:
        raise DemoFailed(f"Cannot listen on port {port}: {error.strerror}.") from error
    finally:
        runner.kill()
    if show.failure is not None:
        raise DemoFailed(show.failure)


def seed_bank_folder() -> Path:
    """``question_banks/`` of the checkout this package is installed from (``pip -e``)."""
    return Path(web.__file__).resolve().parents[1] / "question_banks"


def import_seed_banks(ctx: click.Context, wired: Wiring) -> None:
    """Import every seed bank: a new version when one changed, else "unchanged"."""
    folder = seed_bank_folder()
    files = sorted(folder.glob("*/bank.yaml"))
    if files:
        ctx.invoke(import_, paths=tuple(str(file) for file in files))
    else:
        click.echo(
            f"No seed banks found in {folder}: the demo needs a source checkout "
            "installed with `pip install -e .`."
        )
    try:
        wired.banks.version(BANK)
    except NoSuchThing as error:
        raise DemoFailed(
            f"The {BANK!r} bank is not in the database; cannot run a round."
        ) from error


def demo_host(wired: Wiring) -> tuple[Organiser, str | None]:
    """The demo's host account, and its password when it was created just now.

    Only the password's hash is stored, so it can be shown once only; the demo itself
    drives the round with a token signed in-process and needs no password.
    """
    found = wired.accounts.users.find(DEMO_HOST)
    if found is not None:
        return found[0].organiser, None
    password = secrets.token_urlsafe(12)
    return wired.accounts.add(DEMO_HOST, password, "host"), password


def open_demo_round(wired: Wiring, host: Organiser, question_seconds: int | None) -> RoundPlan:
    info, content = wired.banks.version(BANK)
    rules = {
        "mode": "live",
        "scoring": SCORING,
        # Shuffled options: an authored order would let a crowd learn "the key is often B".
        "draw": {"kind": "random", "quotas": [{"count": QUESTIONS}], "shuffle_options": True},
        # Rules allow no less than 5 s; shorter questions are closed by the host.
        "default_time_limit_s": max(5, question_seconds or 20),
    }
    title = content.title.get(content.default_locale, BANK)
    competition = wired.competitions.create(
        title=f"擂台演示 · {title}",
        bank_slug=BANK,
        bank_version=info.number,
        rules=rules,
        created_by=host.username,
        owner_id=host.id,
    )
    row = wired.competitions.open_round(competition["id"])
    return wired.competitions.plan(row["id"])


def people_urls(app: Flask, base: str, plan: RoundPlan) -> dict[str, str]:
    """The URLs for people: the pages where this build serves them, else the JSON."""

    def page(path: str, fallback: str) -> str:
        return f"{base}{path}" if routed(app, path) else f"{base}{fallback}"

    return {
        "Spectators": page(
            f"/watch/{plan.watch_code}", f"/api/v1/rounds/{plan.round_id}/leaderboard"
        ),
        "Contestants": page(f"/play/{plan.code}", "/api/docs"),
        "Organiser": page(f"/console/rounds/{plan.round_id}", "/api/docs"),
        "API docs": f"{base}/api/docs",
        "Health": f"{base}/healthz",
        "Leaderboard": f"{base}/api/v1/rounds/{plan.round_id}/leaderboard",
    }


def routed(app: Flask, path: str) -> bool:
    try:
        app.url_map.bind("localhost").match(path, method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    return True


@dataclass
class Player:
    """One simulated contestant on a real Socket.IO connection to ``/play``."""

    persona: Persona
    rng: random.Random
    plan: RoundPlan
    question_seconds: int | None
    io: socketio.Client = field(default_factory=lambda: socketio.Client(reconnection=True))
    token: str | None = None
    answered: int = 0

    def join(self, base: str) -> None:
        self.io.on("question", self.on_question, namespace="/play")
        self.io.on("connect", self.on_connect, namespace="/play")
        self.io.connect(
            base, namespaces=["/play"], transports=["websocket"], wait_timeout=TIMEOUT_S
        )
        entry = {
            "code": self.plan.code,
            "nickname": self.persona.nickname,
            "region": self.persona.region,
        }
        ack = self.io.call("join", entry, namespace="/play", timeout=TIMEOUT_S)
        if not ack["ok"]:
            raise DemoFailed(f"{self.persona.nickname} could not join: {ack['error']['message']}")
        self.token = ack["token"]

    def on_connect(self) -> None:
        if self.token is not None:  # a reconnection: come back as the same contestant
            rejoin = {
                "code": self.plan.code,
                "nickname": self.persona.nickname,
                "resume_token": self.token,
            }
            gevent.spawn(self._emit, "join", rejoin)

    def on_question(self, question: dict[str, Any]) -> None:
        gevent.spawn(self.answer, question)  # never block the connection's reader

    def answer(self, shown: dict[str, Any]) -> None:
        question: Question = self.plan.questions[shown["index"]]
        window_ms = shown["closes_at"] - shown["opens_at"]
        if self.question_seconds is not None:
            window_ms = min(window_ms, self.question_seconds * 1000)
        tried = attempt(self.rng, self.persona, question, window_ms)
        if tried is None:
            return  # still thinking when time ran out
        gevent.sleep(max(0, shown["opens_at"] + tried.think_ms - clock.now_ms()) / 1000)
        ack = self._emit("answer", {"question": question.key, "response": tried.response})
        if ack is not None and ack.get("ok"):
            self.answered += 1

    def _emit(self, event: str, data: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return self.io.call(event, data, namespace="/play", timeout=TIMEOUT_S)
        except (socketio.exceptions.SocketIOError, OSError):
            return None  # a dropped connection: the client reconnects and rejoins


class Refused(DemoFailed):
    def __init__(self, event: str, error: dict[str, str]) -> None:
        super().__init__(f"The host's {event!r} was refused: {error['message']}")
        self.code = error["code"]


@dataclass
class Host:
    """The demo's host on ``/host``: what the console would send, on a real connection."""

    plan: RoundPlan
    token: str
    io: socketio.Client = field(default_factory=lambda: socketio.Client(reconnection=True))
    status: str = "lobby"
    seq: int = -1

    def attach(self, base: str) -> None:
        self.io.on("state", self.saw, namespace="/host")
        self.io.connect(
            base, namespaces=["/host"], transports=["websocket"], wait_timeout=TIMEOUT_S
        )
        self.saw(self.call("attach", {"round": self.plan.round_id, "token": self.token})["state"])

    def saw(self, state: dict[str, Any]) -> None:
        # Pushes may arrive after a newer ack (through a message queue): newest seq wins.
        if state["seq"] >= self.seq:
            self.seq, self.status = state["seq"], state["status"]

    def call(self, event: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        ack = self.io.call(event, data, namespace="/host", timeout=TIMEOUT_S)
        if not ack["ok"]:
            raise Refused(event, ack["error"])
        return ack

    def command(self, name: str) -> dict[str, Any]:
        state = self.call(name)["state"]
        self.saw(state)
        return state


@dataclass
class Show:
    """The round as the demo runs it, printing what happens."""

    app: Flask
    plan: RoundPlan
    base: str
    host_token: str
    login: tuple[str, str | None]
    crowd: tuple[Persona, ...]
    seed: int
    question_seconds: int | None
    pause_seconds: float
    exit_after_round: bool
    failure: str | None = None

    @property
    def wired(self) -> Wiring:
        return self.app.extensions["leitai"]

    def run(self) -> None:
        try:
            self.wait_for_server()
            self.print_urls()
            self.join_crowd()
            self.host_round()
            self.print_standings()
        except Exception as error:  # reported, then the server stops: never a silent hang
            self.failure = f"The demo round failed: {error}"
            self.exit_after_round = True
        # The simulated clients stay connected, as phones would: stopping the server drops
        # them at once, where a polite disconnect waits seconds for each closing handshake.
        if self.exit_after_round:
            self.app.extensions["leitai.socketio"].stop()
        else:
            click.echo("The round is over; still serving its pages and results (Ctrl-C stops).")

    def wait_for_server(self) -> None:
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1):  # noqa: S310
                    return
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise
                gevent.sleep(0.1)

    def print_urls(self) -> None:
        plan = self.plan
        wired = self.wired
        click.echo(
            f"\nLeitai demo: {plan.title} (SQL: {wired.database.backend}, "
            f"Redis: {wired.redis.backend}), round {plan.round_id}, join code {plan.code}, "
            f"watch code {plan.watch_code}"
        )
        for name, url in people_urls(self.app, self.base, plan).items():
            click.echo(f"  {name + ':':<13}{url}")
        username, password = self.login
        if password is None:
            click.echo(
                f"  Organiser login: {username} (its password was printed when the demo "
                "first created it; `leitai user add` makes another)"
            )
        else:
            click.echo(f"  Organiser login: {username} / {password}  (shown only this once)")

    def join_crowd(self) -> None:
        players = [
            Player(persona, random.Random(f"{self.seed}:{n}"), self.plan, self.question_seconds)
            for n, persona in enumerate(self.crowd)
        ]
        arrivals = random.Random(self.seed)

        def arrive(player: Player) -> None:
            gevent.sleep(arrivals.uniform(0, 1.5))  # people trickle in
            player.join(self.base)

        gevent.joinall([gevent.spawn(arrive, p) for p in players], raise_error=True)
        regions = len({p.persona.region for p in players})
        click.echo(f"{len(players)} contestants joined from {regions} cities.")

    def host_round(self) -> None:
        host = Host(self.plan, self.host_token)
        host.attach(self.base)
        gevent.sleep(self.pause_seconds)
        total = len(self.plan.questions)
        for index in range(total):
            state = host.command("start" if index == 0 else "next")
            self.run_question(host, state["question"], index, total)
            gevent.sleep(self.pause_seconds)
        host.command("finish")
        click.echo("Round finished.")

    def run_question(self, host: Host, shown: dict[str, Any], index: int, total: int) -> None:
        question = self.plan.questions[index]
        window_s = (shown["closes_at"] - shown["opens_at"]) / 1000
        # Left alone, the server's ticker closes the question on time (after the grace).
        deadline = time.monotonic() + window_s + GRACE_MS / 1000 + 1
        if self.question_seconds is not None and self.question_seconds < window_s:
            window_s = self.question_seconds
            deadline = time.monotonic() + window_s
        prompt = question.prompt.get(self.plan.bank.default_locale, question.key)
        click.echo(f"Q{index + 1}/{total} open ({window_s:g} s, {question.type}): {clip(prompt)}")
        answers = {"count": 0, "of": len(self.crowd)}
        while host.status == "question_open" and time.monotonic() < deadline:
            answers = host.call("answers")
            if answers["count"] >= answers["of"]:
                break
            gevent.sleep(0.2)
        click.echo(f"  answers in: {answers['count']}/{answers['of']}")
        try:
            host.command("close")
            click.echo("  closed by the host")
        except Refused as refused:
            if refused.code != "question_closed":
                raise
            click.echo("  closed on time by the server")
        reveal = host.command("reveal")["reveal"]
        options = reveal["stats"]["options"]
        tally = ", ".join(f"{option} {count}" for option, count in sorted(options.items()))
        click.echo(f"  answer: {format_answer(reveal['answer'])}  ({tally})")
        top = self.wired.leaderboard.top(self.plan.round_id, limit=3)
        click.echo("  top 3: " + " · ".join(f"{e.rank}. {e.nickname} {e.points}" for e in top))

    def print_standings(self) -> None:
        round_id = self.plan.round_id
        self.wired.drainer.drain_all()  # every acknowledged answer into SQL first
        results = self.wired.results
        _, standings = results.standings(round_id)
        click.echo(
            f"\nFinal standings of round {round_id} ({len(standings)} contestants, "
            f"{len(results.record.answers(round_id))} answers recorded):"
        )
        click.echo(f"{'rank':>4}  {pad('nickname', 16)}  {'region':<10}  {'points':>6}  time")
        for row in standings:
            click.echo(
                f"{row['rank']:>4}  {pad(row['nickname'], 16)}  {row['region'] or '-':<10}  "
                f"{row['points']:>6}  {row['total_ms'] / 1000:.1f} s"
            )


def format_answer(answer: list[Any]) -> str:
    return ", ".join(str(part) for part in answer)


def clip(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def pad(text: str, width: int) -> str:
    """Left-justify in terminal columns: a Chinese character takes two."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)
