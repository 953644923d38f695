"""What reading a bank file gives, whatever its format: the bank, or every problem with
the file and line (or row) it is on; and what a format without a bank header needs."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.questions import BankContent


@dataclass(frozen=True)
class FileProblem:
    file: str
    #: 1-based; None when the problem is the file itself (unreadable).
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class LoadedBank:
    """The bank in a file: ``content`` is set only when there are no problems."""

    file: str
    content: BankContent | None
    problems: tuple[FileProblem, ...]


@dataclass(frozen=True)
class BankHeader:
    """What a format without a bank header needs from the command line or the form."""

    slug: str | None = None
    title: str | None = None
    default_locale: str = "zh-Hans"
    #: Given to every question that names no source of its own.
    source: str | None = None
