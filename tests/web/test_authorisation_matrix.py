"""Who may do what: every operation of the OpenAPI document and every ``/host`` event,
for every kind of caller, as a table of expected outcomes.

The tables are the specification. The tests enumerate the document's operations and the
``/host`` namespace's ``on_*`` handlers, so a new endpoint or event without a row fails
here, by name, until someone decides who may call it. Every refused call must also
change nothing: SQL and Redis are compared before and after it.

Callers: ``anonymous`` (no token; a garbage token on ``/host``), ``contestant`` (a
self-paced entry's token), ``author``, ``owner`` (the host who created the competition),
``other_host`` (a host who does not host it), ``cohost`` (added by the owner), ``admin``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import web.live.namespaces
from engine.domain.accounts import Organiser
from engine.domain.lucky_draw import PoolKind, PoolRule, Prize
from tests.web.live_helpers import START, Clock, import_bank, install_clock
from tests.web.stores import Stores, snapshot
from web.live.namespaces import HostNamespace
from web.wiring import Wiring

ROLES = ("anonymous", "contestant", "author", "owner", "other_host", "cohost", "admin")
PASSWORD = "correct horse battery"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
LIVE_RULES = {"mode": "live", "draw": {"kind": "fixed", "keys": ["nd-0001", "nd-0002"]}}
SELF_PACED_RULES = {"mode": "self_paced", "draw": {"kind": "fixed", "keys": ["nd-0001"]}}


@dataclass(frozen=True)
class Row:
    """Expected HTTP status per caller, and what the call needs.

    ``given``: host commands (or ``ban``: its contestant kicked) that bring the cell's
    fresh live round (``{round_id}``, with one joined ``{contestant}``) to the state the
    operation needs; ``selfpaced``: ``{round_id}`` is instead the self-paced round the
    contestant entered. ``body``: JSON whose strings may name ``{cell}`` (unique per
    call), ``{question}`` (delivered to the self-paced contestant) or ``{owner}``; bytes
    go raw; an :class:`Upload` goes as a form; a callable takes the world and returns
    the body. ``own_token``: the caller
    presents a token issued for this call alone (the call revokes the token it carries).
    ``draw``: ``{draw_id}`` is a fresh draw (``committed`` or already ``drawn``) on a
    fresh finished round whose ``{contestant}`` is in the pool. ``{campaign_id}`` is the
    owner's campaign (co-hosted), whose one stage has the self-paced round.
    """

    statuses: dict[str, int]
    given: tuple[str, ...] = ()
    selfpaced: bool = False
    body: Any = None
    query: str = ""
    own_token: bool = False
    draw: str = ""
    #: ``{campaign_id}`` is a fresh campaign of the owner's (co-hosted), no one registered,
    #: whose one stage is a fresh finished round.
    fresh_campaign: bool = False


def row(
    anonymous: int,
    contestant: int,
    author: int,
    owner: int,
    other_host: int,
    cohost: int,
    admin: int,
    **needs: Any,
) -> Row:
    statuses = dict(
        zip(ROLES, (anonymous, contestant, author, owner, other_host, cohost, admin), strict=True)
    )
    return Row(statuses, **needs)


@dataclass(frozen=True)
class Upload:
    """A multipart body: one file and the form's other fields."""

    name: str
    content: bytes
    fields: dict[str, str]

    def form(self) -> dict[str, Any]:
        return {**self.fields, "file": (io.BytesIO(self.content), self.name)}


def bank_upload(world: World) -> Upload:
    cell = next(world.cells)
    return Upload(
        "m.gift",
        b"::q1:: 1 + 1 = ? {=2 ~3 ~4}\n",
        {"slug": f"u{cell}", "title": "U", "source": "matrix"},
    )


REFUSALS = (401, 403, 404)
NEW_COMPETITION = {"title": "m{cell}", "bank": "national-defence", "bank_version": 1}
START_SELF_PACED = {"nickname": "m{cell}"}
CERTIFICATE_PLAN = {
    "templates": [
        {
            "key": "taking-part",
            "rule": {"kind": "participation"},
            "award": {"en": "Participation"},
            "title": {"en": "Certificate"},
            "issuer": {"en": "Matrix"},
        }
    ]
}
NEW_DRAW = {
    "title": "m{cell}",
    "pool": {"kind": "min_score", "threshold": 0},
    "prizes": [{"prize": "mug", "count": 1}],
}
FINISHED = ("start", "finish")
#: Among the holders of a fresh campaign's finished round (none yet: an empty pool).
NEW_CAMPAIGN_DRAW = {**NEW_DRAW, "pool": {"kind": "certificate_holders"}}
NEW_CAMPAIGN = {"title": "m{cell}", "opens_at": START - 1000, "closes_at": START + 86_400_000}
ROSTER = Upload("units.csv", "单位名称,所属地区,应参与人数\n甲,越秀区,10\n".encode(), {})
MEMBERS = Upload("members.csv", "编号,姓名\nA1,张三\n".encode(), {})


