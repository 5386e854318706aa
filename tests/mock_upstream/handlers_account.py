"""What an API key can see and spend: the model list and OpenAI's legacy billing dashboard."""

from .exchange import Call, Reply
from .wire import dumps, error_body

MODEL_CREATED = 1_700_000_000
MODELS_PREFIX = "/models/"


def list_models(call: Call) -> Reply:
    data = [_model(model_id) for model_id in call.behaviour.models]
    return Reply(200, dumps({"object": "list", "data": data}))


def retrieve_model(call: Call) -> Reply:
    model_id = call.request.route[len(MODELS_PREFIX):]
    if model_id not in call.behaviour.models:
        message = f"The model '{model_id}' does not exist"
        return Reply(404, error_body(404, message, "invalid_request_error", "model_not_found", "model"))
    return Reply(200, dumps(_model(model_id)))


def show_subscription(call: Call) -> Reply:
    """GET /v1/dashboard/billing/subscription; one-api reads `hard_limit_usd`."""
    limit = call.behaviour.hard_limit_usd
    return Reply(200, dumps({
        "object": "billing_subscription",
        "has_payment_method": True,
        "canceled": False,
        "access_until": 4_102_444_800,  # 2100-01-01: never expires within a test
        "soft_limit_usd": limit,
        "hard_limit_usd": limit,
        "system_hard_limit_usd": limit,
        "plan": {"title": "Pay-as-you-go", "id": "payg"},
        "account_name": "Mock Upstream",
    }))


def show_usage(call: Call) -> Reply:
    """GET /v1/dashboard/billing/usage?start_date=…&end_date=…; `total_usage` is in cents."""
    return Reply(200, dumps({
        "object": "list",
        "daily_costs": [],
        "total_usage": call.behaviour.total_usage_cents,
    }))


def _model(model_id: str) -> dict:
    return {"id": model_id, "object": "model", "created": MODEL_CREATED, "owned_by": "openai"}
