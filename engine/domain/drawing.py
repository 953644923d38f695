"""Drawing papers: which questions a contestant gets, in which order, with which option order.

A draw is a pure function of (rule, bank content, round seed, contestant): asking again
gives the same paper, so a paper need not be stored to be trusted. Question picks use
``random.Random`` seeded from SHA-256; option order uses a tiny documented PRNG instead,
because a browser must derive the same order from a seed (see :func:`option_order`).

Random rules are stratified: quotas are filled in order and a question used by one
quota is never used by another, and no paper holds two questions of one enemy group.
Before drawing, a small flow computation checks that all quotas can be met together, so
a rule that works for one seed works for every seed.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from engine.domain.checking import InvalidResponse
from engine.domain.questions import CHOICE_TYPES, BankContent, Choice, Question, QuestionType

DIFFICULTIES = range(1, 6)


class DrawKind(StrEnum):
    FIXED = "fixed"
    RANDOM = "random"


class InvalidDrawRule(ValueError):
    """Stored or submitted draw rule data that does not describe a rule."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CannotDraw(ValueError):
    """The bank cannot satisfy the rule: a quota lacks questions or a fixed key is missing."""


@dataclass(frozen=True)
class Quota:
    """``count`` questions matching ``tag`` (any if None) and ``difficulty`` (any if None).

    ``difficulty`` may be given as an int, a range or any iterable of ints; it is
    stored as a frozenset.
    """

    count: int
    tag: str | None = None
    difficulty: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise InvalidDrawRule("count", "must be a positive integer")
        if self.tag is not None and (not isinstance(self.tag, str) or not self.tag):
            raise InvalidDrawRule("tag", "must be a non-empty string or absent")
        if self.difficulty is not None:
            levels = (self.difficulty,) if isinstance(self.difficulty, int) else self.difficulty
            levels = frozenset(levels)
            if not levels or not levels <= frozenset(DIFFICULTIES):
                raise InvalidDrawRule("difficulty", "must be levels between 1 and 5")
            object.__setattr__(self, "difficulty", levels)

    def matches(self, question: Question) -> bool:
        return (self.tag is None or self.tag in question.tags) and (
            self.difficulty is None or question.difficulty in self.difficulty
        )

    def describe(self) -> str:
        parts = [f"{self.count} question{'s' if self.count > 1 else ''}"]
        if self.tag is not None:
            parts.append(f"tagged {self.tag!r}")
        if self.difficulty is not None:
            parts.append(f"of difficulty {', '.join(map(str, sorted(self.difficulty)))}")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "tag": self.tag,
            "difficulty": None if self.difficulty is None else sorted(self.difficulty),
        }


