"""The swarm's Engine.IO / Socket.IO codec and its answer bookkeeping (load_tests/)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

LOAD_TESTS = Path(__file__).resolve().parents[2] / "load_tests"


def load(name: str) -> ModuleType:
    """load_tests/ is a folder of scripts, not a package: import them by path."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, LOAD_TESTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


eio = load("engineio_client")
swarm = load("swarm")
Packet = eio.Packet


def test_a_namespace_connect_is_40_with_the_namespace_and_a_comma():
    assert eio.encode(Packet(eio.CONNECT, "/play")) == "40/play,"


def test_an_event_with_an_ack_id_puts_the_id_between_namespace_and_json():
    message = eio.encode_event("/play", "join", {"code": "AB12", "nickname": "阿明"}, 7)
    assert message == '42/play,7["join",{"code":"AB12","nickname":"阿明"}]'


def test_the_default_namespace_is_left_out():
    assert eio.encode_event("/", "ping", None) == '42["ping",null]'


def test_an_ack_decodes_to_its_id_and_arguments():
    packet = eio.decode('43/play,12[{"ok":true,"accepted":true,"duplicate":false}]')
    assert packet == Packet(
        eio.ACK, "/play", 12, [{"ok": True, "accepted": True, "duplicate": False}]
    )


def test_a_broadcast_event_has_no_ack_id():
    packet = eio.decode('42/play,["question",{"key":"q1","index":1}]')
    assert packet == Packet(eio.EVENT, "/play", None, ["question", {"key": "q1", "index": 1}])


def test_a_namespace_connect_reply_carries_the_sid():
    assert eio.decode('40/host,{"sid":"abc"}') == Packet(eio.CONNECT, "/host", None, {"sid": "abc"})


def test_a_namespace_without_a_trailing_comma_still_decodes():
    assert eio.decode("41/play") == Packet(eio.DISCONNECT, "/play")


def test_json_that_starts_with_a_digit_is_not_taken_for_an_ack_id():
    # Only an ack id may follow the namespace directly; data always starts with [ or {.
    assert eio.decode("43/play,5[3]") == Packet(eio.ACK, "/play", 5, [3])


@pytest.mark.parametrize("message", ["2", "3", "4", "4x", '45-/play,["a",{"_placeholder":true}]'])
def test_what_is_not_a_text_socketio_packet_is_refused(message):
    with pytest.raises(eio.ProtocolError):
        eio.decode(message)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@settings(max_examples=150)
@given(
    kind=st.sampled_from([eio.CONNECT, eio.EVENT, eio.ACK]),
    namespace=st.sampled_from(["/", "/play", "/host", "/watch"]),
    ack_id=st.none() | st.integers(min_value=0, max_value=10**9),
    data=st.none() | st.lists(json_values, min_size=1, max_size=3),
)
def test_encoding_then_decoding_gives_the_packet_back(kind, namespace, ack_id, data):
    packet = Packet(kind, namespace, ack_id, data)
    assert eio.decode(eio.encode(packet)) == packet


def test_socketio_url_asks_for_engineio_4_over_websocket():
    assert eio.socketio_url("127.0.0.1", 8100) == (
        "ws://127.0.0.1:8100/socket.io/?EIO=4&transport=websocket"
    )


def ack(data, at):
    return eio.Ack(data, at)


ACCEPTED = {"ok": True, "accepted": True, "duplicate": False}
DUPLICATE = {"ok": True, "accepted": True, "duplicate": True}


def test_a_retry_flagged_as_duplicate_counts_once():
    tally = swarm.AnswerTally()
    tally.record(10.0, [ack(ACCEPTED, 10.2), ack(DUPLICATE, 10.3)])
    assert (tally.acked, tally.lost, tally.double_counted) == (2, 0, 0)
    assert (tally.duplicates_sent, tally.duplicates_flagged) == (1, 1)
    assert tally.latencies == [pytest.approx(0.2)]
    assert (tally.first_send, tally.last_ack) == (10.0, 10.3)


