"""Page-switch reports in memory, as ``engine.adapters.redis.focus`` counts them."""

from __future__ import annotations


class InMemoryFocusLog:
    def __init__(self) -> None:
        self._seen: set[tuple[int, str]] = set()  # (round, report id)
        self._counts: dict[int, dict[str, int]] = {}  # round -> contestant -> switches

    def report(self, round_id: int, contestant: str, report_id: str, most: int) -> tuple[bool, int]:
        """Past ``most`` a report is neither counted nor remembered."""
        counts = self._counts.setdefault(round_id, {})
        count = counts.get(contestant, 0)
        if count >= most or (round_id, report_id) in self._seen:
            return False, count
        self._seen.add((round_id, report_id))
        counts[contestant] = count + 1
        return True, count + 1

    def counts(self, round_id: int) -> dict[str, int]:
        return dict(self._counts.get(round_id, {}))
