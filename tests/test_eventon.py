"""EventON: its calendar page and AJAX answers read into raw events, and a crawl over HTTP that
makes the page's `eventon_init_load` POST."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from eventhound.extractors import eventon
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.localsite import serve_directory
from tests.conftest import crawl, query, summary
from tests.platform_site import ApiHandler

FIXTURES = Path(__file__).parent / "fixtures" / "eventon"
CONTEXT = Context(now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago")
PAGE = "https://www.rivertonchamber.org/events/"
INIT_LOAD = "https://www.rivertonchamber.org/?evo-ajax=eventon_init_load"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def by_title(result) -> dict:
    return {e["title"]: e for e in result.events}


def test_the_calendar_page_with_place_organizer_categories_and_the_instant_of_a_zoned_event():
    result = eventon.extract(page("calendar_page.html"), PAGE, CONTEXT)
    fair = by_title(result)["Fall Job Fair"]
    # data-time is the true instant (15:00Z); the schema shows the wall clock 10:00: offset -05:00
    assert (fair["start_text"], fair["end_text"]) == ("2027-10-06T10:00:00-05:00", "2027-10-06T14:00:00-05:00")
    assert fair["timezone"] == "America/Chicago"  # the calendar's cal_tz, agreeing with that offset
    assert fair["own_id"] == "4211_0" and "series_id" not in fair
    assert fair["url"] == "https://www.rivertonchamber.org/events/fall-job-fair/"
    assert (fair["venue_name"], fair["street"]) == ("Riverton Civic Center", "200 Main St, Riverton, IL 61701")
    assert (fair["latitude"], fair["longitude"]) == ("40.5131", "-88.9912")
    assert fair["categories"] == ["Career & Workforce", "Job Fairs", "hiring", "internships"]
    assert fair["organizer"] == "Riverton Area Chamber of Commerce"
    assert fair["organizer_url"] == "https://www.rivertonchamber.org"
    assert fair["attendance_mode"] == "OfflineEventAttendanceMode" and "event_status" not in fair
    assert "Meet more than 60 employers" in fair["description"]


def test_an_online_event_with_wall_clock_stamps_is_floating_in_the_calendars_zone():
    workshop = by_title(eventon.extract(page("calendar_page.html"), PAGE, CONTEXT))[
        "Résumé Workshop: Get Past the Applicant Tracking System"
    ]
    assert (workshop["start_text"], workshop["end_text"]) == ("2027-10-13T18:00:00", "2027-10-13T19:30:00")
    assert workshop["timezone"] == "America/Chicago"
    assert workshop["online_url"] == "https://us02web.zoom.us/j/84412093311"
    assert workshop["attendance_mode"] == "OnlineEventAttendanceMode" and "venue_name" not in workshop


def test_an_all_day_event_gives_its_date_and_an_untitled_one_is_counted():
    result = eventon.extract(page("calendar_page.html"), PAGE, CONTEXT)
    day = by_title(result)["Small Business Resource Day"]
    assert day["start_text"] == "2027-10-20" and "end_text" not in day
    assert len(result.events) == 3 and result.errors == ["event_without_name"]
    assert result.next_page is None


def test_the_init_load_answer_cancelled_repeat_and_an_offset_across_the_dst_change():
    result = eventon.extract(page("init_load.json"), INIT_LOAD, CONTEXT)
    events = by_title(result)
    assert result.errors == ["event_without_name"]
    assert events["Young Professionals Chapter Meeting"]["event_status"] == "EventCancelled"
    assert events["Young Professionals Chapter Meeting"]["start_text"] == "2027-10-27T17:30:00"
    roundtable = events["Job Seekers Roundtable"]
    assert (roundtable["own_id"], roundtable["series_id"]) == ("4230_1", "4230")
    assert roundtable["url"] == "https://www.rivertonchamber.org/events/job-seekers-roundtable/var/ri-1.l-L1/"
    # rendered in September, the schema says -5:00; the stamp says the event is at 23:30Z: CST, -06:00
    mixer = events["Business After Hours Networking Mixer"]
    assert mixer["start_text"] == "2027-11-11T17:30:00-06:00" and mixer["timezone"] == "America/Chicago"
    assert (mixer["price_min"], mixer["currency"]) == ("15", "USD")
    assert events["Holiday Lights Parade"]["categories"] == ["Community"]


def test_the_old_markup_eventon_2():
    old = """<div id='evcal_list' class='eventon_events_list'><div id="event_13261" class="eventon_list_event evo_eventtop  event"
     data-event_id="13261" data-ri="77" data-time="1824967500-1824971100" itemscope itemtype='http://schema.org/Event'>
     <div class="evo_event_schema" style="display:none"><a itemprop='url' href='https://www.example.org/events/chamber-breakfast/&quest;ri&equals;77&amp;'></a>
     <span itemprop='name'>Chamber Breakfast</span><meta itemprop='startDate' content='2027-10-31'></meta>
     <script type="application/ld+json">{"@type": "Event", "name": "Chamber Breakfast", "startDate": "2027-10-31T7-07-25-00", "image":, }</script></div>
     <p class="desc_trig_outter"><a class="desc_trig sin_val evcal_list_a"><span class='evcal_cblock'><span class='evo_start '>
     <em class='date'>31</em><em class='month'>oct</em><em class='time'>7:25 am</em></span></span>
     <span class='evcal_desc evo_info' data-location_address="1 Main St" data-location_name="Hotel Riverton" data-latlng="40.1,-88.2">
     <span class='evcal_desc2 evcal_event_title' itemprop='name'>Chamber Breakfast</span>
     <span class='evcal_event_types ett1'><em><i>Event Type:</i></em><em data-filter='event_type'>Networking</em></span></span></a></p>
     <div class='clear end'></div></div></div>"""
    result = eventon.extract(old + old, "https://www.example.org/", CONTEXT)  # a calendar and a widget
    (breakfast,) = result.events  # the occurrence shown twice is read once
    assert breakfast["start_text"] == "2027-10-31T07:25:00"  # stamp 07:25Z = the shown 7:25 am: a wall clock
    assert breakfast["own_id"] == "13261_77" and breakfast["series_id"] == "13261"
    assert breakfast["url"] == "https://www.example.org/events/chamber-breakfast/?ri=77&"
    assert breakfast["categories"] == ["Networking"] and breakfast["venue_name"] == "Hotel Riverton"


def test_an_ajax_calendar_page_names_its_init_load_request():
    html = page("calendar_ajax_page.html")
    result = eventon.extract(html, PAGE, CONTEXT)
    assert result.events == [] and result.errors == ["eventon_loaded_by_ajax"]
    start, end = datetime(2027, 9, 1, 5, tzinfo=UTC), datetime(2028, 8, 31, 5, tzinfo=UTC)
    url, fields = eventon.init_load_request(html, PAGE, start, end)
    assert url == INIT_LOAD
    form = dict(fields)
    assert form["nonce"] == "5c1e0b7a9d"
    assert form["cals[evcal_calendar_11][sc][focus_start_date_range]"] == str(int(start.timestamp()))
    assert form["cals[evcal_calendar_11][sc][focus_end_date_range]"] == str(int(end.timestamp()))
    assert form["cals[evcal_calendar_11][sc][calendar_type]"] == "default"
    assert eventon.init_load_request(page("calendar_page.html"), PAGE, start, end) is None  # printed, not loaded


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/wp-login.php'>Log in</form></body></html>", "eventon_not_json"),
        ('{"status":"bad","msg":"Nonce validation failed"}', "eventon_api_error"),
        ('{"items": [], "kind": "something#else"}', "eventon_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert eventon.extract(body, PAGE, CONTEXT).errors == [code]


def test_detected_from_its_content_and_recognised_on_a_page():
    assert detect_format(page("calendar_page.html")) == "eventon"
    assert detect_format(page("init_load.json")) == "eventon"
    assert not eventon.looks_like('{"events": [], "next_rest_url": null}')
    assert not eventon.looks_like("<html><body><h1>Events</h1><ul class='event-list'></ul></body></html>")
    url, evidence = eventon.recognise(page("calendar_ajax_page.html"), PAGE)
    assert url == PAGE and "/wp-content/plugins/eventON/" in evidence
    assert eventon.recognise("<html><body>Events at the chamber</body></html>", PAGE) is None


def _handler(seen: list, posted: list):
    class PostApi(ApiHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            posted.append(self.rfile.read(length).decode())
            self.do_GET()

    return type("EventonSite", (PostApi,), {"seen": seen, "paging": ("evo-ajax",), "authorizations": []})


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("eventon")
    site = work / "site"
    (site / "events").mkdir(parents=True)
    shutil.copy(FIXTURES / "calendar_ajax_page.html", site / "events" / "index.json")
    shutil.copy(FIXTURES / "init_load.json", site / "evo-ajax=eventon_init_load.json")
    seen, posted = [], []
    with serve_directory(site, handler=_handler(seen, posted)) as base:
        result, db = crawl(
            work,
            f"""
