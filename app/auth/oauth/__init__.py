"""What every sign-in provider shares: the identity it yields, its description, and guarded outbound calls."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError

from app.errors import AppError
from app.options import current as current_options

HTTP_TIMEOUT_SECONDS = 8
log = logging.getLogger(__name__)


class ProviderError(AppError):
    """The provider refused or failed; the message names the provider and never carries a secret."""


@dataclass(frozen=True)
class Identity:
    provider_id: str
    username_hint: str = ""  # a username the provider suggests (OIDC preferred_username)
    display_name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Provider:
    """One sign-in provider: the users column it fills and its two steps, code → token → identity."""

    name: str  # the /api/oauth/<name> path segment and the prefix of the usernames it creates
    label: str  # shown in messages
    column: str  # the users column holding the provider's account id
    default_display_name: str
    is_enabled: Callable[[], bool]
    exchange_code: Callable[[str], str]
    fetch_identity: Callable[[str], Identity]

    def identify(self, code: str) -> Identity:
        identity = self.fetch_identity(self.exchange_code(code))
        if not identity.provider_id:
            raise ProviderError(f"{self.label} did not say which account signed in.")
        return identity


def text(value: Any) -> str:
    """A provider's field as trimmed text; anything that is not a string (null, a number) becomes ""."""
    return value.strip() if isinstance(value, str) else ""


def redirect_uri(provider_name: str) -> str:
    """The SPA page the provider sends the browser back to; it must match the authorize request's."""
    return f"{current_options().get('ServerAddress').rstrip('/')}/oauth/{provider_name}"


def exchange_code(label: str, token_url: str, client_id: str, client_secret: str, code: str, *,
                  redirect_to: str | None, auth_method: str | Callable = "client_secret_post") -> str:
    """The access token for an authorization code, through Authlib's OAuth 2 client."""
    if not token_url or not client_id:
        raise AppError(f"{label} sign-in is not configured: the client id or token endpoint is missing.")
    session = OAuth2Session(client_id, client_secret, token_endpoint_auth_method=auth_method,
                            redirect_uri=redirect_to)
    try:
        with session:
            token = session.fetch_token(token_url, code=code, grant_type="authorization_code",
                                        timeout=HTTP_TIMEOUT_SECONDS)
    except OAuthError as exc:
        log.warning("%s refused the authorization code: %s", label, exc.error)
        raise ProviderError(f"{label} refused the authorization code ({exc.error}); sign in again.") from None
    except (requests.RequestException, ValueError) as exc:
        log.warning("%s token request failed: %s", label, type(exc).__name__)
        raise ProviderError(f"Could not reach {label} to finish signing in; try again later.") from None
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise ProviderError(f"{label} answered without an access token; sign in again.")
    return access_token


def get_json(label: str, url: str, *, headers: dict[str, str] | None = None,
             params: dict[str, str] | None = None) -> dict:
    """A provider's JSON object at ``url``; failures become a ProviderError (the URL may hold a code, so it is not logged)."""
    try:
        response = requests.get(url, headers=headers, params=params, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        body = response.json()
    except (requests.RequestException, ValueError) as exc:
        log.warning("%s request failed: %s", label, type(exc).__name__)
        raise ProviderError(f"Could not read your account from {label}; try again later.") from None
    if not isinstance(body, dict):
        raise ProviderError(f"{label} answered with something other than a JSON object.")
    return body


def bearer(access_token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access_token}"}
