"""Communico Attend: the calendar's eeventcaldata JSON read into raw events, and a crawl of its pages over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from eventhound.extractors import communico
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "communico"
CONTEXT = Context(
    now=datetime(2027, 9, 1, 12, tzinfo=UTC),
    timezone="America/Chicago",
    options={"window_days_ahead": 60, "page_days": 30},
)
REQ = {"private": False, "date": "2027-09-01", "days": 30, "locations": [], "ages": [], "types": []}


def api(**changes) -> str:
    req = json.dumps({**REQ, **changes}, separators=(",", ":"))
    return communico.platform.with_query("https://mvpl.libnet.info/eeventcaldata", event_type=0, req=req)


def req_of(url: str) -> dict:
    return json.loads(dict(parse_qsl(urlsplit(url).query))["req"])


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_occurrences_with_floating_times_place_mode_series_and_categories():
    result = communico.extract(page("events_page1.json"), api(), CONTEXT)
    assert result.errors == ["event_without_name"]  # the untitled room hold, counted
    fair, lab1, lab2, storytime = result.events
    assert fair["title"] == "Fall Job Fair"
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T10:00:00", "2027-09-22T14:00:00")
    assert fair["own_id"] == "15310401" and "series_id" not in fair  # recurring_id "0" is no series
    assert fair["url"] == "https://mvpl.libnet.info/event/15310401"  # the doubled slash collapsed
    assert "registration_url" not in fair  # allow_reg "0"
    assert fair["venue_name"] == "Central Library"
    assert fair["attendance_mode"] == "OfflineEventAttendanceMode"
    assert fair["categories"] == ["Job Skills & Career", "Business", "Adults", "job fair", "hiring"]
    assert fair["description"].startswith("Meet 40+ local employers\n\n<p>Bring copies")  # sub_title, long text
    assert "price_min" not in fair and "event_status" not in fair  # cost "0", changed "0"
    assert [lab1["own_id"], lab2["own_id"]] == ["15310455", "15310456"]
    assert lab1["series_id"] == lab2["series_id"] == "88120"
    assert lab1["attendance_mode"] == "OnlineEventAttendanceMode"
    assert lab1["registration_url"] == lab1["url"] == "https://mvpl.libnet.info/event/15310455"
    assert storytime["categories"] == ["Storytime", "Early Childhood"]


def test_next_page_moves_the_date_until_the_window_is_covered():
    first = communico.extract(page("events_page1.json"), api(), CONTEXT)
    assert req_of(first.next_page) == {**REQ, "date": "2027-10-01", "days": 30}
    assert first.next_page.startswith("https://mvpl.libnet.info/eeventcaldata?event_type=0&req=")
    last = communico.extract(page("events_page2.json"), first.next_page, CONTEXT)
    assert last.next_page is None  # 2027-10-31 is the window's end (60 days from 2027-09-01)
    short = Context(now=CONTEXT.now, timezone="America/Chicago", options={"window_days_ahead": 45, "page_days": 30})
    assert req_of(communico.next_page(api(), short))["days"] == 15  # only what remains of the window
    empty = communico.extract("[]", api(), CONTEXT)  # a page without events is not the end
    assert empty.events == [] and empty.errors == [] and req_of(empty.next_page)["date"] == "2027-10-01"


def test_all_day_cancelled_priced_hybrid_and_undated_events():
    result = communico.extract(page("events_page2.json"), api(date="2027-10-01"), CONTEXT)
    sale, mixer, chapter = result.events
    assert sale["start_text"] == "2027-10-09" and "end_text" not in sale  # 00:00-23:59 is all day
    assert mixer["event_status"] == "EventCancelled"
    assert chapter["attendance_mode"] == "MixedEventAttendanceMode"
    assert (chapter["price_min"], chapter["price_max"]) == ("15.00", "15.00")
    assert chapter["categories"] == ["Business", "Job Skills & Career", "Adults", "shrm"]
    assert result.errors == ["event_without_start"]


def test_text_lists_status_reasons_and_missing_urls():
    record = json.loads(page("events_page1.json"))[0]
    del record["tagsArray"], record["agesArray"], record["search_tagsArray"], record["url"]
    record.update(changed="0", changed_reason="Postponed until spring", start_time="All Day")
    raw = communico.occurrence(record, api())
    assert raw["categories"] == ["Job Skills & Career", "Business", "Adults"]  # the comma lists
    assert raw["event_status"] == "EventPostponed"
    assert raw["url"] == "https://mvpl.libnet.info/event/15310401"  # built from the id on the API's host
    assert raw["start_text"] == "2027-09-22"  # "All Day" in start_time
    record.update(changed_reason=None, changed="1", allow_reg="1", reg_url="https://www.eventbrite.com/e/12345")
    raw = communico.occurrence(record, api())
    assert raw["event_status"] == "EventCancelled"
    assert raw["registration_url"] == "https://www.eventbrite.com/e/12345"  # the third-party registration wins


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/login'>Sign in</form></body></html>", "communico_not_json"),
        ("<html><body>Please accept cookies to continue</body></html>", "communico_not_json"),
        ('{"status": "error", "message": "Invalid request"}', "communico_api_error"),
        ('{"events": [], "page": {"current": 1}}', "communico_not_events"),
        ("[1, 2, 3]", "communico_not_events"),
        ('[{"kind": "calendar#event", "summary": "x"}]', "communico_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert communico.extract(body, api(), CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("events_page1.json")) == "communico"
    assert detect_format(page("events_page2.json")) == "communico"
    assert not communico.looks_like('{"events": [{"event": {"event_instances": []}}]}')
    assert not communico.looks_like('[{"id": 1, "title": "x", "start": "2027-01-01"}]')
    assert not communico.looks_like("<html><body>raw_start_time</body></html>")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("communico")
    folder = work / "site" / "eeventcaldata"
    folder.mkdir(parents=True)
    for name, first in (("events_page1.json", "2027-09-01"), ("events_page2.json", "2027-10-01")):
        req = json.dumps({**REQ, "date": first}, separators=(",", ":"))
        shutil.copy(FIXTURES / name, folder / f"req={req}.json")
    seen: list[str] = []
    with serve_api(work / "site", seen, paging=("req",)) as base:
        result, db = crawl(
            work,
            f"""
