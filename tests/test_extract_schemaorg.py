import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventhound.extractors import schemaorg
from eventhound.extractors.schemaorg import Extraction, extract_schemaorg

FIXTURES = Path(__file__).parent / "fixtures" / "schemaorg"


def extract_fixture(name, url):
    return extract_schemaorg((FIXTURES / name).read_bytes(), url)


def page(*scripts, body=""):
    blocks = "".join(f'<script type="application/ld+json">{s}</script>\n' for s in scripts)
    return f"<!DOCTYPE html><html><head><title>t</title>{blocks}</head><body>{body}</body></html>"


def by_title(extraction):
    return {e["title"]: e for e in extraction.events}


# ---------------------------------------------------------------- listing, follow, next page


def test_listing_itemlist_urls_go_to_follow():
    x = extract_fixture("chamber_events_listing.html", "https://www.rivertonchamber.org/events/")
    assert x.events == []
    assert x.follow == [
        "https://www.rivertonchamber.org/events/young-professionals-networking-mixer/",
        "https://www.rivertonchamber.org/events/resume-linkedin-workshop/",
        "https://www.rivertonchamber.org/events/spring-job-fair-2024/",
    ]
    assert x.errors == []


def test_listing_breadcrumbs_and_own_page_not_followed():
    x = extract_fixture("chamber_events_listing.html", "https://www.rivertonchamber.org/events/")
    assert "https://www.rivertonchamber.org/" not in x.follow
    assert "https://www.rivertonchamber.org/events/" not in x.follow


def test_listing_next_page_from_link_rel_next():
    x = extract_fixture("chamber_events_listing.html", "https://www.rivertonchamber.org/events/")
    assert x.next_page == "https://www.rivertonchamber.org/events/page/2/"


def test_next_page_from_a_rel_next_relative():
    x = extract_fixture("microdata_events.html", "https://www.lakeshoremfg.org/events")
    assert x.next_page == "https://www.lakeshoremfg.org/events?page=1"


def test_next_page_respects_base_href():
    html = '<html><head><base href="https://cdn.example.org/cal/"></head><body><a rel="next nofollow" href="p2.html">Next</a></body></html>'
    assert extract_schemaorg(html, "https://example.org/events").next_page == "https://cdn.example.org/cal/p2.html"


def test_no_next_page():
    x = extract_fixture("job_fair.html", "https://www.rivertonchamber.org/events/spring-job-fair-2024/")
    assert x.next_page is None


# ---------------------------------------------------------------- detail pages


def test_detail_social_event_all_fields():
    x = extract_fixture(
        "chamber_event_networking.html",
        "https://www.rivertonchamber.org/events/young-professionals-networking-mixer/",
    )
    assert x.errors == [] and x.follow == []
    [e] = x.events
    assert e["title"] == "Young Professionals Networking Mixer"
    assert e["start_text"] == "2024-03-14T17:30:00-04:00"
    assert e["end_text"] == "2024-03-14T19:30:00-04:00"
    assert e["schema_type"] == "SocialEvent"
    assert e["own_id"] == "https://www.rivertonchamber.org/events/young-professionals-networking-mixer/#event"
    assert e["event_status"] == "https://schema.org/EventScheduled"
    assert e["attendance_mode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert (e["venue_name"], e["street"], e["city"], e["region"], e["postal_code"], e["country"]) == (
        "The Foundry Taproom",
        "41 Water Street",
        "Riverton",
        "OH",
        "45750",
        "US",
    )
    assert e["organizer"] == "Riverton Area Chamber of Commerce"
    assert e["organizer_url"] == "https://www.rivertonchamber.org/"
    # Two offers: member 0, guest 10.00 -> range; registration from the offer that has a url.
    assert (e["price_min"], e["price_max"], e["currency"]) == ("0", "10.00", "USD")
    assert (
        e["registration_url"] == "https://www.rivertonchamber.org/events/young-professionals-networking-mixer/register/"
    )
    # Entities stay as published.
    assert "Riverton&#8217;s" in e["description"]


def test_detail_online_workshop_relative_urls_and_full_type_url():
    x = extract_fixture(
        "chamber_event_workshop.html", "https://www.rivertonchamber.org/events/resume-linkedin-workshop/"
    )
    [e] = x.events
    assert e["schema_type"] == "EducationEvent"  # from "http://schema.org/EducationEvent"
    assert e["title"] == "Resume &amp; LinkedIn Workshop"
    assert e["start_text"] == "2024-03-20T12:00"
    assert e["url"] == "https://www.rivertonchamber.org/events/resume-linkedin-workshop/"
    assert e["own_id"] == "https://www.rivertonchamber.org/events/resume-linkedin-workshop/#event"
    assert e["online_url"] == "https://us02web.zoom.us/j/81234567890"
    assert "venue_name" not in e
    # organizer list: first one, relative url made absolute
    assert e["organizer"] == "Riverton Workforce Partners"
    assert e["organizer_url"] == "https://www.rivertonchamber.org/partners/workforce/"
    assert (e["price_min"], e["price_max"], e["currency"]) == ("25.00", "25.00", "USD")
    assert "registration_url" not in e


