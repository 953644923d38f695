"""The three Socket.IO namespaces: ``/play`` (contestants), ``/host``, ``/watch``.

Each event handler validates its payload, calls a service, and returns the ack; every
failure is an ``{"ok": false, "error": {...}}`` ack and changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict
from functools import wraps
from typing import Any

from marshmallow import Schema, ValidationError

from engine.adapters.outages import STORE_UNAVAILABLE
from engine.domain.accounts import Capability
from engine.domain.contest import Mode
from engine.domain.drawing import shuffle_seed
from engine.services.answering import RefusedCommand
from engine.services.entrants import banned
from engine.services.errors import ServiceError
from web import clock
from web.live import rooms
from web.live.acks import failure
from web.live.broadcast import Broadcaster
from web.live.ejection import eject
from web.live.guard import GuardedNamespace
from web.live.schemas import (
    AnswerSchema,
    AttachSchema,
    FocusLostSchema,
    JoinSchema,
    KickSchema,
    WatchSchema,
)
from web.tokens import TokenError, organiser_of
from web.wiring import Wiring

log = logging.getLogger(__name__)

RATE = 10.0  # events per second per connection, sustained
BURST = 20.0


class Bucket:
    """A token bucket: a burst is fine, a flood is not."""

    def __init__(self) -> None:
        self.tokens, self.at = BURST, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.at) * RATE)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def event(schema: type[Schema] | None = None) -> Callable:
    """Rate-limit, size-check and validate an event; map every failure to an error ack."""

    loader = schema() if schema is not None else None  # schemas keep no state per load
    plain = getattr(schema, "plain", None)  # a schema's fast path for well-formed payloads

    def decorate(handler: Callable) -> Callable:
        @wraps(handler)
        def handle(self: LeitaiNamespace, sid: str, data: Any = None) -> dict[str, Any]:
            connection = self.connections.setdefault(sid, {"sid": sid, "bucket": Bucket()})
            if not connection["bucket"].take():
                return failure("rate_limited", "Too many messages; slow down.")
            if loader is not None and not isinstance(data, dict):
                return failure("invalid", "The message must be a JSON object.")
            try:
                payload = (plain and plain(data)) or (
                    loader.load(data) if loader is not None else data
                )
                return handler(self, connection, payload)
            except ValidationError as error:
                return failure("invalid", "The message has invalid fields.", error.messages)
            except RefusedCommand as refused:
                return failure(refused.code, refused.message)
            except ServiceError as error:
                return failure(error.code, error.message, error.fields or None)
            except STORE_UNAVAILABLE:  # at once, never a hang: see adapters/redis/breaker.py
                return failure("unavailable", "The service is briefly unavailable; try again.")
            except Exception:  # e.g. Redis unreachable: still an ack, so no client waits
                log.exception("%s %s failed", self.namespace, handler.__name__)
                return failure("internal", "Something went wrong on our side; try again.")

        return handle

    return decorate


class LeitaiNamespace(GuardedNamespace):
    def __init__(self, namespace: str, wired: Wiring, broadcaster: Broadcaster) -> None:
        super().__init__(namespace)
        self.wired = wired
        self.live = wired.live
        self.broadcaster = broadcaster
        self.connections: dict[str, dict[str, Any]] = {}

    def on_disconnect(self, sid: str, reason: object = None) -> None:
        self.connections.pop(sid, None)


class PlayNamespace(LeitaiNamespace):
    @event(JoinSchema)
    def on_join(self, connection: dict, data: dict) -> dict[str, Any]:
        resume = None
        if data["resume_token"]:
            try:
                claims = self.wired.contestant_tokens.verify(data["resume_token"])
                resume = (int(claims["round"]), str(claims["contestant"]))
            except (TokenError, KeyError, ValueError):
                return failure("token_invalid", "The resume token is not valid; join anew.")
        round_id = self.live.competitions.round_id_by_code(data["code"])
        if self.live.competitions.plan(round_id).mode is Mode.SELF_PACED:
            return self._enter(connection, round_id, data, resume)
        joined = self.live.join(
            data["code"],
            data["nickname"],
            data["region"],
            data["team"],
            clock.now_ms(),
            resume=resume,
            identity=data["identity"],
            client=self._client(connection),
        )
        round_id = joined.plan.round_id
        token = self._seat(connection, round_id, joined.contestant, selfpaced=False)
        return {
            "ok": True,
            "contestant": {"id": joined.contestant, **joined.profile},
            "token": token,
            "rejoined": joined.rejoined,
            "seed": shuffle_seed(joined.plan.seed, None),
            "state": self.live.state_view(round_id, joined.contestant, now=clock.now_ms()),
        }

    def _client(self, connection: dict) -> str | None:
        """The connection's client address, which entries are throttled by."""
        return (self.server.get_environ(connection["sid"], self.namespace) or {}).get("REMOTE_ADDR")

    def _seat(self, connection: dict, round_id: int, contestant: str, *, selfpaced: bool) -> str:
        """Tie the connection to its round and contestant; their resume token."""
        if connection.get("round") not in (None, round_id):
            self.leave_room(connection["sid"], rooms.players(connection["round"]))
        if "contestant" in connection:
            seated = rooms.contestant(connection["round"], connection["contestant"])
            self.leave_room(connection["sid"], seated)
        connection.update(round=round_id, contestant=contestant, selfpaced=selfpaced)
        self.enter_room(connection["sid"], rooms.players(round_id))
        self.enter_room(connection["sid"], rooms.contestant(round_id, contestant))
        return self.wired.contestant_tokens.issue({"round": round_id, "contestant": contestant})

    def _enter(
        self, connection: dict, round_id: int, data: dict, resume: tuple[int, str] | None
    ) -> dict[str, Any]:
        """Enter a self-paced round, or come back to the entry a resume token names (a
        token never falls back to a new entry)."""
        selfpaced = self.wired.selfpaced
        plan = selfpaced.plan(round_id)
        if resume is None:
            contestant = selfpaced.enter(
                round_id,
                data["nickname"],
                data["region"],
                data["team"],
                clock.now_ms(),
                identity=data["identity"],
                client=self._client(connection),
            ).contestant
        elif resume[0] == round_id and self.live.store.attempt(*resume) is not None:
            if self.live.store.is_kicked(*resume):
                raise banned()
            contestant = resume[1]
        else:
            return failure("token_invalid", "The resume token is not for this round.")
        return {
            "ok": True,
            "contestant": {"id": contestant, **self.live.store.profile(round_id, contestant)},
            "token": self._seat(connection, round_id, contestant, selfpaced=True),
            "rejoined": resume is not None,
            "paper": {"total": plan.rules.draw.size, "seed": selfpaced.seed_for(plan, contestant)},
        }

    @event()
    def on_next(self, connection: dict, data: Any) -> dict[str, Any]:
        """Self-paced: the current question of the paper (as GET /paper/next)."""
        if not connection.get("selfpaced"):
            return failure("not_joined", "Join a self-paced round first.")
        now = clock.now_ms()
        delivery = self.wired.selfpaced.next_question(
            connection["round"], connection["contestant"], now
        )
        return {
            "ok": True,
            **delivery.__dict__,
            "missed": list(delivery.missed),
            "server_time": now,
            "done": delivery.question is None,
        }

    @event(AnswerSchema)
    def on_answer(self, connection: dict, data: dict) -> dict[str, Any]:
        if "contestant" not in connection:
            return failure("not_joined", "Join a round first.")
        if connection["selfpaced"]:
            body = self.wired.selfpaced.answer(
                connection["round"],
                connection["contestant"],
                data["question"],
                data["response"],
                clock.now_ms(),
            )
            return {"ok": True, **body}
        ack = self.live.answer(
            connection["round"],
            connection["contestant"],
            data["question"],
            data["response"],
            clock.now_ms(),
        )
        return {"ok": True, "accepted": ack.accepted, "duplicate": ack.duplicate}

    @event(FocusLostSchema)
    def on_focus_lost(self, connection: dict, data: dict) -> dict[str, Any]:
        if "contestant" not in connection:
            return failure("not_joined", "Join a round first.")
        report = self.wired.integrity.focus_lost(
            connection["round"], connection["contestant"], data["question"], data["at"]
        )
        return {"ok": True, **asdict(report)}

    @event()
    def on_state(self, connection: dict, data: Any) -> dict[str, Any]:
        if "contestant" not in connection:
            return failure("not_joined", "Join a round first.")
        return {
            "ok": True,
            "state": self.live.state_view(
                connection["round"], connection["contestant"], now=clock.now_ms()
            ),
        }

    @event()
    def on_me(self, connection: dict, data: Any) -> dict[str, Any]:
        if "contestant" not in connection:
            return failure("not_joined", "Join a round first.")
        return {"ok": True, "you": self.live.me(connection["round"], connection["contestant"])}


