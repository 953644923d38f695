"""What an exporter gives back: the file, and what the format could not carry."""

from __future__ import annotations

from dataclasses import dataclass

from engine.adapters.bankformats.fields import LETTERS
from engine.domain.questions import BankContent, Question


@dataclass(frozen=True)
class Exported:
    data: bytes
    #: One line per thing left out, e.g. "nd-0007: media (xlsx carries no media)".
    lost: tuple[str, ...]


def lettered(question: Question) -> bool:
    """Whether the choice keys are a, b, c... in order, as a sheet or GIFT names them."""
    return question.choice_keys() == tuple(LETTERS[: len(question.choices)])


def common_losses(content: BankContent, fmt: str, locales: int | None) -> list[str]:
    """Media, renamed choice keys and (when ``locales`` is 1) other locales' text."""
    lost = []
    for question in content.questions:
        if question.media is not None:
            lost.append(f"{question.key}: media ({fmt} carries no media)")
        if question.choices and not lettered(question):
            lost.append(f"{question.key}: choice keys become a, b, c... ({fmt} has no keys)")
    if locales == 1:
        others = sorted(_locales(content) - {content.default_locale})
        if others:
            lost.append(f"text in {', '.join(others)} ({fmt} carries one locale)")
    return lost


def _locales(content: BankContent) -> set[str]:
    found = set(content.title)
    for question in content.questions:
        texts = [question.prompt, question.explanation or {}]
        texts += [choice.text for choice in question.choices]
        for text in texts:
            found |= set(text)
    return found
