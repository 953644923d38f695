"""Pure parts of results: the standings CSV, stored responses as options, the freeze rule."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.contest import CompetitionRules, InvalidRules, Mode
from engine.domain.drawing import DrawRule
from engine.domain.questions import QuestionType
from engine.domain.scoring import ScoringRules
from engine.services.result_tables import STANDING_COLUMNS
from engine.services.results import _chosen, standings_csv


def row(**fields: object) -> dict[str, object]:
    base = {
        "rank": 1,
        "contestant": "7",
        "nickname": "阿明",
        "region": "guangzhou",
        "team": None,
        "points": 1000,
        "total_ms": 1500,
    }
    return {**base, **fields}


def read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_csv_starts_with_a_bom_and_the_header_and_uses_crlf() -> None:
    text = standings_csv(
        [
            row(),
            row(rank=2, contestant="8", nickname="Ben", team="red", banned=False),
            row(rank=None, contestant="9", nickname="Cy", banned=True),
        ]
    )
    assert text == (
        "\ufeffrank,contestant,nickname,region,team,points,total_ms,banned\r\n"
        "1,7,阿明,guangzhou,,1000,1500,\r\n"
        "2,8,Ben,guangzhou,red,1000,1500,\r\n"
        ",9,Cy,guangzhou,,1000,1500,yes\r\n"
    )
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_an_empty_round_is_just_the_header() -> None:
    assert read(standings_csv([])) == [list(STANDING_COLUMNS)]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_excel_would_run_as_a_formula_is_quoted_as_text(start: str) -> None:
    nickname = f"{start}HYPERLINK(1)"
    assert read(standings_csv([row(nickname=nickname)]))[1][2] == "'" + nickname


def test_quotes_commas_and_newlines_survive() -> None:
    nickname = 'Ann, "the" \n quick'
    assert read(standings_csv([row(nickname=nickname)]))[1][2] == nickname


@settings(max_examples=60)
@given(st.text(min_size=1, max_size=24))
def test_every_nickname_reads_back_as_written_or_quoted_as_text(nickname: str) -> None:
    cell = read(standings_csv([row(nickname=nickname)]))[1][2]
    assert cell in (nickname, "'" + nickname)
    assert (cell == "'" + nickname) == nickname.startswith(("=", "+", "-", "@", "\t", "\r"))


class FakeQuestion:
    def __init__(self, type_: QuestionType) -> None:
        self.type = type_


@pytest.mark.parametrize(
    ("type_", "response", "options"),
    [
        (QuestionType.SINGLE, "b", ["b"]),
        (QuestionType.MULTIPLE, ["a", "c"], ["a", "c"]),
        (QuestionType.TRUE_FALSE, True, ["true"]),
        (QuestionType.TRUE_FALSE, False, ["false"]),
        (QuestionType.TEXT, "南昌", []),
        (QuestionType.ORDER, ["x", "y"], []),
    ],
)
def test_a_stored_response_names_the_options_it_picked(
    type_: QuestionType, response: object, options: list[str]
) -> None:
    assert _chosen(FakeQuestion(type_), response) == options  # type: ignore[arg-type]


# --- the freeze rule ------------------------------------------------------------------


def rules(**fields: object) -> CompetitionRules:
    base: dict = {
        "mode": Mode.LIVE,
        "scoring": ScoringRules(),
        "draw": DrawRule.fixed(["q1", "q2", "q3"]),
    }
    return CompetitionRules(**{**base, **fields})


@pytest.mark.parametrize("at", [1, 2, 3])
def test_a_freeze_at_any_question_of_the_paper_round_trips(at: int) -> None:
    made = rules(freeze_at_question=at)
    assert made.to_dict()["freeze_at_question"] == at
    assert CompetitionRules.from_dict(made.to_dict()) == made


def test_no_freeze_is_the_default_and_old_rules_read_back_without_one() -> None:
    data = rules().to_dict()
    assert data["freeze_at_question"] is None
    del data["freeze_at_question"]  # stored before the rule existed
    assert CompetitionRules.from_dict(data).freeze_at_question is None


@pytest.mark.parametrize("at", [0, -1, 4, "2", 2.0, True])
def test_a_freeze_outside_the_paper_or_not_a_whole_number_is_refused(at: object) -> None:
    with pytest.raises(InvalidRules) as refused:
        rules(freeze_at_question=at)
    assert (refused.value.field, refused.value.message) == (
        "freeze_at_question",
        "a question number from 1 to 3",
    )


def test_a_self_paced_competition_cannot_freeze() -> None:
    with pytest.raises(InvalidRules) as refused:
        rules(mode=Mode.SELF_PACED, freeze_at_question=1)
    assert refused.value.field == "freeze_at_question"
