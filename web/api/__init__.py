"""The JSON API under ``/api/v1``: one blueprint, a module per resource."""

from __future__ import annotations

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api/v1")

# Resource modules attach their routes to ``api`` when imported.
from web.api import (  # noqa: E402, F401
    auth,
    bank_import,
    bank_lint,
    banks,
    bans,
    campaign_certificates,
    campaigns,
    certificates,
    docs,
    draws,
    exports,
    hosting,
    media,
    review,
    rounds,
    selfpaced,
    standings,
    users,
)
