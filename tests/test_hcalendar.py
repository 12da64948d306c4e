"""hCalendar and microformats2 h-event, read by the schemaorg extractor alongside schema.org markup."""

from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

from eventhound.extract import Tally, extract_events
from eventhound.extractors import schemaorg
from eventhound.extractors.schemaorg import extract_schemaorg
from eventhound.sources import Source

FIXTURES = Path(__file__).parent / "fixtures" / "hcalendar"
LIBRARY = "https://www.maplevalleylibrary.org/events/jobs/"


def read(name, url):
    return extract_schemaorg((FIXTURES / name).read_bytes(), url)


def by_title(extraction):
    return {e["title"]: e for e in extraction.events}


def test_classic_hcalendar_abbr_titles_card_and_description():
    events = by_title(read("library_workshops.html", LIBRARY))
    resume = events["Résumé Writing Basics"]
    assert resume["start_text"] == "2027-03-04T18:30:00-06:00"
    assert resume["end_text"] == "2027-03-04T20:00:00-06:00"
    assert resume["url"] == "https://www.maplevalleylibrary.org/events/1182/resume-writing-basics"
    assert resume["venue_name"] == "Central Library, Room B"
    assert (resume["street"], resume["city"], resume["region"], resume["postal_code"]) == (
        "200 W. Maple Ave.",
        "Maple Valley",
        "IL",
        "60123",
    )
    assert resume["description"] == "Bring a printed copy of your résumé. Laptops provided."


def test_value_class_parts_time_element_and_uid():
    events = by_title(read("library_workshops.html", LIBRARY))
    linkedin = events["LinkedIn for Job Seekers"]
    assert linkedin["start_text"] == "2027-03-11 10:00"  # <span class=value> date + time, not " at "
    assert linkedin["own_id"] == "mvpl-event-1190@maplevalleylibrary.org"
    assert linkedin["venue_name"] == "Central Library, Computer Lab"
    assert events["Tuesday Job Club"]["start_text"] == "2027-03-16T09:30"  # <time datetime>


def test_hidden_value_title_block_is_read_and_dateless_event_is_counted():
    x = read("library_workshops.html", LIBRARY)
    fair = by_title(x)["Spring Hiring Fair: Healthcare & Manufacturing"]
    assert fair["start_text"] == "2027-03-25T13:00:00-0500"
    assert fair["end_text"] == "2027-03-25T16:00:00-0500"
    assert fair["venue_name"].startswith("Central Library Auditorium")
    assert len(x.events) == 4
    assert x.errors == ["event_without_start"]  # "Interview Skills (date to be announced)"


def test_microformats2_h_event_and_its_nested_event():
    x = read("chamber_h_event.html", "https://www.rivertonchamber.org/events/yp-breakfast-april/")
    events = by_title(x)
    breakfast = events["Young Professionals Breakfast: Negotiating Your First Raise"]
    assert breakfast["start_text"] == "2027-04-07T07:30:00-04:00"
    assert breakfast["end_text"] == "2027-04-07T09:00:00-04:00"
    assert breakfast["venue_name"] == "Riverton Chamber Conference Center"
    assert breakfast["street"] == "14 Harbor Street" and breakfast["city"] == "Riverton"
    assert breakfast["url"] == "https://www.rivertonchamber.org/events/yp-breakfast-april/"
    assert breakfast["description"].startswith("Coffee, breakfast")
    # The nested h-event keeps its own name and start; the outer one does not take them.
    assert events["YP Happy Hour (follow-up)"]["start_text"] == "2027-04-21T17:30:00-04:00"
    assert len(x.events) == 2


def test_hcalendar_does_not_repeat_an_event_read_from_json_ld():
    x = read("jsonld_and_hcalendar.html", "https://www.lakeshoreworkforce.org/events/logistics-expo/")
    titles = [e["title"] for e in x.events]
    assert titles == ["Careers in Logistics Expo", "Forklift Certification Info Session"]
    expo = x.events[0]
    assert expo["schema_type"] == "BusinessEvent"  # the JSON-LD one was kept
    assert expo["street"] == "1 Convention Way"


def test_a_page_without_microformat_classes_is_not_parsed_as_a_tree():
    page = (
        '<html><head><script>var css = "vevent h-event";</script></head>'
        '<body><div class="events"><h2 class="summary">Job Club</h2></div></body></html>'
    )
    with mock.patch.object(schemaorg, "_parse_tree", side_effect=AssertionError("parsed")):
        x = extract_schemaorg(page, "https://example.org/")
    assert x.events == [] and x.errors == []


def test_through_the_pipelines_the_hidden_start_is_an_instant():
    source = Source(key="mvpl", spider="schemaorg", urls=(LIBRARY,), timezone="America/Chicago")
    text = (FIXTURES / "library_workshops.html").read_text(encoding="utf-8")
    stats = Tally()
    records = {
        r["title"]: r for r in extract_events(text, LIBRARY, source, datetime(2027, 1, 1, tzinfo=UTC), stats=stats)
    }
    fair = records["Spring Hiring Fair: Healthcare & Manufacturing"]
    assert fair["start"] == "2027-03-25T13:00:00-05:00"
    assert fair["end_utc"].startswith("2027-03-25T21:00:00")
    assert records["LinkedIn for Job Seekers"]["start"] == "2027-03-11T10:00:00-06:00"
    assert stats["eventhound/extract_errors/event_without_start"] == 1
