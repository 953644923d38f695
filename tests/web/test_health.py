"""Operators' endpoints: health, metrics, the API's own description."""

from __future__ import annotations

import re

import redis


def test_healthz_names_the_backends_in_use(client, wired):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["sql"] == {"backend": wired.database.backend, "ok": True}
    assert response.json["redis"]["backend"] == wired.redis.backend
    assert response.json["redis"]["version"].split(".")[0] in {"6", "7", "8"}


def test_healthz_is_503_when_redis_is_unreachable(client, wired, monkeypatch):
    def down(*args, **kwargs):
        raise redis.ConnectionError("refused")

    monkeypatch.setattr(wired.redis.client, "info", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["redis"] == {
        "backend": wired.redis.backend,
        "ok": False,
        "error": "ConnectionError",
    }
    assert response.json["sql"]["ok"] is True


def test_metrics_count_requests_in_prometheus_format(client):
    client.get("/healthz")
    client.get("/healthz")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'leitai_http_requests_total{endpoint="/healthz",method="GET",status="200"} 2.0' in text
    assert "leitai_http_request_seconds_bucket" in text


def test_openapi_documents_every_api_route_with_its_schemas(client, app):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = set(spec["paths"])
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if hasattr(app.view_functions[rule.endpoint], "operation")
    }
    assert documented == routes
    assert "/api/v1/auth/token" in documented
    token = spec["paths"]["/api/v1/auth/token"]["post"]
    assert "requestBody" in token
    assert "429" in token["responses"]
    assert spec["paths"]["/api/v1/users"]["get"]["security"] == [{"bearer": []}]
    assert {"TokenRequest", "Token", "Error"} <= set(spec["components"]["schemas"])


def test_docs_page_loads_the_vendored_swagger_ui(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert b"vendor/swagger-ui/swagger-ui-bundle.js" in page.data
    asset = client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()
