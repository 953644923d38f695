"""The three Socket.IO namespaces: ``/play`` (contestants), ``/host``, ``/watch``.

Each event handler validates its payload, calls a service, and returns the ack; every
failure is an ``{"ok": false, "error": {...}}`` ack and changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import wraps
from typing import Any

from marshmallow import Schema, ValidationError

from engine.domain.accounts import Capability
from engine.domain.contest import Mode
from engine.domain.drawing import shuffle_seed
from engine.services.answering import RefusedCommand
from engine.services.errors import ServiceError
from engine.services.live import HOST_COMMANDS
from engine.services.selfpaced import delivered
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
    LeaveSchema,
    WatchSchema,
)
from web.tokens import TokenError, organiser_of
from web.wiring import STORE_UNAVAILABLE, Wiring

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


class Refusal(Exception):
    """An error ack decided below the handler (``event`` sends it)."""

    def __init__(self, ack: dict[str, Any]) -> None:
        super().__init__(ack["error"]["code"])
        self.ack = ack


@dataclass(frozen=True, slots=True)
class Seat:
    """The round and contestant a ``/play`` connection joined as."""

    round: int
    contestant: str
    selfpaced: bool


@dataclass(frozen=True, slots=True)
class Hosting:
    """The round a ``/host`` connection attached to, and the token it attached with
    (checked again on every command)."""

    round: int
    token: str


@dataclass(eq=False, slots=True)
class Connection:
    """One Socket.IO connection in this process: its rate limit, and what it is tied to."""

    sid: str
    bucket: Bucket = field(default_factory=Bucket)
    seat: Seat | None = None  # /play, once joined
    hosting: Hosting | None = None  # /host, once attached


def event(schema: type[Schema] | None = None) -> Callable:
    """Rate-limit, size-check and validate an event; map every failure to an error ack."""

    loader = schema() if schema is not None else None  # schemas keep no state per load
    plain = getattr(schema, "plain", None)  # a schema's fast path for well-formed payloads

    def decorate(handler: Callable) -> Callable:
        @wraps(handler)
        def handle(self: LeitaiNamespace, sid: str, data: Any = None) -> dict[str, Any]:
            connection = self.connections.get(sid)
            if connection is None:
                connection = self.connections[sid] = Connection(sid)
            if not connection.bucket.take():
                return failure("rate_limited", "Too many messages; slow down.")
            if loader is not None and not isinstance(data, dict):
                return failure("invalid", "The message must be a JSON object.")
            try:
                payload = (plain and plain(data)) or (
                    loader.load(data) if loader is not None else data
                )
                return handler(self, connection, payload)
            except Refusal as refusal:
                return refusal.ack
            except ValidationError as error:
                return failure("invalid", "The message has invalid fields.", error.messages)
            except RefusedCommand as refused:
                return failure(refused.code, refused.message)
            except ServiceError as error:
                return failure(error.code, error.message, error.fields or None, error.reason)
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
        self.connections: dict[str, Connection] = {}

    def on_disconnect(self, sid: str, reason: object = None) -> None:
        self.connections.pop(sid, None)


class PlayNamespace(LeitaiNamespace):
    @event(JoinSchema)
    def on_join(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
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
        # A round of a campaign's stage admits registrations only (docs/campaigns.md); a
        # resume token was issued to one admitted already.
        registered = None
        if resume is None:
            registered = self.wired.campaign_entries.join_live(
                round_id, data["registration"], clock.now_ms(), client=self._client(connection)
            )
        if registered is not None:
            joined = registered.joined
        else:
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
        ack: dict[str, Any] = {
            "ok": True,
            "contestant": {"id": joined.contestant, **joined.profile},
            "token": token,
            "rejoined": joined.rejoined,
            "seed": shuffle_seed(joined.plan.seed, None),
            "state": self.live.state_view(round_id, joined.contestant, now=clock.now_ms()),
        }
        if registered is not None:
            ack["registration"] = {"id": registered.registration, "unit": registered.unit}
        return ack

    def _client(self, connection: Connection) -> str | None:
        """The connection's client address, which entries are throttled by."""
        return (self.server.get_environ(connection.sid, self.namespace) or {}).get("REMOTE_ADDR")

    def _seat(
        self, connection: Connection, round_id: int, contestant: str, *, selfpaced: bool
    ) -> str:
        """Tie the connection to its round and contestant; their resume token."""
        if (seat := connection.seat) is not None:
            if seat.round != round_id:
                self.leave_room(connection.sid, rooms.players(seat.round))
            self.leave_room(connection.sid, rooms.contestant(seat.round, seat.contestant))
        connection.seat = Seat(round_id, contestant, selfpaced)
        self.enter_room(connection.sid, rooms.players(round_id))
        self.enter_room(connection.sid, rooms.contestant(round_id, contestant))
        return self.wired.contestant_tokens.issue({"round": round_id, "contestant": contestant})

    def _enter(
        self,
        connection: Connection,
        round_id: int,
        data: dict[str, Any],
        resume: tuple[int, str] | None,
    ) -> dict[str, Any]:
        """Enter a self-paced round, or come back to the entry a resume token names (a
        token never falls back to a new entry)."""
        selfpaced = self.wired.selfpaced
        plan = selfpaced.plan(round_id)
        if resume is None:
            self.wired.campaign_entries.refuse_direct_entry(round_id)
            entry = selfpaced.enter(
                round_id,
                data["nickname"],
                data["region"],
                data["team"],
                clock.now_ms(),
                identity=data["identity"],
                client=self._client(connection),
                elder=data["elder"],
            )
            contestant, profile = entry.contestant, entry.profile
        elif resume[0] == round_id and selfpaced.reenter(*resume):
            contestant = resume[1]
            profile = self.live.profile(round_id, contestant) or {}
        else:
            return failure("token_invalid", "The resume token is not for this round.")
        return {
            "ok": True,
            "contestant": {"id": contestant, **profile},
            "token": self._seat(connection, round_id, contestant, selfpaced=True),
            "rejoined": resume is not None,
            "paper": {"total": plan.rules.draw.size, "seed": selfpaced.seed_for(plan, contestant)},
        }

    @event()
    def on_next(self, connection: Connection, data: Any) -> dict[str, Any]:
        """Self-paced: the current question of the paper (as GET /paper/next)."""
        seat = connection.seat
        if seat is None or not seat.selfpaced:
            return failure("not_joined", "Join a self-paced round first.")
        now = clock.now_ms()
        delivery = self.wired.selfpaced.next_question(seat.round, seat.contestant, now)
        return {"ok": True, **delivered(delivery, now)}

    @event(AnswerSchema)
    def on_answer(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
        seat = connection.seat
        if seat is None:
            return failure("not_joined", "Join a round first.")
        if seat.selfpaced:
            body = self.wired.selfpaced.answer(
                seat.round,
                seat.contestant,
                data["question"],
                data["response"],
                clock.now_ms(),
                advance=data["advance"],
            )
            return {"ok": True, **body}
        ack = self.live.answer(
            seat.round, seat.contestant, data["question"], data["response"], clock.now_ms()
        )
        return {"ok": True, "accepted": ack.accepted, "duplicate": ack.duplicate}

    @event(LeaveSchema)
    def on_leave(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
        """ "Join as someone else": the contestant this connection joined as leaves. In a
        live round's lobby the entry goes (``removed``); once started, or in a self-paced
        round, it stays for the record and only this connection lets go of it. In a
        campaign's round the entry is the registration's, which joins again as it: it
        stays too."""
        seat = connection.seat
        if seat is None:
            return failure("not_joined", "Join a round first.")
        removed = (
            not seat.selfpaced
            and self.wired.campaign_entries.campaign_of(seat.round) is None
            and self.live.leave(seat.round, seat.contestant, clock.now_ms())
        )
        self.leave_room(connection.sid, rooms.players(seat.round))
        self.leave_room(connection.sid, rooms.contestant(seat.round, seat.contestant))
        connection.seat = None
        return {"ok": True, "removed": removed}

    @event(FocusLostSchema)
    def on_focus_lost(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
        seat = connection.seat
        if seat is None:
            return failure("not_joined", "Join a round first.")
        report = self.wired.integrity.focus_lost(
            seat.round, seat.contestant, data["question"], data["at"]
        )
        return {"ok": True, **asdict(report)}

    @event()
    def on_state(self, connection: Connection, data: Any) -> dict[str, Any]:
        seat = connection.seat
        if seat is None:
            return failure("not_joined", "Join a round first.")
        return {
            "ok": True,
            "state": self.live.state_view(seat.round, seat.contestant, now=clock.now_ms()),
        }

    @event()
    def on_me(self, connection: Connection, data: Any) -> dict[str, Any]:
        seat = connection.seat
        if seat is None:
            return failure("not_joined", "Join a round first.")
        return {"ok": True, "you": self.live.me(seat.round, seat.contestant)}


class HostNamespace(LeitaiNamespace):
    @event(AttachSchema)
    def on_attach(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
        try:
            organiser = organiser_of(self.wired, data["token"])
        except TokenError as error:
            return failure(error.code, error.message)
        if not organiser.may(Capability.ROUNDS):
            return failure("forbidden", "Only hosts and admins may host a round.")
        self.wired.ownership.round(organiser, data["round"])  # not_found to other hosts
        plan = self.live.competitions.plan(data["round"])
        connection.hosting = Hosting(plan.round_id, data["token"])
        self.enter_room(connection.sid, rooms.hosts(plan.round_id))
        return {
            "ok": True,
            "round": {"id": plan.round_id, "code": plan.code, "watch_code": plan.watch_code},
            "state": self.live.state_view(plan.round_id, now=clock.now_ms()),
        }

    def _hosted(self, connection: Connection) -> int:
        """The round, if attached with a token that still stands (a logout, a password
        change or a disable ends a host's control at once: a cache read) and its
        organiser still hosts the round (a co-host removed since gets not_found)."""
        hosting = connection.hosting
        if hosting is None:
            raise Refusal(failure("not_attached", "Attach to a round with a host token first."))
        try:
            organiser = organiser_of(self.wired, hosting.token)
        except TokenError as error:
            connection.hosting = None
            raise Refusal(failure(error.code, error.message)) from error
        self.wired.ownership.round(organiser, hosting.round)
        return hosting.round

    def command(self, connection: Connection, name: str) -> dict[str, Any]:
        round_id = self._hosted(connection)
        state, events = self.live.command(round_id, name, clock.now_ms())
        self.broadcaster.round_events(round_id, state, events)
        return {"ok": True, "state": self.live.state_view(round_id, now=clock.now_ms())}

    @event(KickSchema)
    def on_kick(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
        round_id = self._hosted(connection)
        self.wired.bans.ban(round_id, data["contestant"])
        eject(self.server, round_id, data["contestant"])
        return {"ok": True}

    @event(KickSchema)
    def on_unban(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
        round_id = self._hosted(connection)
        self.wired.bans.lift(round_id, data["contestant"])
        return {"ok": True}

    @event()
    def on_answers(self, connection: Connection, data: Any) -> dict[str, Any]:
        round_id = self._hosted(connection)
        return {"ok": True, **self.live.answers_in(round_id)}


def _host_command(name: str) -> Callable[..., dict[str, Any]]:
    def handle(self: HostNamespace, connection: Connection, data: Any) -> dict[str, Any]:
        return self.command(connection, name)

    handle.__name__ = f"on_{name}"
    return event()(handle)


for _name in HOST_COMMANDS:  # the host's controls, as over HTTP
    setattr(HostNamespace, f"on_{_name}", _host_command(_name))


class WatchNamespace(LeitaiNamespace):
    @event(WatchSchema)
    def on_watch(self, connection: Connection, data: dict[str, Any]) -> dict[str, Any]:
        round_id = self.live.competitions.round_id_by_watch_code(data["code"])
        self.enter_room(connection.sid, rooms.spectators(round_id))
        snapshot = self.wired.leaderboard.snapshot(round_id, now_ms=clock.now_ms())
        state = self.live.state_view(round_id, now=clock.now_ms())
        return {"ok": True, "state": state, "leaderboard": snapshot}
