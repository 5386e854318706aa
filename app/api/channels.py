"""Channels of the management API (/api/channel/...): admin only; keys are write-only."""

from __future__ import annotations

import json
import time
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import jsonify, request
from sqlalchemy import delete, or_, select

from app.api import bp
from app.api.guards import require_admin
from app.api.openapi import describe
from app.api.params import body_int, body_str, json_body, paged
from app.cache.channels import invalidate_channels
from app.channels import balance, testing
from app.channels.abilities import split_list, sync_abilities
from app.crypto import decrypt_secret, encrypt_secret, mask_secret
from app.envelope import ok
from app.errors import AppError, NotFound
from app.extensions import db
from app.models import Ability, Channel
from app.models.channel import CHANNEL_AUTO_DISABLED, CHANNEL_ENABLED, CHANNEL_MANUALLY_DISABLED
from app.relay.adaptors import get_adaptor

MAX_ROW_ID = 2**63 - 1  # larger ids cannot exist, and the drivers refuse to bind them
MAX_NUMBER = 2**53  # priority and weight: far beyond any use, and exact in the SPA's JavaScript numbers
MAX_INDEXED_TEXT = 191  # name and base_url are varchar(191) on MySQL
MAX_GROUP = 32  # channels.group is varchar(32)
MAX_MODEL_MAPPING = 1024  # channels.model_mapping is varchar(1024)
SETTABLE_STATUSES = (CHANNEL_ENABLED, CHANNEL_MANUALLY_DISABLED)

_TEXT_COLUMNS = ("name", "base_url", "other", "models", "group", "model_mapping", "config")
_NUMBER_COLUMNS = ("id", "type", "status", "weight", "created_time", "test_time", "response_time",
                   "balance_updated_time", "used_quota", "priority")
CHANNEL_SCHEMA = {"type": "object", "properties": {
    **{name: {"type": "string"} for name in (*_TEXT_COLUMNS, "key", "system_prompt")},
    **{name: {"type": "integer"} for name in _NUMBER_COLUMNS}, "balance": {"type": "number"}}}
_CHANNEL_LIST = {"type": "array", "items": CHANNEL_SCHEMA}
_EDITABLE_PROPERTIES = {
    "type": {"type": "integer", "description": "A channel type id; GET /api/channel/types lists them"},
    "key": {"type": "string", "description": "On create, one channel per non-empty line; on edit, empty keeps it"},
    "name": {"type": "string", "minLength": 1, "maxLength": MAX_INDEXED_TEXT},
    "status": {"type": "integer", "enum": list(SETTABLE_STATUSES)},
    "weight": {"type": "integer", "minimum": 0, "maximum": MAX_NUMBER},
    "priority": {"type": "integer", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER},
    "base_url": {"type": "string", "maxLength": MAX_INDEXED_TEXT, "description": "http(s) URL, or empty"},
    "other": {"type": "string"},
    "models": {"type": "string", "description": "Comma-separated model names"},
    "group": {"type": "string", "maxLength": MAX_GROUP, "description": "Comma-separated groups"},
    "model_mapping": {"type": "string", "maxLength": MAX_MODEL_MAPPING, "description": "JSON object, or empty"},
    "config": {"type": "string", "description": "JSON object, or empty"},
    "system_prompt": {"type": "string", "nullable": True},
}


def channel_view(channel: Channel) -> dict:
    view = {name: getattr(channel, name) or "" for name in _TEXT_COLUMNS}
    view.update({name: getattr(channel, name) or 0 for name in _NUMBER_COLUMNS})
    view.update(key=mask_secret(decrypt_secret(channel.key)), balance=channel.balance or 0.0,
                system_prompt=channel.system_prompt or "")
    return view


def _channel(channel_id: Any) -> Channel:
    channel = None
    if isinstance(channel_id, int) and 0 < channel_id <= MAX_ROW_ID:
        channel = db.session.get(Channel, channel_id)
    if channel is None:
        raise NotFound("Channel not found.")
    return channel


@bp.get("/channel/")
@describe("Channels, newest first, keys masked", query={"p": {"type": "integer"}, "page_size": {"type": "integer"}},
          data=_CHANNEL_LIST)
@require_admin
def list_channels():
    channels, total = paged(select(Channel).order_by(Channel.id.desc()))
    return ok([channel_view(channel) for channel in channels], total=total)


