"""Cloudflare Turnstile on registration, verification and reset: the ``turnstile`` token, once per session."""

from __future__ import annotations

import logging

import requests
from flask import current_app, request, session

from app.client_ip import client_ip
from app.errors import AppError
from app.options import current as current_options

log = logging.getLogger(__name__)

TURNSTILE_TIMEOUT_SECONDS = 10
_PASSED_KEY = "turnstile"  # One API's session flag: a session that passed once is not asked again


def require_turnstile() -> None:
    """Refuse the request unless Turnstile is off, this session passed it, or ``?turnstile=`` checks out."""
    if not current_options().get_bool("TurnstileCheckEnabled") or session.get(_PASSED_KEY):
        return
    token = request.args.get("turnstile", "")
    if not token:
        raise AppError("The Turnstile token is missing.")
    if not check_turnstile(token, client_ip()):
        raise AppError("The Turnstile check failed; refresh the page and try again.")
    session[_PASSED_KEY] = True


def check_turnstile(token: str, ip: str) -> bool:
    """Ask Cloudflare's siteverify about ``token``; an unreachable or garbled service counts as a failure."""
    form = {"secret": current_options().get("TurnstileSecretKey"), "response": token, "remoteip": ip}
    url = current_app.config["TOLLGATE"].turnstile_verify_url
    try:
        reply = requests.post(url, data=form, timeout=TURNSTILE_TIMEOUT_SECONDS)
        return reply.json().get("success") is True
    except (requests.RequestException, ValueError, AttributeError) as exc:
        log.warning("Turnstile siteverify at %s failed: %r", url, exc)
        return False
