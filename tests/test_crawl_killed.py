"""A crawl killed part-way (kill -9) leaves the database as the last complete crawl left it, and
the next crawl stores every event once: a 3-page site, and a 3,000-page one killed halfway."""

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eventhound.localsite import QuietHandler, serve_directory
from tests.conftest import crawl, crawl_command

LISTING = """<html><head><script type="application/ld+json">{itemlist}</script></head><body></body></html>"""
DETAIL = """<html><head><script type="application/ld+json">{event}</script></head><body></body></html>"""


def write_site(root, title_suffix):
    paths = ["/events/a/", "/events/b/", "/slow/c/"]
    (root / "events").mkdir(parents=True, exist_ok=True)
    itemlist = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [{"@type": "ListItem", "position": i + 1, "url": p} for i, p in enumerate(paths)],
    }
    (root / "events" / "index.html").write_text(LISTING.format(itemlist=json.dumps(itemlist)))
    for day, path in enumerate(paths, start=10):
        event = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": f"Job fair {path} {title_suffix}",
            "startDate": f"2027-05-{day}T10:00:00",
            "url": path,
        }
        (root / path.strip("/")).mkdir(parents=True, exist_ok=True)
        (root / path.strip("/") / "index.html").write_text(DETAIL.format(event=json.dumps(event)))


@pytest.fixture
def site(tmp_path):
    """A local site whose /slow/ pages hang (for at most 20 s) while `slow` is set."""
    requested, slow = [], threading.Event()

    class Handler(QuietHandler):
        def do_GET(self):
            requested.append(self.path)
            if self.path.startswith("/slow/") and slow.is_set():
                time.sleep(20)
            super().do_GET()

    root = tmp_path / "site"
    with serve_directory(root, handler=Handler) as base_url:
        yield root, base_url, requested, slow


def fairs(base_url):
    return f'[sources.fairs]\nspider = "schemaorg"\nurls = ["{base_url}events/"]\ntimezone = "America/Chicago"\n'


def rows(db):
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        return sorted(conn.execute("select title, last_seen from events"))


def test_killed_crawl_leaves_the_last_complete_crawl(site, tmp_path):
    root, base_url, requested, slow = site
    write_site(root, "(first crawl)")
    first, _ = crawl(tmp_path, fairs(base_url), "-s", "DOWNLOAD_TIMEOUT=60", now="2027-04-01T00:00:00Z")
    assert first.returncode == 0, first.stderr[-2000:]
    before = rows(tmp_path / "events.db")
    assert len(before) == 3 and all(title.endswith("(first crawl)") for title, _ in before)

    write_site(root, "(second crawl)")
    slow.set()
    requested.clear()
    command = crawl_command(tmp_path, fairs(base_url), "-s", "DOWNLOAD_TIMEOUT=60", now="2027-04-02T00:00:00Z")
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not {"/events/a/", "/events/b/", "/slow/c/"} <= set(requested):
        assert time.monotonic() < deadline and killed.poll() is None, requested
        time.sleep(0.05)
    time.sleep(0.5)  # a and b are parsed and through the pipelines; c hangs
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=10)

    assert rows(tmp_path / "events.db") == before


# --- kill -9 in the middle of a 3,000-page crawl -----------------------------------------

PAGES, PER_LISTING = 3000, 150  # 20 listing pages: the last one at depth 19, within DEPTH_LIMIT (20)
LISTINGS = PAGES // PER_LISTING
FAST = (
    "-s",
    "CONCURRENT_REQUESTS=16",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "-s",
    "DOWNLOAD_DELAY=0",
    "-s",
    f"EVENTHOUND_MAX_FOLLOW={PAGES * 2}",
    "-s",
    "LOG_LEVEL=WARNING",
)


def listing_page(page: int) -> str:
    numbers = range((page - 1) * PER_LISTING, page * PER_LISTING)
    itemlist = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": k + 1, "url": f"/events/{n}/"} for k, n in enumerate(numbers)
        ],
    }
    following = f'<a rel="next" href="/events/page/{page + 1}/">next</a>' if page < LISTINGS else ""
    return LISTING.format(itemlist=json.dumps(itemlist)).replace("</body>", following + "</body>")


def event_page(number: int) -> str:
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": f"Regional Job Fair #{number}",
        "startDate": f"2027-{5 + number % 6:02d}-{1 + number % 28:02d}T{9 + number % 8:02d}:00:00",
        "url": f"/events/{number}/",
    }
    return DETAIL.format(event=json.dumps(event))


