"""End to end: a real Scrapy crawl over HTTP on 127.0.0.1 into a real SQLite file, then digest and Datasette."""

import asyncio
import json
from pathlib import Path

import feedparser
import pytest
from datasette.app import Datasette

from tests.conftest import crawl, query, summary
from tests.kit import cli

REPO = Path(__file__).resolve().parent.parent
DEMO_TITLES = {
    "Spring Career & Job Fair",
    "HFMA Illinois Chapter: February Meeting",
    "Business After Hours at Prairie Brewing",
    "Résumé & LinkedIn Workshop",
    "Midwest Manufacturing & Skilled Trades Expo",
    "Employer Info Session: State Farm Claims Careers",
    "Tuesday Morning Job Club",
    "Nursing Hiring Event",
}
NOW = "2027-02-01T12:00:00+00:00"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_site_url):
    """Crawl the demo site plus an unreachable source and a missing page, twice."""
    work = tmp_path_factory.mktemp("crawl")
    sources = f"""
[sources.springfield]
spider = "schemaorg"
urls = ["{demo_site_url}events/"]
timezone = "America/Chicago"
country = "US"
region = "IL"

[sources.unreachable]
spider = "schemaorg"
urls = ["http://127.0.0.1:9/events/"]
timezone = "America/New_York"

[sources.missing-page]
spider = "schemaorg"
urls = ["{demo_site_url}no-such-calendar/"]
timezone = "America/New_York"
"""
    first, db = crawl(work, sources, now=NOW)
    rows_after_first = query(db, "select * from events order by id")
    second, _ = crawl(work, sources, now=NOW)
    return work, db, first, second, rows_after_first


def test_crawl_reports_each_source_and_fails_when_one_failed(crawled):
    _, _, first, _, _ = crawled
    assert first.returncode == 1, first.stderr[-2000:]
    springfield, unreachable, missing = (summary(first, key) for key in ("springfield", "unreachable", "missing-page"))
    assert " ok " in springfield and "events=8" in springfield
    assert "FAILED" in unreachable and "could not fetch http://127.0.0.1:9/events/" in unreachable
    assert "could not fetch http://127.0.0.1:9/events/: connection refused" in unreachable
    assert "FAILED" in missing and "no-such-calendar/: HTTP 404" in missing
    assert "1 of 3 sources ok" in first.stdout


def test_crawl_stores_every_demo_event_with_local_and_utc_times(crawled):
    _, db, _, _, _ = crawled
    rows = {r["title"]: r for r in query(db, "select * from events where source = 'springfield'")}
    assert set(rows) == DEMO_TITLES
    fair = rows["Spring Career & Job Fair"]
    assert fair["start"] == "2027-02-18T10:00:00-06:00"
    assert fair["start_utc"].startswith("2027-02-18T16:00:00")
    assert fair["timezone"] == "America/Chicago"
    assert fair["venue_name"] == "Bank of Springfield Center" and fair["city"] == "Springfield"
    assert fair["url"].endswith("/events/spring-career-fair/") and fair["url"].startswith("http://127.0.0.1:")
    expo = rows["Midwest Manufacturing & Skilled Trades Expo"]
    assert expo["start"] == "2027-03-10" and expo["all_day"] == 1
    assert rows["Nursing Hiring Event"]["status"] == "cancelled"
    assert "<p>" not in rows["Résumé & LinkedIn Workshop"]["description"]
    assert query(db, "select count(*) n from events where source != 'springfield'")[0]["n"] == 0


def test_runs_rows_count_pages_items_and_errors(crawled):
    _, db, _, _, _ = crawled
    runs = query(db, "select * from runs order by id")
    assert len(runs) == 6  # three sources, two crawls
    first = {r["source"]: r for r in runs[:3]}
    assert first["springfield"]["items"] == 8
    assert first["springfield"]["pages"] >= 8
    assert first["springfield"]["errors"] >= 1  # the hopeless JSON-LD block on the nursing page
    assert first["springfield"]["finish_reason"] == "finished"
    assert first["unreachable"]["items"] == 0 and first["unreachable"]["errors"] >= 1
    assert all(r["started"] and r["finished"] for r in runs)


def test_second_crawl_adds_no_rows_and_keeps_first_seen(crawled):
    _, db, _, second, before = crawled
    assert second.returncode == 1
    after = query(db, "select * from events order by id")
    assert [r["id"] for r in after] == [r["id"] for r in before]
    assert [r["first_seen"] for r in after] == [r["first_seen"] for r in before]


def test_digest_is_valid_rss_of_upcoming_events(crawled):
    work, db, _, _, _ = crawled
    out = work / "digest.xml"
    result = cli("digest", "--db", work / "events.db", "--now", NOW, "--days", "30", "--out", out)
    assert result.exit_code == 0, result.stderr
    feed = feedparser.parse(out.read_bytes())
    assert feed.bozo == 0
    titles = [e.title for e in feed.entries]
    # Within 30 days of Feb 1 (to Mar 3 noon): all but the Mar 4 info session and the Mar 10 expo.
    assert len(titles) == 6
    assert any("HFMA Illinois Chapter" in t for t in titles)
    assert not any("Expo" in t for t in titles)
    assert titles.index(next(t for t in titles if "HFMA" in t)) < titles.index(
        next(t for t in titles if "Job Fair" in t)
    )


def test_upcoming_canned_query_through_datasette(crawled):
    work, db, _, _, _ = crawled
    metadata = json.loads((REPO / "datasette-metadata.json").read_text())

    async def fetch():
        ds = Datasette([str(work / "events.db")], metadata=metadata)
        response = await ds.client.get("/events/upcoming.json?_shape=array&days=3650")
        return response.status_code, response.json()

    status, rows = asyncio.run(fetch())
    assert status == 200
    titles = [r["title"] for r in rows]
    assert set(titles) <= DEMO_TITLES and len(titles) >= 7
    start_utc = {r["id"]: r["start_utc"] for r in query(db, "select id, start_utc from events")}
    starts = [start_utc[r["id"]] for r in rows]
    assert starts == sorted(starts)


def test_the_crawl_leaves_the_search_index_current(crawled):
    _, db, _, _, _ = crawled
    found = [r["title"] for r in db["events"].search("linkedin")]
    assert found == ["Résumé & LinkedIn Workshop"]
    assert query(db, "select count(*) n from events_fts")[0]["n"] == query(db, "select count(*) n from events")[0]["n"]
