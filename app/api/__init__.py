"""The management API blueprint (``/api``): One API's paths and ``{success, message, data}`` replies."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from app.api import status, users  # noqa: E402,F401  (views attach themselves to bp)
