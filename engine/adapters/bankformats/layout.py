"""The layout Chinese question banks are typed in, in Word documents and text files.

::

    一、单选题
    1. 中国人民解放军建军节是每年的哪一天？
    A. 7月1日        B、8月1日
    C．10月1日       D. 5月4日
    答案：B
    解析：1927年8月1日南昌起义……

A numbered line starts a question; lettered lines are its options (several may share a
line); ``答案：`` or ``【答案】`` gives the answer, ``解析：`` or ``【解析】`` the
explanation. A section heading (``二、多选题``), a marker in the stem (``（多选）``) or a
``题型：`` line sets the type; otherwise it follows from the answer: 正确/错误 (对/错)
is true/false, several letters multiple, one letter single, words without options a
text question. ``编号：``, ``难度：``, ``标签：``, ``时限：``, ``来源：``, ``互斥组：``
and ``答案规范：`` lines set the key, difficulty, tags, time limit, source, enemy groups
and a text question's normalisers. Any other line continues the stem,
the last option or the explanation; a line that cannot belong anywhere is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.adapters.bankformats.fields import (
    TYPE_NAMES,
    answer_for,
    fold,
    inferred_type,
    normaliser_list,
    question_type,
    tag_list,
    whole_number,
)
from engine.adapters.bankformats.raw import RawBank
from engine.domain.questions import QuestionType

_PUNCT = r"[.．、)）:：]"
_TYPE_WORDS = "|".join(sorted((re.escape(name) for name in TYPE_NAMES), key=len, reverse=True))
_SECTION = re.compile(
    rf"^(?:[一二三四五六七八九十]+\s*[、.．]\s*|第[一二三四五六七八九十\d]+部分\s*)?({_TYPE_WORDS})"
    r"\s*(?:[(（][^)）]*[)）])?\s*[:：]?$",
    re.IGNORECASE,
)
#: "1. 题干", "2．", "3、", "第4题：" — but not "3.14 是圆周率", a number going on.
_QUESTION = re.compile(rf"^(?:第\s*)?(\d{{1,5}})\s*(?:题\s*)?{_PUNCT}(?!\d)\s*(.*)$")
_OPTION = re.compile(rf"^([A-H])\s*{_PUNCT}\s*(.*)$")
_ANSWER = re.compile(
    r"^(?:【\s*(?:正确)?答案\s*】|(?:正确|参考)?答案\s*[:：]|answer\s*[:：])\s*(.*)$", re.I
)
_EXPLANATION = re.compile(r"^(?:【\s*解析\s*】|解析\s*[:：]|explanation\s*[:：])\s*(.*)$", re.I)
_META = re.compile(
    r"^(题型|编号|难度|标签|时限|来源|互斥组|答案规范"
    r"|type|key|difficulty|tags|time limit|source|enemies|normalise)\s*[:：]\s*(.*)$",
    re.I,
)
_META_FIELDS = {
    "题型": "type",
    "编号": "key",
    "难度": "difficulty",
    "标签": "tags",
    "时限": "time_limit_s",
    "来源": "source",
    "互斥组": "enemies",
    "答案规范": "normalise",
    "time limit": "time_limit_s",
}
_MARKER = re.compile(rf"\s*[(（\[【]\s*({_TYPE_WORDS})\s*[)）\]】]\s*", re.I)


@dataclass
class _Question:
    line: int
    prompt: list[str]
    kind: QuestionType | str | None
    choices: list[tuple[int, str, list[str]]] = field(default_factory=list)
    answer: tuple[int, str] | None = None
    explanation: tuple[int, list[str]] | None = None
    meta: dict[str, tuple[int, str]] = field(default_factory=dict)
    #: The part a plain continuation line belongs to.
    open: str = "prompt"


def read_layout(lines: Iterable[tuple[int, str]], raw: RawBank) -> None:
    """Add every question in ``lines`` (numbered as the author sees them) to ``raw``."""
    section: QuestionType | str | None = None
    current: _Question | None = None
    for number, text in lines:
        text = text.strip()
        if not text:
            continue
        if match := _SECTION.match(text):
            _add(current, raw)
            current, section = None, question_type(match.group(1))
        elif match := _QUESTION.match(text):
            _add(current, raw)
            current = _start(number, match.group(2), section)
        elif current is None:
            # A title or a note such as "（每题 2 分）" may stand before the questions;
            # a stray option or answer means a question line was not recognised.
            if _OPTION.match(text) or _ANSWER.match(text) or _EXPLANATION.match(text):
                raw.problem(number, f"{text!r} belongs to no question: number it '1. ...'")
        else:
            _read_line(current, number, text, raw)
    _add(current, raw)


def _start(number: int, stem: str, section: QuestionType | str | None) -> _Question:
    kind = section
    if marker := _MARKER.search(stem):
        kind = question_type(marker.group(1))
        stem = (stem[: marker.start()] + " " + stem[marker.end() :]).strip()
    return _Question(number, [stem] if stem else [], kind)


def _read_line(question: _Question, number: int, text: str, raw: RawBank) -> None:
    if question.explanation and question.open == "explanation" and _OPTION.match(text):
        question.explanation[1].append(text)  # an explanation may discuss "A. ..."
    elif match := _OPTION.match(text):
        _options(question, number, match.group(1), match.group(2))
        question.open = "option"
    elif match := _ANSWER.match(text):
        question.answer = (number, match.group(1).strip())
        question.open = "closed"
    elif match := _EXPLANATION.match(text):
        question.explanation = (number, [match.group(1).strip()])
        question.open = "explanation"
    elif match := _META.match(text):
        name = fold(match.group(1))
        question.meta[_META_FIELDS.get(name, name)] = (number, match.group(2).strip())
        question.open = "closed"
    elif question.open == "prompt":
        question.prompt.append(text)
    elif question.open == "option":
        question.choices[-1][2].append(text)
    elif question.open == "explanation":
        assert question.explanation is not None
        question.explanation[1].append(text)
    else:
        raw.problem(number, f"cannot tell what {text!r} belongs to (after the answer)")


def _options(question: _Question, number: int, letter: str, text: str) -> None:
    """One option, or several on one line ("A. 甲  B. 乙"): only the next letter splits."""
    while True:
        question.choices.append((number, letter.lower(), []))
        following = chr(ord(letter) + 1)
        split = re.search(rf"\s+{following}\s*{_PUNCT}\s*", text) if following <= "H" else None
        if split is None:
            if text:
                question.choices[-1][2].append(text)
            return
        question.choices[-1][2].append(text[: split.start()])
        letter, text = following, text[split.end() :]


def _add(question: _Question | None, raw: RawBank) -> None:
    if question is None:
        return
    if question.answer is None:
        raw.problem(question.line, "the question has no answer line (答案：...)")
        return
    locale = raw.header.default_locale
    data: dict[str, Any] = {"prompt": {locale: "\n".join(question.prompt)}}
    choices = [{"key": key, "text": {locale: "\n".join(text)}} for _, key, text in question.choices]
    kind = question.kind
    if "type" in question.meta:
        kind = question_type(question.meta["type"][1])
    answer = question.answer[1]
    if kind is None:
        kind = inferred_type(answer, choices)
    data["type"] = kind if isinstance(kind, str) else kind.value
    data["answer"] = answer_for(kind, answer, choices)
    if kind is QuestionType.TRUE_FALSE:
        choices = []
    if choices:
        data["choices"] = choices
    explanation = "\n".join(question.explanation[1]).strip() if question.explanation else ""
    if explanation:
        data["explanation"] = {locale: explanation}
    for name, (_, value) in question.meta.items():
        if name in ("tags", "enemies"):
            data[name] = tag_list(value)
        elif name == "normalise":
            data[name] = normaliser_list(value)
        elif name in ("difficulty", "time_limit_s"):
            data[name] = whole_number(value)
        elif name != "type":
            data[name] = value
    path = raw.add_question(data, question.line)
    raw.mark((*path, "prompt"), question.line, "stem")
    for index, (line, key, _) in enumerate(question.choices):
        raw.mark((*path, "choices", index), line, f"option {key.upper()}")
    raw.mark((*path, "answer"), question.answer[0], "answer")
    if question.explanation is not None:
        raw.mark((*path, "explanation"), question.explanation[0], "explanation")
    for name, (line, _) in question.meta.items():
        raw.mark((*path, name), line, name)
