"""Question banks in the formats organisers keep them in, in and out.

Each reader turns a file into the plain data a YAML bank file holds, remembering the
row or line each part came from; ``finish`` validates it by the same rules as YAML
(``engine.domain.canonical.bank_from_dict``), so a bank is accepted or refused the same
way whatever it was written in, with every problem named by file and row or line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.adapters.bankfile import LoadedBank, dump_bank, parse_bank_bytes
from engine.adapters.bankformats.aiken import read_aiken
from engine.adapters.bankformats.docx import read_docx
from engine.adapters.bankformats.exported import Exported
from engine.adapters.bankformats.gift import read_gift, write_gift
from engine.adapters.bankformats.moodle_xml import read_moodle_xml, write_moodle_xml
from engine.adapters.bankformats.raw import BankHeader, RawBank, finish
from engine.adapters.bankformats.text import read_text
from engine.adapters.bankformats.xlsx import read_xlsx, write_xlsx
from engine.domain.questions import BankContent

Reader = Callable[[bytes, RawBank], None]

READERS: dict[str, Reader] = {
    "xlsx": read_xlsx,
    "docx": read_docx,
    "text": read_text,
    "gift": read_gift,
    "moodle-xml": read_moodle_xml,
    "aiken": read_aiken,
}
IMPORT_FORMATS = ("yaml", *READERS)
EXPORT_FORMATS = ("yaml", "xlsx", "gift", "moodle-xml")
SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".txt": "text",
    ".gift": "gift",
    ".xml": "moodle-xml",
    ".aiken": "aiken",
}
#: The file name an export gets by default, per format.
EXPORT_SUFFIXES = {"yaml": ".yaml", "xlsx": ".xlsx", "gift": ".gift.txt", "moodle-xml": ".xml"}


def format_of(file: str) -> str | None:
    """The format a file name says (``bank.xlsx`` is xlsx); None when it says nothing."""
    return SUFFIXES.get(Path(file).suffix.lower())


def read_bank(data: bytes, file: str, fmt: str, header: BankHeader) -> LoadedBank:
    """A bank from a file's bytes in ``fmt``; a YAML bank carries its own header."""
    if fmt == "yaml":
        return parse_bank_bytes(data, file)
    raw = RawBank(file, header)
    READERS[fmt](data, raw)
    if not raw.questions and not raw.problems:
        raw.problem(None, "no questions found")
    return finish(raw)


def write_bank(content: BankContent, fmt: str) -> Exported:
    if fmt == "yaml":
        return Exported(dump_bank(content).encode("utf-8"), ())
    writers = {"xlsx": write_xlsx, "gift": write_gift, "moodle-xml": write_moodle_xml}
    return writers[fmt](content)
