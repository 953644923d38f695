"""Per-question normalisers for text answers, on top of the folding every answer gets.

Every text answer is folded first (NFKC, which already turns full-width digits and
letters into ASCII, case folding, traditional → simplified, whitespace). An author may
then ask for more, in order, in the question's ``normalise`` list::

    normalise: ["strip_suffix:市", "digit_grouping", chinese_numerals]

Both the response and every accepted answer go through the same steps, so "广州" and
"广州市", or "1,852", "1852" and "一千八百五十二", meet in one form. Nothing here is
applied unless the question asks for it: a bank's meaning never changes under it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

Normaliser = Callable[[str], str]

#: Normaliser names that take no argument, with what they do (for messages and docs).
PLAIN = {
    "digit_grouping": "drops separators between digits: 1,852 / 1 852 / 1'852 -> 1852",
    "chinese_numerals": "reads Chinese numerals as digits: 一千八百五十二 / 两 -> 1852 / 2",
    "ignore_spaces": "drops every space: 南 昌 -> 南昌",
    "pinyin": "drops tone marks, tone digits, apostrophes and spaces: Nánchāng / nan2 chang1",
}
#: Normaliser names that take an argument after a colon, e.g. ``strip_suffix:市``.
WITH_ARGUMENT = {
    "strip_suffix": "removes the text at the end when present: 广州市 -> 广州",
    "strip_prefix": "removes the text at the start when present: 第三 -> 三",
}
#: Longest argument, so a normaliser cannot carry a whole answer.
MAX_ARGUMENT = 8

_GROUPED_DIGITS = re.compile(r"(?<=\d)[,'\u2009\u202f _](?=\d{3})")
_SPACES = re.compile(r"\s+")
_TONE_DIGIT = re.compile(r"(?<=[a-z])[1-5]")
_PINYIN_GAPS = re.compile(r"[\s'’-]+")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_RUN = re.compile(f"[{''.join(_DIGITS)}{''.join(_UNITS)}万]+")


class UnknownNormaliser(ValueError):
    """A ``normalise`` entry that names no normaliser, or lacks its argument."""


def parse(spec: str, fold: Normaliser = str) -> Normaliser:
    """The function a ``normalise`` entry names; :class:`UnknownNormaliser` says why not.

    An argument goes through ``fold`` (the folding answers get), so ``strip_suffix:縣``
    strips 县 from an answer already folded to simplified characters.
    """
    name, colon, argument = spec.partition(":")
    if name in PLAIN:
        if colon:
            raise UnknownNormaliser(f"{name!r} takes no argument")
        return _PLAIN_FUNCTIONS[name]
    if name in WITH_ARGUMENT:
        folded = fold(argument)
        if not folded or len(argument) > MAX_ARGUMENT:
            raise UnknownNormaliser(f"{name!r} needs text after the colon, at most {MAX_ARGUMENT}")
        return _with_argument(name, folded)
    known = ", ".join([*PLAIN, *(f"{n}:TEXT" for n in WITH_ARGUMENT)])
    raise UnknownNormaliser(f"unknown normaliser {spec!r}; known: {known}")


def pipeline(specs: Sequence[str], fold: Normaliser) -> Normaliser:
    """One function applying every normaliser in ``specs``, in order."""
    steps = [parse(spec, fold) for spec in specs]

    def run(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return run


def _with_argument(name: str, argument: str) -> Normaliser:
    # A space left between the answer and the unit goes with the unit: "1852 m".
    if name == "strip_suffix":
        return lambda text: text[: -len(argument)].rstrip() if text.endswith(argument) else text
    return lambda text: text[len(argument) :].lstrip() if text.startswith(argument) else text


def _digit_grouping(text: str) -> str:
    return _GROUPED_DIGITS.sub("", text)


def _ignore_spaces(text: str) -> str:
    return _SPACES.sub("", text)


def _pinyin(text: str) -> str:
    # ü is the one pinyin letter whose mark is not a tone: keep it apart, as "v".
    text = unicodedata.normalize("NFD", text).replace("u\u0308", "v").replace("u:", "v")
    bare = "".join(char for char in text if not unicodedata.combining(char))
    return _PINYIN_GAPS.sub("", _TONE_DIGIT.sub("", bare))


def _chinese_numerals(text: str) -> str:
    return _NUMERAL_RUN.sub(lambda match: str(_numeral_value(match.group())), text)


def _numeral_value(run: str) -> int:
    """一九四九 -> 1949 (digit by digit), 一千八百五十二 -> 1852, 十二 -> 12, 三万 -> 30000."""
    if not any(char in _UNITS or char == "万" for char in run):
        return int("".join(str(_DIGITS[char]) for char in run))
    total = section = digit = 0
    for char in run:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            section += (digit or 1) * _UNITS[char]
            digit = 0
        else:  # 万
            total = (total + section + digit) * 10_000
            section = digit = 0
    return total + section + digit


_PLAIN_FUNCTIONS: dict[str, Normaliser] = {
    "digit_grouping": _digit_grouping,
    "chinese_numerals": _chinese_numerals,
    "ignore_spaces": _ignore_spaces,
    "pinyin": _pinyin,
}
