"""Every 4xx has the documented shape and never a stack trace."""

from __future__ import annotations

import pytest

from tests.web.test_auth import error_code


def test_unknown_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert error_code(response) == "not_found"


def test_wrong_method_is_a_json_405_with_allow(client):
    response = client.delete("/api/v1/auth/token")
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    assert "POST" in response.headers["Allow"]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[1, 2]", b"", b"\xff\xfe", b'"a string"'],
    ids=["syntax", "array", "empty", "not-utf8", "string"],
)
def test_malformed_json_is_400_naming_the_problem(client, body):
    response = client.post(
        "/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error_code(response) == "malformed_json"


def test_oversized_body_is_413(client, app):
    big = b'{"username": "' + b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1) + b'"}'
    response = client.post(
        "/api/v1/auth/token", data=big, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"


def test_unexpected_errors_are_a_500_without_a_trace(client, app, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(app.extensions["leitai"].accounts, "authenticate", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.post("/api/v1/auth/token", json={"username": "a", "password": "b"})
    assert response.status_code == 500
    assert error_code(response) == "internal"
    assert b"secret internals" not in response.data
    assert b"Traceback" not in response.data
