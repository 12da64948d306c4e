"""Trumba: the spud JSON feed read into raw events, its windows continued, and a crawl over HTTP."""

import copy
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import trumba
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "trumba"
NOW = datetime(2027, 9, 1, 12, tzinfo=UTC)
CONTEXT = Context(now=NOW, timezone="America/Los_Angeles", options={"window_days_ahead": 540})
FEED = "https://www.trumba.com/calendars/lakeshore-career-center.json"
API = FEED + "?startdate=20270901&days=365"
API2 = FEED + "?startdate=20280831&days=175"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def records(name: str) -> list[dict]:
    return json.loads(page(name))


@pytest.fixture(scope="module")
def first():
    return trumba.extract(page("startdate=20270901.json"), API, CONTEXT)


def by_id(result, own_id):
    return next(e for e in result.events if e["own_id"] == own_id)


def test_a_timed_event_with_its_offset_place_cost_links_and_categories(first):
    fair = by_id(first, "208114421")
    assert fair["title"] == "Fall Career &amp; Internship Fair"  # as published; entities are decoded later
    assert (fair["start_text"], fair["end_text"]) == ("2027-09-22T10:00:00-07:00", "2027-09-22T14:00:00-07:00")
    assert fair["url"] == "https://careers.lakeshore.edu/events?trumbaEmbed=view%3devent%26eventid%3d208114421"
    assert fair["registration_url"] == "https://lakeshore.joinhandshake.com/career_fairs/61234"
    assert fair["venue_name"].startswith('<a href="http://maps.google.com/?q=47.655148,-122.303975')
    assert "4001 Campus Parkway NE, Seattle" in fair["street"]
    assert (fair["latitude"], fair["longitude"]) == ("47.655148", "-122.303975")
    assert fair["cost_text"] == "Free" and fair["organizer"] == "Career &amp; Professional Development"
    assert fair["attendance_mode"] == "OfflineEventAttendanceMode"
    assert fair["categories"] == ["Career Center", "Career Fairs", "Career Fair", "Networking", "Students", "Alumni"]
    assert fair["description"].startswith("<p>Meet more than 110 employers")
    assert "series_id" not in fair and "event_status" not in fair and "online_url" not in fair


def test_occurrences_of_a_series_online_across_a_dst_change(first):
    october, november = by_id(first, "208114502"), by_id(first, "208114503")
    assert october["start_text"] == "2027-10-05T12:00:00-07:00"
    assert november["start_text"] == "2027-11-09T12:00:00-08:00"  # its own offset, after DST ends
    assert october["series_id"] == november["series_id"] == "208114500"
    assert october["online_url"] == "https://lakeshore.zoom.us/j/95511223344"  # the webLink of an online event
    assert october["attendance_mode"] == "OnlineEventAttendanceMode"


def test_cancelled_all_day_and_untitled_events(first):
    assert by_id(first, "208114610")["event_status"] == "CANCELLED"
    week = by_id(first, "208114700")
    assert (week["start_text"], week["end_text"], week["all_day"]) == ("2027-10-18", "2027-10-22", "true")
    closed = by_id(first, "208114900")  # one day: Trumba's end is the midnight after it
    assert closed["start_text"] == "2027-11-11" and "end_text" not in closed and "attendance_mode" not in closed
    assert by_id(first, "208114820")["cost_text"] == "$10 students, $15 guests"
    assert first.errors == ["event_without_name"]
    assert len(first.events) == 8


def test_the_window_continues_into_a_second_year(first):
    assert first.next_page == API2  # 540 days: 365, then 175 from 2028-08-31


def test_a_continuation_page_keeps_far_events_and_skips_what_came_before():
    result = trumba.extract(page("startdate=20280831.json"), API2, CONTEXT)
    assert [e["own_id"] for e in result.events] == ["209330401", "209330512"]  # the exhibit was on page 1
    expo, meeting = result.events
    assert expo["start_text"] == "2028-10-12T09:00:00-07:00"  # more than a year ahead, kept
    assert expo["attendance_mode"] == "MixedEventAttendanceMode"
    assert expo["online_url"] == "https://lakeshore.zoom.us/webinar/register/WN_88127"
    assert expo["registration_url"].endswith("#/actions/reg/9k8j7h6g5f4d3s2a1p0o9i8u7y")  # openSignUp
    assert meeting["event_status"] == "EventPostponed" and meeting["organizer"] == "IEEE Lakeshore Student Branch"
    assert meeting["start_text"] == "2029-01-18T18:00:00-08:00"
    assert result.errors == ["event_without_start"]
    assert result.next_page is None  # the window ends 2029-02-22