@dataclass(frozen=True)
class DrawRule:
    """How a paper is drawn. Build with :meth:`fixed` or :meth:`stratified`."""

    kind: DrawKind
    keys: tuple[str, ...] = ()
    quotas: tuple[Quota, ...] = ()
    shuffle_questions: bool = False
    shuffle_options: bool = False

    def __post_init__(self) -> None:
        if self.kind not in set(DrawKind):
            raise InvalidDrawRule("kind", "must be 'fixed' or 'random'")
        object.__setattr__(self, "kind", DrawKind(self.kind))
        object.__setattr__(self, "keys", tuple(self.keys))
        object.__setattr__(self, "quotas", tuple(self.quotas))
        if self.kind is DrawKind.FIXED:
            if not self.keys or self.quotas:
                raise InvalidDrawRule("keys", "a fixed rule lists at least one question key")
            if len(set(self.keys)) != len(self.keys):
                raise InvalidDrawRule("keys", "a question key is listed more than once")
        elif not self.quotas or self.keys:
            raise InvalidDrawRule("quotas", "a random rule has at least one quota")

    @classmethod
    def fixed(
        cls, keys: Iterable[str], *, shuffle_questions: bool = False, shuffle_options: bool = False
    ) -> DrawRule:
        return cls(DrawKind.FIXED, tuple(keys), (), shuffle_questions, shuffle_options)

    @classmethod
    def stratified(
        cls,
        quotas: Iterable[Quota],
        *,
        shuffle_questions: bool = False,
        shuffle_options: bool = False,
    ) -> DrawRule:
        return cls(DrawKind.RANDOM, (), tuple(quotas), shuffle_questions, shuffle_options)

    @property
    def size(self) -> int:
        """How many questions a paper drawn by this rule has."""
        return len(self.keys) + sum(quota.count for quota in self.quotas)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": str(self.kind),
            "shuffle_questions": self.shuffle_questions,
            "shuffle_options": self.shuffle_options,
        }
        if self.kind is DrawKind.FIXED:
            data["keys"] = list(self.keys)
        else:
            data["quotas"] = [quota.to_dict() for quota in self.quotas]
        return data

    @classmethod
    def from_dict(cls, data: object) -> DrawRule:
        """Parse :meth:`to_dict` output; :class:`InvalidDrawRule` names the bad field."""
        if not isinstance(data, Mapping):
            raise InvalidDrawRule("rule", "must be an object")
        kind = data.get("kind")
        if kind not in set(DrawKind):
            raise InvalidDrawRule("kind", "must be 'fixed' or 'random'")
        items = "keys" if kind == DrawKind.FIXED else "quotas"
        _refuse_unknown(data, {"kind", "shuffle_questions", "shuffle_options", items}, "")
        shuffles = {name: _flag(data, name) for name in ("shuffle_questions", "shuffle_options")}
        listed = data.get(items)
        if not isinstance(listed, list):
            raise InvalidDrawRule(items, "must be a list")
        if kind == DrawKind.FIXED:
            if not all(isinstance(key, str) and key for key in listed):
                raise InvalidDrawRule("keys", "every key must be a non-empty string")
            return cls.fixed(listed, **shuffles)
        return cls.stratified(
            [_quota_from_dict(item, f"quotas[{i}]") for i, item in enumerate(listed)], **shuffles
        )


def _flag(data: Mapping[str, Any], name: str) -> bool:
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise InvalidDrawRule(name, "must be true or false")
    return value


def _refuse_unknown(data: Mapping[str, Any], known: set[str], prefix: str) -> None:
    unknown = sorted(set(data) - known, key=str)
    if unknown:
        raise InvalidDrawRule(f"{prefix}{unknown[0]}", "is not a draw rule field")


def _quota_from_dict(data: object, path: str) -> Quota:
    if not isinstance(data, Mapping):
        raise InvalidDrawRule(path, "must be an object")
    _refuse_unknown(data, {"count", "tag", "difficulty"}, f"{path}.")
    difficulty = data.get("difficulty")
    if difficulty is not None and (
        not isinstance(difficulty, list)
        or not all(isinstance(level, int) and not isinstance(level, bool) for level in difficulty)
    ):
        raise InvalidDrawRule(f"{path}.difficulty", "must be a list of levels between 1 and 5")
    try:
        # Quota checks the raw values and makes the levels a frozenset itself.
        return Quota(data.get("count"), data.get("tag"), difficulty)  # type: ignore[arg-type]
    except InvalidDrawRule as error:
        raise InvalidDrawRule(f"{path}.{error.field}", error.message) from None


