"""JSON from outside, decoded once and strictly: the one boundary for bad input.

Python's ``json`` accepts what must never be stored: lone surrogates (``"\\ud800"``, not
a character, so no database or encoder downstream can take it), ``NaN`` and
``Infinity`` (not JSON: browsers cannot read them back), and nesting deep enough to
exhaust the stack. HTTP bodies (the app's JSON provider) and Socket.IO events
(``web.live.decoding``) both decode here, so nothing past this point has to check.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from flask.json.provider import DefaultJSONProvider

#: Containers inside containers. The deepest document Leitai takes (a bank draft) is
#: about 6; much deeper is a mistake or an attack.
MAX_DEPTH = 20

# Any escaped surrogate, paired or not: only then can a decoded string hold a lone one.
ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
SURROGATE = re.compile("[\ud800-\udfff]")


class JsonRefused(ValueError):
    """Text that is not JSON Leitai accepts; ``code`` and ``fields`` say what and where.

    A ``ValueError``, so Flask's ``request.get_json`` turns it into a 400 too.
    """

    def __init__(self, code: str, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields or {}


def refuse_constant(name: str) -> Any:
    raise JsonRefused("malformed_json", f"{name} is not a JSON number.")


def decode(text: str | bytes) -> Any:
    """The value of ``text`` (UTF-8 when bytes), or ``JsonRefused`` naming the problem."""
    if isinstance(text, bytes | bytearray):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JsonRefused("malformed_json", "The JSON text is not UTF-8.") from error
    try:
        value = json.loads(text, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise JsonRefused(
            "malformed_json",
            f"The JSON text is not valid: {error.msg} (line {error.lineno}, column {error.colno}).",
        ) from error
    except RecursionError as error:
        raise too_deep("") from error
    except JsonRefused:
        raise
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise JsonRefused("malformed_json", f"The JSON text is not acceptable: {error}") from error
    # Both checks are skipped, at the cost of two scans of the text, for the common case.
    if ESCAPED_SURROGATE.search(text) or text.count("[") + text.count("{") > MAX_DEPTH:
        inspect(value, "", 0)
    return value


def inspect(value: Any, path: str, depth: int) -> None:
    """Refuse the first lone surrogate or the first container nested too deep."""
    if isinstance(value, str):
        if SURROGATE.search(value):
            raise JsonRefused(
                "invalid_unicode",
                "The text holds a lone surrogate (\\ud800-\\udfff), which is not a character.",
                {path or "_": ["A lone surrogate is not a character."]},
            )
        return
    if not isinstance(value, dict | list):
        return
    if depth >= MAX_DEPTH:
        raise too_deep(path)
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        # A surrogate in a key must not reach the error's field names either.
        name = SURROGATE.sub("\ufffd", str(key))
        inner = f"{path}.{name}" if path else name
        inspect(key, inner, depth)
        inspect(item, inner, depth + 1)


def too_deep(path: str) -> JsonRefused:
    return JsonRefused(
        "too_deep",
        f"JSON may nest at most {MAX_DEPTH} arrays and objects.",
        {path or "_": [f"Nested more than {MAX_DEPTH} deep."]},
    )


#: Types orjson would write its own way (dates in RFC 3339, dataclasses, subclasses of
#: str, int, dict and list) go to ``_not_plain``, so the standard library writes them.
_PLAIN_ONLY = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def _not_plain(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is left to the standard library")


def plain_dumps(value: Any) -> str | None:
    """Compact JSON text of ``value`` when it holds only plain JSON values (str, int,
    float, bool, None, dict with str keys, list, tuple), as the standard library writes
    it but ten times as fast (orjson: 7 against 83 us for an answer's reply with the next
    question); None for anything else (a date, a decimal, an int over 64 bits, a lone
    surrogate), for the standard library to write."""
    try:
        return orjson.dumps(value, default=_not_plain, option=_PLAIN_ONLY).decode()
    except orjson.JSONEncodeError:
        return None


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, decoding request bodies through ``decode``."""

    ensure_ascii = False  # responses in plain UTF-8, not \\u escapes
    sort_keys = False

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return decode(s)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """JSON text that always encodes as UTF-8: a lone surrogate stored before
        ``decode`` refused them (a bank title, say) is shown as U+FFFD instead of
        failing every response that carries it. Compact responses of plain values (all
        but debug's indented ones) are written by ``plain_dumps``."""
        text = None if kwargs else plain_dumps(obj)
        if text is not None:
            return text  # orjson writes no surrogate
        text = super().dumps(obj, **kwargs)
        return text if text.isascii() else SURROGATE.sub("\ufffd", text)
