"""Generic OpenID Connect sign-in: endpoints from the options or the provider's discovery document.

https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowAuth
"""

from __future__ import annotations

from app.auth import oauth
from app.auth.oauth import Identity, Provider
from app.errors import AppError
from app.options import current as current_options

LABEL = "OIDC"


def exchange_code(code: str) -> str:
    options = current_options()
    return oauth.exchange_code(LABEL, _endpoint("OidcTokenEndpoint", "token_endpoint"),
                               options.get("OidcClientId"), options.get("OidcClientSecret"), code,
                               redirect_to=oauth.redirect_uri("oidc"))


def fetch_identity(access_token: str) -> Identity:
    claims = oauth.get_json(LABEL, _endpoint("OidcUserinfoEndpoint", "userinfo_endpoint"),
                            headers=oauth.bearer(access_token))
    return Identity(provider_id=oauth.text(claims.get("sub")), username_hint=oauth.text(claims.get("preferred_username")),
                    display_name=oauth.text(claims.get("name")), email=oauth.text(claims.get("email")))


def _endpoint(option_key: str, discovery_key: str) -> str:
    """The option when set, else the endpoint the OidcWellKnown document names."""
    options = current_options()
    if options.get(option_key):
        return options.get(option_key)
    if not options.get("OidcWellKnown"):
        raise AppError(f"OIDC sign-in is not configured: set {option_key} or OidcWellKnown.")
    endpoint = oauth.text(oauth.get_json(LABEL, options.get("OidcWellKnown")).get(discovery_key))
    if not endpoint:
        raise AppError(f"The OIDC discovery document has no {discovery_key}.")
    return endpoint


PROVIDER = Provider(name="oidc", label=LABEL, column="oidc_id", default_display_name="OIDC User",
                    is_enabled=lambda: current_options().get_bool("OidcEnabled"),
                    exchange_code=exchange_code, fetch_identity=fetch_identity)
