"""Rows that organisers keep in a spreadsheet or CSV: headers, cell values, problems.

An adapter reads a file into rows of cell values (text, numbers, dates, None), row 1
first, exactly as the file numbers them; the rules here find the header row, match its
columns to fields by their Chinese or English names, and name every problem by row, so
a list is refused with ``file:row: what is wrong`` whatever it was written in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

#: A row as a file holds it: the cell values left to right.
Cells = Sequence[object]
#: The header is looked for in the top rows: a title or a note may stand above it.
HEADER_ROWS = 10


@dataclass(frozen=True)
class RowProblem:
    #: 1-based, as the file numbers it; None when the problem is the whole list.
    row: int | None
    message: str


@dataclass(frozen=True)
class Columns:
    """Where each field is: field -> 0-based column index, and the header's row."""

    row: int
    index: Mapping[str, int]
    header: Mapping[str, str]  # field -> the header text the file wrote

    def value(self, cells: Cells, field: str) -> object:
        at = self.index.get(field)
        return cells[at] if at is not None and at < len(cells) else None


def header_key(text: str) -> str:
    """A header as compared: NFKC, lower case, no spaces, underscores, hyphens or the
    brackets of a note such as 人数(人)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"[(\[（【].*?[)\]）】]", "", folded)
    return re.sub(r"[\s_\-*:：]", "", folded)


def find_columns(
    rows: Sequence[tuple[int, Cells]],
    names: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
) -> tuple[Columns | None, list[RowProblem]]:
    """The header: the first of the top rows naming every required field.

    ``names`` gives each field's accepted headers (compared by :func:`header_key`).
    Other columns are left alone: organisers keep notes and running numbers beside.
    """
    lookup = {header_key(name): field for field, options in names.items() for name in options}
    for number, cells in rows[:HEADER_ROWS]:
        index: dict[str, int] = {}
        header: dict[str, str] = {}
        problems: list[RowProblem] = []
        for at, value in enumerate(cells):
            field = lookup.get(header_key(text(value)))
            if field is None:
                continue
            if field in index:
                problems.append(
                    RowProblem(
                        number, f"two columns for {field}: {header[field]!r} and {text(value)!r}"
                    )
                )
                continue
            index[field], header[field] = at, text(value)
        if all(field in index for field in required):
            return Columns(number, index, header), problems
    wanted = "; ".join(f"{field} ({' / '.join(names[field])})" for field in required)
    return None, [RowProblem(None, f"no header row naming the columns {wanted}")]


def text(value: object) -> str:
    """A cell as text: trimmed, a whole float without its ".0" (Excel's numbers)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def blank(cells: Cells) -> bool:
    return not any(text(value) for value in cells)


def whole_number(value: object) -> int | None:
    """A positive whole number as organisers type it (1200, "1,200", "１２００", 1200.0);
    None for anything else (0, -3, 12.5, "about 100", a date, True)."""
    if isinstance(value, (bool, datetime | date | time)):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            return None
        number = int(value)
    else:
        digits = unicodedata.normalize("NFKC", text(value)).replace(",", "")
        if not digits.isascii() or not digits.isdigit():
            return None
        number = int(digits)
    return number if number > 0 else None