def test_job_fair_business_event_place_address_offers():
    x = extract_fixture("job_fair.html", "https://www.rivertonchamber.org/events/spring-job-fair-2024/")
    assert x.errors == []
    [e] = x.events
    assert e["schema_type"] == "BusinessEvent"
    assert e["title"] == "Spring Job Fair &amp; Hiring Expo 2024"
    assert e["start_text"] == "2024-04-04T10:00:00-04:00"
    assert e["end_text"] == "2024-04-04T14:00:00-04:00"
    assert e["url"] == "https://www.rivertonchamber.org/events/spring-job-fair-2024/"
    assert e["own_id"] == e["url"]
    assert e["venue_name"] == "Riverton Convention Center"
    assert e["street"] == "500 Riverside Drive"
    assert e["city"] == "Riverton"
    assert e["region"] == "OH"
    assert e["postal_code"] == "45750"
    assert e["country"] == "United States"  # addressCountry given as a Country object
    assert (e["latitude"], e["longitude"]) == ("39.4512", "-82.0891")
    assert (e["price_min"], e["price_max"], e["currency"]) == ("150", "350", "USD")
    assert e["is_free"] == "true"
    assert e["registration_url"] == "https://www.rivertonchamber.org/events/spring-job-fair-2024/#tribe-tickets"
    assert e["organizer"] == "Riverton Area Chamber of Commerce"


# ---------------------------------------------------------------- broken JSON-LD


def test_broken_jsonld_blocks_are_repaired():
    x = extract_fixture("broken_jsonld.html", "https://www.tricountyworkforce.org/calendar")
    events = by_title(x)
    assert set(events) == {
        "Healthcare Hiring Event",  # CDATA wrapper, trailing commas, raw tab/newline, ';'
        "Forklift Certification Info Session",  # whole block entity-escaped (&quot;)
        "Veterans Career Roundtable",  # HTML comment wrapper, two objects concatenated
        "Manufacturing Plant Tour",
    }
    hiring = events["Healthcare Hiring Event"]
    assert hiring["start_text"] == "2024-05-08T09:00:00-04:00"
    assert hiring["url"] == "https://www.tricountyworkforce.org/calendar/healthcare-hiring-event"
    assert (
        hiring["description"]
        == "Meet recruiters from Mercy Regional\tand Tri-County Home Care.\nWalk-in interviews all day."
    )
    assert hiring["venue_name"] == "Tri-County Career Center &amp; Annex"
    assert hiring["postal_code"] == "43302"
    forklift = events["Forklift Certification Info Session"]
    assert forklift["start_text"] == "2024-05-15T18:00"
    assert forklift["url"] == "https://www.tricountyworkforce.org/calendar/forklift-certification-info-session"
    assert forklift["venue_name"] == "Marion Public Library, Community Room"
    assert events["Manufacturing Plant Tour"]["url"] == "https://www.tricountyworkforce.org/calendar/plant-tour"


def test_broken_jsonld_hopeless_block_is_an_error_not_a_stop():
    x = extract_fixture("broken_jsonld.html", "https://www.tricountyworkforce.org/calendar")
    assert x.errors == ["jsonld_unparseable"]
    assert x.next_page == "https://www.tricountyworkforce.org/calendar?page=1"


@pytest.mark.parametrize(
    "block",
    [
        '{"@type": "Event", "name": "Trailing", "startDate": "2024-01-02",}',
        '{"@type": "Event", "name": "Trailing", "startDate": "2024-01-02", "a": [1, 2,],}',
        '<!-- {"@type": "Event", "name": "Trailing", "startDate": "2024-01-02"} -->',
        '<![CDATA[ {"@type": "Event", "name": "Trailing", "startDate": "2024-01-02"} ]]>',
        '/*<![CDATA[*/ {"@type": "Event", "name": "Trailing", "startDate": "2024-01-02"} /*]]>*/',
        '{"@type": "Event", "name": "Trailing", "startDate": "2024-01-02"};',
        '{"@type": "Event", "name": "Trailing", "startDate": "2024-01-02", "description": "it\\\'s"}',
        '{"@type": "Event", // the event\n "name": "Trailing", "startDate": "2024-01-02"}',
        '[{"@type": "Event", "name": "Trailing", "startDate": "2024-01-02"} {"@type": "Thing"}]',
    ],
)
def test_jsonld_repairs(block):
    x = extract_schemaorg(page(block), "https://example.org/")
    assert [(e["title"], e["start_text"]) for e in x.events] == [("Trailing", "2024-01-02")]
    assert x.errors == []