def full_page(days: list[str]) -> str:
    template = records("startdate=20270901.json")[0]
    out = []
    for n, day in enumerate(days):
        event = copy.deepcopy(template)
        event.update(eventID=300000000 + n, startDateTime=f"{day}T09:00:00", endDateTime=f"{day}T10:00:00")
        out.append(event)
    return json.dumps(out)


def test_a_full_answer_continues_from_its_last_day():
    days = ["2027-09-02"] * 120 + ["2027-09-03"] * 50 + ["2027-09-04"] * 30
    result = trumba.extract(full_page(days), API, CONTEXT)
    assert len(result.events) == 170  # the last day's 30 come again on the next page
    assert result.next_page == FEED + "?startdate=20270904&days=365"


def test_a_full_answer_of_one_day_moves_on_a_day():
    result = trumba.extract(full_page(["2027-09-01"] * 200), API, CONTEXT)
    assert len(result.events) == 200 and result.next_page == FEED + "?startdate=20270902&days=365"


def test_a_page_that_embeds_the_spud_names_its_feed():
    html = """<html><body><div id="calendar"></div>
    <script src="https://www.trumba.com/scripts/spuds.js"></script>
    <script>$Trumba.addSpud({ webName: "lakeshore-career-center", spudType: "main",
      url: { filterview: "Career Fairs" } });</script></body></html>"""
    result = trumba.extract(html, "https://careers.lakeshore.edu/events", CONTEXT)
    assert result.errors == [] and result.events == []
    assert result.next_page == FEED + "?filterview=Career+Fairs&startdate=20270901&days=365"


def test_an_empty_answer_is_no_error():
    assert trumba.extract("[]", API, CONTEXT).errors == []


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/login'>Sign in</form></body></html>", "trumba_not_json"),
        ('{"Message": "An error has occurred."}', "trumba_api_error"),
        ('{"events": [{"event": {"id": 1}}], "page": {"current": 1, "total": 1}}', "trumba_not_events"),
        ('[{"id": 1, "name": "not a Trumba event"}]', "trumba_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert trumba.extract(body, API, CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("startdate=20270901.json")) == "trumba"
    assert not trumba.looks_like('[{"id": 1, "title": "x", "start": "2027-09-01"}]')
    assert not trumba.looks_like("<html><script>$Trumba.addSpud({webName: 'x'})</script></html>")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("trumba")
    feed = work / "site" / "calendars" / "lakeshore-career-center.json"
    feed.mkdir(parents=True)
    for name in ("startdate=20270901.json", "startdate=20280831.json"):
        shutil.copy(FIXTURES / name, feed / name)
    seen: list[str] = []
    with serve_api(work / "site", seen, paging=("startdate",)) as base:
        result, db = crawl(
            work,
            f"""
[sources.lakeshore-careers]
spider = "trumba"
urls = ["{base.rstrip("/")}/calendars/lakeshore-career-center.ics"]
timezone = "America/Los_Angeles"

[sources.lakeshore-careers.trumba]
window_days_ahead = 540
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_both_windows_from_the_calendar_address(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path in seen if path != "/robots.txt"] == [
        "/calendars/lakeshore-career-center.json?startdate=20270901&days=365",
        "/calendars/lakeshore-career-center.json?startdate=20280831&days=175",
    ]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Fall Career & Internship Fair", "2027-09-22T17:00:00+00:00"),
        ("Résumé Lab (online)", "2027-10-05T19:00:00+00:00"),
        ("Accounting Networking Mixer", "2027-10-15T00:30:00+00:00"),
        ("Graduate School Fair Week", "2027-10-18T07:00:00+00:00"),
        ("Homecoming Tailgate", "2027-10-30T18:00:00+00:00"),
        ("Résumé Lab (online)", "2027-11-09T20:00:00+00:00"),
        ("Career Center Closed: Veterans Day", "2027-11-11T08:00:00+00:00"),
        ("Summer Internship Showcase Exhibit", "2028-08-15T07:00:00+00:00"),
        ("Pacific Northwest Engineering Career Expo 2028", "2028-10-12T16:00:00+00:00"),
        ("IEEE Student Branch Chapter Meeting", "2029-01-19T02:00:00+00:00"),
    ]
    status = {r["title"]: r["status"] for r in rows}
    assert status["Accounting Networking Mixer"] == "cancelled"
    assert status["IEEE Student Branch Chapter Meeting"] == "postponed"
    assert rows[3]["all_day"] == 1 and rows[1]["attendance"] == "online"
    assert json.loads(rows[0]["categories"])[:4] == ["Career Center", "Career Fairs", "Career Fair", "Networking"]
    line = summary(result, "lakeshore-careers")
    assert "events=10" in line and "errors=2" in line  # the untitled and the undated, counted
