"""The ``leitai`` command line against real stores."""

from __future__ import annotations

import io

import click
import pytest
from click.testing import CliRunner

from engine.services.accounts import TokenRevoked
from web.cli import cli, read_password


def invoke(app, *args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, obj={"app": app})


def test_user_add_reads_the_password_from_stdin(app, wired):
    result = invoke(app, "user", "add", "ada", "--role", "author", input="a long password\n")
    assert result.exit_code == 0, result.output
    assert "Added author 'ada'" in result.output
    organiser = wired.accounts.authenticate("ada", "a long password", client="test")
    assert organiser.role == "author"


def test_user_add_refuses_bad_input_and_adds_nothing(app, wired):
    bad_role = invoke(app, "user", "add", "bob", "--role", "king", input="a long password\n")
    assert bad_role.exit_code == 2
    assert "'king' is not one of" in bad_role.output
    short = invoke(app, "user", "add", "bob", "--role", "host", input="short\n")
    assert short.exit_code == 1
    assert "password: at least 8 characters" in short.output
    empty = invoke(app, "user", "add", "bob", "--role", "host", input="")
    assert empty.exit_code == 1
    assert "No password" in empty.output
    assert wired.accounts.users.find("bob") is None


def test_user_commands_refuse_text_that_is_not_unicode(app, wired, monkeypatch):
    """Under a C locale, bytes that are not UTF-8 reach Python as lone surrogates."""
    name = invoke(app, "user", "add", "bob\udcff", "--role", "host", input="a long password\n")
    assert name.exit_code == 2
    assert "not valid UTF-8 text" in name.output
    monkeypatch.setattr("sys.stdin", io.StringIO("a long p\udcffassword\n"))
    with pytest.raises(click.BadParameter, match="not valid UTF-8 text"):
        read_password()
    assert not [a for a in wired.accounts.users.all() if a.organiser.username.startswith("bob")]


def test_user_add_twice_is_refused(app):
    first = invoke(app, "user", "add", "cyd", "--role", "host", input="a long password\n")
    assert first.exit_code == 0, first.output
    again = invoke(app, "user", "add", "cyd", "--role", "host", input="a long password\n")
    assert again.exit_code == 1
    assert "already exists" in again.output


def test_db_upgrade_is_idempotent(app):
    first = invoke(app, "db", "upgrade")
    second = invoke(app, "db", "upgrade")
    assert first.exit_code == second.exit_code == 0
    assert "latest schema" in second.output


def test_user_list_shows_every_organiser_and_their_status(app, wired):
    wired.accounts.add("ada", "a long password", "admin")
    wired.accounts.add("bob", "a long password", "host")
    wired.accounts.disable("bob")
    result = invoke(app, "user", "list")
    assert result.exit_code == 0, result.output
    rows = [line.split("\t")[1:] for line in result.output.splitlines()]
    assert rows == [["ada", "admin", "active"], ["bob", "host", "disabled"]]


def test_user_passwd_reads_stdin_and_revokes_the_users_tokens(app, wired):
    organiser = wired.accounts.add("ada", "a long password", "admin")
    claims = wired.accounts.claims(organiser)
    result = invoke(app, "user", "passwd", "ada", input="a new long password\n")
    assert result.exit_code == 0, result.output
    assert wired.accounts.authenticate("ada", "a new long password", client="t").id == organiser.id
    with pytest.raises(TokenRevoked):
        wired.accounts.holder(claims)


def test_user_passwd_refuses_a_short_password_and_changes_nothing(app, wired):
    organiser = wired.accounts.add("ada", "a long password", "admin")
    claims = wired.accounts.claims(organiser)
    result = invoke(app, "user", "passwd", "ada", input="short\n")
    assert result.exit_code == 1
    assert "password: at least 8 characters" in result.output
    assert wired.accounts.holder(claims) == organiser


@pytest.mark.parametrize(
    ("args", "then"),
    [
        (("disable", "ada"), "Disabled"),
        (("remove", "ada"), "Removed"),
        (("role", "ada", "author"), "Made author"),
    ],
)
def test_user_changes_revoke_the_users_tokens(app, wired, args, then):
    organiser = wired.accounts.add("ada", "a long password", "admin")
    claims = wired.accounts.claims(organiser)
    result = invoke(app, "user", *args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(then)
    with pytest.raises(TokenRevoked):
        wired.accounts.holder(claims)


def test_user_role_and_enable_take_effect(app, wired):
    wired.accounts.add("ada", "a long password", "admin")
    assert invoke(app, "user", "role", "ada", "host").exit_code == 0
    assert invoke(app, "user", "disable", "ada").exit_code == 0
    assert invoke(app, "user", "enable", "ada").exit_code == 0
    assert wired.accounts.authenticate("ada", "a long password", client="t").role == "host"


@pytest.mark.parametrize(
    "args",
    [("disable", "nobody"), ("remove", "nobody"), ("role", "nobody", "host"), ("enable", "x")],
)
def test_user_commands_on_an_unknown_user_fail_clearly(app, args):
    result = invoke(app, "user", *args)
    assert result.exit_code == 1
    assert "There is no user" in result.output


def test_user_role_refuses_an_unknown_role(app, wired):
    wired.accounts.add("ada", "a long password", "admin")
    result = invoke(app, "user", "role", "ada", "king")
    assert result.exit_code == 2
    assert wired.accounts.authenticate("ada", "a long password", client="t").role == "admin"
