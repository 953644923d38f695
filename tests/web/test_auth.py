"""Organiser login, tokens and roles over HTTP."""

from __future__ import annotations

import time

import pytest
from itsdangerous import URLSafeTimedSerializer

from tests.web.conftest import PASSWORD
from web.tokens import TokenError, TokenSigner


def error_code(response) -> str:  # type: ignore[no-untyped-def]
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]["code"]


def test_login_returns_a_token_that_identifies_the_organiser(client, login):
    headers = login("author", "ada")
    me = client.get("/api/v1/auth/me", headers=headers)
    assert me.status_code == 200
    assert me.json["username"] == "ada"
    assert me.json["role"] == "author"


def test_wrong_password_is_401_and_unknown_user_looks_the_same(client, wired):
    wired.accounts.add("grace", PASSWORD, "host")
    wrong = client.post("/api/v1/auth/token", json={"username": "grace", "password": "nope"})
    unknown = client.post("/api/v1/auth/token", json={"username": "nobody", "password": "x"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json


def test_failed_logins_are_rate_limited_even_for_the_right_password(client, wired):
    wired.accounts.add("linus", PASSWORD, "host")
    for _ in range(wired.settings.login_failures_allowed):
        bad = client.post("/api/v1/auth/token", json={"username": "linus", "password": "bad"})
        assert bad.status_code == 401
    blocked = client.post("/api/v1/auth/token", json={"username": "linus", "password": PASSWORD})
    assert blocked.status_code == 429
    assert error_code(blocked) == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "token_missing"),
        ({"Authorization": "Basic abc"}, "token_missing"),
        ({"Authorization": "Bearer not-a-token"}, "token_invalid"),
    ],
)
def test_missing_or_bad_tokens_are_401(client, headers, code):
    response = client.get("/api/v1/users", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == code
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_token_signed_with_another_key_is_refused(client, wired):
    organiser = wired.accounts.add("eve", PASSWORD, "admin")
    forged = TokenSigner("another-key", "organiser", 3600).issue(
        {"sub": organiser.id, "role": "admin"}
    )
    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert error_code(response) == "token_invalid"


def test_an_expired_token_is_refused(client, wired, monkeypatch):
    organiser = wired.accounts.add("old", PASSWORD, "admin")
    token = wired.organiser_tokens.issue({"sub": organiser.id, "role": "admin"})
    later = wired.organiser_tokens.ttl_s + 5
    real_now = URLSafeTimedSerializer.default_signer.get_timestamp  # type: ignore[attr-defined]
    monkeypatch.setattr(
        URLSafeTimedSerializer.default_signer,
        "get_timestamp",
        lambda self: real_now(self) + later,
    )
    response = client.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert error_code(response) == "token_expired"


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("author", 403), ("host", 403)])
def test_only_admins_manage_accounts(client, login, role, status):
    response = client.get("/api/v1/users", headers=login(role))
    assert response.status_code == status
    if status == 403:
        assert error_code(response) == "forbidden"


def test_admin_adds_an_organiser_who_can_then_log_in(client, login):
    headers = login("admin")
    created = client.post(
        "/api/v1/users",
        json={"username": "hostess", "password": "long enough", "role": "host"},
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json["role"] == "host"
    assert "password" not in created.json
    token = client.post(
        "/api/v1/auth/token", json={"username": "hostess", "password": "long enough"}
    )
    assert token.status_code == 200


def test_refused_requests_change_nothing(client, login):
    admin = login("admin")
    author = login("author")
    before = client.get("/api/v1/users", headers=admin).json
    attempt = {"username": "mallory", "password": "long enough", "role": "admin"}
    assert client.post("/api/v1/users", json=attempt, headers=author).status_code == 403
    assert client.post("/api/v1/users", json=attempt).status_code == 401
    bad_role = client.post("/api/v1/users", json={**attempt, "role": "king"}, headers=admin)
    assert bad_role.status_code == 422
    assert "role" in bad_role.json["error"]["fields"]
    short = client.post("/api/v1/users", json={**attempt, "password": "short"}, headers=admin)
    assert short.status_code == 422
    assert "password" in short.json["error"]["fields"]
    assert client.get("/api/v1/users", headers=admin).json == before


def test_duplicate_username_is_a_conflict(client, login):
    admin = login("admin")
    body = {"username": "twin", "password": "long enough", "role": "host"}
    assert client.post("/api/v1/users", json=body, headers=admin).status_code == 201
    again = client.post("/api/v1/users", json=body, headers=admin)
    assert again.status_code == 409
    assert error_code(again) == "conflict"


def test_a_remembered_token_still_expires_on_time():
    signer = TokenSigner("a-key", "contestant", 1, remember=10)
    token = signer.issue({"round": 1, "contestant": "7"})
    assert signer.verify(token) == {"round": 1, "contestant": "7"}
    assert signer.verify(token) == {"round": 1, "contestant": "7"}  # remembered
    time.sleep(2.1)
    with pytest.raises(TokenError) as expired:
        signer.verify(token)
    assert expired.value.code == "token_expired"
    with pytest.raises(TokenError) as forged:
        signer.verify(token[:-2] + "xx")
    assert forged.value.code == "token_invalid"
