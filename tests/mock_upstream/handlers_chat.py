"""Chat completions and legacy text completions, as JSON or as SSE streams.

max_tokens (or max_completion_tokens) is honoured as OpenAI does, with a piece of the reply as the
token: each choice stops after that many pieces with finish_reason "length" (unless ignore_max_tokens).
"""

from .exchange import Call, Reply, StreamReply
from .wire import (
    DONE_EVENT,
    SYSTEM_FINGERPRINT,
    BadRequest,
    count_chat_prompt_tokens,
    count_input_tokens,
    dumps,
    new_id,
    now,
    split_text,
    sse_event,
    usage,
)


def create_chat_completion(call: Call) -> Reply | StreamReply:
    body = call.payload
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise BadRequest("'messages' is a required property", param="messages")
    choice_count = _choice_count(body)
    prompt_tokens = count_chat_prompt_tokens(messages)
    tool = _tool_call(call) if call.behaviour.tool_call else None
    text = tool["function"]["arguments"] if tool else call.behaviour.reply_text
    pieces, cut = _reply_pieces(call, text)
    report = None if call.behaviour.omit_usage else usage(prompt_tokens, len(pieces) * choice_count)
    if body.get("stream"):
        return StreamReply(_chat_events(call, pieces, choice_count, tool, report, cut))
    text = "".join(pieces)
    if tool:
        tool = {**tool, "function": {**tool["function"], "arguments": text}}
        message, finish = {"role": "assistant", "content": None, "tool_calls": [tool]}, "tool_calls"
    else:
        message, finish = {"role": "assistant", "content": text, "refusal": None}, "stop"
    finish = "length" if cut else finish
    reply = {
        "id": new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": now(),
        "model": call.model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
        "choices": [
            {"index": index, "message": message, "logprobs": None, "finish_reason": finish}
            for index in range(choice_count)
        ],
    }
    if report:
        reply["usage"] = report
    return Reply(200, dumps(reply))


def _chat_events(call: Call, pieces: list[str], choice_count: int, tool: dict | None,
                 report: dict | None, cut: bool) -> list[bytes]:
    """First a role chunk per choice, then one chunk per piece per choice, then usage and [DONE]."""
    include_usage = bool(report) and _wants_stream_usage(call.payload)
    frame = {
        "id": new_id("chatcmpl-"),
        "object": "chat.completion.chunk",
        "created": now(),
        "model": call.model,
        "system_fingerprint": SYSTEM_FINGERPRINT,
    }
    if include_usage:
        frame["usage"] = None  # OpenAI sends an explicit null on every chunk before the last

    def chunk(index: int, delta: dict, finish: str | None) -> bytes:
        choice = {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
        return sse_event({**frame, "choices": [choice]})

    finish = "length" if cut else "tool_calls" if tool else "stop"
    events = [chunk(index, _opening_delta(tool), None) for index in range(choice_count)]
    for position, piece in enumerate(pieces):
        last = position == len(pieces) - 1
        delta = _piece_delta(tool, piece)
        events.extend(chunk(index, delta, finish if last else None) for index in range(choice_count))
    if include_usage:
        events.append(sse_event({**frame, "choices": [], "usage": report}))
    events.append(DONE_EVENT)
    return events


def _opening_delta(tool: dict | None) -> dict:
    if not tool:
        return {"role": "assistant", "content": "", "refusal": None}
    # The first tool delta names the function; its arguments follow in later deltas.
    opening = {**tool, "index": 0, "function": {"name": tool["function"]["name"], "arguments": ""}}
    return {"role": "assistant", "content": None, "tool_calls": [opening]}


def _piece_delta(tool: dict | None, piece: str) -> dict:
    if tool:
        return {"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
    return {"content": piece}


def create_completion(call: Call) -> Reply | StreamReply:
    """Legacy /v1/completions: one choice per prompt per `n`."""
    body = call.payload
    prompt = body.get("prompt", "")
    is_batch = isinstance(prompt, list) and bool(prompt) and not isinstance(prompt[0], int)
    prompt_count = len(prompt) if is_batch else 1
    choice_count = prompt_count * _choice_count(body)
    pieces, cut = _reply_pieces(call, call.behaviour.reply_text)
    finish = "length" if cut else "stop"
    report = None
    if not call.behaviour.omit_usage:
        report = usage(count_input_tokens(prompt), len(pieces) * choice_count)
    frame = {"id": new_id("cmpl-"), "object": "text_completion", "created": now(), "model": call.model}
    if body.get("stream"):
        stream_report = report if _wants_stream_usage(body) else None
        return StreamReply(_completion_events(frame, pieces, choice_count, stream_report, finish))
    choices = [
        {"text": "".join(pieces), "index": index, "logprobs": None, "finish_reason": finish}
        for index in range(choice_count)
    ]
    reply = {**frame, "choices": choices}
    if report:
        reply["usage"] = report
    return Reply(200, dumps(reply))


def _completion_events(frame: dict, pieces: list[str], choice_count: int, report: dict | None,
                       finish: str) -> list[bytes]:
    events = []
    for position, piece in enumerate(pieces):
        last = position == len(pieces) - 1
        for index in range(choice_count):
            choice = {"text": piece, "index": index, "logprobs": None, "finish_reason": finish if last else None}
            events.append(sse_event({**frame, "choices": [choice]}))
    if report:
        events.append(sse_event({**frame, "choices": [], "usage": report}))
    events.append(DONE_EVENT)
    return events


def _reply_pieces(call: Call, text: str) -> tuple[list[str], bool]:
    """The pieces each choice sends, and whether max_tokens cut them short."""
    pieces = split_text(text, call.behaviour.chunk_count)
    limit = _max_tokens(call.payload)
    if limit is None or call.behaviour.ignore_max_tokens or len(pieces) <= limit:
        return pieces, False
    return pieces[:limit], True


def _max_tokens(body: dict) -> int | None:
    name = "max_completion_tokens" if body.get("max_completion_tokens") is not None else "max_tokens"
    limit = body.get(name)
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise BadRequest(f"Invalid '{name}': {limit!r}; expected an integer of at least 1.", param=name)
    return limit


def _choice_count(body: dict) -> int:
    count = body.get("n") or 1
    if not isinstance(count, int) or count < 1:
        raise BadRequest(f"{count!r} is not a valid value for 'n'", param="n")
    return count


def _wants_stream_usage(body: dict) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and bool(options.get("include_usage"))


def _tool_call(call: Call) -> dict:
    """A call to the first tool the request offers (or legacy function), else to `mock_tool`."""
    body = call.payload
    name = "mock_tool"
    tools = body.get("tools") or []
    functions = body.get("functions") or []
    if tools and isinstance(tools[0], dict):
        name = (tools[0].get("function") or {}).get("name", name)
    elif functions and isinstance(functions[0], dict):
        name = functions[0].get("name", name)
    return {"id": new_id("call_"), "type": "function",
            "function": {"name": name, "arguments": call.behaviour.tool_arguments}}
