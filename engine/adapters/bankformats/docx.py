"""Word documents in the common layout: paragraphs become lines for ``layout``.

A problem's line number is the paragraph's, counted from 1 as Word's navigation pane
shows them (empty paragraphs included); tables are read row by row, cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
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
        lines = list(_lines(document))  # styles and lists are looked up while reading
    except Exception as error:  # python-docx raises many kinds for a damaged file
        raw.problem(None, f"not a readable Word document (.docx): {type(error).__name__}")
        return
    read_layout(lines, raw)


def _lines(document: Document) -> Iterator[tuple[int, str]]:
    """Each paragraph's lines (a soft line break splits one) with its number; a
    paragraph Word numbers itself gets the number or letter Word shows before it."""
    numbering = _Numbering(document)
    for number, paragraph in enumerate(_paragraphs(document), start=1):
        label = numbering.label(paragraph)
        for line in paragraph.text.splitlines():
            yield number, label + line
            label = ""


class _Numbering:
    """Word's automatic list numbers ("1.", "A."), which are not in a paragraph's text.

    Counts as Word does per list and level (a deeper level restarts when a shallower
    one moves on); decimal and Chinese counting become "n. ", letters "A. ", bullets
    nothing. Word's finer rules (start overrides, legal numbering) are not followed.
    """

    def __init__(self, document: Document) -> None:
        self._formats: dict[tuple[str, str], tuple[str, int]] = {}
        self._counts: dict[str, list[int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return  # no lists in this document
        levels = {
            abstract.get(qn("w:abstractNumId")): {
                level.get(qn("w:ilvl")): (
                    _val(level, "w:numFmt") or "",
                    _whole(_val(level, "w:start"), 1),
                )
                for level in abstract.findall(qn("w:lvl"))
            }
            for abstract in numbering.findall(qn("w:abstractNum"))
        }
        for num in numbering.findall(qn("w:num")):
            for level, found in levels.get(_val(num, "w:abstractNumId"), {}).items():
                self._formats[num.get(qn("w:numId")), level] = found

    def label(self, paragraph: Paragraph) -> str:
        num_id, level = _list_of(paragraph)
        found = self._formats.get((num_id, level)) if num_id else None
        if found is None:
            return ""
        fmt, start = found
        counts = self._counts.setdefault(num_id, [0] * 9)
        depth = min(max(_whole(level, 0), 0), 8)
        counts[depth] += 1
        counts[depth + 1 :] = [0] * (8 - depth)
        value = start + counts[depth] - 1
        if fmt in ("upperLetter", "lowerLetter"):
            return f"{chr(ord('A') + (value - 1) % 26)}. "
        return "" if fmt in ("bullet", "none", "") else f"{value}. "


def _list_of(paragraph: Paragraph) -> tuple[str, str]:
    """(numId, ilvl) of the list a paragraph is in, from itself or its style."""
    holders = [paragraph._p]  # python-docx has no public numbering API
    style = paragraph.style
    while style is not None:
        holders.append(style.element)
        style = style.base_style
    for holder in holders:
        properties = holder.find(qn("w:pPr"))
        found = properties.find(qn("w:numPr")) if properties is not None else None
        if found is not None and _val(found, "w:numId") not in (None, "0"):
            return _val(found, "w:numId") or "", _val(found, "w:ilvl") or "0"
    return "", "0"


def _whole(value: str | None, default: int) -> int:
    """A number from the file, which a damaged or hostile file may not hold."""
    return int(value) if value is not None and value.isascii() and value.isdigit() else default


def _val(element: BaseOxmlElement, tag: str) -> str | None:
    child = element.find(qn(tag))
    return None if child is None else child.get(qn("w:val"))


def _paragraphs(document: Document) -> Iterator[Paragraph]:
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
        else:
            yield block
