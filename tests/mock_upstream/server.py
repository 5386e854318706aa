"""MockUpstream: a threaded loopback HTTP server that answers like OpenAI and records every request."""

import collections
import copy
import socket
import sys
import threading
from http.server import ThreadingHTTPServer
from socketserver import TCPServer

from .behaviour import Behaviour, restore_defaults, with_header_overrides
from .exchange import Call, Headers, RecordedRequest, Reply, StreamReply
from .leaks import hostile_behaviour, with_echoed_key
from .multipart import is_multipart, parse_form
from .protocol import UpstreamRequestHandler
from .routes import find_handler, normalise_path
from .wire import DONE_EVENT, BadRequest, error_body

try:
    from orjson import loads as _loads
except ImportError:
    from json import loads as _loads

_HEADER_OVERRIDE_PREFIX = "x-mock-"


class _ThreadingServer(ThreadingHTTPServer):
    """One daemon thread per connection; tracks open connections so stop() can cut keep-alives."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 1024  # benchmark bursts must not overflow the accept backlog

    def __init__(self, address: tuple[str, int], mock: "MockUpstream"):
        self.mock = mock
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, UpstreamRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on a slow resolver.
        TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def process_request(self, request: socket.socket, client_address: object) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # a vanished client is not worth a traceback
            super().handle_error(request, client_address)


class MockUpstream:
    """An OpenAI-compatible upstream on 127.0.0.1. Knobs live on `behaviour`; see behaviour.py."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", max_recorded: int = 10_000):
        self.host = host
        self.port = port
        self.behaviour = Behaviour()
        self._recorded: collections.deque[RecordedRequest] = collections.deque(maxlen=max_recorded)
        self._failures = 0
        self._failures_lock = threading.Lock()
        self._server: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle

    def start(self) -> "MockUpstream":
        if self._server is not None:
            return self
        self._server = _ThreadingServer((self.host, self.port), self)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"mock-upstream-{self.port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server.close_connections()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "MockUpstream":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # recording and knobs

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of the recorded requests, oldest first."""
        return list(self._recorded)

    @property
    def last_request(self) -> RecordedRequest | None:
        return self._recorded[-1] if self._recorded else None

    def clear(self) -> None:
        """Forget recorded requests; knobs stay as they are."""
        self._recorded.clear()

    def reset(self) -> None:
        """Back to a fresh server: default knobs, no recorded requests, failure counter at zero."""
        restore_defaults(self.behaviour)
        with self._failures_lock:
            self._failures = 0
        self._recorded.clear()

    # called by the protocol layer for every request

    def handle(self, method: str, target: str, headers: Headers,
               body: bytes) -> tuple[Behaviour, Reply | StreamReply]:
        """Record the request, then decide the reply; returns (knobs in force, reply)."""
        request = _parse_request(method, target, headers, body)
        self._recorded.append(request)
        try:
            behaviour = self._behaviour_for(headers)
        except (TypeError, ValueError) as error:
            message = f"Bad X-Mock-* header: {error}"
            return copy.copy(self.behaviour), Reply(400, error_body(400, message, None, None))
        if behaviour.echo_key:
            behaviour = hostile_behaviour(behaviour, request)
        try:
            reply = self._reply(request, behaviour)
        except Exception as error:  # a mock bug should reach the test as a 500, not a hang
            reply = Reply(500, error_body(500, f"mock upstream crashed: {error!r}", None, None))
        if behaviour.malformed and reply.status == 200:
            reply = _malformed(reply)
        if behaviour.echo_key:
            reply = with_echoed_key(reply, request)
        return behaviour, reply

    def _behaviour_for(self, headers: Headers) -> Behaviour:
        # A snapshot, so a test changing knobs mid-stream cannot tear a response in two.
        if any(name.startswith(_HEADER_OVERRIDE_PREFIX) for name in headers):
            return with_header_overrides(self.behaviour, headers)
        return copy.copy(self.behaviour)

    def _reply(self, request: RecordedRequest, behaviour: Behaviour) -> Reply | StreamReply:
        status = self._forced_status(behaviour)
        if status:
            body = error_body(status, behaviour.error_message, behaviour.error_type, behaviour.error_code)
            return Reply(status, body)
        handler = find_handler(request.method, request.route)
        if handler is None:
            message = f"Unknown request URL: {request.method} {request.path}."
            return Reply(404, error_body(404, message, "invalid_request_error", "unknown_url"))
        if request.body and request.json is None and request.form is None:
            message = "We could not parse the JSON body of your request."
            return Reply(400, error_body(400, message, None, None))
        try:
            return handler(Call(request, behaviour))
        except BadRequest as error:
            return Reply(400, error_body(400, str(error), None, None, error.param))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            return Reply(400, error_body(400, f"Invalid request: {error!r}", None, None))

    def _forced_status(self, behaviour: Behaviour) -> int | None:
        if behaviour.status is None and behaviour.fail_times <= 0:
            return None
        if behaviour.fail_times > 0:
            with self._failures_lock:
                if self._failures >= behaviour.fail_times:
                    return None
                self._failures += 1
        return behaviour.status or 500


def _parse_request(method: str, target: str, headers: Headers, body: bytes) -> RecordedRequest:
    path, _, query = target.partition("?")
    route, deployment = normalise_path(path)
    request = RecordedRequest(method, path, query, headers, body, route=route, deployment=deployment)
    content_type = headers.get("content-type", "")
    if not body:
        return request
    if is_multipart(content_type):
        try:
            request.form, request.files = parse_form(content_type, body)
        except ValueError:
            pass
        return request
    try:
        request.json = _loads(body)
    except ValueError:
        pass
    return request


def _malformed(reply: Reply | StreamReply) -> Reply | StreamReply:
    """A 200 whose body is cut in half: invalid JSON, or one cut-off SSE event then [DONE]."""
    if isinstance(reply, Reply):
        return Reply(reply.status, reply.body[: len(reply.body) // 2], reply.content_type)
    first = next(iter(reply.events), DONE_EVENT)
    return StreamReply([first[: len(first) // 2] + b"\n\n", DONE_EVENT], reply.status, reply.content_type)
