"""The ``leitai`` command line against real stores."""

from __future__ import annotations

from click.testing import CliRunner

from web.cli import cli


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
