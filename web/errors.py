"""One error shape for every 4xx and 5xx: ``{"error": {"code", "message", "fields"}}``,
with a ``reason`` where one code covers situations a page words apart.

A client never sees a stack trace; unexpected errors are logged and answered with a
generic 500 in the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from engine.services import errors as service
from web.wiring import STORE_UNAVAILABLE

STATUS_OF_SERVICE_ERROR: dict[type[service.ServiceError], int] = {
    service.Invalid: 422,
    service.NotFound: 404,
    service.Conflict: 409,
    service.Unauthorised: 401,
    service.Forbidden: 403,
    service.TooManyAttempts: 429,
    service.Throttled: 429,
}

CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "invalid",
    429: "too_many_requests",
}


class ApiError(Exception):
    """An error the web layer itself decides (bad token, malformed JSON, ...)."""

    def __init__(
        self, status: int, code: str, message: str, fields: Mapping[str, object] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.fields = dict(fields or {})


def error_response(
    status: int,
    code: str,
    message: str,
    fields: Mapping[str, object] | None = None,
    reason: str | None = None,
) -> Response:
    error: dict[str, object] = {"code": code, "message": message, "fields": dict(fields or {})}
    if reason:
        error["reason"] = reason
    response = jsonify({"error": error})
    response.status_code = status
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def on_api_error(error: ApiError) -> Response:
        response = error_response(error.status, error.code, error.message, error.fields)
        if error.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.errorhandler(service.ServiceError)
    def on_service_error(error: service.ServiceError) -> Response:
        status = STATUS_OF_SERVICE_ERROR.get(type(error), 409)  # e.g. a refused command
        response = error_response(status, error.code, error.message, error.fields, error.reason)
        if isinstance(error, service.TooManyAttempts):
            response.headers["Retry-After"] = str(max(error.retry_after_s, 1))
        return response

    @app.errorhandler(ValidationError)
    def on_validation_error(error: ValidationError) -> Response:
        fields = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        return error_response(422, "invalid", "The request has invalid fields.", fields)

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException) -> Response:
        status = error.code or 500
        code = CODE_OF_STATUS.get(status, "http_error")
        response = error_response(status, code, error.description or error.name)
        # The exception's own headers stay: Allow on a 405, Content-Range on a 416.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    def on_store_unavailable(error: Exception) -> Response:
        app.logger.warning("A store is unreachable: %s", error)
        response = error_response(503, "unavailable", "The service is briefly unavailable.")
        response.headers["Retry-After"] = "1"
        return response

    for outage in STORE_UNAVAILABLE:
        app.register_error_handler(outage, on_store_unavailable)

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception) -> Response:
        app.logger.exception("Unhandled error", exc_info=error)
        return error_response(500, "internal", "Something went wrong on our side.")
