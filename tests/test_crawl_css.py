"""End to end: the css spider crawls local sites over HTTP: a chamber's listing -> detail pages, `next`
pagination; a library's date headings above lists of times."""

from pathlib import Path

import pytest

from eventhound.localsite import serve_directory
from tests.conftest import crawl, query

SITE = Path(__file__).resolve().parent / "fixtures" / "css" / "chamber_site"
LIBRARY_SITE = Path(__file__).resolve().parent / "fixtures" / "css" / "library_site"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("css-crawl")
    with serve_directory(SITE) as base_url:
        result, db = crawl(
            work,
            f"""
[sources.harbor-chamber]
name = "Harbor County Chamber of Commerce"
spider = "css"
urls = ["{base_url}events/"]
timezone = "America/Detroit"
event_type = "networking"

[sources.harbor-chamber.css]
event = "article.event-item"
title = "h3.event-title a::text"
date = ".event-date::text"
link = "h3.event-title a::attr(href)"
next = "a.next.page-numbers::attr(href)"

[sources.harbor-chamber.css.detail]
title = "h1.entry-title::text"
time = ".event-meta .start::text"
end = ".event-meta .end::text"
location = "xpath:.//li[@class='venue']/node()[not(self::strong)]"
description = ".entry-content p"
""",
            now="2027-02-01T12:00:00+00:00",
        )
    events = {r["title"]: r for r in query(db, "select * from events")}
    return base_url, result, events, query(db, "select * from runs")


def test_the_source_succeeds_with_every_event(crawled):
    _, result, events, _ = crawled
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "harbor-chamber" in result.stdout and "events=5" in result.stdout
    assert set(events) == {
        "Spring Job Fair 2027",
        "Women in Business Lunch",
        "Résumé Clinic",
        "Manufacturing Careers Night",
        "Chamber Golf Outing",
    }


def test_detail_pages_give_times_place_and_description(crawled):
    base_url, _, events, _ = crawled
    fair = events["Spring Job Fair 2027"]
    assert fair["start"] == "2027-03-03T10:00:00-05:00" and fair["end"] == "2027-03-03T14:00:00-05:00"
    assert fair["start_utc"].startswith("2027-03-03T15:00:00")
    assert fair["venue_name"] == "Harbor County Fairgrounds, Expo Hall"
    assert "hiring on the spot" in fair["description"]
    assert fair["url"] == f"{base_url}events/spring-job-fair/"
    assert fair["event_type"] == "job_fair"  # the title beats the source's default (networking)
    assert 'title "job fair"' in fair["type_reason"] and fair["type_reason"].startswith("career (")
    lunch = events["Women in Business Lunch"]
    assert lunch["start"] == "2027-03-11T11:30:00-05:00"
    # the location string is split (pipelines/locate.py): venue name, then street
    assert (lunch["venue_name"], lunch["street"]) == ("Harbor Yacht Club", "2 Lakeview Dr.")


def test_the_next_page_is_crawled_and_its_detail_page_read(crawled):
    _, _, events, _ = crawled
    night = events["Manufacturing Careers Night"]
    assert night["start"] == "2027-04-08T17:30:00-04:00"  # after the DST change
    assert night["venue_name"] == "Harbor Tech College, Building C"


def test_listing_values_stay_when_the_detail_page_fails_or_is_off_site(crawled):
    base_url, _, events, runs = crawled
    clinic = events["Résumé Clinic"]  # its detail page is a 404
    assert clinic["start"] == "2027-03-17" and clinic["all_day"] == 1
    assert clinic["source_url"] == f"{base_url}events/"
    golf = events["Chamber Golf Outing"]  # its page is on another site: not fetched
    assert golf["start"] == "2027-05-20" and golf["url"] == "https://www.tickets.example/e/harbor-golf-outing-2027"
    (run,) = runs
    assert run["items"] == 5 and run["errors"] >= 1  # the 404
    assert run["pages"] >= 5  # two listing pages and three detail pages


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    work = tmp_path_factory.mktemp("css-headings")
    with serve_directory(LIBRARY_SITE) as base_url:
        result, db = crawl(
            work,
            f"""
[sources.riverbend-library]
name = "Riverbend Public Library, Career & Business Center"
spider = "css"
urls = ["{base_url}events/"]
timezone = "America/Chicago"
event_type = "workshop"

[sources.riverbend-library.css]
event = "ul.day-events > li.event"
heading = "h3.day-heading"
title = ".event-title"
date = ".event-time"
location = ".event-room"
link = "a.event-title::attr(href)"
""",
            now="2027-02-01T12:00:00+00:00",
        )
    return base_url, result, {r["title"]: r for r in query(db, "select * from events")}


def test_times_under_date_headings_are_stored_on_the_headings_days(library):
    base_url, result, events = library
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "riverbend-library" in result.stdout and "events=6" in result.stdout
    clinic = events["Resume Clinic"]
    assert (clinic["start"], clinic["all_day"]) == ("2027-03-09T16:10:00-06:00", 0)
    assert clinic["start_utc"].startswith("2027-03-09T22:10:00")
    assert clinic["time_text"] == "Tuesday, March 9, 2027 16:10"
    assert clinic["url"] == f"{base_url}events/resume-clinic-2027-03-09"
    night = events["Networking Night for Job Seekers"]
    assert (night["start"], night["end"]) == ("2027-03-09T18:30:00-06:00", "2027-03-09T20:00:00-06:00")
    assert events["Mock Interviews with HR Volunteers"]["start"] == "2027-03-11T10:00:00-06:00"
    fair = events["Career Resource Fair"]  # no time of its own: the heading's day, all day
    assert (fair["start"], fair["all_day"]) == ("2027-03-11", 1)
    assert events["Small Business Bootcamp (registration closes Thursday)"]["start"] == "2027-03-13T09:00:00-06:00"
    assert events["LinkedIn Basics"]["start"] == "2027-03-15T18:30:00-05:00"  # after the DST change
    assert "Drop-in Computer Help" not in events  # under "Ongoing": no day
