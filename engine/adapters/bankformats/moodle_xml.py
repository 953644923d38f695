"""Moodle XML (``<quiz><question type="...">``), in and out.

Read: ``multichoice`` (single or multiple), ``truefalse``, ``shortanswer`` (a text
question) and ``ordering`` (each answer's ``fraction`` is its place in the right order;
Moodle writes them in that order, and so does the export, since Moodle's import takes
the order of the document); ``category``
entries are skipped. Any other type (matching, numerical, essay, cloze...) and partial
credit are problems at the question's line. The key is ``<idnumber>``, else ``<name>``
when it is a valid key; ``<generalfeedback>`` is the explanation; ``<tags>`` the tags;
Moodle's multilang spans carry several locales. A DOCTYPE (and so any entity) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat
from xml.sax.saxutils import escape

from engine.adapters.bankformats.exported import Exported, common_losses
from engine.adapters.bankformats.fields import LETTERS
from engine.adapters.bankformats.markup import localized_text, to_html
from engine.adapters.bankformats.raw import RawBank
from engine.domain.banks import KEY_RE
from engine.domain.questions import BankContent, LocalizedText, Question, QuestionType

SUPPORTED = {
    "multichoice": None,
    "truefalse": QuestionType.TRUE_FALSE,
    "shortanswer": QuestionType.TEXT,
    "ordering": QuestionType.ORDER,
}


@dataclass
class _Element:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> _Element | None:
        return next((child for child in self.children if child.tag == tag), None)

    def all(self, tag: str) -> list[_Element]:
        return [child for child in self.children if child.tag == tag]

    def value(self, tag: str) -> str:
        """The text of ``<tag><text>...</text></tag>`` (or of ``<tag>`` itself)."""
        found = self.find(tag)
        if found is None:
            return ""
        inner = found.find("text")
        return (inner if inner is not None else found).text.strip()


class _Refused(Exception):
    pass


def _parse(data: bytes) -> _Element:
    parser = expat.ParserCreate()
    root = _Element("", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = _Element(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(element)
        stack.append(element)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        stack[-1].text += data

    def doctype(*_: Any) -> None:
        raise _Refused("a DOCTYPE is not allowed in a Moodle XML file")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.Parse(data, True)
    return root


# -- reading ------------------------------------------------------------------------------


def read_moodle_xml(data: bytes, raw: RawBank) -> None:
    try:
        document = _parse(data)
    except expat.ExpatError as error:
        raw.problem(error.lineno, f"XML error: {expat.ErrorString(error.code)}")
        return
    except _Refused as error:
        raw.problem(None, str(error))
        return
    quiz = document.find("quiz")
    if quiz is None:
        raw.problem(1, "not Moodle XML: the root element must be <quiz>")
        return
    for element in quiz.all("question"):
        kind = element.attrs.get("type", "")
        if kind == "category":
            continue
        if kind not in SUPPORTED:
            raw.problem(element.line, f"question type {kind!r} is not supported by Leitai")
            continue
        _question(element, kind, raw)


def _question(element: _Element, kind: str, raw: RawBank) -> None:
    locale = raw.header.default_locale
    answers = element.all("answer")
    if kind in ("multichoice", "ordering") and len(answers) > len(LETTERS):
        raw.problem(element.line, f"{len(answers)} answers: Leitai takes at most {len(LETTERS)}")
        return
    if kind == "multichoice":
        single = element.value("single").lower() in ("true", "1")
        found = _choices(answers, single, element.line, raw)
    elif kind == "truefalse":
        right = [a.value("text").lower() for a in answers if _fraction(a) == 100]
        found = {"type": "true_false", "answer": [right == ["true"]] if right else []}
    elif kind == "shortanswer":
        found = _accepted(answers, element.line, raw)
    else:
        choices = _texts(answers, locale)
        order = sorted(range(len(answers)), key=lambda i: _fraction(answers[i]))
        found = {"type": "order", "choices": choices, "answer": [LETTERS[i] for i in order]}
    if found is None:
        return
    text = element.find("questiontext")
    question: dict[str, Any] = {"prompt": _localized(text, locale), **found}
    explanation = _localized(element.find("generalfeedback"), locale)
    if any(explanation.values()):
        question["explanation"] = explanation
    key = element.value("idnumber") or element.value("name")
    if element.value("idnumber") or KEY_RE.fullmatch(key):  # a name is often a phrase
        question["key"] = key
    tags = element.find("tags")
    if tags is not None:
        question["tags"] = [tag.value("text") for tag in tags.all("tag")]
    path = raw.add_question(question, element.line)
    for index, answer in enumerate(answers):
        raw.mark((*path, "choices", index), answer.line, f"answer {index + 1}")


def _choices(
    answers: list[_Element], single: bool, line: int, raw: RawBank
) -> dict[str, Any] | None:
    fractions = [_fraction(answer) for answer in answers]
    if single and any(0 < value < 100 for value in fractions):
        raw.problem(line, "partial credit in a single-choice question is not supported")
        return None
    right = [LETTERS[i] for i, value in enumerate(fractions) if value > 0]
    choices = _texts(answers, raw.header.default_locale)
    return {"type": "single" if single else "multiple", "choices": choices, "answer": right}


def _accepted(answers: list[_Element], line: int, raw: RawBank) -> dict[str, Any] | None:
    if any(0 < _fraction(answer) < 100 for answer in answers):
        raw.problem(line, "partial credit for a short answer is not supported")
        return None
    right = [a.value("text") for a in answers if _fraction(a) == 100]
    return {"type": "text", "answer": right}


def _texts(answers: list[_Element], locale: str) -> list[dict[str, Any]]:
    return [
        {"key": LETTERS[i], "text": _localized(answer, locale)} for i, answer in enumerate(answers)
    ]


def _localized(element: _Element | None, locale: str) -> dict[str, str]:
    if element is None:
        return {}
    inner = element.find("text")
    markup = (inner if inner is not None else element).text
    if element.attrs.get("format", "html") in ("html", "moodle_auto_format"):
        return localized_text(markup, locale)
    return {locale: markup.strip()}


def _fraction(answer: _Element) -> float:
    try:
        return float(answer.attrs.get("fraction", "0"))
    except ValueError:
        return 0.0


# -- writing ------------------------------------------------------------------------------


def write_moodle_xml(content: BankContent) -> Exported:
    lost = common_losses(content, "Moodle XML", locales=None)
    lost.append("difficulty, source and time limits (Moodle XML has no such fields)")
    # Left out, they would let a re-imported bank draw one item with its give-away.
    if keys := [q.key for q in content.questions if q.enemies or q.normalise]:
        missing = "enemy groups or normalisers (Moodle XML has no such fields)"
        lost.append(f"{', '.join(keys)}: {missing}")
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"]
    out += [_write_question(question) for question in content.questions]
    out.append("</quiz>\n")
    return Exported("\n".join(out).encode("utf-8"), tuple(lost))


def _write_question(question: Question) -> str:
    kind = {v: k for k, v in SUPPORTED.items() if v}.get(question.type, "multichoice")
    lines = [
        f'  <question type="{kind}">',
        f"    <name><text>{escape(question.key)}</text></name>",
        f'    <questiontext format="html">{_text(question.prompt)}</questiontext>',
    ]
    if question.explanation is not None:
        explanation = _text(question.explanation)
        lines.append(f'    <generalfeedback format="html">{explanation}</generalfeedback>')
    lines.append("    <defaultgrade>1</defaultgrade>")
    lines.append(f"    <idnumber>{escape(question.key)}</idnumber>")
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        single = question.type is QuestionType.SINGLE
        lines += [f"    <single>{'true' if single else 'false'}</single>"]
        lines += [
            "    <shuffleanswers>0</shuffleanswers>",
            "    <answernumbering>ABCD</answernumbering>",
        ]
    for fraction, text in _answers(question):
        kind = "html" if question.choices else "moodle_auto_format"
        lines.append(f'    <answer fraction="{fraction}" format="{kind}">{text}</answer>')
    if question.tags:
        tags = "".join(f"<tag><text>{escape(tag)}</text></tag>" for tag in question.tags)
        lines.append(f"    <tags>{tags}</tags>")
    lines.append("  </question>")
    return "\n".join(lines)


def _answers(question: Question) -> list[tuple[str, str]]:
    if question.type is QuestionType.TRUE_FALSE:
        true = question.answer[0] is True
        return [
            ("100" if true else "0", _plain("true")),
            ("0" if true else "100", _plain("false")),
        ]
    if question.type is QuestionType.TEXT:
        return [("100", _plain(str(item))) for item in question.answer]
    if question.type is QuestionType.ORDER:
        # As Moodle writes them: in the right order, each fraction its place.
        text = {choice.key: choice.text for choice in question.choices}
        return [(str(place), _text(text[str(key)])) for place, key in enumerate(question.answer, 1)]
    right = set(question.answer)
    share = f"{100 / max(len(right), 1):.5f}".rstrip("0").rstrip(".")
    credit = "100" if question.type is QuestionType.SINGLE else share
    return [(credit if c.key in right else "0", _text(c.text)) for c in question.choices]


def _text(text: LocalizedText) -> str:
    return f"<text>{escape(to_html(dict(text)))}</text>"


def _plain(text: str) -> str:
    return f"<text>{escape(text)}</text>"
