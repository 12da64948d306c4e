from datetime import UTC, datetime

import pytest

from pipelines.attendance import AttendancePipeline, meeting_link
from pipelines.validate import ValidatePipeline
from tests.kit import Stats, cli

NOW = datetime(2027, 1, 10, 14, 15, tzinfo=UTC)


def attend(stats=None, **kwargs):
    item = {
        "source": "demo",
        "timezone": "America/Chicago",
        "title": "Chapter Meeting",
        "start": "2027-03-04T18:30:00-06:00",
        "status": "scheduled",
    }
    item.update(kwargs)
    return AttendancePipeline(now=NOW, stats=stats if stats is not None else Stats()).process_item(item)


PLACE = {
    "venue_name": "Riverbend Civic Center",
    "street": "200 River Rd",
    "city": "Riverbend",
    "latitude": "41.5",
    "longitude": "-90.5",
}


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"attendance_mode": "https://schema.org/OfflineEventAttendanceMode", **PLACE}, "in_person"),
        ({"attendance_mode": "OnlineEventAttendanceMode"}, "online"),
        ({"attendance_mode": "https://schema.org/MixedEventAttendanceMode/"}, "hybrid"),
        ({"attendance_mode": "MixedEventAttendanceMode", **PLACE}, "hybrid"),
        # VirtualLocation (online_url) without a place: online; with one: hybrid
        ({"online_url": "https://zoom.us/j/1"}, "online"),
        ({"online_url": "https://zoom.us/j/1", "city": "Austin"}, "hybrid"),
        # the plugins' default Offline yields to a meeting link with no place
        (
            {"attendance_mode": "OfflineEventAttendanceMode", "online_url": "https://meet.google.com/abc-defg-hij"},
            "online",
        ),
        (PLACE, "in_person"),
        ({}, None),
    ],
)
def test_structured_mode_link_and_place(extra, expected):
    assert attend(**extra)["attendance"] == expected


@pytest.mark.parametrize(
    "text, url",
    [
        (
            "Join at https://us02web.zoom.us/j/85512345678?pwd=Abc123.",
            "https://us02web.zoom.us/j/85512345678?pwd=Abc123",
        ),
        (
            "Teams: https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ%40thread.v2/0",
            "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjQ%40thread.v2/0",
        ),
        ("Google Meet link: meet.google.com/abc-defg-hij", "https://meet.google.com/abc-defg-hij"),
        ("Webex (https://acme.webex.com/meet/jdoe)", "https://acme.webex.com/meet/jdoe"),
        ("https://global.gotomeeting.com/join/123456789", "https://global.gotomeeting.com/join/123456789"),
        ("Register at https://www.eventbrite.com/e/123 and see https://zoom.us/ for help", "https://zoom.us/"),
        ("Call 555-1234 or visit www.example.org", None),
    ],
)
def test_meeting_links(text, url):
    assert meeting_link(text) == url


def test_meeting_link_in_the_description_becomes_online_url():
    stats = Stats()
    item = attend(stats, description="The meeting link: https://us02web.zoom.us/j/855123?pwd=x. See you there.")
    assert item["online_url"] == "https://us02web.zoom.us/j/855123?pwd=x"
    assert item["attendance"] == "online"
    assert stats["eventhound/attendance/link_found"] == 1
    # a given online_url is kept
    item = attend(online_url="https://example.org/live", description="Backup: https://zoom.us/j/9")
    assert item["online_url"] == "https://example.org/live"


def test_meeting_link_plus_a_place_is_hybrid():
    item = attend(description="Join us at the library or on https://zoom.us/j/123.", **PLACE)
    assert item["attendance"] == "hybrid" and item["online_url"] == "https://zoom.us/j/123"
    assert item["latitude"] == "41.5"


def validate_and_attend(**kwargs):
    item = {
        "source": "demo",
        "timezone": "America/Chicago",
        "title": "Chapter Meeting",
        "start": "2027-03-04T18:30:00-06:00",
        "status": "scheduled",
    }
    item.update(kwargs)
    item = ValidatePipeline(now=NOW, stats=Stats()).process_item(item)
    return AttendancePipeline(now=NOW, stats=Stats()).process_item(item)


ZOOM_HREF = (
    '<p>Our weekly peer group. <a href="https://us02web.zoom.us/j/84123456789?pwd=Um&amp;from=addon">'
    "Click here to join</a></p>"
)
REGISTER_HREF = '<p><a href="https://www.gatewayatd.example/register/">Register here</a></p>'


