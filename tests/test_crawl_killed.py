"""A crawl killed part-way leaves the database as the last complete crawl left it."""

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from eventhound.localsite import QuietHandler

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
    from functools import partial
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/", requested, slow
    server.shutdown()
    server.server_close()


def crawl_command(tmp_path, base_url, now):
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[sources.fairs]\nspider = "schemaorg"\nurls = ["{base_url}events/"]\ntimezone = "America/Chicago"\n')
    return [sys.executable, "-m", "eventhound", "crawl", "--sources", str(sources), "--db", str(tmp_path / "events.db"),
            "--now", now, "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=60"]


def rows(db):
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        return sorted(conn.execute("select title, last_seen from events"))


def test_killed_crawl_leaves_the_last_complete_crawl(site, tmp_path):
    root, base_url, requested, slow = site
    write_site(root, "(first crawl)")
    first = subprocess.run(crawl_command(tmp_path, base_url, "2027-04-01T00:00:00Z"), capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]
    before = rows(tmp_path / "events.db")
    assert len(before) == 3 and all(title.endswith("(first crawl)") for title, _ in before)

    write_site(root, "(second crawl)")
    slow.set()
    requested.clear()
    crawl = subprocess.Popen(crawl_command(tmp_path, base_url, "2027-04-02T00:00:00Z"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not {"/events/a/", "/events/b/", "/slow/c/"} <= set(requested):
        assert time.monotonic() < deadline and crawl.poll() is None, requested
        time.sleep(0.05)
    time.sleep(0.5)  # a and b are parsed and through the pipelines; c hangs
    crawl.send_signal(signal.SIGKILL)
    crawl.wait(timeout=10)

    assert rows(tmp_path / "events.db") == before
