"""The answer payloads' fast paths (``/play``'s AnswerSchema.plain, the API's
SelfPacedAnswerSchema.plain) never disagree with marshmallow: whatever they take,
``load`` takes with the same result; whatever else, they leave to ``load``, which says
what is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from web.api.selfpaced import SelfPacedAnswerSchema
from web.live.schemas import AnswerSchema

SCHEMA = AnswerSchema()
API = SelfPacedAnswerSchema()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=70),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
payloads = st.one_of(
    json_values,
    st.dictionaries(
        st.sampled_from(["question", "response", "seq", "key", "advance", "extra", "Question"]),
        json_values,
        max_size=4,
    ),
    st.fixed_dictionaries(
        {"question": st.text(min_size=0, max_size=70), "response": json_values},
        optional={
            "seq": st.none() | st.integers() | st.booleans() | st.floats(allow_nan=False),
            "key": st.none() | st.text(max_size=70) | st.integers(),
            "advance": st.booleans() | st.none() | st.integers() | st.text(max_size=5),
        },
    ),
)


def loaded(schema: Any, data: Any) -> Any:
    try:
        return schema.load(data)
    except ValidationError:
        return "refused"


@settings(max_examples=400)
@given(payloads)
def test_the_fast_path_takes_only_what_load_takes_and_gives_the_same(data: Any) -> None:
    fast = AnswerSchema.plain(data)
    if fast is not None:
        assert loaded(SCHEMA, data) == fast


@settings(max_examples=400)
@given(payloads.filter(lambda data: isinstance(data, dict)))
def test_the_apis_fast_path_takes_only_what_load_takes_and_gives_the_same(data: Any) -> None:
    fast = SelfPacedAnswerSchema.plain(data)
    if fast is not None:
        assert loaded(API, data) == fast


@pytest.mark.parametrize(
    "data",
    [
        {"question": "nd-0001", "response": "b"},
        {"question": "nd-0006", "response": ["a", "c"], "seq": 7},
        {"question": "nd-0012", "response": False, "seq": None},
        {"question": "nd-0031", "response": [1, 0, 3, 2]},
        {"question": "nd-0001", "response": "b", "advance": True},
        {"question": "nd-0001", "response": "b", "advance": False},
    ],
)
def test_what_phones_send_takes_the_fast_path(data: dict[str, Any]) -> None:
    assert AnswerSchema.plain(data) == SCHEMA.load(data)


@pytest.mark.parametrize(
    "data",
    [
        {"question": "", "response": "b"},
        {"question": "x" * 65, "response": "b"},
        {"question": "nd-0001"},
        {"question": "nd-0001", "response": None},
        {"question": "nd-0001", "response": "b", "seq": True},
        {"question": "nd-0001", "response": "b", "seq": "3"},
        {"question": "nd-0001", "response": "b", "extra": 1},
        {"question": "nd-0001", "response": "b", "advance": 1},
        {"question": "nd-0001", "response": "b", "advance": "true"},
        ["nd-0001", "b"],
    ],
)
def test_anything_else_is_left_to_load(data: Any) -> None:
    assert AnswerSchema.plain(data) is None


@pytest.mark.parametrize(
    "data",
    [
        {"question": "nd-0001", "response": "b"},
        {"question": "nd-0006", "response": ["a", "c"], "key": "k-1"},
        {"question": "nd-0001", "response": "b", "advance": True, "key": None},
    ],
)
def test_what_api_clients_send_takes_the_fast_path(data: dict[str, Any]) -> None:
    assert SelfPacedAnswerSchema.plain(data) == API.load(data)


@pytest.mark.parametrize(
    "data",
    [
        {"question": "nd-0001", "response": "b", "seq": 3},
        {"question": "nd-0001", "response": "b", "key": "k" * 65},
        {"question": "nd-0001", "response": "b", "key": 7},
        {"question": "nd-0001", "response": "b", "advance": "true"},
        {"question": "nd-0001", "response": None},
    ],
)
def test_any_other_api_body_is_left_to_load(data: dict[str, Any]) -> None:
    assert SelfPacedAnswerSchema.plain(data) is None
