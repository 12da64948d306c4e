"""LiveWhale: the JSON API (v2 pages and the v1 list) read into raw events, the API URL a
source becomes, the platform recognised on a page, and a crawl of its pages over HTTP."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import livewhale
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import Source
from spiders.livewhale import FIELDS, LiveWhaleSpider, filter_segments
from tests.conftest import query, summary
from tests.platform_site import crawl_site

FIXTURES = Path(__file__).parent / "fixtures" / "livewhale"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/New_York")
WINDOW = f"start_date/2027-09-01/end_date/2028-08-31/max/1000/response_fields/{FIELDS}/"
API = "https://events.lakemont.edu/live/json/events/group_id/57/" + WINDOW


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_occurrences_times_place_links_cost_mode_and_categories():
    result = livewhale.extract(page("events_page1.json"), API, CONTEXT)
    assert result.errors == []
    lab1, lab2, expo, mixer = result.events
    assert expo["title"] == "Fall Career & Internship Expo"
    assert (expo["start_text"], expo["end_text"]) == ("2027-09-23T11:00:00-04:00", "2027-09-23T15:00:00-04:00")
    assert expo["timezone"] == "America/New_York"
    assert expo["own_id"] == "148201@2027-09-23" and "series_id" not in expo
    assert expo["url"] == "https://events.lakemont.edu/event/148201-fall-career-internship-expo"
    assert expo["registration_url"] == "https://lakemont.joinhandshake.com/career_fairs/61234?ref=cal&src=lw"
    assert expo["venue_name"] == "Hollis Student Center, Grand Ballroom"
    assert (expo["latitude"], expo["longitude"]) == ("42.4471", "-76.4832")
    assert expo["organizer"] == "Career Development Center" and expo["cost_text"] == "Free"
    assert expo["attendance_mode"] == "OfflineEventAttendanceMode" and "event_status" not in expo  # is_online: null
    assert expo["categories"] == [
        "Career Fairs",
        "Undergraduate Students",
        "Alumni",
        "career fair",
        "internships",
        "handshake",
        "Career Development Center",
    ]
    assert expo["description"].startswith("<p>Bring copies of your r&eacute;sum&eacute;")
    assert lab1["title"] == "Résumé Review Drop-in (Virtual)"
    assert [lab1["own_id"], lab2["own_id"]] == ["148305@2027-09-14", "148305@2027-09-21"]
    assert lab1["series_id"] == lab2["series_id"] == "148305"
    assert lab1["online_url"] == "https://lakemont.zoom.us/j/94413320071"
    assert lab1["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in lab1  # "Online" is no place
    assert mixer["attendance_mode"] == "MixedEventAttendanceMode" and mixer["venue_name"] == "Ward Alumni House"
    assert mixer["cost_text"] == "$5 students; $15 alumni"
    assert mixer["registration_url"] == "https://alumni.lakemont.edu/networking-night"
    assert result.next_page == API + "?page=2"


def test_all_day_cancelled_untitled_and_the_last_page():
    result = livewhale.extract(page("events_page2.json"), API + "?page=2", CONTEXT)
    week, session, concert = result.events
    assert (week["start_text"], week["end_text"]) == ("2027-10-04", "2027-10-08")
    assert session["event_status"] == "CANCELLED" and session["start_text"] == "2027-10-06T12:00:00-04:00"
    assert concert["organizer"] == "Department of Music" and concert["categories"][0] == "Performances"
    assert result.errors == ["event_without_name"]
    assert result.next_page is None


def test_the_v1_list_in_utc_is_placed_in_the_event_zone():
    items = [
        {
            "id": 9001,
            "gid": 57,
            "title": "Chapter Meeting: Finger Lakes HR Association",
            "url": "https://events.lakemont.edu/live/events/9001-chapter-meeting",
            "date_utc": "2027-11-09 17:30:00",
            "date2_utc": "2027-11-09 19:00:00",
            "timezone": "America/Denver",
            "is_all_day": False,
            "location_title": "Ward Alumni House",
            "tags": "hr, chapter meeting",
            "group_title": "HR Association",
        },
        {
            "id": 9002,
            "title": "Benefits Fair",
            "date_utc": "2027-11-12 07:00:00",
            "timezone": "America/Denver",
            "is_all_day": True,
            "group_title": "HR Association",
        },
    ]
    result = livewhale.extract(json.dumps(items), "https://events.lakemont.edu/live/json/events/", CONTEXT)
    meeting, fair = result.events
    assert (meeting["start_text"], meeting["end_text"]) == ("2027-11-09T10:30:00-07:00", "2027-11-09T12:00:00-07:00")
    assert meeting["timezone"] == "America/Denver" and meeting["own_id"] == "9001@2027-11-09"
    assert meeting["categories"] == ["hr", "chapter meeting", "HR Association"]
    assert fair["start_text"] == "2027-11-12" and "end_text" not in fair
    assert result.next_page is None and result.errors == []


def test_a_single_event_item():
    item = json.loads(page("events_page1.json"))["data"][2]
    result = livewhale.extract(json.dumps(item), "https://events.lakemont.edu/live/events/148201@JSON", CONTEXT)
    assert [(e["title"], e["own_id"]) for e in result.events] == [
        ("Fall Career & Internship Expo", "148201@2027-09-23")
    ]


def v1_day(day: str, count: int, first_id: int) -> list[dict]:
    return [
        {
            "id": first_id + n,
            "title": f"Advising hour {n}",
            "date_iso": f"{day}T{9 + n % 8:02d}:00:00-04:00",
            "is_all_day": None,
            "group_title": "Career Development Center",
        }
        for n in range(count)
    ]


def test_a_v1_list_at_its_max_continues_from_its_last_day():
    url = "https://events.lakemont.edu/live/json/events/start_date/2027-09-01/end_date/2028-08-31/max/4/"
    capped = v1_day("2027-09-02", 2, 1) + v1_day("2027-09-03", 2, 10)
    result = livewhale.extract(json.dumps(capped), url, CONTEXT)
    assert [e["own_id"] for e in result.events] == ["1@2027-09-02", "2@2027-09-02"]  # the last day is left to the next
    assert result.next_page == url.replace("start_date/2027-09-01", "start_date/2027-09-03")
    assert result.errors == []
    last = livewhale.extract(json.dumps(v1_day("2027-09-03", 2, 10)), result.next_page, CONTEXT)
    assert len(last.events) == 2 and last.next_page is None  # shorter than max: the window is read
    one_day = livewhale.extract(json.dumps(v1_day("2027-09-03", 4, 10)), result.next_page, CONTEXT)
    assert len(one_day.events) == 4 and one_day.next_page is None and one_day.errors == ["livewhale_truncated"]


@pytest.mark.parametrize(
    "body, code",
    [
        (
            "<!DOCTYPE html><html><body><form action='/livewhale/?login'>Sign in</form></body></html>",
            "livewhale_not_json",
        ),
        ('{"error": "Invalid request", "status": 400}', "livewhale_api_error"),
        ('{"events": [{"event": {"title": "x"}}], "page": {"current": 1}}', "livewhale_not_events"),
        ('[{"name": "Contoso", "displayName": "Contoso Videos"}]', "livewhale_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert livewhale.extract(body, API, CONTEXT).errors == [code]


def test_an_empty_window_is_no_error():
    result = livewhale.extract('{"meta": {"page": 1, "total_results": 0, "total_pages": 0}, "data": []}', API, CONTEXT)
    assert (result.events, result.errors, result.next_page) == ([], [], None)


def test_detected_from_its_content():
    assert livewhale.looks_like(page("events_page1.json"))
    assert detect_format(page("events_page1.json")) == "livewhale"
    assert not livewhale.looks_like('{"lat": 51.5, "date_iso": "2019-11-02T12:00:00Z", "value": 1.01}')
    assert not livewhale.looks_like("<html><body>date_iso group_title</body></html>")


def spider_for(url: str, **options) -> LiveWhaleSpider:
    source = Source(key="lakemont", spider="livewhale", urls=(url,), timezone="America/New_York", options=options)
    spider = LiveWhaleSpider(source=source)
    spider.context = CONTEXT
    return spider


@pytest.mark.parametrize(
    "given, filters",
    [
        ("https://events.lakemont.edu/", ""),
        ("https://events.lakemont.edu/calendar", ""),
        (
            "https://events.lakemont.edu/live/calendar/view/all/group/Career%20Development%20Center",
            "group/Career%20Development%20Center/",
        ),
        (
            "https://events.lakemont.edu/calendar#!view/all/tag/career fair/category/Networking",
            "tag/career%20fair/category/Networking/",
        ),
        ("https://events.lakemont.edu/live/ical/events/group_id/57/header/Careers", "group_id/57/"),
        ("https://events.lakemont.edu/live/json/events/group/Careers/max/3/start_date/2020-01-01/", "group/Careers/"),
    ],
)
def test_api_url_keeps_the_source_filters_and_sets_the_window(given, filters):
    assert spider_for(given).api_url(given) == "https://events.lakemont.edu/live/json/events/" + filters + WINDOW


def test_api_url_options_and_v2_path():
    spider = spider_for("https://events.lakemont.edu/", window_days_ahead=30, max_events=250)
    assert spider.api_url("https://events.lakemont.edu/live/json/v2/events/tag/jobs/") == (
        "https://events.lakemont.edu/live/json/v2/events/tag/jobs/start_date/2027-09-01/end_date/2027-10-01/max/250/"
        f"response_fields/{FIELDS}/"
    )
    assert filter_segments("https://x.edu/calendar/group/tag/only_starred/true") == ["only_starred/true"]


def test_recognised_on_its_calendar_page_and_on_a_page_embedding_it():
    found = livewhale.recognise(page("calendar_page.html"), "https://events.lakemont.edu/calendar/career")
    assert found[0] == "https://events.lakemont.edu/live/json/events/group_id/57/header/Career%20Development%20Center"
    assert 'generator "LiveWhale"' in found[1] and "/live/resource/" in found[1] and "lw_ classes" in found[1]
    embed = '<div class="lw_widget"></div><script src="https://events.lakemont.edu/live/resource/js/lw.js"></script>'
    assert livewhale.recognise(embed, "https://www.lakemont.edu/career/") == (
        "https://events.lakemont.edu/",
        "LiveWhale (LiveWhale resources (/live/resource/), LiveWhale widget markup (lw_ classes))",
    )
    plain = '<html><body class="flow_lw_x">Events at the library</body></html>'
    assert livewhale.recognise(plain, "https://lib.example/") is None


def test_discover_names_livewhale_first():
    from eventhound.discover import discover

    offers = discover(page("calendar_page.html"), "https://events.lakemont.edu/calendar/career")
    assert (offers[0].kind, offers[0].spider) == ("platform", "livewhale")
    assert offers[0].url.endswith("/live/json/events/group_id/57/header/Career%20Development%20Center")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    api = "live/json/events/group_id/57/" + WINDOW.strip("/")
    pages = {f"{api}/index.json": FIXTURES / "events_page1.json", f"{api}/page=2.json": FIXTURES / "events_page2.json"}
    return crawl_site(
        tmp_path_factory.mktemp("livewhale"),
        pages,
        """
