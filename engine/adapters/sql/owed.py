"""SQL writes a live round owes while the database is away, done when it is back.

A host's command changes the round in Redis, the live record; SQL mirrors two of those
changes (the round is running; the round finished, with its final standings). With SQL
away those writes had failed the command after Redis had already taken it: the host saw
an error, and a retry was refused as already done, so the mirror was never written.
Now they wait here and the ticker retries them. They are kept in this process only: a
process that dies during an SQL outage leaves the round's SQL status behind Redis's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from engine.adapters.outages import STORE_UNAVAILABLE

log = logging.getLogger(__name__)

Write = Callable[[], None]


class OwedWrites:
    def __init__(self) -> None:
        self._owed: list[Write] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._owed)

    def write(self, write: Write) -> None:
        """Do ``write`` now, or later if SQL cannot be reached now (after those owed)."""
        if self._owed:
            self._keep(write)
            return
        try:
            write()
        except STORE_UNAVAILABLE as error:
            log.warning("SQL is unreachable (%s); the write waits for it", error)
            self._keep(write)

    def _keep(self, write: Write) -> None:
        with self._lock:
            self._owed.append(write)

    def retry(self) -> None:
        """Do the owed writes in order, stopping at the first that still cannot be done."""
        while self._owed:
            write = self._owed[0]
            try:
                write()
            except STORE_UNAVAILABLE:
                return
            with self._lock:
                self._owed.remove(write)
