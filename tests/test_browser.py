"""What a job seeker sees, in a real browser: Debian's headless Chromium loads the digest
index, a digest page and Datasette's `find` page (with its map), takes screenshots, and the
DOM after the pages' scripts ran is checked: the elements are there, and no raw ISO
timestamp or JSON list is shown as text."""

import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta, timezone

import pytest
from bs4 import BeautifulSoup

from eventhound import db as database
from eventhound.digest import write_digests
from eventhound.localsite import serve_directory
from eventhound.searches import load_searches
from tests.test_saved_searches import EVENTS, NOW
from tests.test_serve_public import free_port, status

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=412,915",
]
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
JSON_LIST = re.compile(r'\[\s*"')


def browse(url: str, screenshot) -> BeautifulSoup:
    """The DOM of `url` after its scripts ran (and a screenshot of it), by headless Chromium."""
    assert CHROMIUM, "Debian's chromium is not installed (.ci/run installs it)"
    subprocess.run([CHROMIUM, *FLAGS, f"--screenshot={screenshot}", url], capture_output=True, timeout=120)
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, "--virtual-time-budget=5000", "--dump-dom", url], capture_output=True, text=True, timeout=120
    ).stdout
    return BeautifulSoup(dom, "html.parser")


def shown_text(page: BeautifulSoup) -> str:
    for hidden in page(["script", "style", "title", "head"]):
        hidden.decompose()
    return page.get_text(" ")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser")
    db = database.open_db(tmp / "events.db")
    database.upsert_events(db, EVENTS, "2027-03-01T00:00:00+00:00")
    database.refresh_fts(db)
    write_digests(db, tmp / "site", load_searches(None), NOW, base_url="https://digests.example.org/")
    db.close()
    return tmp


def test_digest_index_and_page_in_a_browser(site):
    with serve_directory(site / "site") as base:
        index = browse(base + "index.html", site / "index.png")
        page = browse(base + "upcoming.html", site / "upcoming.png")
    assert (site / "index.png").stat().st_size > 1000 and (site / "upcoming.png").stat().st_size > 1000
    assert index.find("a", href="upcoming.html") and index.find("a", href="upcoming.ics")
    assert index.find("a", href="webcal://digests.example.org/upcoming.ics")
    assert page.html["lang"] == "en" and page.find("h1") and len(page.find_all("article")) == 6
    assert page.find("form", id="filters").find("select", attrs={"name": "type"})
    text = shown_text(page)
    assert "Thu, Mar 4, 2027, 6:30 PM – 8:30 PM CST" in text and "CANCELLED:" in text
    assert 'Nursing <script>alert("x")</script> & "Jobs" Fair' in text  # shown as text, never run
    assert not ISO.search(text) and not JSON_LIST.search(text)


@pytest.fixture(scope="module")
def datasette(site):
    db = database.open_db(site / "events.db")
    start = datetime.now(UTC) + timedelta(days=3)
    record = dict(
        EVENTS[0],
        id="soon",
        start=start.astimezone(timezone(timedelta(hours=-6))).isoformat(),
        start_utc=database.iso_utc(start),
        end=None,
        topics='["healthcare"]',
        title="Spring Job Fair",
    )
    database.upsert_events(db, [record], database.iso_utc(start))
    db.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "eventhound", "serve", "--db", str(site / "events.db"), "--public", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if status(base + "/-/versions.json") == 200:
                    break
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_the_find_page_in_a_browser(site, datasette):
    url = datasette + "/events/find?types=job_fair&topics=&lat=&lon=&km=&days=30&free=&evening=&attendance="
    page = browse(url, site / "find.png")
    assert (site / "find.png").stat().st_size > 1000
    assert page.find("a", string="Spring Job Fair")  # the title, linked to the event's page
    assert page.find(class_=re.compile("leaflet-container"))  # the map of the results
    form = page.find("form", class_="sql")  # choices, not free text
    assert len(form.select(".find-types input[type=checkbox]")) == 8
    assert form.find("input", attrs={"name": "types", "type": "hidden"})["value"] == "job_fair"
    assert [o["value"] for o in form.find("select", attrs={"name": "attendance"}).find_all("option")] == [
        "",
        "in_person",
        "online",
        "hybrid",
    ]
    assert form.find("select", attrs={"name": "days"}).find("option", selected=True)["value"] == "30"
    assert form.find("input", id="find-free")["type"] == "checkbox"
    table = page.find("table")
    text = shown_text(BeautifulSoup(str(table), "html.parser"))
    assert "healthcare" in text and not ISO.search(text) and not JSON_LIST.search(text)
