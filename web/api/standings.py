"""Leaderboards for everyone, a contestant's own standing, and a round's results for hosts.

``GET /rounds/{id}/leaderboard`` is public and polled by every spectator: the first page
is served from the round's cached snapshot (rebuilt at most twice a second, shared by
every process) with an ETag, so an unchanged board costs a 304 and no Redis reads
beyond the snapshot key. Deeper pages read the board directly. A host's token sees the
live board; everyone else, and a contestant's own standing (``/leaderboard/me``), the
public one, which shows only what has been revealed: a live round's as each question
closed, through a freeze as it stood at the freeze (DESIGN, Trust rules).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from engine.domain.accounts import Capability
from engine.domain.standings import (
    AROUND_LIMIT,
    PAGE_LIMIT,
    Profile,
    Scope,
    UnknownScopeError,
    parse_scope,
    scopes_of,
)
from engine.services.competitions import RoundPlan
from engine.services.results import standings_csv
from web import clock
from web.api import api
from web.api.bank_schemas import ChoiceSchema
from web.api.endpoint import (
    bearer_token,
    contestant_of,
    endpoint,
    require_host,
    require_organiser,
)
from web.errors import ApiError
from web.pages import region_names
from web.tokens import TokenError
from web.wiring import wiring

#: Rows in the cached first page; a request for at most this many is served from it.
SNAPSHOT_SIZE = 100
#: Deeper than this is an export (results.csv), not a page: with sharded boards every
#: shard would have to return ``offset + limit`` rows.
MAX_OFFSET = 100_000


def _valid_scope(text: str) -> None:
    try:
        parse_scope(text)
    except UnknownScopeError as error:
        raise ValidationError("all, region:<code> or team:<key>") from error


class LeaderboardQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE  # cache-busting parameters are fine

    scope = fields.String(load_default="all", validate=_valid_scope)
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET))
    limit = fields.Integer(load_default=10, validate=validate.Range(1, PAGE_LIMIT))


class MeQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    around = fields.Integer(load_default=2, validate=validate.Range(0, AROUND_LIMIT))


class BoardEntrySchema(Schema):
    contestant = fields.String()
    rank = fields.Integer()
    points = fields.Integer()
    total_ms = fields.Integer()
    nickname = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    team = fields.String(allow_none=True)


class LeaderboardSchema(Schema):
    round = fields.Integer()
    scope = fields.String()
    view = fields.String(metadata={"description": "public, or live for a host"})
    offset = fields.Integer()
    limit = fields.Integer()
    count = fields.Integer()
    frozen = fields.Boolean()
    frozen_at = fields.Integer(allow_none=True, metadata={"description": "server epoch ms"})
    version = fields.Integer(
        allow_none=True, metadata={"description": "snapshot version (first page only)"}
    )
    top = fields.List(fields.Nested(BoardEntrySchema))


class BoardStandingSchema(Schema):
    rank = fields.Integer()
    points = fields.Integer()
    total_ms = fields.Integer()
    percentile = fields.Float(metadata={"description": "share of the board behind, in %"})
    count = fields.Integer()
    above = fields.List(fields.Nested(BoardEntrySchema))
    below = fields.List(fields.Nested(BoardEntrySchema))


class MyStandingSchema(Schema):
    round = fields.Integer()
    contestant = fields.String()
    nickname = fields.String()
    frozen = fields.Boolean(metadata={"description": "the standing as the board froze"})
    around = fields.Integer()
    scopes = fields.Dict(keys=fields.String(), values=fields.Nested(BoardStandingSchema))


class OptionUptakeSchema(Schema):
    count = fields.Integer()
    share = fields.Float(allow_none=True)
    upper = fields.Float(allow_none=True, metadata={"description": "share in the top 27%"})
    lower = fields.Float(allow_none=True, metadata={"description": "share in the bottom 27%"})


class ScoreBinSchema(Schema):
    low = fields.Integer()
    high = fields.Integer(metadata={"description": "inclusive"})
    count = fields.Integer()


class QuestionResultSchema(Schema):
    key = fields.String()
    type = fields.String()
    prompt = fields.Dict(keys=fields.String(), values=fields.String())
    choices = fields.List(fields.Nested(ChoiceSchema))
    answer = fields.Raw(
        allow_none=True,
        metadata={
            "description": "the answer key; null while the round runs and the question has "
            "not closed (self-paced: until the round is finished)"
        },
    )
    asked = fields.Boolean(metadata={"description": "opened and not skipped"})
    skipped = fields.Boolean(
        metadata={"description": "skipped by the host: its answers are voided (0 points)"}
    )
    answers = fields.Integer()
    correct = fields.Integer()
    mean_response_ms = fields.Float(allow_none=True)
    p_value = fields.Float(allow_none=True)
    point_biserial = fields.Float(allow_none=True)
    item_rest = fields.Float(allow_none=True)
    discrimination = fields.Float(allow_none=True, metadata={"description": "upper-lower D"})
    options = fields.Dict(keys=fields.String(), values=fields.Nested(OptionUptakeSchema))


class RoundStatisticsSchema(Schema):
    n_takers = fields.Integer()
    k_items = fields.Integer()
    mean = fields.Float(allow_none=True)
    sd = fields.Float(allow_none=True)
    kr20 = fields.Float(allow_none=True)
    alpha = fields.Float(allow_none=True)
    sem = fields.Float(allow_none=True)


class SignalSchema(Schema):
    kind = fields.String(metadata={"description": "fast | identical | burst | focus"})
    contestants = fields.List(fields.String())
    detail = fields.String()


class StandingRowSchema(BoardEntrySchema):
    rank = fields.Integer(allow_none=True, metadata={"description": "null when banned"})
    banned = fields.Boolean(
        metadata={"description": "a host banned them: off every board, kept here unranked"}
    )


class ResultsSchema(Schema):
    round = fields.Dict()
    standings_source = fields.String(metadata={"description": "final, or live while running"})
    standings = fields.List(fields.Nested(StandingRowSchema))
    contestants = fields.Integer()
    statistics = fields.Nested(RoundStatisticsSchema)
    questions = fields.List(fields.Nested(QuestionResultSchema))
    signals = fields.List(
        fields.Nested(SignalSchema), metadata={"description": "for review, never acted on"}
    )
    score_bins = fields.List(
        fields.Nested(ScoreBinSchema),
        metadata={"description": "histogram of the unbanned standings' points"},
    )
    regions = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.String()),
        metadata={"description": "the standings' region codes: their names per locale"},
    )


@api.get("/rounds/<int:round_id>/leaderboard")
@endpoint(
    "A page of the leaderboard (public; a host token sees through a freeze). "
    "The first page carries an ETag and answers If-None-Match with 304.",
    tag="leaderboard",
    query=LeaderboardQuerySchema,
    response=LeaderboardSchema,
    errors=(401, 403, 404, 422),
)
def leaderboard(round_id: int, query: dict[str, Any]) -> ResponseReturnValue:
    wired = wiring()
    scope = checked_scope(wired.competitions.plan(round_id), query["scope"])
    view = "live" if sees_live(round_id) else "public"
    offset, limit = query["offset"], query["limit"]
    page = {"round": round_id, "scope": str(scope), "view": view, "offset": offset, "limit": limit}
    board = wired.leaderboard
    if view == "public" and offset == 0 and limit <= SNAPSHOT_SIZE:
        snapshot = board.snapshot(round_id, now_ms=clock.now_ms(), scope=scope, top_n=SNAPSHOT_SIZE)
        page.update(
            count=snapshot["count"],
            frozen=snapshot["frozen"],
            frozen_at=snapshot["frozen_at"],
            version=snapshot["version"],
            top=snapshot["top"][:limit],
        )
        response = jsonify(LeaderboardSchema().dump(page))
        response.set_etag(f"{snapshot['etag']}-{limit}")
        response.headers["Cache-Control"] = "no-cache"
        return response.make_conditional(request)
    frozen, frozen_at = board.frozen(round_id)
    page.update(
        count=board.count(round_id, scope, view=view),
        frozen=frozen,
        frozen_at=frozen_at,
        version=None,
        top=[asdict(e) for e in board.top(round_id, scope, offset, limit, view=view)],
    )
    response = jsonify(LeaderboardSchema().dump(page))
    response.headers["Cache-Control"] = "no-cache" if view == "public" else "private, no-store"
    return response


def checked_scope(plan: RoundPlan, text: str) -> Scope:
    """The scope, if the competition has that region or team (no board for strangers)."""
    scope = parse_scope(text)
    known = {"region": plan.rules.regions, "team": plan.rules.teams}.get(scope.kind)
    if known is not None and scope.code not in known:
        raise ApiError(
            422, "invalid", "The request has invalid fields.", {"scope": [f"no {scope} here"]}
        )
    return scope


def sees_live(round_id: int) -> bool:
    """A token of one who hosts the round sees the live board; no token, or a
    contestant's, the public one; any other token is refused rather than quietly
    downgraded (another host's with 404, as every host operation on the round)."""
    if not request.headers.get("Authorization"):
        return False
    token = bearer_token()
    try:
        wiring().contestant_tokens.verify(token)
        return False
    except TokenError:
        require_host(require_organiser(Capability.ROUNDS), "round", round_id)
        return True


@api.get("/rounds/<int:round_id>/leaderboard/me")
@endpoint(
    "The calling contestant's rank, points, percentile and neighbours on each of their boards",
    tag="leaderboard",
    query=MeQuerySchema,
    response=MyStandingSchema,
    errors=(401, 403, 404, 422),
)
def my_standing(round_id: int, query: dict[str, Any]) -> dict[str, Any]:
    wired = wiring()
    contestant = contestant_of(round_id)
    plan = wired.competitions.plan(round_id)
    profile = wired.live.profile(plan.round_id, contestant)
    if profile is None:
        raise ApiError(404, "not_found", "You are not on this round's board.")
    frozen, _ = wired.leaderboard.frozen(round_id)
    around = query["around"]
    scopes = {}
    for scope in scopes_of(Profile(profile["nickname"], profile["region"], profile["team"])):
        standing = wired.leaderboard.standing(round_id, contestant, scope, around=around)
        if standing is not None:
            scopes[str(scope)] = asdict(standing)
    if "all" not in scopes:
        raise ApiError(404, "not_found", "You are not on this round's board.")
    return {
        "round": round_id,
        "contestant": contestant,
        "nickname": profile["nickname"],
        "frozen": frozen,
        "around": around,
        "scopes": scopes,
    }


@api.get("/rounds/<int:round_id>/results")
@endpoint(
    "Standings and per-question statistics of a running or finished round",
    tag="results",
    capability=Capability.ROUNDS,
    hosted="round",
    response=ResultsSchema,
    errors=(409,),
)
def results(round_id: int) -> dict[str, Any]:
    report = wiring().results.report(round_id)
    codes = {row["region"] for row in report["standings"] if row.get("region")}
    return {**report, "regions": {code: region_names(code) for code in sorted(codes)}}


@api.get("/rounds/<int:round_id>/results.csv")
@endpoint(
    "The standings as CSV (UTF-8 with a BOM, so Excel shows Chinese nicknames)",
    tag="results",
    capability=Capability.ROUNDS,
    hosted="round",
)
def results_csv(round_id: int) -> Response:
    _, standings = wiring().results.standings(round_id)
    return Response(
        standings_csv(standings).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="round-{round_id}-standings.csv"',
            "Cache-Control": "private, no-store",
        },
    )
