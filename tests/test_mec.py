"""Modern Events Calendar: its listing page, its "load more" JSON and its iCal feed read into raw
events, and a crawl over HTTP that falls back from the (switched off) feed to the listing."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound.extractors import mec
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "mec"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/New_York")
SITE = "https://careers.lakeshore.edu"
PAGE = f"{SITE}/events/"
MORE = f"{SITE}/wp-admin/admin-ajax.php?action=mec_list_load_more&mec_start_date=2027-10-14&mec_offset=3"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_title(result) -> dict:
    return {e["title"]: e for e in result.events}


def test_the_listing_page_with_date_from_json_ld_time_place_and_categories():
    result = mec.extract(page("events_page.html"), PAGE, CONTEXT)
    assert result.errors == []
    fair = by_title(result)["Fall Career & Internship Fair"]
    assert (fair["start_text"], fair["end_text"]) == ("2027-10-05T11:00:00", "2027-10-05T15:00:00")  # floating
    assert (fair["own_id"], fair["series_id"]) == ("5120_2027-10-05", "5120")
    assert fair["url"] == f"{SITE}/events/fall-career-internship-fair/"
    assert (fair["venue_name"], fair["street"]) == ("Student Union Ballroom", "1 College Rd, Harborview, NY 13126")
    assert fair["categories"] == ["Career Fairs", "Employers"] and fair["organizer"] == "Career Services"
    assert fair["cost_text"] == "Free" and (fair["price_min"], fair["currency"]) == ("0", "USD")
    assert "90 employers" in fair["description"]


def test_an_event_moved_online_has_its_link_and_the_load_more_request_is_next():
    result = mec.extract(page("events_page.html"), PAGE, CONTEXT)
    clinic = by_title(result)["LinkedIn Profile Clinic"]
    assert clinic["event_status"] == "EventMovedOnline" and clinic["attendance_mode"] == "OnlineEventAttendanceMode"
    assert clinic["online_url"] == "https://lakeshore.zoom.us/j/96130552210"
    assert result.next_page.startswith(MORE + "&atts%5Bsk-options%5D%5Blist%5D%5Bstyle%5D=standard")
    assert result.next_page.endswith("&atts%5Bid%5D=2451&current_month_divider=202710&apply_sf_date=0")


def test_no_load_more_beyond_the_window():
    short = Context(now=CONTEXT.now, timezone=CONTEXT.timezone, options={"window_days_ahead": 30})
    assert mec.extract(page("events_page.html"), PAGE, short).next_page is None  # Oct 14 is past Oct 1


def test_the_load_more_answer_all_day_cancelled_repeat_and_untitled():
    result = mec.extract(page("load_more.json"), MORE, CONTEXT)
    events = by_title(result)
    assert result.errors == ["event_without_name"] and result.next_page is None  # has_more_event 0
    assert events["LinkedIn Profile Clinic"]["own_id"] == "5124_2027-10-19"
    assert events["Graduate & Professional School Fair"]["start_text"] == "2027-10-21"
    assert "end_text" not in events["Graduate & Professional School Fair"]
    session = events["Employer Info Session: Harbor Freight Logistics"]
    assert session["event_status"] == "EventCancelled" and session["start_text"] == "2027-10-26T12:00:00"
    assert events["Homecoming Tailgate"]["categories"] == ["Campus Life"]


def test_a_load_more_answer_with_more_pages_names_the_next():
    answer = json.loads(page("load_more.json"))
    answer.update(has_more_event=1, offset=8, end_date="2027-10-30")
    result = mec.extract(json.dumps(answer), MORE, CONTEXT)
    assert (
        result.next_page == f"{SITE}/wp-admin/admin-ajax.php?action=mec_list_load_more"
        "&mec_start_date=2027-10-30&mec_offset=8"
    )


def test_the_date_without_json_ld_from_the_articles_month_and_its_label():
    html = page("events_page.html").split("</main>")[0]  # the footer's JSON-LD cut off
    alumni = by_title(mec.extract(html, PAGE, CONTEXT))["Alumni Networking Night"]
    assert alumni["start_text"] == "2027-10-14T18:00:00"  # mec-toggle-202710 + "14 Oct"


def test_the_ical_feed_is_read_by_the_ical_extractor():
    result = mec.extract(page("ical_feed.ics"), f"{SITE}/?mec-ical-feed=1", CONTEXT)
    assert [(e["title"], e["start_text"]) for e in result.events] == [
        ("Fall Career & Internship Fair", "2027-10-05T15:00:00+00:00"),
        ("LinkedIn Profile Clinic", "2027-10-12T20:00:00+00:00"),
        ("LinkedIn Profile Clinic", "2027-10-19T20:00:00+00:00"),
    ]
    assert result.events[0]["categories"] == ["Career Fairs", "Employers"]


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/wp-login.php'>Log in</form></body></html>", "mec_not_json"),
        (
            '{"code":"rest_forbidden","message":"Sorry, you are not allowed to do that.","data":{"status":401}}',
            "mec_api_error",
        ),
        ("0", "mec_api_error"),
        ('{"items": [], "kind": "something#else"}', "mec_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert mec.extract(body, PAGE, CONTEXT).errors == [code]


def test_detected_from_its_content_and_recognised_on_a_page():
    assert detect_format(page("events_page.html")) == "mec"
    assert detect_format(page("load_more.json")) == "mec"
    assert detect_format(page("ical_feed.ics")) == "ical"
    assert not mec.looks_like(page("home_page.html"))
    url, evidence = mec.recognise(page("events_page.html"), PAGE)
    assert url == PAGE and "/wp-content/plugins/modern-events-calendar" in evidence
    assert mec.recognise(page("home_page.html"), SITE + "/") is None


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("mec")
    site = work / "site"
    (site / "events").mkdir(parents=True)
    (site / "wp-admin" / "admin-ajax.php").mkdir(parents=True)
    (site / "index.json").write_text(page("home_page.html"))  # what WordPress answers when the feed is off
    seen: list[str] = []
    with serve_api(site, seen, paging=("mec_offset",)) as base:
        listing = page("events_page.html").replace(SITE + "/wp-admin/", base + "wp-admin/")
        (site / "events" / "index.json").write_text(listing)
        (site / "wp-admin" / "admin-ajax.php" / "mec_offset=3.json").write_text(page("load_more.json"))
        result, db = crawl(
            work,
            f"""
