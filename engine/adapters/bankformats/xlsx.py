"""Excel workbooks: one question per row, Chinese or English column headers.

The questions are on the sheet named 题目 or ``questions``, else the first sheet; the
header row is the first of the top 20 rows with a 题干 (``prompt``) column, so a title
or instructions may stand above it. Cells merged down a column (a 题型 written once
for a block of rows) count for every row they cover; empty rows are skipped. A sheet
named ``bank`` may hold the bank's ``slug``, ``title`` (also ``title[en]``...),
``default_locale`` and a default ``source`` as name/value rows. Columns for another
locale add ``[en]`` (or ``(zh-Hant)``...) to the header: ``题干[en]``, ``选项A[en]``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.adapters.bankformats.archive import refuse_bombs
from engine.adapters.bankformats.exported import Exported, common_losses
from engine.adapters.bankformats.fields import (
    LETTERS,
    TYPE_LABELS,
    answer_for,
    fold,
    inferred_type,
    normaliser_list,
    question_type,
    tag_list,
    whole_number,
)
from engine.adapters.bankformats.raw import RawBank
from engine.domain.questions import LOCALES, BankContent, Question, QuestionType

QUESTION_SHEETS = ("题目", "questions")
BANK_SHEET = "bank"
MAX_ROWS = 20_000
MAX_COLUMNS = 200
_HEADER_ROWS = 20

#: Accepted header names per field, compared without spaces, underscores or case.
COLUMNS: dict[str, tuple[str, ...]] = {
    "key": ("编号", "key", "id"),
    "type": ("题型", "类型", "type"),
    "prompt": ("题干", "题目", "问题", "prompt", "question", "stem"),
    "answer": ("答案", "正确答案", "answer", "correct", "correctanswer", "correctanswers"),
    "explanation": ("解析", "答案解析", "explanation"),
    "difficulty": ("难度", "difficulty"),
    "tags": ("标签", "tags", "tag"),
    "time_limit_s": ("时限", "时限(秒)", "时间限制", "timelimit", "timelimits"),
    "source": ("来源", "出处", "source"),
    "enemies": ("互斥组", "enemies", "enemygroups"),
    "normalise": ("答案规范", "normalise", "normalize", "normalisers"),
}
#: Columns organisers often keep (a running number) that Leitai does not need.
IGNORED = ("序号", "no", "no.", "#")
LOCALIZED = ("prompt", "explanation", "choice")
BANK_FIELDS = {
    "slug": "slug",
    "标识": "slug",
    "title": "title",
    "标题": "title",
    "default_locale": "default_locale",
    "defaultlocale": "default_locale",
    "默认语言": "default_locale",
    "source": "source",
    "来源": "source",
}
_NAMES = {name: field for field, names in COLUMNS.items() for name in names}
#: 选项A, A, Option A, Choice a; also numbered as many quiz sheets are: Option1, 选项1.
_CHOICE = re.compile(r"^(?:选项|option|choice|answer)?([a-h1-8])$")
_LOCALE = re.compile(r"^(.*?)\s*[\[(]\s*([a-z]+(?:-[a-z]+)?)\s*[\])]$")
_LOCALES = {locale.lower(): locale for locale in LOCALES}

Column = tuple[str, str | None, str]  # field, locale (None: the default), header text


# -- reading ------------------------------------------------------------------------------


def read_xlsx(data: bytes, raw: RawBank) -> None:
    if not refuse_bombs(data, raw, "workbook (.xlsx)"):
        return
    try:
        book = openpyxl.load_workbook(BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raw.problem(None, f"not a readable workbook (.xlsx): {type(error).__name__}")
        return
    sheets = {fold(sheet.title): sheet for sheet in book.worksheets}
    if BANK_SHEET in sheets:
        _read_bank_sheet(sheets[BANK_SHEET], raw)
    sheet = next((sheets[name] for name in QUESTION_SHEETS if name in sheets), None)
    sheet = sheet or next(s for s in book.worksheets if fold(s.title) != BANK_SHEET)
    # Rows are read as a dense grid: one far-away cell must not make it huge.
    if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLUMNS:
        size = f"{sheet.max_row} rows and {sheet.max_column} columns"
        raw.problem(None, f"sheet {sheet.title!r} has {size}, over {MAX_ROWS} or {MAX_COLUMNS}")
        return
    rows = _rows(sheet)
    header = next((n for n, cells in rows[:_HEADER_ROWS] if _is_header(cells)), None)
    if header is None:
        raw.problem(None, f"sheet {sheet.title!r}: no header row with a 题干 (prompt) column")
        return
    columns = _columns(rows[header - 1][1], header, raw)
    for number, cells in rows[header:]:
        if any(_text(value) for value in cells):
            _read_row(number, cells, columns, raw)


def _rows(sheet: Worksheet) -> list[tuple[int, list[Any]]]:
    """Every row's values, a merged range's value copied into each of its cells."""
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row - 1, merged.max_row):
            for col in range(merged.min_col - 1, merged.max_col):
                grid[row][col] = value
    return list(enumerate(grid, start=1))


def _is_header(cells: list[Any]) -> bool:
    return any(_parse_header(_text(value))[0] == "prompt" for value in cells)


def _parse_header(text: str) -> tuple[str | None, str | None]:
    """(field, locale) of a header, e.g. ("choice:c", "en") for 选项C[en]."""
    folded, locale = fold(text), None
    if match := _LOCALE.match(folded):
        folded, locale = match.group(1), _LOCALES.get(match.group(2), match.group(2))
    name = re.sub(r"[\s_-]", "", folded)
    if name in _NAMES:
        return _NAMES[name], locale
    if match := _CHOICE.match(name):
        mark = match.group(1)
        return f"choice:{LETTERS[int(mark) - 1] if mark.isdigit() else mark}", locale
    return (None, locale) if name else ("", None)


def _columns(cells: list[Any], row: int, raw: RawBank) -> dict[int, Column]:
    columns: dict[int, Column] = {}
    seen: dict[tuple[str, str | None], str] = {}
    for index, value in enumerate(cells):
        text = _text(value)
        field, locale = _parse_header(text)
        if field == "" or fold(text) in IGNORED:
            continue
        letter = get_column_letter(index + 1)
        if field is None:
            raw.problem(row, f"column {letter}: unknown header {text!r}")
        elif locale is not None and locale not in LOCALES:
            raw.problem(row, f"column {letter}: unknown locale {locale!r} in {text!r}")
        elif locale is not None and field.split(":")[0] not in LOCALIZED:
            raw.problem(row, f"column {letter}: {text!r} has no locales")
        elif (field, locale) in seen:
            raw.problem(row, f"column {letter}: {text!r} repeats column {seen[field, locale]}")
        else:
            seen[field, locale] = letter
            columns[index] = (field, locale, text)
    return columns


def _read_row(number: int, cells: list[Any], columns: dict[int, Column], raw: RawBank) -> None:
    default = raw.header.default_locale
    values: dict[str, Any] = {}
    texts: dict[str, dict[str, str]] = {}
    labels: dict[tuple[str, str], str] = {}
    for index, (field, locale, header) in columns.items():
        value = cells[index] if index < len(cells) else None
        if not _text(value):
            continue
        if isinstance(value, datetime | date | time):
            # Excel turns "8月1日" typed into a cell into a date: the text is gone.
            raw.problem(
                number,
                f"{header}: Excel holds {value} as a date or time, not text; "
                "format the column as text and type it again",
            )
            continue
        if field in LOCALIZED or field.startswith("choice:"):
            texts.setdefault(field, {})[locale or default] = _text(value)
            labels[field, locale or default] = header
        else:
            values[field] = value
            labels[field, ""] = header
    choices = [
        {"key": field.removeprefix("choice:"), "text": text}
        for field, text in sorted(texts.items())
        if field.startswith("choice:")
    ]
    question: dict[str, Any] = {"prompt": texts.get("prompt", {})}
    answer = values.get("answer")
    kind = question_type(_text(values["type"])) if "type" in values else None
    kind = kind or inferred_type(answer, choices)
    question["type"] = kind if isinstance(kind, str) else kind.value
    if kind is not QuestionType.TRUE_FALSE and choices:
        question["choices"] = choices
    question["answer"] = answer_for(kind, answer, choices) if answer is not None else []
    if "explanation" in texts:
        question["explanation"] = texts["explanation"]
    for field in ("key", "source"):
        if field in values:
            question[field] = _text(values[field])
    for field in ("difficulty", "time_limit_s"):
        if field in values:
            question[field] = whole_number(values[field])
    if "tags" in values:
        question["tags"] = tag_list(_text(values["tags"]))
    if "enemies" in values:
        question["enemies"] = tag_list(_text(values["enemies"]))
    if "normalise" in values:
        question["normalise"] = normaliser_list(_text(values["normalise"]))
    path = raw.add_question(question, number)
    for (field, locale), header in labels.items():
        if field.startswith("choice:"):
            index = next(i for i, c in enumerate(choices) if c["key"] == field[-1])
            at = (*path, "choices", index, "text", locale)
        else:
            at = (*path, field, locale) if locale else (*path, field)
        raw.mark(at, number, header)
        if locale == default:
            raw.mark(at[:-1], number, header)
    if answer is None:
        raw.problem(number, "no answer (答案) in this row")


def _read_bank_sheet(sheet: Worksheet, raw: RawBank) -> None:
    found: dict[str, str] = {}
    for number, cells in _rows(sheet):
        name, value = (_text(v) for v in [*cells, None, None][:2])
        if not name:
            continue
        field, locale = fold(name), None
        if match := _LOCALE.match(field):
            field, locale = match.group(1), _LOCALES.get(match.group(2), match.group(2))
        known = BANK_FIELDS.get(field.replace(" ", ""))
        if known is None:
            raw.problem(number, f"sheet 'bank': unknown field {name!r}")
        elif known == "title" and locale is not None:
            raw.titles[locale] = value
        else:
            found[known] = value
    header = raw.header
    raw.header = replace(
        header,
        slug=header.slug or found.get("slug") or None,
        title=header.title or found.get("title") or None,
        default_locale=found.get("default_locale") or header.default_locale,
        source=header.source or found.get("source") or None,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# -- writing ------------------------------------------------------------------------------


def write_xlsx(content: BankContent) -> Exported:
    lost = common_losses(content, "xlsx", locales=None)
    kept = []
    for question in content.questions:
        if len(question.choices) > len(LETTERS):
            lost.append(f"{question.key}: left out (a sheet holds options A to H only)")
        else:
            kept.append(question)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = QUESTION_SHEETS[0]
    width = max([4, *(len(q.choices) for q in kept)])
    others = [locale for locale in LOCALES if locale != content.default_locale]
    others = [locale for locale in others if any(_has(q, locale) for q in kept)]
    header = ["编号", "题型", "题干", *(f"选项{c.upper()}" for c in LETTERS[:width])]
    header += ["答案", "解析", "难度", "标签", "时限", "来源", "互斥组", "答案规范"]
    for locale in others:
        header += [f"题干[{locale}]", *(f"选项{c.upper()}[{locale}]" for c in LETTERS[:width])]
        header.append(f"解析[{locale}]")
    _append(sheet, header)
    for question in kept:
        _append(sheet, _row(question, content.default_locale, width, others))
    sheet.freeze_panes = "A2"
    info = book.create_sheet(BANK_SHEET)
    _append(info, ["slug", content.slug])
    _append(info, ["title", content.title.get(content.default_locale, "")])
    for locale, title in content.title.items():
        if locale != content.default_locale:
            _append(info, [f"title[{locale}]", title])
    _append(info, ["default_locale", content.default_locale])
    out = BytesIO()
    book.save(out)
    return Exported(out.getvalue(), tuple(lost))


def _row(question: Question, default: str, width: int, others: list[str]) -> list[Any]:
    choices = [choice.text for choice in question.choices] + [{}] * width
    row: list[Any] = [
        question.key,
        TYPE_LABELS[question.type],
        question.prompt.get(default),
        *(text.get(default) for text in choices[:width]),
        _answer(question),
        (question.explanation or {}).get(default),
        question.difficulty,
        ", ".join(question.tags) or None,
        question.time_limit_s,
        question.source,
        ", ".join(question.enemies) or None,
        ", ".join(question.normalise) or None,
    ]
    for locale in others:
        row += [question.prompt.get(locale), *(text.get(locale) for text in choices[:width])]
        row.append((question.explanation or {}).get(locale))
    return row


def _answer(question: Question) -> str:
    if question.type is QuestionType.TRUE_FALSE:
        return "正确" if question.answer[0] is True else "错误"
    if question.type is QuestionType.TEXT:
        return " | ".join(str(item) for item in question.answer)
    keys = question.choice_keys()
    return ",".join(LETTERS[keys.index(str(key))].upper() for key in question.answer)


def _has(question: Question, locale: str) -> bool:
    texts = [question.prompt, question.explanation or {}, *(c.text for c in question.choices)]
    return any(locale in text for text in texts)


def _append(sheet: Worksheet, values: list[Any]) -> None:
    """A row of plain values: text starting with "=" stays text, never a formula."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
