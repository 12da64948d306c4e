"""eventhound nightly: one run at a time (flock beside the database), its exit codes, and the
saved searches' digests it writes."""

import json
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time

from eventhound.localsite import QuietHandler, serve_directory
from tests.conftest import eventhound_command, run_eventhound

HOLD = """
import sys, time
from eventhound.runlock import run_lock
with run_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def demo_sources(tmp_path, base_url):
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[sources.demo]\nspider = "schemaorg"\nurls = ["{base_url}events/"]\ntimezone = "America/Chicago"\n'
    )
    return path


def nightly_command(tmp_path, sources, *extra):
    return eventhound_command(
        "nightly",
        "--sources",
        sources,
        "--db",
        tmp_path / "events.db",
        "--digest",
        tmp_path / "digest.xml",
        "--now",
        "2027-02-01T12:00:00Z",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        *extra,
    )


def nightly(tmp_path, sources, *extra):
    return subprocess.run(nightly_command(tmp_path, sources, *extra), capture_output=True, text=True, timeout=120)


def test_a_good_night_writes_the_saved_searches_and_exits_0(tmp_path, demo_site_url):
    sources = demo_sources(tmp_path, demo_site_url)
    (tmp_path / "digests.toml").write_text('[digests.fairs]\ntitle = "Job fairs"\ntypes = ["job_fair"]\ndays = 60\n')
    result = nightly(tmp_path, sources, "--out-dir", tmp_path / "site", "--digests", tmp_path / "digests.toml")
    assert result.returncode == 0, result.stderr[-2000:]
    assert {p.name for p in (tmp_path / "site").iterdir()} == {
        "index.html",
        "fairs.rss",
        "fairs.atom",
        "fairs.ics",
        "fairs.html",
        "health.html",
    }
    # the demo site carries one broken markup block on purpose: read, and said
    assert "fairs.{rss,atom,ics,html}" in result.stdout and "health.html: 1 sources need attention" in result.stdout
    health = (tmp_path / "site" / "health.html").read_text()
    assert "<td>demo</td>" in health and "errors: 1 things it could not read" in health


def test_bad_configuration_exits_2_and_writes_nothing(tmp_path, demo_site_url):
    bad = tmp_path / "bad.toml"
    bad.write_text('[sources.x]\nspider = "nope"\nurls = ["https://x.example/"]\ntimezone = "UTC"\n')
    result = nightly(tmp_path, bad)
    assert result.returncode == 2 and "[sources.x]: spider must be one of" in result.stderr
    (tmp_path / "digests.toml").write_text("[digests.x]\ntypes = ['job_fair']\n")
    result = nightly(
        tmp_path,
        demo_sources(tmp_path, demo_site_url),
        "--out-dir",
        tmp_path / "site",
        "--digests",
        tmp_path / "digests.toml",
    )
    assert result.returncode == 2 and "[digests.x]: title is required" in result.stderr
    assert not (tmp_path / "events.db").exists() and not (tmp_path / "site").exists()


def test_a_second_run_exits_3_at_once_and_a_killed_holder_blocks_nothing(tmp_path, demo_site_url):
    sources = demo_sources(tmp_path, demo_site_url)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "events.db")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        second = nightly(tmp_path, sources)
        waited = time.monotonic() - started
        assert second.returncode == 3, second.stderr[-2000:]
        assert f"pid {holder.pid}, started " in second.stderr and "another run holds" in second.stderr
        assert waited < 20  # at once: it did not wait for the lock (the process start is most of it)
        crawl = run_eventhound("crawl", "--sources", sources, "--db", tmp_path / "events.db")
        assert crawl.returncode == 3  # a crawl takes the same lock
    finally:
        holder.send_signal(signal.SIGKILL)  # kill -9: the kernel drops the lock
        holder.wait(timeout=20)
    after = nightly(tmp_path, sources)
    assert after.returncode == 0, after.stderr[-2000:]


PAGE = '<html><head><script type="application/ld+json">{}</script></head><body></body></html>'


def write_held_site(root):
    """A listing of two event pages; the page /events/held/ is the one the test holds back."""
    events = {"a": "2027-03-10T10:00:00", "held": "2027-03-11T10:00:00"}
    itemlist = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "url": f"/events/{name}/"} for i, name in enumerate(events)
        ],
    }
    (root / "events").mkdir(parents=True)
    (root / "events" / "index.html").write_text(PAGE.format(json.dumps(itemlist)))
    for name, start in events.items():
        (root / "events" / name).mkdir()
        event = {"@context": "https://schema.org", "@type": "Event", "name": f"Job fair {name}", "startDate": start}
        (root / "events" / name / "index.html").write_text(PAGE.format(json.dumps(event)))


def test_two_real_overlapping_nightly_runs_the_second_exits_3_and_the_first_completes(tmp_path):
    asked, release = threading.Event(), threading.Event()

    class Held(QuietHandler):
        def do_GET(self):
            if self.path == "/events/held/":
                asked.set()
                release.wait(60)  # bounded: the test releases it as soon as the second run is done
            super().do_GET()

    write_held_site(tmp_path / "site")
    with serve_directory(tmp_path / "site", handler=Held) as base_url:
        sources = demo_sources(tmp_path, base_url)
        first = subprocess.Popen(
            nightly_command(tmp_path, sources), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert asked.wait(60), "the first run never reached the held page"  # it holds the lock now
            second = nightly(tmp_path, sources)
        finally:
            release.set()
            try:
                out, err = first.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                first.kill()
                raise
    assert second.returncode == 3 and f"pid {first.pid}, started " in second.stderr, second.stderr[-2000:]
    assert first.returncode == 0, err[-2000:]
    assert re.search(r"^demo +ok +pages=4 events=2 ", out, re.M) and (tmp_path / "digest.xml").exists(), out
    with sqlite3.connect(tmp_path / "events.db") as conn:
        assert conn.execute("select source, items, errors, finish_reason from runs").fetchall() == [
            ("demo", 2, 0, "finished")
        ]  # the first run's row; the second wrote nothing
        assert conn.execute("select count(*) from events").fetchone()[0] == 2
