"""Tables (engine.services.result_tables) as an .xlsx workbook, one sheet a table."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

from engine.domain.tables import Table


def workbook(tables: Iterable[Table]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title)  # our own names: short, no [ ] : * ? / \
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append(row)
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                _as_text_if_formula(cell)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_text_if_formula(cell: Cell) -> None:
    """A nickname like "=HYPERLINK(...)" stays text: openpyxl would store it as a formula."""
    if cell.data_type == "f":
        cell.data_type = "s"
