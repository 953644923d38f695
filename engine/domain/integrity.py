"""Client integrity: how a round treats a phone that leaves the page during a question.

Phones lose focus for calls and messages too, so a few switches are tolerated; more
than ``tolerance`` make a cheating *signal* for an organiser to review (see
:func:`engine.domain.signals.focus_switches`). A self-paced round may also submit the
paper at the ``submit_after``-th switch. The count is the server's, from the reports the
page sends: a deterrent against casual look-ups, not proof of anything, since a
modified client can simply not report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Lenient by default: a call and a message or two during a round are normal.
DEFAULT_TOLERANCE = 3
MAX_SETTING = 100
#: Reports counted per contestant and round; beyond it a flood only repeats itself.
MAX_COUNTED = 500


class InvalidFocusRules(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message


@dataclass(frozen=True)
class FocusRules:
    tolerance: int = DEFAULT_TOLERANCE
    #: Self-paced only: the switch that submits the paper (None: never).
    submit_after: int | None = None

    def __post_init__(self) -> None:
        if type(self.tolerance) is not int or not 0 <= self.tolerance <= MAX_SETTING:
            raise InvalidFocusRules("focus_tolerance", f"a whole number from 0 to {MAX_SETTING}")
        submit = self.submit_after
        if submit is not None and (type(submit) is not int or not 1 <= submit <= MAX_SETTING):
            raise InvalidFocusRules(
                "submit_after_switches", f"a whole number from 1 to {MAX_SETTING}, or null"
            )

    def submits(self, switches: int) -> bool:
        """Whether the paper is submitted once the contestant has switched ``switches`` times."""
        return self.submit_after is not None and switches >= self.submit_after

    def to_settings(self) -> dict[str, Any]:
        return {"focus_tolerance": self.tolerance, "submit_after_switches": self.submit_after}

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> FocusRules:
        """A round's rules from its settings; rounds made before these settings get the
        defaults."""
        return cls(
            tolerance=settings.get("focus_tolerance", DEFAULT_TOLERANCE),
            submit_after=settings.get("submit_after_switches"),
        )
