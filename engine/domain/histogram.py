"""A score histogram that reads well: whole-number bins of a round width, ten at most.

The console draws it and an export could print it, so the bins are chosen here once.
Bins start at a multiple of their width, so labels read 0–9, 10–19 rather than 3–12;
a width of 1 gives one bin per score. Scores are points (whole numbers); a fractional
score falls in the bin of its floor.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

MAX_BINS = 10
#: Widths a reader counts in: 1, 2, 5, 10, 20, 50, 100, …
_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class ScoreBin:
    """Takers whose score is within ``low..high`` (both inclusive)."""

    low: int
    high: int
    count: int


def bin_width(low: int, high: int, max_bins: int = MAX_BINS) -> int:
    """The smallest round width whose aligned bins cover ``low..high`` in ``max_bins``."""
    if max_bins < 1:
        raise ValueError("a histogram needs at least one bin")
    if high < low:
        raise ValueError("the highest score is below the lowest")
    scale = 1
    while True:
        for step in _STEPS:
            width = step * scale
            if high // width - low // width + 1 <= max_bins:
                return width
        scale *= 10


def score_bins(scores: Iterable[float], max_bins: int = MAX_BINS) -> list[ScoreBin]:
    """Aligned bins from the lowest score's to the highest's, empty ones included (a gap
    is information); no scores, no bins."""
    floors = [math.floor(score) for score in scores]
    if not floors:
        return []
    low, high = min(floors), max(floors)
    width = bin_width(low, high, max_bins)
    first = low // width
    counts = [0] * (high // width - first + 1)
    for score in floors:
        counts[score // width - first] += 1
    return [
        ScoreBin((first + i) * width, (first + i + 1) * width - 1, count)
        for i, count in enumerate(counts)
    ]