def test_jsonld_escaped_slashes_decoded():
    x = extract_schemaorg(
        page(r'{"@type":"Event","name":"A","startDate":"2024-01-02","url":"https:\/\/example.org\/e\/1"}'),
        "https://example.org/",
    )
    assert x.events[0]["url"] == "https://example.org/e/1"


def test_jsonld_partial_block_keeps_what_was_read():
    x = extract_schemaorg(
        page('{"@type":"Event","name":"First","startDate":"2024-01-02"} {"@type":"Event","name":'),
        "https://example.org/",
    )
    assert [e["title"] for e in x.events] == ["First"]
    assert x.errors == ["jsonld_partial"]


# ---------------------------------------------------------------- @graph, subEvent, nesting


def test_graph_resolves_id_references():
    x = extract_fixture("graph_page.html", "https://metrotechcouncil.org/events/women-in-tech-leadership-breakfast/")
    assert x.errors == [] and x.follow == []
    [e] = x.events
    assert e["title"] == "Women in Tech Leadership Breakfast"
    assert e["start_text"] == "2024-06-12T07:30:00-04:00"
    assert e["event_status"] == "https://schema.org/EventRescheduled"
    assert e["own_id"] == "https://metrotechcouncil.org/events/women-in-tech-leadership-breakfast/#event"
    # location and organizer are {"@id": ...} references to other @graph nodes
    assert e["venue_name"] == "Innovation Hub, 3rd Floor"
    assert e["city"] == "Columbus"
    assert (e["latitude"], e["longitude"]) == ("39.9691", "-83.0061")
    assert e["organizer"] == "Metro Tech Council"
    assert e["organizer_url"] == "https://metrotechcouncil.org/"


def test_subevents_inherit_location_and_organizer():
    x = extract_fixture("conference_subevents.html", "https://ovhrsummit.org/2024/program/")
    events = by_title(x)
    assert list(events) == [
        "Keynote: Hiring in a Tight Labor Market",
        "Workshop: Structured Interviews That Work",
        "Evening Reception &amp; Career Networking",
    ]
    keynote = events["Keynote: Hiring in a Tight Labor Market"]
    assert keynote["start_text"] == "2024-09-18T09:00:00-04:00"
    assert keynote["venue_name"] == "Marietta Conference Center"
    assert keynote["street"] == "101 Front Street"
    assert keynote["organizer"] == "Ohio Valley SHRM Chapter"
    workshop = events["Workshop: Structured Interviews That Work"]
    assert workshop["venue_name"] == "Room 204"  # its own location wins
    assert workshop["street"] == "101 Front Street, Marietta, OH 45750"
    assert "city" not in workshop
    reception = events["Evening Reception &amp; Career Networking"]
    assert reception["organizer"] == "Marietta Young Professionals"
    assert "organizer_url" not in reception
    assert reception["city"] == "Marietta"


def test_subevent_without_date_is_followed_but_dateless_series_is_not():
    x = extract_fixture("conference_subevents.html", "https://ovhrsummit.org/2024/program/")
    assert x.follow == ["https://ovhrsummit.org/2024/program/day-2/"]
    assert x.errors == []


def test_events_nested_in_organization_and_itemlist():
    org = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": "Guild",
        "event": [
            {"@type": "Hackathon", "name": "Civic Hack", "startDate": "2024-02-03"},
            {"@type": "Event", "name": "Dateless", "url": "/e/dateless"},
        ],
    }
    item_list = {
        "@type": "ItemList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": 1,
                "item": {"@type": "CourseInstance", "name": "Welding I", "startDate": "2024-03-01"},
            },
            {"@type": "ListItem", "position": 2, "item": {"@id": "https://example.org/e/2"}},
            "https://example.org/e/3",
        ],
    }
    x = extract_schemaorg(page(json.dumps(org), json.dumps(item_list)), "https://example.org/guild")
    assert [(e["title"], e["schema_type"]) for e in x.events] == [
        ("Civic Hack", "Hackathon"),
        ("Welding I", "CourseInstance"),
    ]
    assert x.follow == ["https://example.org/e/dateless", "https://example.org/e/2", "https://example.org/e/3"]