@bp.get("/channel/search")
@describe("Channels whose id is the keyword or whose name starts with it, keys masked",
          query={"keyword": {"type": "string"}}, data=_CHANNEL_LIST)
@require_admin
def search_channels():
    keyword = request.args.get("keyword", "")
    if not keyword.isprintable():
        raise AppError("Invalid parameter: 'keyword' must be printable text.")
    matches = [Channel.name.startswith(keyword, autoescape=True)]
    if keyword.isascii() and keyword.isdigit() and 0 < int(keyword) <= MAX_ROW_ID:
        matches.append(Channel.id == int(keyword))
    channels = db.session.execute(select(Channel).where(or_(*matches)).order_by(Channel.id.desc())).scalars()
    return ok([channel_view(channel) for channel in channels])


@bp.get("/channel/<int:channel_id>")
@describe("One channel, key masked", data=CHANNEL_SCHEMA)
@require_admin
def get_channel(channel_id: int):
    return ok(channel_view(_channel(channel_id)))


@bp.post("/channel/")
@describe("Create channels: one per non-empty line of 'key', with the same settings", body={
    "type": "object", "required": ["type", "key", "name"], "properties": _EDITABLE_PROPERTIES},
    data=_CHANNEL_LIST)
@require_admin
def create_channels():
    body = json_body()
    fields = read_fields(body)
    for required in ("type", "name"):
        if required not in fields:
            raise AppError(f"Invalid parameter: '{required}' is required.")
    keys = [line.strip() for line in body_str(body, "key").splitlines() if line.strip()]
    if not keys:
        raise AppError("Invalid parameter: 'key' must hold at least one key.")
    created = [Channel(**fields, key=encrypt_secret(key), created_time=int(time.time())) for key in keys]
    db.session.add_all(created)
    db.session.flush()
    for channel in created:
        sync_abilities(channel)
    db.session.commit()
    return ok([channel_view(channel) for channel in created])


@bp.put("/channel/")
@describe("Edit a channel: fields present are changed, an empty key keeps the old one; abilities are rebuilt",
          body={"type": "object", "required": ["id"],
                "properties": {"id": {"type": "integer"}, **_EDITABLE_PROPERTIES}},
          data=CHANNEL_SCHEMA)
@require_admin
def update_channel():
    body = json_body()
    channel = _channel(body_int(body, "id"))
    for name, value in read_fields(body).items():
        setattr(channel, name, value)
    new_key = _edited_key(body, channel)
    if new_key:
        channel.key = encrypt_secret(new_key)
    sync_abilities(channel)
    db.session.commit()
    return ok(channel_view(channel))


def _edited_key(body: dict, channel: Channel) -> str:
    """The new key, or "" to keep the old one: absent, empty, or the masked key the SPA read and sends back."""
    if body.get("key") is None:
        return ""
    key = body_str(body, "key").strip()
    return "" if key == mask_secret(decrypt_secret(channel.key)) else key


@bp.delete("/channel/disabled")
@describe("Delete every disabled channel (manually or automatically) and its abilities",
          data={"type": "integer", "description": "How many channels were deleted"})
@require_admin
def delete_disabled_channels():
    disabled = select(Channel.id).where(Channel.status.in_((CHANNEL_MANUALLY_DISABLED, CHANNEL_AUTO_DISABLED)))
    channel_ids = list(db.session.execute(disabled).scalars())
    if channel_ids:
        db.session.execute(delete(Ability).where(Ability.channel_id.in_(channel_ids)))
        db.session.execute(delete(Channel).where(Channel.id.in_(channel_ids)))
    db.session.commit()
    invalidate_channels()
    return ok(len(channel_ids))


@bp.delete("/channel/<int:channel_id>")
@describe("Delete a channel and its abilities")
@require_admin
def delete_channel(channel_id: int):
    channel = _channel(channel_id)
    db.session.execute(delete(Ability).where(Ability.channel_id == channel.id))
    db.session.delete(channel)
    db.session.commit()
    invalidate_channels()
    return ok()


@bp.get("/channel/test")
@describe("Start testing every channel (or only disabled ones) in the background; one run at a time",
          query={"scope": {"type": "string", "enum": list(testing.SCOPES)}})
@require_admin
def test_all_channels():
    if not testing.start_test_run(request.args.get("scope", "all")):
        raise AppError("A channel test run is already in progress.")
    return ok(message="Channel testing has started; results appear in the list as each test ends.")


