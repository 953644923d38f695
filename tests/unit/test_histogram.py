"""Score bins: round widths, aligned starts, every taker counted once, ten bins at most."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.histogram import MAX_BINS, ScoreBin, bin_width, score_bins


def test_no_takers_no_bins() -> None:
    assert score_bins([]) == []


def test_one_taker_is_one_bin_of_their_score() -> None:
    assert score_bins([7]) == [ScoreBin(7, 7, 1)]


def test_all_equal_scores_are_one_bin() -> None:
    assert score_bins([30, 30, 30]) == [ScoreBin(30, 30, 3)]


def test_all_zero_is_one_bin_at_zero() -> None:
    assert score_bins([0, 0]) == [ScoreBin(0, 0, 2)]


def test_a_small_range_is_one_bin_per_score_with_gaps_kept() -> None:
    assert score_bins([2, 5, 5]) == [
        ScoreBin(2, 2, 1),
        ScoreBin(3, 3, 0),
        ScoreBin(4, 4, 0),
        ScoreBin(5, 5, 2),
    ]


def test_the_issue_s_range_reads_in_tens_not_0_100_101_201() -> None:
    # A round's points run to ~2000 with a few takers: bins of 200 or so, aligned.
    bins = score_bins([0, 150, 990, 1010, 1999])
    assert [(b.low, b.high) for b in bins] == [(i * 200, i * 200 + 199) for i in range(10)]
    assert [b.count for b in bins] == [2, 0, 0, 0, 1, 1, 0, 0, 0, 1]


def test_bins_start_at_a_multiple_of_their_width() -> None:
    bins = score_bins([13, 47])
    assert bins[0] == ScoreBin(10, 14, 1)
    assert bins[-1] == ScoreBin(45, 49, 1)
    assert len(bins) == 8


def test_fractions_fall_in_their_floor_s_bin() -> None:
    assert score_bins([1.5, 1.9, 2.0]) == [ScoreBin(1, 1, 2), ScoreBin(2, 2, 1)]


def test_widths_are_1_2_5_times_a_power_of_ten() -> None:
    assert bin_width(0, 9) == 1
    assert bin_width(0, 10) == 2
    assert bin_width(0, 49) == 5
    assert bin_width(0, 50) == 10
    assert bin_width(0, 1000) == 200


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="below"):
        bin_width(5, 4)
    with pytest.raises(ValueError, match="one bin"):
        bin_width(0, 4, max_bins=0)


@settings(max_examples=80)
@given(st.lists(st.integers(min_value=-50, max_value=100_000), min_size=1, max_size=40))
def test_bins_cover_every_score_once_in_at_most_ten_equal_bins(scores: list[int]) -> None:
    bins = score_bins(scores)
    assert 1 <= len(bins) <= MAX_BINS
    assert sum(b.count for b in bins) == len(scores)
    widths = {b.high - b.low + 1 for b in bins}
    assert len(widths) == 1
    width = widths.pop()
    assert all(b.low % width == 0 for b in bins)
    assert all(nxt.low == b.high + 1 for b, nxt in itertools.pairwise(bins))
    assert bins[0].low <= min(scores)
    assert max(scores) <= bins[-1].high
    for b in bins:
        assert b.count == sum(1 for s in scores if b.low <= s <= b.high)
