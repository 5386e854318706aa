"""Identity: the sign-in routes (blueprint ``auth``, mounted under ``/api``) and session loading."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/api")

from app.auth import email_routes, oauth_routes, routes  # noqa: E402,F401  (views attach themselves to bp)
