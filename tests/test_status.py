from datetime import UTC, datetime

import pytest

from pipelines.status import StatusPipeline
from tests.kit import Stats, cli

NOW = datetime(2027, 1, 10, 14, 15, tzinfo=UTC)


def status(stats=None, **kwargs):
    item = {
        "source": "demo",
        "timezone": "America/Chicago",
        "title": "Spring Job Fair",
        "start": "2027-03-04T18:30:00-06:00",
        "time_text": "March 4, 2027 6:30 PM",
    }
    item.update(kwargs)
    return StatusPipeline(now=NOW, stats=stats if stats is not None else Stats()).process_item(item)


@pytest.mark.parametrize(
    "published, expected",
    [
        ("https://schema.org/EventCancelled", "cancelled"),
        ("http://schema.org/EventPostponed", "postponed"),
        ("EventRescheduled", "rescheduled"),
        ("eventmovedonline", "moved_online"),
        ("schema:EventScheduled", "scheduled"),
        ("https://schema.org/EventMovedOnline/", "moved_online"),
        # iCalendar STATUS and Google Calendar status
        ("CANCELLED", "cancelled"),
        ("TENTATIVE", "scheduled"),
        ("CONFIRMED", "scheduled"),
        ("cancelled", "cancelled"),
        (None, "scheduled"),
        ("Whatever", "scheduled"),
    ],
)
def test_structured_status(published, expected):
    assert status(event_status=published)["status"] == expected


@pytest.mark.parametrize(
    "title, expected, stored",
    [
        ("CANCELLED - Spring Job Fair", "cancelled", "Spring Job Fair"),
        ("Canceled – Spring Job Fair", "cancelled", "Spring Job Fair"),
        ("Spring Job Fair (Canceled)", "cancelled", "Spring Job Fair"),
        ("CANCELLED: Chapter Luncheon", "cancelled", "Chapter Luncheon"),
        ("[CANCELLED] Chapter Luncheon", "cancelled", "Chapter Luncheon"),
        ("*CANCELED* HR Roundtable", "cancelled", "HR Roundtable"),
        ("CANCELLED Business After Hours", "cancelled", "Business After Hours"),
        ("Business After Hours | Cancelled", "cancelled", "Business After Hours"),
        ("Career Expo - POSTPONED until further notice", "postponed", "Career Expo"),
        ("POSTPONED until April 5: Career Expo", "postponed", "Career Expo"),
        ("Postponed - Tech Summit 2027", "postponed", "Tech Summit 2027"),
        ("Rescheduled: Board Meeting", "rescheduled", "Board Meeting"),
        ("Networking Lunch - NEW DATE", "rescheduled", "Networking Lunch"),
        ("NEW DATE! Career Fair", "rescheduled", "Career Fair"),
        ("Resume Workshop (now virtual)", "moved_online", "Resume Workshop"),
        ("Tuesday Morning Job Club (changed to Wednesday)", "rescheduled", "Tuesday Morning Job Club"),
        ("Board Meeting - Date changed to March 9", "rescheduled", "Board Meeting"),
        ("Board Meeting moved to the Library", "scheduled", "Board Meeting moved to the Library"),
        ("Job Club (changed to Marriott East)", "scheduled", "Job Club (changed to Marriott East)"),
        ("Job Club (changed to 2nd floor)", "scheduled", "Job Club (changed to 2nd floor)"),
        ("Moved Online: Resume Workshop", "moved_online", "Resume Workshop"),
        # a status word in capitals inside the title: the status, the title as published
        ("Job Fair CANCELLED due to weather", "cancelled", "Job Fair CANCELLED due to weather"),
        # a title that is only the status word is kept
        ("CANCELLED", "cancelled", "CANCELLED"),
        # not status words
        ("Postponed Dreams: A Talk on Career Change", "scheduled", "Postponed Dreams: A Talk on Career Change"),
        ("How to Handle a Cancelled Interview", "scheduled", "How to Handle a Cancelled Interview"),
        ("Spring Job Fair", "scheduled", "Spring Job Fair"),
    ],
)
def test_title_words(title, expected, stored):
    item = status(title=title)
    assert item["status"] == expected
    assert item["title"] == stored


