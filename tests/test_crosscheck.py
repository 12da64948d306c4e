"""Markup checked against the page's own words (eventhound/crosscheck.py): the rules alone, then
saved pages through the extractor and every pipeline, an RSS feed, and a crawl over 127.0.0.1."""

import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from eventhound import crosscheck
from eventhound.extract import Tally, extract_events
from eventhound.extractors import rss
from eventhound.extractors.base import Context
from eventhound.extractors.schemaorg import extract_schemaorg
from eventhound.localsite import serve_directory
from eventhound.sources import Source
from tests.conftest import crawl, query, summary

FIXTURES = Path(__file__).parent / "fixtures" / "schemaorg"
NOW = datetime(2019, 1, 1, tzinfo=UTC)
NY = "America/New_York"


def stated(text, day, own=False, zone=NY):
    return crosscheck.stated_times([(text, own)], day, NOW, zone)


def reconciled(start, text, end=None, own=False, zone=NY):
    raw = {"title": "Meeting", "start_text": start}
    if end is not None:
        raw["end_text"] = end
    codes = crosscheck.reconcile(raw, [(text, own)], NOW, zone)
    return raw.get("start_text"), raw.get("end_text"), codes


# --------------------------------------------------------------------------- what a text states


def test_a_time_after_the_day_in_the_ways_pages_write_it():
    day = date(2024, 2, 1)
    assert stated("Date Feb 01 2024 Time 6:30 pm - 8:30 pm Location", day) == [(time(18, 30), time(20, 30))]
    assert stated("Thursday, February 1st, 2024 | 6:30 - 8:30 p.m.", day) == [(time(18, 30), time(20, 30))]
    assert stated("2/1/24 18:30", day) == [(time(18, 30), None)]
    assert stated("6:30 PM on Thursday, Feb. 1, 2024", day) == [(time(18, 30), None)]
    assert stated("Thursday 1st of February, 6:30 pm", day) == [(time(18, 30), None)]  # no year: this one
    assert stated("When: 2024-02-01, 6:30 pm", day) == [(time(18, 30), None)]
    assert stated("02/01/2024 at 6:30 pm", day) == [(time(18, 30), None)]


def test_a_time_tied_to_another_day_or_year_is_not_this_days():
    day = date(2024, 2, 1)
    assert stated("Feb 01 2023 6:30 pm", day) == []
    assert stated("Feb 10 2024 6:30 pm", day) == []
    assert stated("2/1/23 6:30 pm", day) == [] and stated("1 February 2025, 6:30 pm", day) == []
    assert stated("2024-02-11 6:30 pm", day) == [] and stated("12/1/2024 6:30 pm", day) == []
    assert stated("Thu Feb 01 18:30:00 2023", day) == []  # ctime: the year after the time
    assert stated("Feb 1, 2024 until Feb 3, 2024 9:00 am", day) == []  # another date between
    assert stated("Feb 1, 2024. Our office is open Monday to Friday, 7:30am - 4:30pm", day) == []  # too far


def test_a_time_alone_counts_only_in_the_events_own_text_that_names_no_date():
    day = date(2019, 9, 20)
    text = "The Executive Committee meets at 8:30 AM in the 2nd floor conference room."
    assert stated(text, day, own=True) == [(time(8, 30), None)]
    assert stated(text, day, own=False) == []
    assert stated("Next meeting October 18, 2019 at 8:30 AM.", day, own=True) == []


# --------------------------------------------------------------------------- decisions


def test_a_date_alone_takes_the_one_time_the_page_states_for_it():
    assert reconciled("2024-02-01", "Feb 01 2024 6:30 pm - 8:30 pm", end="2024-02-01") == (
        "2024-02-01T18:30:00",
        "2024-02-01T20:30:00",
        [crosscheck.FROM_PAGE],
    )
    assert reconciled("2024-02-01", "Feb 01 2024 10 pm - 1 am") == (
        "2024-02-01T22:00:00",
        "2024-02-02T01:00:00",
        [crosscheck.FROM_PAGE],
    )


def test_a_date_alone_stays_when_the_page_states_several_times_for_it():
    text = "Feb 1, 2024 9:00 AM morning session; Feb 1, 2024 1:00 PM afternoon session"
    assert reconciled("2024-02-01", text, end="2024-02-01") == ("2024-02-01", "2024-02-01", [])


def test_a_date_alone_of_a_multi_day_event_keeps_its_end_date():
    assert reconciled("2024-02-01", "Feb 1, 2024 9:00 AM", end="2024-02-03") == (
        "2024-02-01T09:00:00",
        "2024-02-03",
        [crosscheck.FROM_PAGE],
    )


