from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.domain.attempts import (
    ALLOWED,
    Attempt,
    AttemptKind,
    AttemptRule,
    AttemptRuleError,
    Refusal,
    StartDecision,
    counted_score,
    day_start_ms,
    may_start,
    shanghai_day,
    stage_standings,
)
from engine.domain.ranking import TIME_LIMIT_MS, Standing

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3_600_000
# 2026-03-01 00:00 in Shanghai is 2026-02-28 16:00 UTC.
MARCH_1 = int(datetime(2026, 3, 1, tzinfo=SHANGHAI).timestamp() * 1000)
DAY = 86_400_000


def at(day: int, hour: float) -> int:
    """Epoch ms of ``hour`` o'clock Shanghai time on March ``day`` 2026."""
    return MARCH_1 + (day - 1) * DAY + int(hour * HOUR)


def attempt(start: int, points: int, total_ms: int = 0, *, practice: bool = False) -> Attempt:
    return Attempt(start, points, total_ms, practice)


# --- the rules, one example each ----------------------------------------------------------


def test_one_attempt():
    rule = AttemptRule("one")
    assert may_start(rule, [], at(1, 9)) == ALLOWED
    history = [attempt(at(1, 9), 70, 5000)]
    assert may_start(rule, history, at(9, 9)) == StartDecision(False, Refusal.ATTEMPTS_USED)
    assert counted_score(rule, history) == (70, 5000)


def test_per_day_opens_at_shanghai_midnight_and_the_best_counts():
    rule = AttemptRule("per_day", 2)
    history = [attempt(at(1, 8), 50, 900), attempt(at(1, 23.9), 80, 4000)]
    refused = may_start(rule, history, at(1, 23.99))
    assert refused == StartDecision(False, Refusal.DAILY_LIMIT, opens_ms=at(2, 0))
    assert datetime.fromtimestamp(refused.opens_ms / 1000, UTC).hour == 16  # 00:00 +08
    assert may_start(rule, history, at(2, 0)) == ALLOWED
    assert counted_score(rule, [*history, attempt(at(2, 1), 80, 3000)]) == (80, 3000)


def test_best_of_n_counts_the_best_and_then_refuses_for_good():
    rule = AttemptRule("best_of", 3)
    history = [attempt(at(1, 9), 60, 100), attempt(at(2, 9), 90, 800), attempt(at(3, 9), 90, 900)]
    assert may_start(rule, history[:2], at(2, 10)) == ALLOWED
    assert may_start(rule, history, at(9, 9)) == StartDecision(False, Refusal.ATTEMPTS_USED)
    assert counted_score(rule, history) == (90, 800)


def test_first_of_each_day_counts_summed_over_the_campaign():
    rule = AttemptRule("first_of_day")
    history = [
        attempt(at(1, 9), 60, 1000),
        attempt(at(1, 10), 100, 10),  # the same day's second: allowed, not counted
        attempt(at(2, 0), 70, 2000),
        attempt(at(3, 23.5), 80, 3000),
    ]
    assert may_start(rule, history, at(3, 23.9)) == ALLOWED
    assert counted_score(rule, history) == (210, 6000)


def test_first_of_day_may_cap_the_attempts_a_day():
    rule = AttemptRule("first_of_day", 1)
    history = [attempt(at(1, 9), 60)]
    assert may_start(rule, history, at(1, 10)).reason is Refusal.DAILY_LIMIT
    assert may_start(rule, history, at(2, 0)) == ALLOWED


def test_practice_is_never_limited_and_never_counted():
    practice_stage = AttemptRule("practice")
    history = [attempt(at(1, 9), 90), attempt(at(1, 9.5), 95, practice=True)]
    assert may_start(practice_stage, history, at(1, 10)) == ALLOWED
    assert counted_score(practice_stage, history) is None
    one = AttemptRule("one")
    practised = [attempt(at(1, 8), 100, practice=True)] * 5
    assert may_start(one, practised, at(1, 9)) == ALLOWED
    assert counted_score(one, practised) is None
    assert counted_score(one, [*practised, attempt(at(1, 9), 40)]) == (40, 0)


def test_attempts_past_the_allowance_never_count():
    """Two tabs racing past may_start: the earliest attempts are the ones that count."""
    late_and_better = attempt(at(1, 9.5), 99)
    assert counted_score(AttemptRule("one"), [late_and_better, attempt(at(1, 9), 10)]) == (10, 0)
    per_day = AttemptRule("per_day", 1)
    assert counted_score(per_day, [attempt(at(1, 9), 10), late_and_better]) == (10, 0)


def test_ties_between_attempts_follow_the_ranking_rule():
    rule = AttemptRule("best_of", 3)
    # Equal points: less time is better.
    assert counted_score(rule, [attempt(1, 50, 900), attempt(2, 50, 700)]) == (50, 700)
    # Beyond the clamp time no longer separates them: the earlier attempt counts.
    slow = [attempt(1, 50, TIME_LIMIT_MS + 9), attempt(2, 50, TIME_LIMIT_MS + 1)]
    assert counted_score(rule, slow) == (50, TIME_LIMIT_MS + 9)


def test_stage_standings_rank_by_the_counted_score():
    rule = AttemptRule("first_of_day")
    histories = {
        "ana": [attempt(at(1, 9), 50, 400), attempt(at(2, 9), 50, 400)],
        "bo": [attempt(at(1, 9), 100, 700)],
        "cy": [attempt(at(1, 9), 100, 900, practice=True)],
    }
    assert stage_standings(rule, histories) == [
        Standing("bo", 100, 700, rank=1),
        Standing("ana", 100, 800, rank=2),
    ]


