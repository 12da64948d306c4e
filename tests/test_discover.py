"""eventhound discover: what a publisher's page offers, best first, and a ready sources.toml entry."""

import tomllib
from pathlib import Path

from eventhound.discover import Offer, default_key, discover, guess_timezone, page_title, sources_entry
from eventhound.sources import parse_source
from tests.kit import cli

FIXTURES = Path(__file__).parent / "fixtures" / "discover"


def offers_of(name, url):
    return discover((FIXTURES / name).read_text(encoding="utf-8"), url)


def test_the_events_calendar_page_offers_rest_ical_markup_and_feeds_in_that_order():
    offers = offers_of("tec_events_list.html", "https://www.harborchamber.org/events/list/")
    assert [(o.kind, o.spider, o.url) for o in offers] == [
        ("tribe-rest", "tribe", "https://www.harborchamber.org/wp-json/tribe/events/v1/events"),
        ("ical", "ical", "https://www.harborchamber.org/?post_type=tribe_events&ical=1&eventDisplay=list"),
        ("ical", "ical", "https://www.harborchamber.org/events/list/?ical=1"),
        ("schemaorg", "schemaorg", "https://www.harborchamber.org/events/list/"),
        ("rss", "rss", "https://www.harborchamber.org/events/feed/"),
        ("site-feed", "rss", "https://www.harborchamber.org/feed/"),  # the comments feed is left out
    ]
    assert 'class "tribe-events"' in offers[0].evidence
    assert offers[0].options == {"ical_url": "https://www.harborchamber.org/events/list/?ical=1"}
    assert offers[3].evidence.startswith("2 events") and "Spring Job Fair" in offers[3].evidence


def test_tec_markup_without_an_export_link_offers_the_guessed_ical_export():
    page = (
        '<html><head><link rel="https://api.w.org/" href="https://jobs.example.org/site/wp-json/"></head>'
        '<body class="post-type-archive-tribe_events"><div class="tribe-events-loop"></div></body></html>'
    )
    offers = discover(page, "https://jobs.example.org/site/events/")
    assert [(o.kind, o.url) for o in offers] == [
        ("tribe-rest", "https://jobs.example.org/site/wp-json/tribe/events/v1/events"),  # from the API link
        ("tec-ical", "https://jobs.example.org/site/events/?ical=1"),
    ]


def test_a_calendar_link_and_subscription_links():
    offers = offers_of("library_calendar_link.html", "https://www.maplevalleylibrary.org/career-help/")
    assert [(o.kind, o.spider, o.url) for o in offers] == [
        # the LibCal calendar it links, read by the libcal adapter (its list JSON carries more than its .ics)
        ("platform", "libcal", "https://mvpl.libcal.com/ical_subscribe.php?src=p&cid=4410"),
        (
            "ical",
            "ical",
            "https://www.maplevalleylibrary.org/calendar/career-programs.ics",
        ),  # rel=alternate; webcal is the same
    ]
    assert '"Career programs (iCalendar)"' in offers[1].evidence


def test_schema_org_events_rank_above_a_blog_feed():
    offers = offers_of("association_jsonld.html", "https://www.greatlakesshrm.org/meetings/")
    assert [(o.kind, o.spider, o.url) for o in offers] == [
        ("schemaorg", "schemaorg", "https://www.greatlakesshrm.org/meetings/"),
        ("site-feed", "rss", "https://www.greatlakesshrm.org/feed/"),
    ]


def test_an_events_feed_ranks_above_a_news_feed():
    offers = offers_of("workforce_rss.html", "https://tricountyworkforce.org/events")
    assert [(o.kind, o.url) for o in offers] == [
        ("platform", "https://tricountyworkforce.org/"),  # a Wild Apricot site, read by the wildapricot adapter
        ("rss", "https://tricountyworkforce.org/page-1861660/EventModule/RSS"),
        ("rss", "https://tricountyworkforce.org/events/RSS"),
        ("site-feed", "https://tricountyworkforce.org/news/atom.xml"),
    ]


def test_google_calendar_embed_gives_its_public_ics_and_the_zone():
    html = (FIXTURES / "gcal_embed.html").read_text()
    offers = discover(html, "https://harborjobseekers.org/calendar/")
    assert [(o.kind, o.spider) for o in offers] == [("gcal", "ical")]  # Google's holiday calendar is not offered
    assert offers[0].url in (
        "https://calendar.google.com/calendar/ical/harborjobseekers%40gmail.com/public/basic.ics",
        "https://calendar.google.com/calendar/ical/harborjobseekers@gmail.com/public/basic.ics",
    )
    assert "embed of harborjobseekers@gmail.com" in offers[0].evidence
    assert guess_timezone(html) == "America/Detroit"  # the embed's ctz


