import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from engine.domain.statistics import (
    ItemSums,
    OptionUptake,
    RoundStatistics,
    RoundSums,
    StatisticsError,
    TakerRecord,
    item_statistics,
    round_statistics,
    tally,
)

ITEMS = ("q1", "q2", "q3")


def records_from(matrix, items=ITEMS):
    return [TakerRecord(dict(zip(items, row, strict=True))) for row in matrix]


STAIRCASE = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]


def test_worked_round_statistics():
    # p = .75, .5, .25; X = 3, 2, 1, 0: mean 1.5, σ² = 1.25; Σpq = .625
    assert round_statistics(tally(ITEMS, records_from(STAIRCASE))) == RoundStatistics(
        n_takers=4,
        k_items=3,
        mean=1.5,
        sd=math.sqrt(1.25),
        kr20=0.75,  # 3/2 · (1 - .625 / 1.25)
        alpha=0.75,
        sem=math.sqrt(1.25 * 0.25),
    )


def test_worked_item_statistics():
    first, second, third = item_statistics(tally(ITEMS, records_from(STAIRCASE)))
    assert (first.key, first.n, first.p_value) == ("q1", 4, 0.75)
    assert [s.p_value for s in (second, third)] == [0.5, 0.25]
    # one taker per 27% group: the top scorer got everything, the bottom nothing
    assert [s.discrimination_d for s in (first, second, third)] == [1.0, 1.0, 1.0]
    # q2 against X = 3, 2, 1, 0 is r = cov / σσ = 0.5 / (0.5 · √1.25)
    assert second.point_biserial == pytest.approx(1 / math.sqrt(1.25))
    # q2 against the rest (2, 1, 1, 0)
    assert second.item_rest == pytest.approx(0.25 / (0.5 * math.sqrt(0.5)))


def test_the_27_percent_groups_share_a_tied_cut_in_proportion():
    # 10 takers, groups of round(2.7) = 3. Totals: two 2s, four 1s, four 0s.
    matrix = [[1, 1]] * 2 + [[1, 0]] * 3 + [[0, 1]] + [[0, 0]] * 4
    choices = ["a"] * 5 + ["b"] * 5
    records = [
        TakerRecord({"A": a, "B": b}, {"A": [c]}) for (a, b), c in zip(matrix, choices, strict=True)
    ]
    item_a, item_b = item_statistics(tally(("A", "B"), records))
    # upper: both 2s and 1/4 of each 1; lower: 3/4 of each 0
    assert item_a.discrimination_d == pytest.approx(11 / 12 - 0)  # (2 + 3 · 1/4) / 3
    assert item_b.discrimination_d == pytest.approx(3 / 4 - 0)  # (2 + 1/4) / 3
    assert item_a.options == {
        "a": OptionUptake(count=5, share=0.5, upper=pytest.approx(11 / 12), lower=0.0),
        "b": OptionUptake(count=5, share=0.5, upper=pytest.approx(1 / 12), lower=1.0),
    }
    assert item_b.options == {}


def test_undefined_statistics_are_none():
    assert round_statistics(tally(ITEMS, [])) == RoundStatistics(0, 3, None, None, None, None, None)
    [empty] = item_statistics(tally(["q"], []))
    assert (empty.p_value, empty.point_biserial, empty.item_rest, empty.discrimination_d) == (
        None,
        None,
        None,
        None,
    )
    one = round_statistics(tally(ITEMS, records_from([[1, 0, 1]])))
    assert (one.mean, one.sd, one.kr20, one.alpha, one.sem) == (2.0, 0.0, None, None, None)
    single_item = round_statistics(tally(["q"], records_from([[1], [0]], ["q"])))
    assert single_item.kr20 is None
    everyone_right = item_statistics(tally(ITEMS, records_from([[1, 1, 0], [1, 0, 0]])))[0]
    assert everyone_right.p_value == 1.0
    assert everyone_right.point_biserial is None


def test_partial_credit_and_missing_answers_count_as_wrong():
    sums = tally(["q"], [TakerRecord({"q": 0.5}), TakerRecord({}), TakerRecord({"q": 1.0})])
    assert sums.item_sums("q") == ItemSums(
        n=3, sum_x=1, sum_x_sq=1, sum_x_total=1, sum_total=1, sum_total_sq=1
    )


def test_records_for_unknown_items_are_refused():
    with pytest.raises(StatisticsError, match="q9"):
        tally(ITEMS, [TakerRecord({"q9": 1})])
    with pytest.raises(StatisticsError, match="q9"):
        tally(ITEMS, [TakerRecord({}, {"q9": ["a"]})])
    with pytest.raises(StatisticsError, match="unique"):
        tally(["q", "q"], [])


def test_sums_over_different_items_do_not_merge():
    with pytest.raises(StatisticsError):
        tally(ITEMS, []) + tally(("q1", "q3", "q2"), [])


matrices = st.integers(1, 6).flatmap(
    lambda k: st.lists(st.lists(st.integers(0, 1), min_size=k, max_size=k), max_size=40)
)