[sources.lakemont-careers]
spider = "livewhale"
urls = ["{base}/live/ical/events/group_id/57/"]
timezone = "America/New_York"
""",
        now="2027-09-01T12:00:00+00:00",
    )


def test_crawl_reads_both_pages_of_the_window(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    first = "/live/json/events/group_id/57/" + WINDOW
    assert [path for path in seen if path != "/robots.txt"] == [first, first + "?page=2"]
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Résumé Review Drop-in (Virtual)", "2027-09-14T19:00:00+00:00"),
        ("Résumé Review Drop-in (Virtual)", "2027-09-21T19:00:00+00:00"),
        ("Fall Career & Internship Expo", "2027-09-23T15:00:00+00:00"),
        ("Alumni Networking Night: Finance & Consulting", "2027-09-28T22:30:00+00:00"),
        ("Graduate & Professional School Week", "2027-10-04T04:00:00+00:00"),
        ("Employer Info Session: Finger Lakes Health", "2027-10-06T16:00:00+00:00"),
        ("Fall Choral Concert", "2027-10-09T23:30:00+00:00"),
    ]
    assert rows[4]["all_day"] == 1 and rows[5]["status"] == "cancelled" and rows[0]["attendance"] == "online"
    assert json.loads(rows[2]["categories"])[:2] == ["Career Fairs", "Undergraduate Students"]
    line = summary(result, "lakemont-careers")
    assert "events=7" in line and "errors=1" in line  # the untitled event, counted
