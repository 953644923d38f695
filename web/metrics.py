"""Prometheus metrics of one process."""

from __future__ import annotations

import time

from flask import Flask, Response, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram


class Metrics:
    """This process's Prometheus metrics (a registry per app, so tests don't collide)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "leitai_http_requests",
            "HTTP requests answered",
            ["method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "leitai_http_request_seconds",
            "Time to answer an HTTP request",
            ["endpoint"],
            registry=self.registry,
        )

    def instrument(self, app: Flask) -> None:
        @app.before_request
        def start_timer() -> None:
            g.started = time.perf_counter()

        @app.after_request
        def count(response: Response) -> Response:
            endpoint = request.url_rule.rule if request.url_rule else "unmatched"
            self.requests.labels(request.method, endpoint, str(response.status_code)).inc()
            if started := g.get("started"):
                self.latency.labels(endpoint).observe(time.perf_counter() - started)
            return response
