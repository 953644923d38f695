"""The OpenAPI document and a browsable page for it."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template

from web.api import api
from web.openapi import build_spec

docs_pages = Blueprint("api_docs", __name__)


@api.get("/openapi.json")
def openapi_document() -> Response:
    spec = current_app.extensions.get("leitai.openapi")
    if spec is None:  # built once per app, after every blueprint is registered
        spec = current_app.extensions["leitai.openapi"] = build_spec(current_app)
    return jsonify(spec)


@docs_pages.get("/api/docs")
def docs_page() -> str:
    return render_template("api_docs.html")