@pytest.mark.parametrize(
    ("kind", "n"),
    [
        ("per_day", None),
        ("best_of", None),
        ("best_of", 0),
        ("per_day", -1),
        ("best_of", 2.0),
        ("best_of", True),
        ("first_of_day", 0),
        ("one", 1),
        ("practice", 3),
        ("twice", None),
    ],
)
def test_rules_that_make_no_sense_are_refused(kind, n):
    with pytest.raises(AttemptRuleError):
        AttemptRule(kind, n)


def test_a_rule_read_back_from_json_compares_equal():
    assert AttemptRule("best_of", 2) == AttemptRule(AttemptKind.BEST_OF, 2)


def test_negative_scores_are_refused():
    with pytest.raises(AttemptRuleError):
        Attempt(0, -1, 0)
    with pytest.raises(AttemptRuleError):
        Attempt(0, 1, -1)


def test_days_are_shanghai_days():
    assert shanghai_day(at(1, 0)) == shanghai_day(at(1, 23.9999)) == shanghai_day(at(2, 0)) - 1
    assert shanghai_day(at(1, 0) - 1) == shanghai_day(at(1, 0)) - 1
    assert day_start_ms(shanghai_day(at(5, 13))) == at(5, 0)


# --- against oracles ------------------------------------------------------------------------

# Start times cluster on a few Shanghai midnights (both sides), and also fall anywhere.
MIDNIGHTS = [at(d, 0) for d in range(1, 5)]
starts = st.one_of(
    st.builds(lambda m, d: m + d, st.sampled_from(MIDNIGHTS), st.integers(-3, 3)),
    st.builds(lambda m, d: m + d, st.sampled_from(MIDNIGHTS), st.integers(-HOUR, HOUR)),
    st.integers(MIDNIGHTS[0] - DAY, MIDNIGHTS[-1] + DAY),
    st.integers(day_start_ms(0), day_start_ms(60_000)),  # 1970 to 2134
)
attempts = st.builds(
    Attempt,
    starts,
    st.integers(0, 6),  # few values: many ties
    st.sampled_from([0, 1, 500, TIME_LIMIT_MS, TIME_LIMIT_MS + 1, 10**8]),
    st.booleans(),
)
rules = st.one_of(
    st.sampled_from(["one", "first_of_day", "practice"]).map(AttemptRule),
    st.builds(
        AttemptRule, st.sampled_from(["per_day", "best_of", "first_of_day"]), st.integers(1, 4)
    ),
)


def zoned_day(ms: int):
    """The Shanghai calendar date by the time-zone database (an independent day rule)."""
    return datetime.fromtimestamp(ms / 1000, SHANGHAI).date()


def oracle(rule: AttemptRule, history: list[Attempt]) -> tuple[int, int] | None:
    """The counted score by the rules' plain reading, one rule at a time."""
    order = sorted(range(len(history)), key=lambda i: (history[i].started_ms, i))
    counted = [history[i] for i in order if not history[i].practice]
    if rule.kind == "practice" or not counted:
        return None
    if rule.kind == "first_of_day":
        firsts = {}
        for a in counted:
            firsts.setdefault(zoned_day(a.started_ms), a)
        return sum(a.points for a in firsts.values()), sum(a.total_ms for a in firsts.values())
    if rule.kind == "one":
        eligible = counted[:1]
    elif rule.kind == "best_of":
        eligible = counted[: rule.n]
    else:  # per_day: the first n of each day
        eligible = [
            a
            for i, a in enumerate(counted)
            if sum(zoned_day(b.started_ms) == zoned_day(a.started_ms) for b in counted[:i]) < rule.n
        ]

    def beats(a: Attempt, b: Attempt) -> bool:
        return (a.points, -min(a.total_ms, TIME_LIMIT_MS)) > (
            b.points,
            -min(b.total_ms, TIME_LIMIT_MS),
        )

    unbeaten = [a for a in eligible if not any(beats(b, a) for b in eligible)]
    return unbeaten[0].points, unbeaten[0].total_ms


@given(rules, st.lists(attempts, max_size=12))
def test_the_counted_score_equals_the_oracle(rule, history):
    # Shanghai kept daylight saving in 1986-91: only there do zoneinfo and +8 h disagree.
    in_dst_years = [a for a in history if 1986 <= zoned_day(a.started_ms).year <= 1991]
    if not in_dst_years:
        assert counted_score(rule, history) == oracle(rule, history)


@given(
    st.integers(1, 3),
    st.lists(st.tuples(starts.filter(lambda ms: ms > MIDNIGHTS[0] - DAY), st.booleans())),
)
def test_per_day_never_lets_a_day_exceed_n(n, requests):
    """Contestants ask to start at random times, near midnight too; the rule decides."""
    for kind in ("per_day", "first_of_day"):
        rule = AttemptRule(kind, n)
        history: list[Attempt] = []
        for now, practice in sorted(requests):
            today = [a for a in history if not a.practice]
            used = sum(zoned_day(a.started_ms) == zoned_day(now) for a in today)
            decision = may_start(rule, history, now)
            assert decision.allowed == (used < n)
            if not decision.allowed:
                assert zoned_day(decision.opens_ms) > zoned_day(now)
                assert zoned_day(decision.opens_ms - 1) == zoned_day(now)
                assert may_start(rule, history, decision.opens_ms) == ALLOWED
            if practice or decision.allowed:
                history.append(Attempt(now, 1, 1, practice))
        per_day = Counter(zoned_day(a.started_ms) for a in history if not a.practice)
        assert all(count <= n for count in per_day.values())
