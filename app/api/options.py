"""Runtime options (/api/option/, root) and groups (/api/group/, admin)."""

from __future__ import annotations

import json

from app import options
from app.api import bp
from app.api.guards import require_admin, require_root
from app.api.openapi import describe
from app.api.params import body_str, json_body
from app.envelope import ok
from app.errors import AppError

OPTION_LIST_SCHEMA = {"type": "array", "items": {
    "type": "object", "required": ["key", "value"],
    "properties": {"key": {"type": "string"}, "value": {"type": "string"}}}}
OPTION_UPDATE_SCHEMA = {
    "type": "object", "required": ["key", "value"],
    "properties": {"key": {"type": "string"},
                   "value": {"anyOf": [{"type": "string"}, {"type": "boolean"}, {"type": "number"}]}},
}


@bp.get("/option/")
@describe("Every option as [{key, value}]; secrets are never shown", data=OPTION_LIST_SCHEMA)
@require_root
def list_options():
    return ok(options.visible_options())


@bp.put("/option/")
@describe("Change one option after validating it; an empty secret keeps the stored one", body=OPTION_UPDATE_SCHEMA)
@require_root
def update_option():
    body = json_body()
    options.update(body_str(body, "key"), _option_text(body.get("value")))
    return ok()


@bp.get("/group/")
@describe("The user groups: the keys of the GroupRatio option",
          data={"type": "array", "items": {"type": "string"}})
@require_admin
def list_groups():
    return ok(list(options.effective_ratios("GroupRatio")))


def _option_text(value: object) -> str:
    """Option values are strings, as in One API; JSON booleans and numbers are taken in their JSON spelling."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)
    raise AppError("Invalid parameter: 'value' must be a string, a boolean or a number.")
