"""The /v1 data plane (blueprint ``relay``): OpenAI-compatible endpoints in front of the channels."""

from flask import Blueprint

bp = Blueprint("relay", __name__)

from app.relay import routes  # noqa: E402,F401  (views attach themselves to bp)