def test_two_first_results_for_one_answer_are_a_double_count():
    tally = swarm.AnswerTally()
    tally.record(1.0, [ack(ACCEPTED, 1.1), ack(ACCEPTED, 1.2)])
    assert tally.double_counted == 1
    assert tally.duplicates_flagged == 0


def test_no_ack_and_a_refusal_are_both_lost():
    tally = swarm.AnswerTally()
    tally.record(1.0, [None])
    tally.record(2.0, [ack({"ok": False, "error": {"code": "closed"}}, 2.1)])
    assert (tally.acked, tally.lost) == (0, 2)
    assert tally.latencies == []


def test_an_ok_ack_that_was_not_accepted_is_counted_apart():
    tally = swarm.AnswerTally()
    tally.record(1.0, [ack({"ok": True, "accepted": False, "duplicate": False}, 1.5)])
    assert (tally.acked, tally.not_accepted, tally.lost) == (1, 1, 0)


def test_tallies_from_two_processes_add_up():
    one, two = swarm.AnswerTally(), swarm.AnswerTally()
    one.record(5.0, [ack(ACCEPTED, 5.5)])
    two.record(4.0, [None])
    two.record(4.5, [ack(ACCEPTED, 7.0), ack(ACCEPTED, 7.1)])
    one.add(two)
    assert (one.acked, one.lost, one.double_counted, one.duplicates_sent) == (3, 1, 1, 1)
    assert one.burst_s == pytest.approx(7.1 - 4.0)
    assert sorted(one.latencies) == [pytest.approx(0.5), pytest.approx(2.5)]


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert swarm.percentile(values, 0.5) == 50.0
    assert swarm.percentile(values, 0.99) == 99.0
    assert swarm.percentile([3.0], 0.99) == 3.0
    assert swarm.percentile([], 0.5) is None


def test_a_choice_question_is_answered_with_one_of_its_keys():
    question = {"type": "single", "choices": [{"key": "a"}, {"key": "b"}, {"key": "c"}]}
    rng = random.Random(1)
    assert {swarm.response_for(question, rng) for _ in range(50)} == {"a", "b", "c"}


def test_a_multiple_choice_answer_is_a_sorted_nonempty_subset():
    question = {"type": "multiple", "choices": [{"key": k} for k in "abcd"]}
    rng = random.Random(2)
    for _ in range(30):
        response = swarm.response_for(question, rng)
        assert response == sorted(set(response))
        assert response
        assert set(response) <= set("abcd")


def test_the_verdicts_compare_leitai_with_the_baseline_by_the_issue_targets():
    baseline = {
        "connect": {"joined": 10_000},
        "fanout": {"time_ms": 600.0, "max_ms": 700.0, "misses": 0},
        "answers": {"per_second": 4000, "lost": 0, "double_counted": 0, "server_cpu_us": 150},
        "server": {"kb_per_connection": 54.0},
    }
    leitai = {
        "connect": {"joined": 9_990},
        "fanout": {"time_ms": 720.0, "max_ms": 1100.0, "misses": 0},
        "answers": {"per_second": 3400, "lost": 0, "double_counted": 2, "server_cpu_us": 300},
        "server": {"kb_per_connection": 79.0},
    }
    rows = {row[0]: row for row in swarm.judge(baseline, leitai)}
    assert rows["contestants joined"][-1] == "FAIL"
    assert rows["every contestant within 1 s (worst, ms)"][-1] == "FAIL"
    assert rows["fan-out time (ms)"][3:] == (1.2, "<= 1.15x", "FAIL")
    assert rows["answers/s"][3:] == (0.85, ">= 0.8x", "pass")
    assert rows["server CPU per answer (us)"][1:] == (150, 300, 2.0, "-", "-")  # no target
    assert rows["answers double-counted"][-1] == "FAIL"
    assert rows["server KB per connection"][-1] == "pass"


def test_without_leitai_numbers_there_is_no_verdict():
    rows = swarm.judge({"fanout": {"time_ms": 600.0}}, None)
    assert {row[-1] for row in rows} == {"-"}