def new_stage(world: World) -> dict[str, Any]:
    """A stage of a fresh round of the owner's competition (co-hosted)."""
    world.made += 1
    heat = world.wired.competitions.open_round(world.competition)["id"]
    return {"title": "m", "rounds": [heat], "attempt_rule": {"kind": "one"}}


def campaign_attempt(world: World) -> dict[str, Any]:
    """A fresh registration's token and the campaign's self-paced round."""
    world.made += 1
    made = world.wired.registrations.register(world.campaign, {"nickname": "m"}, world.clock.now)
    return {"token": made["token"], "round": world.selfpaced_round}


# fmt: off
#: METHOD path (as documented): anonymous contestant author owner other_host cohost admin
HTTP: dict[str, Row] = {
    "POST /api/v1/auth/token": row(200, 200, 200, 200, 200, 200, 200, body={"username": "{owner}", "password": PASSWORD}),  # noqa: E501
    "POST /api/v1/auth/logout": row(401, 401, 204, 204, 204, 204, 204, own_token=True),
    "GET /api/v1/auth/me": row(401, 401, 200, 200, 200, 200, 200),
    "GET /api/v1/users": row(401, 401, 403, 403, 403, 403, 200),
    "POST /api/v1/users": row(401, 401, 403, 403, 403, 403, 201, body={"username": "matrix-{cell}", "password": PASSWORD, "role": "host"}),  # noqa: E501
    "GET /api/v1/banks": row(401, 401, 200, 403, 403, 403, 200),
    "POST /api/v1/banks": row(401, 401, 201, 403, 403, 403, 201, body={"slug": "m{cell}", "title": {"en": "M"}, "default_locale": "en"}),  # noqa: E501
    "GET /api/v1/banks/{slug}": row(401, 401, 200, 403, 403, 403, 200),
    "GET /api/v1/banks/{slug}/draft": row(401, 401, 200, 403, 403, 403, 200),
    "GET /api/v1/banks/{slug}/lint": row(401, 401, 200, 403, 403, 403, 200),
    "PUT /api/v1/banks/{slug}/draft": row(401, 401, 200, 403, 403, 403, 200, body=lambda world: world.draft),  # noqa: E501
    "POST /api/v1/banks/{slug}/versions": row(401, 401, 201, 403, 403, 403, 201),
    "GET /api/v1/banks/{slug}/versions": row(401, 401, 200, 403, 403, 403, 200),
    "GET /api/v1/banks/{slug}/versions/{number}": row(401, 401, 200, 403, 403, 403, 200),
    "GET /api/v1/banks/{slug}/diff": row(401, 401, 200, 403, 403, 403, 200, query="from=1&to=1"),
    "POST /api/v1/banks/import": row(401, 401, 201, 403, 403, 403, 201, body=bank_upload),
    "POST /api/v1/media": row(401, 401, 201, 403, 403, 403, 201, body=PNG),
    "GET /api/v1/competitions": row(401, 401, 403, 200, 200, 200, 200),
    "POST /api/v1/competitions": row(401, 401, 403, 201, 201, 201, 201, body={**NEW_COMPETITION, "rules": LIVE_RULES}),  # noqa: E501
    "GET /api/v1/competitions/{competition_id}": row(401, 401, 403, 200, 404, 200, 200),
    "POST /api/v1/competitions/{competition_id}/rounds": row(401, 401, 403, 201, 404, 201, 201),
    "GET /api/v1/competitions/{competition_id}/hosts": row(401, 401, 403, 200, 404, 200, 200),
    "PUT /api/v1/competitions/{competition_id}/hosts/{username}": row(401, 401, 403, 200, 404, 403, 200),  # noqa: E501
    "DELETE /api/v1/competitions/{competition_id}/hosts/{username}": row(401, 401, 403, 200, 404, 403, 200),  # noqa: E501
    "GET /api/v1/rounds/{round_id}": row(401, 401, 403, 200, 404, 200, 200),
    "POST /api/v1/rounds/{round_id}/start": row(401, 401, 403, 200, 404, 200, 200),
    "POST /api/v1/rounds/{round_id}/close": row(401, 401, 403, 200, 404, 200, 200, given=("start",)),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/reveal": row(401, 401, 403, 200, 404, 200, 200, given=("start", "close")),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/next": row(401, 401, 403, 200, 404, 200, 200, given=("start", "close")),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/pause": row(401, 401, 403, 200, 404, 200, 200, given=("start",)),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/resume": row(401, 401, 403, 200, 404, 200, 200, given=("start", "pause")),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/skip": row(401, 401, 403, 200, 404, 200, 200, given=("start",)),
    "POST /api/v1/rounds/{round_id}/finish": row(401, 401, 403, 200, 404, 200, 200, given=("start",)),  # noqa: E501
    "GET /api/v1/rounds/{round_id}/results": row(401, 401, 403, 200, 404, 200, 200, given=("start",)),  # noqa: E501
    "GET /api/v1/rounds/{round_id}/results.csv": row(401, 401, 403, 200, 404, 200, 200),
    "GET /api/v1/rounds/{round_id}/results.xlsx": row(401, 401, 403, 200, 404, 200, 200, given=("start",)),  # noqa: E501
    # Public; an organiser's token asks for the live view, which only the round's hosts get.
    "GET /api/v1/rounds/{round_id}/leaderboard": row(200, 200, 403, 200, 404, 200, 200),
    "GET /api/v1/rounds/{round_id}/bans": row(401, 401, 403, 200, 404, 200, 200),
    "PUT /api/v1/rounds/{round_id}/bans/{contestant}": row(401, 401, 403, 200, 404, 200, 200, selfpaced=True),  # noqa: E501
    "DELETE /api/v1/rounds/{round_id}/bans/{contestant}": row(401, 401, 403, 200, 404, 200, 200, selfpaced=True),  # noqa: E501
    "GET /api/v1/rounds/{round_id}/leaderboard/me": row(401, 200, 401, 401, 401, 401, 401, selfpaced=True),  # noqa: E501
    # The self-paced round is a campaign stage's: entered only through the campaign's
    # entries, by anyone alike (campaign_round; tests/web/test_campaign_final.py).
    "POST /api/v1/rounds/{round_id}/entries": row(409, 409, 409, 409, 409, 409, 409, selfpaced=True, body=START_SELF_PACED),  # noqa: E501
    "GET /api/v1/rounds/{round_id}/paper/next": row(401, 200, 401, 401, 401, 401, 401, selfpaced=True),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/answers": row(401, 200, 401, 401, 401, 401, 401, selfpaced=True, body={"question": "{question}", "response": "b"}),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/focus-lost": row(401, 200, 401, 401, 401, 401, 401, selfpaced=True, body={"question": "{question}", "at": 1}),  # noqa: E501
    # After the answers row: the round reveals after each answer, so the review is open.
    "GET /api/v1/rounds/{round_id}/review": row(401, 200, 401, 401, 401, 401, 401, selfpaced=True),
    # Only a registration token reads it (tests/web/test_campaign_review.py).
    "GET /api/v1/campaigns/{campaign_id}/review/mine": row(401, 401, 401, 401, 401, 401, 401),
    "GET /api/v1/rounds/{round_id}/certificates/plan": row(401, 401, 403, 200, 404, 200, 200, given=("certify",)),  # noqa: E501
    "PUT /api/v1/rounds/{round_id}/certificates/plan": row(401, 401, 403, 200, 404, 200, 200, body=CERTIFICATE_PLAN),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/certificates/seal": row(401, 401, 403, 201, 404, 201, 201, body=PNG),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/certificates/issue": row(401, 401, 403, 200, 404, 200, 200, given=("start", "finish", "certify")),  # noqa: E501
    "GET /api/v1/rounds/{round_id}/certificates": row(401, 401, 403, 200, 404, 200, 200),
    "GET /api/v1/rounds/{round_id}/certificates.csv": row(401, 401, 403, 200, 404, 200, 200),
    "GET /api/v1/rounds/{round_id}/certificates.xlsx": row(401, 401, 403, 200, 404, 200, 200),
    # {serial}: a certificate issued on a finished round of the owner's competition.
    "POST /api/v1/certificates/{serial}/revoke": row(401, 401, 403, 200, 404, 200, 200, body={"reason": "matrix"}),  # noqa: E501
    # The holder's own: a contestant token for that round and contestant (404 for others).
    "GET /api/v1/certificates/mine": row(401, 200, 401, 401, 401, 401, 401),
    "GET /api/v1/certificates/{serial}.pdf": row(401, 404, 401, 401, 401, 401, 401),
    "GET /api/v1/certificates/{serial}.png": row(401, 404, 401, 401, 401, 401, 401),
    "GET /api/v1/certificates/{serial}/verification": row(200, 200, 200, 200, 200, 200, 200),
    "POST /api/v1/rounds/{round_id}/entries/{contestant}/extra-time": row(401, 401, 403, 200, 404, 200, 200, selfpaced=True, body={"multiplier": 1.5}),  # noqa: E501
    "POST /api/v1/rounds/{round_id}/draws": row(401, 401, 403, 201, 404, 201, 201, given=FINISHED, body=NEW_DRAW),  # noqa: E501
    "GET /api/v1/rounds/{round_id}/draws": row(401, 401, 403, 200, 404, 200, 200),
    "POST /api/v1/draws/{draw_id}/run": row(401, 401, 403, 200, 404, 200, 200, draw="committed"),
    "POST /api/v1/draws/{draw_id}/disqualify": row(401, 401, 403, 200, 404, 200, 200, draw="drawn", body={"contestant": "{contestant}", "reason": "r"}),  # noqa: E501
    # Public: the commitment before the run, the verifiable outcome after.
    "GET /api/v1/draws/{draw_id}": row(200, 200, 200, 200, 200, 200, 200, draw="drawn"),
    "GET /api/v1/draws/{draw_id}.xlsx": row(401, 401, 403, 200, 404, 200, 200, draw="drawn"),
    "POST /api/v1/campaigns": row(401, 401, 403, 201, 201, 201, 201, body=NEW_CAMPAIGN),
    "GET /api/v1/campaigns": row(401, 401, 403, 200, 200, 200, 200),
    "GET /api/v1/campaigns/{campaign_id}": row(401, 401, 403, 200, 404, 200, 200),
    "PATCH /api/v1/campaigns/{campaign_id}": row(401, 401, 403, 200, 404, 200, 200, body={"rules": "r{cell}"}),  # noqa: E501
    "PUT /api/v1/campaigns/{campaign_id}/hosts/{username}": row(401, 401, 403, 200, 404, 403, 200),
    "DELETE /api/v1/campaigns/{campaign_id}/hosts/{username}": row(401, 401, 403, 200, 404, 403, 200),  # noqa: E501
    "POST /api/v1/campaigns/{campaign_id}/stages": row(401, 401, 403, 201, 404, 201, 201, body=new_stage),  # noqa: E501
    "POST /api/v1/campaigns/{campaign_id}/units": row(401, 401, 403, 200, 404, 200, 200, fresh_campaign=True, body=ROSTER),  # noqa: E501
    "GET /api/v1/campaigns/{campaign_id}/units": row(401, 401, 403, 200, 404, 200, 200),
    "POST /api/v1/campaigns/{campaign_id}/members": row(401, 401, 403, 200, 404, 200, 200, fresh_campaign=True, body=MEMBERS),  # noqa: E501
    # Contestants register and start attempts with no account: anyone may.
    "POST /api/v1/campaigns/{campaign_id}/registrations": row(201, 201, 201, 201, 201, 201, 201, body={"nickname": "m{cell}"}),  # noqa: E501
    "GET /api/v1/campaigns/{campaign_id}/registrations": row(401, 401, 403, 200, 404, 200, 200),
    "POST /api/v1/campaigns/{campaign_id}/entries": row(201, 201, 201, 201, 201, 201, 201, body=campaign_attempt),  # noqa: E501
    "GET /api/v1/campaigns/{campaign_id}/participation": row(401, 401, 403, 200, 404, 200, 200),
    "GET /api/v1/campaigns/{campaign_id}/rankings": row(401, 401, 403, 200, 404, 200, 200),
    # Public: rates only, as a round's leaderboard is public.
    "GET /api/v1/campaigns/{campaign_id}/board": row(200, 200, 200, 200, 200, 200, 200),
    "GET /api/v1/campaigns/{campaign_id}/participation.xlsx": row(401, 401, 403, 200, 404, 200, 200),  # noqa: E501
    "GET /api/v1/campaigns/{campaign_id}/registrations.xlsx": row(401, 401, 403, 200, 404, 200, 200),  # noqa: E501
    "GET /api/v1/campaigns/{campaign_id}/stages/{position}/qualifiers": row(401, 401, 403, 200, 404, 200, 200),  # noqa: E501
    "POST /api/v1/campaigns/{campaign_id}/stages/{position}/qualifiers": row(401, 401, 403, 200, 404, 200, 200, fresh_campaign=True, body={}),  # noqa: E501
    "POST /api/v1/campaigns/{campaign_id}/draws": row(401, 401, 403, 201, 404, 201, 201, fresh_campaign=True, body=NEW_CAMPAIGN_DRAW),  # noqa: E501
    "GET /api/v1/campaigns/{campaign_id}/draws": row(401, 401, 403, 200, 404, 200, 200),
    "GET /api/v1/campaigns/{campaign_id}/certificates/stages/{position}/plan": row(401, 401, 403, 200, 404, 200, 200),  # noqa: E501
    "PUT /api/v1/campaigns/{campaign_id}/certificates/stages/{position}/plan": row(401, 401, 403, 200, 404, 200, 200, body=CERTIFICATE_PLAN),  # noqa: E501
    "POST /api/v1/campaigns/{campaign_id}/certificates/seal": row(401, 401, 403, 201, 404, 201, 201, body=PNG),  # noqa: E501
    "POST /api/v1/campaigns/{campaign_id}/certificates/stages/{position}/issue": row(401, 401, 403, 200, 404, 200, 200, fresh_campaign=True),  # noqa: E501
    "GET /api/v1/campaigns/{campaign_id}/certificates": row(401, 401, 403, 200, 404, 200, 200),
    "GET /api/v1/campaigns/{campaign_id}/certificates.csv": row(401, 401, 403, 200, 404, 200, 200),
    "GET /api/v1/campaigns/{campaign_id}/certificates.xlsx": row(401, 401, 403, 200, 404, 200, 200),
}
# fmt: on


