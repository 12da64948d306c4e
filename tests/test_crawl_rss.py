"""End to end: the rss spider over HTTP on 127.0.0.1 — feeds, pubdate_is_start, follow_links, a page that is no feed."""

import shutil
from pathlib import Path

import pytest

from eventhound.localsite import serve_directory
from tests.conftest import crawl, query, summary

FIXTURES = Path(__file__).parent / "fixtures" / "rss"
NOW = "2027-02-01T12:00:00+00:00"

FOLLOW_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Riverton Area Chamber of Commerce Events Newswire</title>
    <link>{base}events/</link>
    <item>
      <title>Spring Job Fair 5/6/2027 10:00 AM - 5/6/2027 2:00 PM</title>
      <link>{base}events/spring-job-fair/</link>
      <guid isPermaLink="false">rivertonchamber-event-8820</guid>
      <pubDate>Fri, 15 Jan 2027 14:00:00 GMT</pubDate>
    </item>
    <item>
      <title>Veterans Hiring Event 3/11/2027 10:00 AM</title>
      <link>{base}events/veterans-hiring-event/</link>
      <guid isPermaLink="false">rivertonchamber-event-8822</guid>
    </item>
    <item>
      <title>Ribbon Cutting: Hometown Staffing 3/12/2027 9:00 AM</title>
      <link>{base}events/removed-page/</link>
      <guid isPermaLink="false">rivertonchamber-event-8823</guid>
    </item>
    <item>
      <title>Member Spotlight: Acme Tool &amp; Die</title>
      <link>{base}news/acme-tool-die/</link>
      <guid isPermaLink="false">rivertonchamber-news-311</guid>
    </item>
  </channel>
</rss>
"""
JOB_FAIR_PAGE = """<!DOCTYPE html><html><head><title>Spring Job Fair</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Event", "name": "Spring Job Fair",
 "startDate": "2027-05-06T10:00:00-04:00", "endDate": "2027-05-06T14:00:00-04:00",
 "url": "{base}events/spring-job-fair/",
 "location": {"@type": "Place", "name": "Riverton Community Center",
   "address": {"@type": "PostalAddress", "streetAddress": "300 Broad St", "addressLocality": "Riverton",
               "addressRegion": "NJ", "postalCode": "08077"}}}</script>
</head><body><h1>Spring Job Fair</h1></body></html>"""
PLAIN_PAGE = (
    "<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1><p>Details soon.</p></body></html>"
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("rss")
    site = work / "site"
    site.mkdir()
    for name in ("wildapricot_events.xml", "career_center_xcal.xml"):
        shutil.copy(FIXTURES / name, site / name)
    with serve_directory(site) as base:
        (site / "follow.xml").write_text(FOLLOW_FEED.format(base=base))
        for path, html in (
            ("events/spring-job-fair", JOB_FAIR_PAGE.replace("{base}", base)),
            ("events/veterans-hiring-event", PLAIN_PAGE.format(title="Veterans Hiring Event")),
            ("news/acme-tool-die", PLAIN_PAGE.format(title="Member Spotlight")),
        ):
            (site / path).mkdir(parents=True)
            (site / path / "index.html").write_text(html)
        (site / "index.html").write_text(PLAIN_PAGE.format(title="Riverton Chamber"))
        result, db = crawl(
            work,
            f"""
[sources.chamber-follow]
spider = "rss"
urls = ["{base}follow.xml"]
timezone = "America/New_York"
[sources.chamber-follow.rss]
follow_links = true

[sources.shrm-wildapricot]
spider = "rss"
urls = ["{base}wildapricot_events.xml"]
timezone = "America/New_York"
[sources.shrm-wildapricot.rss]
pubdate_is_start = true

[sources.shrm-pubdate-unsaid]
spider = "rss"
urls = ["{base}wildapricot_events.xml"]
timezone = "America/New_York"

[sources.rsu-careers]
spider = "rss"
urls = ["{base}career_center_xcal.xml"]
timezone = "America/New_York"

[sources.not-a-feed]
spider = "rss"
urls = ["{base}"]
timezone = "America/New_York"
""",
            now=NOW,
        )
    return db, result


def events(db, source):
    return {r["title"]: r for r in query(db, "select * from events where source = ?", source)}


def test_follow_links_reads_the_linked_pages(crawled):
    db, result = crawled
    assert " ok " in summary(result, "chamber-follow"), result.stdout + result.stderr[-3000:]
    found = events(db, "chamber-follow")
    fair = found["Spring Job Fair"]  # from the page's JSON-LD: its venue, its end
    assert fair["start"] == "2027-05-06T10:00:00-04:00" and fair["end"] == "2027-05-06T14:00:00-04:00"
    assert fair["venue_name"] == "Riverton Community Center" and fair["city"] == "Riverton"
    # a page without markup, and a page that is gone: the item's own event, its date from the title
    assert found["Veterans Hiring Event"]["start"] == "2027-03-11T10:00:00-05:00"
    assert found["Ribbon Cutting: Hometown Staffing"]["start"] == "2027-03-12T09:00:00-05:00"
    assert set(found) == {"Spring Job Fair", "Veterans Hiring Event", "Ribbon Cutting: Hometown Staffing"}
    run = query(db, "select * from runs where source = 'chamber-follow'")[0]
    assert run["items"] == 3 and run["errors"] == 2  # the gone page, the spotlight without a date
    assert run["pages"] == 6  # robots.txt, the feed and the four linked pages


def test_pubdate_is_start_only_when_the_source_says_so(crawled):
    db, result = crawled
    meeting = events(db, "shrm-wildapricot")["March Chapter Meeting: Pay Transparency Laws"]
    assert meeting["start"] == "2027-03-10T07:30:00-05:00" and meeting["start_utc"].startswith("2027-03-10T12:30:00")
    assert "FAILED" in summary(result, "shrm-pubdate-unsaid")
    run = query(db, "select * from runs where source = 'shrm-pubdate-unsaid'")[0]
    assert run["items"] == 0 and run["errors"] == 2  # rss_item_without_date, twice


def test_xcal_feed(crawled):
    db, result = crawled
    fair = events(db, "rsu-careers")["Engineering & Technology Career Fair"]
    assert fair["start"] == "2027-02-16T11:00:00-05:00" and fair["end"] == "2027-02-16T15:00:00-05:00"
    assert fair["venue_name"] == "Student Union Ballroom"


def test_a_page_that_is_no_feed_is_reported(crawled):
    db, result = crawled
    line = summary(result, "not-a-feed")
    assert "FAILED" in line and "no events found" in line
    assert query(db, "select errors from runs where source = 'not-a-feed'")[0]["errors"] == 1
