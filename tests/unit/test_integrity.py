"""The pure rules of page switches: settings, the signal, handing a paper in."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.domain.integrity import DEFAULT_TOLERANCE, FocusRules, InvalidFocusRules
from engine.domain.rounds import SelfPacedAttempt, submit
from engine.domain.signals import focus_switches


def test_defaults_are_lenient_and_never_submit():
    rules = FocusRules.from_settings({})
    assert rules == FocusRules(DEFAULT_TOLERANCE, None)
    assert not any(rules.submits(n) for n in range(1000))


def test_settings_round_trip():
    rules = FocusRules(0, 2)
    assert FocusRules.from_settings(rules.to_settings()) == rules
    assert [rules.submits(n) for n in range(4)] == [False, False, True, True]


@pytest.mark.parametrize(
    ("tolerance", "submit_after", "field"),
    [
        (-1, None, "focus_tolerance"),
        (101, None, "focus_tolerance"),
        (True, None, "focus_tolerance"),
        ("3", None, "focus_tolerance"),
        (3, 0, "submit_after_switches"),
        (3, 2.0, "submit_after_switches"),
    ],
)
def test_bad_settings_name_their_field(tolerance, submit_after, field):
    with pytest.raises(InvalidFocusRules) as refused:
        FocusRules(tolerance, submit_after)
    assert refused.value.field == field


@settings(max_examples=50)
@given(
    st.dictionaries(st.text(min_size=1, max_size=5), st.integers(0, 50), max_size=8),
    st.integers(0, 50),
)
def test_the_signal_names_exactly_those_above_the_tolerance(switches, tolerance):
    flagged = {s.contestants[0] for s in focus_switches(switches, tolerance)}
    assert flagged == {c for c, n in switches.items() if n > tolerance}


def test_a_submitted_paper_is_finished_whatever_was_delivered():
    attempt = SelfPacedAttempt((20, 20, 20), index=1, delivered_at=5, deadline=20_005)
    handed_in = submit(attempt)
    assert handed_in.finished
    assert (handed_in.delivered_at, handed_in.deadline) == (None, None)
    assert submit(handed_in) == handed_in
