"""Wild Apricot: the Admin API v2.2 JSON and the public events page read into raw events, the
API key exchanged for a token, and a crawl of the API's pages over HTTP."""

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from eventhound.extractors import wildapricot
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.sources import parse_source
from spiders.wildapricot import WildApricotSpider
from tests.conftest import crawl, query, summary
from tests.platform_site import serve_api

FIXTURES = Path(__file__).parent / "fixtures" / "wildapricot"
CONTEXT = Context(
    now=datetime(2027, 9, 1, 12, tzinfo=UTC), timezone="America/Chicago", options={"site": "https://lakeshoreape.org"}
)
API = "https://api.wildapricot.org/v2.2/accounts/318844/events?%24async=false&%24top=5"
SITE = "https://lakeshoreape.org"


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_api_page_one_event_per_session_with_links_tags_and_mode():
    result = wildapricot.extract(page("events_page1.json"), API, CONTEXT)
    assert result.errors == []
    fair, lab1, lab2, mixer, picnic = result.events  # the admin-only board meeting is left out
    assert fair["title"] == "Fall Engineering Career Fair"
    assert (fair["start_text"], fair["end_text"]) == ("2027-10-14T10:00:00-05:00", "2027-10-14T15:00:00-05:00")
    assert fair["own_id"] == "5102001" and "series_id" not in fair
    assert fair["url"] == f"{SITE}/event-5102001"
    assert fair["registration_url"] == f"{SITE}/event-5102001/Registration"
    assert fair["venue_name"] == "Navy Pier, Festival Hall B, 600 E Grand Ave, Chicago, IL 60611"
    assert fair["categories"] == ["career fair", "students", "networking"]
    assert "event_status" not in fair and "attendance_mode" not in fair
    assert [lab1["own_id"], lab2["own_id"]] == ["880011", "880012"]
    assert lab1["series_id"] == lab2["series_id"] == "5102017"
    assert (lab2["start_text"], lab2["end_text"]) == ("2027-09-28T18:00:00-05:00", "2027-09-28T19:30:00-05:00")
    assert mixer["attendance_mode"] == "OnlineEventAttendanceMode"
    assert mixer["categories"] == ["networking", "young professionals", "RSVP"]
    assert "registration_url" not in picnic  # registration closed
    assert result.next_page == API + "&%24skip=5"


def test_all_day_cancelled_and_untitled_events_on_the_last_page():
    result = wildapricot.extract(page("events_page2.json"), API + "&%24skip=5", CONTEXT)
    study, spotlight = result.events
    assert study["start_text"] == "2027-10-23" and "end_text" not in study
    assert spotlight["event_status"] == "CANCELLED"
    assert spotlight["start_text"] == "2027-11-09T12:00:00-06:00"
    assert result.errors == ["event_without_name"]
    assert result.next_page is None  # 3 events for $top=5: the last page


def test_the_single_event_endpoint_gives_details_prices_zone_and_online_link():
    result = wildapricot.extract(page("event_5102033.json"), f"{API.split('?')[0]}/5102033", CONTEXT)
    (mixer,) = result.events
    assert mixer["online_url"] == "https://us02web.zoom.us/j/84512267310?pwd=bGFrZXNob3Jl"
    assert mixer["description"].startswith("<p>Meet engineers in their first five years")
    assert mixer["timezone"] == "America/Chicago"  # Details.TimeZone.ZoneId "Central Standard Time"
    assert (mixer["price_min"], mixer["price_max"]) == ("0", "15") and "is_free" not in mixer


def test_without_a_site_no_public_links_are_invented():
    result = wildapricot.extract(page("events_page1.json"), API, Context())
    assert all("url" not in e and "registration_url" not in e for e in result.events)
    assert result.events[0]["own_id"] == "5102001"


def test_the_public_events_page():
    result = wildapricot.extract(page("events_page.html"), f"{SITE}/events", CONTEXT)
    assert result.errors == [] and result.next_page is None
    mixer, study, summit = result.events
    assert (mixer["title"], mixer["own_id"], mixer["url"]) == (
        "Virtual Networking Mixer: Early-Career Engineers",
        "5102033",
        f"{SITE}/event-5102033",
    )
    assert (mixer["start_text"], mixer["end_text"]) == ("September 30, 2027 7:00 PM", "8:30 PM")
    assert mixer["timezone"] == "America/Chicago"
    assert mixer["registration_url"] == f"{SITE}/event-5102033/Registration"
    assert mixer["online_url"] == "https://us02web.zoom.us/j/84512267310?pwd=bGFrZXNob3Jl"
    assert mixer["attendance_mode"] == "OnlineEventAttendanceMode"
    assert study["start_text"] == "October 23, 2027" and "end_text" not in study
    assert study["venue_name"].startswith("Illinois Institute of Technology")
    assert (summit["start_text"], summit["end_text"]) == ("November 04, 2027 8:00 AM", "November 05, 2027 5:00 PM")
    assert summit["url"] == f"{SITE}/event-5102079"  # a relative link made absolute


