"""The records Python and Lua share (engine/adapters/redis/records.py), round-tripped over
random values on a real Redis: encoded in Python and decoded by Lua through the names
generated for it, encoded in Lua and decoded in Python, and through the real scripts."""

from __future__ import annotations

import itertools
import json
from collections import Counter
from typing import Any

import pytest
import redis as redis_py
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.adapters.redis.answer_log import (
    CONTESTANT,
    RECORD,
    RedisAnswerLog,
    log_value,
    read_entry,
)
from engine.adapters.redis.connection import RedisConnection
from engine.adapters.redis.leaderboard import RedisLeaderboard
from engine.adapters.redis.live import RedisLiveStore
from engine.adapters.redis.records import (
    ANSWER,
    DELTA,
    NO_PROGRESS,
    PROFILE,
    SHARED,
    Delta,
    Record,
    lua_script,
    pack_profile,
    parse_progress,
    progress_text,
    unpack_profile,
)
from engine.domain.log import Answered, Joined, Left, LogEntry, Voided
from engine.domain.rounds import LiveRound
from engine.domain.standings import InvalidProfileError, Profile, check_profile

examples = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
#: Unicode, but not surrogates, which UTF-8 cannot carry.
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
rounds = itertools.count(1)


def without(separator: str) -> st.SearchStrategy[str]:
    return texts.map(lambda text: text.replace(separator, ""))


def values_of(record: Record[Any]) -> st.SearchStrategy[list[str]]:
    """Random values for every field; the last holds the separator when ``rest`` allows."""
    values = [without(record.separator) for _ in record.names]
    if record.rest:
        values[-1] = texts
    return st.tuples(*values).map(list)


def decoded_in_lua(client: redis_py.Redis, record: Record[Any], text: str) -> list[str] | None:
    """What Lua's ``decode_<record>`` reads from ``text``, field by generated name."""
    fields = ", ".join(f"fields[{record.name.upper()}_{name.upper()}]" for name in record.names)
    script = lua_script() + (
        f"local fields = decode_{record.name}(ARGV[1])\n"
        f"if not fields then return false end\n"
        f"return {{{fields}}}\n"
    )
    reply = client.eval(script, 0, text)
    return None if reply is None else [value.decode() for value in reply]


@pytest.fixture
def client(redis_store: tuple[RedisConnection, str]) -> redis_py.Redis:
    return redis_store[0].client


@pytest.mark.parametrize("record", SHARED, ids=lambda record: record.name)
@examples
@given(data=st.data())
def test_what_python_encodes_lua_decodes_field_by_name(
    client: redis_py.Redis, record: Record[Any], data: st.DataObject
) -> None:
    values = data.draw(values_of(record))
    text = record.encode(record.fields(*values))

    assert decoded_in_lua(client, record, text) == values
    assert list(record.decode(text)) == values


@pytest.mark.parametrize("record", [ANSWER, DELTA], ids=lambda record: record.name)
@examples
@given(data=st.data())
def test_a_value_holding_the_separator_is_refused_on_both_sides(
    client: redis_py.Redis, record: Record[Any], data: st.DataObject
) -> None:
    values = data.draw(values_of(record))
    where = data.draw(st.integers(0, len(values) - 1))
    values[where] += record.separator + data.draw(texts)
    text = record.encode(record.fields(*values))

    assert decoded_in_lua(client, record, text) is None
    with pytest.raises(ValueError, match=f"not a {record.name} record"):
        record.decode(text)


@examples
@given(values=values_of(DELTA))
def test_what_lua_encodes_python_decodes(client: redis_py.Redis, values: list[str]) -> None:
    filled = "\n".join(
        f"delta[DELTA_{name.upper()}] = ARGV[{i}]" for i, name in enumerate(DELTA.names, 1)
    )
    script = lua_script() + f"local delta = {{}}\n{filled}\nreturn encode_delta(delta)\n"

    assert DELTA.decode(client.eval(script, 0, *values).decode()) == Delta(*values)


@given(
    nickname=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=64),
    region=st.none() | st.from_regex(r"[a-z][a-z0-9-]{0,31}", fullmatch=True),
    team=st.none() | st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", fullmatch=True),
)
def test_a_profile_round_trips_with_any_nickname(
    nickname: str, region: str | None, team: str | None
) -> None:
    profile = Profile(nickname, region, team)
    assert unpack_profile(pack_profile(check_profile(profile))) == profile


@pytest.mark.parametrize("field", ["region", "team"])
def test_only_the_nickname_may_hold_the_profile_separator(field: str) -> None:
    with pytest.raises(InvalidProfileError):
        check_profile(Profile("名", **{field: f"a{PROFILE.separator}b"}))


@given(streak=st.integers(0, 10_000), last=st.integers(0, 10_000))
def test_progress_round_trips(streak: int, last: int) -> None:
    assert parse_progress(progress_text((streak, last))) == (streak, last)
    assert progress_text(NO_PROGRESS) == ""  # as the progress hash holds it: no field
    assert parse_progress("") == NO_PROGRESS


