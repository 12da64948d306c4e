"""End to end: `eventhound crawl` over two local sites that list the same job fair marks one
record as the other's duplicate, keeps both sources' URLs, and the digest lists the fair once."""

from pathlib import Path

import feedparser
import pytest

from eventhound.localsite import serve_directory
from tests.conftest import crawl, query
from tests.kit import cli

SITES = Path(__file__).resolve().parent / "fixtures" / "dedupe"
NOW = "2027-02-20T12:00:00+00:00"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("dedupe")
    with serve_directory(SITES / "chamber") as chamber, serve_directory(SITES / "library") as library:
        sources = f"""
[sources.chamber]
spider = "schemaorg"
urls = ["{chamber}events/"]
timezone = "America/Chicago"
country = "US"

[sources.library]
spider = "schemaorg"
urls = ["{library}calendar/"]
timezone = "America/Chicago"
country = "US"
"""
        first, db = crawl(work, sources, now=NOW)
        second, _ = crawl(work, sources, now=NOW)
    return work, db, first, second


def test_crawl_marks_the_cross_listed_fair(crawled):
    _, db, first, second = crawled
    assert first.returncode == 0, first.stdout + first.stderr[-2000:]
    assert "duplicates: 1 events marked as duplicates of others" in first.stdout
    assert "duplicates: 1 events marked as duplicates of others" in second.stdout
    rows = {r["title"]: r for r in query(db, "select * from events")}
    assert len(rows) == 5
    fair, listed = rows["Spring Career & Job Fair"], rows["Spring Job Fair - March 4, 2027"]
    assert fair["source"] == "chamber" and listed["source"] == "library"
    assert listed["duplicate_of"] == fair["id"] and fair["duplicate_of"] is None
    # near misses stay events of their own: the clinic at the same hour and place, the fair a week later
    assert rows["Résumé Review Clinic"]["duplicate_of"] is None
    assert rows["Spring Job Fair - March 11, 2027"]["duplicate_of"] is None
    assert rows["Business After Hours at Prairie Brewing"]["duplicate_of"] is None


def test_event_sources_holds_both_sources_urls(crawled):
    _, db, _, _ = crawled
    fair = query(db, "select id from events where title = 'Spring Career & Job Fair'")[0]["id"]
    provenance = query(
        db,
        """
        select es.source, es.url, es.source_url from event_sources es join events e on e.id = es.event_id
        where e.id = ? or e.duplicate_of = ? order by es.source""",
        fair,
        fair,
    )
    assert [r["source"] for r in provenance] == ["chamber", "library"]
    assert provenance[0]["url"].endswith("/events/spring-career-fair/")
    assert provenance[1]["url"].endswith("/calendar/4711/")
    assert provenance[1]["source_url"].endswith("/calendar/")
    assert query(db, "select count(*) n from event_sources")[0]["n"] == 5  # two crawls, one row each


def test_digest_lists_the_fair_once(crawled):
    work, db, _, _ = crawled
    out = work / "digest.xml"
    result = cli("digest", "--db", work / "events.db", "--now", NOW, "--days", "30", "--out", out)
    assert result.exit_code == 0, result.stderr
    titles = [e.title for e in feedparser.parse(out.read_bytes()).entries]
    assert sum("Job Fair" in t and "March 11" not in t for t in titles) == 1
    assert len(titles) == 4
