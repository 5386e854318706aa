"""OAuth routes: state, GitHub, Feishu, OIDC and WeChat sign-in and binding (filled in by the accounts work)."""

from app.auth import bp  # noqa: F401
