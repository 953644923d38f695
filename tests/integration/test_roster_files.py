"""Rosters and member lists read from organisers' files: .xlsx, CSV in UTF-8 or GB18030."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from engine.adapters import roster as roster_files
from engine.adapters.roster import load_members, load_places, load_roster, read_rows
from engine.domain.places import guangdong

FIXTURES = Path(__file__).parent.parent / "fixtures" / "roster"
EXPECTED = [
    ("广州市教育局", "440100", 5000),
    ("越秀区教育局", "440104", 3000),
    ("越秀区第一中学", "440104", 1200),
    ("天河区石牌街道办事处", "440106", 300),
    ("汕尾市城区新港街道", "441502", 150),
]


@pytest.mark.parametrize("name", ["units.xlsx", "units-gb18030.csv", "units-bom.csv"])
def test_the_same_roster_from_a_workbook_or_csv_in_either_encoding(name: str) -> None:
    roster, problems = load_roster((FIXTURES / name).read_bytes(), name, guangdong())
    assert problems == []
    assert roster is not None
    assert [(u.name, u.place, u.headcount) for u in roster.units] == EXPECTED
    school = roster.units[2]
    assert [roster.units[i].name for i in roster.lineage(2)] == [
        "越秀区第一中学",
        "越秀区教育局",
        "广州市教育局",
    ]
    assert school.code is None


def test_a_workbook_row_is_the_row_excel_shows() -> None:
    roster, _ = load_roster((FIXTURES / "units.xlsx").read_bytes(), "units.xlsx", guangdong())
    assert roster is not None
    assert roster.units[0].row == 4  # a title, an empty row, the header


def test_a_streamed_workbook_reads_a_merged_cell_in_its_first_row_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(roster_files, "STREAM_ABOVE_BYTES", 0)
    data = (FIXTURES / "units.xlsx").read_bytes()
    roster, problems = load_roster(data, "units.xlsx", guangdong())
    assert roster is None
    assert [str(p) for p in problems] == ["units.xlsx:6: no place"]


def test_a_bad_roster_is_refused_with_file_and_row() -> None:
    data = (FIXTURES / "units-bad.csv").read_bytes()
    roster, problems = load_roster(data, "units-bad.csv", guangdong())
    assert roster is None
    assert [str(p) for p in problems] == [
        "units-bad.csv:2: parent unit '越秀区教育局' is not in the roster",
        "units-bad.csv:3: unknown place '北京市'",
        "units-bad.csv:4: headcount '一千' is not a positive whole number",
        "units-bad.csv:5: unit '越秀区第一中学' in 440104 repeats row 2",
        "units-bad.csv:6: no unit name",
    ]


def test_a_member_list_names_units_of_the_roster() -> None:
    data = (FIXTURES / "units.xlsx").read_bytes()
    roster, _ = load_roster(data, "units.xlsx", guangdong())
    members, problems = load_members((FIXTURES / "members.csv").read_bytes(), "m.csv", roster)
    assert problems == []
    assert members is not None
    assert roster is not None
    assert [roster.units[m.unit].name for m in members.members if m.unit is not None] == [
        "越秀区教育局",
        "广州市教育局",
    ]
    assert members.match("a001", "张三") is not None


def test_a_member_list_in_a_workbook_reports_duplicates() -> None:
    book = openpyxl.Workbook()
    book.active.title = "members"
    for row in [["Member ID", "Name"], [1001, "Zhang San"], [1001.0, "Li Si"]]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    members, problems = load_members(out.getvalue(), "members.xlsx")
    assert members is None
    assert [str(p) for p in problems] == ["members.xlsx:3: member id '1001' repeats row 2"]


def test_a_campaigns_own_places_from_csv() -> None:
    data = "code,name,parent\r\nnorth,北区,\r\nn1,北一片,北区\r\n".encode()
    tree, problems = load_places(data, "places.csv")
    assert problems == []
    assert tree is not None
    assert tree.find("北一片").parent == "north"


def test_files_that_cannot_be_read_are_refused_whole() -> None:
    roster, problems = load_roster(b"\xff\xfe\x00garbage\x81", "units.csv", guangdong())
    assert roster is None
    assert len(problems) == 1
    assert problems[0].line is None
    assert "neither UTF-8 nor GB18030" in problems[0].message
    _, problems = load_roster(b"not a zip", "units.xlsx", guangdong())
    assert [str(p) for p in problems] == [
        "units.xlsx: not a workbook (.xlsx): the file is not a zip archive"
    ]
    damaged = io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    _, problems = load_roster(damaged.getvalue(), "units.xlsx", guangdong())
    assert problems[0].message.startswith("not a readable workbook (.xlsx)")


def test_a_workbook_is_known_by_its_content_whatever_its_name() -> None:
    rows, why = read_rows((FIXTURES / "units.xlsx").read_bytes(), "upload", ("单位",))
    assert why == ""
    assert rows is not None
    assert rows[2][1][1] == "单位名称"
