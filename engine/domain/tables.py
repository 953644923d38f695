"""A table as organisers export it (CSV, .xlsx): cells as values (numbers stay numbers,
``None`` is empty), its columns' machine names and their headers in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    name: str  # machine name: standings, questions, ...
    title: str  # localised sheet name
    columns: tuple[str, ...]
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
