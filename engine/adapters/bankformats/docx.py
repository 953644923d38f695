"""Word documents in the common layout: paragraphs become lines for ``layout``.

A problem's line number is the paragraph's, counted from 1 as Word's navigation pane
shows them (empty paragraphs included); tables are read row by row, cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import docx
from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from engine.adapters.bankformats.archive import refuse_bombs
from engine.adapters.bankformats.layout import read_layout
from engine.adapters.bankformats.raw import RawBank


def read_docx(data: bytes, raw: RawBank) -> None:
    if not refuse_bombs(data, raw, "Word document (.docx)"):
        return
    try:
        document = docx.Document(BytesIO(data))
    except Exception as error:  # python-docx raises many kinds for a damaged file
        raw.problem(None, f"not a readable Word document (.docx): {type(error).__name__}")
        return
    read_layout(_lines(document), raw)


def _lines(document: Document) -> Iterator[tuple[int, str]]:
    """Each paragraph's lines (a soft line break splits one) with its number."""
    for number, paragraph in enumerate(_paragraphs(document), start=1):
        for line in paragraph.text.splitlines():
            yield number, line


def _paragraphs(document: Document) -> Iterator[Paragraph]:
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
        else:
            yield block