@dataclass(frozen=True)
class EventRow:
    """Expected ack per caller: "ok" or the error code. Each caller's connection first
    tries to attach to a fresh round of the owner's (brought to ``given``); a caller
    whose attach was refused is not attached. ``dismissed`` is a co-host who attached
    and was then removed by the owner before the event."""

    acks: dict[str, str]
    given: tuple[str, ...] = ()
    payload: Any = None


EVENT_ROLES = (*ROLES, "dismissed")


def event_row(*acks: str, **needs: Any) -> EventRow:
    return EventRow(dict(zip(EVENT_ROLES, acks, strict=True)), **needs)


REFUSED = ("token_invalid", "token_invalid", "forbidden")  # anonymous, contestant, author
UNATTACHED = ("not_attached", "not_attached", "not_attached")

# fmt: off
#: event: anonymous contestant author | owner other_host cohost admin dismissed
EVENTS: dict[str, EventRow] = {
    "attach": event_row(*REFUSED, "ok", "not_found", "ok", "ok", "not_found"),
    "start": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found"),
    "close": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start",)),  # noqa: E501
    "reveal": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start", "close")),  # noqa: E501
    "next": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start", "close")),  # noqa: E501
    "pause": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start",)),  # noqa: E501
    "resume": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start", "pause")),  # noqa: E501
    "skip": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start",)),
    "finish": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start",)),  # noqa: E501
    "kick": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", payload={"contestant": "{contestant}"}),  # noqa: E501
    "unban": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("ban",), payload={"contestant": "{contestant}"}),  # noqa: E501
    "answers": event_row(*UNATTACHED, "ok", "not_attached", "ok", "ok", "not_found", given=("start",)),  # noqa: E501
}
# fmt: on

