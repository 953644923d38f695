"""Resident ID numbers checked by GB 11643's check character, date of birth and province."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engine.domain.id_numbers import (
    PROVINCES,
    WEIGHTS,
    IdNumber,
    IdNumberRefused,
    check_character,
    parse_id_number,
)

TODAY = date(2026, 12, 3)
#: The example of GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    """A valid number made by the standard's algorithm."""
    province = draw(st.sampled_from(sorted(PROVINCES)))
    place = draw(st.text("0123456789", min_size=4, max_size=4))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text("0123456789", min_size=3, max_size=3))
    body = f"{province}{place}{birth:%Y%m%d}{sequence}"
    return body + check_character(body)


def test_the_weights_are_the_standards() -> None:
    assert WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def test_the_standards_example_is_valid() -> None:
    assert parse_id_number(STANDARD_EXAMPLE, TODAY) == IdNumber(
        STANDARD_EXAMPLE, date(1949, 12, 31)
    )


def test_a_phone_may_type_it_in_full_width_with_spaces_and_a_small_x() -> None:
    typed = "１１０１０５ 1949 1231 002x\u200b"
    found = parse_id_number(typed, TODAY)
    assert found.number == STANDARD_EXAMPLE
    assert found.province == "11"
    assert found.place == "110105"


@given(id_numbers())
def test_a_number_made_by_the_algorithm_is_valid(number: str) -> None:
    assert parse_id_number(number, TODAY).number == number


@given(id_numbers(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_any_one_character_is_refused(number: str, at: int, new: str) -> None:
    assume(new != number[at])
    changed = number[:at] + new + number[at + 1 :]
    with pytest.raises(IdNumberRefused):
        parse_id_number(changed, TODAY)


@given(id_numbers(), st.integers(0, 15))
def test_swapping_two_neighbours_is_refused(number: str, at: int) -> None:
    assume(number[at] != number[at + 1])
    swapped = number[:at] + number[at + 1] + number[at] + number[at + 2 :]
    with pytest.raises(IdNumberRefused):
        parse_id_number(swapped, TODAY)


def with_check(body: str) -> str:
    """``body`` with its right check character: only the rest can be wrong."""
    return body + check_character(body)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "an ID number has 18 characters, not 0"),
        ("11010519491231002", "an ID number has 18 characters, not 17"),
        ("11010519491231002X1", "an ID number has 18 characters, not 19"),
        ("110105491231002", "a 15-digit number is a first-generation card's"),
        ("1101051949123100XX", "an ID number is 17 digits and a digit or X"),
        ("11010519491231002Y", "an ID number is 17 digits and a digit or X"),
        ("99010519491231002X", "99 begins no province's numbers"),
        (with_check("11010519490230002"), "19490230 is no date of birth"),
        (with_check("11010519491331002"), "19491331 is no date of birth"),
        (with_check("11010520261204002"), "the date of birth 2026-12-04 is in the future"),
        (with_check("11010518991231002"), "the date of birth 1899-12-31 is before 1900"),
        ("110105194912310021", "the check character does not match"),
    ],
)
def test_refusals_say_why(text: str, reason: str) -> None:
    with pytest.raises(IdNumberRefused, match=reason):
        parse_id_number(text, TODAY)


def test_born_today_is_fine_born_tomorrow_is_not() -> None:
    body = f"440104{TODAY:%Y%m%d}001"
    assert parse_id_number(body + check_character(body), TODAY).birth == TODAY
    tomorrow = TODAY + timedelta(days=1)
    body = f"440104{tomorrow:%Y%m%d}001"
    with pytest.raises(IdNumberRefused, match="future"):
        parse_id_number(body + check_character(body), TODAY)


def test_residence_permits_of_hong_kong_macau_and_taiwan_residents() -> None:
    body = "81000019900101001"
    assert parse_id_number(body + check_character(body), TODAY).province == "81"
