"""`eventhound discover` names each calendar platform with an adapter from its markers on a page."""

from pathlib import Path

import pytest

from eventhound.discover import discover, platform_offers

PAGES = Path(__file__).parent / "fixtures" / "discover" / "platforms"


@pytest.mark.parametrize(
    "page, url, spider, source_url",
    [
        (
            "libcal.html",
            "https://www.marlowlibrary.org/events",
            "libcal",
            "https://marlowlibrary.libcal.com/calendar?cid=4471&t=d&d=0000-00-00&cal=4471",
        ),
        ("communico.html", "https://www.mvpl.org/programs", "communico", "https://mvpl.libnet.info/"),
        ("engage.html", "https://www.riverton.edu/get-involved", "engage", "https://riverton.campuslabs.com/engage/"),
        ("wildapricot.html", "https://ispe-chicago.org/events", "wildapricot", "https://ispe-chicago.org/"),
        ("growthzone.html", "https://www.rivertonchamber.org/", "growthzone", "https://business.rivertonchamber.org/"),
        (
            "eventbrite.html",
            "https://www.lakeshorechamber.example/events",
            "eventbrite",
            "https://www.eventbrite.com/o/lakeshore-chamber-of-commerce-30118850321",
        ),
        (
            "meetup.html",
            "https://triangle-pm.example/",
            "meetup",
            "https://www.meetup.com/triangle-product-managers/events/",
        ),
        (
            "trumba.html",
            "https://careers.westlake.edu/events",
            "trumba",
            "https://www.trumba.com/calendars/westlake-career-center",
        ),
    ],
)
def test_the_platform_and_its_source_url_are_named(page, url, spider, source_url):
    offers = discover((PAGES / page).read_text(encoding="utf-8"), url)
    best = offers[0]
    assert (best.kind, best.spider, best.url) == ("platform", spider, source_url)
    assert [o.spider for o in offers if o.kind == "platform"] == [spider]  # no other platform claims it


def test_a_page_of_no_platform_offers_none():
    assert (
        platform_offers((PAGES / "plain.html").read_text(encoding="utf-8"), "https://springfieldchamber.example/") == []
    )
