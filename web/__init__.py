"""Leitai's web layer: HTTP API, Socket.IO namespaces, pages and the command line.

``create_app`` is imported lazily so ``leitai serve`` can monkey-patch with gevent before
Flask, Redis or SQLAlchemy are imported.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from web.app import create_app

        return create_app
    raise AttributeError(name)
