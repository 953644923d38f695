"""One decorator per API view: who may call it, what it takes, what it returns.

The same declaration validates the request, serialises the response and documents the
operation in the OpenAPI document, so the three cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, Literal

from flask import Response, current_app, g, jsonify, request
from marshmallow import Schema

from engine.domain.accounts import Capability, Organiser
from engine.services.errors import NotFound
from web.errors import ApiError
from web.strict_json import JsonRefused
from web.tokens import TokenError, organiser_of
from web.wiring import wiring

Hosted = Literal["competition", "round", "draw", "campaign"]


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    body: type[Schema] | None = None
    #: A body documented by this schema but handed to the view as plain JSON, because
    #: the domain validates it (with paths a schema cannot give, e.g. bank rules).
    document: type[Schema] | None = None
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    many: bool = False
    status: int = 200
    capability: Capability | None = None
    login: bool = False
    errors: tuple[int, ...] = field(default=())
    #: The path names a competition, round, draw (of a round) or campaign the caller
    #: must host (else 404).
    hosted: Hosted | None = None

    @property
    def needs_token(self) -> bool:
        return self.login or self.capability is not None


def endpoint(
    summary: str,
    *,
    tag: str,
    body: type[Schema] | None = None,
    document: type[Schema] | None = None,
    query: type[Schema] | None = None,
    response: type[Schema] | None = None,
    many: bool = False,
    status: int = 200,
    capability: Capability | None = None,
    login: bool = False,
    errors: tuple[int, ...] = (),
    hosted: Hosted | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API view. ``capability`` requires an organiser who has it; ``login``
    requires any organiser; ``hosted`` requires one who hosts the competition, round,
    draw's round or campaign its path names (``competition_id`` / ``round_id`` /
    ``draw_id`` / ``campaign_id``),
    checked before the body."""
    operation = Operation(
        summary,
        tag,
        body,
        document,
        query,
        response,
        many,
        status,
        capability,
        login,
        errors,
        hosted,
    )
    # Built once: a marshmallow schema instance costs more to make than to use, and
    # load/dump keep no state in it.
    loads_body = body() if body is not None else None
    #: A schema's fast path for the plain bodies of a hot endpoint: what ``load`` would
    #: return, or None to leave the body to ``load``.
    plain_body: Callable[[dict[str, Any]], dict[str, Any] | None] = getattr(
        body, "plain", lambda data: None
    )
    loads_query = query() if query is not None else None
    dumps = response(many=many) if response is not None else None

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def handle(**path: Any) -> Any:
            if operation.needs_token:
                g.organiser = require_organiser(capability)
            if hosted is not None:
                require_host(g.organiser, hosted, path[f"{hosted}_id"])
            if loads_body is not None:
                data = json_body()
                path["body"] = plain_body(data) or loads_body.load(data)
            if document is not None:
                path["body"] = json_body()
            if loads_query is not None:
                path["query"] = loads_query.load(request.args.to_dict())
            result = view(**path)
            if isinstance(result, Response) or dumps is None:
                return result
            payload = jsonify(dumps.dump(result))
            payload.status_code = status
            return payload

        handle.operation = operation  # type: ignore[attr-defined]
        return handle

    return decorate


def json_body() -> dict[str, Any]:
    """The request body as a JSON object, or a 400 saying what is wrong with it."""
    raw = request.get_data(cache=True)  # over the size limit: werkzeug raises 413 here
    if not raw:
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    try:
        data = current_app.json.loads(raw)
    except JsonRefused as error:
        raise ApiError(400, error.code, error.message, error.fields) from error
    if not isinstance(data, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    return data


def require_host(organiser: Organiser, hosted: Hosted, hosted_id: int) -> None:
    """404, as for a missing id, unless ``organiser`` hosts that competition, round (a
    draw: its round or campaign) or campaign."""
    ownership = wiring().ownership
    if hosted == "draw":
        try:
            whose, whose_id = wiring().draws.held_by(hosted_id)
            require_host(organiser, "campaign" if whose == "campaign" else "round", whose_id)
        except NotFound as error:  # one message, so nobody learns which draws exist
            raise NotFound(f"There is no draw {hosted_id}.") from error
    elif hosted == "round":
        ownership.round(organiser, hosted_id)
    elif hosted == "campaign":
        wiring().campaigns.hosting(organiser, hosted_id)
    else:
        ownership.competition(organiser, hosted_id)


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "token_missing", "Send 'Authorization: Bearer <token>'.")
    return token.strip()


def contestant_of(round_id: int) -> str:
    """The contestant a contestant token (a ``/play`` join's or a self-paced entry's)
    names: 401 without one, 403 ``forbidden`` for another round's."""
    try:
        claims = wiring().contestant_tokens.verify(bearer_token())
    except TokenError as error:
        raise ApiError(401, error.code, error.message) from error
    contestant = claims.get("contestant")
    if claims.get("round") != round_id or not isinstance(contestant, str):
        raise ApiError(403, "forbidden", "That token is for another round.")
    return contestant


def require_organiser(capability: Capability | None) -> Organiser:
    try:
        organiser = organiser_of(wiring(), bearer_token())
    except TokenError as error:
        raise ApiError(401, error.code, error.message) from error
    if capability is not None and not organiser.may(capability):
        raise ApiError(
            403, "forbidden", f"The {organiser.role} role may not manage {capability.value}."
        )
    return organiser
