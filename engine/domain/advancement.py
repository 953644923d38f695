"""Advancement: who goes on from a campaign stage to the next, computed at the stage's close.

A stage fixes one :class:`AdvancementRule`: the top ``k`` per city or per unit, points
of at least ``min_points``, or both (the top ``k`` of a group *and* at least
``min_points``; since higher points rank first, that is the top ``k`` of those who
reached the mark). Per unit means the unit a contestant registered with, not its parent.

The top ``k`` are taken in the engine's ranking order (more points, then less total time,
:func:`engine.domain.ranking.rank_standings`). Contestants it cannot separate (equal
points and equal time) share a rank; when such a tie straddles the cut, **all of them
qualify** and each is marked ``tied_at_cut``, so that group sends more than ``k``. The
rule has no fair way to choose among them, and dropping them all would leave seats
empty for a tie; the organiser reviewing the list sees the marked rows and may trim them
by a criterion the campaign's rules publish before confirming. A contestant whose
registration lacks the group field (no unit) cannot take a group's place: they are
listed in ``ungrouped`` for the organiser, not silently dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from engine.domain.ranking import rank_standings


class AdvancementError(ValueError):
    """An advancement rule or stage standings that make no sense."""


class Group(StrEnum):
    CITY = "city"
    UNIT = "unit"


@dataclass(frozen=True)
class AdvancementRule:
    per: Group | None = None
    k: int | None = None
    min_points: int | None = None

    def __post_init__(self) -> None:
        if self.per is not None:
            try:
                object.__setattr__(self, "per", Group(self.per))
            except ValueError:
                raise AdvancementError(
                    f"advancement is per city or per unit, not {self.per!r}"
                ) from None
        if (self.per is None) != (self.k is None):
            raise AdvancementError("a top k needs its group (per city or unit), and vice versa")
        if self.k is None and self.min_points is None:
            raise AdvancementError("an advancement rule needs a top k, a min_points, or both")
        for name, least in (("k", 1), ("min_points", 0)):
            value = getattr(self, name)
            if value is not None and (type(value) is not int or value < least):
                raise AdvancementError(f"{name} must be a whole number >= {least}, got {value!r}")


@dataclass(frozen=True)
class StageResult:
    """One contestant's line of a stage's standings at its close."""

    contestant: str
    city: str | None
    unit: str | None
    points: int
    total_ms: int


@dataclass(frozen=True)
class Qualifier:
    contestant: str
    group: str | None  # the city or unit whose place they took; None without a top k
    rank: int  # competition rank within the group (or the whole stage)
    points: int
    total_ms: int  # as boards hold it: clamped to ranking.TIME_LIMIT_MS
    tied_at_cut: bool  # qualified only because an exact tie straddles the cut


@dataclass(frozen=True)
class Qualification:
    """Everyone who advances (ties at the cut included), by group, then rank, then id."""

    qualifiers: tuple[Qualifier, ...]
    ungrouped: tuple[str, ...]  # reached min_points but have no city/unit to be placed in

    @property
    def tied_at_cut(self) -> tuple[Qualifier, ...]:
        return tuple(q for q in self.qualifiers if q.tied_at_cut)


def qualify(rule: AdvancementRule, standings: Iterable[StageResult]) -> Qualification:
    """The qualifiers of a closed stage under ``rule``."""
    results = list(standings)
    repeated = [c for c, n in Counter(r.contestant for r in results).items() if n > 1]
    if repeated:
        raise AdvancementError(f"contestant {repeated[0]!r} appears twice in the standings")
    eligible = [r for r in results if rule.min_points is None or r.points >= rule.min_points]
    groups: dict[str | None, list[StageResult]] = {}
    ungrouped = []
    for result in eligible:
        group = None if rule.per is None else getattr(result, rule.per)
        if rule.per is not None and group is None:
            ungrouped.append(result.contestant)
        else:
            groups.setdefault(group, []).append(result)
    qualifiers = [
        q for group in sorted(groups, key=str) for q in _top(group, groups[group], rule.k)
    ]
    return Qualification(tuple(qualifiers), tuple(sorted(ungrouped)))


def _top(group: str | None, results: list[StageResult], k: int | None) -> list[Qualifier]:
    """The top ``k`` of one group (all of it without a k), with a tie at the cut kept."""
    standings = rank_standings((r.contestant, r.points, r.total_ms) for r in results)
    sharing = Counter(s.rank for s in standings)  # how many hold each rank
    return [
        Qualifier(
            s.contestant,
            group,
            s.rank,
            s.points,
            s.total_ms,
            tied_at_cut=k is not None and s.rank + sharing[s.rank] - 1 > k,
        )
        for s in standings
        if k is None or s.rank <= k
    ]
