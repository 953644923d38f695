"""Answer checking: is a response right, and how much credit does it earn?

Credit is an exact :class:`fractions.Fraction` in [0, 1] so that scoring can multiply
points without rounding twice; ``float(verdict.credit)`` is fine for storage.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import opencc

from engine.domain.normalising import Normaliser, pipeline
from engine.domain.questions import Question, QuestionType

#: Longest text response accepted, in characters as received.
MAX_TEXT_LENGTH = 200

Response = str | bool | tuple[str, ...]


class InvalidResponse(ValueError):
    """A response of the wrong shape for its question; nothing is scored."""


@dataclass(frozen=True)
class Verdict:
    """``correct`` means fully correct; ``normalized`` is the response as stored."""

    correct: bool
    credit: Fraction
    normalized: Response


def check_answer(question: Question, response: object, *, partial_credit: bool = False) -> Verdict:
    """Judge ``response`` against ``question``.

    Response shapes: single, a choice key; multiple, a list of distinct keys (order
    irrelevant); true_false, a bool; text, a string; order, every choice key once.
    ``partial_credit`` matters for multiple and order only.
    """
    match question.type:
        case QuestionType.SINGLE:
            return _check_single(question, response)
        case QuestionType.MULTIPLE:
            return _check_multiple(question, response, partial_credit)
        case QuestionType.TRUE_FALSE:
            return _check_true_false(question, response)
        case QuestionType.TEXT:
            return _check_text(question, response)
        case QuestionType.ORDER:
            return _check_order(question, response, partial_credit)
    raise AssertionError(f"unhandled question type {question.type!r}")


def fold_text(text: str) -> str:
    """The form in which text answers are compared (before a question's own normalisers).

    NFKC (which also turns full-width forms into half-width), case folding,
    traditional → simplified Chinese (OpenCC ``t2s``), inner whitespace collapsed to
    one space, and punctuation/separators (Unicode P*, Z*) trimmed from both ends.
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = unicodedata.normalize("NFKC", folded.casefold())
    folded = _traditional_to_simplified().convert(folded)
    folded = " ".join(folded.split())
    return _trim(folded)


def _all_or_nothing(correct: bool, normalized: Response) -> Verdict:
    return Verdict(correct, Fraction(int(correct)), normalized)


def _check_single(question: Question, response: object) -> Verdict:
    if not isinstance(response, str):
        raise InvalidResponse(f"question {question.key} expects one choice key (a string)")
    _require_known_keys(question, (response,))
    return _all_or_nothing(response == question.answer[0], response)


def _check_multiple(question: Question, response: object, partial_credit: bool) -> Verdict:
    picks = _key_list(question, response)
    if len(set(picks)) != len(picks):
        raise InvalidResponse(f"question {question.key}: a choice key is picked more than once")
    _require_known_keys(question, picks)
    # Stored in the question's choice order, so equal selections are stored equally.
    normalized = tuple(key for key in question.choice_keys() if key in picks)
    right = set(question.answer)
    correct = set(picks) == right
    if correct or not partial_credit:
        return _all_or_nothing(correct, normalized)
    right_picks = len(right.intersection(picks))
    wrong_picks = len(picks) - right_picks
    return Verdict(False, Fraction(max(0, right_picks - wrong_picks), len(right)), normalized)


def _check_true_false(question: Question, response: object) -> Verdict:
    if not isinstance(response, bool):
        raise InvalidResponse(f"question {question.key} expects true or false (a boolean)")
    return _all_or_nothing(response is question.answer[0], response)


def _check_text(question: Question, response: object) -> Verdict:
    if not isinstance(response, str):
        raise InvalidResponse(f"question {question.key} expects a text answer (a string)")
    if len(response) > MAX_TEXT_LENGTH:
        raise InvalidResponse(
            f"question {question.key}: the answer is {len(response)} characters long, "
            f"more than {MAX_TEXT_LENGTH}"
        )
    folded = _normaliser(question.normalise)(fold_text(response))
    return _all_or_nothing(folded in _accepted_texts(question.answer, question.normalise), folded)


def _check_order(question: Question, response: object, partial_credit: bool) -> Verdict:
    ordered = _key_list(question, response)
    _require_known_keys(question, ordered)
    if sorted(ordered) != sorted(question.choice_keys()):
        raise InvalidResponse(f"question {question.key} expects every choice key exactly once")
    correct = ordered == tuple(question.answer)
    if correct or not partial_credit or len(ordered) < 2:
        return _all_or_nothing(correct, ordered)
    rank = {key: position for position, key in enumerate(question.answer)}
    pairs = list(combinations(ordered, 2))
    concordant = sum(1 for first, second in pairs if rank[first] < rank[second])
    return Verdict(False, Fraction(concordant, len(pairs)), ordered)


def _key_list(question: Question, response: object) -> tuple[str, ...]:
    # A bare string is a Sequence too; it must not be read as a list of one-letter keys.
    if isinstance(response, str) or not isinstance(response, Sequence):
        raise InvalidResponse(f"question {question.key} expects a list of choice keys")
    if not all(isinstance(key, str) for key in response):
        raise InvalidResponse(f"question {question.key}: every choice key must be a string")
    return tuple(response)


def _require_known_keys(question: Question, keys: Sequence[str]) -> None:
    known = set(question.choice_keys())
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise InvalidResponse(
            f"question {question.key} has no choice {unknown[0]!r}; "
            f"its choices are {', '.join(question.choice_keys())}"
        )


@functools.lru_cache(maxsize=4096)
def _accepted_texts(answers: tuple[str | bool, ...], normalise: tuple[str, ...]) -> frozenset[str]:
    # Folding runs OpenCC; a live question is checked once per contestant.
    steps = _normaliser(normalise)
    return frozenset(steps(fold_text(str(answer))) for answer in answers)


@functools.lru_cache(maxsize=1024)
def _normaliser(specs: tuple[str, ...]) -> Normaliser:
    """The question's own normalisers (validated with the bank), built once."""
    return pipeline(specs, fold_text)


def _trim(text: str) -> str:
    def trimmable(char: str) -> bool:
        return unicodedata.category(char)[0] in "PZ"

    start, end = 0, len(text)
    while start < end and trimmable(text[start]):
        start += 1
    while end > start and trimmable(text[end - 1]):
        end -= 1
    return text[start:end]


@functools.cache
def _traditional_to_simplified() -> opencc.OpenCC:
    # Loading the dictionaries takes a while; do it once, on first use.
    return opencc.OpenCC("t2s")
