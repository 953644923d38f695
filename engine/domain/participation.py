"""Participation: how many of a unit's, district's or city's people took part, and unit rankings.

A **participant** is a contestant with at least one counted attempt (under the stage's
attempt rule, :func:`engine.domain.attempts.counted_score`), counted once however many
attempts they made. Practice never makes a participant: a contestant who only practised
is not counted, as practice touches no board, result or participation figure.

Each contestant stands for one unit (the one they registered with). A unit's
``headcount`` is its *own* people, not its child units'; a unit's figures include its
descendants' (participants and headcount summed), so a bureau's rate covers its offices.
A district's and a city's figures sum the units placed in them (each unit by its own
place, once), and the campaign's sum every unit. Rates are exact fractions:

    rate = distinct participants / headcount        (None when the headcount is 0)

A rate may exceed 1 when a roster's headcount is stale; it is reported as it is.

**Unit rankings** weigh three figures, each normalised to 0..1, by whole percentages
summing to 100 (e.g. 70 % rate, 30 % mean score):

- rate: the rate, capped at 1 (a stale roster must not outweigh the rest); 0 without
  headcount;
- mean score: mean points of the unit's participants / the most points one can score
  (capped at 1); 0 without participants;
- count: participants / the largest participant count among the units ranked.

The weighted sum orders the units; equal sums are broken by rate, then mean score, then
participant count (each higher first). Units equal in all of these share a rank
(1, 2, 2, 4, as boards rank) and are listed by code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from engine.domain.attempts import Attempt, AttemptRule, counted_score


class ParticipationError(ValueError):
    """A roster or participant list that cannot be counted (unknown unit, a cycle...)."""


@dataclass(frozen=True)
class Place:
    """A city or a district; a city's ``city`` is its own code."""

    code: str
    city: str


@dataclass(frozen=True)
class Unit:
    code: str
    parent: str | None
    place: str
    headcount: int  # the unit's own people, not its child units'


@dataclass(frozen=True)
class Participant:
    contestant: str
    unit: str
    points: int  # the counted score the mean is taken of


class Figures(NamedTuple):
    """A named tuple, not a frozen dataclass: a table makes one per unit (thousands per
    request), and a tuple is made several times faster."""

    participants: int = 0
    headcount: int = 0
    points: int = 0  # summed over the participants

    def __add__(self, other: Figures) -> Figures:  # type: ignore[override]  # not concatenation
        return Figures(
            self.participants + other.participants,
            self.headcount + other.headcount,
            self.points + other.points,
        )

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.participants, self.headcount) if self.headcount else None

    @property
    def mean_points(self) -> Fraction | None:
        return Fraction(self.points, self.participants) if self.participants else None


@dataclass(frozen=True)
class Participation:
    units: dict[str, Figures]  # each with its descendants'
    districts: dict[str, Figures]
    cities: dict[str, Figures]
    campaign: Figures


def stage_participants(
    rule: AttemptRule,
    unit_of: Mapping[str, str],
    histories: Mapping[str, Sequence[Attempt]],
) -> list[Participant]:
    """The contestants with a counted attempt, once each, with their counted points."""
    participants = []
    for contestant, history in histories.items():
        score = counted_score(rule, history)
        if score is not None:
            participants.append(Participant(contestant, unit_of[contestant], score[0]))
    return participants


def participation(
    places: Iterable[Place], units: Iterable[Unit], participants: Iterable[Participant]
) -> Participation:
    """Counts and rates per unit (with its descendants), district, city and campaign."""
    return UnitTree(places, units).count(participants)


