"""GitHub sign-in: the OAuth web flow's code exchange and the /user lookup.

https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
"""

from __future__ import annotations

from flask import current_app

from app.auth import oauth
from app.auth.oauth import Identity, Provider
from app.options import current as current_options

LABEL = "GitHub"


def exchange_code(code: str) -> str:
    options = current_options()
    token_url = f"{current_app.config['TOLLGATE'].github_oauth_url.rstrip('/')}/login/oauth/access_token"
    # The SPA's authorize URL names no redirect_uri, so GitHub uses the app's registered one; sending
    # ours would only add a way to fail when ServerAddress differs from it.
    return oauth.exchange_code(LABEL, token_url, options.get("GitHubClientId"), options.get("GitHubClientSecret"),
                               code, redirect_to=None)


def fetch_identity(access_token: str) -> Identity:
    api_url = current_app.config["TOLLGATE"].github_api_url.rstrip("/")
    profile = oauth.get_json(LABEL, f"{api_url}/user",
                             headers={**oauth.bearer(access_token), "Accept": "application/vnd.github+json"})
    # One API stores the login (not the numeric id) in github_id; migrated databases rely on that.
    return Identity(provider_id=oauth.text(profile.get("login")), display_name=oauth.text(profile.get("name")),
                    email=oauth.text(profile.get("email")))


PROVIDER = Provider(name="github", label=LABEL, column="github_id", default_display_name="GitHub User",
                    is_enabled=lambda: current_options().get_bool("GitHubOAuthEnabled"),
                    exchange_code=exchange_code, fetch_identity=fetch_identity)