class HostNamespace(LeitaiNamespace):
    @event(AttachSchema)
    def on_attach(self, connection: dict, data: dict) -> dict[str, Any]:
        try:
            organiser = organiser_of(self.wired, data["token"])
        except TokenError as error:
            return failure(error.code, error.message)
        if not organiser.may(Capability.ROUNDS):
            return failure("forbidden", "Only hosts and admins may host a round.")
        self.wired.ownership.round(organiser, data["round"])  # not_found to other hosts
        plan = self.live.competitions.plan(data["round"])
        connection.update(round=plan.round_id, organiser=organiser, token=data["token"])
        self.enter_room(connection["sid"], rooms.hosts(plan.round_id))
        return {
            "ok": True,
            "round": {"id": plan.round_id, "code": plan.code, "watch_code": plan.watch_code},
            "state": self.live.state_view(plan.round_id, now=clock.now_ms()),
        }

    def _hosting(self, connection: dict) -> dict[str, Any] | None:
        """An error ack unless attached with a token that still stands (a logout, a
        password change or a disable ends a host's control at once: a cache read) and
        its organiser still hosts the round (a co-host removed since gets not_found)."""
        if "organiser" not in connection:
            return failure("not_attached", "Attach to a round with a host token first.")
        try:
            organiser = organiser_of(self.wired, connection["token"])
        except TokenError as error:
            del connection["organiser"]
            return failure(error.code, error.message)
        self.wired.ownership.round(organiser, connection["round"])
        return None

    def _command(self, connection: dict, name: str) -> dict[str, Any]:
        if refused := self._hosting(connection):
            return refused
        state, events = self.live.command(connection["round"], name, clock.now_ms())
        self.broadcaster.round_events(connection["round"], state, events)
        return {"ok": True, "state": self.live.state_view(connection["round"], now=clock.now_ms())}

    @event()
    def on_start(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "start")

    @event()
    def on_next(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "next")

    @event()
    def on_close(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "close")

    @event()
    def on_reveal(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "reveal")

    @event()
    def on_pause(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "pause")

    @event()
    def on_resume(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "resume")

    @event()
    def on_skip(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "skip")

    @event()
    def on_finish(self, connection: dict, data: Any) -> dict[str, Any]:
        return self._command(connection, "finish")

    @event(KickSchema)
    def on_kick(self, connection: dict, data: dict) -> dict[str, Any]:
        if refused := self._hosting(connection):
            return refused
        self.wired.bans.ban(connection["round"], data["contestant"])
        eject(self.server, connection["round"], data["contestant"])
        return {"ok": True}

    @event(KickSchema)
    def on_unban(self, connection: dict, data: dict) -> dict[str, Any]:
        if refused := self._hosting(connection):
            return refused
        self.wired.bans.lift(connection["round"], data["contestant"])
        return {"ok": True}

    @event()
    def on_answers(self, connection: dict, data: Any) -> dict[str, Any]:
        if refused := self._hosting(connection):
            return refused
        return {"ok": True, **self.live.answers_in(connection["round"])}


class WatchNamespace(LeitaiNamespace):
    @event(WatchSchema)
    def on_watch(self, connection: dict, data: dict) -> dict[str, Any]:
        round_id = self.live.competitions.round_id_by_watch_code(data["code"])
        connection["round"] = round_id
        self.enter_room(connection["sid"], rooms.spectators(round_id))
        snapshot = self.wired.leaderboard.snapshot(round_id, now_ms=clock.now_ms())
        state = self.live.state_view(round_id, now=clock.now_ms())
        return {"ok": True, "state": state, "leaderboard": snapshot}