def choice_records(matrix, picks):
    """Records where a right answer picked "a" and a wrong one picked one of "b".."d"."""
    items = [f"q{i}" for i in range(len(matrix[0]) if matrix else 0)]
    return items, [
        TakerRecord(
            dict(zip(items, row, strict=True)),
            {key: ["a"] if x else [pick] for key, x, pick in zip(items, row, picks, strict=False)},
        )
        for row in matrix
    ]


@settings(max_examples=60)
@given(matrices, st.data())
def test_statistics_agree_with_numpy_and_scipy(matrix, data):
    items = [f"q{i}" for i in range(len(matrix[0]))] if matrix else ["q0"]
    sums = tally(items, records_from(matrix, items))
    x = np.array(matrix, dtype=float).reshape(len(matrix), len(items))
    total = x.sum(axis=1)
    n, k = x.shape

    for j, item in enumerate(item_statistics(sums)):
        column = x[:, j]
        varies = n > 0 and column.std() > 0 and total.std() > 0
        assert item.p_value == (pytest.approx(column.mean()) if n else None)
        if varies:
            assert item.point_biserial == pytest.approx(stats.pointbiserialr(column, total)[0])
        else:
            assert item.point_biserial is None
        rest = total - column
        if n and column.std() > 0 and rest.std() > 0:
            assert item.item_rest == pytest.approx(np.corrcoef(column, rest)[0, 1])
        else:
            assert item.item_rest is None

    result = round_statistics(sums)
    if n == 0:
        return
    assert result.mean == pytest.approx(total.mean())
    assert result.sd == pytest.approx(total.std())
    if k < 2 or total.var() == 0:
        assert (result.kr20, result.alpha, result.sem) == (None, None, None)
        return
    p = x.mean(axis=0)
    kr20 = k / (k - 1) * (1 - (p * (1 - p)).sum() / total.var())
    alpha = k / (k - 1) * (1 - x.var(axis=0).sum() / total.var())
    assert result.kr20 == pytest.approx(kr20)
    assert result.alpha == pytest.approx(alpha)
    assert result.alpha == result.kr20  # exactly, for 0/1 items
    assert result.sem == pytest.approx(total.std() * math.sqrt(1 - alpha), abs=1e-9)


def group_share(values, totals, size, best_first):
    """Share of a group of ``size`` takers, ties at the cut counted in proportion."""
    weighted = 0
    for value, own in zip(values, totals, strict=True):
        ahead = sum(1 for t in totals if (t > own if best_first else t < own))
        tied = sum(1 for t in totals if t == own)
        weighted += value * min(max(Fraction(size - ahead, tied), 0), 1)
    return weighted / size


@settings(max_examples=60)
@given(matrices.filter(lambda m: len(m) >= 2), st.lists(st.sampled_from("bcd"), max_size=6))
def test_groups_and_option_uptake_agree_with_a_per_taker_count(matrix, picks):
    items, records = choice_records(matrix, picks)
    totals = [sum(row) for row in matrix]
    size = math.floor(Fraction(27, 100) * len(matrix) + Fraction(1, 2))
    for j, item in enumerate(item_statistics(tally(items, records))):
        column = [row[j] for row in matrix]
        upper = group_share(column, totals, size, best_first=True)
        lower = group_share(column, totals, size, best_first=False)
        assert item.discrimination_d == pytest.approx(float(upper - lower))
        for option, uptake in item.options.items():
            chose = [int(option in r.choices.get(item.key, ())) for r in records]
            assert uptake.count == sum(chose)
            assert uptake.share == pytest.approx(sum(chose) / len(matrix))
            assert uptake.upper == pytest.approx(float(group_share(chose, totals, size, True)))
            assert uptake.lower == pytest.approx(float(group_share(chose, totals, size, False)))


@given(matrices, st.lists(st.sampled_from("bcd"), max_size=6), st.data())
def test_merged_halves_equal_the_whole_exactly(matrix, picks, data):
    items, records = choice_records(matrix, picks)
    cut = data.draw(st.integers(0, len(records)))
    whole = tally(items, records)
    merged = tally(items, records[:cut]) + tally(items, records[cut:])
    assert merged == whole
    assert item_statistics(merged) == item_statistics(whole)
    assert round_statistics(merged) == round_statistics(whole)


@given(matrices, st.lists(st.sampled_from("bcd"), max_size=6))
def test_sums_survive_json(matrix, picks):
    items, records = choice_records(matrix, picks)
    sums = tally(items, records)
    assert RoundSums.from_dict(json.loads(json.dumps(sums.to_dict()))) == sums


def test_malformed_stored_sums_are_refused():
    stored = tally(ITEMS, records_from(STAIRCASE)).to_dict()
    stored["takers_by_total"] = stored["takers_by_total"][:-1]
    with pytest.raises(StatisticsError, match="bins"):
        RoundSums.from_dict(stored)
