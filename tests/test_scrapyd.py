"""Scale-out on two real Scrapyd nodes (127.0.0.1): the same events, runs and digests as a
local crawl; one job per site at a time; a node killed mid-run loses nothing and stores
nothing twice."""

import json
import shutil
import signal
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import sqlite_utils

from eventhound.localsite import QuietHandler, serve_directory
from tests.conftest import DEMO_SITE, FIXTURES, eventhound_command, query
from tests.scrapyd_nodes import scrapyd_nodes, stop_node

NOW = "2027-01-15T12:00:00+00:00"
# what differs between two crawls of the same pages by construction: when they ran
RUN_COLUMNS = "source, pages, items, dropped, errors, warnings, finish_reason, error, dropped_reasons"


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    with scrapyd_nodes(tmp_path_factory.mktemp("scrapyd"), 2) as running:
        yield running


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Three sites: the demo site; a workforce board with two calendars; a chamber whose
    events page is gone (404)."""
    board = tmp_path_factory.mktemp("board")
    for name in ("workforce_board_google.ics", "hr_chapter_monthly_moved.ics"):
        shutil.copy(FIXTURES / "ical" / name, board / name)
    chamber = tmp_path_factory.mktemp("chamber")
    with serve_directory(DEMO_SITE) as demo, serve_directory(board) as board_url, serve_directory(chamber) as gone:
        yield demo, board_url, gone


def sources_toml(demo: str, board: str, gone: str) -> str:
    entries = {
        "demo": ("schemaorg", f"{demo}events/", "America/Chicago"),
        "board_jobs": ("ical", f"{board}workforce_board_google.ics", "America/New_York"),
        "board_hr": ("ical", f"{board}hr_chapter_monthly_moved.ics", "America/New_York"),
        "chamber": ("schemaorg", f"{gone}events/", "America/Chicago"),
    }
    return "".join(
        f'[sources.{key}]\nspider = "{spider}"\nurls = ["{url}"]\ntimezone = "{tz}"\n'
        for key, (spider, url, tz) in entries.items()
    )


def crawl(work: Path, sources: str, *extra, timeout=240):
    work.mkdir(parents=True, exist_ok=True)
    (work / "sources.toml").write_text(sources)
    command = eventhound_command(
        "nightly",
        "--sources",
        work / "sources.toml",
        "--db",
        work / "events.db",
        "--digest",
        work / "digest.xml",
        "--out-dir",
        work / "site",
        "--now",
        NOW,
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        *extra,
    )
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def local_and_nodes(tmp_path_factory, nodes, sites):
    work = tmp_path_factory.mktemp("runs")
    sources = sources_toml(*sites)
    local = crawl(work / "local", sources)
    remote = crawl(work / "nodes", sources, "--scrapyd", ",".join(url for _, url in nodes))
    return work, local, remote


def test_nodes_store_the_same_events_runs_and_digests_as_a_local_crawl(local_and_nodes):
    work, local, remote = local_and_nodes
    assert local.returncode == remote.returncode == 1, remote.stdout + remote.stderr[-3000:]
    here, there = (sqlite_utils.Database(work / name / "events.db") for name in ("local", "nodes"))
    events = "select * from events order by id"
    assert query(here, events) and query(here, events) == query(there, events)
    runs = f"select {RUN_COLUMNS} from runs order by source"
    assert query(here, runs) == query(there, runs)
    assert len(query(there, runs)) == 4
    for name in ("upcoming.ics", "upcoming.rss", "upcoming.html"):
        assert (work / "local" / "site" / name).read_bytes() == (work / "nodes" / "site" / name).read_bytes()
    chamber = next(line for line in remote.stdout.splitlines() if line.startswith("chamber "))
    assert "FAILED" in chamber and "HTTP 404" in chamber


def test_one_job_per_site_at_a_time_across_the_nodes(local_and_nodes):
    work, _, _ = local_and_nodes
    runs = query(
        sqlite_utils.Database(work / "nodes" / "events.db"),
        "select source, started, finished from runs where source like 'board_%' order by started",
    )
    assert len(runs) == 2
    assert runs[0]["finished"] <= runs[1]["started"]  # the board's two calendars never crawled at once
    jobs = json.loads((work / "nodes" / "events.jobs.json").read_text())["jobs"]
    assert sorted(job["state"] for job in jobs) == ["failed", "loaded", "loaded", "loaded"]
    assert len({job["node"] for job in jobs}) == 2  # both nodes worked


def slow_site(root: Path, count: int):
    """`count` sites' worth of pages on one server: /s<N>/ lists one event whose page takes 2 s."""
    for n in range(count):
        (root / f"s{n}").mkdir(parents=True, exist_ok=True)
        event = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": f"Job Fair {n}",
            "startDate": f"2027-03-{n + 1:02d}T10:00:00-06:00",
            "url": f"/s{n}/fair/",
        }
        (root / f"s{n}" / "index.html").write_text(
            f'<html><body><a href="/s{n}/fair/">Job Fair {n}</a>'
            f'<script type="application/ld+json">{{"@type": "ItemList", "itemListElement": '
            f'[{{"@type": "ListItem", "url": "/s{n}/fair/"}}]}}</script></body></html>'
        )
        (root / f"s{n}" / "fair").mkdir(exist_ok=True)
        (root / f"s{n}" / "fair" / "index.html").write_text(
            f'<html><script type="application/ld+json">{json.dumps(event)}</script></html>'
        )


