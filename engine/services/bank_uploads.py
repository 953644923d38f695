"""Importing a bank sent as one file (a workbook, a Word document, GIFT...): read by the
same readers and rules as ``leitai bank import``; a refused file stores nothing, and each
problem is a field named ``file:row`` (or ``file:line``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from engine.domain.bankfiles import BankHeader, LoadedBank
from engine.domain.questions import BankContent
from engine.ports import BankReader
from engine.services.banks import BankAuthoring, ImportResult
from engine.services.errors import Invalid


@dataclass
class BankUploads:
    banks: BankAuthoring
    read: BankReader
    #: The formats ``read`` takes, and the one a file's name says (None if it says none).
    formats: Sequence[str]
    format_of: Callable[[str], str | None]

    def import_file(
        self,
        data: bytes,
        file: str,
        fmt: str | None,
        header: BankHeader,
        published_by: str | None,
    ) -> ImportResult:
        fmt = fmt or self.format_of(file)
        if fmt is None or fmt not in self.formats:
            raise Invalid(
                "Cannot tell the file's format.",
                {"format": [f"must be one of {', '.join(self.formats)}"]},
            )
        content = _accepted(self.read(data, file, fmt, header))
        if any(question.media is not None for question in content.questions):
            raise Invalid(
                "A bank with media cannot be uploaded as one file: import its folder with "
                "`leitai bank import`, or upload the media and edit the draft.",
                {"media": ["not uploaded with the bank"]},
            )
        return self.banks.import_bank(content, {}, published_by=published_by)


def _accepted(loaded: LoadedBank) -> BankContent:
    if loaded.content is not None:
        return loaded.content
    problems: dict[str, list[str]] = {}
    for problem in loaded.problems:
        where = problem.file if problem.line is None else f"{problem.file}:{problem.line}"
        problems.setdefault(where, []).append(problem.message)
    raise Invalid(f"The bank file has {len(loaded.problems)} problems.", problems)
