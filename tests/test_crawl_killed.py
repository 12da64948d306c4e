"""A crawl killed part-way leaves the database as the last complete crawl left it."""

import json
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from eventhound.localsite import QuietHandler, serve_directory
from tests.conftest import crawl, crawl_command

LISTING = """<html><head><script type="application/ld+json">{itemlist}</script></head><body></body></html>"""
DETAIL = """<html><head><script type="application/ld+json">{event}</script></head><body></body></html>"""


def write_site(root, title_suffix):
    paths = ["/events/a/", "/events/b/", "/slow/c/"]
    (root / "events").mkdir(parents=True, exist_ok=True)
    itemlist = {"@context": "https://schema.org", "@type": "ItemList",
                "itemListElement": [{"@type": "ListItem", "position": i + 1, "url": p} for i, p in enumerate(paths)]}
    (root / "events" / "index.html").write_text(LISTING.format(itemlist=json.dumps(itemlist)))
    for day, path in enumerate(paths, start=10):
        event = {"@context": "https://schema.org", "@type": "Event", "name": f"Job fair {path} {title_suffix}",
                 "startDate": f"2027-05-{day}T10:00:00", "url": path}
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