class Slow(QuietHandler):
    def do_GET(self):
        if "/fair/" in self.path:
            time.sleep(2)
        super().do_GET()


def test_a_node_killed_mid_run_loses_no_source_and_stores_none_twice(tmp_path):
    count = 6
    slow_site(tmp_path / "site", count)
    with scrapyd_nodes(tmp_path / "nodes", 2, max_proc=4) as running, ExitStack() as sites:
        # each source its own site (its own server), so the jobs run side by side
        urls = [sites.enter_context(serve_directory(tmp_path / "site", handler=Slow)) for _ in range(count)]
        sources = "".join(
            f'[sources.s{n}]\nspider = "schemaorg"\nurls = ["{urls[n]}s{n}/"]\ntimezone = "America/Chicago"\n'
            for n in range(count)
        )
        (tmp_path / "sources.toml").write_text(sources)
        command = eventhound_command(
            "crawl",
            "--sources",
            tmp_path / "sources.toml",
            "--db",
            tmp_path / "events.db",
            "--now",
            NOW,
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "--scrapyd",
            ",".join(url for _, url in running),
        )
        coordinator = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        doomed = running[0][0]
        killed = kill_when_busy(tmp_path / "nodes" / "node1", doomed, coordinator)
        out, err = coordinator.communicate(timeout=240)
    assert killed, "node1 never ran a job"
    assert coordinator.returncode == 0, out + err[-3000:]
    db = sqlite_utils.Database(tmp_path / "events.db")
    titles = sorted(r["title"] for r in query(db, "select title from events"))
    assert titles == sorted(f"Job Fair {n}" for n in range(count))
    assert query(db, "select count(*) as n from runs")[0]["n"] == count  # one run per source
    jobs = json.loads((tmp_path / "events.jobs.json").read_text())["jobs"]
    assert any(job["state"] == "lost" for job in jobs)
    assert sorted(job["state"] for job in jobs if job["state"] != "lost") == ["loaded"] * count


def kill_when_busy(node_root: Path, node, coordinator, seconds: float = 60) -> bool:
    """Kill -9 the node (and its crawls) once one of its jobs is writing items."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and coordinator.poll() is None:
        if any((node_root / "logs").rglob("*.log")):
            time.sleep(1)  # its jobs are under way
            stop_node(node)
            return True
        time.sleep(0.1)
    return False


def test_load_stores_the_jobs_a_killed_coordinator_left(tmp_path):
    slow_site(tmp_path / "site", 2)
    with (
        scrapyd_nodes(tmp_path / "nodes", 2) as running,
        serve_directory(tmp_path / "site", handler=Slow) as first,
        serve_directory(tmp_path / "site", handler=Slow) as second,
    ):
        (tmp_path / "sources.toml").write_text(
            "".join(
                f'[sources.s{n}]\nspider = "schemaorg"\nurls = ["{base}s{n}/"]\ntimezone = "America/Chicago"\n'
                for n, base in enumerate((first, second))
            )
        )
        command = eventhound_command(
            "crawl",
            "--sources",
            tmp_path / "sources.toml",
            "--db",
            tmp_path / "events.db",
            "--now",
            NOW,
            "--scrapyd",
            ",".join(url for _, url in running),
        )
        coordinator = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        manifest = tmp_path / "events.jobs.json"
        deadline = time.monotonic() + 60
        while not (manifest.exists() and len(json.loads(manifest.read_text())["jobs"]) == 2):
            assert time.monotonic() < deadline and coordinator.poll() is None
            time.sleep(0.1)
        coordinator.send_signal(signal.SIGKILL)  # both jobs scheduled, none stored
        coordinator.wait(timeout=10)
        assert query(sqlite_utils.Database(tmp_path / "events.db"), "select count(*) as n from events")[0]["n"] == 0
        while True:  # the jobs finish on their nodes
            early = subprocess.run(
                eventhound_command("load", "--db", tmp_path / "events.db"), capture_output=True, text=True, timeout=60
            )
            if "not stored" not in early.stdout or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert early.returncode == 0, early.stdout + early.stderr[-2000:]
        again = subprocess.run(
            eventhound_command("load", "--db", tmp_path / "events.db"), capture_output=True, text=True, timeout=60
        )
    db = sqlite_utils.Database(tmp_path / "events.db")
    assert sorted(r["title"] for r in query(db, "select title from events")) == ["Job Fair 0", "Job Fair 1"]
    assert query(db, "select count(*) as n from runs")[0]["n"] == 2
    assert "every job is stored already" in again.stdout and again.returncode == 0