def test_type_list_and_full_url_types():
    block = {"@type": ["Thing", "https://schema.org/ExhibitionEvent"], "name": "Expo", "startDate": "2024-05-05"}
    [e] = extract_schemaorg(page(json.dumps(block)), "https://example.org/").events
    assert e["schema_type"] == "ExhibitionEvent"


def test_value_shapes_lists_and_objects():
    block = {
        "@type": "Event",
        "name": ["  Career Fair  ", "Feria de empleo"],
        "startDate": {"@value": "2024-05-05T10:00", "@type": "DateTime"},
        "endDate": ["2024-05-05T14:00"],
        "location": [{"@type": "VirtualLocation", "url": "https://meet.example.org/x"}, "Town Hall"],
        "organizer": "City Workforce Office",
        "isAccessibleForFree": False,
    }
    [e] = extract_schemaorg(page(json.dumps(block)), "https://example.org/").events
    assert e["title"] == "Career Fair"
    assert e["start_text"] == "2024-05-05T10:00"
    assert e["end_text"] == "2024-05-05T14:00"
    assert e["online_url"] == "https://meet.example.org/x"
    assert e["venue_name"] == "Town Hall"
    assert e["organizer"] == "City Workforce Office"
    assert e["is_free"] == "false"


def test_postal_address_as_location():
    block = {
        "@type": "Event",
        "name": "EP",
        "startDate": "2025-07-14",
        "location": {"@type": "PostalAddress", "name": "Congress Centre", "addressCountry": "CZ"},
    }
    [e] = extract_schemaorg(page(json.dumps(block)), "https://example.org/").events
    assert (e["venue_name"], e["country"]) == ("Congress Centre", "CZ")


def test_event_without_name_and_without_start():
    blocks = [
        {"@type": "Event", "startDate": "2024-01-01"},
        {"@type": "Event", "name": "Same page, no date", "url": "https://example.org/page#top"},
    ]
    x = extract_schemaorg(page(json.dumps(blocks)), "https://example.org/page")
    assert x.events == [] and x.follow == []
    assert x.errors == ["event_without_name", "event_without_start"]


def test_duplicate_events_reported_once():
    block = {"@type": "Event", "name": "Fair", "startDate": "2024-01-01", "url": "/fair"}
    x = extract_schemaorg(page(json.dumps(block), json.dumps(block)), "https://example.org/")
    assert len(x.events) == 1


# ---------------------------------------------------------------- microdata and RDFa


def test_microdata_nested_events():
    x = extract_fixture("microdata_events.html", "https://www.lakeshoremfg.org/events")
    assert x.errors == []
    events = by_title(x)
    assert list(events) == ["Skilled Trades Career Expo", "CNC Apprenticeship Open House"]
    expo = events["Skilled Trades Career Expo"]  # whitespace inside the <span> collapsed
    assert expo["schema_type"] == "BusinessEvent"
    assert expo["start_text"] == "2024-10-03T15:00:00-05:00"  # <time datetime>
    assert expo["end_text"] == "2024-10-03T19:00:00-05:00"
    assert expo["url"] == "https://www.lakeshoremfg.org/events/skilled-trades-career-expo"
    assert expo["venue_name"] == "Lakeshore Tech College, Building C"
    assert (expo["street"], expo["city"], expo["region"], expo["postal_code"]) == (
        "1290 North Ave",
        "Cleveland",
        "WI",
        "53015",
    )
    assert (expo["latitude"], expo["longitude"]) == ("43.9261", "-87.7454")  # <meta content>
    assert expo["registration_url"] == "https://www.lakeshoremfg.org/events/skilled-trades-career-expo/register"
    assert (expo["price_min"], expo["currency"]) == ("0", "USD")
    assert expo["event_status"] == "https://schema.org/EventScheduled"
    cnc = events["CNC Apprenticeship Open House"]
    assert cnc["start_text"] == "2024-10-17"  # content= on a <span>
    assert cnc["venue_name"] == "Manitowoc Training Center"
    assert cnc["organizer"] == "Lakeshore Apprenticeship Partners"
    assert cnc["organizer_url"] == "https://apprentice.lakeshoremfg.org/"
    # the dateless event is a link to follow
    assert x.follow == ["https://www.lakeshoremfg.org/events/employer-roundtable-november"]