class UnitTree:
    """A roster checked once against its places, with where each unit's figures go (its
    own unit and every one above it, its district, its city, the campaign) and the
    headcounts summed there: a table of thousands of units is then integer sums over
    their own figures, without walking the tree again. Build it once per roster and
    keep it while the roster stands."""

    def __init__(self, places: Iterable[Place], units: Iterable[Unit]) -> None:
        place_of = {place.code: place for place in places}
        self.units = _check_roster(place_of, units)
        # Every total a unit adds to, by position: its unit and ancestors, then its
        # district (if it lies in one), its city, the campaign (the last position).
        self._names: list[tuple[str, str]] = [("unit", code) for code in self.units]
        position = {name: i for i, name in enumerate(self._names)}
        self._targets: dict[str, tuple[int, ...]] = {}
        for code, unit in self.units.items():
            place = place_of[unit.place]
            regions = [("city", place.city), ("campaign", "")]
            if place.code != place.city:
                regions.insert(0, ("district", place.code))
            for region in regions:
                if region not in position:
                    position[region] = len(self._names)
                    self._names.append(region)
            chain = [position[("unit", c)] for c in _ancestors(self.units, code)]
            self._targets[code] = (*chain, *(position[r] for r in regions))
        self._headcounts = [0] * len(self._names)
        for code, unit in self.units.items():
            for target in self._targets[code]:
                self._headcounts[target] += unit.headcount

    def count(self, participants: Iterable[Participant]) -> Participation:
        """The figures of these participants, each counted once in their own unit."""
        own: dict[str, Figures] = {}
        seen = set()
        for p in participants:
            if p.contestant in seen:
                raise ParticipationError(f"contestant {p.contestant!r} is counted twice")
            if p.unit not in self.units:
                raise ParticipationError(
                    f"contestant {p.contestant!r} stands for unknown unit {p.unit!r}"
                )
            seen.add(p.contestant)
            own[p.unit] = own.get(p.unit, Figures()) + Figures(participants=1, points=p.points)
        return self.roll_up(own)

    def roll_up(self, own: Mapping[str, Figures]) -> Participation:
        """Figures per unit (with its descendants), district, city and campaign from
        each unit's own participants and points (``own``, by unit code; units not in it
        have none); headcounts come from the roster."""
        participants = [0] * len(self._names)
        points = [0] * len(self._names)
        for code, figures in own.items():
            for target in self._targets[code]:
                participants[target] += figures.participants
                points[target] += figures.points
        found: dict[str, dict[str, Figures]] = {"unit": {}, "district": {}, "city": {}}
        campaign = Figures()
        for i, (kind, code) in enumerate(self._names):
            figures = Figures(participants[i], self._headcounts[i], points[i])
            if kind == "campaign":
                campaign = figures
            else:
                found[kind][code] = figures
        return Participation(found["unit"], found["district"], found["city"], campaign)


@dataclass(frozen=True)
class Weighting:
    """Whole percentages of rate, mean score and participant count, summing to 100."""

    rate: int = 70
    mean: int = 30
    count: int = 0

    def __post_init__(self) -> None:
        weights = (self.rate, self.mean, self.count)
        if any(type(w) is not int or w < 0 for w in weights) or sum(weights) != 100:
            raise ParticipationError(
                f"weights are whole percentages >= 0 summing to 100, got {weights}"
            )


@dataclass(frozen=True)
class UnitRanking:
    unit: str
    rank: int
    score: Fraction  # the weighted sum, 0..1
    rate: Fraction | None
    mean_points: Fraction | None
    participants: int


def rank_units(
    figures: Mapping[str, Figures], weighting: Weighting, max_points: int | None = None
) -> list[UnitRanking]:
    """Rank the units of ``figures`` (e.g. ``Participation.units``, or only top-level ones).

    ``max_points`` (the most one can score) normalises the mean; it is needed only when
    the mean has a weight.
    """
    if weighting.mean and (type(max_points) is not int or max_points < 1):
        raise ParticipationError(f"a weighted mean needs max_points >= 1, got {max_points!r}")
    most = max((f.participants for f in figures.values()), default=0)

    def score(f: Figures) -> Fraction:
        rate = min(f.rate or Fraction(0), Fraction(1))
        mean = min(f.mean_points / max_points, Fraction(1)) if max_points and f.mean_points else 0
        count = Fraction(f.participants, most) if most else 0
        return (weighting.rate * rate + weighting.mean * mean + weighting.count * count) / 100

    # Higher first on each; the code only orders units that tie on all of them.
    keys = {
        code: (score(f), f.rate or 0, f.mean_points or 0, f.participants)
        for code, f in figures.items()
    }
    order = sorted(keys, key=lambda code: (tuple(-x for x in keys[code]), code))
    rankings: list[UnitRanking] = []
    for i, code in enumerate(order):
        tied = i and keys[code] == keys[order[i - 1]]
        f = figures[code]
        rankings.append(
            UnitRanking(
                code,
                rankings[-1].rank if tied else i + 1,
                keys[code][0],
                f.rate,
                f.mean_points,
                f.participants,
            )
        )
    return rankings


def _check_roster(place_of: Mapping[str, Place], units: Iterable[Unit]) -> dict[str, Unit]:
    roster: dict[str, Unit] = {}
    for unit in units:
        if unit.code in roster:
            raise ParticipationError(f"unit {unit.code!r} appears twice")
        if unit.place not in place_of:
            raise ParticipationError(f"unit {unit.code!r} is placed in unknown {unit.place!r}")
        if type(unit.headcount) is not int or unit.headcount < 0:
            raise ParticipationError(f"unit {unit.code!r} has headcount {unit.headcount!r}")
        roster[unit.code] = unit
    for code, unit in roster.items():
        if unit.parent is not None and unit.parent not in roster:
            raise ParticipationError(f"unit {code!r} has unknown parent {unit.parent!r}")
        _ancestors(roster, code)  # raises on a cycle
    return roster


def _ancestors(roster: Mapping[str, Unit], code: str) -> list[str]:
    """The unit itself, its parent, ... up to its top-level unit."""
    chain = [code]
    while (parent := roster[chain[-1]].parent) is not None:
        if parent in chain:
            raise ParticipationError(f"units {' > '.join([*chain, parent])} form a cycle")
        chain.append(parent)
    return chain
