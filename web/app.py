"""The Flask application factory."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_socketio import SocketIO
from werkzeug.middleware.proxy_fix import ProxyFix

from web.config import Settings, settings_from_environ
from web.errors import register_error_handlers
from web.ids import IdConverter
from web.live.broadcast import Broadcaster
from web.live.decoding import MAX_FRAME, LeitaiPacket
from web.live.namespaces import HostNamespace, PlayNamespace, WatchNamespace
from web.live.queue import RedisQueue
from web.live.ticker import Ticker
from web.page_headers import install_page_headers
from web.strict_json import StrictJSONProvider
from web.wiring import Wiring, message_queue, wire


class NoApiSession(SecureCookieSessionInterface):
    """No session for ``/api``: its callers carry bearer tokens, and opening the signed
    cookie (a serializer built per request) was 5 % of a self-paced answer's CPU."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/api/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def create_app(settings: Settings | None = None, *, wired: Wiring | None = None) -> Flask:
    """An app on ``settings`` (from the environment by default).

    Tests hand in ``wired`` adapters (their own database transaction and Redis prefix).
    """
    settings = settings or (wired.settings if wired else settings_from_environ())
    wired = wired or wire(settings)
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        **settings.extra,
    )
    app.json = StrictJSONProvider(app)
    app.session_interface = NoApiSession()
    app.extensions["leitai"] = wired
    app.url_map.converters["int"] = IdConverter  # before any route uses it
    register_error_handlers(app)
    install_page_headers(app, settings.watch_frame_ancestors)
    wired.metrics.instrument(app)

    from web.api import api
    from web.api.docs import docs_pages
    from web.api.media import media_files
    from web.console import console
    from web.health import health
    from web.pages import pages

    app.register_blueprint(api)
    app.register_blueprint(docs_pages)
    app.register_blueprint(health)
    app.register_blueprint(media_files)
    app.register_blueprint(console)
    app.register_blueprint(pages)

    socketio = SocketIO(
        app,
        client_manager=message_queue(settings),
        serializer=LeitaiPacket,
        max_http_buffer_size=MAX_FRAME,
        ping_interval=20,
        ping_timeout=20,
    )
    app.extensions["leitai.socketio"] = socketio
    if settings.trusted_proxies:  # outside Socket.IO's middleware: its sessions see it too
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    broadcaster = Broadcaster(socketio, wired.live)
    if isinstance(socketio.server.manager, RedisQueue):  # processes share rounds through it
        socketio.server.manager.catch_up = broadcaster.catch_up
    app.extensions["leitai.broadcaster"] = broadcaster
    socketio.on_namespace(PlayNamespace("/play", wired, broadcaster))
    socketio.on_namespace(HostNamespace("/host", wired, broadcaster))
    socketio.on_namespace(WatchNamespace("/watch", wired, broadcaster))
    app.extensions["leitai.ticker"] = Ticker(socketio, wired, broadcaster)
    return app