def test_a_naive_time_one_offset_away_is_utc_and_its_end_too():
    assert reconciled("2023-11-17T13:00", "November 17, 2023 8:00 AM – 10:00 AM", end="2023-11-17T15:00") == (
        "2023-11-17T13:00:00+00:00",
        "2023-11-17T15:00:00+00:00",
        [crosscheck.WAS_UTC],
    )


def test_a_naive_utc_time_on_the_next_day_matches_the_local_day_before():
    start, end, codes = reconciled("2024-01-10T02:00", "January 9, 2024 9:00 PM - 10:30 PM")
    assert (start, codes) == ("2024-01-10T02:00:00+00:00", [crosscheck.WAS_UTC])
    assert end == "2024-01-09T22:30:00-05:00"  # the page's end, on the page's day, in the zone


def test_a_naive_time_in_summer_uses_the_summer_offset():
    assert reconciled("2024-07-11T22:30", "July 11, 2024 6:30 PM")[2] == [crosscheck.WAS_UTC]
    assert reconciled("2024-07-11T23:30", "July 11, 2024 6:30 PM")[2] == []  # the winter offset is no match


def test_a_naive_time_the_page_confirms_or_does_not_explain_is_kept():
    assert reconciled("2023-11-17T17:30", "November 17, 2023 5:30 PM") == ("2023-11-17T17:30", None, [])
    assert reconciled("2024-04-10T17:30", "April 10, 2024 6:00 PM", zone="America/Chicago") == (
        "2024-04-10T17:30",
        None,
        [],
    )
    assert reconciled("2023-12-14T14:30", "December 14, 2023 9:30 AM", zone="UTC") == ("2023-12-14T14:30", None, [])


def test_a_time_with_an_offset_is_never_changed():
    assert reconciled("2023-11-17T13:00:00Z", "November 17, 2023 8:00 AM") == ("2023-11-17T13:00:00Z", None, [])
    assert not crosscheck.checkable({"start_text": "2023-11-17T13:00:00-05:00"})


def test_a_broken_time_takes_the_reading_the_page_confirms():
    text = "September 20, 2019 8:30 am - 10:00 am"
    assert reconciled("2019-9-20T08-08-30-00", text, end="2019-9-20T10-10-00-00") == (
        "2019-09-20T08:30:00",
        "2019-09-20T10:00:00",
        [crosscheck.BROKEN_READ],
    )


def test_a_broken_time_the_page_does_not_settle_is_left_to_the_date_engine():
    assert reconciled("2019-9-20T08-08-30-00", "September 20, 2019 9:00 am") == ("2019-9-20T08-08-30-00", None, [])
    both = "September 20, 2019 8:08 am; September 20, 2019 8:30 am"
    assert reconciled("2019-9-20T08-08-30-00", both) == ("2019-9-20T08-08-30-00", None, [])


def test_no_text_no_decision():
    assert reconciled("2024-02-01", "") == ("2024-02-01", None, [])
    assert reconciled("next Tuesday", "Feb 1 2024 6 pm") == ("next Tuesday", None, [])


# --------------------------------------------------------------------------- saved pages, whole pipeline


def records(name, zone):
    url = "https://publisher.example/events/page/"
    stats = Tally()
    source = Source(key="publisher", spider="schemaorg", urls=(url,), timezone=zone)
    found = extract_events((FIXTURES / name).read_text(), url, source, NOW, fmt="schemaorg", stats=stats)
    return {r["title"]: (r["start"], r["end"]) for r in found}, stats


def warnings(stats):
    return {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("eventhound/extract_")}


def test_wordpress_page_broken_jsonld_time_read_as_its_text_says():
    found, stats = records("workforce_board_broken_time.html", NY)
    assert found == {"Executive Committee Meeting": ("2019-09-20T08:30:00-04:00", "2019-09-20T10:00:00-04:00")}
    assert warnings(stats) == {crosscheck.BROKEN_READ: 1}


def test_microdata_naive_utc_time_corrected_by_its_own_element_text():
    found, stats = records("chamber_microdata_utc_times.html", NY)
    assert found == {
        "Member Networking Breakfast": ("2023-11-17T08:00:00-05:00", "2023-11-17T10:00:00-05:00"),
        "Small Business Hiring Workshop": ("2023-11-17T17:30:00-05:00", "2023-11-17T19:00:00-05:00"),
    }
    assert warnings(stats) == {crosscheck.WAS_UTC: 1}


def test_jsonld_date_only_takes_the_time_from_the_single_events_page():
    found, stats = records("commission_date_only_mec.html", NY)
    assert found == {"Hiring Practices Work Group": ("2024-02-01T18:30:00-05:00", "2024-02-01T20:30:00-05:00")}
    assert warnings(stats) == {crosscheck.FROM_PAGE: 1}


