"""Responses and Socket.IO packets of plain values are written by orjson
(``web.strict_json.plain_dumps``), anything else by the standard library as before:
the same JSON values either way."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from web.live.decoding import StrictJson
from web.strict_json import StrictJSONProvider, plain_dumps

plain_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20).filter(lambda text: text.isprintable()),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@settings(max_examples=300)
@given(plain_values)
def test_plain_values_come_out_as_the_standard_library_writes_them(value: Any) -> None:
    text = plain_dumps(value)
    assert text is not None
    assert json.loads(text) == value
    assert StrictJson.dumps(value, separators=(",", ":")) == text


class Colour(enum.StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    "value",
    [
        {"at": datetime.datetime(2026, 12, 3, 20, 0, tzinfo=datetime.UTC)},
        [datetime.date(2026, 12, 3)],
        {"price": decimal.Decimal("1.50")},
        2**70,
        {1: "a non-string key"},
        "\ud800",
    ],
)
def test_anything_else_is_left_to_the_standard_library(value: Any) -> None:
    assert plain_dumps(value) is None


def test_an_enum_is_written_as_its_value_as_the_standard_library_does() -> None:
    assert plain_dumps({"colour": Colour.RED}) == json.dumps(
        {"colour": Colour.RED}, separators=(",", ":")
    )


def test_the_api_writes_dates_and_lone_surrogates_as_before() -> None:
    app = Flask(__name__)
    app.json = StrictJSONProvider(app)
    at = datetime.datetime(2026, 12, 3, 20, 0, tzinfo=datetime.UTC)
    assert app.json.dumps({"at": at}) == '{"at": "Thu, 03 Dec 2026 20:00:00 GMT"}'
    assert app.json.dumps({"title": "a\ud800b"}) == '{"title": "a\ufffdb"}'
    assert app.json.dumps({"title": "题", "n": [1, 2.5]}) == '{"title":"题","n":[1,2.5]}'
