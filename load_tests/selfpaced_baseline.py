"""The framework ceiling for ``selfpaced.py``: its three endpoints on bare Flask and gevent's
WSGI server (with the handler ``leitai serve`` runs), or with ``--transport socket`` its
three ``/play`` events (join, next, answer) on bare Flask-SocketIO run as ``leitai serve``
runs it, doing no engine work.

An entry is one Redis INCR, an answer one Redis HSETNX (whose reply tells a retry, so
``selfpaced.py``'s duplicate check holds), a delivery no Redis at all: the same static
question each time, and the number answered kept in this process. The token is the
contestant's number, unsigned. What ``selfpaced.py`` measures here is what HTTP, Flask,
JSON and one Redis round trip cost on this machine (or Socket.IO's framing, acks and
JSON); Leitai's numbers divided by these say how far the engine is from that ceiling.

    python load_tests/selfpaced_baseline.py --port 8767 --redis-url redis://127.0.0.1:6379/0 \\
        --prefix bench-1234 --questions 10 [--transport socket]

``selfpaced.py`` starts and stops it; it serves until terminated.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
from typing import Any  # noqa: E402

import redis  # noqa: E402
from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

from web.cli import NoDelayHandler  # noqa: E402  the handler leitai serve runs

CHOICES = [{"key": key, "text": {"en": f"Choice {key}"}} for key in "abcd"]


class Papers:
    """The engine-free work behind both transports: an entry, a delivery, an answer."""

    def __init__(self, client: redis.Redis, prefix: str, questions: int) -> None:
        self.client, self.prefix, self.questions = client, prefix, questions
        self.answered: dict[str, int] = {}  # contestant -> questions answered (one process)

    def enter(self, round_id: int, nickname: str) -> dict[str, Any]:
        number = str(self.client.incr(f"{self.prefix}:round:{round_id}:next-contestant"))
        self.answered[number] = 0
        return {"contestant": number, "nickname": nickname, "token": number}

    def next(self, who: str) -> dict[str, Any]:
        index = self.answered[who]
        done = index >= self.questions
        question = {
            "key": f"q{index}",
            "index": index,
            "total": self.questions,
            "type": "single",
            "prompt": {"en": "Which one?"},
            "choices": CHOICES,
            "media": None,
        }
        return {
            "question": None if done else question,
            "index": index,
            "total": self.questions,
            "deadline": None,
            "remaining_ms": 20_000,
            "missed": [],
            "done": done,
        }

    def answer(self, round_id: int, who: str, body: dict[str, Any]) -> dict[str, Any]:
        first = self.client.hsetnx(
            f"{self.prefix}:round:{round_id}:answers:{who}",
            body["question"],
            json.dumps(body["response"]),
        )
        if first:
            self.answered[who] += 1
        result = {"question": body["question"], "points": 0, "correct": False}
        reply = {"accepted": True, "duplicate": not first, "result": result}
        if body.get("advance"):  # answer and advance, as Leitai's: the next delivery too
            reply["next"] = self.next(who)
        return reply


def make_app(papers: Papers) -> Flask:
    app = Flask(__name__)

    def contestant() -> str:
        return request.headers["Authorization"].removeprefix("Bearer ")

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    @app.post("/api/v1/rounds/<int:round_id>/entries")
    def enter(round_id: int) -> tuple[dict[str, Any], int]:
        entry = papers.enter(round_id, request.get_json()["nickname"])
        return {**entry, "total": papers.questions}, 201

    @app.get("/api/v1/rounds/<int:round_id>/paper/next")
    def next_question(round_id: int) -> dict[str, Any]:
        return papers.next(contestant())

    @app.post("/api/v1/rounds/<int:round_id>/answers")
    def answer(round_id: int) -> dict[str, Any]:
        return papers.answer(round_id, contestant(), request.get_json())

    return app


def add_play(app: Flask, papers: Papers) -> SocketIO:
    """``/play`` as the phone page speaks it for a self-paced round: join (by code), then
    next and answer, each acked; the connection remembers its contestant."""
    socketio = SocketIO(  # the same engine settings as web/app.py
        app, async_mode="gevent", max_http_buffer_size=16 * 1024, ping_interval=20, ping_timeout=20
    )
    seats: dict[str, str] = {}  # sid -> contestant

    @socketio.on("join", namespace="/play")
    def join(data: dict[str, Any]) -> dict[str, Any]:
        entry = papers.enter(1, data["nickname"])
        seats[request.sid] = entry["contestant"]  # type: ignore[attr-defined]
        return {"ok": True, **entry, "paper": {"total": papers.questions, "seed": "0"}}

    @socketio.on("next", namespace="/play")
    def next_question(_data: object = None) -> dict[str, Any]:
        return {"ok": True, **papers.next(seats[request.sid])}  # type: ignore[attr-defined]

    @socketio.on("answer", namespace="/play")
    def answer(data: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, **papers.answer(1, seats[request.sid], data)}  # type: ignore[attr-defined]

    @socketio.on("disconnect", namespace="/play")
    def leave(*_reason: object) -> None:
        seats.pop(request.sid, None)  # type: ignore[attr-defined]

    return socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--questions", type=int, required=True)
    parser.add_argument("--transport", choices=("http", "socket"), default="http")
    args = parser.parse_args()
    pool = redis.BlockingConnectionPool.from_url(args.redis_url, max_connections=64, timeout=20)
    papers = Papers(redis.Redis.from_pool(pool), args.prefix, args.questions)
    app = make_app(papers)
    if args.transport == "socket":
        add_play(app, papers).run(
            app, host="127.0.0.1", port=args.port, log_output=False, handler_class=NoDelayHandler
        )
        return
    WSGIServer(
        ("127.0.0.1", args.port), app, log=None, handler_class=NoDelayHandler
    ).serve_forever()


if __name__ == "__main__":
    main()
