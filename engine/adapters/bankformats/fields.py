"""Reading the values authors type into sheets and documents, the same way everywhere.

Organisers write answers as "A,C", "A；C", "AC" or "A、C", true/false as 正确/错误,
对/错, √/×, and question types in Chinese or as Leitai's codes. A value that cannot be
read is passed through unchanged, so the bank rules name it where it was written.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from engine.domain.questions import QuestionType

#: Question types as organisers name them; NFKC-folded and lowercased before lookup.
TYPE_NAMES: dict[str, QuestionType] = {
    **{t.value: t for t in QuestionType},
    "单选": QuestionType.SINGLE,
    "单选题": QuestionType.SINGLE,
    "单项选择": QuestionType.SINGLE,
    "单项选择题": QuestionType.SINGLE,
    "多选": QuestionType.MULTIPLE,
    "多选题": QuestionType.MULTIPLE,
    "多项选择": QuestionType.MULTIPLE,
    "多项选择题": QuestionType.MULTIPLE,
    "判断": QuestionType.TRUE_FALSE,
    "判断题": QuestionType.TRUE_FALSE,
    "填空": QuestionType.TEXT,
    "填空题": QuestionType.TEXT,
    "排序": QuestionType.ORDER,
    "排序题": QuestionType.ORDER,
}
#: How an exported sheet or document names each type.
TYPE_LABELS: dict[QuestionType, str] = {
    QuestionType.SINGLE: "单选",
    QuestionType.MULTIPLE: "多选",
    QuestionType.TRUE_FALSE: "判断",
    QuestionType.TEXT: "填空",
    QuestionType.ORDER: "排序",
}
TRUE_WORDS = frozenset({"正确", "对", "是", "√", "✓", "✔", "true", "t", "yes", "y"})
FALSE_WORDS = frozenset({"错误", "错", "否", "×", "✗", "✘", "x", "false", "f", "no", "n"})
#: Choice letters a sheet or document can hold: A to H.
LETTERS = "abcdefgh"
_NUMBERS = frozenset("12345678")

_LIST_SEPARATORS = re.compile(r"[,;、.。\s]+")
#: Only a bar separates accepted answers: "1,852" and "A; B" are answers themselves.
_ACCEPTED_SEPARATORS = re.compile(r"[|｜]")
#: Normalisers are separated as a list is, but a space may stand inside one's text.
_NORMALISER_SEPARATORS = re.compile(r"[|｜,，;；、\n]")


def fold(text: str) -> str:
    """Full-width punctuation and letters made plain (NFKC), trimmed, lowercased."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def question_type(value: str) -> QuestionType | str:
    return TYPE_NAMES.get(fold(value).replace(" ", ""), value)


def truth(value: Any) -> bool | Any:
    """True or false as written (正确/对/√/true...), or the value itself if neither."""
    if isinstance(value, bool):
        return value
    word = fold(str(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return value


def letters(value: str) -> list[str]:
    """Choice keys from "A,C", "A；C", "A、C" or "AC": lowercase letters, in order."""
    items = [item for item in _LIST_SEPARATORS.split(fold(value)) if item]
    if len(items) == 1 and items[0].isalpha() and items[0].isascii():
        return list(items[0])
    return items


def accepted(value: str) -> list[str]:
    """The accepted answers of a text question, as written: "南昌 | 南昌市 | Nanchang"."""
    return [item.strip() for item in _ACCEPTED_SEPARATORS.split(value) if item.strip()]


def tag_list(value: str) -> list[str]:
    return [item for item in _LIST_SEPARATORS.split(fold(value)) if item]


def normaliser_list(value: str) -> list[str]:
    """A text question's normalisers as written: "digit_grouping, strip_suffix:市"."""
    return [item.strip() for item in _NORMALISER_SEPARATORS.split(value) if item.strip()]


def whole_number(value: Any) -> int | Any:
    """An integer from a number cell or digits ("20", "20.0", "２０"); else the value."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = fold(value).removesuffix("秒").removesuffix("s").strip()
        if text.isdigit():
            return int(text)
    return value


def answer_for(kind: QuestionType | str, value: Any, choices: list[dict[str, Any]]) -> list:
    """The answer list of a question of ``kind``, as Leitai's bank format holds it.

    A true/false question written with options (A. 正确 / B. 错误) and a letter answer
    is read through its options; the options are then dropped by the caller.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number cell: 2.0 means option 2, 1852.0 the answer 1852
    text = value if isinstance(value, str) else "" if value is None else str(value)
    if kind is QuestionType.TRUE_FALSE:
        found = truth(value)
        if not isinstance(found, bool) and choices:
            keys = letters(text)
            chosen = [c for c in choices if keys and c["key"] == keys[0]]
            if len(keys) == 1 and chosen:
                found = truth(next(iter(chosen[0]["text"].values())))
        return [found]
    if kind is QuestionType.TEXT:
        return accepted(text)
    keys = letters(text)
    if keys and all(key in _NUMBERS for key in keys):  # "2" or "1,3": options by number
        return [LETTERS[int(key) - 1] for key in keys]
    return keys


def inferred_type(answer: Any, choices: list[dict[str, Any]]) -> QuestionType:
    """The type an untyped question has: 正确/错误 true/false, several letters multiple,
    one letter single, words without options a text question."""
    text = "" if answer is None else str(answer)
    if isinstance(truth(answer), bool) and not (choices and fold(text) in LETTERS):
        return QuestionType.TRUE_FALSE
    if not choices:
        return QuestionType.TEXT
    keys = answer_for(QuestionType.MULTIPLE, text, choices)
    return QuestionType.MULTIPLE if len(keys) > 1 else QuestionType.SINGLE
