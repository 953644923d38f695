"""Aiken, Moodle's simplest format: single-choice questions only.

::

    What is the capital of France?
    A. Berlin
    B) Paris
    ANSWER: B

The question is the text before its first option; a blank line may separate questions.
"""

from __future__ import annotations

import re

from engine.adapters.bankformats.raw import RawBank
from engine.adapters.bankformats.text import decode

_OPTION = re.compile(r"^([A-Z])\s*[.)]\s+(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$")


def read_aiken(data: bytes, raw: RawBank) -> None:
    text = decode(data, raw)
    if text is None:
        return
    locale = raw.header.default_locale
    stem: list[str] = []
    start = 0
    options: list[tuple[int, str, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if answer := _ANSWER.match(line):
            if not stem or len(options) < 2:
                raw.problem(number, "ANSWER: needs a question and at least two options before it")
            else:
                choices = [{"key": key, "text": {locale: text}} for _, key, text in options]
                question = {
                    "type": "single",
                    "prompt": {locale: " ".join(stem)},
                    "choices": choices,
                    "answer": [answer.group(1).strip().lower()],
                }
                path = raw.add_question(question, start)
                for index, (line_number, key, _) in enumerate(options):
                    raw.mark((*path, "choices", index), line_number, f"option {key.upper()}")
                raw.mark((*path, "answer"), number, "ANSWER")
            stem, options = [], []
        elif (option := _OPTION.match(line)) and stem:
            options.append((number, option.group(1).lower(), option.group(2).strip()))
        elif options:
            raw.problem(number, f"expected an option or ANSWER:, not {line!r}")
        else:
            start = start if stem else number
            stem.append(line)
    if stem:
        raw.problem(start, "the last question has no ANSWER: line")
