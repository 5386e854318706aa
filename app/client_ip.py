"""The caller's IP address: the socket peer, unless that peer is a proxy we were told to trust.

One API believes X-Forwarded-For from anyone, which lets a client spoof token subnet limits and
per-IP rate limits. Here the header counts only when the peer is in TRUSTED_PROXIES.
"""

from __future__ import annotations

import ipaddress

from flask import current_app, request


def client_ip() -> str:
    peer = request.remote_addr or ""
    trusted = current_app.config["TOLLGATE"].trusted_proxies
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    # Walk from the nearest hop back; the first address that is not one of our proxies is the client.
    for address in reversed(forwarded):
        if not _is_trusted(address, trusted):
            return address
    return forwarded[0] if forwarded else peer


def _is_trusted(address: str, trusted: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)
