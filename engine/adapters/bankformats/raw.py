"""A bank as a foreign file held it: plain data plus where each part came from.

Every format parser fills a ``RawBank`` and hands it to ``finish``, which validates it
exactly as a YAML bank is validated (``bank_from_dict``) and turns each problem's field
path back into the row or line it came from, with the column or label the author wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.domain.bankfiles import BankHeader as BankHeader
from engine.domain.bankfiles import FileProblem, LoadedBank
from engine.domain.banks import FieldPath, Problem
from engine.domain.canonical import FORMAT, bank_from_dict


@dataclass
class RawBank:
    file: str
    header: BankHeader
    questions: list[dict[str, Any]] = field(default_factory=list)
    #: Title in other locales (a workbook's ``bank`` sheet may give them).
    titles: dict[str, str] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)
    _places: dict[FieldPath, tuple[int | None, str]] = field(default_factory=dict)

    def mark(self, path: FieldPath, line: int | None, label: str = "") -> None:
        """Remember that the value at ``path`` came from ``line`` (under ``label``)."""
        self._places[path] = (line, label)

    def add_question(self, question: dict[str, Any], line: int) -> FieldPath:
        """Append a question read at ``line``; a missing key or source gets its default."""
        path: FieldPath = ("questions", len(self.questions))
        question.setdefault("key", f"q{len(self.questions) + 1:04d}")
        question.setdefault("difficulty", 3)
        if "source" not in question and self.header.source is not None:
            question["source"] = self.header.source
        self.questions.append(question)
        self.mark(path, line)
        if "source" not in question:
            self.mark((*path, "source"), line, "source (来源, or --source for every question)")
        return path

    @property
    def marked(self) -> frozenset[FieldPath]:
        return frozenset(self._places)

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(FileProblem(self.file, line, message))

    def place(self, path: FieldPath) -> tuple[int | None, str]:
        """The line of the closest marked ancestor, and the path's label from there."""
        for end in range(len(path), -1, -1):
            if path[:end] in self._places:
                line, label = self._places[path[:end]]
                rest = Problem(path[end:], "").where
                # "answer ([0])" says no more than "answer": the message names the value.
                if label and rest and not rest.startswith("["):
                    return line, f"{label} ({rest})"
                return line, label or rest or Problem(path, "").where
        return None, Problem(path, "").where


def finish(raw: RawBank) -> LoadedBank:
    """Validate the raw bank as any bank is validated; content only when no problem."""
    header = raw.header
    title = {header.default_locale: header.title} if header.title is not None else {}
    data: dict[str, Any] = {
        "format": FORMAT,
        "slug": header.slug,
        "title": {**title, **raw.titles},
        "default_locale": header.default_locale,
        "questions": raw.questions,
    }
    if header.slug is None:
        raw.problem(None, "the file names no bank: give --slug (and --title)")
        data["slug"] = ""
    for name in ("slug", "title"):
        if (name,) not in raw.marked:
            raw.mark((name,), None, f"{name} (--{name})")
    content, problems = bank_from_dict(data)
    found = list(raw.problems)
    for problem in problems:
        if header.slug is None and problem.path == ("slug",):
            continue
        line, where = raw.place(problem.path)
        found.append(FileProblem(raw.file, line, f"{where}: {problem.message}"))
    found.sort(key=lambda p: p.line or 0)
    return LoadedBank(raw.file, None if found else content, tuple(found))
