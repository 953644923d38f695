"""Traditional Chinese for readers in Hong Kong, Macau and Taiwan when a bank has none.

Authors often write only Simplified Chinese. Rather than show Simplified text to a
reader who chose zh-Hant, Leitai serves the OpenCC conversion: ``s2hk`` (Hong Kong
variants and wording, right for Guangdong's neighbours) by default, ``s2twp`` (Taiwan,
with phrases) or plain ``s2t`` when configured. What the author wrote always wins.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import replace

import opencc

from engine.domain.questions import BankContent, LocalizedText, Question, localized

#: OpenCC configurations a deployment may choose for zh-Hant.
CONVERSIONS = ("s2hk", "s2twp", "s2t")
DEFAULT_CONVERSION = "s2hk"


def to_traditional(text: str, conversion: str = DEFAULT_CONVERSION) -> str:
    converted: str = _converter(conversion).convert(text)
    return converted


def with_traditional(
    text: Mapping[str, str], conversion: str = DEFAULT_CONVERSION
) -> tuple[dict[str, str], bool]:
    """The text with zh-Hant filled from zh-Hans when the author gave none, and whether
    it was filled (so an author's view can mark the text as converted)."""
    filled = dict(text)
    if "zh-Hant" in filled or "zh-Hans" not in filled:
        return filled, False
    filled["zh-Hant"] = to_traditional(filled["zh-Hans"], conversion)
    return filled, True


@functools.cache
def _converter(conversion: str) -> opencc.OpenCC:
    if conversion not in CONVERSIONS:
        raise ValueError(f"zh-Hant conversion must be one of {', '.join(CONVERSIONS)}")
    return opencc.OpenCC(conversion)


def with_traditional_bank(
    content: BankContent, conversion: str = DEFAULT_CONVERSION
) -> BankContent:
    """The bank as readers get it: zh-Hant filled wherever the author gave only zh-Hans.
    Answers are untouched (text answers are compared after folding scripts anyway)."""
    return replace(content, questions=tuple(_filled(q, conversion) for q in content.questions))


def _filled(question: Question, conversion: str) -> Question:
    def fill(text: Mapping[str, str]) -> LocalizedText:
        return localized(with_traditional(text, conversion)[0])

    return replace(
        question,
        prompt=fill(question.prompt),
        choices=tuple(replace(choice, text=fill(choice.text)) for choice in question.choices),
        explanation=None if question.explanation is None else fill(question.explanation),
        media=None
        if question.media is None
        else replace(question.media, alt=fill(question.media.alt)),
    )
