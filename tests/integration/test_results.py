"""Results and rebuilds on real stores: statistics against a hand-computed round, boards
rebuilt from the SQL record with identical ranks in every scope (frozen ones too), and
``leitai results export`` / ``leitai leaderboard rebuild``."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from engine.services.errors import Conflict, NotFound
from tests.web.live_helpers import import_bank
from web.cli import cli
from web.wiring import Wiring

KEYS = ["nd-0001", "nd-0002", "nd-0004"]  # single choice; answers b, c, a
T0 = 1_700_000_000_000


def open_round(wired: Wiring, **rules: Any) -> int:
    import_bank(wired)
    competition = wired.competitions.create(
        title="国防知识竞赛",
        bank_slug="national-defence",
        bank_version=1,
        rules={
            "mode": "live",
            "draw": {"kind": "fixed", "keys": KEYS},
            "teams": ["red", "blue"],
            **rules,
        },
        created_by="test",
    )
    return wired.competitions.open_round(competition["id"])["id"]


def join(wired: Wiring, round_id: int, nickname: str, region=None, team=None) -> str:  # type: ignore[no-untyped-def]
    code = wired.competitions.plan(round_id).code
    return wired.live.join(code, nickname, region, team, T0).contestant


def ask(wired: Wiring, round_id: int, command: str, at: int, answers: dict[str, tuple]) -> None:
    """Open a question with ``command`` at ``at``; each answer is (response, delay_ms)."""
    wired.live.command(round_id, command, at)
    index = wired.live.state(round_id).index
    key = wired.competitions.plan(round_id).questions[index].key
    for contestant, (response, delay) in answers.items():
        wired.live.answer(round_id, contestant, key, response, at + delay)
    wired.live.command(round_id, "close", at + 25_000)


def boards(wired: Wiring, round_id: int, scopes: Iterable[str], view: str) -> dict[str, list]:
    return {
        scope: [
            (e.contestant, e.rank, e.points, e.total_ms, e.nickname, e.region, e.team)
            for e in wired.leaderboard.top(round_id, scope, 0, 1000, view=view)
        ]
        for scope in scopes
    }


def delete_boards(wired: Wiring, round_id: int) -> int:
    """Every leaderboard key of the round (the sharded ones), as if Redis lost them."""
    client = wired.redis.client
    keys = list(
        client.scan_iter(match=f"{wired.settings.redis_prefix}:{{r:{round_id}[:}}]*:board:*")
    )
    client.delete(*keys)
    return len(keys)


# --- a hand-computed round ------------------------------------------------------------
#
#            Q1 (b)   Q2 (c)   Q3 (a)   total
#   A        b  1s    c  1s    a  1s    3
#   B        b  2s    c  2s    b  2s    2
#   C        b  3s    a  3s    -        1
#   D        a  4s    a  4s    c  4s    0
#   E        joined, never answered: not a taker
#
# X = (3, 2, 1, 0): mean 1.5, population variance 1.25; p = (.75, .5, .25);
# Σpq = .625, so KR-20 = alpha = 3/2 (1 - .625/1.25) = .75, SEM = √1.25 · √.25.
# Point-biserial: Q1 √.6, Q2 2/√5, Q3 √.6; item-rest: Q1 √(3/11), Q2 1/√2, Q3 √(3/11).
# 27% of 4 rounds to 1 taker: upper = A, lower = D, so D = 1 for every question.


@pytest.fixture
def played(wired: Wiring) -> tuple[int, dict[str, str]]:
    round_id = open_round(wired)
    people = {
        "A": join(wired, round_id, "阿明", "guangzhou", "red"),
        "B": join(wired, round_id, "Bea", "shenzhen", "blue"),
        "C": join(wired, round_id, "=cmd", "guangzhou", "blue"),
        "D": join(wired, round_id, "Dan", None, "red"),
        "E": join(wired, round_id, "Eve", "shenzhen", None),
    }
    a, b, c, d = (people[n] for n in "ABCD")
    ask(
        wired,
        round_id,
        "start",
        T0,
        {a: ("b", 1000), b: ("b", 2000), c: ("b", 3000), d: ("a", 4000)},
    )
    ask(
        wired,
        round_id,
        "next",
        T0 + 60_000,
        {a: ("c", 1000), b: ("c", 2000), c: ("a", 3000), d: ("a", 4000)},
    )
    ask(wired, round_id, "next", T0 + 120_000, {a: ("a", 1000), b: ("b", 2000), d: ("c", 4000)})
    return round_id, people


def test_results_of_a_finished_round_match_the_hand_computed_statistics(
    wired: Wiring, played: tuple[int, dict[str, str]]
) -> None:
    round_id, people = played
    wired.live.command(round_id, "finish", T0 + 200_000)
    wired.drainer.drain_all()
    report = wired.results.report(round_id)

    assert report["round"]["status"] == "finished"
    assert report["standings_source"] == "final"
    assert [
        (s["contestant"], s["rank"], s["points"], s["total_ms"]) for s in report["standings"]
    ] == [
        (people["A"], 1, 3000, 3000),
        (people["B"], 2, 2000, 4000),
        (people["C"], 3, 1000, 3000),
        *sorted([(people["D"], 4, 0, 0), (people["E"], 4, 0, 0)]),
    ]
    assert report["contestants"] == 5
    stats = report["statistics"]
    assert (stats["n_takers"], stats["k_items"]) == (4, 3)
    assert stats["mean"] == pytest.approx(1.5)
    assert stats["sd"] == pytest.approx(math.sqrt(1.25))
    assert stats["kr20"] == pytest.approx(0.75)
    assert stats["alpha"] == pytest.approx(0.75)
    assert stats["sem"] == pytest.approx(math.sqrt(1.25) * 0.5)

    q1, q2, q3 = report["questions"]
    assert [(q["key"], q["asked"], q["answers"], q["correct"]) for q in (q1, q2, q3)] == [
        ("nd-0001", True, 4, 3),
        ("nd-0002", True, 4, 2),
        ("nd-0004", True, 3, 1),
    ]
    assert [q["mean_response_ms"] for q in (q1, q2, q3)] == [2500, 2500, 7000 / 3]
    assert [q["p_value"] for q in (q1, q2, q3)] == [0.75, 0.5, 0.25]
    assert [q["point_biserial"] for q in (q1, q2, q3)] == pytest.approx(
        [math.sqrt(0.6), 2 / math.sqrt(5), math.sqrt(0.6)]
    )
    assert [q["item_rest"] for q in (q1, q2, q3)] == pytest.approx(
        [math.sqrt(3 / 11), 1 / math.sqrt(2), math.sqrt(3 / 11)]
    )
    assert [q["discrimination"] for q in (q1, q2, q3)] == [1.0, 1.0, 1.0]
    assert q1["options"] == {
        "a": {"count": 1, "share": 0.25, "upper": 0.0, "lower": 1.0},
        "b": {"count": 3, "share": 0.75, "upper": 1.0, "lower": 0.0},
    }
    assert q3["options"] == {
        "a": {"count": 1, "share": 0.25, "upper": 1.0, "lower": 0.0},
        "b": {"count": 1, "share": 0.25, "upper": 0.0, "lower": 0.0},
        "c": {"count": 1, "share": 0.25, "upper": 0.0, "lower": 1.0},
    }
    assert q1["answer"] == ["b"]
    assert q1["prompt"]["zh-Hans"]
    json.dumps(report)  # every value is plain JSON


def test_a_running_round_reports_the_live_board_and_only_the_questions_asked(
    wired: Wiring,
) -> None:
    round_id = open_round(wired)
    a, b = join(wired, round_id, "Ann"), join(wired, round_id, "Ben")
    ask(wired, round_id, "start", T0, {a: ("b", 500), b: ("a", 700)})
    wired.live.command(round_id, "next", T0 + 30_000)
    wired.live.command(round_id, "skip", T0 + 31_000)
    wired.drainer.drain_all()
    report = wired.results.report(round_id)

    assert report["standings_source"] == "live"
    assert [(s["contestant"], s["rank"], s["points"]) for s in report["standings"]] == [
        (a, 1, 1000),
        (b, 2, 0),
    ]
    assert [q["asked"] for q in report["questions"]] == [True, False, False]  # skipped, unopened
    assert report["questions"][1]["p_value"] is None
    assert report["statistics"]["k_items"] == 1
    assert report["statistics"]["kr20"] is None  # one item: undefined, not an error


def test_results_refuse_a_round_in_its_lobby_and_an_unknown_round(wired: Wiring) -> None:
    round_id = open_round(wired)
    with pytest.raises(Conflict):
        wired.results.report(round_id)
    with pytest.raises(NotFound):
        wired.results.report(round_id + 1000)


def test_a_self_paced_round_reports_every_question_of_the_personal_papers(
    wired: Wiring,
) -> None:
    import_bank(wired)
    competition = wired.competitions.create(
        title="自测",
        bank_slug="national-defence",
        bank_version=1,
        rules={"mode": "self_paced", "draw": {"kind": "random", "quotas": [{"count": 3}]}},
        created_by="test",
    )
    window = (T0, T0 + 3_600_000)
    round_id = wired.competitions.open_round(competition["id"], window)["id"]
    bank = {q.key: q for q in wired.competitions.plan(round_id).bank.questions}
    answered: dict[str, set[str]] = {}
    for n in range(6):
        entry = wired.selfpaced.enter(round_id, f"S{n}", None, None, T0 + n)
        answered[entry.contestant] = set()
        while question := wired.selfpaced.next_question(
            round_id, entry.contestant, T0 + 10
        ).question:
            key = question["key"]
            answer = bank[key].answer
            response = list(answer) if bank[key].type.value in ("multiple", "order") else answer[0]
            wired.selfpaced.answer(round_id, entry.contestant, key, response, T0 + 20)
            answered[entry.contestant].add(key)
    wired.drainer.drain_all()

    report = wired.results.report(round_id)

    drawn = set().union(*answered.values())
    assert len(drawn) > 3  # personal papers differ, so more keys than one paper holds
    assert {q["key"] for q in report["questions"] if q["asked"]} == drawn
    assert report["statistics"]["k_items"] == len(drawn)
    assert report["statistics"]["n_takers"] == 6
    counts = {q["key"]: q["answers"] for q in report["questions"]}
    assert all(counts[k] == sum(k in keys for keys in answered.values()) for k in drawn)


# --- rebuild ----------------------------------------------------------------------------


def every_scope(wired: Wiring, round_id: int) -> list[str]:
    rows = wired.competitions.rounds.contestants(round_id)
    regions = {f"region:{r['region']}" for r in rows if r["region"]}
    teams = {f"team:{r['team']}" for r in rows if r["team"]}
    return ["all", *sorted(regions), *sorted(teams)]


def test_a_rebuild_from_sql_restores_every_board_with_identical_ranks(
    wired: Wiring, played: tuple[int, dict[str, str]]
) -> None:
    round_id, _ = played
    wired.live.command(round_id, "finish", T0 + 200_000)
    wired.drainer.drain_all()
    scopes = every_scope(wired, round_id)
    assert scopes == ["all", "region:guangzhou", "region:shenzhen", "team:blue", "team:red"]
    before = boards(wired, round_id, scopes, "public")
    assert len(before["all"]) == 5

    assert delete_boards(wired, round_id) > 0
    assert wired.leaderboard.count(round_id) == 0
    rebuilt = wired.results.rebuild(round_id)

    assert (rebuilt.contestants, rebuilt.answers) == (5, 11)
    assert boards(wired, round_id, scopes, "public") == before
    assert boards(wired, round_id, scopes, "live") == before


def test_a_rebuild_keeps_a_frozen_board_as_it_stood_at_the_freeze(wired: Wiring) -> None:
    round_id = open_round(wired, freeze_at_question=2, scoring={"speed": "linear"})
    a, b = join(wired, round_id, "Ann", "foshan"), join(wired, round_id, "Ben", "foshan")
    ask(wired, round_id, "start", T0, {a: ("a", 900), b: ("b", 3000)})
    ask(wired, round_id, "next", T0 + 60_000, {a: ("c", 1000), b: ("c", 1200)})
    assert wired.leaderboard.frozen(round_id) == (True, T0 + 60_000)
    scopes = ["all", "region:foshan"]
    public, live = (
        boards(wired, round_id, scopes, "public"),
        boards(wired, round_id, scopes, "live"),
    )
    assert public != live  # Q2's points count only on the live boards
    wired.drainer.drain_all()

    wired.results.rebuild(round_id)

    assert wired.leaderboard.frozen(round_id) == (True, T0 + 60_000)
    assert boards(wired, round_id, scopes, "public") == public
    assert boards(wired, round_id, scopes, "live") == live
    # Answers after the rebuild still reach the live boards only, and finish thaws.
    ask(wired, round_id, "next", T0 + 120_000, {b: ("a", 500)})
    assert boards(wired, round_id, scopes, "public") == public
    wired.live.command(round_id, "finish", T0 + 200_000)
    assert boards(wired, round_id, scopes, "public") == boards(wired, round_id, scopes, "live")


def test_a_rebuild_of_a_running_round_keeps_its_public_board_to_the_closed_questions(
    wired: Wiring,
) -> None:
    round_id = open_round(wired)
    a, b = join(wired, round_id, "Ann"), join(wired, round_id, "Ben")
    ask(wired, round_id, "start", T0, {a: ("b", 900)})
    wired.drainer.drain_all()
    wired.results.rebuild(round_id)
    closed = boards(wired, round_id, ["all"], "public")
    assert [row[2] for row in closed["all"]] == [1000, 0]

    wired.live.command(round_id, "next", T0 + 60_000)
    wired.live.answer(round_id, b, KEYS[1], "c", T0 + 61_000)
    assert boards(wired, round_id, ["all"], "public") == closed  # open: nothing moves
    wired.live.command(round_id, "close", T0 + 90_000)
    assert [row[2] for row in boards(wired, round_id, ["all"], "public")["all"]] == [1000, 1000]


def test_a_rebuild_is_refused_while_a_question_is_open_or_the_record_lags(
    wired: Wiring,
) -> None:
    round_id = open_round(wired)
    a = join(wired, round_id, "Ann")
    wired.live.command(round_id, "start", T0)
    wired.live.answer(round_id, a, KEYS[0], "b", T0 + 100)
    with pytest.raises(Conflict, match="question is open"):
        wired.results.rebuild(round_id)
    wired.live.command(round_id, "pause", T0 + 200)
    with pytest.raises(Conflict, match="question is open"):  # paused, it is still open
        wired.results.rebuild(round_id)
    wired.live.command(round_id, "resume", T0 + 300)
    wired.live.command(round_id, "close", T0 + 25_000)
    with pytest.raises(Conflict, match="drain"):
        wired.results.rebuild(round_id)  # the answer is still only in Redis
    assert wired.leaderboard.standing(round_id, a).points == 1000  # nothing was touched
    wired.drainer.drain_all()
    assert wired.results.rebuild(round_id).answers == 1
    assert wired.leaderboard.standing(round_id, a).points == 1000


# --- the command line -------------------------------------------------------------------


def invoke(app, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [str(a) for a in args], obj={"app": app})


def test_leaderboard_rebuild_command_drains_rebuilds_and_prints_the_count(
    app, wired: Wiring, played: tuple[int, dict[str, str]]
) -> None:
    round_id, _ = played
    wired.live.command(round_id, "finish", T0 + 200_000)
    before = boards(wired, round_id, ["all", "team:red", "region:guangzhou"], "live")
    delete_boards(wired, round_id)

    result = invoke(app, "leaderboard", "rebuild", round_id)

    assert result.exit_code == 0, result.output
    assert result.output == f"Round {round_id}: rebuilt 5 contestants from 11 answers.\n"
    assert boards(wired, round_id, ["all", "team:red", "region:guangzhou"], "live") == before


def test_leaderboard_rebuild_command_names_an_unknown_round(app) -> None:
    result = invoke(app, "leaderboard", "rebuild", 999_999)
    assert result.exit_code == 1
    assert "There is no round 999999." in result.output


def test_results_export_writes_csv_with_a_bom_and_json_to_a_file(
    app, wired: Wiring, played: tuple[int, dict[str, str]], tmp_path: Path
) -> None:
    round_id, people = played
    wired.live.command(round_id, "finish", T0 + 200_000)

    result = invoke(app, "results", "export", round_id, "--format", "csv")
    assert result.exit_code == 0, result.output
    text = result.stdout_bytes.decode("utf-8")
    assert text.startswith("\ufeffrank,contestant,nickname,region,team,points,total_ms,banned\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1] == ["1", people["A"], "阿明", "guangzhou", "red", "3000", "3000", ""]
    assert rows[3] == ["3", people["C"], "'=cmd", "guangzhou", "blue", "1000", "3000", ""]
    assert len(rows) == 6

    target = tmp_path / "results.json"
    result = invoke(app, "results", "export", round_id, "--format", "json", "-o", target)
    assert result.exit_code == 0, result.output
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["statistics"]["kr20"] == pytest.approx(0.75)  # drained by the command
    assert "阿明" in target.read_text(encoding="utf-8")  # not \\u-escaped


def test_results_export_refuses_a_bad_format_and_a_round_in_its_lobby(app, wired: Wiring) -> None:
    result = invoke(app, "results", "export", 1, "--format", "pdf")
    assert result.exit_code == 2
    assert "'pdf' is not one of 'csv', 'json', 'xlsx'" in result.output
    round_id = open_round(wired)
    result = invoke(app, "results", "export", round_id, "--format", "json")
    assert result.exit_code == 1
    assert "has not started" in result.output
