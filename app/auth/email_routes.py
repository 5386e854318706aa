"""Email routes: verification codes, password reset, binding an email (filled in by the accounts work)."""

from app.auth import bp  # noqa: F401
