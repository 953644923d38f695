"""The framework ceiling for ``selfpaced.py``: its three endpoints on bare Flask and gevent's
WSGI server (with the handler ``leitai serve`` runs), doing no engine work.

An entry is one Redis INCR, an answer one Redis HSETNX (whose reply tells a retry, so
``selfpaced.py``'s duplicate check holds), a delivery no Redis at all: the same static
question each time, and the number answered kept in this process. The token is the
contestant's number, unsigned. What ``selfpaced.py`` measures here is what HTTP, Flask,
JSON and one Redis round trip cost on this machine; Leitai's numbers divided by these say
how far the engine is from that ceiling.

    python load_tests/selfpaced_baseline.py --port 8767 --redis-url redis://127.0.0.1:6379/0 \\
        --prefix bench-1234 --questions 10

``selfpaced.py`` starts and stops it; it serves until terminated.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
from typing import Any  # noqa: E402

import redis  # noqa: E402
from flask import Flask, request  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

from web.cli import NoDelayHandler  # noqa: E402  the handler leitai serve runs

CHOICES = [{"key": key, "text": {"en": f"Choice {key}"}} for key in "abcd"]


def make_app(client: redis.Redis, prefix: str, questions: int) -> Flask:
    app = Flask(__name__)
    answered: dict[str, int] = {}  # contestant -> questions answered (one process)

    def contestant() -> str:
        return request.headers["Authorization"].removeprefix("Bearer ")

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    @app.post("/api/v1/rounds/<int:round_id>/entries")
    def enter(round_id: int) -> tuple[dict[str, Any], int]:
        body = request.get_json()
        number = str(client.incr(f"{prefix}:round:{round_id}:next-contestant"))
        answered[number] = 0
        entry = {"contestant": number, "nickname": body["nickname"], "token": number}
        return {**entry, "total": questions}, 201

    @app.get("/api/v1/rounds/<int:round_id>/paper/next")
    def next_question(round_id: int) -> dict[str, Any]:
        index = answered[contestant()]
        done = index >= questions
        question = {
            "key": f"q{index}",
            "index": index,
            "total": questions,
            "type": "single",
            "prompt": {"en": "Which one?"},
            "choices": CHOICES,
            "media": None,
        }
        return {
            "question": None if done else question,
            "index": index,
            "total": questions,
            "deadline": None,
            "remaining_ms": 20_000,
            "missed": [],
            "done": done,
        }

    @app.post("/api/v1/rounds/<int:round_id>/answers")
    def answer(round_id: int) -> dict[str, Any]:
        who, body = contestant(), request.get_json()
        first = client.hsetnx(
            f"{prefix}:round:{round_id}:answers:{who}",
            body["question"],
            json.dumps(body["response"]),
        )
        if first:
            answered[who] += 1
        result = {"question": body["question"], "points": 0, "correct": False}
        return {"accepted": True, "duplicate": not first, "result": result}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--questions", type=int, required=True)
    args = parser.parse_args()
    pool = redis.BlockingConnectionPool.from_url(args.redis_url, max_connections=64, timeout=20)
    app = make_app(redis.Redis.from_pool(pool), args.prefix, args.questions)
    WSGIServer(
        ("127.0.0.1", args.port), app, log=None, handler_class=NoDelayHandler
    ).serve_forever()


if __name__ == "__main__":
    main()
