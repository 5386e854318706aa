"""Model catalogues for the admin UI: /api/models, /api/channel/models, /api/channel/types."""

from __future__ import annotations

from flask import jsonify

from app.api import bp
from app.api.guards import require_admin, require_user
from app.api.openapi import describe
from app.envelope import ok
from app.relay.adaptors import all_adaptors
from app.relay.adaptors.base import Adaptor
from app.relay.catalogue import MODEL_CREATED

_TYPE_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "display_name": {"type": "string"},
    "default_base_url": {"type": "string"}, "default_models": {"type": "array", "items": {"type": "string"}},
    "config_schema": {"type": "object"}, "docs_url": {"type": "string"}}}


def _by_type() -> list[Adaptor]:
    return sorted(all_adaptors(), key=lambda adaptor: adaptor.channel_type)


@bp.get("/models")
@describe("Each channel type's built-in models, keyed by type id; the channel editor pre-fills from it",
          data={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}})
@require_user
def list_models_by_type():
    return ok({str(int(adaptor.channel_type)): list(adaptor.default_models) for adaptor in _by_type()})


@bp.get("/channel/models")
@describe("Every built-in model of every adaptor as an OpenAI model list; no envelope, as in One API")
@require_admin
def list_all_models():
    models: dict[str, dict] = {}
    for adaptor in _by_type():
        owner = adaptor.display_name.lower().replace(" ", "-")
        for name in adaptor.default_models:
            models.setdefault(name, {"id": name, "object": "model", "created": MODEL_CREATED, "owned_by": owner,
                                     "root": name, "parent": None})
    return jsonify(object="list", data=list(models.values()))


@bp.get("/channel/types")
@describe("Every channel type with an adaptor: name, default base URL and models, and extra config fields",
          data={"type": "array", "items": _TYPE_SCHEMA})
@require_admin
def list_channel_types():
    return ok([{
        "id": int(adaptor.channel_type), "name": adaptor.channel_type.name.lower(),
        "display_name": adaptor.display_name, "default_base_url": adaptor.default_base_url,
        "default_models": list(adaptor.default_models), "config_schema": adaptor.config_schema,
        "docs_url": adaptor.docs_url,
    } for adaptor in _by_type()])
