"""Unit rosters and member lists read from rows, refused row by row."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.identity import fold
from engine.domain.places import guangdong
from engine.domain.sheets import RowProblem, whole_number
from engine.domain.units import folded, read_members, read_roster

HEADER = ["单位名称", "所属地区", "应参与人数", "上级单位", "单位编码"]


def sheet(*rows: list[object]) -> list[tuple[int, list[object]]]:
    return list(enumerate([list(row) for row in rows], start=1))


def roster_of(*rows: list[object]):
    return read_roster(sheet(HEADER, *rows), guangdong())


# --- a good roster -----------------------------------------------------------------------


def test_a_roster_nests_units_under_their_parents() -> None:
    roster, problems = roster_of(
        ["越秀区第一中学", "越秀区", 1200, "越秀区教育局", None],
        ["广州市教育局", "广州市", "5,000", None, "GZJY"],
        ["越秀区教育局", "越秀", 3000.0, "GZJY", None],
        ["深圳市南山区桃源街道", "深圳南山", "８００", None, None],
    )
    assert problems == []
    assert roster is not None
    names = [unit.name for unit in roster.units]
    # parents before children, otherwise the file's order
    assert names == ["广州市教育局", "越秀区教育局", "越秀区第一中学", "深圳市南山区桃源街道"]
    school = roster.units[2]
    assert school.place == "440104"
    assert school.headcount == 1200
    assert school.row == 2
    assert [roster.units[i].name for i in roster.lineage(2)] == names[2::-1]
    assert roster.children(0) == (1,)
    assert roster.units[0].code == "GZJY"
    assert roster.units[3].headcount == 800
    assert roster.matches("gzjy") == (0,)
    assert roster.matches("越秀区教育局") == (1,)


def test_english_headers_below_a_title_and_extra_columns() -> None:
    rows = sheet(
        ["2024 campaign roster"],
        [],
        ["No.", "Name", "Place", "Headcount", "Notes"],
        [1, "Tianhe Library", "tianhe", 40, "reopened"],
    )
    roster, problems = read_roster(rows, guangdong())
    assert problems == []
    assert roster is not None
    assert roster.units[0].row == 4
    assert roster.units[0].place == "440106"


def test_the_same_name_in_two_places_is_two_units_and_a_parent_is_found_by_place() -> None:
    roster, problems = roster_of(
        ["教育局", "越秀区", 100, None, None],
        ["教育局", "天河区", 100, None, None],
        ["第一中学", "天河区", 50, "教育局", None],
    )
    assert problems == []
    assert roster is not None
    school = next(unit for unit in roster.units if unit.name == "第一中学")
    assert school.parent is not None
    assert roster.units[school.parent].place == "440106"


# --- refused row by row ------------------------------------------------------------------


def test_every_problem_is_named_by_its_row_and_nothing_is_returned() -> None:
    roster, problems = roster_of(
        ["甲单位", "越秀区", 10, None, None],  # 2
        ["甲单位", "越秀区", 10, None, None],  # 3
        [None, "越秀区", 10, None, None],  # 4
        ["乙单位", "北京市", 10, None, None],  # 5
        ["丙单位", None, 10, None, None],  # 6
        ["丁单位", "天河区", 0, None, None],  # 7
        ["戊单位", "天河区", "about 100", None, None],  # 8
        ["己单位", "天河区", 12.5, None, None],  # 9
        ["庚单位", "天河区", None, None, None],  # 10
        ["辛单位", "天河区", 10, "不存在的单位", None],  # 11
        ["壬单位", "天河区", 10, None, "X1"],  # 12
        ["癸单位", "天河区", 10, None, "x1"],  # 13
        ["", None, None, None, None],  # 14: empty, skipped
    )
    assert roster is None
    assert problems == [
        RowProblem(3, "unit '甲单位' in 440104 repeats row 2"),
        RowProblem(4, "no unit name"),
        RowProblem(5, "unknown place '北京市'"),
        RowProblem(6, "no place"),
        RowProblem(7, "headcount '0' is not a positive whole number"),
        RowProblem(8, "headcount 'about 100' is not a positive whole number"),
        RowProblem(9, "headcount '12.5' is not a positive whole number"),
        RowProblem(10, "no headcount"),
        RowProblem(11, "parent unit '不存在的单位' is not in the roster"),
        RowProblem(13, "code 'x1' repeats row 12"),
    ]


def test_a_cycle_of_parents_is_refused() -> None:
    roster, problems = roster_of(
        ["甲", "广州市", 10, "乙", None],
        ["乙", "广州市", 10, "甲", None],
        ["丙", "广州市", 10, "丙", None],
    )
    assert roster is None
    assert problems == [
        RowProblem(2, "parent units go round in a cycle: 甲 → 乙 → 甲"),
        RowProblem(3, "parent units go round in a cycle: 乙 → 甲 → 乙"),
        RowProblem(4, "parent units go round in a cycle: 丙 → 丙"),
    ]


def test_a_unit_outside_its_parents_place_is_refused() -> None:
    roster, problems = roster_of(
        ["越秀区教育局", "越秀区", 10, None, None],
        ["福田中学", "福田区", 5, "越秀区教育局", None],
    )
    assert roster is None
    assert problems == [
        RowProblem(3, "place 福田区 is not within 越秀区, the place of parent unit '越秀区教育局'")
    ]


def test_an_ambiguous_parent_asks_for_a_code() -> None:
    roster, problems = roster_of(
        ["教育局", "越秀区", 100, None, "A"],
        ["教育局", "天河区", 100, None, "B"],
        ["第一中学", "广州市", 50, "教育局", None],
    )
    assert roster is None
    assert problems == [
        RowProblem(4, "parent unit '教育局' may be the unit of rows 2, 3: give its code")
    ]


def test_sub_units_cannot_count_more_than_their_parent() -> None:
    roster, problems = roster_of(
        ["教育局", "越秀区", 100, None, None],
        ["一中", "越秀区", 60, "教育局", None],
        ["二中", "越秀区", 50, "教育局", None],
    )
    assert roster is None
    assert problems == [
        RowProblem(
            2,
            "headcount 100 is less than its sub-units' 110: "
            "a unit's headcount counts its sub-units' members too",
        )
    ]


def test_a_child_of_a_refused_row_is_not_reported_again() -> None:
    _, problems = roster_of(
        ["教育局", "北京", 100, None, None], ["一中", "越秀区", 60, "教育局", None]
    )
    assert problems == [RowProblem(2, "unknown place '北京'")]


def test_no_header_or_no_rows() -> None:
    assert read_roster(sheet(["甲", "乙"]), guangdong())[1][0].message.startswith("no header row")
    assert read_roster(sheet(HEADER), guangdong()) == (
        None,
        [RowProblem(None, "no units below the header")],
    )


@pytest.mark.parametrize(
    ("value", "number"),
    [(1, 1), (1200.0, 1200), ("1,200", 1200), ("１２００", 1200), (" 7 ", 7)],
)
def test_whole_numbers_as_organisers_type_them(value: object, number: int) -> None:
    assert whole_number(value) == number


@pytest.mark.parametrize("value", [0, -3, 12.5, "12.5", "-3", "", None, True, "十"])
def test_not_whole_numbers(value: object) -> None:
    assert whole_number(value) is None


# --- member lists ------------------------------------------------------------------------


def test_a_member_list_matches_id_and_name_after_folding() -> None:
    members, problems = read_members(sheet(["工号", "姓名"], ["A001", "张三"], [1002, "李四"]))
    assert problems == []
    assert members is not None
    assert members.match("ａ００１", " 张三 ") == members.members[0]
    assert members.match("1002", "李四") is not None
    assert members.match("A001", "李四") is None
    assert members.match("A003", "张三") is None


def test_a_member_list_reports_duplicates_and_blanks() -> None:
    members, problems = read_members(
        sheet(
            ["member id", "name"],
            ["A001", "张三"],
            ["a001", "张三丰"],
            [None, "王五"],
            ["A004", "\u200b"],
        )
    )
    assert members is None
    assert problems == [
        RowProblem(3, "member id 'a001' repeats row 2"),
        RowProblem(4, "no member id"),
        RowProblem(5, "no name"),
    ]


def test_a_member_list_with_units_needs_the_roster() -> None:
    roster, _ = roster_of(["越秀区第一中学", "越秀区", 1200, None, "YX1"])
    rows = sheet(["学号", "姓名", "单位"], ["S1", "张三", "YX1"], ["S2", "李四", "不存在"])
    members, problems = read_members(rows, roster)
    assert members is None
    assert problems == [RowProblem(3, "unknown unit '不存在'")]
    members, problems = read_members(rows[:2], roster)
    assert members is not None
    assert members.members[0].unit == 0
    members, problems = read_members(rows[:2])
    assert members is None
    assert problems == [RowProblem(1, "column '单位' names units, but the campaign has no roster")]


@given(st.text(st.characters(max_codepoint=127)))
def test_the_quick_fold_of_ascii_is_identitys_fold(text: str) -> None:
    assert folded(text) == fold(text)


@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=12))
def test_the_quick_fold_of_any_text_is_identitys_fold(text: str) -> None:
    assert folded(text) == fold(text)