responses = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | texts,
    lambda inner: st.lists(inner, max_size=3),
    max_leaves=5,
)
ids = st.integers(0, 2**53)
hashes = st.none() | st.text("0123456789abcdef", min_size=1)  # "" is read as None
entries = st.one_of(
    st.builds(Answered, ids, texts, ids, texts, responses, st.booleans(), st.floats(0, 1)),
    st.builds(Joined, ids, texts, *[st.none() | texts.filter(bool)] * 2, ids, *[hashes] * 2),
    st.builds(Voided, ids, ids, ids),
    st.builds(Left, ids, texts, ids),
)


@given(entry=entries)
def test_a_log_entry_reads_back_as_it_was_written(entry: LogEntry) -> None:
    fields = {RECORD.encode(): log_value(entry).encode()}
    if isinstance(entry, Joined):
        entry = entry._replace(contestant="12")
        fields[CONTESTANT.encode()] = b"12"
    assert read_entry(fields) == entry


@given(entry=st.builds(Answered, ids, texts, ids, texts, responses, st.booleans(), st.floats(0, 1)))
def test_an_answers_entry_is_json_of_texts_as_the_drain_has_always_read_it(
    entry: Answered,
) -> None:
    assert json.loads(log_value(entry)) == {
        "kind": "answer",
        "round": str(entry.round_id),
        "contestant": entry.contestant,
        "index": str(entry.question_index),
        "key": entry.question_key,
        "response": json.dumps(entry.response, ensure_ascii=False, separators=(",", ":")),
        "correct": "1" if entry.correct else "0",
        "credit": str(entry.credit),
        "points": str(entry.points),
        "response_ms": str(entry.response_ms),
        "at": str(entry.answered_at_ms),
    }


# --- through the real scripts ----------------------------------------------------------

choice_keys = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=4)


@pytest.fixture
def live(redis_store: tuple[RedisConnection, str]) -> RedisLiveStore:
    """A live store; each example plays a round of its own on it."""
    connection, prefix = redis_store
    return RedisLiveStore(connection.client, prefix, RedisLeaderboard(connection.client, prefix))


@examples
@given(
    nickname=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=64),
    team=st.none() | st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", fullmatch=True),
    points=st.integers(0, 100_000),
    response_ms=st.integers(0, 60_000),
    result=st.dictionaries(texts, responses, max_size=4),
    options=st.lists(choice_keys, max_size=4),
    response=responses,
    credit=st.floats(0, 1),
)
def test_an_answer_goes_through_the_scripts_and_comes_back_the_same(
    live: RedisLiveStore,
    nickname: str,
    team: str | None,
    points: int,
    response_ms: int,
    result: dict[str, Any],
    options: list[str],
    response: object,
    credit: float,
) -> None:
    round_id = next(rounds)
    live.create(round_id, LiveRound(time_limits_s=(20,)))
    live._boards.register(round_id, "7", nickname, "guangzhou", team)  # a PROFILE, to Lua
    log = Answered(round_id, "7", 0, "nd-0001", response, True, credit, points, response_ms, 1)

    def answer(expected_progress: tuple[int, int], expected_score: float | None) -> Any:
        return live.record_answer(
            round_id,
            None,
            "7",
            0,
            seq=0,
            expected_progress=expected_progress,
            new_progress=(1, 0),
            expected_score=expected_score,
            points=points,
            response_ms=response_ms,
            result=result,
            options=options,
            log=log,
        )

    assert answer((9, 9), None).progress == NO_PROGRESS  # a retry's reply, decoded
    accepted = answer(NO_PROGRESS, None)

    assert accepted.status == "accepted"
    assert accepted.score == live.progress(round_id, "7")[1]
    for scope in ("all", "region:guangzhou", *([f"team:{team}"] if team else [])):
        on_board = live._boards.standing(round_id, "7", scope, view="live")
        assert on_board is not None, scope
        assert on_board.points == points
    assert live.answers(round_id, 0) == {"7": json.loads(json.dumps(result))}
    assert live.option_counts(round_id, 0) == Counter(options)
    assert live.progress(round_id, "7")[0] == (1, 0)
    assert live.progress_before(round_id, 0, "7") == NO_PROGRESS
    [(_, last)] = live._redis.xrevrange(live.logs.keys(round_id)[0], count=1)
    assert read_entry(last) == log
    assert answer(NO_PROGRESS, None).result == json.loads(json.dumps(result))  # a duplicate

    assert live.void_question(round_id, 0, None) == 1  # reads the DELTA the answer left
    assert live.progress(round_id, "7") == (NO_PROGRESS, 0.0)


def test_a_join_and_a_void_come_back_from_the_log_as_they_went_in(live: RedisLiveStore) -> None:
    round_id = next(rounds)
    joined = Joined(round_id, "阿\t明", "guangzhou", None, 5, "id-hash", None)
    contestant, status = live.join(round_id, ["nickname:阿明"], {}, joined)
    live.create(round_id, LiveRound(time_limits_s=(20,)))
    read = LiveRound(time_limits_s=(20,))
    voided = Voided(round_id, 0, 9)
    assert live.save(round_id, read, LiveRound(time_limits_s=(20,), seq=1), voided)

    assert status == "created"
    assert [entry for _, entry in RedisAnswerLog(live._redis, live._prefix).read("t")] == [
        joined._replace(contestant=contestant),
        voided,
    ]
