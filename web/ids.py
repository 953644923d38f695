"""Ids as the outside world may send them: SQL ``INTEGER`` keys, 32-bit on PostgreSQL.

A larger number names nothing. Checked where ids come in (URL paths, JSON fields), it is
a 404 or a 422; unchecked, it overflows the database driver as a 500.
"""

from __future__ import annotations

from typing import Any

from marshmallow import validate
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
ID_RANGE = validate.Range(min=1, max=MAX_ID)


class IdConverter(IntegerConverter):
    """Flask's ``<int:...>`` converter, bounded by ``MAX_ID``: a larger path is a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