@bp.get("/channel/test/<int:channel_id>")
@describe("Test one channel now with a short chat completion. No data: the reply carries success, message "
          "(the model's answer or the error), time (seconds, 0 on failure) and modelName at the top level",
          query={"model": {"type": "string"}})
@require_admin
def test_one_channel(channel_id: int):
    model = request.args.get("model", "")
    result = testing.test_channel(channel_id, model or None)
    seconds = int(result.seconds * 1000) / 1000 if result.success else 0.0  # One API: whole milliseconds
    return jsonify(success=result.success, message=result.message, time=seconds, modelName=model)


@bp.get("/channel/update_balance")
@describe("Refresh the balance of every enabled channel whose provider has a balance query")
@require_admin
def update_all_balances():
    refreshed, failed = balance.refresh_all_balances()
    return ok(message=f"Refreshed {refreshed} balances; {failed} could not be read.")


@bp.get("/channel/update_balance/<int:channel_id>")
@describe("Refresh one channel's balance from its provider. No data: 'balance' (a number, in the provider's "
          "currency) is at the top level")
@require_admin
def update_balance(channel_id: int):
    return ok(balance=balance.refresh_balance(channel_id))


def read_fields(body: dict) -> dict[str, Any]:
    """The editable columns present in ``body`` (null counts as absent), validated and normalised."""
    return {name: read(body, name) for name, read in _READERS.items() if body.get(name) is not None}


def _text(body: dict, name: str, max_length: int | None = None) -> str:
    value = body_str(body, name, max_length=max_length).strip()
    if "\x00" in value:
        raise AppError(f"Invalid parameter: '{name}' must not contain NUL characters.")
    return value


def _number(low: int, high: int) -> Callable[[dict, str], int]:
    def read(body: dict, name: str) -> int:
        value = body_int(body, name, minimum=low)
        if value > high:
            raise AppError(f"Invalid parameter: '{name}' must be at most {high}.")
        return value
    return read


def _channel_type(body: dict, name: str) -> int:
    value = body_int(body, name)
    if get_adaptor(value) is None:
        raise AppError(f"Invalid parameter: '{name}' is not a supported channel type; "
                       "GET /api/channel/types lists them.")
    return value


def _status(body: dict, name: str) -> int:
    value = body_int(body, name)
    if value not in SETTABLE_STATUSES:
        raise AppError(f"Invalid parameter: '{name}' must be {CHANNEL_ENABLED} (enabled) "
                       f"or {CHANNEL_MANUALLY_DISABLED} (disabled).")
    return value


def _name(body: dict, name: str) -> str:
    value = _text(body, name, MAX_INDEXED_TEXT)
    if not value:
        raise AppError(f"Invalid parameter: '{name}' must not be empty.")
    return value


def _base_url(body: dict, name: str) -> str:
    value = _text(body, name, MAX_INDEXED_TEXT)
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if value and (parts is None or parts.scheme not in ("http", "https") or not parts.hostname):
        raise AppError(f"Invalid parameter: '{name}' must be an http:// or https:// URL, or empty.")
    return value


def _comma_list(max_length: int | None) -> Callable[[dict, str], str]:
    def read(body: dict, name: str) -> str:
        value = ",".join(split_list(_text(body, name)))
        if max_length is not None and len(value) > max_length:
            raise AppError(f"Invalid parameter: '{name}' is longer than {max_length} characters.")
        return value
    return read


def _json_object(max_length: int | None) -> Callable[[dict, str], str]:
    def read(body: dict, name: str) -> str:
        value = _text(body, name, max_length)
        if not value:
            return ""
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict) or not all(isinstance(item, str) for item in parsed.values()):
            raise AppError(f"Invalid parameter: '{name}' must be a JSON object whose values are strings "
                           '(for example {"gpt-4": "gpt-4o"}), or empty.')
        return value
    return read


def _group(body: dict, name: str) -> str:
    return _comma_list(MAX_GROUP)(body, name) or "default"


_READERS: dict[str, Callable[[dict, str], Any]] = {
    "type": _channel_type, "name": _name, "status": _status,
    "weight": _number(0, MAX_NUMBER), "priority": _number(-MAX_NUMBER, MAX_NUMBER),
    "base_url": _base_url, "other": _text, "models": _comma_list(None), "group": _group,
    "model_mapping": _json_object(MAX_MODEL_MAPPING), "config": _json_object(None),
    "system_prompt": _text,
}
