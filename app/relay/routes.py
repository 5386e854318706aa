"""Thin views of the /v1 relay: each builds a RelayContext and returns what the pipeline gives back."""

from __future__ import annotations

from flask import request

from app.relay import bp, catalogue, pipeline
from app.relay.errors import RelayError, render_relay_error
from app.relay.modes import MODE_BY_PATH
from app.relay.requests_in import build_context

NOT_IMPLEMENTED = ("files", "fine_tuning", "fine-tunes", "assistants", "threads", "batches", "vector_stores")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "*",
    "Access-Control-Max-Age": "86400",
}


def relay_endpoint():
    endpoint = request.path.removeprefix("/v1/")
    return pipeline.relay(build_context(endpoint))


for _path in MODE_BY_PATH:
    bp.add_url_rule(f"/v1/{_path}", endpoint=f"relay_{_path.replace('/', '_')}",
                    view_func=relay_endpoint, methods=["POST"])


@bp.post("/v1/engines/<model>/embeddings")
def engine_embeddings(model: str):
    return pipeline.relay(build_context("embeddings", path_model=model))


@bp.get("/v1/models")
def list_models():
    return catalogue.list_models()


@bp.get("/v1/models/<path:model>")
def retrieve_model(model: str):
    return catalogue.retrieve_model(model)


@bp.get("/v1/dashboard/billing/subscription")
@bp.get("/dashboard/billing/subscription")
def billing_subscription():
    return catalogue.subscription()


@bp.get("/v1/dashboard/billing/usage")
@bp.get("/dashboard/billing/usage")
def billing_usage():
    return catalogue.usage()


@bp.route("/v1", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/v1/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    if rest.split("/", 1)[0] in NOT_IMPLEMENTED or (request.method == "DELETE" and rest.startswith("models/")):
        raise RelayError("API not implemented", status=501, type="invalid_request_error", code="api_not_implemented")
    raise RelayError(f"Invalid URL ({request.method} {request.path})", status=404, type="invalid_request_error",
                     code="")


@bp.route("/v1/<path:rest>", methods=["OPTIONS"])
@bp.route("/dashboard/<path:rest>", methods=["OPTIONS"])
def preflight(rest: str):
    return "", 204


@bp.after_request
def allow_cross_origin(response):
    response.headers.update(CORS_HEADERS)
    return response


bp.register_error_handler(Exception, render_relay_error)
