"""The two tail probabilities the linter needs, in pure Python (scipy is only for tests).

Both are exact for the cases the linter meets: a chi-square statistic with a whole
number of degrees of freedom, and a sum of independent Bernoulli trials with
different probabilities (the Poisson binomial distribution).
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def chi_square_sf(statistic: float, df: int) -> float:
    """P(X >= statistic) for X ~ chi-square with ``df`` degrees of freedom (df >= 1).

    Closed forms of the regularised upper incomplete gamma function Q(df/2, x/2): for
    even df, ``e^(-x/2) * sum_{i < df/2} (x/2)^i / i!``; for odd df,
    ``erfc(sqrt(x/2)) + sqrt(2/pi) e^(-x/2) * sum_{r=1}^{(df-1)/2} sqrt(x)^(2r-1) / (2r-1)!!``.
    """
    if df < 1:
        raise ValueError("a chi-square distribution has at least one degree of freedom")
    if statistic <= 0:
        return 1.0
    half = statistic / 2
    if df % 2 == 0:
        term = total = 1.0
        for i in range(1, df // 2):
            term *= half / i
            total += term
        return min(1.0, math.exp(-half) * total)
    root = math.sqrt(statistic)
    total = math.erfc(root / math.sqrt(2))
    term = math.sqrt(2 / math.pi) * math.exp(-half) * root
    for r in range(1, (df - 1) // 2 + 1):
        total += term
        term *= statistic / (2 * r + 1)
    return min(1.0, total)


def chi_square_uniformity(
    observed: Sequence[int], expected: Sequence[float]
) -> tuple[float, float]:
    """Pearson's statistic and its p-value for counts against expected counts.

    Cells expected to hold nothing are left out; degrees of freedom = cells - 1.
    """
    cells = [(o, e) for o, e in zip(observed, expected, strict=True) if e > 0]
    if len(cells) < 2:
        return 0.0, 1.0
    statistic = sum((o - e) ** 2 / e for o, e in cells)
    return statistic, chi_square_sf(statistic, len(cells) - 1)


def poisson_binomial_sf(probabilities: Sequence[float], observed: int) -> float:
    """P(S >= observed) where S counts successes of independent trials with these
    probabilities of success; exact by dynamic programming (O(n^2))."""
    distribution = [1.0]
    for p in probabilities:
        shifted = [0.0, *distribution]
        kept = [*distribution, 0.0]
        distribution = [(1 - p) * k + p * s for k, s in zip(kept, shifted, strict=True)]
    return min(1.0, sum(distribution[max(0, observed) :]))