#: API routes outside the OpenAPI document (so outside the table): public on purpose.
PUBLIC_UNDOCUMENTED = {"/api/v1/openapi.json"}
#: Handlers that are not events a client sends.
NOT_EVENTS = {"connect", "disconnect"}


# --- the world every cell runs in -------------------------------------------------------


@dataclass
class World:
    app: Flask
    http: FlaskClient
    wired: Wiring
    clock: Clock
    organisers: dict[str, Organiser]
    tokens: dict[str, str]
    competition: int  # the owner's live competition, co-hosted by "cohost"
    selfpaced_round: int
    contestant: str
    question: str  # delivered to the contestant
    draft: dict[str, Any]
    serial: str  # a certificate issued on a finished round of the owner's competition
    campaign: int  # the owner's, co-hosted; its stage has the self-paced round
    cells: Iterator[int] = field(default_factory=lambda: iter(range(1, 10_000)))
    #: Rounds, draws and campaign set-ups made so far: a call's set-up that makes one
    #: changes the stores.
    made: int = 0
    #: Rounds no call has changed yet, by the commands that made their state.
    unchanged: dict[tuple[str, ...], tuple[int, str]] = field(default_factory=dict)

    def fresh_round(self, given: tuple[str, ...]) -> tuple[int, str]:
        """A round of the owner's competition with one contestant, brought to ``given``
        and changed by no call since; its id and the contestant. The caller hands it
        back with ``untouched`` when its call was refused."""
        if given in self.unchanged:
            return self.unchanged.pop(given)
        wired, now = self.wired, self.clock.now
        self.made += 1
        round_id = wired.competitions.open_round(self.competition)["id"]
        code = wired.competitions.plan(round_id).code
        player = wired.live.join(code, f"p{next(self.cells)}", None, None, now).contestant
        for command in given:
            if command == "ban":  # a host's kick, for the events that need a banned player
                wired.bans.ban(round_id, player)
            elif command == "certify":  # a certificate plan, for the certificate operations
                wired.certificates.set_plan(round_id, CERTIFICATE_PLAN, None)
            else:
                wired.live.command(round_id, command, now)
        return round_id, player

    def untouched(self, given: tuple[str, ...], made: tuple[int, str]) -> None:
        self.unchanged[given] = made

    def snapshot(self) -> Stores:
        return snapshot(self.wired)


