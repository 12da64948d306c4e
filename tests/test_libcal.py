"""LibCal: the public calendar list JSON and API 1.1 read into raw events, and a crawl of its pages over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import libcal
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "libcal"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/New_York")
LIST = (
    "https://marlowlibrary.libcal.com/ajax/calendar/list?c=18342&date=0000-00-00&perpage=30&page=1"
    "&audience=&cats=&camps=&inc=0"
)


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_list_occurrences_with_floating_times_place_registration_and_categories():
    result = libcal.extract(page("calendar_list_page1.json"), LIST, CONTEXT)
    assert result.errors == []
    workshop, club, fair, story = result.events
    assert workshop["title"] == "Job Seekers Résumé Workshop"
    assert (workshop["start_text"], workshop["end_text"]) == ("2027-09-14T18:00:00", "2027-09-14T19:30:00")
    assert workshop["own_id"] == "15120431"
    assert workshop["url"] == workshop["registration_url"] == "https://marlowlibrary.libcal.com/event/15120431"
    assert workshop["venue_name"] == "Community Room A, Main Library"
    assert workshop["categories"] == ["Careers & Jobs", "Computer Classes", "Adults"]
    assert workshop["attendance_mode"] == "OfflineEventAttendanceMode"
    assert (workshop["organizer"], workshop["organizer_url"]) == (
        "Dana Whitfield",
        "https://marlowlibrary.libcal.com/profile/48213",
    )
    assert workshop["description"].startswith("<p>Bring a draft of your r&eacute;sum&eacute;")
    assert "cost_text" not in workshop and "event_status" not in workshop
    assert club["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in club
    assert "online_url" not in club  # the list never gives the join link
    assert story["categories"] == ["Story Time", "Children - Preschool"] and "registration_url" not in story
    assert fair["start_text"] == "2027-09-22" and "end_text" not in fair  # all day, one day
    assert result.next_page == (
        "https://marlowlibrary.libcal.com/ajax/calendar/list?c=18342&date=0000-00-00"
        "&perpage=30&audience=&cats=&camps=&inc=0&page=2"
    )


def test_last_page_cancelled_cost_and_untitled():
    result = libcal.extract(page("calendar_list_page2.json"), LIST.replace("page=1", "page=2"), CONTEXT)
    mixer, book_club = result.events
    assert mixer["event_status"] == "CANCELLED" and mixer["cost_text"] == "$5 for non-members"
    assert mixer["start_text"] == "2027-10-05T17:30:00"
    assert "event_status" not in book_club
    assert result.errors == ["event_without_name"]
    assert result.next_page is None  # 2 * 4 >= 7


def test_paging_stops_past_the_window():
    narrow = Context(now=CONTEXT.now, timezone=CONTEXT.timezone, options={"window_days_ahead": 20})
    assert libcal.extract(page("calendar_list_page1.json"), LIST, narrow).next_page is None  # last: Sept 23
    wide = Context(now=CONTEXT.now, timezone=CONTEXT.timezone, options={"window_days_ahead": 22})
    assert libcal.extract(page("calendar_list_page1.json"), LIST, wide).next_page is not None


@pytest.mark.parametrize(
    "title, cancelled",
    [
        ("(Cancelled) Job Club", True),
        ("CANCELED: Resume Lab", True),
        ("Resume Lab - Cancelled", True),
        ("Cancel Culture: A Discussion", False),
        ("Why Programs Get Cancelled Less Often", False),
    ],
)
def test_cancelled_is_read_from_the_title(title, cancelled):
    record = {"title": title, "startdt": "2027-09-14 18:00:00"}
    raw = libcal.occurrence(record, LIST)
    assert (raw.get("event_status") == "CANCELLED") is cancelled


def test_api_1_1_events_with_offsets_online_link_and_all_day():
    result = libcal.extract(
        page("api_events.json"), "https://marlowlibrary.libcal.com/1.1/events?cal_id=18342", CONTEXT
    )
    assert result.errors == [] and result.next_page is None
    club, workshop, fair = result.events
    assert club["start_text"] == "2027-09-16T10:00:00-04:00" and club["end_text"] == "2027-09-16T11:00:00-04:00"
    assert club["online_url"] == "https://marlowlibrary.zoom.us/j/84512093377"
    assert club["attendance_mode"] == "OnlineEventAttendanceMode"
    assert club["url"] == club["registration_url"] == "https://marlowlibrary.libcal.com/event/15120502"
    assert club["categories"] == ["Careers & Jobs", "Online Programs", "Adults"]
    assert club["organizer"] == "Dana Whitfield" and club["own_id"] == "15120502"
    assert workshop["venue_name"] == "Community Room A, Main Library"
    assert workshop["attendance_mode"] == "OfflineEventAttendanceMode"
    assert fair["start_text"] == "2027-09-22" and "end_text" not in fair


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/login'>Sign in to LibCal</form></body></html>", "libcal_not_json"),
        ('{"error": "invalid_client", "error_description": "Client authentication failed"}', "libcal_api_error"),
        ('{"items": [], "kind": "something#else"}', "libcal_not_events"),
        (
            '{"events": [{"event": {"title": "Fair", "event_instances": []}}], "page": {"current": 1}}',
            "libcal_not_events",
        ),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert libcal.extract(body, LIST, CONTEXT).errors == [code]


def test_detected_from_its_content():
    assert detect_format(page("calendar_list_page1.json")) == "libcal"
    assert detect_format(page("api_events.json")) == "libcal"
    assert not libcal.looks_like('{"events": [{"event": {"event_instances": []}}], "page": {}}')
    assert not libcal.looks_like('{"total_results": 3, "results": [{"name": "x"}]}')
    assert not libcal.looks_like("<html><body>calendar</body></html>")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("libcal")
    api = work / "site" / "ajax" / "calendar" / "list"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "calendar_list_page1.json", api / "page=1.json")
    shutil.copy(FIXTURES / "calendar_list_page2.json", api / "page=2.json")
    seen: list[str] = []
    with serve_api(work / "site", seen) as base:
        result, db = crawl(
            work,
            f"""
[sources.marlow-library]
spider = "libcal"
urls = ["{base.rstrip("/")}/calendar?cid=18342"]
timezone = "America/New_York"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_every_page_from_the_calendar_page(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    first = "/ajax/calendar/list?c=18342&date=0000-00-00&perpage=30&page=1&audience=&cats=&camps=&inc=0"
    assert [path for path in seen if path != "/robots.txt"] == [first, first.replace("&page=1&", "&") + "&page=2"]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Job Seekers Résumé Workshop", "2027-09-14T22:00:00+00:00"),
        ("Virtual Job Club: LinkedIn Profiles That Get Noticed", "2027-09-16T14:00:00+00:00"),
        ("Regional Career & Job Fair", "2027-09-22T04:00:00+00:00"),
        ("Toddler Story Time", "2027-09-23T14:30:00+00:00"),
        ("Small Business Networking Mixer", "2027-10-05T21:30:00+00:00"),  # the pipeline drops "(Cancelled)"
        ("Book Club: The Overstory", "2027-10-07T23:00:00+00:00"),
    ]
    assert rows[2]["all_day"] == 1 and rows[4]["status"] == "cancelled" and rows[1]["attendance"] == "online"
    assert rows[0]["status"] == "scheduled"
    assert json.loads(rows[0]["categories"]) == ["Careers & Jobs", "Computer Classes", "Adults"]
    line = summary(result, "marlow-library")
    assert "events=6" in line and "errors=1" in line  # the untitled occurrence, counted