def test_a_listing_page_text_is_not_tied_to_one_of_its_events():
    # The page's "March 5, 2024 · 1:00 PM" is the panel's; read as the workshop's it would make
    # the workshop's naive 18:00 look like UTC (13:00 in New York).
    found, stats = records("career_center_listing_two_events.html", NY)
    assert found["Resume Workshop"] == ("2024-03-05T18:00:00-05:00", None)
    assert found["Employer Panel: Meet the Hiring Managers"][0] == "2024-03-05T13:00:00-05:00"
    assert warnings(stats) == {}


def test_markup_wins_where_the_page_states_a_time_nothing_explains():
    found, stats = records("job_club_page_disagrees.html", "America/Chicago")
    assert found == {
        "April Job Club: Interviewing After 50": ("2024-04-10T17:30:00-05:00", "2024-04-10T20:00:00-05:00")
    }
    assert warnings(stats) == {}


def test_without_a_context_the_checks_that_need_no_zone_still_run():
    x = extract_schemaorg((FIXTURES / "commission_date_only_mec.html").read_text(), "https://lakefrontcsc.example/e/")
    assert [e["start_text"] for e in x.events] == ["2024-02-01T18:30:00"]
    assert x.errors == [crosscheck.FROM_PAGE]


# --------------------------------------------------------------------------- RSS event module

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/">
  <channel>
    <title>Harbor County Workforce Events</title>
    <link>https://harborworkforce.example/events</link>
    <item>
      <title>Healthcare Hiring Day</title>
      <link>https://harborworkforce.example/events/healthcare-hiring-day</link>
      <guid>hcw-1043</guid>
      <ev:startdate>2024-05-02T22:30:00</ev:startdate>
      <description>&lt;p&gt;&lt;strong&gt;May 2, 2024, 6:30 PM - 8:00 PM&lt;/strong&gt;&lt;/p&gt;
        &lt;p&gt;Meet recruiters from three hospitals.&lt;/p&gt;</description>
    </item>
    <item>
      <title>Forklift Certification Info Session</title>
      <link>https://harborworkforce.example/events/forklift-info</link>
      <guid>hcw-1044</guid>
      <ev:startdate>2024-05-07</ev:startdate>
      <description>Tuesday, May 7, 2024 at 10:00 AM in the training bay.</description>
    </item>
  </channel>
</rss>"""


def test_rss_event_module_start_checked_against_its_description():
    x = rss.extract(FEED, "https://harborworkforce.example/events.rss", Context(now=NOW, timezone=NY))
    starts = {e["title"]: (e["start_text"], e.get("end_text")) for e in x.events}
    assert starts == {
        "Healthcare Hiring Day": ("2024-05-02T22:30:00+00:00", "2024-05-02T20:00:00-04:00"),
        "Forklift Certification Info Session": ("2024-05-07T10:00:00", None),
    }
    assert sorted(x.errors) == sorted([crosscheck.WAS_UTC, crosscheck.FROM_PAGE])


# --------------------------------------------------------------------------- a crawl over HTTP

PAGES = (
    "workforce_board_broken_time.html",
    "chamber_microdata_utc_times.html",
    "commission_date_only_mec.html",
    "job_club_page_disagrees.html",
)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("crosscheck")
    site = work / "site"
    site.mkdir()
    for name in PAGES:
        shutil.copy(FIXTURES / name, site / name)
    with serve_directory(site) as base:
        urls = ", ".join(f'"{base}{name}"' for name in PAGES)
        sources = f'[sources.publishers]\nspider = "schemaorg"\nurls = [{urls}]\ntimezone = "America/New_York"\n'
        result, db = crawl(work, sources, now="2019-01-01T00:00:00+00:00")
    return result, db


def test_crawl_stores_the_corrected_times_and_counts_each_correction(crawled):
    result, db = crawled
    assert result.returncode == 0, result.stderr[-2000:]
    assert "errors=0 warnings=3" in summary(result, "publishers")
    rows = {r["title"]: r for r in query(db, "select title, start, end, start_utc from events")}
    assert rows["Executive Committee Meeting"]["start"] == "2019-09-20T08:30:00-04:00"
    assert rows["Member Networking Breakfast"]["start_utc"] == "2023-11-17T13:00:00+00:00"
    assert rows["Member Networking Breakfast"]["start"] == "2023-11-17T08:00:00-05:00"
    assert rows["Hiring Practices Work Group"]["end"] == "2024-02-01T20:30:00-05:00"
    assert rows["April Job Club: Interviewing After 50"]["start"] == "2024-04-10T17:30:00-04:00"
    run = query(db, "select items, errors, warnings from runs where source = 'publishers'")[0]
    assert (run["items"], run["errors"], run["warnings"]) == (5, 0, 3)
