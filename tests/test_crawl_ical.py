"""End to end: `eventhound crawl` of iCalendar feeds and a Google Calendar API list over HTTP on 127.0.0.1."""

import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from eventhound.localsite import QuietHandler, serve_directory
from tests.conftest import FIXTURES, crawl, query, summary

NOW = "2027-02-01T12:00:00+00:00"
# One repair that loses nothing: a continuation line that lost its leading space.
REPAIRED_ICS = "\r\n".join(
    [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Riverside Library//Events//EN",
        "BEGIN:VEVENT",
        "UID:resume-clinic-2027-03@riverside.example",
        "SUMMARY:Résumé Clinic",
        "DTSTART;TZID=America/New_York:20270309T180000",
        "DTEND;TZID=America/New_York:20270309T193000",
        "DESCRIPTION:Bring a printed copy of your résumé; a career librarian reviews it with y",
        "ou one-on-one.",
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
)


class GoogleApiHandler(QuietHandler):
    """Answers /calendar/v3/calendars/ID/events like the API: the page its pageToken names."""

    def do_GET(self):
        parts = urlsplit(self.path)
        if not parts.path.endswith("/events"):
            self.send_error(404)
            return
        token = parse_qs(parts.query).get("pageToken", [None])[0]
        name = "chamber_events_page2.json" if token else "chamber_events_page1.json"
        body = (FIXTURES / "gcal" / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def google_api():
    with serve_directory(FIXTURES / "gcal", handler=GoogleApiHandler) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, google_api):
    """A workforce board's .ics, a TEC feed that answers HTML, and a paged Google API list; crawled twice."""
    work = tmp_path_factory.mktemp("ical-crawl")
    site = work / "site"
    (site / "events").mkdir(parents=True)
    (site / "tec" / "events" / "list").mkdir(parents=True)
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n")
    shutil.copy(FIXTURES / "ical" / "workforce_board_google.ics", site / "events" / "calendar.ics")
    shutil.copy(FIXTURES / "ical" / "trade_show_and_weekly_series.ics", site / "events" / "glma.ics")
    shutil.copy(FIXTURES / "ical" / "tec_ical_returned_html.html", site / "tec" / "events" / "list" / "index.html")
    (site / "events" / "library.ics").write_text(REPAIRED_ICS, encoding="utf-8")
    with serve_directory(site) as base:
        sources = f"""
[sources.capregion-wb]
name = "Capital Region Workforce Board"
spider = "ical"
urls = ["{base}events/calendar.ics"]
timezone = "America/New_York"
event_type = "job_club"
country = "US"
region = "NY"

[sources.capregion-wb.ical]
window_days_back = 30
window_days_ahead = 365

[sources.triangle-careers]
spider = "ical"
urls = ["{base}tec/events/list/?ical=1"]
timezone = "America/New_York"

[sources.riverside-library]
spider = "ical"
urls = ["{base}events/library.ics"]
timezone = "America/New_York"

[sources.glma]
spider = "ical"
urls = ["{base}events/glma.ics"]
timezone = "America/Detroit"

[sources.springfield-gcal]
spider = "gcal"
urls = ["{google_api}calendar/v3/calendars/springfieldchamber%40group.calendar.google.com/events?key=TEST&singleEvents=true"]
timezone = "America/Chicago"
"""
        first, db = crawl(work, sources, now=NOW)
        rows_after_first = query(db, "select * from events order by id")
        second, _ = crawl(work, sources, now=NOW)
    return db, first, second, rows_after_first


def test_each_source_is_reported(crawled):
    _, first, _, _ = crawled
    assert first.returncode == 1, first.stderr[-3000:]  # the HTML-answering feed failed
    board, gcal, triangle, library = (
        summary(first, key) for key in ("capregion-wb", "springfield-gcal", "triangle-careers", "riverside-library")
    )
    assert " ok " in board and "events=27" in board
    assert " ok " in gcal and "events=7" in gcal
    assert "FAILED" in triangle and "no events found" in triangle and "errors=1 warnings=0" in triangle
    assert " ok " in library and "errors=0 warnings=1" in library


def test_a_repaired_calendar_counts_a_warning_not_an_error(crawled):
    db, _, _, _ = crawled
    run = query(db, "select * from runs where source = 'riverside-library' order by id")[0]
    assert (run["items"], run["errors"], run["warnings"]) == (1, 0, 1)
    (clinic,) = query(db, "select * from events where source = 'riverside-library'")
    assert clinic["description"].endswith("reviews it with you one-on-one.")  # nothing lost


def test_occurrences_are_stored_with_local_and_utc_times_across_dst(crawled):
    db, _, _, _ = crawled
    club = query(
        db,
        "select * from events where source = 'capregion-wb' and series_id = ? order by start_utc",
        "7q2k1jobclubtuesday0capregion@google.com",
    )
    assert len(club) == 8
    assert [r["start"] for r in club][:2] == ["2027-02-02T09:30:00-05:00", "2027-02-09T09:30:00-05:00"]
    after_dst = next(r for r in club if r["start"].startswith("2027-03-16"))
    assert after_dst["start"] == "2027-03-16T09:30:00-04:00"
    assert after_dst["start_utc"] == "2027-03-16T13:30:00+00:00"
    assert after_dst["end"] == "2027-03-16T11:00:00-04:00"
    assert after_dst["timezone"] == "America/New_York"
    assert all(r["rrule"] == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270331T035959Z" for r in club)
    assert len({r["id"] for r in club}) == 8
    assert all(r["event_type"] == "job_club" and r["country"] == "US" for r in club)


def test_cancelled_occurrence_is_stored_with_its_status(crawled):
    db, _, _, _ = crawled
    statuses = {
        r["start"]: r["status"]
        for r in query(
            db, "select start, status from events where series_id = ?", "7q2k1jobclubtuesday0capregion@google.com"
        )
    }
    assert statuses["2027-03-23T09:30:00-04:00"] == "cancelled"
    assert statuses["2027-03-10T13:00:00-05:00"] == "rescheduled"  # Tuesday 9:30 moved to Wednesday 13:00
    assert sum(1 for s in statuses.values() if s == "scheduled") == 6
    moved = query(
        db,
        "select previous_start from events where series_id = ? and start = ?",
        "7q2k1jobclubtuesday0capregion@google.com",
        "2027-03-10T13:00:00-05:00",
    )
    assert moved[0]["previous_start"] == "2027-03-09T09:30:00-05:00"
    coffee = query(
        db,
        "select start, status, title from events where source = 'springfield-gcal' "
        "and series_id = '5j7s4slo6gfrmramd5buc4f7d4' order by start_utc",
    )
    assert [(r["start"], r["status"]) for r in coffee] == [
        ("2027-02-03T07:00:00-06:00", "scheduled"),
        ("2027-03-03T07:00:00-06:00", "scheduled"),
        ("2027-04-07T07:00:00-05:00", "cancelled"),
    ]


def test_single_and_all_day_events_and_place(crawled):
    db, _, _, _ = crawled
    rows = {r["title"]: r for r in query(db, "select * from events where source = 'capregion-wb'")}
    week = rows["Healthcare Career Week"]
    assert (week["start"], week["end"], week["all_day"]) == ("2027-04-12", "2027-04-14", 1)
    fair = rows["Spring Hiring Fair 2027"]
    assert fair["start"] == "2027-03-18T10:00:00-04:00" and fair["start_utc"] == "2027-03-18T14:00:00+00:00"
    assert (fair["latitude"], fair["longitude"]) == (42.6503, -73.7596)
    assert fair["url"] == "https://www.capregionwb.example/events/spring-hiring-fair-2027/"
    assert fair["organizer"] == "Capital Region Workforce Board"
    assert fair["series_id"] is None and fair["rrule"] is None
    assert "<p>" not in fair["description"]
    assert "Fall Job Fair 2026" not in rows  # ended before the window
    assert rows["Spring Job Fair 2028"]["start"] == "2028-04-06T10:00:00-04:00"  # a single event: no window ahead


def test_google_api_list_is_read_through_its_pages(crawled):
    db, _, _, _ = crawled
    rows = {r["title"]: r for r in query(db, "select * from events where source = 'springfield-gcal'")}
    assert "Business After Hours at Prairie Brewing" in rows  # only on the second page
    assert rows["Spring Career & Job Fair"]["start"] == "2027-02-18T10:00:00-06:00"
    assert rows["Virtual Résumé Clinic"]["online_url"] == "https://meet.google.com/abc-defg-hij"
    assert rows["Midwest Manufacturing & Skilled Trades Expo"]["end"] == "2027-03-11"
    assert all("key=" not in r["source_url"] and "singleEvents=true" in r["source_url"] for r in rows.values())


def test_a_feed_answering_html_counts_an_error_in_runs(crawled):
    db, _, _, _ = crawled
    run = query(db, "select * from runs where source = 'triangle-careers' order by id")[0]
    assert run["items"] == 0 and run["errors"] >= 1 and run["pages"] >= 1 and run["warnings"] == 0


def test_second_crawl_keeps_every_id_and_first_seen(crawled):
    db, _, second, before = crawled
    assert second.returncode == 1
    after = query(db, "select * from events order by id")
    assert [r["id"] for r in after] == [r["id"] for r in before]
    assert [r["first_seen"] for r in after] == [r["first_seen"] for r in before]
    assert len(after) == 27 + 7 + 1 + 57


def test_a_trade_show_two_years_ahead_is_stored_beside_a_weekly_series_cut_at_the_window(crawled):
    db, first, _, _ = crawled
    assert " ok " in summary(first, "glma") and "events=57" in summary(first, "glma")
    rows = query(db, "select * from events where source = 'glma' order by start_utc")
    expo = rows[-1]
    assert expo["title"] == "Great Lakes Manufacturing & Automation Expo 2029"
    assert (expo["start"], expo["end"]) == ("2029-03-20T09:00:00-04:00", "2029-03-22T17:00:00-04:00")
    assert expo["start_utc"] == "2029-03-20T13:00:00+00:00"
    assert expo["series_id"] is None and expo["rrule"] is None
    breakfasts = rows[:-1]
    assert {(r["series_id"], r["rrule"]) for r in breakfasts} == {
        ("glma-members-breakfast@glma.example", "FREQ=WEEKLY;BYDAY=TH")
    }
    assert (breakfasts[0]["start"], breakfasts[-1]["start"]) == (
        "2027-01-07T07:30:00-05:00",
        "2028-01-27T07:30:00-05:00",
    )  # the window: 2027-01-02 .. 2028-02-01
    assert breakfasts[10]["start"] == "2027-03-18T07:30:00-04:00"  # after the DST change
    assert not any(r["title"] == "Plant Safety Summit 2026" for r in rows)  # over before the window