def test_title_words_override_a_default_scheduled_but_not_a_stated_status():
    assert status(title="CANCELLED - Spring Job Fair", event_status="EventScheduled")["status"] == "cancelled"
    item = status(title="POSTPONED - Spring Job Fair", event_status="https://schema.org/EventCancelled")
    assert item["status"] == "cancelled" and item["title"] == "Spring Job Fair"


@pytest.mark.parametrize(
    "time_text, expected",
    [
        ("CANCELLED", "cancelled"),
        ("March 4, 2027 (Canceled)", "cancelled"),
        ("Postponed until April 5, 2027", "postponed"),
        ("New date: April 8, 2027 6pm (was March 4)", "rescheduled"),
        ("Thursday, March 4, 2027 6:30 PM - 8:00 PM", "scheduled"),
    ],
)
def test_date_text_words(time_text, expected):
    assert status(time_text=time_text)["status"] == expected


def test_date_text_falls_back_to_start_text():
    item = status(time_text=None, start_text="March 4, 2027 – CANCELED")
    assert item["status"] == "cancelled"


@pytest.mark.parametrize(
    "description, expected",
    [
        ("This event has been cancelled. We apologize for the inconvenience.", "cancelled"),
        ("Due to the storm, the fair is postponed. A new date will be announced.", "postponed"),
        ("UPDATE: This meeting has been rescheduled to April 8.", "rescheduled"),
        ("Our luncheon has been moved online. Join from home!", "moved_online"),
        ("The workshop will now be held virtually via Zoom.", "moved_online"),
        ("CANCELLED. See you at next month's meeting.", "cancelled"),
        # false positives the description must not cause
        ("Cancellation policy: cancel 48 hours before the event for a full refund.", "scheduled"),
        ("If the event is cancelled due to weather, you will be notified by email.", "scheduled"),
        ("In the event of inclement weather the job fair will be postponed.", "scheduled"),
        ("Cancellations must be received by March 1. No-shows will be charged.", "scheduled"),
        ("Learn how to recover when an interview gets postponed or cancelled.", "scheduled"),
        ("The program may be cancelled if fewer than 10 people register.", "scheduled"),
        ("Meet employers from 40 companies. Bring your resume.", "scheduled"),
        ("Registration is now online. Applications are now online too.", "scheduled"),
        ("Registration will now be online only.", "scheduled"),
    ],
)
def test_description_only_explicit_statements(description, expected):
    assert status(description=description)["status"] == expected


def test_previous_start_from_schema_org_previous_start_date():
    item = status(event_status="EventRescheduled", previous_start_text="2027-03-25T18:00:00-05:00")
    assert item["status"] == "rescheduled"
    assert item["previous_start"] == "2027-03-25T18:00:00-05:00"
    item = status(event_status="EventRescheduled", previous_start_text="2027-03-25")
    assert item["previous_start"] == "2027-03-25"


def test_previous_start_from_the_status_phrase():
    item = status(title="Networking Lunch (Rescheduled from March 25, 2027)")
    assert item["title"] == "Networking Lunch" and item["status"] == "rescheduled"
    assert item["previous_start"] == "2027-03-25"
    item = status(time_text="New date: April 8, 2027 6pm (was March 4, 2027 6pm)")
    assert item["previous_start"] == "2027-03-04T18:00:00-06:00"


def test_a_previous_start_that_differs_from_the_start_means_rescheduled():
    # the ical extractor's RECURRENCE-ID of a moved occurrence, or a previousStartDate left with EventScheduled
    item = status(event_status="CONFIRMED", previous_start_text="2027-02-25T18:30:00-06:00")
    assert item["status"] == "rescheduled" and item["previous_start"] == "2027-02-25T18:30:00-06:00"
    assert status(previous_start_text="2027-03-05T00:30:00Z")["status"] == "scheduled"  # the same instant
    assert status(previous_start_text="2027-03-04T18:30:00-06:00")["status"] == "scheduled"
    assert status(previous_start_text="2027-03-04")["status"] == "scheduled"  # the same day
    assert status(start="2027-03-04", previous_start_text="2027-03-02")["status"] == "rescheduled"
    # a status published or written wins: a moved occurrence that is then cancelled stays cancelled
    item = status(event_status="CANCELLED", previous_start_text="2027-02-25T18:30:00-06:00")
    assert item["status"] == "cancelled" and item["previous_start"] == "2027-02-25T18:30:00-06:00"
    assert status(title="Spring Job Fair (Postponed)", previous_start_text="2027-02-25")["status"] == "postponed"