@pytest.fixture
def world(app: Flask, client: FlaskClient, wired: Wiring, monkeypatch) -> World:
    clock = install_clock(monkeypatch)
    monkeypatch.setattr(web.live.namespaces, "BURST", 100.0)
    organisers = {
        "author": wired.accounts.add("author", PASSWORD, "author"),
        "owner": wired.accounts.add("owner", PASSWORD, "host"),  # logs in by password
        "other_host": wired.accounts.add("other", PASSWORD, "host"),
        "cohost": wired.accounts.add("cohost", PASSWORD, "host"),
        "admin": wired.accounts.add("admin", PASSWORD, "admin"),
        "spare": wired.accounts.add("spare", PASSWORD, "host"),
    }
    tokens = {
        name: organiser_token(wired, organiser)
        for name, organiser in organisers.items()
        if name != "spare"
    }
    version = import_bank(wired)
    owner = organisers["owner"]

    def competition(rules: dict[str, Any]) -> int:
        return wired.competitions.create(
            title="Matrix",
            bank_slug="national-defence",
            bank_version=version,
            rules=rules,
            created_by=owner.username,
            owner_id=owner.id,
        )["id"]

    live, selfpaced_competition = competition(LIVE_RULES), competition(SELF_PACED_RULES)
    for competition_id in (live, selfpaced_competition):
        wired.ownership.appoint(owner, competition_id, "cohost")
    window = (START - 1000, START + 3_600_000)
    selfpaced = wired.competitions.open_round(selfpaced_competition, window)["id"]
    contestant = wired.selfpaced.enter(selfpaced, "entrant", None, None, clock.now).contestant
    tokens["contestant"] = wired.contestant_tokens.issue(
        {"round": selfpaced, "contestant": contestant}
    )
    delivery = wired.selfpaced.next_question(selfpaced, contestant, clock.now)
    assert delivery.question is not None
    certified = wired.competitions.open_round(live)["id"]
    wired.live.join(wired.competitions.plan(certified).code, "holder", None, None, clock.now)
    for command in ("start", "finish"):
        wired.live.command(certified, command, clock.now)
    wired.certificates.set_plan(certified, CERTIFICATE_PLAN, None)
    (certificate,) = wired.certificates.issue(certified, clock.now)
    return World(
        app,
        client,
        wired,
        clock,
        organisers,
        tokens,
        live,
        selfpaced,
        contestant,
        delivery.question["key"],
        wired.banks.draft("national-defence"),
        certificate["serial"],
        new_campaign(wired, owner, [selfpaced]),
    )


