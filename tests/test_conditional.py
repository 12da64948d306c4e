"""Repeat visits: an unchanged feed is asked about with its validators and not downloaded
again (304), its events still seen; a changed feed is read afresh; a publisher's failure is
reported as a failure, never hidden behind the kept copy."""

import hashlib
import socket
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eventhound.httpcache import cache_dir, prune_cache
from tests.conftest import crawl, query, summary
from tests.kit import cli

FEED = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Riverside Workforce Board//Events//EN\r
{events}END:VCALENDAR\r
"""
EVENT = """BEGIN:VEVENT\r
UID:{uid}@riverside-workforce.example\r
DTSTAMP:20270101T000000Z\r
DTSTART;TZID=America/Chicago:{start}\r
SUMMARY:{title}\r
END:VEVENT\r
"""
LAST_MODIFIED = "Mon, 01 Feb 2027 08:00:00 GMT"


def feed(titles: list[str]) -> bytes:
    events = "".join(
        EVENT.format(uid=f"e{n}", start=f"202703{10 + n:02d}T100000", title=title) for n, title in enumerate(titles)
    )
    return FEED.format(events=events).encode()


class Publisher:
    """Two feeds on 127.0.0.1: /etag.ics validated by ETag, /dated.ics by Last-Modified (as a
    static file server does). `mode` makes the next answers fail: "500" or "reset"."""

    def __init__(self):
        self.titles = ["Spring Job Fair", "Resume Workshop"]
        self.mode = None
        self.seen: list[tuple[str, dict, int]] = []  # (path, request headers, status)

    def answer(self, handler):
        body = feed(self.titles)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"ETag": etag} if handler.path == "/etag.ics" else {"Last-Modified": LAST_MODIFIED}
        if handler.path == "/robots.txt":
            return 404, b"", {}
        if self.mode == "500":
            return 500, b"down for maintenance", {}
        if self.mode == "reset":
            return None, b"", {}
        unchanged = (
            handler.headers.get("If-None-Match") == etag
            if "ETag" in headers
            else handler.headers.get("If-Modified-Since") == LAST_MODIFIED
        )
        if unchanged:
            return 304, b"", headers
        return 200, body, {**headers, "Content-Type": "text/calendar; charset=utf-8"}


@pytest.fixture
def publisher():
    state = Publisher()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            status, body, headers = state.answer(self)
            state.seen.append((self.path, dict(self.headers), status))
            if status is None:  # reset the connection
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.connection.close()
                return
            self.send_response(status)
            for name, value in {**headers, "Content-Length": str(len(body))}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def sources(base: str) -> str:
    return "".join(
        f'[sources.{key}]\nspider = "ical"\nurls = ["{base}/{key}.ics"]\ntimezone = "America/Chicago"\n'
        for key in ("etag", "dated")
    )


def night(tmp_path, publisher, day: int):
    publisher.seen.clear()
    result, db = crawl(
        tmp_path, sources(publisher.base), "-s", "RETRY_ENABLED=False", now=f"2027-02-{day:02d}T09:00:00+00:00"
    )
    feeds = {path: (headers, status) for path, headers, status in publisher.seen if path != "/robots.txt"}
    return result, db, feeds


def test_an_unchanged_feed_is_not_downloaded_again_and_its_events_are_still_seen(tmp_path, publisher):
    first, db, feeds = night(tmp_path, publisher, 1)
    assert first.returncode == 0, first.stdout + first.stderr[-2000:]
    assert {status for _, status in feeds.values()} == {200}
    assert not any("If-None-Match" in h or "If-Modified-Since" in h for h, _ in feeds.values())
    assert any((cache_dir(tmp_path / "events.db") / "ical").iterdir())

    second, db, feeds = night(tmp_path, publisher, 2)
    assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    assert feeds["/etag.ics"][0]["If-None-Match"].startswith('"')
    assert feeds["/dated.ics"][0]["If-Modified-Since"] == LAST_MODIFIED
    assert {status for _, status in feeds.values()} == {304}
    for key in ("etag", "dated"):
        assert "events=2 " in summary(second, key) and "unchanged=1 " in summary(second, key)
    seen = query(db, "select source, title, last_seen from events order by source, title")
    assert [(r["source"], r["title"]) for r in seen] == [
        ("dated", "Resume Workshop"),
        ("dated", "Spring Job Fair"),
        ("etag", "Resume Workshop"),
        ("etag", "Spring Job Fair"),
    ]
    assert {r["last_seen"][:10] for r in seen} == {"2027-02-02"}  # seen this night, from the kept copy


def test_a_changed_feed_is_read_afresh(tmp_path, publisher):
    night(tmp_path, publisher, 1)
    publisher.titles.append("Healthcare Hiring Event")
    second, db, feeds = night(tmp_path, publisher, 2)
    assert feeds["/etag.ics"][1] == 200 and "unchanged=0 " in summary(second, "etag")
    titles = [r["title"] for r in query(db, "select title from events where source = 'etag' order by title")]
    assert titles == ["Healthcare Hiring Event", "Resume Workshop", "Spring Job Fair"]


@pytest.mark.parametrize("mode, said", [("500", "HTTP 500"), ("reset", "connection reset by the server")])
def test_a_failing_publisher_is_reported_not_hidden_behind_the_kept_copy(tmp_path, publisher, mode, said):
    night(tmp_path, publisher, 1)
    night(tmp_path, publisher, 2)
    publisher.mode = mode
    failed, db, _ = night(tmp_path, publisher, 3)
    assert failed.returncode == 1
    for key in ("etag", "dated"):
        assert "FAILED" in summary(failed, key) and said in summary(failed, key)
        run = query(db, "select error, errors from runs where source = ? order by started desc", key)[0]
        assert said in run["error"] and run["errors"] >= 1
    # a failed night marks nothing removed
    assert query(db, "select count(*) as n from events where removed_at is not null")[0]["n"] == 0


def test_prune_cache_deletes_only_copies_not_asked_about_for_days(tmp_path, publisher):
    night(tmp_path, publisher, 1)
    copies = cache_dir(tmp_path / "events.db")
    kept = len(list(copies.glob("*/*/*/pickled_meta")))
    assert kept == 2
    assert prune_cache(copies, 30) == 0
    assert prune_cache(copies, 30, now=time.time() + 29 * 86400) == 0
    later = datetime.fromtimestamp(time.time() + 31 * 86400, UTC).isoformat()
    pruned = cli("prune", "--db", tmp_path / "events.db", "--cache-days", "30", "--now", later)
    assert pruned.exit_code == 0 and "2 kept page copies unused for 30 days" in pruned.stdout, pruned.stderr
    assert not list(copies.glob("*/*/*/pickled_meta"))
