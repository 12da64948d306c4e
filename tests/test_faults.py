"""A fault matrix on 127.0.0.1: each failing source fails alone, with its real cause in the
runs table (and so in the health report); the good source's events are all kept."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import crawl, query
from tests.kit import cli

GOOD = (
    '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event",'
    ' "name": "Spring Job Fair", "startDate": "2027-03-10T10:00:00-06:00"}</script>'
    '<script type="application/ld+json">{"@type": "Event", "name": broken</script></head><body>x</body></html>'
)


SLOW_SECONDS = 20
HUGE_CHUNK, HUGE_CHUNKS = 64 * 1024, 800  # 50 MiB, streamed without Content-Length
TITLE = "Feria de Empleo del Año · Café Español"  # every character is in ISO-8859-1


def event_page(title: str, start: str = "2027-03-12T10:00:00-06:00") -> str:
    return (
        '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event",'
        f' "name": "{title}", "startDate": "{start}"}}</script></head><body><h1>{title}</h1></body></html>'
    )


class Faulty(BaseHTTPRequestHandler):
    """Each path one fault (or one good page); the server's `stopping` event cuts the slow
    answer short when the test ends, and `huge_sent` counts what the 50 MiB answer wrote."""

    def log_message(self, *args):
        pass

    def answer(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def robots(self):
        self.answer(200, b"User-agent: *\nDisallow: /private/\n")

    def good(self):
        self.answer(200, GOOD.encode(), {"Content-Type": "text/html"})

    def redirect(self):  # /a -> /b -> /a
        self.answer(302, headers={"Location": "/b" if self.path == "/a" else "/a"})

    def big(self):
        self.answer(200, b"<html>" + b"x" * 50_000 + b"</html>", {"Content-Type": "text/html"})

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.connection.close()

    def truncated(self):
        """Content-Length says 5,000 bytes; 1,000 come, then the connection closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "5000")
        self.end_headers()
        self.wfile.write(event_page("Never Read").encode()[:1000].ljust(1000, b" "))

    def huge(self):
        """50 MiB in 64 KiB chunks, no Content-Length; stops at the first failed write."""
        self.connection.settimeout(30)  # a reader that stops reading without closing
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        sent = 0
        try:
            for _ in range(HUGE_CHUNKS):
                self.wfile.write(b"x" * HUGE_CHUNK)
                sent += HUGE_CHUNK
        except OSError:
            pass
        self.server.huge_sent.append(sent)

    def slow(self):
        """An event page that takes SLOW_SECONDS to answer."""
        self.server.stopping.wait(SLOW_SECONDS)
        try:
            self.answer(200, event_page("Slow Publisher Job Fair").encode(), {"Content-Type": "text/html"})
        except OSError:  # the client that timed out has gone
            pass

    def latin1(self):
        self.answer(200, event_page(TITLE).encode("latin-1"), {"Content-Type": "text/html; charset=ISO-8859-1"})

    def latin1_undeclared(self):
        self.answer(200, event_page(TITLE + " (sin declarar)").encode("latin-1"), {"Content-Type": "text/html"})

    def error500(self):
        self.answer(500, b"oops")

    ROUTES = {
        "/robots.txt": robots,
        "/good": good,
        "/a": redirect,
        "/b": redirect,
        "/big": big,
        "/reset": reset,
        "/truncated": truncated,
        "/huge": huge,
        "/slow": slow,
        "/latin1": latin1,
        "/latin1-undeclared": latin1_undeclared,
    }

    def do_GET(self):
        self.ROUTES.get(self.path, Faulty.error500)(self)


# source key: (path, the source's own settings)
SOURCES = {
    "good": ("/good", ""),
    "loop": ("/a", ""),
    "big": ("/big", "DOWNLOAD_MAXSIZE = 10000"),
    "robots": ("/private/events", ""),
    "reset": ("/reset", ""),
    "error500": ("/broken", ""),
    "truncated": ("/truncated", ""),
    "huge": ("/huge", ""),  # the default 10 MiB limit
    "slow": ("/slow", ""),
    "timeout": ("/slow", "DOWNLOAD_TIMEOUT = 5"),  # the default 30 s, and 5 s
    "latin1": ("/latin1", ""),
    "latin1bare": ("/latin1-undeclared", ""),
}
FAULTS = {
    "loop": "redirect loop",
    "big": "larger than the download size limit",
    "robots": "forbidden by robots.txt",
    "reset": "connection reset by the server",
    "error500": "HTTP 500",
    "dns": "DNS lookup failed",
    "truncated": "body cut short (fewer bytes than Content-Length)",
    "huge": "larger than the download size limit",
    "timeout": "timed out",
}


def sources_toml(base: str) -> str:
    text = "".join(
        f'[sources.{key}]\nspider = "schemaorg"\nurls = ["{base}{path}"]\ntimezone = "UTC"\n'
        + (f"settings = {{ {settings} }}\n" if settings else "")
        for key, (path, settings) in SOURCES.items()
    )
    return (
        text + '[sources.dns]\nspider = "schemaorg"\nurls = ["http://no-such-host.invalid/events"]\ntimezone = "UTC"\n'
    )


