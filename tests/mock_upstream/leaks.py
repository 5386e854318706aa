"""A hostile upstream (Behaviour.echo_key): the credentials it received, quoted back in every shape.

The key shows up in the error message and the reply text (so in JSON error bodies, 200 bodies and SSE
data events), in an `{"error": …}` event inside a 200 stream, in a response header and in the
Content-Type; each time as it came, base64-encoded (alone and inside `user:key`), URL-encoded, and as
a partial fragment.
"""

import base64
import dataclasses
from urllib.parse import parse_qsl, quote

from .behaviour import Behaviour
from .exchange import Headers, RecordedRequest, Reply, StreamReply
from .wire import DONE_EVENT, sse_event

ECHO_HEADER = "X-Echoed-Authorization"


def received_key(request: RecordedRequest) -> str:
    """The credential as the gateway sent it: a Bearer token, an api-key header or a `key` parameter."""
    headers: Headers = request.headers
    authorization = headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    for name in ("x-api-key", "api-key", "x-goog-api-key"):
        if headers.get(name):
            return headers[name]
    return dict(parse_qsl(request.query)).get("key", "")


def leak_text(key: str) -> str:
    raw = key.encode()
    # Not worded as a refused key, so the gateway passes the message on rather than one of its own.
    return (f"The upstream was sent {key}. Authorization: Bearer {key}; x-api-key: {key}; "
            f"base64 {base64.b64encode(raw).decode()}; "
            f"basic {base64.b64encode(b'user:' + raw).decode()}; "
            f"urlsafe {base64.urlsafe_b64encode(b'xy' + raw).decode()}; "
            f"quoted {quote(key, safe='')}; partial {key[3:15]}; tail {key[-9:]}.")


def hostile_behaviour(behaviour: Behaviour, request: RecordedRequest) -> Behaviour:
    """Errors and replies quote the key; one text piece, so a stream carries it whole in one event."""
    text = leak_text(received_key(request))
    return dataclasses.replace(behaviour, error_message=text, reply_text=text, chunk_count=1)


def with_echoed_key(reply: Reply | StreamReply, request: RecordedRequest) -> Reply | StreamReply:
    """The reply with the key in a header and the Content-Type, and an error event before a stream's end."""
    key = received_key(request)
    headers = (*reply.headers, (ECHO_HEADER, f"Bearer {key}"))
    content_type = f"{reply.content_type}; key={key}"
    if isinstance(reply, Reply):
        return dataclasses.replace(reply, headers=headers, content_type=content_type)
    error = sse_event({"error": {"message": leak_text(key), "type": "server_error", "code": "key_echo"}})
    events = [event for event in reply.events if event != DONE_EVENT]
    return dataclasses.replace(reply, events=[*events, error, DONE_EVENT], headers=headers,
                               content_type=content_type)
