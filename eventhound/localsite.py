"""Serve a folder of saved pages on 127.0.0.1, for the demo, the tests and the benchmarks."""

from __future__ import annotations

import argparse
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format, *args):
        pass


def make_server(directory: str | Path, port: int = 0, handler: type = QuietHandler) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(directory)))
    server.daemon_threads = True
    return server


@contextmanager
def serve_directory(directory: str | Path, port: int = 0, handler: type = QuietHandler):
    """Serve directory in a background thread; yields the base URL (`http://127.0.0.1:PORT/`).

    `handler` (a QuietHandler subclass) may answer otherwise, e.g. a test site that records
    or delays requests.
    """
    server = make_server(directory, port, handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def main():
    parser = argparse.ArgumentParser(
        description="Serve a folder on 127.0.0.1. Example: python -m eventhound.localsite site/ --port 8900"
    )
    parser.add_argument("directory")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = make_server(args.directory, args.port)
    print(f"http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