@pytest.mark.parametrize(
    "body, code",
    [
        ("<!DOCTYPE html><html><body><form action='/Sys/Login'>Log in</form></body></html>", "wildapricot_not_json"),
        (
            '{"code": "Unauthorized", "message": "Authorization has been denied for this request."}',
            "wildapricot_api_error",
        ),
        ('{"events": [{"id": 1, "title": "x"}], "page": 1}', "wildapricot_not_events"),
    ],
)
def test_what_is_not_events_is_named(body, code):
    assert wildapricot.extract(body, API, CONTEXT).errors == [code]


def test_an_async_answer_is_followed_to_its_result():
    body = json.dumps(
        {"ResultId": "a1b2", "ResultUrl": f"{API.split('?')[0]}?resultId=a1b2", "ProcessingState": "Waiting"}
    )
    result = wildapricot.extract(body, API, CONTEXT)
    assert result.next_page.endswith("resultId=a1b2") and result.errors == []


def test_detected_from_its_content():
    assert detect_format(page("events_page1.json")) == "wildapricot"
    assert detect_format(page("event_5102033.json")) == "wildapricot"
    assert detect_format(page("events_page.html")) == "wildapricot"
    assert not wildapricot.looks_like('{"events": [{"event": {"event_instances": []}}]}')
    assert not wildapricot.looks_like("<html><body><ul><li class='event'>Job fair</li></ul></body></html>")


def test_the_api_key_is_exchanged_for_a_token_and_the_account_id():
    source = parse_source(
        "lakeshore",
        {"spider": "wildapricot", "urls": [f"{SITE}/"], "timezone": "America/Chicago", "token_env": "LAKESHORE_WA_KEY"},
    )
    crawler = get_crawler(WildApricotSpider, {"EVENTHOUND_NOW": "2027-09-01T12:00:00+00:00"})
    spider = WildApricotSpider.from_crawler(crawler, source=source)
    assert spider.api_url(f"{SITE}/") == f"{SITE}/events"  # no token yet: the public page
    request = spider.token_request("k3y")
    assert (request.method, request.url) == ("POST", "https://oauth.wildapricot.org/auth/token")
    assert request.headers["Authorization"] == b"Basic QVBJS0VZOmszeQ=="  # APIKEY:k3y
    assert request.body == b"grant_type=client_credentials&scope=auto"
    answer = {
        "access_token": "tok-abc",
        "token_type": "Bearer",
        "expires_in": 1800,
        "refresh_token": "not_requested",
        "Permissions": [{"AccountId": 318844, "SecurityProfileId": 20}],
    }
    response = TextResponse(request.url, body=json.dumps(answer).encode(), encoding="utf-8", request=request)
    (api,) = spider.got_token(response)
    assert api.url == (
        "https://api.wildapricot.org/v2.2/accounts/318844/events?%24async=false&%24top=100"
        "&%24filter=StartDate+ge+2027-09-01+and+StartDate+le+2028-08-31"
    )
    assert api.headers["Authorization"] == b"Bearer tok-abc"
    assert spider.context.options["site"] == SITE


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("wildapricot")
    api = work / "site" / "v2.2" / "accounts" / "318844" / "events"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "events_page1.json", api / "index.json")
    shutil.copy(FIXTURES / "events_page2.json", api / "$skip=5.json")
    seen: list[str] = []
    with serve_api(work / "site", seen, paging=("$skip",)) as base:
        result, db = crawl(
            work,
            f"""
[sources.lakeshore-ape]
spider = "wildapricot"
urls = ["{base}/v2.2/accounts/318844/events"]
timezone = "America/Chicago"

[sources.lakeshore-ape.wildapricot]
page_size = 5
site = "https://lakeshoreape.org"
""",
            now="2027-09-01T12:00:00+00:00",
        )
    return result, db, seen


def test_crawl_reads_every_api_page(crawled):
    result, db, seen = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    first = (
        "/v2.2/accounts/318844/events?%24async=false&%24top=5"
        "&%24filter=StartDate+ge+2027-09-01+and+StartDate+le+2028-08-31"
    )
    assert [path for path in seen if path != "/robots.txt"] == [first, first + "&%24skip=5"]
    rows = query(
        db, "select title, start_utc, all_day, status, attendance, categories, url from events order by start_utc"
    )
    assert [(r["title"], r["start_utc"]) for r in rows] == [
        ("Résumé Review Workshop", "2027-09-21T23:00:00+00:00"),
        ("Résumé Review Workshop", "2027-09-28T23:00:00+00:00"),
        ("Virtual Networking Mixer: Early-Career Engineers", "2027-10-01T00:00:00+00:00"),
        ("Annual Chapter Picnic", "2027-10-02T16:00:00+00:00"),
        ("Fall Engineering Career Fair", "2027-10-14T15:00:00+00:00"),
        ("PE Exam Study Day", "2027-10-23T05:00:00+00:00"),
        ("Employer Spotlight: Great Lakes Water Authority", "2027-11-09T18:00:00+00:00"),
    ]
    assert rows[5]["all_day"] == 1 and rows[6]["status"] == "cancelled" and rows[2]["attendance"] == "online"
    assert json.loads(rows[4]["categories"])[:2] == ["career fair", "students"]
    assert rows[4]["url"] == "https://lakeshoreape.org/event-5102001"
    line = summary(result, "lakeshore-ape")
    assert "events=7" in line and "errors=1" in line  # the untitled event, counted
