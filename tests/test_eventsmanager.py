"""Events Manager: its listing pages (EM 6+ cards and EM 5 tables), event pages and iCal feed read
into raw events, and one crawl over HTTP: a feed switched off (the listing and its ?pno=2 page
instead), a listing without times (its event pages followed), and a feed at its own address."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import eventsmanager as em
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "eventsmanager"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago")
SITE = "https://www.harborvalleychamber.org"
SHRM = "https://www.tricountyshrm.org"
PAGE = f"{SITE}/events/"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_title(result) -> dict:
    return {e["title"]: e for e in result.events}


def test_the_v6_listing_cards_with_time_place_categories_cost_and_next_page():
    result = em.extract(page("events_page.html"), PAGE, CONTEXT)
    assert result.errors == [] and result.follow == []
    fair = by_title(result)["Fall Regional Job Fair"]
    assert (fair["start_text"], fair["end_text"]) == ("2027-10-05T10:00:00", "2027-10-05T14:00:00")  # floating
    assert fair["url"] == fair["own_id"] == f"{SITE}/events/fall-regional-job-fair/"
    assert fair["venue_name"] == "Harbor Valley Convention Center" and fair["cost_text"] == "Free"
    assert fair["categories"] == ["Job Fairs", "Workforce Development", "hiring", "students"]
    assert fair["registration_url"] == f"{SITE}/events/fall-regional-job-fair/#em-event-booking-form"
    assert "60 regional employers" in fair["description"] and "event_status" not in fair
    assert result.next_page == f"{PAGE}?pno=2"


def test_online_cancelled_and_all_day_cards():
    events = by_title(em.extract(page("events_page.html"), PAGE, CONTEXT))
    workshop = events["Résumé Writing Workshop (Online)"]
    assert workshop["online_url"] == "https://us02web.zoom.us/j/84120937751"
    assert workshop["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in workshop
    mixer = events["Young Professionals Networking Mixer"]
    assert mixer["event_status"] == "EventCancelled" and mixer["start_text"] == "2027-10-12T17:30:00"
    golf = events["Chamber Golf Classic"]
    assert golf["start_text"] == "2027-10-15" and "end_text" not in golf  # "All Day": the date
    assert golf["cost_text"] == "$125.00 - $450.00" and golf["categories"] == ["Community"]


def test_the_last_page_a_date_range_and_an_untitled_card():
    result = em.extract(page("events_page_2.html"), f"{PAGE}?pno=2", CONTEXT)
    assert result.errors == ["event_without_name"] and result.next_page is None
    expo = by_title(result)["Manufacturing Careers Expo"]
    assert (expo["start_text"], expo["end_text"]) == ("2027-10-25T09:00:00", "2027-10-26T16:00:00")


def test_no_next_page_beyond_the_window():
    short = Context(now=CONTEXT.now, timezone=CONTEXT.timezone, options={"window_days_ahead": 30})
    assert em.extract(page("events_page.html"), PAGE, short).next_page is None  # Oct 15 is past Oct 1


def test_the_v6_event_page_gives_instants_with_the_events_offset_and_zone():
    url = f"{SITE}/events/fall-regional-job-fair/"
    result = em.extract(page("event_page.html"), url, CONTEXT)
    assert result.errors == [] and len(result.events) == 1
    fair = result.events[0]
    assert fair["title"] == "Fall Regional Job Fair" and fair["own_id"] == url
    assert (fair["start_text"], fair["end_text"]) == ("2027-10-05T10:00:00-05:00", "2027-10-05T14:00:00-05:00")
    assert fair["timezone"] == "America/Chicago"
    assert (fair["venue_name"], fair["street"]) == (
        "Harbor Valley Convention Center",
        "1200 Harbor Drive, Harbor Valley, WI, 54220",
    )
    assert fair["categories"] == ["Job Fairs", "Workforce Development", "hiring", "students"]
    assert fair["cost_text"] == "Free" and fair["registration_url"] == url + "#em-event-booking-form"
    assert "Career coaches" in fair["description"]


def test_an_all_day_or_cancelled_event_page():
    html = (
        page("event_page.html")
        .replace("allday=false", "allday=true")
        .replace('em-event-single em-event-188 "', 'em-event-single em-event-188 em-event-cancelled"')
    )
    fair = em.extract(html, f"{SITE}/events/fall-regional-job-fair/", CONTEXT).events[0]
    assert fair["start_text"] == "2027-10-05" and "end_text" not in fair
    assert fair["event_status"] == "EventCancelled"


def test_an_event_page_without_calendar_links_is_read_from_its_when_text():
    html = (
        page("event_page.html").split('<button type="button" class="em-event-add-to-calendar')[0]
        + "</section></section></div></section></div></div></div></article></main></body></html>"
    )
    fair = em.extract(html, f"{SITE}/events/fall-regional-job-fair/", CONTEXT).events[0]
    assert (fair["start_text"], fair["end_text"]) == ("2027-10-05T10:00:00", "2027-10-05T14:00:00")
    assert fair["title"] == "Fall Regional Job Fair"  # the page's h1


def test_the_v5_table_without_times_names_the_event_pages_to_follow():
    result = em.extract(page("classic_list.html"), f"{SHRM}/events/", CONTEXT)
    assert result.events == [] and result.errors == ["event_without_name"]  # the row without a link
    assert result.follow == [
        f"{SHRM}/events/chapter-meeting-employment-law-update/",
        f"{SHRM}/events/shrm-cp-certification-study-group/",
    ]


def test_a_v5_table_with_times_is_read_without_following():
    html = page("classic_list.html").replace("11/03/2027", "11/03/2027<br/>\n 7:30 am - 9:00 am")
    result = em.extract(html, f"{SHRM}/events/", CONTEXT)
    meeting = by_title(result)["Chapter Meeting: Employment Law Update"]
    assert meeting["start_text"] == "2027-11-03T07:30:00" and meeting["venue_name"] == "Riverside Conference Center"
    assert result.follow == [f"{SHRM}/events/shrm-cp-certification-study-group/"]


def test_the_v5_event_page_date_paragraph():
    url = f"{SHRM}/events/chapter-meeting-employment-law-update/"
    meeting = em.extract(page("classic_event.html"), url, CONTEXT).events[0]
    assert meeting["title"] == "Chapter Meeting: Employment Law Update"
    assert (meeting["start_text"], meeting["end_text"]) == ("2027-11-03T07:30:00", "2027-11-03T09:00:00")
    assert meeting["venue_name"] == "Riverside Conference Center"
    assert meeting["categories"] == ["Chapter Meetings", "HR Credits"]


CUSTOM = """<html><body><div class="em em-view-container" data-view="list-grouped">
<div class="em-list em-events-list em-events-list-grouped"><h2>November 2027</h2><div id="events-list-page">
<div class="event-item"><a href="/events/women-in-leadership-panel/"><img src="/wil.jpg" alt=""></a>
<span class="event-date">Thursday 4 November 2027</span>
<h3><a href="/events/women-in-leadership-panel/">Women in Leadership Panel</a></h3><p>6:00 pm</p>
<a href="https://tickets.example.com/wil">Buy tickets</a></div>
<div class="event-item"><span class="event-date">Tuesday 16 November 2027</span>
<h3><a href="/events/mock-interview-night/">Mock Interview Night</a></h3></div>
</div></div></div></body></html>"""


def test_a_list_in_the_sites_own_format_is_read_item_by_item():
    result = em.extract(CUSTOM, PAGE, CONTEXT)
    assert [(e["title"], e["start_text"], e["url"]) for e in result.events] == [
        ("Women in Leadership Panel", "2027-11-04T18:00:00", f"{SITE}/events/women-in-leadership-panel/")
    ]
    assert result.follow == [f"{SITE}/events/mock-interview-night/"] and result.errors == []


@pytest.mark.parametrize(
    "shown, day_first, expected",
    [
        ("Fri. Jul. 03, 2026", False, "2026-07-03"),
        ("27 Apr 26", False, "2026-04-27"),
        ("05.07.26", False, "2026-07-05"),
        ("09/05/2026", False, "2026-09-05"),
        ("09/05/2026", True, "2026-05-09"),
        ("25/10/2027", False, "2027-10-25"),
        ("2027-10-04", False, "2027-10-04"),
    ],
)
def test_dates_in_the_forms_sites_give_them(shown, day_first, expected):
    context = Context(now=CONTEXT.now, options={"day_first": day_first})
    assert [d.isoformat() for d in em._dates(shown, context)] == [expected]


def test_the_ical_feed_is_read_by_the_ical_extractor():
    result = em.extract(page("events.ics"), f"{SITE}/events.ics", CONTEXT)
    assert [(e["title"], e["start_text"]) for e in result.events] == [
        ("Fall Regional Job Fair", "2027-10-05T10:00:00-05:00"),
        ("Résumé Writing Workshop (Online)", "2027-10-07T12:00:00-05:00"),
        ("Young Professionals Networking Mixer", "2027-10-12T17:30:00-05:00"),
        ("Chamber Golf Classic", "2027-10-15"),
    ]
    assert result.events[0]["categories"] == ["Job Fairs", "Workforce Development"]
    assert result.events[0]["own_id"].startswith("188@harborvalleychamber.org")


@pytest.mark.parametrize(
    "body, code",
    [
        (
            "<!DOCTYPE html><html><body><form action='/wp-login.php'>Log in</form></body></html>",
            "eventsmanager_not_json",
        ),
        (
            '{"code":"rest_no_route","message":"No route was found matching the URL and request method.",'
            '"data":{"status":404}}',
            "eventsmanager_api_error",
        ),
        ("0", "eventsmanager_api_error"),
        ('{"events": [{"event": {"title": "x"}}], "page": {"current": 1}}', "eventsmanager_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert em.extract(body, PAGE, CONTEXT).errors == [code]


def test_detected_from_its_content_and_recognised_on_a_page():
    for name in ("events_page.html", "event_page.html", "classic_list.html", "classic_event.html"):
        assert detect_format(page(name)) == "eventsmanager", name
    assert detect_format(page("events.ics")) == "ical"
    home = "<html><head><link href='https://x.org/wp-content/themes/a/style.css'></head><body>Hi</body></html>"
    assert not em.looks_like(home) and em.recognise(home, "https://x.org/") is None
    url, evidence = em.recognise(page("events_page.html"), PAGE)
    assert url == PAGE and "/wp-content/plugins/events-manager/" in evidence and "EM.ajaxurl" in evidence
    assert not em.looks_like('{"events": [], "em-item em-event": 1}')


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("eventsmanager")
    site = work / "site"
    seen: list[str] = []
    with serve_api(site, seen, paging=("pno",)) as base:
        root = base.rstrip("/")
        files = {
            "events/index.json": page("events_page.html").replace(SITE, root),
            "events/pno=2.json": page("events_page_2.html").replace(SITE, root),
            "assoc/events/index.json": page("classic_list.html").replace(SHRM, root + "/assoc"),
            "assoc/events/chapter-meeting-employment-law-update/index.json": page("classic_event.html"),
            "assoc/events/shrm-cp-certification-study-group/index.json": page("classic_event_2.html"),
            "feeds/downtown/events.ics": page("events.ics").replace("Chamber Golf Classic", "Downtown Golf Classic"),
        }
        for path, text in files.items():
            (site / path).parent.mkdir(parents=True, exist_ok=True)
            (site / path).write_text(text, encoding="utf-8")
        result, db = crawl(
            work,
            f"""
