"""HTTP/1.1 plumbing: read a request body, write a reply or an SSE stream, honour timing knobs."""

import socket
import time
from http.server import BaseHTTPRequestHandler

from .exchange import Headers, Reply, StreamReply
from .wire import DONE_EVENT

_LAST_CHUNK = b"0\r\n\r\n"
_MAX_HEADERS = 100
_MAX_LINE = 65536


class UpstreamRequestHandler(BaseHTTPRequestHandler):
    """Serves every method through MockUpstream.handle(); keep-alive unless the client says close."""

    protocol_version = "HTTP/1.1"
    # Nagle plus the client's delayed ACK would stall small back-to-back writes by ~40 ms.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass  # a line on stderr per request would dominate the cost at benchmark rates

    def parse_request(self) -> bool:
        """Lean replacement for the stdlib's, whose email-package header parsing costs ~45 µs."""
        self.command = None
        self.request_version = "HTTP/1.0"  # what send_error assumes until the line is parsed
        self.close_connection = True
        self.requestline = self.raw_requestline.decode("iso-8859-1").rstrip("\r\n")
        words = self.requestline.split()
        if len(words) != 3 or not words[2].startswith("HTTP/1."):
            self.send_error(400, f"Bad request line {self.requestline!r}")
            return False
        self.command, self.path, self.request_version = words
        headers = self._read_headers()
        if headers is None:
            self.send_error(431, "Too many or malformed header lines")
            return False
        self.headers = headers
        connection = headers.get("connection", "").lower()
        keep_alive = connection == "keep-alive" or self.request_version != "HTTP/1.0"
        self.close_connection = connection == "close" or not keep_alive
        if headers.get("expect", "").lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def _read_headers(self) -> Headers | None:
        headers = Headers()
        for _ in range(_MAX_HEADERS):
            line = self.rfile.readline(_MAX_LINE + 1)
            if line in (b"\r\n", b"\n", b""):
                return headers
            name, colon, value = line.decode("iso-8859-1").partition(":")
            if not colon or len(line) > _MAX_LINE:
                return None
            name, value = name.strip().lower(), value.strip()
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return None

    def _serve(self) -> None:
        headers = self.headers
        body = self._read_body(headers)
        behaviour, reply = self.server.mock.handle(self.command, self.path, headers, body)
        if behaviour.latency > 0:
            time.sleep(behaviour.latency)
        try:
            if isinstance(reply, StreamReply):
                self._write_stream(reply, behaviour.chunk_interval, behaviour.reset_after_chunks)
            else:
                self._write_reply(reply)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away mid-response

    def _read_body(self, headers: Headers) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return self._read_chunked_body()
        length = headers.get("content-length", "0")
        length = int(length) if length.isdigit() else 0  # a bogus length reads as no body
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked_body(self) -> bytes:
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # skip trailers up to the blank line that ends the message
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()  # the CRLF after each chunk

    def _head(self, status: int, headers: list[tuple[str, str]]) -> bytes:
        reason = self.responses.get(status, ("Mock",))[0]
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        if self.close_connection:
            lines.append("Connection: close")
        elif self.request_version == "HTTP/1.0":
            lines.append("Connection: keep-alive")  # 1.0 clients close unless told otherwise
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _write_reply(self, reply: Reply) -> None:
        head = self._head(reply.status, [
            ("Content-Type", reply.content_type),
            ("Content-Length", str(len(reply.body))),
            *reply.headers,
        ])
        # One write for head and body: fewer syscalls and no chance of a split small packet.
        self.wfile.write(head + reply.body)

    def _write_stream(self, reply: StreamReply, interval: float, reset_after: int | None) -> None:
        # HTTP/1.0 clients cannot read chunked bodies; they get a close-delimited stream instead.
        chunked = self.request_version != "HTTP/1.0"
        headers = [("Content-Type", reply.content_type), ("Cache-Control", "no-cache"), *reply.headers]
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            self.close_connection = True
        self.wfile.write(self._head(reply.status, headers))
        for sent, event in enumerate(reply.events):
            if reset_after is not None and (sent >= reset_after or event == DONE_EVENT):
                self._cut_connection()
                return
            if sent and interval > 0:
                time.sleep(interval)
            self.wfile.write(b"%x\r\n%s\r\n" % (len(event), event) if chunked else event)
        if chunked:
            self.wfile.write(_LAST_CHUNK)

    def _cut_connection(self) -> None:
        """End the stream mid-body: the client sees the connection close before the last chunk."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
