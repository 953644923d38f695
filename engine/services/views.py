"""What a contestant is shown of a question: the prompt, the choices in the order their
paper shows them, the media by content address — and never the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.domain.drawing import Paper
from engine.domain.questions import Question


def question_view(
    question: Question, paper: Paper, index: int, total: int, media_url: Callable[[str], str]
) -> dict[str, Any]:
    media = None
    if question.media is not None and question.media.sha256:
        media = {
            "kind": question.media.kind.value,
            "url": media_url(question.media.sha256),
            "alt": dict(question.media.alt),
        }
    return {
        "key": question.key,
        "index": index,
        "total": total,
        "type": question.type.value,
        "prompt": dict(question.prompt),
        "choices": [
            {"key": choice.key, "text": dict(choice.text)}
            for choice in paper.displayed_choices(question)
        ],
        "media": media,
    }
