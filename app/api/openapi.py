"""The OpenAPI document of /api, built from the routes themselves and the descriptions views carry."""

from __future__ import annotations

import re
from typing import Callable

from flask import Flask, jsonify

from app.version import VERSION

_ENVELOPE = {"type": "object", "required": ["success", "message"],
             "properties": {"success": {"type": "boolean"}, "message": {"type": "string"}, "data": {}}}
_LEVEL_SECURITY = {"public": [], "user": [{"session": []}, {"accessToken": []}]}


def describe(summary: str, *, body: dict | None = None, query: dict[str, dict] | None = None,
             data: dict | None = None) -> Callable:
    """Attach an OpenAPI description to a view: ``body`` and ``data`` are JSON Schemas, ``query`` maps
    parameter names to schemas. Put it above the guard decorator."""
    def decorator(view: Callable) -> Callable:
        view.openapi = {"summary": summary, "body": body, "query": query or {}, "data": data}
        return view
    return decorator


def build_document(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        info = getattr(view, "openapi", None)
        if info is None:
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule, view, info)
    return {
        "openapi": "3.0.3",
        "info": {"title": "Tollgate management API", "version": VERSION,
                 "description": "One API-compatible management API. Replies use the {success, message, data} envelope."},
        "paths": paths,
        "components": {"securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            "accessToken": {"type": "apiKey", "in": "header", "name": "Authorization"},
        }},
    }


def _operation(rule, view, info: dict) -> dict:
    level = getattr(view, "access_level", "public")
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer"} if converter_is_int(rule, name) else {"type": "string"}}
                  for name in rule.arguments]
    parameters += [{"name": name, "in": "query", "required": False, "schema": schema}
                   for name, schema in info["query"].items()]
    envelope = dict(_ENVELOPE)
    if info["data"] is not None:
        envelope = {**_ENVELOPE, "properties": {**_ENVELOPE["properties"], "data": info["data"]}}
    operation = {
        "summary": info["summary"], "x-access-level": level, "parameters": parameters,
        "security": _LEVEL_SECURITY.get(level, _LEVEL_SECURITY["user"]),
        "responses": {"200": {"description": "The envelope", "content": {"application/json": {"schema": envelope}}},
                      "401": {"description": "Not logged in"}, "429": {"description": "Rate limited"}},
    }
    if info["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": info["body"]}}}
    return operation


def converter_is_int(rule, name: str) -> bool:
    converter = rule._converters.get(name)
    return type(converter).__name__ == "IntegerConverter"


def register(app: Flask) -> None:
    document: dict = {}

    @app.get("/api/openapi.json")
    def openapi_document():
        if not document:
            document.update(build_document(app))
        return jsonify(document)

    openapi_document.access_level = "public"
