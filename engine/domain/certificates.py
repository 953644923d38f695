"""Certificates: which contestants earn which certificate from a round's final standings,
and the unguessable serial numbers that name issued certificates.

A plan lists templates in order. Each template has a rule (a score threshold, a rank
limit on a board, or participation) and a ``group``: within a group a contestant gets
only the first template they earn, so award levels (一等奖, 二等奖, 三等奖) are one group
ordered from the highest, and a participation certificate is a group of its own.
Banned contestants earn nothing.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import opencc

from engine.domain.attempts import Attempt, AttemptRule, stage_standings

LOCALES = ("zh-Hans", "zh-Hant", "en")
KINDS = ("score", "rank", "participation")
#: The boards a rank rule may name: a round's, and a campaign stage's.
SCOPES = ("all", "region", "team")
CAMPAIGN_SCOPES = ("all", "city", "unit")
_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
MAX_TEMPLATES = 20
MAX_TEXT = 200

#: Crockford's base32 (no I, L, O, U: nothing to misread when typed from paper).
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 15 random symbols (75 bits) and one check symbol.
SERIAL_RANDOM = 15
SERIAL_LENGTH = SERIAL_RANDOM + 1


class CertificatePlanError(ValueError):
    """A plan that cannot be used; ``fields`` maps each bad path to what is wrong."""

    def __init__(self, fields: Mapping[str, list[str]]) -> None:
        super().__init__("The certificate plan has invalid fields.")
        self.fields = dict(fields)


@dataclass(frozen=True)
class Rule:
    kind: str  # score | rank | participation
    threshold: int | None = None  # score: points >= threshold
    top: int | None = None  # rank: rank on the scope's board <= top
    scope: str = "all"  # rank: all, or each region's / team's own board

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind}
        if self.kind == "score":
            data["threshold"] = self.threshold
        if self.kind == "rank":
            data.update(top=self.top, scope=self.scope)
        return data


@dataclass(frozen=True)
class Template:
    key: str
    group: str
    rule: Rule
    award: dict[str, str]  # localised: 一等奖 / First prize
    title: dict[str, str]  # 荣誉证书 / Certificate of Achievement
    issuer: dict[str, str]
    date: str | None  # ISO date printed on it; None: the day it is issued
    seal: str | None  # SHA-256 of a picture in the media store

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "group": self.group,
            "rule": self.rule.to_dict(),
            "award": self.award,
            "title": self.title,
            "issuer": self.issuer,
            "date": self.date,
            "seal": self.seal,
        }


@dataclass(frozen=True)
class CertificatePlan:
    templates: tuple[Template, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"templates": [template.to_dict() for template in self.templates]}


@dataclass(frozen=True)
class Standing:
    """A contestant's final standing, as the certificate rules read it."""

    contestant: str
    nickname: str
    rank: int | None  # None: banned
    points: int
    region: str | None = None
    team: str | None = None
    city: str | None = None  # a campaign registration's city (GB/T 2260 code)
    unit: str | None = None  # a campaign registration's own unit


@dataclass(frozen=True)
class Award:
    standing: Standing
    template: Template
    rank: int | None  # on the rule's board (rank rules), else the overall rank


@dataclass(frozen=True)
class Registered:
    """What a campaign's certificate rules read of a registration: the display name its
    certificates carry, and the boards (city, unit) it is ranked on."""

    nickname: str
    city: str | None
    unit: str | None


def campaign_standings(
    rule: AttemptRule,
    histories: Mapping[str, Sequence[Attempt]],
    registered: Mapping[str, Registered],
) -> list[Standing]:
    """A campaign stage's standings as certificate rules read them: each registration
    with a counted score under the stage's attempt rule, ranked as boards rank (more
    points, then less total time; an exact tie shares a rank), on its city's and unit's
    board."""
    return [
        Standing(
            ranked.contestant,
            registered[ranked.contestant].nickname,
            ranked.rank,
            ranked.points,
            city=registered[ranked.contestant].city,
            unit=registered[ranked.contestant].unit,
        )
        for ranked in stage_standings(rule, histories)
    ]


