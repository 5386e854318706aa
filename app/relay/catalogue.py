"""What a key may see without calling an upstream: its models, and OpenAI's legacy billing endpoints."""

from __future__ import annotations

from functools import lru_cache

from flask import jsonify, request
from sqlalchemy import select

from app.cache.channels import channel_pool
from app.client_ip import client_ip
from app.extensions import db
from app.models import Token, User
from app.models.token import NEVER_EXPIRES
from app.options import current as current_options
from app.relay.adaptors import all_adaptors
from app.relay.auth import authenticate
from app.relay.errors import RelayError

MODEL_CREATED = 1626777600  # the fixed timestamp One API reports for every model
UNLIMITED_USD = 100_000_000


@lru_cache(maxsize=1)
def _owners() -> dict[str, str]:
    owners: dict[str, str] = {}
    for adaptor in all_adaptors():
        for model in adaptor.default_models:
            owners.setdefault(model, adaptor.display_name.lower().replace(" ", "-"))
    return owners


def available_models() -> tuple[list[str], object]:
    token, user, _pinned = authenticate(request.headers.get("Authorization", ""), client_ip())
    group_models = channel_pool().models_by_group.get(user.group, ())
    if token.models:
        return sorted(token.models), token
    return list(group_models), token


def _model_object(name: str) -> dict:
    return {"id": name, "object": "model", "created": MODEL_CREATED, "owned_by": _owners().get(name, "custom"),
            "root": name, "parent": None}


def list_models():
    names, _token = available_models()
    return jsonify(object="list", data=[_model_object(name) for name in names])


def retrieve_model(model: str):
    names, _token = available_models()
    if model not in names:
        raise RelayError(f"The model '{model}' does not exist or you do not have access to it.", status=404,
                         type="invalid_request_error", code="model_not_found")
    return jsonify(_model_object(model))


def _account_figures() -> tuple[float, float, int]:
    """(limit, used, access_until) in quota units, per DisplayTokenStatEnabled: the key's or the account's."""
    token_snapshot, user_snapshot, _pinned = authenticate(request.headers.get("Authorization", ""), client_ip())
    if current_options().get_bool("DisplayTokenStatEnabled"):
        token = db.session.execute(select(Token).where(Token.id == token_snapshot.id)).scalar_one()
        until = 0 if token.expired_time == NEVER_EXPIRES else token.expired_time
        if token.unlimited_quota:
            return UNLIMITED_USD * _quota_per_usd(), token.used_quota or 0, until
        return (token.remain_quota or 0) + (token.used_quota or 0), token.used_quota or 0, until
    user = db.session.execute(select(User).where(User.id == user_snapshot.id)).scalar_one()
    return (user.quota or 0) + (user.used_quota or 0), user.used_quota or 0, 0


def _quota_per_usd() -> float:
    return current_options().get_float("QuotaPerUnit") or 500000.0


def _display(amount: float) -> float:
    return amount / _quota_per_usd() if current_options().get_bool("DisplayInCurrencyEnabled") else amount


def subscription():
    limit, _used, until = _account_figures()
    shown = _display(limit)
    return jsonify(object="billing_subscription", has_payment_method=True, soft_limit_usd=shown,
                   hard_limit_usd=shown, system_hard_limit_usd=shown, access_until=until)


def usage():
    _limit, used, _until = _account_figures()
    return jsonify(object="list", total_usage=_display(used) * 100)  # cents, as OpenAI reported them
