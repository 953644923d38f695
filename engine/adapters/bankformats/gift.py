"""GIFT, Moodle's plain-text question format, in and out.

Read: multiple choice (``{=right ~wrong}`` single; ``{~%50%a ~%50%b ~c}`` multiple),
true/false (``{T}``, ``{FALSE}``), short answer (``{=a =b}``, a text question) and the
missing-word form (text after the block, read as a blank ``____``). ``####`` general
feedback is the explanation; ``\\~ \\= \\# \\{ \\} \\:`` and ``\\n`` are escapes.
Matching, numerical, essay and description questions, and partial credit, are problems
named by their line: Leitai has nothing to hold them. Per-answer ``#feedback`` is not
kept. Comment lines carry what GIFT lacks, as Moodle itself writes ``// [id:...]
[tag:...]``: Leitai adds ``[difficulty:2]``, ``[time:20]``, ``[source:...]``, an
``[enemy:...]`` per enemy group and a ``[normalise:...]`` per text normaliser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from engine.adapters.bankformats.exported import Exported, common_losses
from engine.adapters.bankformats.fields import LETTERS
from engine.adapters.bankformats.markup import plain_text
from engine.adapters.bankformats.raw import RawBank
from engine.domain.banks import KEY_RE
from engine.domain.questions import BankContent, Question, QuestionType

_SPECIAL = "~=#{}:"
#: Escaped characters stand as private-use characters while a question is parsed;
#: a doubled backslash is a backslash, so text may hold "\\n" or "\\~" literally.
_PROTECT = {f"\\{c}": chr(0xE000 + i) for i, c in enumerate("\\" + _SPECIAL)}
_RESTORE = {v: k[1] for k, v in _PROTECT.items()}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
_META = re.compile(r"\[(\w+):((?:[^\]\\]|\\.)*)\]")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE_FALSE = {"t": True, "true": True, "f": False, "false": False}


# -- reading ------------------------------------------------------------------------------


def read_gift(data: bytes, raw: RawBank) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raw.problem(line, f"not valid UTF-8 (byte {error.start})")
        return
    for line, body, meta in _blocks(text):
        _question(line, body, meta, raw)


def _blocks(text: str) -> Iterator[tuple[int, str, dict[str, list[str]]]]:
    """Questions separated by blank lines: (first line, text, comment metadata)."""
    lines: list[str] = []
    meta: dict[str, list[str]] = {}
    first = 0
    for number, line in enumerate([*text.splitlines(), ""], start=1):
        stripped = line.strip()
        if stripped.startswith("//"):
            for name, value in _META.findall(stripped):
                meta.setdefault(name.lower(), []).append(re.sub(r"\\(.)", r"\1", value))
        elif stripped.startswith("$CATEGORY:"):
            continue  # a Leitai bank is one category
        elif stripped:
            first = first or number
            lines.append(line)
        elif lines:
            yield first, "\n".join(lines), meta
            lines, meta, first = [], {}, 0


def _question(line: int, body: str, meta: dict[str, list[str]], raw: RawBank) -> None:
    text = body
    for escaped, placeholder in _PROTECT.items():
        text = text.replace(escaped, placeholder)
    text = text.replace("\\n", "\n")
    title = ""
    if text.lstrip().startswith("::"):
        title, _, text = text.lstrip()[2:].partition("::")
    opening = text.find("{")
    if opening < 0:
        raw.problem(line, "a description (no answer block {...}) is not a question")
        return
    closing = text.find("}", opening)
    if closing < 0:
        raw.problem(line, "the answer block has no closing '}'")
        return
    before, block, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]
    html = bool((marker := _FORMAT.match(before)) and marker.group(1).lower() == "html")
    before = _FORMAT.sub("", before)
    prompt = before.strip() + (f" ____ {after.strip()}" if after.strip() else "")
    block, _, feedback = block.partition("####")
    parsed = _answers(block.strip(), line, raw)
    if parsed is None:
        return
    question: dict[str, Any] = {"prompt": _restore(prompt, html), **parsed}
    question = _restored(question, html, raw.header.default_locale)
    if feedback.strip():
        question["explanation"] = {raw.header.default_locale: _restore(feedback, html)}
    key = (meta.get("id") or [_restore(title, False)])[0]
    # A title is often a phrase, not a key; an [id:] is meant as one, so the bank
    # rules say what is wrong with it.
    if "id" in meta or KEY_RE.fullmatch(key):
        question["key"] = key
    _apply_meta(question, meta)
    raw.add_question(question, line)


def _answers(block: str, line: int, raw: RawBank) -> dict[str, Any] | None:
    """type, choices and answer of an answer block; None (and a problem) if unsupported."""
    if not block:
        raw.problem(line, "an essay question ({}) is not supported")
        return None
    if block.startswith("#"):
        raw.problem(line, "a numerical question ({#...}) is not supported; use a text question")
        return None
    truth = _TRUE_FALSE.get(block.split("#")[0].strip().lower())
    if truth is not None:
        return {"type": QuestionType.TRUE_FALSE.value, "answer": [truth]}
    parts = re.findall(r"([=~])([^=~]*)", block)
    if not parts:
        raw.problem(line, f"cannot read the answer block {_restore(block, False)!r}")
        return None
    answers = []
    for sign, part in parts:
        part = part.split("#")[0]  # per-answer feedback is not kept
        if "->" in part:
            raw.problem(line, "a matching question (a -> b) is not supported")
            return None
        weight = _WEIGHT.match(part.strip())
        value = float(weight.group(1)) if weight else (100.0 if sign == "=" else 0.0)
        answers.append((sign, value, _WEIGHT.sub("", part.strip()).strip()))
    return _choice_answers(answers, line, raw)


def _choice_answers(
    answers: list[tuple[str, float, str]], line: int, raw: RawBank
) -> dict[str, Any] | None:
    if all(sign == "=" for sign, _, _ in answers):
        if any(value != 100 for _, value, _ in answers):
            raw.problem(line, "partial credit (%n%) for a short answer is not supported")
            return None
        return {"type": QuestionType.TEXT.value, "answer": [text for _, _, text in answers]}
    if len(answers) > len(LETTERS):
        raw.problem(line, f"{len(answers)} options: Leitai takes at most {len(LETTERS)}")
        return None
    choices = [{"key": LETTERS[i], "text": text} for i, (_, _, text) in enumerate(answers)]
    single = any(sign == "=" for sign, _, _ in answers)
    if single and any(sign == "~" and 0 < value < 100 for sign, value, _ in answers):
        raw.problem(line, "partial credit (%n%) in a single-choice question is not supported")
        return None
    right = [LETTERS[i] for i, (_, value, _) in enumerate(answers) if value > 0]
    kind = QuestionType.SINGLE if single else QuestionType.MULTIPLE
    return {"type": kind.value, "choices": choices, "answer": right}


def _restored(question: dict[str, Any], html: bool, locale: str) -> dict[str, Any]:
    """Placeholders back to characters; texts as a mapping of the one locale."""
    question["prompt"] = {locale: question["prompt"]}
    for choice in question.get("choices", []):
        choice["text"] = {locale: _restore(choice["text"], html)}
    if question["type"] == QuestionType.TEXT.value:
        question["answer"] = [_restore(item, html) for item in question["answer"]]
    return question


def _apply_meta(question: dict[str, Any], meta: dict[str, list[str]]) -> None:
    if "tag" in meta:
        question["tags"] = meta["tag"]
    if "difficulty" in meta:
        question["difficulty"] = _number(meta["difficulty"][0])
    if "time" in meta:
        question["time_limit_s"] = _number(meta["time"][0])
    if "source" in meta:
        question["source"] = meta["source"][0]
    if "enemy" in meta:
        question["enemies"] = meta["enemy"]
    if "normalise" in meta:
        question["normalise"] = meta["normalise"]


def _number(value: str) -> int | str:
    return int(value) if value.strip().isdigit() else value


def _restore(text: str, html: bool) -> str:
    for placeholder, character in _RESTORE.items():
        text = text.replace(placeholder, character)
    return plain_text(text) if html else text.strip()


# -- writing ------------------------------------------------------------------------------


def write_gift(content: BankContent) -> Exported:
    lost = common_losses(content, "GIFT", locales=1)
    out = []
    for question in content.questions:
        if question.type is QuestionType.ORDER:
            lost.append(f"{question.key}: left out (GIFT has no ordering question)")
            continue
        out.append(_write_question(question, content.default_locale))
    return Exported("\n".join(out).encode("utf-8"), tuple(lost))


def _write_question(question: Question, locale: str) -> str:
    meta = [f"[id:{question.key}]", *(f"[tag:{tag}]" for tag in question.tags)]
    meta.append(f"[difficulty:{question.difficulty}]")
    if question.time_limit_s is not None:
        meta.append(f"[time:{question.time_limit_s}]")
    meta += [f"[enemy:{group}]" for group in question.enemies]
    meta += [f"[normalise:{_meta_escape(spec)}]" for spec in question.normalise]
    lines = [f"// {' '.join(meta)}", f"// [source:{_meta_escape(question.source)}]"]
    lines.append(f"::{_escape(question.key)}::{_escape(question.prompt[locale])}{{")
    if question.type is QuestionType.TRUE_FALSE:
        lines.append(f"\t{'TRUE' if question.answer[0] is True else 'FALSE'}")
    elif question.type is QuestionType.TEXT:
        lines += [f"\t={_escape(str(item))}" for item in question.answer]
    else:
        lines += _choice_lines(question, locale)
    if question.explanation is not None and locale in question.explanation:
        lines.append(f"\t####{_escape(question.explanation[locale])}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _choice_lines(question: Question, locale: str) -> list[str]:
    right = set(question.answer)
    if question.type is QuestionType.SINGLE:
        return [
            f"\t{'=' if c.key in right else '~'}{_escape(c.text[locale])}" for c in question.choices
        ]
    weight = f"{100 / len(right):.5f}".rstrip("0").rstrip(".")
    return [
        f"\t~{f'%{weight}%' if c.key in right else ''}{_escape(c.text[locale])}"
        for c in question.choices
    ]


def _meta_escape(text: str) -> str:
    """A value inside a comment's ``[name:value]``: only ``\\`` and ``]`` escaped."""
    return text.replace("\\", "\\\\").replace("]", "\\]")


def _escape(text: str) -> str:
    for character in "\\" + _SPECIAL:
        text = text.replace(character, f"\\{character}")
    return text.replace("\n", "\\n")
