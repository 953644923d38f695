"""The server clock: the one place the web layer reads the time (server epoch ms).

Callers use ``clock.now_ms()`` through the module, so a test moves time for every
handler by patching this one function.
"""

from __future__ import annotations

import time


def now_ms() -> int:
    return int(time.time() * 1000)