[sources.lakeshore-careers]
spider = "mec"
urls = ["{base}events/"]
timezone = "America/New_York"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_falls_back_from_the_feed_to_the_listing_and_its_load_more(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    paths = [path for path in seen if path != "/robots.txt"]
    assert paths[:2] == ["/?mec-ical-feed=1", "/events/"]
    assert paths[2].startswith(
        "/wp-admin/admin-ajax.php?action=mec_list_load_more&mec_start_date=2027-10-14&mec_offset=3&"
    )
    assert len(paths) == 3
    rows = query(db, "select title, start_utc, all_day, status, attendance, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Fall Career & Internship Fair", "2027-10-05T15:00:00+00:00"),
        ("LinkedIn Profile Clinic", "2027-10-12T20:00:00+00:00"),
        ("Alumni Networking Night", "2027-10-14T22:00:00+00:00"),
        ("LinkedIn Profile Clinic", "2027-10-19T20:00:00+00:00"),
        ("Graduate & Professional School Fair", "2027-10-21T04:00:00+00:00"),
        ("Employer Info Session: Harbor Freight Logistics", "2027-10-26T16:00:00+00:00"),
        ("Homecoming Tailgate", "2027-10-30T17:00:00+00:00"),
    ]
    assert rows[4]["all_day"] == 1 and rows[5]["status"] == "cancelled" and rows[1]["attendance"] == "online"
    assert json.loads(rows[0]["categories"]) == ["Career Fairs", "Employers"]
    line = summary(result, "lakeshore-careers")
    assert "events=7" in line and "errors=1" in line  # the untitled event, counted


def test_crawl_reads_the_ical_feed_when_the_site_has_it_on(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.json").write_text(page("ical_feed.ics"))
    seen: list[str] = []
    with serve_api(site, seen) as base:
        result, db = crawl(
            tmp_path,
            f"""
[sources.lakeshore-feed]
spider = "mec"
urls = ["{base}events/"]
timezone = "America/New_York"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path in seen if path != "/robots.txt"] == ["/?mec-ical-feed=1"]  # the listing not needed
    rows = query(db, "select title, start_utc from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Fall Career & Internship Fair", "2027-10-05T15:00:00+00:00"),
        ("LinkedIn Profile Clinic", "2027-10-12T20:00:00+00:00"),
        ("LinkedIn Profile Clinic", "2027-10-19T20:00:00+00:00"),
    ]
    assert "events=3" in summary(result, "lakeshore-feed")


SINGLE_EVENT_PAGE = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
 "@type": "Event", "name": "Resume Review Night", "startDate": "2027-10-14T18:00:00-04:00",
 "endDate": "2027-10-14T20:00:00-04:00", "location": {"@type": "Place", "name": "Riverside Career Center"}}
</script></head><body><h1>Resume Review Night</h1>
<aside class="widget"><div class="mec-wrap"><article class="mec-event-article mec-clear">
<div class="mec-event-date">Oct 14</div></article></div></aside></body></html>"""


def test_a_single_event_page_with_a_mec_widget_is_read_as_schema_org():
    result = mec.extract(SINGLE_EVENT_PAGE, "https://careers.example.org/events/resume-review/", CONTEXT)
    assert [(e["title"], e["start_text"]) for e in result.events] == [
        ("Resume Review Night", "2027-10-14T18:00:00-04:00")
    ]