def parse_plan(data: Any, scopes: tuple[str, ...] = SCOPES) -> CertificatePlan:
    """A plan from its JSON shape, or CertificatePlanError naming every bad field; rank
    rules may name the boards in ``scopes`` (a round's, or ``CAMPAIGN_SCOPES``)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping) or not isinstance(data.get("templates"), list):
        raise CertificatePlanError({"templates": ["a list of templates is required"]})
    raw = data["templates"]
    if not 1 <= len(raw) <= MAX_TEMPLATES:
        raise CertificatePlanError({"templates": [f"between 1 and {MAX_TEMPLATES} templates"]})
    templates = []
    for index, item in enumerate(raw):
        path = f"templates.{index}"
        template = _template(item, path, errors, scopes)
        if template is not None:
            templates.append(template)
    keys = [template.key for template in templates]
    for key in {key for key in keys if keys.count(key) > 1}:
        errors.setdefault("templates", []).append(f"the key {key!r} is used twice")
    if errors:
        raise CertificatePlanError(errors)
    return CertificatePlan(tuple(templates))


def _template(
    item: Any, path: str, errors: dict[str, list[str]], scopes: tuple[str, ...]
) -> Template | None:
    if not isinstance(item, Mapping):
        errors[path] = ["an object is required"]
        return None
    before = len(errors)
    key = item.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        errors[f"{path}.key"] = ["1-32 of a-z, 0-9, _ and -, starting with a letter or digit"]
    group = item.get("group", key)
    if not isinstance(group, str) or not _KEY.fullmatch(group):
        errors[f"{path}.group"] = ["1-32 of a-z, 0-9, _ and -"]
    rule = _rule(item.get("rule"), f"{path}.rule", errors, scopes)
    texts = {
        name: _texts(item.get(name), f"{path}.{name}", errors)
        for name in ("award", "title", "issuer")
    }
    date = item.get("date")
    if date is not None and (not isinstance(date, str) or not _DATE.fullmatch(date)):
        errors[f"{path}.date"] = ["a date as YYYY-MM-DD, or null for the day of issue"]
    seal = item.get("seal")
    if seal is not None and (not isinstance(seal, str) or not _SHA256.fullmatch(seal)):
        errors[f"{path}.seal"] = ["the SHA-256 of an uploaded picture (POST /api/v1/media)"]
    if len(errors) > before or rule is None:
        return None
    assert isinstance(key, str), "a bad key is an error above"
    return Template(key, group, rule, texts["award"], texts["title"], texts["issuer"], date, seal)


def _rule(
    item: Any, path: str, errors: dict[str, list[str]], scopes: tuple[str, ...]
) -> Rule | None:
    if not isinstance(item, Mapping) or item.get("kind") not in KINDS:
        errors[f"{path}.kind"] = [f"one of {', '.join(KINDS)}"]
        return None
    kind = item["kind"]
    if kind == "score":
        threshold = item.get("threshold")
        if not _whole(threshold, 0):
            errors[f"{path}.threshold"] = ["a whole number of points, 0 or more"]
            return None
        return Rule("score", threshold=threshold)
    if kind == "rank":
        top, scope = item.get("top"), item.get("scope", "all")
        if not _whole(top, 1):
            errors[f"{path}.top"] = ["a whole number, 1 or more"]
        if scope not in scopes:
            errors[f"{path}.scope"] = [f"one of {', '.join(scopes)}"]
        if f"{path}.top" in errors or f"{path}.scope" in errors:
            return None
        return Rule("rank", top=top, scope=scope)
    return Rule("participation")


def _whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _texts(item: Any, path: str, errors: dict[str, list[str]]) -> dict[str, str]:
    if (
        not isinstance(item, Mapping)
        or not item
        or not all(locale in LOCALES for locale in item)
        or not all(
            isinstance(text, str) and 0 < len(text.strip()) <= MAX_TEXT for text in item.values()
        )
    ):
        errors[path] = [f"texts by locale ({', '.join(LOCALES)}), each 1-{MAX_TEXT} characters"]
        return {}
    return {locale: text.strip() for locale, text in item.items()}


def _text(text: Any) -> bool:
    return isinstance(text, str) and 0 < len(text.strip()) <= MAX_TEXT


def awards(plan: CertificatePlan, standings: Iterable[Standing]) -> list[Award]:
    """Every certificate the standings earn: per contestant, the first template of each
    group whose rule they meet, in standings order then plan order."""
    ranked = [standing for standing in standings if standing.rank is not None]
    earned = []
    for standing in ranked:
        groups: set[str] = set()
        for template in plan.templates:
            if template.group in groups:
                continue
            rank = _rank_on(template.rule, standing, ranked)
            if _meets(template.rule, standing, rank):
                groups.add(template.group)
                earned.append(Award(standing, template, rank))
    return earned


def _rank_on(rule: Rule, standing: Standing, ranked: list[Standing]) -> int | None:
    """The rank on the rule's board: 1 + those on the same board ranked strictly ahead
    (ties share a rank, as on the overall board)."""
    if rule.kind != "rank" or rule.scope == "all":
        return standing.rank
    own = getattr(standing, rule.scope)
    if own is None:
        return None  # not on any board of that kind
    rank = standing.rank
    assert rank is not None, "only ranked standings are on a board"
    ahead = sum(
        1
        for other in ranked
        if getattr(other, rule.scope) == own and other.rank is not None and other.rank < rank
    )
    return ahead + 1


def _meets(rule: Rule, standing: Standing, rank: int | None) -> bool:
    if rule.kind == "participation":
        return True
    if rule.kind == "score":
        return standing.points >= rule.threshold  # type: ignore[operator]
    return rank is not None and rank <= rule.top  # type: ignore[operator]


# --- serial numbers -----------------------------------------------------------------


def new_serial(rng: random.Random) -> str:
    """15 random base32 symbols (use a ``random.SystemRandom``) and a check symbol."""
    body = "".join(rng.choice(ALPHABET) for _ in range(SERIAL_RANDOM))
    return body + _check(body)


def normal_serial(text: str) -> str | None:
    """The serial as issued (upper case, without spaces or dashes), or None when it is
    not one: wrong length, a symbol outside the alphabet or a wrong check symbol."""
    serial = text.strip().upper().replace("-", "").replace(" ", "")
    if len(serial) != SERIAL_LENGTH or any(symbol not in ALPHABET for symbol in serial):
        return None
    return serial if _check(serial[:-1]) == serial[-1] else None


def _check(body: str) -> str:
    """Luhn mod 32: catches every single-symbol mistake and most swaps of neighbours."""
    factor, total, n = 2, 0, len(ALPHABET)
    for symbol in reversed(body):
        addend = factor * ALPHABET.index(symbol)
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


# --- localised wording --------------------------------------------------------------


@cache
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def localised(texts: Mapping[str, str], locale: str) -> str:
    """The text in ``locale``: zh-Hant converted from zh-Hans when only that is given,
    else the first of zh-Hans, en, zh-Hant there is."""
    if locale in texts:
        return texts[locale]
    if locale == "zh-Hant" and "zh-Hans" in texts:
        converted: str = _to_traditional().convert(texts["zh-Hans"])
        return converted
    for fallback in ("zh-Hans", "en", "zh-Hant"):
        if fallback in texts:
            return texts[fallback]
    return ""


#: The fixed wording around the organiser's texts, per locale.
WORDING = {
    "zh-Hans": {
        "presented": "兹证明",
        "for": "在「{contest}」中荣获",
        "serial": "证书编号",
        "verify": "扫码验证",
        "date": "日期",
    },
    "zh-Hant": {
        "presented": "茲證明",
        "for": "在「{contest}」中榮獲",
        "serial": "證書編號",
        "verify": "掃碼驗證",
        "date": "日期",
    },
    "en": {
        "presented": "This certifies that",
        "for": "received in “{contest}”",
        "serial": "Serial",
        "verify": "Scan to verify",
        "date": "Date",
    },
}


@dataclass(frozen=True)
class Sheet:
    """What a rendered certificate says, in one locale."""

    locale: str
    title: str
    presented: str
    holder: str
    achievement: str
    award: str
    issuer: str
    date_line: str
    serial_line: str
    serial: str
    verify_line: str
    verify_url: str


def sheet(content: Mapping[str, Any], serial: str, locale: str, verify_url: str) -> Sheet:
    """The certificate ``content`` (as issued) worded in ``locale``; a zh-Hant one has
    the contest title converted to traditional characters (never the holder's name)."""
    words = WORDING[locale]
    return Sheet(
        locale=locale,
        title=localised(content["title"], locale),
        presented=words["presented"],
        holder=content["holder"],
        achievement=words["for"].format(contest=localised({"zh-Hans": content["contest"]}, locale)),
        award=localised(content["award"], locale),
        issuer=localised(content["issuer"], locale),
        date_line=f"{words['date']}: {content['date']}",
        serial_line=f"{words['serial']}: {serial}",
        serial=serial,
        verify_line=words["verify"],
        verify_url=verify_url,
    )
