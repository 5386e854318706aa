"""Command line: `python -m tests.mock_upstream --port 8089` serves the mock until Ctrl-C."""

import argparse
import threading

from .server import MockUpstream


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.mock_upstream", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089, help="0 picks a free port")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before response headers")
    parser.add_argument("--chunk-count", type=int, default=None, help="pieces per streamed reply")
    parser.add_argument("--chunk-interval", type=float, default=0.0, help="seconds between SSE events")
    parser.add_argument("--reply-text", default=None)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    mock = MockUpstream(port=args.port, host=args.host, max_recorded=0)  # long runs keep no history
    mock.behaviour.latency = args.latency
    mock.behaviour.chunk_interval = args.chunk_interval
    if args.chunk_count is not None:
        mock.behaviour.chunk_count = args.chunk_count
    if args.reply_text is not None:
        mock.behaviour.reply_text = args.reply_text
    with mock:
        print(f"mock upstream listening on {mock.url} (OpenAI base URL {mock.url}/v1)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
