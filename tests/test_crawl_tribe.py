"""End to end: the tribe spider over HTTP on 127.0.0.1 — API pages via next_rest_url, the ?ical=1 fallback."""

import json
import shutil
from datetime import UTC, datetime
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from eventhound.localsite import QuietHandler, serve_directory
from eventhound.sources import Source
from spiders.tribe import TribeSpider
from tests.conftest import crawl, query, summary

FIXTURES = Path(__file__).parent / "fixtures" / "tribe"
NOW = "2027-02-01T12:00:00+00:00"
API_DIR = "wp-json/tribe/events/v1/events"


class RecordingHandler(QuietHandler):
    """Serves files and notes each request's path (with its query) in `seen`; a root 404.json is the 404 body."""

    seen: list[str]

    def do_GET(self):
        self.seen.append(self.path)
        super().do_GET()

    def send_error(self, code, message=None, explain=None):
        body = Path(self.directory, "404.json")
        if code != 404 or not body.exists():
            return super().send_error(code, message, explain)
        data = body.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def recording(seen: list[str]) -> type:
    """A RecordingHandler that notes the requests in `seen`."""
    return type("Recording", (RecordingHandler,), {"seen": seen})


def api_site(root: Path, base: str):
    """The fixture pages as the site's API: page 1 at the endpoint, page 2 at a path next_rest_url names."""
    api = root / API_DIR
    api.mkdir(parents=True)
    page1 = json.loads((FIXTURES / "chamber_events_page1.json").read_text())
    page2 = json.loads((FIXTURES / "chamber_events_page2.json").read_text())
    page1["next_rest_url"] = f"{base}{API_DIR}/page2.json"
    text1, text2 = (json.dumps(p).replace("https://www.rivertonchamber.org/", base) for p in (page1, page2))
    (api / "index.html").write_text(text1)  # /wp-json/.../events?... redirects to events/?... -> index.html
    (api / "page2.json").write_text(text2)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("tribe")
    open_root, closed_root, empty_root = work / "open", work / "closed", work / "empty"
    empty_root.mkdir()
    # An old TEC answers an empty window with 404 {"code": "event-archive-page-not-found"}.
    shutil.copy(FIXTURES / "empty_archive_404.json", empty_root / "404.json")
    (closed_root / "events").mkdir(parents=True)
    # The static server ignores the query: /events/?ical=1 is answered with this iCal export.
    shutil.copy(FIXTURES / "ical_export.ics", closed_root / "events" / "index.html")
    open_seen, closed_seen, empty_seen = [], [], []
    with (
        serve_directory(open_root, handler=recording(open_seen)) as open_url,
        serve_directory(closed_root, handler=recording(closed_seen)) as closed_url,
        serve_directory(empty_root, handler=recording(empty_seen)) as empty_url,
    ):
        api_site(open_root, open_url)
        result, db = crawl(
            work,
            f"""
[sources.riverton]
spider = "tribe"
urls = ["{open_url}events/"]
timezone = "America/New_York"

[sources.riverton-first-page]
spider = "tribe"
urls = ["{open_url}{API_DIR}?per_page=6"]
timezone = "America/New_York"
[sources.riverton-first-page.tribe]
max_pages = 1

[sources.closed-api]
spider = "tribe"
urls = ["{closed_url}events/"]
timezone = "America/New_York"

[sources.empty-window]
spider = "tribe"
urls = ["{empty_url}events/"]
timezone = "America/New_York"
""",
            now=NOW,
        )
    return db, result, list(open_seen), list(closed_seen), list(empty_seen)


def test_api_window_comes_from_the_crawls_now(crawled):
    _, _, open_seen, _, _ = crawled
    first = next(p for p in open_seen if p.startswith(f"/{API_DIR}?") and "per_page=6" not in p)
    asked = parse_qs(urlsplit(first).query)
    # now = Feb 1 2027 07:00 in New York: one day back, 365 ahead
    assert asked == {"start_date": ["2027-01-31"], "end_date": ["2028-02-01"], "per_page": ["50"]}


