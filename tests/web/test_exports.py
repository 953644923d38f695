"""Spreadsheets: every .xlsx export opened with openpyxl and read cell by cell against
the API's JSON."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from engine.services.result_tables import CERTIFICATE_COLUMNS, HEADERS, SHEETS
from tests.web.test_certificates import admin, issued  # noqa: F401
from tests.web.test_draws_api import ALL_CORRECT, finished_game, new_game_fixture  # noqa: F401
from tests.web.test_standings_api import T0, Game
from web.cli import cli

LANG_INDEX = {"zh-Hans": 0, "zh-Hant": 1, "en": 2}


def sheets(content: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


def header(columns: list[str], lang: str) -> list[str]:
    return [HEADERS[column][LANG_INDEX[lang]] for column in columns]


def fast_game(new_game: Callable[..., Game]) -> Game:
    """A finished round in which "=cmd|" answers every question in 100 ms (a fast signal)
    and Ben is slow and wrong once."""
    game = new_game()
    cheat, ben = game.join("=cmd|' /c calc'!A1", "guangzhou", "red"), game.join("Ben")
    game.command("start", T0)
    for question in range(3):
        opened = T0 + question * 30_000
        game.answer(cheat, right=True, at=opened + 100)
        game.answer(ben, right=question != 1, at=opened + 4000)
        game.command("close", opened + 20_000)
        if question < 2:
            game.command("next", opened + 30_000)
    game.command("finish", T0 + 100_000)
    return game


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_results_xlsx_is_the_results_json_a_sheet_a_table(
    new_game: Callable[..., Game], lang: str
) -> None:
    game = fast_game(new_game)
    report = game.client.get(f"/api/v1/rounds/{game.id}/results", headers=game.host).json
    assert report["signals"], "the round must flag the fast contestant"
    response = game.client.get(
        f"/api/v1/rounds/{game.id}/results.xlsx?lang={lang}", headers=game.host
    )
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = sheets(response.data)
    at = LANG_INDEX[lang]
    assert list(book) == [
        SHEETS[name][at] for name in ("standings", "questions", "statistics", "signals")
    ]

    columns = ["rank", "contestant", "nickname", "region", "team", "points", "total_ms", "banned"]
    standings = book[SHEETS["standings"][at]]
    assert standings[0] == header(columns, lang)
    assert standings[1:] == [[row[c] for c in columns] for row in report["standings"]]
    assert standings[1][2] == "=cmd|' /c calc'!A1"  # text, not a formula
    assert all(isinstance(row[5], int) for row in standings[1:])  # numbers as numbers

    columns = [
        "key", "type", "prompt", "asked", "skipped", "answers", "correct",
        "mean_response_ms", "p_value", "point_biserial", "item_rest", "discrimination",
    ]  # fmt: skip
    questions = book[SHEETS["questions"][at]]
    assert questions[0] == header(columns, lang)
    expected = [
        [q["prompt"].get(lang) or next(iter(q["prompt"].values())) if c == "prompt" else q[c]
         for c in columns]
        for q in report["questions"]
    ]  # fmt: skip
    assert questions[1:] == expected
    assert questions[2][8] == 0.5  # question 2's p: a number, not text

    statistics = book[SHEETS["statistics"][at]]
    assert statistics[0] == header(["measure", "value"], lang)
    assert {row[0]: row[1] for row in statistics[1:]} == report["statistics"]

    signals = book[SHEETS["signals"][at]]
    assert signals[0] == header(["kind", "contestants", "detail"], lang)
    assert signals[1:] == [
        [s["kind"], ", ".join(s["contestants"]), s["detail"]] for s in report["signals"]
    ]


def test_results_xlsx_refuses_an_unknown_language_and_a_round_not_started(
    new_game: Callable[..., Game],
) -> None:
    game = new_game()
    url = f"/api/v1/rounds/{game.id}/results.xlsx"
    assert game.client.get(url, headers=game.host).status_code == 409
    game.command("start", T0)
    bad = game.client.get(f"{url}?lang=fr", headers=game.host)
    assert (bad.status_code, list(bad.json["error"]["fields"])) == (422, ["lang"])


def test_results_export_on_the_command_line_writes_the_same_workbook(
    new_game: Callable[..., Game], app: Flask, tmp_path: Path
) -> None:
    game = fast_game(new_game)
    target = tmp_path / "results.xlsx"
    exported = CliRunner().invoke(
        cli,
        ["results", "export", str(game.id), "--format", "xlsx", "--lang", "en", "-o", str(target)],
        obj={"app": app},
    )
    assert exported.exit_code == 0, exported.output
    served = game.client.get(f"/api/v1/rounds/{game.id}/results.xlsx?lang=en", headers=game.host)
    assert sheets(target.read_bytes()) == sheets(served.data)


def test_draw_xlsx_lists_the_winners_and_disqualifications(new_game: Callable[..., Game]) -> None:
    game, _ = finished_game(new_game)
    draw_id = game.client.post(
        f"/api/v1/rounds/{game.id}/draws", json=ALL_CORRECT, headers=game.host
    ).json["id"]
    url = f"/api/v1/draws/{draw_id}.xlsx"
    assert game.client.get(url, headers=game.host).status_code == 409  # not run yet
    drawn = game.client.post(f"/api/v1/draws/{draw_id}/run", headers=game.host).json
    loser = drawn["winners"][0]["contestant"]
    game.client.post(
        f"/api/v1/draws/{draw_id}/disqualify",
        json={"contestant": loser, "reason": "代答"},
        headers=game.host,
    )
    published = game.client.get(f"/api/v1/draws/{draw_id}").json
    book = sheets(game.client.get(url, headers=game.host).data)  # zh-Hans by default
    assert list(book) == ["中奖名单", "取消资格"]
    assert book["中奖名单"] == [
        header(["prize", "contestant", "nickname"], "zh-Hans"),
        *[[w["prize"], w["contestant"], w["nickname"]] for w in published["winners"]],
    ]
    assert book["取消资格"] == [header(["contestant", "reason"], "zh-Hans"), [loser, "代答"]]


@pytest.mark.parametrize("lang", ["zh-Hans", "zh-Hant", "en"])
def test_certificates_xlsx_is_the_certificates_json_cell_by_cell(
    client: FlaskClient,
    issued: dict[str, Any],  # noqa: F811
    admin: dict[str, str],  # noqa: F811
    lang: str,
) -> None:
    base = f"/api/v1/rounds/{issued['round']}/certificates"
    serial = issued["certificates"][0]["serial"]
    revoked = client.post(
        f"/api/v1/certificates/{serial}/revoke", json={"reason": "=cheating"}, headers=admin
    )
    assert revoked.status_code == 200
    listed = client.get(base, headers=admin).json["certificates"]
    response = client.get(f"{base}.xlsx?lang={lang}", headers=admin)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = sheets(response.data)
    title = SHEETS["certificates"][LANG_INDEX[lang]]
    assert list(book) == [title]
    rows = book[title]
    assert rows[0] == header(list(CERTIFICATE_COLUMNS), lang)
    assert len(rows) == len(listed) + 1
    award = {"zh-Hans": "一等奖", "zh-Hant": "一等獎", "en": "First prize"}
    for row, certificate in zip(rows[1:], listed, strict=True):
        content = certificate["content"]
        cells = dict(zip(CERTIFICATE_COLUMNS, row, strict=True))
        assert cells["serial"] == certificate["serial"]
        assert cells["contestant"] == certificate["contestant"]
        assert cells["holder"] == content["holder"]
        assert cells["template"] == certificate["template"]
        assert cells["points"] == content["points"]  # a number, not text
        assert cells["rank"] == content["rank"]
        assert isinstance(cells["points"], int)
        assert cells["date"] == content["date"]
        issued_at = datetime.fromisoformat(cells["issued_at"])
        assert issued_at.timestamp() * 1000 == certificate["issued_at_ms"] // 1000 * 1000
        if certificate["revoked_at_ms"] is None:
            assert (cells["revoked_at"], cells["revoke_reason"]) == (None, None)
        else:
            assert cells["revoke_reason"] == "=cheating"  # text, never a formula
            assert datetime.fromisoformat(cells["revoked_at"]).tzinfo is not None
        if certificate["template"] == "first":
            assert cells["award"] == award[lang]
    assert client.get(f"{base}.xlsx?lang=fr", headers=admin).status_code == 422
    # The CSV has the same columns under their machine names.
    text = client.get(f"{base}.csv?lang={lang}", headers=admin).data.decode("utf-8")
    assert text.startswith("\ufeff" + ",".join(CERTIFICATE_COLUMNS))
