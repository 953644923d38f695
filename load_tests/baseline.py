"""The framework alone: bare Flask-SocketIO on gevent with Leitai's live-round event shapes.

No engine, no stores: joins and answers touch a dict and a set; ``next``, ``close`` and
``reveal`` are one room broadcast each (question, closed, reveal), as phones get them from
Leitai. The swarm runs against this and against ``leitai serve`` and prints the ratios,
so Leitai's overhead is measured against what Flask-SocketIO itself can do on this machine.
Like ``leitai serve``, WebSockets come from simple-websocket (gevent-websocket is not
installed) and the server runs through ``socketio.run``.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

#: The one round this server runs; every join code but this one is refused.
CODE = "BASE01"
#: A fixed paper length; ``next`` beyond it is refused.
TOTAL = 50
WINDOW_MS = 20_000

app = Flask(__name__)
# The same engine settings as web/app.py, so pings and buffers cost the same.
socketio = SocketIO(
    app,
    async_mode="gevent",
    max_http_buffer_size=16 * 1024,
    ping_interval=20,
    ping_timeout=20,
)

contestant_ids = itertools.count(1)
contestants: dict[str, int] = {}  # sid -> contestant id
answered: dict[tuple[int, str], str] = {}  # (contestant, question key) -> response
round_state = {"index": 0, "seq": 0}


def refused(code: str, message: str) -> dict:
    return {"ok": False, "error": {"code": code, "message": message}}


@socketio.on("join", namespace="/play")
def join(data):
    if not isinstance(data, dict) or data.get("code") != CODE:
        return refused("unknown_code", "no round has this code")
    contestant = next(contestant_ids)
    contestants[request.sid] = contestant
    join_room(f"round:{CODE}")
    state = {"phase": "lobby", "index": round_state["index"], "seq": round_state["seq"]}
    return {"ok": True, "contestant": contestant, "token": f"t{contestant}", "state": state}


@socketio.on("answer", namespace="/play")
def answer(data):
    contestant = contestants.get(request.sid)
    if contestant is None:
        return refused("not_joined", "join a round first")
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        return refused("bad_answer", "an answer names its question")
    key = (contestant, data["question"])
    if key in answered:
        return {"ok": True, "accepted": True, "duplicate": True}
    answered[key] = str(data.get("response"))
    return {"ok": True, "accepted": True, "duplicate": False}


@socketio.on("disconnect", namespace="/play")
def leave(*_reason):
    contestants.pop(request.sid, None)


@socketio.on("attach", namespace="/host")
def attach(data):
    if not isinstance(data, dict) or data.get("round") not in (CODE, None):
        return refused("unknown_round", "no such round")
    return {"ok": True, "state": {"phase": "lobby", "seq": round_state["seq"]}}


@socketio.on("next", namespace="/host")
def next_question(*_data):
    if round_state["index"] >= TOTAL:
        return refused("no_more_questions", "the paper is finished")
    round_state["index"] += 1
    round_state["seq"] += 1
    index = round_state["index"]
    now = int(time.time() * 1000)
    question = {
        "key": f"base-{index:04d}",
        "index": index,
        "total": TOTAL,
        "type": "single",
        "prompt": "Which line comes next?",
        "choices": [{"key": k, "text": k.upper()} for k in "abcd"],
        "media": None,
        "opens_at": now,
        "closes_at": now + WINDOW_MS,
        "seq": round_state["seq"],
    }
    # ~200 bytes of JSON. One emit to the room: serialised once, written to every socket.
    socketio.emit("question", question, to=f"round:{CODE}", namespace="/play")
    return {"ok": True, "seq": round_state["seq"]}


@socketio.on("close", namespace="/host")
def close_question(*_data):
    round_state["seq"] += 1
    now = int(time.time() * 1000)
    closed = {"index": round_state["index"], "seq": round_state["seq"], "at": now}
    socketio.emit("closed", {**closed, "skipped": False}, to=f"round:{CODE}", namespace="/play")
    return {"ok": True, "seq": round_state["seq"]}


@socketio.on("reveal", namespace="/host")
def reveal(*_data):
    """The answer and per-option counts, as Leitai reveals them (~250 bytes of JSON)."""
    round_state["seq"] += 1
    index = round_state["index"]
    key = f"base-{index:04d}"
    counts = Counter(response for (_, asked), response in answered.items() if asked == key)
    message = {
        "key": key,
        "index": index,
        "answer": ["b"],
        "explanation": {"zh-Hans": "第二行。", "en": "The second line."},
        "stats": {"answers": sum(counts.values()), "options": dict(counts)},
        "seq": round_state["seq"],
        "you": None,
    }
    socketio.emit("reveal", message, to=f"round:{CODE}", namespace="/play")
    return {"ok": True, "seq": round_state["seq"]}


@socketio.on("finish", namespace="/host")
def finish(*_data):
    round_state["seq"] += 1
    return {"ok": True, "seq": round_state["seq"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    print(f"baseline pid {os.getpid()} on {args.host}:{args.port} code {CODE}", flush=True)
    socketio.run(app, host=args.host, port=args.port, log_output=False)


if __name__ == "__main__":
    main()