def test_pages_are_followed_through_next_rest_url(crawled):
    db, result, open_seen, _, _ = crawled
    assert f"/{API_DIR}/page2.json" in open_seen
    assert " ok " in summary(result, "riverton"), result.stdout + result.stderr[-3000:]
    events = {r["title"]: r for r in query(db, "select * from events where source = 'riverton'")}
    assert len(events) == 7  # 5 readable on page 1, 2 on page 2
    mixer = events["Young Professionals Networking Mixer – Spring Edition"]
    assert mixer["start"] == "2027-03-04T17:30:00-05:00" and mixer["timezone"] == "America/New_York"
    assert mixer["url"].startswith("http://127.0.0.1:")
    assert events["Chamber Annual Meeting & Awards Luncheon"]["start"] == "2027-05-12T11:30:00-04:00"
    assert events["Résumé Review Clinic (Virtual)"]["start_utc"].startswith("2027-04-06T19:00:00")
    run = query(db, "select * from runs where source = 'riverton'")[0]
    assert run["items"] == 7 and run["errors"] == 1  # the event without a start


def test_api_url_source_keeps_its_query_and_max_pages_stops_paging(crawled):
    db, _, open_seen, _, _ = crawled
    asked = [parse_qs(urlsplit(p).query) for p in open_seen if p.startswith(f"/{API_DIR}?per_page=6")]
    assert asked and asked[0]["start_date"] == ["2027-01-31"] and "end_date" not in asked[0]
    assert query(db, "select count(*) n from events where source = 'riverton-first-page'")[0]["n"] == 5


def test_closed_api_falls_back_to_the_ical_export(crawled):
    db, result, _, closed_seen, _ = crawled
    assert f"/{API_DIR}?start_date=2027-01-31&end_date=2028-02-01&per_page=50" in closed_seen
    assert "/events/?ical=1" in closed_seen
    run = query(db, "select * from runs where source = 'closed-api'")[0]
    assert run["errors"] >= 1  # tribe_api_closed is counted


def test_tecs_own_404_for_an_empty_window_is_not_a_closed_api(crawled):
    db, result, _, _, empty_seen = crawled
    assert not any("ical=1" in p for p in empty_seen), empty_seen
    assert "no events found" in summary(result, "empty-window")
    assert query(db, "select errors from runs where source = 'empty-window'")[0]["errors"] == 0


@pytest.mark.skipif(find_spec("eventhound.extractors.ical") is None, reason="the ical extractor is not written yet")
def test_closed_api_events_come_from_the_ical_export(crawled):
    db, result, _, _, _ = crawled
    assert " ok " in summary(result, "closed-api"), result.stdout
    events = {r["title"]: r for r in query(db, "select * from events where source = 'closed-api'")}
    assert events["Young Professionals Networking Mixer – Spring Edition"]["start"] == "2027-03-04T17:30:00-05:00"
    assert events["Spring Regional Job Fair"]["start"] == "2027-03-10"


def test_endpoints_for_each_kind_of_source_url():
    def spider(url, **options):
        source = Source(key="k", spider="tribe", urls=(url,), timezone="America/Chicago", options=options)
        s = TribeSpider(source=source)
        s.context = type("C", (), {"now": datetime(2027, 2, 1, 3, tzinfo=UTC)})()
        return s

    # 03:00 UTC is still Jan 31 in Chicago
    api, ical = spider("https://chamber.example/").endpoints("https://chamber.example/")
    assert api == (
        "https://chamber.example/wp-json/tribe/events/v1/events?start_date=2027-01-30&end_date=2028-01-31&per_page=50"
    )
    assert ical == "https://chamber.example/events/?ical=1"
    s = spider(
        "https://chamber.example/calendar/list/?tribe-bar-date=2027-02",
        window_days_back=7,
        window_days_ahead=30,
        per_page=25,
    )
    api, ical = s.endpoints("https://chamber.example/calendar/list/?tribe-bar-date=2027-02")
    assert "start_date=2027-01-24&end_date=2027-03-02&per_page=25" in api
    assert ical == "https://chamber.example/calendar/list/?tribe-bar-date=2027-02&ical=1"
    api, ical = spider("https://x.example/org/wp-json/tribe/events/v1/events?categories=job-fairs").endpoints(
        "https://x.example/org/wp-json/tribe/events/v1/events?categories=job-fairs"
    )
    assert api == "https://x.example/org/wp-json/tribe/events/v1/events?categories=job-fairs&start_date=2027-01-30"
    assert ical == "https://x.example/org/events/?ical=1"
    s = spider("https://chamber.example/", ical_url="https://chamber.example/?post_type=tribe_events&ical=1")
    assert s.endpoints("https://chamber.example/")[1] == "https://chamber.example/?post_type=tribe_events&ical=1"
