"""Item statistics: how well each question and a whole round measured the takers.

Formulas are REFERENCE.md's "Scoring conventions". Items are scored 0/1: a question
counts as right only with full credit. A taker's total ``X`` is the number of items
right, so it takes one of ``k + 1`` values, and everything is kept as exact counts by
total score:

- takers with total ``X``;
- per item, takers with total ``X`` who got it right;
- per item and option, takers with total ``X`` who chose it.

These histograms are mergeable by adding counts, so shards tallied on different
machines merge to exactly the sums of the whole. They hold the usual one-pass sums
(``n, Σx, Σx², Σx·X, ΣX, ΣX²``, see :class:`ItemSums`) and, unlike bare sums, also the
order of takers by total score that the upper and lower 27% groups need.

Tie rule at a group cut: if the group needs ``r`` more takers and ``m`` are tied on
the cut score, each of them counts ``r/m``. That is the expected value of breaking the
tie at random, exact, and independent of record order.

A statistic that is undefined (no takers, zero variance, fewer than two items or
takers) is ``None``, never NaN and never an exception.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import Any

#: Kelley's upper/lower group size for the discrimination index.
GROUP_FRACTION = Fraction(27, 100)


class StatisticsError(ValueError):
    """Responses or sums that cannot be tallied or merged."""


@dataclass(frozen=True)
class TakerRecord:
    """One taker's round: the checker's credit and the options chosen, per item key.

    An item missing from ``credits`` was not answered (scores 0); ``choices`` holds
    choice keys, each counted once however often it appears.
    """

    credits: Mapping[str, float | Fraction]
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemSums:
    """The one-pass sums of one item ``x`` against the total ``X``."""

    n: int
    sum_x: int
    sum_x_sq: int
    sum_x_total: int
    sum_total: int
    sum_total_sq: int


@dataclass(frozen=True)
class RoundSums:
    """Exact, mergeable tallies of a round; build with :func:`tally`, merge with ``+``.

    Every histogram is indexed by total score ``X`` in ``0..k``.
    """

    items: tuple[str, ...]
    takers_by_total: tuple[int, ...]
    correct_by_total: tuple[tuple[int, ...], ...]
    uptake_by_total: tuple[Mapping[str, tuple[int, ...]], ...]

    @property
    def n(self) -> int:
        return sum(self.takers_by_total)

    def item_sums(self, key: str) -> ItemSums:
        correct = self.correct_by_total[self._index(key)]
        right = sum(correct)
        return ItemSums(
            n=self.n,
            sum_x=right,
            sum_x_sq=right,  # x is 0 or 1
            sum_x_total=_weighted(correct),
            sum_total=_weighted(self.takers_by_total),
            sum_total_sq=_weighted(self.takers_by_total, power=2),
        )

    def __add__(self, other: RoundSums) -> RoundSums:
        if not isinstance(other, RoundSums):
            return NotImplemented
        if other.items != self.items:
            raise StatisticsError("only sums over the same items, in the same order, merge")
        return RoundSums(
            self.items,
            _add(self.takers_by_total, other.takers_by_total),
            tuple(map(_add, self.correct_by_total, other.correct_by_total)),
            tuple(
                MappingProxyType(
                    {
                        option: _add(mine.get(option, ()), theirs.get(option, ()))
                        for option in mine.keys() | theirs.keys()
                    }
                )
                for mine, theirs in zip(self.uptake_by_total, other.uptake_by_total, strict=True)
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form, to ship a shard's sums to whoever merges them."""
        return {
            "items": list(self.items),
            "takers_by_total": list(self.takers_by_total),
            "correct_by_total": [list(c) for c in self.correct_by_total],
            "uptake_by_total": [{o: list(c) for o, c in u.items()} for u in self.uptake_by_total],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoundSums:
        items = tuple(data["items"])
        sums = cls(
            items,
            tuple(data["takers_by_total"]),
            tuple(tuple(c) for c in data["correct_by_total"]),
            tuple(
                MappingProxyType({o: tuple(c) for o, c in u.items()})
                for u in data["uptake_by_total"]
            ),
        )
        bins = len(items) + 1
        histograms = [sums.takers_by_total, *sums.correct_by_total]
        histograms += [c for u in sums.uptake_by_total for c in u.values()]
        if len(set(items)) != len(items) or len(sums.correct_by_total) != len(items):
            raise StatisticsError("stored sums do not match their items")
        if len(sums.uptake_by_total) != len(items) or any(len(h) != bins for h in histograms):
            raise StatisticsError(f"stored sums need {bins} bins per histogram")
        return sums

    def _index(self, key: str) -> int:
        try:
            return self.items.index(key)
        except ValueError:
            raise StatisticsError(f"no item {key!r} in these sums") from None


def tally(items: Sequence[str], records: Iterable[TakerRecord]) -> RoundSums:
    """Count a round's taker records, in one pass, into mergeable sums."""
    items = tuple(items)
    index = {key: i for i, key in enumerate(items)}
    if len(index) != len(items):
        raise StatisticsError("item keys must be unique")
    bins = len(items) + 1
    takers = [0] * bins
    correct = [[0] * bins for _ in items]
    uptake: list[defaultdict[str, list[int]]] = [defaultdict(lambda: [0] * bins) for _ in items]
    for record in records:
        unknown = (record.credits.keys() | record.choices.keys()) - index.keys()
        if unknown:
            raise StatisticsError(f"no such items in this round: {', '.join(sorted(unknown))}")
        right = [index[key] for key, credit in record.credits.items() if credit == 1]
        total = len(right)
        takers[total] += 1
        for i in right:
            correct[i][total] += 1
        for key, chosen in record.choices.items():
            for option in set(chosen):
                uptake[index[key]][option][total] += 1
    return RoundSums(
        items,
        tuple(takers),
        tuple(tuple(c) for c in correct),
        tuple(MappingProxyType({o: tuple(c) for o, c in u.items()}) for u in uptake),
    )


@dataclass(frozen=True)
class OptionUptake:
    """How many chose an option, and the share choosing it overall and per group."""

    count: int
    share: float | None
    upper: float | None
    lower: float | None


@dataclass(frozen=True)
class ItemStatistics:
    key: str
    n: int
    p_value: float | None
    point_biserial: float | None
    item_rest: float | None
    discrimination_d: float | None
    options: Mapping[str, OptionUptake]


@dataclass(frozen=True)
class RoundStatistics:
    n_takers: int
    k_items: int
    mean: float | None
    sd: float | None
    kr20: float | None
    alpha: float | None
    sem: float | None


def item_statistics(
    sums: RoundSums, *, group_fraction: Fraction = GROUP_FRACTION
) -> list[ItemStatistics]:
    """Per item, in the order of ``sums.items``.

    ``point_biserial`` is Pearson's r of item and total, which equals
    ``(M1 - M0) / σ_X · √(pq)``; ``item_rest`` correlates the item with the total of the
    other items. Options nobody chose are absent from ``options``.
    """
    if not 0 < group_fraction <= Fraction(1, 2):
        raise StatisticsError("the group fraction must be within (0, 1/2]")
    n = sums.n
    size = math.floor(group_fraction * n + Fraction(1, 2))
    upper = _group_weights(sums.takers_by_total, size, best_first=True)
    lower = _group_weights(sums.takers_by_total, size, best_first=False)

    def share(histogram: Sequence[int], weights: Sequence[Fraction]) -> float | None:
        return float(_dot(weights, histogram) / size) if size else None

    result = []
    for key, correct, uptake in zip(
        sums.items, sums.correct_by_total, sums.uptake_by_total, strict=True
    ):
        s = sums.item_sums(key)
        rest = s.sum_total - s.sum_x
        rest_sq = s.sum_total_sq - 2 * s.sum_x_total + s.sum_x_sq
        p_upper, p_lower = share(correct, upper), share(correct, lower)
        result.append(
            ItemStatistics(
                key=key,
                n=n,
                p_value=s.sum_x / n if n else None,
                point_biserial=_pearson(
                    n, s.sum_x, s.sum_x_sq, s.sum_total, s.sum_total_sq, s.sum_x_total
                ),
                item_rest=_pearson(
                    n, s.sum_x, s.sum_x_sq, rest, rest_sq, s.sum_x_total - s.sum_x_sq
                ),
                discrimination_d=None if p_upper is None or p_lower is None else p_upper - p_lower,
                options=MappingProxyType(
                    {
                        option: OptionUptake(
                            count=sum(chosen),
                            share=sum(chosen) / n if n else None,
                            upper=share(chosen, upper),
                            lower=share(chosen, lower),
                        )
                        for option, chosen in sorted(uptake.items())
                    }
                ),
            )
        )
    return result


def round_statistics(sums: RoundSums) -> RoundStatistics:
    """Mean and population SD of totals, KR-20, Cronbach's alpha and the SEM (from alpha)."""
    n, k = sums.n, len(sums.items)
    if not n:
        return RoundStatistics(n, k, None, None, None, None, None)
    mean = Fraction(_weighted(sums.takers_by_total), n)
    variance = Fraction(_weighted(sums.takers_by_total, power=2), n) - mean**2
    kr20 = alpha = sem = None
    if k >= 2 and variance:
        moments = [sums.item_sums(key) for key in sums.items]
        p = [Fraction(m.sum_x, n) for m in moments]
        item_variances = [Fraction(m.sum_x_sq, n) - Fraction(m.sum_x, n) ** 2 for m in moments]
        kr20 = Fraction(k, k - 1) * (1 - sum(q * (1 - q) for q in p) / variance)
        alpha = Fraction(k, k - 1) * (1 - sum(item_variances) / variance)
        sem = math.sqrt(variance * (1 - alpha))
    return RoundStatistics(
        n_takers=n,
        k_items=k,
        mean=float(mean),
        sd=math.sqrt(variance),
        kr20=_float(kr20),
        alpha=_float(alpha),
        sem=sem,
    )


def _group_weights(takers: Sequence[int], size: int, *, best_first: bool) -> list[Fraction]:
    """The share of each total-score bin that falls in a group of ``size`` takers."""
    weights = [Fraction(0)] * len(takers)
    remaining = size
    for score in reversed(range(len(takers))) if best_first else range(len(takers)):
        if remaining <= 0:
            break
        if takers[score]:
            taken = min(remaining, takers[score])
            weights[score] = Fraction(taken, takers[score])
            remaining -= taken
    return weights


def _pearson(n: int, sx: int, sxx: int, sy: int, syy: int, sxy: int) -> float | None:
    """Pearson's r from sums, exact up to the final square root; None without variance."""
    var_x, var_y = n * sxx - sx * sx, n * syy - sy * sy
    if var_x <= 0 or var_y <= 0:
        return None
    return (n * sxy - sx * sy) / math.sqrt(var_x * var_y)


def _weighted(histogram: Sequence[int], power: int = 1) -> int:
    """Σ X**power over takers, from the counts per total ``X``."""
    return sum(score**power * count for score, count in enumerate(histogram))


def _dot(weights: Sequence[Fraction], histogram: Sequence[int]) -> Fraction:
    return sum((w * c for w, c in zip(weights, histogram, strict=True)), Fraction(0))


def _add(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    # An option one shard never saw has no histogram there: treat it as zeros.
    a, b = a or [0] * len(b), b or [0] * len(a)
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)