[sources.harbor-valley-chamber]
spider = "eventsmanager"
urls = ["{root}/events/"]
timezone = "America/Chicago"

[sources.tri-county-shrm]
spider = "eventsmanager"
urls = ["{root}/assoc/events/"]
timezone = "America/Chicago"
[sources.tri-county-shrm.eventsmanager]
prefer_ical = false

[sources.downtown-feed]
spider = "eventsmanager"
urls = ["{root}/feeds/downtown/"]
timezone = "America/Chicago"
[sources.downtown-feed.eventsmanager]
ical_url = "{root}/feeds/downtown/events.ics"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_falls_back_from_the_feed_to_the_listing_and_its_next_page(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert seen.index("/events.ics") < seen.index("/events/") < seen.index("/events/?pno=2")
    rows = query(
        db,
        "select title, start_utc, all_day, status, attendance, categories from events "
        "where source = 'harbor-valley-chamber' order by start_utc",
    )
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Fall Regional Job Fair", "2027-10-05T15:00:00+00:00"),
        ("Résumé Writing Workshop (Online)", "2027-10-07T17:00:00+00:00"),
        ("Young Professionals Networking Mixer", "2027-10-12T22:30:00+00:00"),
        ("Chamber Golf Classic", "2027-10-15T05:00:00+00:00"),
        ("Manufacturing Careers Expo", "2027-10-25T14:00:00+00:00"),
        ("HR Roundtable: Hiring Veterans", "2027-11-09T14:00:00+00:00"),  # CST from Nov 7
    ]
    assert rows[3]["all_day"] == 1 and rows[2]["status"] == "cancelled" and rows[1]["attendance"] == "online"
    assert json.loads(rows[0]["categories"]) == ["Job Fairs", "Workforce Development", "hiring", "students"]
    line = summary(result, "harbor-valley-chamber")
    assert "events=6" in line and "errors=1" in line  # the untitled card, counted