def test_meeting_link_only_in_an_href_of_the_description_html():
    item = validate_and_attend(description=ZOOM_HREF)
    assert item["description"] == "Our weekly peer group. Click here to join"
    assert item["attendance"] == "online"
    assert item["online_url"] == "https://us02web.zoom.us/j/84123456789?pwd=Um&from=addon"
    item = validate_and_attend(description=ZOOM_HREF, street="405 Washington Ave", city="St. Louis")
    assert item["attendance"] == "hybrid" and item["online_url"].startswith("https://us02web.zoom.us/j/841")
    # entity-encoded HTML (the JSON-LD of WordPress plugins) keeps its link too
    item = validate_and_attend(
        description="&lt;p&gt;&lt;a href=&quot;https://meet.google.com/abc-defg-hij&quot;&gt;Join&lt;/a&gt;&lt;/p&gt;"
    )
    assert (item["attendance"], item["online_url"]) == ("online", "https://meet.google.com/abc-defg-hij")
    # a link to an ordinary page changes nothing
    item = validate_and_attend(description=REGISTER_HREF, **PLACE)
    assert (item["attendance"], item.get("online_url")) == ("in_person", None)
    item = validate_and_attend(description=REGISTER_HREF)
    assert (item["attendance"], item.get("online_url")) == (None, None)


def test_extract_finds_meeting_links_in_hrefs_of_a_json_ld_description():
    import json

    from tests.conftest import FIXTURES

    result = cli(
        "extract",
        FIXTURES / "schemaorg" / "association_meeting_links.html",
        "--url",
        "https://www.gatewayatd.example/events/",
        "--tz",
        "America/Chicago",
        "--now",
        "2027-01-10T00:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    records = {r["title"].split(":")[0]: r for r in map(json.loads, result.stdout.splitlines())}
    group = records["Tuesday Job Search Accountability Group"]  # no place, the Zoom link only in an href
    assert group["attendance"] == "online"
    assert group["online_url"] == (
        "https://us02web.zoom.us/j/84123456789?pwd=UmZ2bE1kQ0xYcW5pT0hZd2FqR3V0Zz09&from=addon"
    )
    assert "zoom" not in group["description"]
    meeting = records["March Chapter Meeting"]  # a street address, and a Teams link in an href
    assert meeting["attendance"] == "hybrid"
    assert meeting["online_url"].startswith("https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzQ1")
    lab = records["LinkedIn Profile Lab"]  # links to a registration page and a parking page
    assert (lab["attendance"], lab["online_url"]) == ("in_person", None)


@pytest.mark.parametrize(
    "extra, expected",
    [
        ({"title": "Virtual Job Fair"}, "online"),
        ({"title": "Virtual Career Fair", **PLACE}, "online"),
        ({"title": "Resume Writing Webinar"}, "online"),
        ({"title": "Chapter Meeting (Online)"}, "online"),
        ({"title": "Chapter Meeting - Virtual"}, "online"),
        ({"title": "Coffee Chat via Zoom"}, "online"),
        ({"venue_name": "Online"}, "online"),
        ({"venue_name": "Zoom", "city": None}, "online"),
        ({"venue_name": "Microsoft Teams"}, "online"),
        ({"description": "This session will be held virtually. A link will be emailed."}, "online"),
        ({"description": "We meet monthly via Zoom."}, "online"),
        ({"description": "Zoom link will be sent to registrants."}, "online"),
        ({"description": "Attend in person or online.", **PLACE}, "hybrid"),
        ({"description": "This is a hybrid event: come to the hall or join via Zoom."}, "hybrid"),
        ({"title": "Annual Meeting (Hybrid)"}, "hybrid"),
        ({"description": "Join us in person at the hall, or via Zoom.", **PLACE}, "hybrid"),
        # words that are not about attending
        ({"title": "Virtual Reality in Manufacturing", **PLACE}, "in_person"),
        ({"title": "Online Marketing for Small Business", **PLACE}, "in_person"),
        ({"description": "Apply online before the fair. Registration is available online.", **PLACE}, "in_person"),
        ({"description": "Employers are hiring remote and hybrid roles.", **PLACE}, "in_person"),
        ({"description": "Apply online at our careers page."}, None),
        ({"description": "Please complete this online form before the fair.", **PLACE}, "in_person"),
        ({"description": "This is a virtual event. Details follow."}, "online"),
    ],
)
def test_words(extra, expected):
    assert attend(**extra)["attendance"] == expected


def test_moved_online_status_means_online_and_drops_the_venue_coordinates():
    item = attend(status="moved_online", **PLACE)
    assert item["attendance"] == "online"
    assert item["latitude"] is None and item["longitude"] is None
    item = attend(description="This event has been moved online.", **PLACE)
    assert item["attendance"] == "online" and item["latitude"] is None


def test_online_events_keep_no_coordinates_in_person_ones_do():
    item = attend(
        attendance_mode="OnlineEventAttendanceMode", venue_name="Chamber Office", latitude=41.5, longitude=-90.5
    )
    assert item["attendance"] == "online" and item["latitude"] is None and item["longitude"] is None
    assert item["venue_name"] == "Chamber Office"
    item = attend(**PLACE)
    assert (item["latitude"], item["longitude"]) == ("41.5", "-90.5")