@dataclass(frozen=True)
class Paper:
    """The questions one contestant (or a whole live round) gets, as displayed.

    ``option_orders`` holds, for every choice question on the paper, its choice keys in
    the order shown (the authored order when not shuffled).
    """

    question_keys: tuple[str, ...]
    option_orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "option_orders", MappingProxyType(dict(self.option_orders)))

    def displayed_choices(self, question: Question) -> tuple[Choice, ...]:
        by_key = {choice.key: choice for choice in question.choices}
        return tuple(by_key[key] for key in self.option_orders.get(question.key, ()))

    def to_choice_keys(self, question_key: str, response: object) -> object:
        """Map a response given as displayed positions (0-based) back to choice keys.

        For a choice question an int becomes one key and a list of ints a list of keys;
        responses to text and true/false questions pass through unchanged.
        """
        if question_key not in self.question_keys:
            raise InvalidResponse(f"question {question_key} is not on this paper")
        shown = self.option_orders.get(question_key)
        if shown is None:
            return response
        if isinstance(response, list | tuple):
            return [_shown_key(question_key, shown, position) for position in response]
        return _shown_key(question_key, shown, response)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question_keys": list(self.question_keys),
            "option_orders": {key: list(order) for key, order in self.option_orders.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Paper:
        return cls(
            tuple(data["question_keys"]),
            {key: tuple(order) for key, order in data["option_orders"].items()},
        )


def _shown_key(question_key: str, shown: Sequence[str], position: object) -> str:
    if isinstance(position, bool) or not isinstance(position, int):
        raise InvalidResponse(f"question {question_key} expects option positions (integers)")
    if not 0 <= position < len(shown):
        raise InvalidResponse(
            f"question {question_key} has options 0 to {len(shown) - 1}, not {position}"
        )
    return shown[position]


def draw_paper(
    rule: DrawRule, bank: BankContent, *, round_seed: str, contestant: str | None
) -> Paper:
    """Draw the paper for ``contestant`` (None: one paper for the whole live round).

    Raises :class:`CannotDraw` when a fixed key is not in the bank, a fixed paper holds
    two enemies, or a quota cannot be filled (without two enemies on one paper); the
    message names the quota and how many questions it lacks, or the enemy group.
    """
    return PaperDrawer(rule, bank).draw(round_seed=round_seed, contestant=contestant)


class PaperDrawer:
    """Draws papers of one rule from one bank, what every draw shares (the questions by
    key, the enemy circles, the quotas' pools and the check that they can be met) worked
    out once: a round with a paper per contestant otherwise redid it for each entry.
    Made only for a rule that can be met (else :class:`CannotDraw`, as ``draw_paper``):
    one met for one seed is met for every seed."""

    def __init__(self, rule: DrawRule, bank: BankContent) -> None:
        self.rule = rule
        self._by_key = {question.key: question for question in bank.questions}
        self._questions = bank.questions
        self._pools: list[_Pool] = []
        if rule.kind is DrawKind.FIXED:
            missing = [key for key in rule.keys if key not in self._by_key]
            if missing:
                raise CannotDraw(f"the bank has no question {', '.join(missing)}")
            _require_no_enemies(rule.keys, bank)
        else:
            self._pools = _pools(rule.quotas, bank.questions, _circles(bank.questions))
            _require_feasible(rule.quotas, [quota.count for quota in rule.quotas], self._pools)

    def draw(self, *, round_seed: str, contestant: str | None) -> Paper:
        rule, by_key = self.rule, self._by_key
        rng = random.Random(_seed_int(round_seed, contestant, "questions"))
        if rule.kind is DrawKind.FIXED:
            keys = list(rule.keys)
        else:  # each draw takes questions out of pools of its own
            pools = [_Pool(p.quotas, list(p.keys), p.circle, p.key) for p in self._pools]
            keys = _stratified_keys(rule.quotas, self._questions, pools, rng)
        if rule.shuffle_questions:
            rng.shuffle(keys)
        seed = shuffle_seed(round_seed, contestant)
        orders = {
            key: option_order(by_key[key], seed)
            if shuffles_options(rule, by_key[key])
            else by_key[key].choice_keys()
            for key in keys
            if by_key[key].type in CHOICE_TYPES
        }
        return Paper(tuple(keys), orders)


def _require_no_enemies(keys: Sequence[str], bank: BankContent) -> None:
    for group, members in bank.enemy_groups().items():
        listed = [key for key in keys if key in members]
        if len(listed) > 1:
            raise CannotDraw(
                f"questions {' and '.join(listed)} are in the enemy group {group!r} "
                "and cannot share a paper"
            )


def shuffles_options(rule: DrawRule, question: Question) -> bool:
    """Whether this question's options are shown shuffled.

    Order questions are always shuffled, whatever the rule: in authored order they
    would give their answer away.
    """
    return question.type is QuestionType.ORDER or (
        rule.shuffle_options and question.type in CHOICE_TYPES
    )


def shuffle_seed(round_seed: str, contestant: str | None) -> str:
    """The seed a client receives to derive option orders: hex SHA-256 of
    ``f"{round_seed}|{contestant or ''}"`` (UTF-8). It does not reveal the round seed,
    which also decides every other contestant's paper.
    """
    return hashlib.sha256(f"{round_seed}|{contestant or ''}".encode()).hexdigest()


def option_order(question: Question, seed: str) -> tuple[str, ...]:
    """The question's choice keys in displayed order for a client holding ``seed``.

    Reproducible in JavaScript:

    1. ``h = SHA-256(UTF-8(seed + "|" + question.key))``; ``state`` = the first 4 bytes
       of ``h`` as a big-endian unsigned 32-bit integer.
    2. mulberry32: each draw does ``state = (state + 0x6D2B79F5) mod 2**32``, then with
       32-bit wrap-around ``t = imul(state ^ (state >>> 15), state | 1)``,
       ``t ^= t + imul(t ^ (t >>> 7), t | 61)``, and yields
       ``u = (t ^ (t >>> 14)) >>> 0`` (an unsigned 32-bit integer).
    3. Fisher–Yates over the authored choice keys ``k``: for ``i`` from ``len(k) - 1``
       down to 1, ``j = floor(u * (i + 1) / 2**32)`` with the next ``u``, swap
       ``k[i]`` and ``k[j]``.
    """
    keys = list(question.choice_keys())
    digest = hashlib.sha256(f"{seed}|{question.key}".encode()).digest()
    draws = _mulberry32(int.from_bytes(digest[:4], "big"))
    for i in range(len(keys) - 1, 0, -1):
        j = (next(draws) * (i + 1)) >> 32
        keys[i], keys[j] = keys[j], keys[i]
    return tuple(keys)


def _mulberry32(state: int) -> Iterator[int]:
    mask = 0xFFFFFFFF
    while True:
        state = (state + 0x6D2B79F5) & mask
        t = ((state ^ (state >> 15)) * (state | 1)) & mask
        t ^= (t + ((t ^ (t >> 7)) * (t | 61))) & mask
        yield t ^ (t >> 14)


def _seed_int(round_seed: str, contestant: str | None, purpose: str) -> int:
    material = f"{round_seed}|{contestant or ''}|{purpose}".encode()
    return int.from_bytes(hashlib.sha256(material).digest(), "big")


def _stratified_keys(
    quotas: Sequence[Quota], questions: Sequence[Question], pools: list[_Pool], rng: random.Random
) -> list[str]:
    """Fill quotas in order from ``pools`` (``_pools``'s, met by ``_require_feasible``;
    taken from), each slot picked at random among the picks that keep the remaining
    quotas satisfiable; within a quota, keys keep bank order.

    Enemy groups that share a question form one circle, and a paper takes at most one
    question of a circle: drawing one shuts out the rest. That is stricter than the
    groups alone where groups overlap, and it keeps the feasibility check exact, so a
    slot always has a pick and a rule met for one seed is met for every seed.
    """
    needed = [quota.count for quota in quotas]
    members: dict[str, list[_Pool]] = {}
    for pool in pools:
        if pool.circle is not None:
            members.setdefault(pool.circle, []).append(pool)
    chosen: list[str] = []
    for index, quota in enumerate(quotas):
        picked: set[str] = set()
        for _ in range(quota.count):
            needed[index] -= 1
            candidates = [pool for pool in pools if index in pool.quotas and pool.keys]
            while True:
                pool = _weighted_choice(candidates, rng)
                key = pool.keys.pop(rng.randrange(len(pool.keys)))
                shut = [p for p in members.get(pool.circle or "", ()) if p.keys]
                for other in shut:
                    other.keys.clear()
                if _shortfall(needed, _capacities(pools)) is None:
                    break
                # Taking this starves a later quota: try the other pools.
                pool.keys.append(key)
                for other in shut:
                    other.keys.append(other.key)
                candidates.remove(pool)
            picked.add(key)
        chosen.extend(q.key for q in questions if q.key in picked)
    return chosen


@dataclass
class _Pool:
    """Unused questions that match exactly the same set of quotas.

    A question in an enemy circle has a pool of its own (``circle`` set, ``key`` its
    key): drawing it shuts out other questions, so it is not interchangeable with
    its neighbours.
    """

    quotas: frozenset[int]
    keys: list[str]
    circle: str | None = None
    key: str = ""


@dataclass(frozen=True)
class _Capacity:
    """How many more questions some quotas may take from one source."""

    quotas: frozenset[int]
    room: int


def _circles(questions: Sequence[Question]) -> dict[str, str]:
    """Each grouped question's circle: enemy groups joined when they share a question,
    named by one of their groups (union-find)."""
    parent: dict[str, str] = {}

    def root(group: str) -> str:
        while parent.setdefault(group, group) != group:
            group = parent[group]
        return group

    for question in questions:
        for group in question.enemies[1:]:
            parent[root(group)] = root(question.enemies[0])
    return {q.key: root(q.enemies[0]) for q in questions if q.enemies}


def _pools(
    quotas: Sequence[Quota], questions: Sequence[Question], circles: Mapping[str, str]
) -> list[_Pool]:
    pools: dict[object, _Pool] = {}
    for question in questions:
        matched = frozenset(i for i, quota in enumerate(quotas) if quota.matches(question))
        if not matched:
            continue
        circle = circles.get(question.key)
        if circle is not None:
            pools[question.key] = _Pool(matched, [question.key], circle, question.key)
        else:
            pools.setdefault(matched, _Pool(matched, [])).keys.append(question.key)
    return list(pools.values())


def _capacities(pools: Sequence[_Pool], *, with_enemies: bool = True) -> list[_Capacity]:
    """What the unused questions can still give: a free pool gives all it holds, an enemy
    circle one question, to any quota one of its unused members matches."""
    capacities = [
        _Capacity(pool.quotas, len(pool.keys))
        for pool in pools
        if pool.keys and not (with_enemies and pool.circle is not None)
    ]
    circles: dict[str, frozenset[int]] = {}
    for pool in pools:
        if with_enemies and pool.keys and pool.circle is not None:
            circles[pool.circle] = circles.get(pool.circle, frozenset()) | pool.quotas
    return capacities + [_Capacity(matched, 1) for matched in circles.values()]


def _weighted_choice(pools: Sequence[_Pool], rng: random.Random) -> _Pool:
    # Weighting by pool size makes every remaining question equally likely.
    ticket = rng.randrange(sum(len(pool.keys) for pool in pools))
    for pool in pools:
        if ticket < len(pool.keys):
            return pool
        ticket -= len(pool.keys)
    raise AssertionError("ticket beyond the pools")


def _require_feasible(quotas: Sequence[Quota], needed: list[int], pools: list[_Pool]) -> None:
    shortfall = _shortfall(needed, _capacities(pools))
    if shortfall is None:
        return
    index, missing = shortfall
    if _shortfall(needed, _capacities(pools, with_enemies=False)) is None:
        raise CannotDraw(
            f"quota {index + 1} ({quotas[index].describe()}) cannot be met without putting "
            "two questions of one enemy group on a paper: add questions or loosen the groups"
        )
    after = " left after the earlier quotas" if index else ""
    raise CannotDraw(
        f"quota {index + 1} ({quotas[index].describe()}) lacks {missing} "
        f"question{'s' if missing > 1 else ''}: too few matching questions{after}"
    )


def _shortfall(needed: Sequence[int], capacities: Sequence[_Capacity]) -> tuple[int, int] | None:
    """The first quota that cannot be filled (index, how many it lacks), or None.

    A max flow from quotas to sources of questions, augmented quota by quota in order,
    so earlier quotas are served first and the shortfall falls on the first one that
    cannot be.
    """
    room = [capacity.room for capacity in capacities]
    flow: dict[tuple[int, int], int] = {}
    for quota, count in enumerate(needed):
        for _ in range(count):
            if not _augment(quota, capacities, room, flow, set()):
                return quota, count - sum(flow.get((quota, p), 0) for p in range(len(capacities)))
    return None


def _augment(
    quota: int,
    pools: Sequence[_Capacity],
    room: list[int],
    flow: dict[tuple[int, int], int],
    seen: set[int],
) -> bool:
    """Route one more question to ``quota`` (Kuhn's augmenting path), moving questions
    already routed to other quotas between pools if that frees room."""
    for p, pool in enumerate(pools):
        if quota not in pool.quotas or p in seen:
            continue
        seen.add(p)
        if room[p] > 0:
            room[p] -= 1
        elif not _reroute_one(p, quota, pools, room, flow, seen):
            continue
        flow[quota, p] = flow.get((quota, p), 0) + 1
        return True
    return False


def _reroute_one(
    pool: int,
    quota: int,
    pools: Sequence[_Capacity],
    room: list[int],
    flow: dict[tuple[int, int], int],
    seen: set[int],
) -> bool:
    """Move one question some other quota takes from ``pool`` to another pool."""
    for other in pools[pool].quotas:
        moved = (
            other != quota
            and flow.get((other, pool), 0) > 0
            and _augment(other, pools, room, flow, seen)
        )
        if moved:
            flow[other, pool] -= 1
            return True
    return False
