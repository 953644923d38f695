"""Organiser accounts against an attacker: lockouts that cannot be turned on the real
organiser, tokens that can be revoked, and authentication that reads no SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from engine.domain.accounts import FREE_FAILURES
from tests.web.conftest import PASSWORD
from tests.web.live_helpers import Host, Rounds, ack_error


def log_in(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def bearer(response):
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def me(client, headers):
    return client.get("/api/v1/auth/me", headers=headers)


def test_an_attacker_address_cannot_lock_out_the_organiser_elsewhere(client, wired):
    wired.accounts.add("grace", PASSWORD, "host")
    codes = [log_in(client, "grace", "guess", address="203.0.113.9").status_code for _ in range(50)]
    assert codes[: wired.settings.login_failures_allowed] == [401] * 5
    assert set(codes[5:]) == {429}  # that address is locked out for this user
    assert log_in(client, "grace", address="198.51.100.7").status_code == 200
    # ... and so is the attacker even with the right password, from that address only
    assert log_in(client, "grace", address="203.0.113.9").status_code == 429


def test_one_address_does_not_lock_out_every_organiser_behind_it(client, wired):
    for name in ("alice", "bruno"):
        wired.accounts.add(name, PASSWORD, "host")
    for _ in range(10):
        log_in(client, "alice", "wrong", address="192.0.2.1")
    assert log_in(client, "alice", address="192.0.2.1").status_code == 429
    assert log_in(client, "bruno", address="192.0.2.1").status_code == 200


def test_failures_from_many_addresses_slow_every_attempt_on_that_user(client, wired):
    wired.accounts.add("target", PASSWORD, "host")
    for n in range(FREE_FAILURES):
        assert log_in(client, "target", "wrong", address=f"10.1.0.{n}").status_code == 401
    slowed = log_in(client, "target", "wrong", address="10.2.0.1")
    assert slowed.status_code == 429
    assert slowed.json["error"]["code"] == "too_many_attempts"
    assert 1 <= int(slowed.headers["Retry-After"]) <= 60
    wired.accounts.throttle.reset("login:user:target:pause")  # the wait is over
    assert log_in(client, "target", address="10.2.0.1").status_code == 200


def test_logout_revokes_the_presented_token_only(client, wired):
    wired.accounts.add("ada", PASSWORD, "admin")
    first, second = bearer(log_in(client, "ada")), bearer(log_in(client, "ada"))
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 204
    refused = me(client, first)
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "token_revoked"
    assert client.post("/api/v1/auth/logout", headers=first).status_code == 401
    assert me(client, second).status_code == 200


def test_logout_without_a_valid_token_is_refused_and_revokes_nothing(client, wired):
    wired.accounts.add("ada", PASSWORD, "admin")
    headers = bearer(log_in(client, "ada"))
    assert client.post("/api/v1/auth/logout").status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert client.post("/api/v1/auth/logout", headers=bad).status_code == 401
    assert me(client, headers).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        lambda accounts: accounts.change_password("lin", "another long password"),
        lambda accounts: accounts.disable("lin"),
        lambda accounts: accounts.remove("lin"),
        lambda accounts: accounts.change_role("lin", "author"),
    ],
    ids=["passwd", "disable", "remove", "role"],
)
def test_a_change_to_the_account_revokes_its_tokens_at_once(client, wired, change):
    wired.accounts.add("lin", PASSWORD, "admin")
    headers = bearer(log_in(client, "lin"))
    assert me(client, headers).status_code == 200
    change(wired.accounts)
    refused = me(client, headers)
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "token_revoked"


def test_a_disabled_user_cannot_log_in_until_enabled(client, wired):
    wired.accounts.add("lin", PASSWORD, "host")
    wired.accounts.disable("lin")
    assert log_in(client, "lin").status_code == 401
    wired.accounts.disable("lin", disabled=False)
    assert me(client, bearer(log_in(client, "lin"))).status_code == 200


def test_the_new_password_works_and_the_old_one_does_not(client, wired):
    wired.accounts.add("lin", PASSWORD, "host")
    wired.accounts.change_password("lin", "another long password")
    assert log_in(client, "lin").status_code == 401
    assert log_in(client, "lin", "another long password").status_code == 200


def test_authentication_reads_no_sql(client, wired, monkeypatch):
    wired.accounts.add("host", PASSWORD, "host")
    headers = bearer(log_in(client, "host"))
    statements: list[str] = []
    event.listen(wired.database.bind, "before_cursor_execute", lambda *a: statements.append(a[2]))

    wired.accounts.users.get(1)
    assert statements, "the listener sees SQL"
    statements.clear()

    def sql_is_down():  # type: ignore[no-untyped-def]
        raise ConnectionError("SQL is unreachable")

    monkeypatch.setattr(wired.database, "session", sql_is_down)
    for _ in range(3):
        assert me(client, headers).status_code == 200
    assert statements == []


def test_a_deleted_users_token_never_authenticates_the_next_user_with_its_id(client, wired):
    wired.accounts.add("first", PASSWORD, "admin")
    headers = bearer(log_in(client, "first"))
    gone = wired.accounts.remove("first")
    later = wired.accounts.add("second", PASSWORD, "admin")
    if wired.database.backend == "sqlite":  # SQLite gives the last row's id out again
        assert later.id == gone.organiser.id
    assert me(client, headers).status_code == 401
    # Nor once the cache is lost (a Redis restart): the token's key is not the new one's.
    wired.redis.client.delete(f"{wired.settings.redis_prefix}:account:{later.id}")
    refused = me(client, headers)
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "token_revoked"
    assert me(client, bearer(log_in(client, "second"))).json["username"] == "second"


def test_a_stale_read_never_overwrites_a_change_in_the_cache(client, wired):
    organiser = wired.accounts.add("lin", PASSWORD, "host")
    before = wired.accounts.users.get(organiser.id)  # read before the change...
    wired.accounts.change_password("lin", "another long password")
    wired.accounts.cache.fill(organiser.id, before)  # ...cached after it
    _, cached, _ = wired.accounts.cache.read(organiser.id, "x")
    assert cached is not None
    assert cached.token_version == before.token_version + 1


def test_tokens_without_the_new_claims_are_refused(client, wired):
    organiser = wired.accounts.add("old", PASSWORD, "admin")
    token = wired.organiser_tokens.issue({"sub": organiser.id, "role": "admin"})
    refused = me(client, {"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401
    assert refused.json["error"]["code"] == "token_revoked"


def test_a_revoked_token_cannot_attach_to_a_round(app, client, wired, login):
    game = Rounds(app, client, wired, login("host"))()
    assert client.post("/api/v1/auth/logout", headers=game.headers).status_code == 204
    host = Host(game.socket("/host"))
    ack = host.emit("attach", {"round": game.id, "token": game.token})
    assert ack_error(ack) == "token_revoked"


def test_a_host_attached_before_a_logout_loses_control_at_once(app, client, wired, login):
    game = Rounds(app, client, wired, login("host"))()
    host = game.host()
    assert client.post("/api/v1/auth/logout", headers=game.headers).status_code == 204
    assert ack_error(host.emit("start")) == "token_revoked"
    assert ack_error(host.emit("start")) == "not_attached"
    assert wired.live.state(game.id).status.value == "lobby"
