"""Security headers: what a browser may load into Leitai's pages, and who may frame them.

Every response says ``X-Content-Type-Options: nosniff`` (a JSON error or an uploaded
media file is never run as a script or a page). HTML pages also get a
Content-Security-Policy that allows only this origin's own scripts, styles, images,
media and connections (Socket.IO's WebSocket included), no inline scripts, no plugins,
and ``frame-ancestors 'self'``: another site cannot frame the console to trick an
organiser into clicks. The spectators' big screen (``/watch``) is the one page venues
embed in their own pages; ``LEITAI_WATCH_FRAME_ANCESTORS`` lists who may (e.g.
``https://live.example.cn``, or ``*``), ``'self'`` by default.
"""

from __future__ import annotations

from flask import Flask, Response, request

POLICY = (
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",  # styles set from script (element.style) are not inline styles
    "img-src 'self' data:",
    "media-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
)
WATCH_PATHS = ("/watch",)


def content_security_policy(frame_ancestors: str) -> str:
    return "; ".join((*POLICY, f"frame-ancestors {frame_ancestors}"))


def install_page_headers(app: Flask, watch_frame_ancestors: str = "'self'") -> None:
    if any(character in watch_frame_ancestors for character in ";,\r\n"):
        raise ValueError("LEITAI_WATCH_FRAME_ANCESTORS is a list of sources, nothing more")
    pages = content_security_policy("'self'")
    watch = content_security_policy(watch_frame_ancestors)

    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":
            response.headers["Referrer-Policy"] = "same-origin"  # join codes stay here
            response.headers["Content-Security-Policy"] = (
                watch if request.path.startswith(WATCH_PATHS) else pages
            )
        return response