@pytest.fixture(scope="module")
def served():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Faulty)
    server.daemon_threads = True
    server.stopping, server.huge_sent = threading.Event(), []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.stopping.set()  # the slow answer ends now, not SLOW_SECONDS later
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def crawled(served, tmp_path_factory):
    work = tmp_path_factory.mktemp("faults")
    result, db = crawl(
        work,
        sources_toml(f"http://127.0.0.1:{served.server_address[1]}"),
        "-s",
        "RETRY_ENABLED=False",
        now="2027-02-01T12:00:00+00:00",
    )
    health = cli("health", "--db", work / "events.db", "--json")
    return result, db, health


@pytest.mark.parametrize("source, said", FAULTS.items())
def test_every_fault_is_recorded_with_its_cause(crawled, source, said):
    result, db, _ = crawled
    runs = query(db, "select error from runs where source = ?", source)
    assert said in runs[0]["error"]
    assert said in next(line for line in result.stdout.splitlines() if line.startswith(source + " "))


def test_every_fault_is_in_the_health_report_and_health_exits_1(crawled):
    _, _, health = crawled
    assert health.exit_code == 1, health.stderr[-2000:]
    report = {row["source"]: row for row in map(json.loads, health.stdout.splitlines())}
    for source, said in FAULTS.items():
        assert any(alarm.startswith("failed: ") and said in alarm for alarm in report[source]["alarms"]), report[source]
    for source in ("slow", "latin1", "latin1bare"):
        assert report[source]["alarms"] == [] and report[source]["events"] == 1, report[source]


def test_the_good_source_keeps_its_good_event_and_counts_the_broken_block(crawled):
    result, db, _ = crawled
    assert [r["title"] for r in query(db, "select title from events where source = 'good'")] == ["Spring Job Fair"]
    good = query(db, "select error, errors, items from runs where source = 'good'")[0]
    assert good["items"] == 1 and good["errors"] == 1 and good["error"] is None
    assert result.returncode == 1
    assert query(db, "select count(*) as n from runs")[0]["n"] == len(SOURCES) + 1  # every source has its run


def test_every_good_event_is_kept_and_nothing_from_a_faulty_page(crawled):
    _, db, _ = crawled
    stored = {r["source"]: r["title"] for r in query(db, "select source, title from events")}
    assert set(stored) == {"good", "slow", "latin1", "latin1bare"}
    assert stored["good"] == "Spring Job Fair" and stored["slow"] == "Slow Publisher Job Fair"
    assert stored["latin1"] == TITLE  # ISO-8859-1 declared in the Content-Type header


def test_a_latin1_page_declared_nowhere_keeps_its_title(crawled):
    _, db, _ = crawled
    assert query(db, "select title from events where source = 'latin1bare'")[0]["title"] == TITLE + " (sin declarar)"


def test_a_slow_publisher_within_the_timeout_is_no_fault(crawled):
    _, db, _ = crawled
    slow = query(db, "select error, errors, items from runs where source = 'slow'")[0]
    assert slow == {"error": None, "errors": 0, "items": 1}


def test_the_50_mib_body_was_cut_off_by_the_reader_not_read_to_the_end(crawled, served):
    assert served.huge_sent and max(served.huge_sent) < HUGE_CHUNK * HUGE_CHUNKS


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
            body = (
                GOOD.replace("Spring Job Fair", f"Job Fair {number}").replace(
                    "</body>", f'<a rel="next" href="/{number + 1}">next</a></body>'
                )
            ).encode()
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
        result, db = crawl(
            tmp_path,
            f'[sources.slow]\nspider = "schemaorg"\nurls = ["{base}/"]\ntimezone = "UTC"\n'
            "settings = { CLOSESPIDER_TIMEOUT = 2 }\n",
            now="2027-02-01T12:00:00+00:00",
        )
    finally:
        server.shutdown()
        server.server_close()
    line = next(line for line in result.stdout.splitlines() if line.startswith("slow "))
    assert "crawl ended early: closespider_timeout" in line
    titles = {r["title"] for r in query(db, "select title from events")}
    assert "Job Fair 0" in titles and "Job Fair 2" not in titles  # what it read is kept; it stopped


def test_a_listing_longer_than_the_depth_limit_counts_its_lost_pages(tmp_path):
    from eventhound.localsite import serve_directory

    site = tmp_path / "site"
    for number in range(5):  # /p0.html -> /p1.html -> ... -> /p4.html, one event each
        page = GOOD.replace("Spring Job Fair", f"Job Fair {number}").replace(
            "</body>", f'<a rel="next" href="/p{number + 1}.html">next</a></body>' if number < 4 else "</body>"
        )
        site.mkdir(exist_ok=True)
        (site / f"p{number}.html").write_text(page)
    with serve_directory(site) as base:
        result, db = crawl(
            tmp_path,
            f'[sources.long]\nspider = "schemaorg"\nurls = ["{base}p0.html"]\ntimezone = "UTC"\n',
            "-s",
            "DEPTH_LIMIT=2",
            now="2027-02-01T12:00:00+00:00",
        )
    titles = sorted(r["title"] for r in query(db, "select title from events"))
    assert titles == ["Job Fair 0", "Job Fair 1", "Job Fair 2"]  # pages at depth 0, 1, 2
    line = next(line for line in result.stdout.splitlines() if line.startswith("long "))
    assert "errors=4" in line  # three broken blocks and one lost page
    assert query(db, "select errors from runs")[0]["errors"] == 4