[sources.riverton-chamber]
spider = "eventon"
urls = ["{base}events/"]
timezone = "America/Chicago"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen, posted


def test_crawl_posts_the_init_load_and_stores_its_events(crawled):
    result, db, seen, posted = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert [path for path in seen if path != "/robots.txt"] == ["/events/", "/?evo-ajax=eventon_init_load"]
    form = parse_qs(posted[0])
    assert form["nonce"] == ["5c1e0b7a9d"]
    start = int(datetime(2027, 9, 1, 5, tzinfo=UTC).timestamp())  # the crawl's day, 00:00 in Chicago
    assert form["cals[evcal_calendar_11][sc][focus_start_date_range]"] == [str(start)]
    rows = query(db, "select title, start_utc, status, categories from events order by start_utc")
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Young Professionals Chapter Meeting", "2027-10-27T22:30:00+00:00"),
        ("Job Seekers Roundtable", "2027-11-03T14:00:00+00:00"),
        ("Business After Hours Networking Mixer", "2027-11-11T23:30:00+00:00"),
        ("Holiday Lights Parade", "2027-12-05T00:00:00+00:00"),
    ]
    assert rows[0]["status"] == "cancelled" and rows[1]["status"] != "cancelled"
    assert json.loads(rows[0]["categories"]) == ["Young Professionals", "Networking"]
    line = summary(result, "riverton-chamber")
    assert "events=4" in line and "errors=1" in line  # the untitled event, counted