class EventSite(BaseHTTPRequestHandler):
    """PAGES event pages (/events/N/) listed PER_LISTING a page (/events/, /events/page/K/,
    rel=next), made on request; the server's `requested` set holds the event pages asked for."""

    protocol_version = "HTTP/1.1"  # keep-alive, as Scrapy's connection pool expects

    def log_message(self, *args):
        pass

    def page(self) -> str | None:
        parts = self.path.strip("/").split("/")
        if parts == ["events"]:
            return listing_page(1)
        if len(parts) == 3 and parts[1] == "page" and parts[2].isdigit() and 1 < int(parts[2]) <= LISTINGS:
            return listing_page(int(parts[2]))
        if len(parts) == 2 and parts[1].isdigit() and int(parts[1]) < PAGES:
            self.server.requested.add(self.path)
            return event_page(int(parts[1]))
        return None

    def do_GET(self):
        page = self.page()
        body = page.encode() if page is not None else b""
        self.send_response(200 if page is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class KilledClientServer(ThreadingHTTPServer):
    """A server whose client may be killed mid-request: a reset connection is no error here."""

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


@contextmanager
def event_site():
    """The EventSite on 127.0.0.1; yields the server (its base URL in server.base_url)."""
    server = KilledClientServer(("127.0.0.1", 0), EventSite)
    server.daemon_threads, server.requested = True, set()
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def database_state(db: Path) -> dict:
    """integrity_check, events and distinct ids/URLs, and the runs rows of a crawled database."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        integrity = conn.execute("pragma integrity_check").fetchone()[0]
        events, ids, urls = conn.execute(
            "select count(*), count(distinct id), count(distinct url) from events"
        ).fetchone()
        runs = [dict(r) for r in conn.execute("select source, pages, items, errors, error, finish_reason from runs")]
    return {
        "integrity": integrity,
        "events": events,
        "duplicate_ids": events - ids,
        "duplicate_urls": events - urls,
        "runs": runs,
    }


def kill_midway_then_recrawl(work: Path, server, kill_at: int = PAGES // 2) -> dict:
    """Crawl the EventSite into work/events.db, kill -9 the crawl once `kill_at` event pages
    were asked for, then crawl again to the end. The figures: pages asked for when killed,
    the database after the kill and after the re-run, and the seconds each part took."""
    sources = (
        f'[sources.fairs]\nspider = "schemaorg"\nurls = ["{server.base_url}events/"]\ntimezone = "America/Chicago"\n'
    )
    started = time.monotonic()
    crawling = subprocess.Popen(
        crawl_command(work, sources, *FAST, now="2027-04-01T00:00:00Z"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = started + 120
    while len(server.requested) < kill_at and crawling.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    alive = crawling.poll() is None
    crawling.send_signal(signal.SIGKILL)
    crawling.wait(timeout=10)
    killed = {
        "requested_when_killed": len(server.requested),
        "alive_when_killed": alive,
        "seconds_to_kill": time.monotonic() - started,
        **database_state(work / "events.db"),
    }
    started = time.monotonic()
    again, _ = crawl(work, sources, *FAST, now="2027-04-01T00:00:00Z")
    return {
        "killed": killed,
        "rerun": {
            "returncode": again.returncode,
            "seconds": time.monotonic() - started,
            "stderr": again.stderr[-2000:],
            **database_state(work / "events.db"),
        },
    }


def test_a_3000_page_crawl_killed_halfway_leaves_a_sound_database_and_the_rerun_stores_every_event(tmp_path):
    with event_site() as server:
        figures = kill_midway_then_recrawl(tmp_path, server)
    killed, rerun = figures["killed"], figures["rerun"]
    assert killed["alive_when_killed"] and PAGES // 2 <= killed["requested_when_killed"] < PAGES, killed
    assert killed["integrity"] == "ok"
    assert killed["events"] == 0 and killed["runs"] == []  # one transaction at the end: nothing half-written
    assert rerun["returncode"] == 0, rerun["stderr"]
    assert rerun["integrity"] == "ok" and rerun["events"] == PAGES
    assert rerun["duplicate_ids"] == 0 and rerun["duplicate_urls"] == 0
    assert rerun["runs"] == [
        {
            "source": "fairs",
            "pages": PAGES + LISTINGS + 1,
            "items": PAGES,
            "errors": 0,
            "error": None,
            "finish_reason": "finished",
        }
    ]  # + robots.txt