def new_campaign(wired: Wiring, owner: Organiser, rounds: list[int] | None = None) -> int:
    """A campaign of the owner's, co-hosted; a practice stage of ``rounds`` if given,
    with a certificate plan."""
    settings = {"title": "Matrix", "opens_at": START - 1000, "closes_at": START + 86_400_000}
    made = wired.campaigns.create(owner, settings)["id"]
    wired.campaigns.appoint(owner, made, "cohost")
    if rounds:
        stage = {"title": "s", "rounds": rounds, "attempt_rule": {"kind": "practice"}}
        rules = {"advancement": {"min_points": 0}, "max_points": 1000}
        wired.campaigns.add_stage(owner, made, {**stage, **rules})
        wired.campaign_certificates.set_plan(made, 1, CERTIFICATE_PLAN, None)
    return made


def organiser_token(wired: Wiring, organiser: Organiser) -> str:
    return wired.organiser_tokens.issue(wired.accounts.claims(organiser))


def headers(world: World, role: str, *, own_token: bool = False) -> dict[str, str]:
    token = world.tokens.get(role)
    if own_token and role in world.organisers:
        token = organiser_token(world.wired, world.organisers[role])
    return {"Authorization": f"Bearer {token}"} if token else {}


def filled(template: Any, values: dict[str, Any]) -> Any:
    """``template`` with ``{name}`` in its strings replaced from ``values``."""
    if isinstance(template, str):
        return template.format_map(values)
    if isinstance(template, dict):
        return {key: filled(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [filled(value, values) for value in template]
    return template


# --- HTTP ----------------------------------------------------------------------------


def test_every_documented_operation_has_a_row(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    documented = {
        f"{method.upper()} {path}" for path, ops in spec["paths"].items() for method in ops
    }
    missing = sorted(documented - HTTP.keys())
    stale = sorted(HTTP.keys() - documented)
    assert not missing, (
        f"No authorisation row for {', '.join(missing)}: add one to HTTP in {__name__} "
        "saying who may call it"
    )
    assert not stale, f"Rows for operations no longer documented: {', '.join(stale)}"


def test_every_api_route_is_documented(app: Flask) -> None:
    """A route under /api/v1 without ``@endpoint`` would escape the table above."""
    undocumented = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        and not hasattr(app.view_functions[rule.endpoint], "operation")
    }
    assert undocumented == PUBLIC_UNDOCUMENTED


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    body: Any
    round: tuple[int, str] | None  # a fresh live round the call is on
    own_token: bool = False


def prepare(world: World, operation: str, spec: Row) -> Call:
    """The operation's call with its path and body filled in."""
    method, path = operation.split(" ", 1)
    values: dict[str, Any] = {
        "cell": next(world.cells),
        "question": world.question,
        "owner": world.organisers["owner"].username,
        "competition_id": world.competition,
        "slug": "national-defence",
        "number": 1,
        "username": world.organisers["spare"].username,
        "contestant": world.contestant,
        "serial": world.serial,
        "campaign_id": world.campaign,
        "position": 1,
    }
    if spec.fresh_campaign:
        finished, _ = world.fresh_round(FINISHED)
        world.made += 1
        values["campaign_id"] = new_campaign(world.wired, world.organisers["owner"], [finished])
    made = None
    if spec.draw:
        values["draw_id"], values["contestant"] = fresh_draw(world, drawn=spec.draw == "drawn")
    elif spec.selfpaced:
        values["round_id"] = world.selfpaced_round
    elif "{round_id}" in path:
        made = world.fresh_round(spec.given)
        values["round_id"], values["contestant"] = made
    url = path.format_map(values) + (f"?{spec.query}" if spec.query else "")
    body = spec.body(world) if callable(spec.body) else filled(spec.body, values)
    return Call(method, url, body, made, spec.own_token)


def fresh_draw(world: World, *, drawn: bool) -> tuple[int, str]:
    """A draw on a fresh finished round of the owner's, its one contestant in the pool."""
    round_id, player = world.fresh_round(FINISHED)
    rule = PoolRule(PoolKind.MIN_SCORE, threshold=0)
    world.made += 1
    made = world.wired.draws.create(round_id, "matrix", rule, [Prize("mug", 1)])
    if drawn:
        world.wired.draws.run(made["id"])
    return made["id"], player


def send(world: World, call: Call, role: str) -> Any:
    options: dict[str, Any] = {"headers": headers(world, role, own_token=call.own_token)}
    if isinstance(call.body, bytes):
        options["data"] = call.body
    elif isinstance(call.body, Upload):
        options["data"] = call.body.form()
        options["content_type"] = "multipart/form-data"
    elif call.body is not None:
        options["json"] = call.body
    return world.http.open(call.url, method=call.method, **options)


def test_http_operations(world: World) -> None:
    """Every operation in HTTP as every caller: the status its row expects; a refused
    call (401, 403, 404) changes nothing.

    The stores a refused call left are the next call's "before" unless something ran in
    between that may change them (an accepted call, a new round or draw): the snapshots
    are most of this test's time. Reusing one never hides a change: a change made in
    between would show as the next call's."""
    wrong = []
    known = None  # the stores as they are now, when nothing has changed them since
    for role in ROLES:
        for operation, spec in HTTP.items():
            expected, made = spec.statuses[role], world.made
            call = prepare(world, operation, spec)
            if world.made != made:
                known = None
            before = (known or world.snapshot()) if expected in REFUSALS else None
            known = None
            response = send(world, call, role)
            if response.status_code != expected:
                wrong.append(
                    f"{operation} as {role}: expected {expected}, "
                    f"got {response.status_code} {response.get_json(silent=True)}"
                )
                continue
            if before is not None:
                known = world.snapshot()
                changes = known.changes_since(before)
                assert not changes, f"{operation} as {role} refused, changed {changes}"
            if call.round is not None and (before is not None or call.method == "GET"):
                world.untouched(spec.given, call.round)  # the next call may use it
    assert not wrong, "\n".join(wrong)


# --- /host ---------------------------------------------------------------------------


def host_events() -> set[str]:
    return {
        name.removeprefix("on_")
        for name in dir(HostNamespace)
        if name.startswith("on_") and callable(getattr(HostNamespace, name))
    } - NOT_EVENTS


def test_every_host_event_has_a_row() -> None:
    missing = sorted(host_events() - EVENTS.keys())
    stale = sorted(EVENTS.keys() - host_events())
    assert not missing, (
        f"No authorisation row for /host event(s) {', '.join(missing)}: add one to EVENTS "
        f"in {__name__}"
    )
    assert not stale, f"Rows for /host events that no longer exist: {', '.join(stale)}"


def attach_token(world: World, role: str) -> str:
    return (
        "not-a-token" if role == "anonymous" else world.tokens[role.replace("dismissed", "cohost")]
    )


def ack_of(ack: dict[str, Any]) -> str:
    return "ok" if ack.get("ok") else ack["error"]["code"]


def test_host_events(world: World) -> None:
    """Every /host event as every caller: the ack its row expects; a refused event
    changes nothing."""
    wrong = []
    for role in EVENT_ROLES:
        for name, spec in EVENTS.items():
            made, expected = world.fresh_round(spec.given), spec.acks[role]
            ack, changed = host_event(world, role, name, spec, made, watch=expected != "ok")
            if ack_of(ack) != expected:
                wrong.append(f"{name} as {role}: expected {expected}, got {ack}")
                continue
            if expected != "ok":
                assert not changed, f"{name} as {role} was refused but changed state"
                world.untouched(spec.given, made)
    assert not wrong, "\n".join(wrong)


def host_event(
    world: World, role: str, name: str, spec: EventRow, made: tuple[int, str], *, watch: bool
) -> tuple[dict[str, Any], bool]:
    """Attach as ``role`` to the round ``made`` and send the event; its ack, and (when
    ``watch``) whether the stores changed from just before the caller's own attempt."""
    (round_id, player), socketio = made, world.app.extensions["leitai.socketio"]
    owner, cohost = world.organisers["owner"], world.organisers["cohost"].username
    connection = socketio.test_client(world.app, namespace="/host")
    try:
        if role == "dismissed":  # attached as a co-host, then removed by the owner
            assert ack_of(attach(connection, round_id, world.tokens["cohost"])) == "ok"
            world.wired.ownership.dismiss(owner, world.competition, cohost)
        before = world.snapshot() if watch else None
        if role != "dismissed" or name == "attach":
            ack = attach(connection, round_id, attach_token(world, role))
        if name != "attach":
            payload = filled(spec.payload, {"contestant": player})
            args = () if payload is None else (payload,)
            ack = connection.emit(name, *args, namespace="/host", callback=True)
        return ack, watch and before is not None and bool(world.snapshot().changes_since(before))
    finally:
        connection.disconnect(namespace="/host")
        if role == "dismissed":
            world.wired.ownership.appoint(owner, world.competition, cohost)


def attach(connection: Any, round_id: int, token: str) -> dict[str, Any]:
    return connection.emit(
        "attach", {"round": round_id, "token": token}, namespace="/host", callback=True
    )