def test_many_add_to_calendar_links_are_one_low_ranked_per_event_offer():
    offers = offers_of("chambermaster_listing.html", "https://business.portclarechamber.com/events/calendar")
    # a ChamberMaster listing: its adapter first (every event in /api/events), then the per-event exports
    assert [(o.kind, o.spider, o.url) for o in offers][0] == (
        "platform",
        "growthzone",
        "https://business.portclarechamber.com/",
    )
    assert len(offers) == 2
    assert offers[1].kind == "ical-per-event" and offers[1].evidence.startswith("4 per-event")
    assert offers[1].rank > Offer("gcal", "ical", "x", "").rank


def test_a_page_without_offers_and_bad_input():
    assert offers_of("plain_homepage.html", "https://www.harborcountyedb.org/") == []
    assert discover("", "https://x.example/") == [] and discover("<<<", "") == []


def test_sources_entry_is_valid_toml_and_a_valid_source():
    offers = offers_of("tec_events_list.html", "https://www.harborchamber.org/events/list/")
    text = sources_entry(offers[0], "harbor-chamber", "America/Detroit", name="Harbor County Chamber of Commerce")
    entry = tomllib.loads(text)["sources"]["harbor-chamber"]
    assert entry == {
        "name": "Harbor County Chamber of Commerce",
        "spider": "tribe",
        "urls": ["https://www.harborchamber.org/wp-json/tribe/events/v1/events"],
        "timezone": "America/Detroit",
        "tribe": {"ical_url": "https://www.harborchamber.org/events/list/?ical=1"},
    }
    source = parse_source("harbor-chamber", entry)
    assert source.options == {"ical_url": "https://www.harborchamber.org/events/list/?ical=1"}
    unknown_zone = tomllib.loads(
        sources_entry(Offer("ical", "ical", "https://x.example/a.ics", 'say "hi"'), "odd key", None)
    )
    assert unknown_zone["sources"]["odd key"]["timezone"] == "UTC"


def test_key_and_name_defaults():
    assert default_key("https://www.example-chamber.org/events/") == "example-chamber"
    assert default_key("https://business.portclarechamber.com/events/") == "business-portclarechamber"
    assert page_title((FIXTURES / "tec_events_list.html").read_text()) == "Harbor County Chamber of Commerce"


def test_the_command_on_a_saved_page_and_on_a_page_without_offers(tmp_path):
    result = cli(
        "discover",
        FIXTURES / "tec_events_list.html",
        "--url",
        "https://www.harborchamber.org/events/list/",
        "--tz",
        "America/New_York",
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "6 offer(s) at https://www.harborchamber.org/events/list/, best first:"
    assert lines[1].startswith("1. tribe     https://www.harborchamber.org/wp-json/tribe/events/v1/events")
    entry = tomllib.loads(result.stdout.split("sources.toml entry for the best one:", 1)[1])
    assert entry["sources"]["harborchamber"]["spider"] == "tribe"
    assert entry["sources"]["harborchamber"]["timezone"] == "America/New_York"  # --tz wins over the page's zone
    nothing = cli("discover", FIXTURES / "plain_homepage.html", "--url", "https://www.harborcountyedb.org/")
    assert nothing.exit_code == 1
    assert "no calendar, feed" in nothing.stderr and "css source" in nothing.stderr
    blog = tmp_path / "blog.html"
    blog.write_text(
        '<html><head><link rel="alternate" type="application/rss+xml" title="News" href="/feed/">'
        "</head><body><p>Welcome</p></body></html>"
    )
    only_blog = cli("discover", blog, "--url", "https://www.harborcountyedb.org/")
    assert only_blog.exit_code == 1 and "https://www.harborcountyedb.org/feed/" in only_blog.stdout
    assert "only site feeds" in only_blog.stderr and "[sources." not in only_blog.stdout
    help_text = cli("discover", "--help").stdout
    assert "Example: eventhound discover" in help_text


def test_google_calendar_conversion_without_the_gcal_format(monkeypatch):
    import importlib
    import sys

    import eventhound.discover as module

    monkeypatch.setitem(sys.modules, "eventhound.extractors.gcal", None)  # import fails
    try:
        fallback = importlib.reload(module)
        offers = fallback.discover((FIXTURES / "gcal_embed.html").read_text(), "https://harborjobseekers.org/calendar/")
        assert [o.url for o in offers] == [
            "https://calendar.google.com/calendar/ical/harborjobseekers%40gmail.com/public/basic.ics"
        ]
    finally:
        monkeypatch.undo()
        importlib.reload(module)
