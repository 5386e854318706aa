"""Request path → handler, accepting `/v1/…`, bare `/…` and Azure `/openai/deployments/{name}/…`."""

from typing import Callable

from . import handlers_account, handlers_chat, handlers_media, handlers_vectors
from .exchange import Call, Reply, StreamReply

Handler = Callable[[Call], Reply | StreamReply]

AZURE_PREFIX = "/openai/deployments/"

ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "/chat/completions"): handlers_chat.create_chat_completion,
    ("POST", "/completions"): handlers_chat.create_completion,
    ("POST", "/embeddings"): handlers_vectors.create_embeddings,
    ("POST", "/moderations"): handlers_vectors.create_moderation,
    ("POST", "/images/generations"): handlers_media.generate_images,
    ("POST", "/images/edits"): handlers_media.edit_images,
    ("POST", "/images/variations"): handlers_media.vary_images,
    ("POST", "/audio/speech"): handlers_media.create_speech,
    ("POST", "/audio/transcriptions"): handlers_media.transcribe_audio,
    ("POST", "/audio/translations"): handlers_media.transcribe_audio,
    ("GET", "/models"): handlers_account.list_models,
    ("GET", "/dashboard/billing/subscription"): handlers_account.show_subscription,
    ("GET", "/dashboard/billing/usage"): handlers_account.show_usage,
}


def normalise_path(path: str) -> tuple[str, str | None]:
    """The endpoint path without its `/v1` or Azure prefix, and the Azure deployment if any."""
    route = path.rstrip("/") or "/"
    if route.startswith("/v1/"):
        route = route[3:]
    if not route.startswith(AZURE_PREFIX):
        return route, None
    deployment, _, task = route[len(AZURE_PREFIX):].partition("/")
    return "/" + task, deployment


def find_handler(method: str, route: str) -> Handler | None:
    handler = ROUTES.get((method, route))
    if handler is None and method == "GET" and route.startswith(handlers_account.MODELS_PREFIX):
        return handlers_account.retrieve_model
    return handler
