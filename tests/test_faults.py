"""A fault matrix on 127.0.0.1: each failing source fails alone, with its real cause in the
runs table (and so in the health report); the good source's events are all kept."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import crawl, query

GOOD = ('<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event",'
        ' "name": "Spring Job Fair", "startDate": "2027-03-10T10:00:00-06:00"}</script>'
        '<script type="application/ld+json">{"@type": "Event", "name": broken</script></head><body>x</body></html>')


class Faulty(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path
        if path == "/robots.txt":
            return self.answer(200, b"User-agent: *\nDisallow: /private/\n")
        if path == "/good":
            return self.answer(200, GOOD.encode(), {"Content-Type": "text/html"})
        if path in ("/a", "/b"):  # /a -> /b -> /a
            return self.answer(302, headers={"Location": "/b" if path == "/a" else "/a"})
        if path == "/big":
            return self.answer(200, b"<html>" + b"x" * 50_000 + b"</html>", {"Content-Type": "text/html"})
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            return None
        return self.answer(500, b"oops")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Faulty)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    paths = {"good": "/good", "loop": "/a", "big": "/big", "robots": "/private/events", "reset": "/reset",
             "error500": "/broken"}
    sources = "".join(f'[sources.{key}]\nspider = "schemaorg"\nurls = ["{base}{path}"]\ntimezone = "UTC"\n'
                      + ('settings = { DOWNLOAD_MAXSIZE = 10000 }\n' if key == "big" else "")
                      for key, path in paths.items())
    sources += '[sources.dns]\nspider = "schemaorg"\nurls = ["http://no-such-host.invalid/events"]\ntimezone = "UTC"\n'
    try:
        result, db = crawl(tmp_path_factory.mktemp("faults"), sources, "-s", "RETRY_ENABLED=False",
                           now="2027-02-01T12:00:00+00:00")
    finally:
        server.shutdown()
        server.server_close()
    return result, db


@pytest.mark.parametrize("source, said", [
    ("loop", "redirect loop"),
    ("big", "larger than the download size limit"),
    ("robots", "forbidden by robots.txt"),
    ("reset", "connection reset by the server"),
    ("error500", "HTTP 500"),
    ("dns", "DNS lookup failed"),
])
def test_every_fault_is_recorded_with_its_cause(crawled, source, said):
    result, db = crawled
    runs = query(db, "select error from runs where source = ?", source)
    assert said in runs[0]["error"]
    assert said in next(line for line in result.stdout.splitlines() if line.startswith(source + " "))


def test_the_good_source_keeps_its_good_event_and_counts_the_broken_block(crawled):
    result, db = crawled
    assert [r["title"] for r in query(db, "select title from events where source = 'good'")] == ["Spring Job Fair"]
    good = query(db, "select error, errors, items from runs where source = 'good'")[0]
    assert good["items"] == 1 and good["errors"] == 1 and good["error"] is None
    assert result.returncode == 1
    assert query(db, "select count(*) as n from runs")[0]["n"] == 7  # every source has its run


class Slow(BaseHTTPRequestHandler):
    """An events listing whose next pages take 3 s each: a source that outruns its time budget."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        import time

        if self.path == "/robots.txt":
            body = b""
        else:
            number = int(self.path.strip("/") or 0)
            if number:
                time.sleep(3)
            body = (GOOD.replace("Spring Job Fair", f"Job Fair {number}")
                    .replace("</body>", f'<a rel="next" href="/{number + 1}">next</a></body>')).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_source_over_its_time_budget_stores_what_it_read_and_says_so(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        result, db = crawl(tmp_path, f'[sources.slow]\nspider = "schemaorg"\nurls = ["{base}/"]\ntimezone = "UTC"\n'
                           'settings = { CLOSESPIDER_TIMEOUT = 2 }\n', now="2027-02-01T12:00:00+00:00")
    finally:
        server.shutdown()
        server.server_close()
    line = next(line for line in result.stdout.splitlines() if line.startswith("slow "))
    assert "crawl ended early: closespider_timeout" in line
    titles = {r["title"] for r in query(db, "select title from events")}
    assert "Job Fair 0" in titles and "Job Fair 2" not in titles  # what it read is kept; it stopped