def test_rdfa_event():
    x = extract_fixture("rdfa_event.html", "https://events.harborcountylibrary.org/event/public-sector-career-night")
    assert x.errors == []
    [e] = x.events
    assert e["title"] == "Public Sector Career Night"
    assert e["schema_type"] == "EducationEvent"
    assert e["start_text"] == "2024-11-07T18:00:00-08:00"
    assert e["end_text"] == "2024-11-07T20:00:00-08:00"
    assert e["own_id"] == "https://events.harborcountylibrary.org/event/public-sector-career-night#career-night"
    assert e["venue_name"] == "Harbor County Main Library"
    assert (e["street"], e["city"], e["region"], e["postal_code"], e["country"]) == (
        "800 Harbor Way",
        "Bayview",
        "CA",
        "94501",
        "US",
    )
    assert e["organizer"] == "Harbor County Library"
    assert e["organizer_url"] == "https://www.harborcountylibrary.org/"
    assert e["registration_url"] == "https://events.harborcountylibrary.org/event/public-sector-career-night/register"
    assert e["attendance_mode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert e["description"].startswith("Meet hiring managers")


def test_microdata_duplicate_of_jsonld_is_dropped():
    block = {"@type": "Event", "name": "Career Expo", "startDate": "2024-10-03T15:00:00-05:00", "url": "/expo"}
    body = (
        '<div itemscope itemtype="https://schema.org/Event"><h1 itemprop="name">Career  Expo</h1>'
        '<meta itemprop="startDate" content="2024-10-03T15:00"></div>'
    )
    x = extract_schemaorg(page(json.dumps(block), body=body), "https://example.org/")
    assert [(e["title"], e["start_text"]) for e in x.events] == [("Career Expo", "2024-10-03T15:00:00-05:00")]


def test_dom_is_not_parsed_without_event_microdata_or_rdfa(monkeypatch):
    def boom(text):
        raise AssertionError("parsed the DOM")

    monkeypatch.setattr(schemaorg, "_parse_tree", boom)
    # graph_page carries microdata, but only WebPage / WPHeader / CreativeWork items.
    x = extract_fixture("graph_page.html", "https://metrotechcouncil.org/events/women-in-tech-leadership-breakfast/")
    assert len(x.events) == 1 and x.errors == []
    extract_fixture("job_fair.html", "https://www.rivertonchamber.org/events/spring-job-fair-2024/")


def test_no_markup_page():
    x = extract_fixture("no_markup.html", "https://www.valleybuilders.org/events")
    assert x == Extraction(events=[], follow=[], next_page=None, errors=[])


# ---------------------------------------------------------------- never raises


@pytest.mark.parametrize(
    "junk",
    [
        "",
        b"",
        b"\x00\xff\xfe\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20,
        "<script type='application/ld+json'>" + "[" * 100000 + "</script>",
        "<script type='application/ld+json'>" + '{"a":' * 50000 + "1" + "}" * 50000 + "</script>",
        "<div itemscope itemtype='http://schema.org/Event'>" + "<div>" * 20000 + "</div>",
        "<script type='application/ld+json'>\ud800</script><div itemscope itemtype='http://schema.org/Event'>\ud800</div>",
        "<script type='application/ld+json'>null</script><script type='application/ld+json'>42</script>",
    ],
)
def test_never_raises(junk):
    x = extract_schemaorg(junk, "https://example.org/")
    assert isinstance(x, Extraction)
    assert x.events == [] and x.follow == []


def test_deep_jsonld_is_an_error():
    x = extract_schemaorg("<script type='application/ld+json'>" + "[" * 100000 + "</script>", "https://example.org/")
    assert x.errors == ["jsonld_unparseable"]


def test_non_utf8_bytes_use_meta_charset():
    html = (
        '<html><head><meta charset="iso-8859-1">'
        '<script type="application/ld+json">{"@type":"Event","name":"Foire de l\'emploi \xe0 Qu\xe9bec","startDate":"2024-06-01"}</script>'
        "</head></html>"
    ).encode("latin-1")
    [e] = extract_schemaorg(html, "https://example.org/").events
    assert e["title"] == "Foire de l'emploi à Québec"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('{}[]",:;\n\t &<>!-/\\abcnulte@Ty0123') + ["\u00e9"]), max_size=300))
def test_fuzzed_jsonld_never_raises(body):
    x = extract_schemaorg(page(body), "https://example.org/")
    assert isinstance(x, Extraction)


def test_the_only_event_of_a_page_without_its_own_url_gets_the_page_url():
    page = (
        '<script type="application/ld+json">{"@type": "Event", "name": "Nursing Hiring Event",'
        ' "startDate": "2027-02-23T08:00"}</script>'
    )
    [event] = extract_schemaorg(page, "https://health.example/events/nursing/#top").events
    assert event["url"] == "https://health.example/events/nursing/"
    two = page + page.replace("Nursing", "Pharmacy")
    assert [e.get("url") for e in extract_schemaorg(two, "https://health.example/events/").events] == [None, None]
