"""The gcal extractor: Google Calendar API v3 event lists to raw events; embeds to public .ics URLs."""

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from eventhound.extractors import gcal
from eventhound.extractors.base import Context
from eventhound.extractors.gcal import google_calendar_ics_url, google_calendar_ics_urls
from eventhound.formats import detect_format

FIXTURES = Path(__file__).parent / "fixtures" / "gcal"
NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
API = (
    "https://www.googleapis.com/calendar/v3/calendars/springfieldchamber%40group.calendar.google.com/events"
    "?key=AIzaTEST&singleEvents=true&maxResults=250"
)


def read(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def run(text, url=API, tz="America/Chicago", **options):
    return gcal.extract(text, url, Context(now=NOW, timezone=tz, options=options))


def by_title(extraction):
    out = {}
    for event in extraction.events:
        out.setdefault(event["title"], []).append(event)
    return out


def test_looks_like_an_events_list_and_is_detected():
    assert gcal.looks_like(read("chamber_events_page1.json"))
    assert not gcal.looks_like('{"kind": "calendar#event", "id": "x"}')
    assert not gcal.looks_like(read("api_key_missing.json"))
    assert detect_format(read("chamber_events_page2.json")) == "gcal"


def test_single_events_list_instances_keep_their_ids_and_series():
    x = run(read("chamber_events_page1.json"))
    coffee = by_title(x)["Coffee Connections: Members Networking"]
    assert [e["start_text"] for e in coffee] == [
        "2027-02-03T07:00:00-06:00",
        "2027-03-03T07:00:00-06:00",
        "2027-04-07T07:00:00-05:00",
    ]
    assert [e["own_id"] for e in coffee] == [
        "5j7s4slo6gfrmramd5buc4f7d4_20270203T130000Z",
        "5j7s4slo6gfrmramd5buc4f7d4_20270303T130000Z",
        "5j7s4slo6gfrmramd5buc4f7d4_20270407T120000Z",
    ]
    assert all(e["series_id"] == "5j7s4slo6gfrmramd5buc4f7d4" and e["timezone"] == "America/Chicago" for e in coffee)
    assert coffee[0]["end_text"] == "2027-02-03T08:30:00-06:00"
    assert coffee[0]["organizer"] == "Springfield Chamber of Commerce"


def test_cancelled_instance_keeps_the_series_title_and_its_status():
    x = run(read("chamber_events_page1.json"))
    cancelled = [e for e in x.events if e.get("event_status") == "CANCELLED"]
    assert len(cancelled) == 1
    assert cancelled[0]["title"] == "Coffee Connections: Members Networking"
    assert cancelled[0]["start_text"] == "2027-04-07T07:00:00-05:00"
    assert cancelled[0]["venue_name"].startswith("Hoogland Center for the Arts")
    assert x.errors == []


def test_fields_links_and_times():
    events = by_title(run(read("chamber_events_page1.json")))
    fair = events["Spring Career & Job Fair"][0]
    assert fair["url"] == "https://springfieldchamber.example/events/spring-career-fair/"  # source.url wins
    assert fair["start_text"] == "2027-02-18T10:00:00-06:00"
    assert fair["timezone"] == "America/Chicago"  # the list's zone when the item has none
    assert fair["own_id"] == "0mq1vd3v0q3c5k6mptk1b2b7ss" and "series_id" not in fair
    expo = events["Midwest Manufacturing & Skilled Trades Expo"][0]
    assert (expo["start_text"], expo["end_text"], expo["all_day"]) == ("2027-03-10", "2027-03-11", "true")
    assert expo["event_status"] == "TENTATIVE"
    assert expo["url"].startswith("https://www.google.com/calendar/event?eid=")
    clinic = events["Virtual Résumé Clinic"][0]
    assert clinic["start_text"] == "2027-02-24T12:00:00-06:00"  # "Z" shown in the event's zone
    assert clinic["online_url"] == "https://meet.google.com/abc-defg-hij"


def test_next_page_is_the_same_url_with_the_page_token():
    x = run(read("chamber_events_page1.json"))
    query = parse_qs(urlsplit(x.next_page).query)
    assert x.next_page.startswith(API.split("?")[0] + "?")
    assert query["pageToken"] == ["CigKGjVqN3M0c2xvNmdmcm1yYW1kNWJ1YzRmN2Q0GAEggICAgNy3lNwXGg0IABIAGLiQ2dmd2_UC"]
    assert query["key"] == ["AIzaTEST"] and query["singleEvents"] == ["true"]
    again = run(read("chamber_events_page1.json"), url=x.next_page)
    assert parse_qs(urlsplit(again.next_page).query)["pageToken"] == query["pageToken"]  # replaced, not repeated
    assert run(read("chamber_events_page2.json")).next_page is None


def test_recurring_item_is_expanded_with_exceptions_overrides_and_cancellations():
    x = run(read("association_events_recurring.json"), tz="America/Los_Angeles")
    dinners = [e for e in x.events if e.get("series_id") == "4fq0pmichaptermeeting"]
    assert [(e["start_text"], e.get("event_status")) for e in dinners] == [
        ("2027-01-13T18:00:00-08:00", "CONFIRMED"),
        # 2027-02-10 is an EXDATE
        ("2027-03-10T18:30:00-08:00", "CONFIRMED"),  # the changed instance
        ("2027-04-14T18:00:00-07:00", "CONFIRMED"),  # DST: still 18:00 local
        ("2027-05-12T18:00:00-07:00", "CANCELLED"),
        ("2027-06-09T18:00:00-07:00", "CONFIRMED"),  # UNTIL ends the series in June
    ]
    assert dinners[1]["title"] == "PMI Chapter Dinner Meeting: Agile at Scale"
    assert dinners[1]["venue_name"].startswith("Bellevue Hyatt Regency")
    assert dinners[3]["title"] == "PMI Chapter Dinner Meeting"
    assert all(e["rrule"] == "FREQ=MONTHLY;BYDAY=2WE;UNTIL=20270630T065959Z" for e in dinners)
    # expanded occurrences get the ids Google gives the instances
    assert [e["own_id"] for e in dinners] == [
        "4fq0pmichaptermeeting_20270114T020000Z",
        "4fq0pmichaptermeeting_20270311T010000Z",
        "4fq0pmichaptermeeting_20270415T010000Z",
        "4fq0pmichaptermeeting_20270512T010000Z",
        "4fq0pmichaptermeeting_20270610T010000Z",
    ]
    webinar = by_title(x)["Career Transition into Project Management (webinar)"][0]
    assert webinar["online_url"] == "https://meet.google.com/xyz-abcd-efg"
    assert webinar["timezone"] == "America/Los_Angeles"
    assert x.errors == ["event_without_name"]  # the private item without a summary


def test_expanded_and_single_events_lists_give_the_same_ids():
    master = {
        "kind": "calendar#events",
        "timeZone": "America/Chicago",
        "items": [
            {
                "id": "5j7s4slo6gfrmramd5buc4f7d4",
                "status": "confirmed",
                "summary": "Coffee Connections: Members Networking",
                "start": {"dateTime": "2027-02-03T07:00:00-06:00", "timeZone": "America/Chicago"},
                "end": {"dateTime": "2027-02-03T08:30:00-06:00", "timeZone": "America/Chicago"},
                "recurrence": ["RRULE:FREQ=MONTHLY;BYDAY=1WE;COUNT=2"],
            }
        ],
    }
    expanded = [e["own_id"] for e in run(json.dumps(master)).events]
    single = [e["own_id"] for e in run(read("chamber_events_page1.json")).events if e.get("series_id")][:2]
    assert expanded == single


def test_window_applies_to_api_lists_too():
    x = run(read("association_events_recurring.json"), tz="America/Los_Angeles", window_days_ahead=60)
    assert [e["start_text"][:10] for e in x.events if e.get("series_id")] == ["2027-01-13", "2027-03-10"]


@pytest.mark.parametrize(
    "text, code",
    [
        (read("api_key_missing.json"), "gcal_api_error"),
        ("<!DOCTYPE html><html><body>Error 404 (Not Found)</body></html>", "not_a_calendar"),
        ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "not_a_calendar"),
        ('{"kind": "calendar#calendarList", "items": []}', "not_a_calendar"),
        ('{"message":"Group not found"}', "not_a_calendar"),
        ("", "not_a_calendar"),
    ],
)
def test_what_is_not_an_events_list_is_reported(text, code):
    x = run(text)
    assert x.events == [] and x.errors == [code] and x.next_page is None


