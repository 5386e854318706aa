"""The management API blueprint (``/api``): One API's paths and ``{success, message, data}`` replies."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from app.api.params import reject_nul_in_query  # noqa: E402

bp.before_request(reject_nul_in_query)

from app.api import (  # noqa: E402,F401  (views attach themselves to bp)
    channels, logs, models, options, redemptions, status, tokens, users,
)
