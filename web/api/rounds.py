"""Competitions and rounds for hosts: set up, then drive a live round over HTTP."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request

from engine.domain.accounts import Capability
from engine.domain.contest import Mode
from engine.domain.rounds import LiveStatus
from engine.services.competitions import RoundPlan
from engine.services.live import HOST_COMMANDS
from web import clock
from web.api import api
from web.api.endpoint import endpoint, json_body
from web.api.round_schemas import (
    CompetitionSchema,
    NewCompetitionSchema,
    NewRoundSchema,
    RoundSchema,
)
from web.wiring import wiring

ROUNDS = Capability.ROUNDS


@api.post("/competitions")
@endpoint(
    "Create a competition on a pinned, published bank version",
    tag="competitions",
    capability=ROUNDS,
    body=NewCompetitionSchema,
    response=CompetitionSchema,
    status=201,
    errors=(404,),
)
def create_competition(body: dict[str, Any]) -> dict[str, Any]:
    competitions = wiring().competitions
    created = competitions.create(
        title=body["title"],
        bank_slug=body["bank"],
        bank_version=body["bank_version"],
        rules=body["rules"],
        created_by=g.organiser.username,
        owner_id=g.organiser.id,
    )
    return competitions.competition(created["id"])


@api.get("/competitions/<int:competition_id>")
@endpoint(
    "A competition and its rounds",
    tag="competitions",
    capability=ROUNDS,
    hosted="competition",
    response=CompetitionSchema,
)
def get_competition(competition_id: int) -> dict[str, Any]:
    return wiring().competitions.competition(competition_id)


@api.post("/competitions/<int:competition_id>/rounds")
@endpoint(
    "Open a new round (lobby) with a join code and a watch code; a self-paced round "
    "takes its window in the body",
    tag="competitions",
    capability=ROUNDS,
    hosted="competition",
    response=RoundSchema,
    status=201,
)
def create_round(competition_id: int) -> dict[str, Any]:
    # The body is optional: only a self-paced round has one (its window).
    body = NewRoundSchema().load(json_body()) if request.get_data() else {}
    window = None
    if body.get("opens_at") is not None or body.get("closes_at") is not None:
        window = (body.get("opens_at") or 0, body.get("closes_at") or 0)
    focus = {k: v for k, v in body.items() if k in ("focus_tolerance", "submit_after_switches")}
    created = wiring().competitions.open_round(competition_id, window, focus)
    return round_view(created["id"])


@api.get("/rounds/<int:round_id>")
@endpoint(
    "A round as its host sees it",
    tag="rounds",
    capability=ROUNDS,
    hosted="round",
    response=RoundSchema,
)
def get_round(round_id: int) -> dict[str, Any]:
    return round_view(round_id)


def round_view(round_id: int, *, live_row: bool = False) -> dict[str, Any]:
    """The round; ``live_row``: a live round's row as Redis knows it, so a host command
    answers with no SQL read (the host keeps hosting while SQL is away)."""
    wired = wiring()
    plan = wired.competitions.plan(round_id)
    if live_row and plan.mode is not Mode.SELF_PACED:
        row = row_of_live_round(plan, wired.live.state(round_id).status)
    else:
        row = wired.competitions.round(round_id)
    live = plan.mode is not Mode.SELF_PACED
    return {
        **row,
        "state": wired.live.state_view(round_id) if live else None,
        "answers": wired.live.answers_in(round_id) if live else None,
        "window": dict(zip(("opens_at", "closes_at"), plan.window, strict=True))
        if plan.window
        else None,
        "focus": plan.focus.to_settings(),
    }


def row_of_live_round(plan: RoundPlan, status: LiveStatus) -> dict[str, Any]:
    """What SQL's row says of a live round, its status mirrored from the live state."""
    mirrored = {LiveStatus.LOBBY: "lobby", LiveStatus.FINISHED: "finished"}
    return {
        "id": plan.round_id,
        "competition_id": plan.competition_id,
        "code": plan.code,
        "watch_code": plan.watch_code,
        "status": mirrored.get(status, "running"),
        "settings": {},
    }


def make_host_command(name: str) -> None:
    def command(round_id: int) -> dict[str, Any]:
        wired = wiring()
        if name == "finish" and wired.competitions.plan(round_id).mode is Mode.SELF_PACED:
            wired.selfpaced.finish(round_id, clock.now_ms(), early=True)  # a host may end it early
            return round_view(round_id)
        state, events = wired.live.command(round_id, name, clock.now_ms())
        current_app.extensions["leitai.broadcaster"].round_events(round_id, state, events)
        return round_view(round_id, live_row=True)

    command.__name__ = f"round_{name}"
    api.post(f"/rounds/<int:round_id>/{name}")(
        endpoint(
            f"Host control: {name}",
            tag="rounds",
            capability=ROUNDS,
            hosted="round",
            response=RoundSchema,
            errors=(409,),
        )(command)
    )


for _name in HOST_COMMANDS:
    make_host_command(_name)
