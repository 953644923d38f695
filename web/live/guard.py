"""Every client event gets exactly one ack, whatever arrives.

A namespace base that dispatches events itself: a payload refused at decoding
(``web.live.decoding``), an unknown event, an event with more than one argument and a
handler that raised all get an error ack, and the connection stays open. Handlers keep
their own validation (``namespaces.event``); this is the backstop for what reaches none.
"""

from __future__ import annotations

import logging
from typing import Any

from flask_socketio import Namespace

from web.live.acks import failure
from web.live.decoding import Refused

log = logging.getLogger(__name__)


class GuardedNamespace(Namespace):
    def trigger_event(self, name: str, sid: str, *args: Any) -> Any:
        """Events and disconnects go straight to their handler, with the connection's sid.

        Flask-SocketIO would push a Flask request context for each (URL matching, the
        session cookie): a third of the CPU of every event of an answer burst, for
        handlers that use neither. Only ``connect`` keeps Flask-SocketIO's handling.
        """
        if name == "connect":
            return super().trigger_event(name, sid, *args)
        if name == "disconnect":
            return self.on_disconnect(sid, *args)
        return self.dispatch(name, sid, args)

    def dispatch(self, name: str, sid: str, args: tuple[Any, ...]) -> dict[str, Any]:
        for argument in args:
            if isinstance(argument, Refused):
                return argument.ack
        handler = getattr(self, f"on_{name}", None)
        if handler is None:
            return failure("unknown_event", f"{self.namespace} has no event {name!r}.")
        if len(args) > 1:
            return failure("bad_request", f"{name!r} takes one argument, a JSON object.")
        try:
            return handler(sid, *args)
        except Exception:  # the handler's own guard missed it: still an ack, never a hang
            log.exception("%s %s failed", self.namespace, name)
            return failure("internal", "Something went wrong on our side; try again.")

    def on_disconnect(self, sid: str, reason: object = None) -> None:
        """Forget the connection (subclasses keep per-connection state)."""