def test_crawl_follows_the_event_pages_of_a_listing_without_times(crawled):
    result, db, seen = crawled
    assert "/assoc/events/chapter-meeting-employment-law-update/" in seen
    assert seen.count("/events.ics") == 1  # the chamber's; prefer_ical = false: not the association's
    rows = query(
        db, "select title, start_utc, venue_name from events where source = 'tri-county-shrm' order by start_utc"
    )
    assert [(r["title"], r["start_utc"], r["venue_name"]) for r in rows] == [
        ("Chapter Meeting: Employment Law Update", "2027-11-03T12:30:00+00:00", "Riverside Conference Center"),
        ("SHRM-CP Certification Study Group", "2027-11-11T00:00:00+00:00", "Online"),
    ]
    assert "events=2" in summary(result, "tri-county-shrm") and "errors=1" in summary(result, "tri-county-shrm")


def test_crawl_reads_the_feed_at_its_own_address(crawled):
    result, db, seen = crawled
    assert "/feeds/downtown/events.ics" in seen and "/feeds/downtown/" not in seen
    rows = query(db, "select title, start_utc from events where source = 'downtown-feed' order by start_utc")
    assert [r["title"] for r in rows] == [
        "Fall Regional Job Fair",
        "Résumé Writing Workshop (Online)",
        "Young Professionals Networking Mixer",
        "Downtown Golf Classic",
    ]
    assert rows[0]["start_utc"] == "2027-10-05T15:00:00+00:00"
    assert "events=4" in summary(result, "downtown-feed")
