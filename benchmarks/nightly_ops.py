"""Nightly operations figures (issue 13): a 3,000-page crawl killed with kill -9, and two
overlapping `eventhound nightly` runs on one database.

kill -9: the 3,000-page site of tests/test_crawl_killed.py, served on 127.0.0.1, crawled
with AutoThrottle off and 16 requests per domain; the crawl is killed once half its event
pages were asked for, then crawled again. Printed: pages asked for when killed, event rows
and integrity_check after the kill, events after the re-run, duplicate ids and URLs.

Overlap: a first `eventhound nightly` on a local site slow enough that it runs ~10 s (ten
event pages, one second each, one request at a time: CONCURRENT_REQUESTS=1, because
Scrapy 2.19 lets a burst of requests past CONCURRENT_REQUESTS_PER_DOMAIN when there is no
download delay); a second on the same database 1 s
after the first took the run lock. Printed: the second's exit code and seconds to exit,
the first's exit code, seconds, and its runs row.

Both run in separate processes on a shared 2-core machine: the seconds are noisy; each
measurement is repeated --rounds times.

Example: python benchmarks/nightly_ops.py --rounds 2
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, for tests.*

from tests.test_crawl_killed import PAGES, event_site, kill_midway_then_recrawl  # noqa: E402

SLOW_PAGES, SLOW_SECONDS = 10, 1.0
PAGE = '<html><head><script type="application/ld+json">{}</script></head><body></body></html>'


class SlowSite(BaseHTTPRequestHandler):
    """/events/ lists SLOW_PAGES event pages; each takes SLOW_SECONDS (cut short when the
    server's `stopping` is set)."""

    def log_message(self, *args):
        pass

    def page(self) -> dict | None:
        if self.path == "/events/":
            return {
                "@context": "https://schema.org",
                "@type": "ItemList",
                "itemListElement": [
                    {"@type": "ListItem", "position": n + 1, "url": f"/events/{n}/"} for n in range(SLOW_PAGES)
                ],
            }
        number = self.path.strip("/").removeprefix("events/")
        if number.isdigit() and int(number) < SLOW_PAGES:
            self.server.stopping.wait(SLOW_SECONDS)
            return {
                "@context": "https://schema.org",
                "@type": "Event",
                "name": f"Evening Job Club #{number}",
                "startDate": f"2027-02-{10 + int(number):02d}T18:00:00",
            }
        return None

    def do_GET(self):
        page = self.page()
        body = PAGE.format(json.dumps(page)).encode() if page is not None else b""
        self.send_response(200 if page is not None else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def slow_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowSite)
    server.daemon_threads, server.stopping = True, threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()


def nightly_command(work: Path, base_url: str) -> list[str]:
    sources = work / "sources.toml"
    sources.write_text(
        f'[sources.club]\nspider = "schemaorg"\nurls = ["{base_url}events/"]\ntimezone = "America/Chicago"\n'
    )
    return [
        sys.executable,
        "-m",
        "eventhound",
        "nightly",
        "--sources",
        str(sources),
        "--db",
        str(work / "events.db"),
        "--digest",
        str(work / "digest.xml"),
        "--now",
        "2027-02-01T12:00:00Z",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        "-s",
        "CONCURRENT_REQUESTS=1",
        "-s",
        "DOWNLOAD_DELAY=0",
    ]


def wait_for_lock(work: Path, pid: int, process: subprocess.Popen, limit: float = 60) -> bool:
    """Wait (at most `limit` s) until DB.lock names `pid`: that process holds the run lock."""
    lock, deadline = work / "events.db.lock", time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if lock.exists() and lock.read_text().startswith(f"pid {pid},"):
            return True
        time.sleep(0.02)
    return False


def overlap(work: Path) -> dict:
    """Two `eventhound nightly` runs on work/events.db, the second 1 s after the first took the lock."""
    with slow_site() as base_url:
        command = nightly_command(work, base_url)
        started = time.monotonic()
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            locked = wait_for_lock(work, first.pid, first)
            lock_seconds = time.monotonic() - started
            time.sleep(1)
            second_started = time.monotonic()
            second = subprocess.run(command, capture_output=True, text=True, timeout=120)
            second_seconds = time.monotonic() - second_started
            out, _ = first.communicate(timeout=120)
        finally:
            if first.poll() is None:
                first.kill()
        first_seconds = time.monotonic() - started
    with sqlite3.connect(work / "events.db") as conn:
        runs = conn.execute("select source, pages, items, errors, finish_reason from runs").fetchall()
        events = conn.execute("select count(*) from events").fetchone()[0]
    return {
        "locked": locked,
        "lock_seconds": lock_seconds,
        "second_code": second.returncode,
        "second_seconds": second_seconds,
        "second_said": second.stderr.strip().splitlines()[-1:],
        "first_code": first.returncode,
        "first_seconds": first_seconds,
        "runs": runs,
        "events": events,
        "first_line": next((line for line in out.splitlines() if line.startswith("club ")), ""),
    }


def report_kill(round_: int, figures: dict) -> None:
    killed, rerun = figures["killed"], figures["rerun"]
    print(
        f"kill -9 round {round_}: killed after {killed['seconds_to_kill']:.1f} s with "
        f"{killed['requested_when_killed']} of {PAGES} event pages asked for; after the kill: "
        f"integrity_check {killed['integrity']}, {killed['events']} event rows, {len(killed['runs'])} runs rows"
    )
    print(
        f"  re-run: exit {rerun['returncode']} in {rerun['seconds']:.1f} s; integrity_check {rerun['integrity']}, "
        f"{rerun['events']} events, {rerun['duplicate_ids']} duplicate ids, {rerun['duplicate_urls']} duplicate URLs; "
        f"runs {rerun['runs']}"
    )


def report_overlap(round_: int, figures: dict) -> None:
    print(
        f"overlap round {round_}: the first took the lock after {figures['lock_seconds']:.1f} s "
        f"({'held' if figures['locked'] else 'NOT seen'}); the second, started 1 s later, exited "
        f"{figures['second_code']} after {figures['second_seconds']:.2f} s: {' '.join(figures['second_said'])}"
    )
    print(
        f"  the first exited {figures['first_code']} after {figures['first_seconds']:.1f} s; "
        f"{figures['first_line'].split('  time=')[0]}; runs rows {figures['runs']}; {figures['events']} events"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="how often each measurement is repeated")
    args = parser.parse_args()
    for round_ in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory() as tmp, event_site() as server:
            report_kill(round_, kill_midway_then_recrawl(Path(tmp), server))
    for round_ in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory() as tmp:
            report_overlap(round_, overlap(Path(tmp)))


if __name__ == "__main__":
    main()