[sources.maple-valley-library]
spider = "communico"
urls = ["{base}/events"]
timezone = "America/Chicago"

[sources.maple-valley-library.communico]
window_days_ahead = 60
page_days = 30
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_both_pages_from_the_events_page_url(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    requests = [path for path in seen if path != "/robots.txt"]
    assert [urlsplit(path).path for path in requests] == ["/eeventcaldata", "/eeventcaldata"]
    assert [req_of(path)["date"] for path in requests] == ["2027-09-01", "2027-10-01"]
    rows = query(
        db,
        "select title, start_utc, all_day, status, attendance, online_url, categories from events order by start_utc",
    )
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Résumé Workshop (Online)", "2027-09-14T23:00:00+00:00"),
        ("Toddler Storytime", "2027-09-16T15:30:00+00:00"),
        ("Fall Job Fair", "2027-09-22T15:00:00+00:00"),
        ("Résumé Workshop (Online)", "2027-09-28T23:00:00+00:00"),
        ("Friends of the Library Fall Book Sale", "2027-10-09T05:00:00+00:00"),
        ("Small Business Networking Mixer", "2027-10-12T22:30:00+00:00"),
        ("HR Professionals Chapter Meeting", "2027-10-20T17:00:00+00:00"),
    ]
    assert rows[4]["all_day"] == 1 and rows[5]["status"] == "cancelled"
    assert rows[0]["attendance"] == "online" and rows[0]["online_url"] == "https://us02web.zoom.us/j/84125550193"
    assert json.loads(rows[2]["categories"])[:2] == ["Job Skills & Career", "Business"]
    line = summary(result, "maple-valley-library")
    assert "events=7" in line and "errors=2" in line  # the untitled and the undated event, counted