def test_no_previous_start_when_none_given():
    item = status(event_status="EventPostponed")
    assert "previous_start" not in item or item["previous_start"] is None
    # a date range in the date text is not a previous start
    item = status(time_text="Rescheduled: April 8, 2027 from 6-8 PM")
    assert item["status"] == "rescheduled" and item.get("previous_start") is None


def test_counts_what_is_not_scheduled():
    stats = Stats()
    status(stats, title="CANCELLED - Fair")
    status(stats, event_status="EventPostponed")
    status(stats)
    assert stats == {"eventhound/status/cancelled": 1, "eventhound/status/postponed": 1}


def test_extract_shows_status_attendance_and_cost():
    import json

    from tests.conftest import FIXTURES

    result = cli(
        "extract",
        FIXTURES / "status_cost" / "chamber_events.html",
        "--url",
        "https://riverbend.example/events/",
        "--tz",
        "America/Chicago",
        "--now",
        "2027-01-10T00:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    records = {r["url"].rsplit("/", 2)[-2]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(records) == {"spring-job-fair", "resume-clinic", "hr-roundtable"}

    fair = records["spring-job-fair"]  # EventScheduled as published, CANCELLED in the title
    assert fair["title"] == "Spring Job Fair" and fair["status"] == "cancelled"
    assert fair["attendance"] == "in_person" and fair["latitude"] == 41.5
    assert (fair["is_free"], fair["price_min"], fair["price_max"]) == (1, 0.0, 0.0)

    clinic = records["resume-clinic"]  # rescheduled, previousStartDate, "moved online" + a Zoom link in the text
    assert clinic["status"] == "rescheduled" and clinic["previous_start"] == "2027-03-25T18:00:00-05:00"
    assert clinic["attendance"] == "online" and clinic["latitude"] is None and clinic["longitude"] is None
    assert clinic["online_url"] == "https://us02web.zoom.us/j/85512345678?pwd=abc"
    assert (clinic["is_free"], clinic["price_min"], clinic["price_max"], clinic["currency"]) == (0, 10.0, 15.0, "USD")

    roundtable = records["hr-roundtable"]  # "(Postponed)" title; a cancellation policy; VirtualLocation + a place
    assert roundtable["title"] == "HR Roundtable" and roundtable["status"] == "postponed"
    assert roundtable["attendance"] == "hybrid"
    assert roundtable["online_url"] == "https://teams.microsoft.com/l/meetup-join/19%3ameeting_x"
    assert (roundtable["is_free"], roundtable["price_min"], roundtable["price_max"]) == (0, 0.0, 25.0)


def test_extract_shows_a_moved_ical_occurrence_as_rescheduled():
    import json

    from tests.conftest import FIXTURES

    result = cli(
        "extract",
        FIXTURES / "ical" / "hr_chapter_monthly_moved.ics",
        "--url",
        "https://www.rmhra.example/calendar.ics",
        "--tz",
        "America/Denver",
        "--now",
        "2027-02-01T12:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    chapter = {r["start"][:10]: r for r in records if r["series_id"] == "5m0ch4pt3rlunch2027rmhra@google.com"}
    assert "2027-03-10" not in chapter
    moved = chapter["2027-03-17"]
    assert (moved["status"], moved["previous_start"]) == ("rescheduled", "2027-03-10T11:30:00-07:00")
    assert moved["start"] == "2027-03-17T11:30:00-06:00"
    assert (chapter["2027-05-12"]["status"], chapter["2027-05-12"]["previous_start"]) == ("scheduled", None)
    assert (chapter["2027-07-14"]["status"], chapter["2027-07-14"]["previous_start"]) == ("cancelled", None)
    assert [d for d, r in chapter.items() if r["status"] != "scheduled"] == ["2027-03-17", "2027-07-14"]
