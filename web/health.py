"""Liveness and metrics for operators: ``/healthz`` and ``/metrics``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from web.wiring import wiring

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz() -> Response:
    """Which stores this process uses, and whether each answers; 503 if one does not."""
    wired = wiring()
    sql: dict[str, Any] = {"backend": wired.database.backend}
    redis: dict[str, Any] = {"backend": wired.redis.backend}
    try:
        wired.database.ping()
        sql["ok"] = True
    except Exception as error:  # any failure means unhealthy; say which kind
        sql.update(ok=False, error=type(error).__name__)
    try:
        redis["version"] = wired.redis.server_version()
        redis["ok"] = True
    except Exception as error:
        redis.update(ok=False, error=type(error).__name__)
    healthy = sql["ok"] and redis["ok"]
    response = jsonify({"status": "ok" if healthy else "unavailable", "sql": sql, "redis": redis})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@health.get("/metrics")
def metrics() -> Response:
    registry = wiring().metrics.registry
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