def test_bad_items_are_skipped_and_counted():
    data = {
        "kind": "calendar#events",
        "items": [
            "not an object",
            {"id": "a", "summary": "No start at all"},
            {"id": "b", "summary": "Bad time", "start": {"dateTime": "next Tuesday"}},
            {
                "id": "c",
                "summary": "Résumé Review Night",
                "start": {"dateTime": "2027-03-02T18:00:00-06:00"},
                "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=2", "BOGUS LINE"],
            },
        ],
    }
    x = run(json.dumps(data))
    assert [e["start_text"] for e in x.events] == ["2027-03-02T18:00:00-06:00", "2027-03-09T18:00:00-06:00"]
    assert x.errors.count("gcal_bad_item") == 2
    assert "event_without_start" in x.errors and "gcal_bad_recurrence" in x.errors


# ------------------------------------------------------------------ embeds


@pytest.mark.parametrize(
    "value, expected",
    [
        (
            "https://calendar.google.com/calendar/embed?src=c_9f2a1b3c4d%40group.calendar.google.com&ctz=America%2FChicago",
            "https://calendar.google.com/calendar/ical/c_9f2a1b3c4d%40group.calendar.google.com/public/basic.ics",
        ),
        (
            "https://calendar.google.com/calendar/embed?height=600&amp;wkst=1&amp;ctz=America%2FNew_York&amp;src=springfield.chamber%40gmail.com",
            "https://calendar.google.com/calendar/ical/springfield.chamber%40gmail.com/public/basic.ics",
        ),
        (
            "//calendar.google.com/calendar/embed?src=jobclub%40albanylibrary.example",
            "https://calendar.google.com/calendar/ical/jobclub%40albanylibrary.example/public/basic.ics",
        ),
        (
            "https://www.google.com/calendar/embed?src=abc123%40group.calendar.google.com",
            "https://calendar.google.com/calendar/ical/abc123%40group.calendar.google.com/public/basic.ics",
        ),
        (
            "https://calendar.google.com/calendar/u/0?cid=c3ByaW5nZmllbGQuY2hhbWJlckBnbWFpbC5jb20",
            "https://calendar.google.com/calendar/ical/springfield.chamber%40gmail.com/public/basic.ics",
        ),
        (
            "abc123@group.calendar.google.com",
            "https://calendar.google.com/calendar/ical/abc123%40group.calendar.google.com/public/basic.ics",
        ),
        (
            "en.usa#holiday@group.v.calendar.google.com",
            "https://calendar.google.com/calendar/ical/en.usa%23holiday%40group.v.calendar.google.com/public/basic.ics",
        ),
        (
            "https://calendar.google.com/calendar/ical/abc123%40group.calendar.google.com/public/basic.ics",
            "https://calendar.google.com/calendar/ical/abc123%40group.calendar.google.com/public/basic.ics",
        ),
        ("https://example.org/calendar/embed?src=abc%40group.calendar.google.com", None),
        ("https://calendar.google.com/calendar/embed?ctz=America%2FChicago", None),
        ("not a calendar", None),
        ("", None),
    ],
)
def test_google_calendar_ics_url(value, expected):
    assert google_calendar_ics_url(value) == expected


def test_an_embed_showing_several_calendars_names_them_all():
    src = (
        "https://calendar.google.com/calendar/embed?src=events%40springfieldchamber.example"
        "&src=c_9f2a1b3c4d%40group.calendar.google.com&color=%23039BE5"
    )
    assert google_calendar_ics_urls(src) == [
        "https://calendar.google.com/calendar/ical/events%40springfieldchamber.example/public/basic.ics",
        "https://calendar.google.com/calendar/ical/c_9f2a1b3c4d%40group.calendar.google.com/public/basic.ics",
    ]
