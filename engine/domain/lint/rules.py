"""The lint rules: each reads the bank and returns what an examiner would query.

Texts are compared after the folding text answers get (NFKC, case, traditional →
simplified), so a leak written in the other script is still a leak. Chinese has no
spaces between words: similarity works on character shingles, and "contains" is a
substring test; in languages written with spaces (en, yue-jyutping) an answer must
be longer (``min_answer_chars_spaced``) before it counts.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from engine.domain.checking import fold_text
from engine.domain.hant import DEFAULT_CONVERSION, to_traditional
from engine.domain.lint.config import Finding, LintConfig
from engine.domain.lint.stats import chi_square_uniformity, poisson_binomial_sf
from engine.domain.questions import BankContent, Question, QuestionType

SPACED_LOCALES = frozenset({"en", "yue-jyutping"})
#: A year a law revision or a dated fact is pinned to: 1900-2099.
YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
#: Languages written with spaces show about three times as many characters per idea.
SPACED_LENGTH_FACTOR = 3


@dataclass(frozen=True)
class Raw:
    """A finding before its severity is looked up."""

    rule: str
    message: str
    question: str | None = None
    path: str = ""
    related: tuple[str, ...] = ()
    suggestions: dict[str, str] = field(default_factory=dict)


def lint_bank(
    bank: BankContent, config: LintConfig | None = None, conversion: str = DEFAULT_CONVERSION
) -> list[Finding]:
    """Every finding on the bank, bank-wide ones first, then item by item in bank order."""
    config = config or LintConfig()
    raws: list[Raw] = []
    for rule in RULES:
        raws += rule(bank, config, conversion)
    order = {q.key: i for i, q in enumerate(bank.questions)}
    raws.sort(key=lambda r: -1 if r.question is None else order[r.question])
    findings = []
    for raw in raws:
        severity = config.severity_of(raw.rule)
        if severity is not None:
            findings.append(Finding(severity=severity, **vars(raw)))
    return findings


Rule = Callable[[BankContent, LintConfig, str], list[Raw]]


def _where(bank: BankContent, key: str) -> str:
    return f"questions[{[q.key for q in bank.questions].index(key)}]"


def _letter(position: int) -> str:
    return chr(ord("A") + position) if position < 26 else str(position + 1)


def _of(bank: BankContent, kind: QuestionType) -> list[Question]:
    return [q for q in bank.questions if q.type is kind]


def _text(bank: BankContent, text: Mapping[str, str]) -> str:
    """The default-locale text of a localised mapping, folded."""
    return fold_text(text.get(bank.default_locale, ""))


# -- balance of the keys across the bank ----------------------------------------------


def answer_position(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    singles = _of(bank, QuestionType.SINGLE)
    if len(singles) < config.min_items:
        return []
    width = max(len(q.choices) for q in singles)
    observed = [0] * width
    expected = [0.0] * width
    for question in singles:
        observed[question.choice_keys().index(question.answer[0])] += 1
        for position in range(len(question.choices)):
            expected[position] += 1 / len(question.choices)
    statistic, p = chi_square_uniformity(observed, expected)
    if p >= config.alpha:
        return []
    spread = ", ".join(f"{_letter(i)} {n}" for i, n in enumerate(observed))
    return [
        Raw(
            "answer-position",
            f"the key's position is uneven over {len(singles)} single-choice items ({spread}; "
            f"expected {', '.join(f'{e:.1f}' for e in expected)}): chi-square "
            f"{statistic:.2f}, df {sum(e > 0 for e in expected) - 1}, p = {p:.4f}",
        )
    ]


def true_false_balance(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    items = _of(bank, QuestionType.TRUE_FALSE)
    if len(items) < config.min_items:
        return []
    trues = sum(1 for q in items if q.answer[0] is True)
    share = trues / len(items)
    if config.true_share_min <= share <= config.true_share_max:
        return []
    return [
        Raw(
            "true-false-balance",
            f"{trues} of {len(items)} true/false items are true ({share:.0%}); always answering "
            f"{'true' if share > 0.5 else 'false'} scores {max(share, 1 - share):.0%}; keep "
            f"the share of true between {config.true_share_min:.0%} and "
            f"{config.true_share_max:.0%}",
        )
    ]


def multiple_patterns(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    items = _of(bank, QuestionType.MULTIPLE)
    if len(items) < config.min_multiple:
        return []
    raws = []
    counts = {len(q.answer) for q in items}
    if len(counts) == 1:
        raws.append(
            Raw(
                "multiple-same-count",
                f"all {len(items)} multiple-select items have exactly {counts.pop()} correct "
                "options: a contestant who knows one fact can count the rest",
            )
        )
    width = max(len(q.choices) for q in items)
    for position in range(width):
        having = [q for q in items if position < len(q.choices)]
        always = len(having) >= config.min_multiple and all(
            q.choice_keys()[position] in q.answer for q in having
        )
        if always:
            raws.append(
                Raw(
                    "multiple-always-in",
                    f"option {_letter(position)} is correct in all {len(having)} "
                    "multiple-select items that have it",
                )
            )
    return raws


def longest_option(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    """Is the key the longest option more often than chance allows?"""
    chances, longest = [], []
    for question in _of(bank, QuestionType.SINGLE):
        lengths = [len(_text(bank, c.text)) for c in question.choices]
        top = max(lengths)
        if lengths.count(top) != 1:
            continue  # no unique longest option: nothing to give away
        chances.append(1 / len(lengths))
        if question.choice_keys()[lengths.index(top)] == question.answer[0]:
            longest.append(question.key)
    if len(chances) < config.min_items:
        return []
    p = poisson_binomial_sf(chances, len(longest))
    if p >= config.alpha:
        return []
    return [
        Raw(
            "longest-option",
            f"the key is the longest option in {len(longest)} of {len(chances)} single-choice "
            f"items (chance: {sum(chances):.1f}); p = {p:.4f}",
            related=tuple(longest),
        )
    ]


# -- one item at a time ---------------------------------------------------------------


def _shown_in(text: str, needle: str, locale: str, config: LintConfig) -> bool:
    shortest = (
        config.min_answer_chars_spaced if locale in SPACED_LOCALES else config.min_answer_chars
    )
    if len(needle) < shortest:
        return False
    if locale in SPACED_LOCALES:
        return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text) is not None
    # Chinese has no word boundaries, but numbers do: 2年 is not in 2012年.
    before = r"(?<!\d)" if needle[0].isdigit() else ""
    after = r"(?!\d)" if needle[-1].isdigit() else ""
    return re.search(before + re.escape(needle) + after, text) is not None


def answer_in_prompt(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    raws = []
    for index, question in enumerate(bank.questions):
        for locale, prompt in question.prompt.items():
            told = _told_answer(question, fold_text(prompt), locale, config)
            if told:
                raws.append(
                    Raw(
                        "answer-in-prompt",
                        f"the prompt ({locale}) contains the answer {told!r}",
                        question.key,
                        f"questions[{index}].prompt.{locale}",
                    )
                )
                break
    return raws


def _told_answer(question: Question, prompt: str, locale: str, config: LintConfig) -> str:
    """The answer text the prompt gives away, or ''."""
    if question.type is QuestionType.TEXT:
        return next(
            (
                str(a)
                for a in question.answer
                if _shown_in(prompt, fold_text(str(a)), locale, config)
            ),
            "",
        )
    if question.type not in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return ""
    shown = {
        c.key: _shown_in(prompt, fold_text(c.text.get(locale, "")), locale, config)
        for c in question.choices
    }
    keys_shown = [k for k in question.answer if shown[str(k)]]
    if keys_shown and not any(shown[k] for k in question.choice_keys() if k not in question.answer):
        choice = next(c for c in question.choices if c.key == keys_shown[0])
        return choice.text.get(locale, "")
    return ""


def long_texts(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    raws = []
    for index, question in enumerate(bank.questions):
        where = f"questions[{index}]"
        for locale, text in question.prompt.items():
            limit = config.max_prompt_chars * (
                SPACED_LENGTH_FACTOR if locale in SPACED_LOCALES else 1
            )
            if len(text) > limit:
                raws.append(
                    Raw(
                        "long-prompt",
                        f"the prompt ({locale}) has {len(text)} characters; a phone shows "
                        f"about {limit} comfortably",
                        question.key,
                        f"{where}.prompt.{locale}",
                    )
                )
        for c_index, choice in enumerate(question.choices):
            for locale, text in choice.text.items():
                factor = SPACED_LENGTH_FACTOR if locale in SPACED_LOCALES else 1
                if len(text) > config.max_option_chars * factor:
                    raws.append(
                        Raw(
                            "long-option",
                            f"option {choice.key} ({locale}) has {len(text)} characters; "
                            f"keep options under {config.max_option_chars * factor}",
                            question.key,
                            f"{where}.choices[{c_index}].text.{locale}",
                        )
                    )
    return raws


def unpinned(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    raws = []
    for index, question in enumerate(bank.questions):
        tags = [t for t in question.tags if t in config.pinned_tags]
        if not tags:
            continue
        texts = [*question.prompt.values(), *(question.explanation or {}).values()]
        if not any(YEAR.search(text) for text in texts):
            raws.append(
                Raw(
                    "unpinned",
                    f"tagged {tags[0]!r} but neither prompt nor explanation names a year or "
                    "revision (e.g. 2024年修订): the fact may change",
                    question.key,
                    f"questions[{index}].prompt",
                )
            )
    return raws


def missing_locales(bank: BankContent, config: LintConfig, conversion: str) -> list[Raw]:
    required = _required_locales(bank, config)
    raws = []
    for index, question in enumerate(bank.questions):
        for locale in required:
            paths = [
                path
                for path, text in _localised_fields(question, f"questions[{index}]")
                if locale not in text
            ]
            if not paths:
                continue
            suggestions = {}
            if locale == "zh-Hant":
                suggestions = {
                    f"{path}.zh-Hant": to_traditional(text["zh-Hans"], conversion)
                    for path, text in _localised_fields(question, f"questions[{index}]")
                    if path in paths and "zh-Hans" in text
                }
            raws.append(
                Raw(
                    "missing-locale",
                    f"no {locale} text in {', '.join(p.split('.', 1)[1] for p in paths)}"
                    + (f" (readers see the {conversion} conversion)" if suggestions else ""),
                    question.key,
                    f"{paths[0]}.{locale}",
                    suggestions=suggestions,
                )
            )
    return raws


def _required_locales(bank: BankContent, config: LintConfig) -> tuple[str, ...]:
    if config.locales is not None:
        return config.locales
    locales = list(bank.title)
    if "zh-Hans" in locales and "zh-Hant" not in locales:
        locales.append("zh-Hant")
    return tuple(locales)


def _localised_fields(question: Question, where: str) -> Iterator[tuple[str, Mapping[str, str]]]:
    yield f"{where}.prompt", question.prompt
    for index, choice in enumerate(question.choices):
        yield f"{where}.choices[{index}].text", choice.text
    if question.explanation is not None:
        yield f"{where}.explanation", question.explanation
    if question.media is not None:
        yield f"{where}.media.alt", question.media.alt


# -- items against each other ---------------------------------------------------------


def enemy_group_alone(bank: BankContent, _config: LintConfig, _: str) -> list[Raw]:
    return [
        Raw(
            "enemy-group-alone",
            f"enemy group {group!r} has no other member: a misspelt group name?",
            keys[0],
            f"{_where(bank, keys[0])}.enemies",
        )
        for group, keys in bank.enemy_groups().items()
        if len(keys) == 1
    ]


def enemy_candidates(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    """Item A shows item B's answer (prompt or explanation: a leak; options: a hint);
    A and B should be enemies unless they already are."""
    enemies = bank.enemies_of()
    raws: list[Raw] = []
    seen: set[tuple[str, str, str]] = set()
    for giver, taker, answer, place in _answer_sightings(bank, config):
        if taker in enemies.get(giver, ()) or (giver, taker, place) in seen:
            continue
        seen.add((giver, taker, place))
        rule = "enemy-candidate-option" if place == "choices" else "enemy-candidate"
        raws.append(
            Raw(
                rule,
                f"the {place} show {answer!r}, the answer of {taker}: "
                "make them enemies so they never share a paper",
                giver,
                f"{_where(bank, giver)}.{place}",
                related=(taker,),
            )
        )
    return raws


def _answer_sightings(bank: BankContent, config: LintConfig) -> Iterator[tuple[str, str, str, str]]:
    """(item showing it, item whose answer it is, the answer, where) for every sighting."""
    haystacks: dict[str, list[tuple[str, str, str]]] = {}  # locale -> (key, place, text)
    for question in bank.questions:
        places = [("prompt", question.prompt), ("explanation", question.explanation or {})]
        places += [("choices", c.text) for c in question.choices]
        for place, text in places:
            for locale, value in text.items():
                haystacks.setdefault(locale, []).append((question.key, place, fold_text(value)))
    index = {locale: _BigramIndex([t for _, _, t in stack]) for locale, stack in haystacks.items()}
    for question in bank.questions:
        for locales, answer in _answer_texts(question, tuple(index)):
            for locale in locales:
                for position in index[locale].containing(answer) if locale in index else ():
                    key, place, folded = haystacks[locale][position]
                    if key != question.key and _shown_in(folded, answer, locale, config):
                        yield key, question.key, answer, place


def _answer_texts(
    question: Question, every: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], str]]:
    """Each answer text with the locales to look for it in (a text answer: all)."""
    if question.type is QuestionType.TEXT:
        for answer in question.answer:
            yield every, fold_text(str(answer))
    elif question.type is QuestionType.SINGLE:
        # One key of a multiple-select item (广东 among 广东, 香港, 澳门) tells too little
        # to call every mention of it a leak.
        for choice in question.choices:
            if choice.key in question.answer:
                for locale, text in choice.text.items():
                    yield (locale,), fold_text(text)


class _BigramIndex:
    """Which texts hold every character pair of a needle (a prefilter for ``in``)."""

    def __init__(self, texts: list[str]) -> None:
        self._texts = texts
        self._postings: dict[str, set[int]] = {}
        for position, text in enumerate(texts):
            for gram in _grams(text, 2):
                self._postings.setdefault(gram, set()).add(position)

    def containing(self, needle: str) -> list[int]:
        grams = _grams(needle, 2)
        if not grams:
            return [i for i, text in enumerate(self._texts) if needle and needle in text]
        rarest = min(grams, key=lambda g: len(self._postings.get(g, ())))
        return sorted(i for i in self._postings.get(rarest, ()) if needle in self._texts[i])


def _grams(text: str, size: int) -> set[str]:
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def near_duplicates(bank: BankContent, config: LintConfig, _: str) -> list[Raw]:
    shingles = [_shingles(bank, q, config.shingle_size) for q in bank.questions]
    enemies = bank.enemies_of()
    raws = []
    for first, second, similarity in similar_pairs(shingles, config.duplicate_similarity):
        a, b = bank.questions[first], bank.questions[second]
        if a.key in enemies.get(b.key, ()):
            continue  # they never meet on a paper
        raws.append(
            Raw(
                "near-duplicate",
                f"{similarity:.0%} like {a.key} (character shingles of prompt and options): "
                "remove one or make them enemies",
                b.key,
                f"questions[{second}].prompt",
                related=(a.key,),
            )
        )
    return raws


def _shingles(bank: BankContent, question: Question, size: int) -> frozenset[str]:
    parts = [_text(bank, question.prompt), *(_text(bank, c.text) for c in question.choices)]
    text = "|".join("".join(ch for ch in part if ch.isalnum()) for part in parts)
    return frozenset(g for g in _grams(text, size) if "|" not in g)


def similar_pairs(sets: list[frozenset[str]], threshold: float) -> list[tuple[int, int, float]]:
    """Pairs (i < j) of sets with Jaccard similarity >= threshold, by prefix filtering:
    with tokens ordered rarest first, two such sets share a token within the first
    ``len - ceil(threshold * len) + 1`` tokens of each, so only those are indexed."""
    frequency = Counter(token for tokens in sets for token in tokens)
    index: dict[str, list[int]] = {}
    pairs = []
    for j, tokens in enumerate(sets):
        ordered = sorted(tokens, key=lambda t: (frequency[t], t))
        prefix = len(ordered) - math.ceil(threshold * len(ordered)) + 1
        candidates: set[int] = set()
        for token in ordered[:prefix]:
            candidates.update(index.setdefault(token, []))
            index[token].append(j)
        for i in sorted(candidates):
            similarity = len(sets[i] & tokens) / len(sets[i] | tokens)
            if similarity >= threshold:
                pairs.append((i, j, similarity))
    return pairs


RULES: tuple[Rule, ...] = (
    answer_position,
    true_false_balance,
    multiple_patterns,
    longest_option,
    answer_in_prompt,
    near_duplicates,
    enemy_candidates,
    enemy_group_alone,
    missing_locales,
    unpinned,
    long_texts,
)
