"""Unit rosters, member lists and a campaign's own places from .xlsx or CSV files.

This reads a file into rows (row 1 first, as Excel numbers them) and hands them to the
domain's rules (``engine.domain.units``, ``engine.domain.places``), which name every
problem by row; here each becomes ``file:row: what is wrong``. CSV is UTF-8 with or
without a byte-order mark, else GB18030 (what Excel on Chinese Windows saves). A
workbook is read from the sheet named for the list (单位 or ``units``...), else the
first. A cell merged down a column (a 所属地区 written once for a block of units)
counts for every row it covers; a workbook too big to hold whole (a member list of a
million) is streamed instead, and there a merged cell counts for its first row only.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from engine.adapters.bankfile import FileProblem
from engine.domain.places import PlaceTree, tree_from_rows
from engine.domain.sheets import Cells, RowProblem, header_key
from engine.domain.units import MemberList, Roster, read_members, read_roster

Rows = list[tuple[int, Cells]]
T = TypeVar("T")

#: Rows a list may have: 5,000 units or a province's member list fit well within.
MAX_ROWS = 2_000_000
#: A workbook unpacking beyond this is refused before it is opened (a zip bomb).
MAX_INFLATED_BYTES = 512 * 1024 * 1024
#: Above this a workbook is streamed: held whole, openpyxl takes ~50 times its size.
STREAM_ABOVE_BYTES = 4 * 1024 * 1024
UNIT_SHEETS = ("单位", "单位名单", "units", "roster")
MEMBER_SHEETS = ("成员", "名单", "人员名单", "members")
PLACE_SHEETS = ("地区", "places")


def load_roster(
    data: bytes, file: str, places: PlaceTree
) -> tuple[Roster | None, list[FileProblem]]:
    return _load(data, file, UNIT_SHEETS, lambda rows: read_roster(rows, places))


def load_members(
    data: bytes, file: str, roster: Roster | None = None
) -> tuple[MemberList | None, list[FileProblem]]:
    return _load(data, file, MEMBER_SHEETS, lambda rows: read_members(rows, roster))


def load_places(data: bytes, file: str) -> tuple[PlaceTree | None, list[FileProblem]]:
    """A campaign's own list of places (see ``places.tree_from_rows``)."""
    return _load(data, file, PLACE_SHEETS, tree_from_rows)


def _load(
    data: bytes,
    file: str,
    sheets: tuple[str, ...],
    read: Callable[[Rows], tuple[T | None, list[RowProblem]]],
) -> tuple[T | None, list[FileProblem]]:
    rows, problem = read_rows(data, file, sheets)
    if rows is None:
        return None, [FileProblem(file, None, problem)]
    found, problems = read(rows)
    return found, [FileProblem(file, p.row, p.message) for p in problems]


def read_rows(data: bytes, file: str, sheets: Sequence[str] = ()) -> tuple[Rows | None, str]:
    """The file's rows, or None and why it cannot be read at all. A workbook is told by
    its name (.xlsx) or, whatever its name, by being a zip archive."""
    suffix = Path(file).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and zipfile.is_zipfile(io.BytesIO(data))):
        return _workbook_rows(data, sheets)
    return _csv_rows(data)


def _csv_rows(data: bytes) -> tuple[Rows | None, str]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: error.start].count(b"\n") + 1
            return None, f"neither UTF-8 nor GB18030 (line {line}, byte {error.start})"
    rows: Rows = []
    # Each record is a row, as a spreadsheet opening the file numbers them.
    for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if number > MAX_ROWS:
            return None, f"more than {MAX_ROWS} rows"
        rows.append((number, record))
    return rows, ""


def _workbook_rows(data: bytes, sheets: Sequence[str]) -> tuple[Rows | None, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return None, "not a workbook (.xlsx): the file is not a zip archive"
    if inflated > MAX_INFLATED_BYTES:
        return None, f"the workbook unpacks to {inflated} bytes, over {MAX_INFLATED_BYTES}"
    streamed = len(data) > STREAM_ABOVE_BYTES
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=streamed, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        return None, f"not a readable workbook (.xlsx): {type(error).__name__}"
    try:
        named = {header_key(sheet.title): sheet for sheet in book.worksheets}
        wanted = [header_key(name) for name in sheets]
        sheet = next((named[name] for name in wanted if name in named), book.worksheets[0])
        grid: list[list[object]] = []
        for cells in sheet.iter_rows(values_only=True):
            if len(grid) == MAX_ROWS:
                return None, f"sheet {sheet.title!r} has more than {MAX_ROWS} rows"
            grid.append(list(cells))
        if not streamed:
            _fill_merged(sheet, grid)
        return list(enumerate(grid, start=1)), ""
    finally:
        book.close()


def _fill_merged(sheet: Worksheet, grid: list[list[object]]) -> None:
    """A merged range's value copied into each of its cells, as the organiser sees it."""
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for row in grid[merged.min_row - 1 : merged.max_row]:
            for col in range(merged.min_col - 1, min(merged.max_col, len(row))):
                row[col] = value
