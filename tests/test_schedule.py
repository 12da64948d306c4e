"""schema.org eventSchedule expanded like an iCalendar series (eventhound.series), and the window for series only."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from eventhound import series
from eventhound.extract import Tally, extract_events
from eventhound.extractors import schemaorg
from eventhound.extractors.base import Context
from eventhound.localsite import serve_directory
from eventhound.sources import Source
from tests.conftest import crawl, query, summary

FIXTURES = Path(__file__).parent / "fixtures" / "schemaorg"
NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)  # window: 2027-01-02 .. 2028-02-01
CLUB_URL = "https://www.lakeshoreworkforce.example/programs/job-club/"
CLUB_ID = CLUB_URL + "#event"
COFFEE_URL = "https://www.foxvalleychamber.example/events/networking-coffee"


def run(name_or_html, now=NOW, tz="America/Chicago", url=CLUB_URL, **options):
    html = (FIXTURES / name_or_html).read_text(encoding="utf-8") if name_or_html.endswith(".html") else name_or_html
    return schemaorg.extract(html, url, Context(now=now, timezone=tz, options=options))


def page(*events):
    blocks = "".join(f'<script type="application/ld+json">{json.dumps(e)}</script>' for e in events)
    return f"<!DOCTYPE html><html><head><title>t</title>{blocks}</head><body></body></html>"


def event(schedule, **fields):
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Job Club",
        "url": "https://club.example/job-club",
        "eventSchedule": schedule,
        **fields,
    }


def starts(extraction):
    return [e["start_text"] for e in extraction.events]


# ------------------------------------------------------------------ the job club: second Monday, 6-7:30 pm


def test_second_monday_of_every_month_across_dst_without_the_excepted_dates():
    x = run("job_club_monthly_schedule.html")
    assert x.errors == []
    assert [(e["start_text"], e["end_text"]) for e in x.events] == [
        ("2027-01-11T18:00:00-06:00", "2027-01-11T19:30:00-06:00"),
        ("2027-02-08T18:00:00-06:00", "2027-02-08T19:30:00-06:00"),
        ("2027-03-08T18:00:00-06:00", "2027-03-08T19:30:00-06:00"),  # DST starts 2027-03-14
        ("2027-04-12T18:00:00-05:00", "2027-04-12T19:30:00-05:00"),
        # 2027-05-10: exceptDate as a DateTime (the occurrence starting then)
        ("2027-06-14T18:00:00-05:00", "2027-06-14T19:30:00-05:00"),
        ("2027-07-12T18:00:00-05:00", "2027-07-12T19:30:00-05:00"),
        ("2027-08-09T18:00:00-05:00", "2027-08-09T19:30:00-05:00"),
        ("2027-09-13T18:00:00-05:00", "2027-09-13T19:30:00-05:00"),
        # 2027-10-11: exceptDate as a Date (that day's occurrence)
        ("2027-11-08T18:00:00-06:00", "2027-11-08T19:30:00-06:00"),  # DST ended 2027-11-07
        ("2027-12-13T18:00:00-06:00", "2027-12-13T19:30:00-06:00"),
        ("2028-01-10T18:00:00-06:00", "2028-01-10T19:30:00-06:00"),
    ]


def test_occurrences_carry_the_series_rule_zone_and_the_event_fields():
    first = run("job_club_monthly_schedule.html").events[0]
    assert first["series_id"] == CLUB_ID
    assert first["rrule"] == "FREQ=MONTHLY;BYDAY=2MO"
    assert first["own_id"] == CLUB_ID + "#2027-01-11T18:00:00-06:00"
    assert first["timezone"] == "America/Chicago"
    assert (first["title"], first["venue_name"], first["city"]) == (
        "Career Transition Job Club",
        "Lakeshore Workforce Center, Room 104",
        "Racine",
    )
    assert first["organizer"] == "Lakeshore Workforce Center" and first["is_free"] == "true"


def test_ids_are_stable_from_one_crawl_to_the_next():
    one = {e["start_text"]: e["own_id"] for e in run("job_club_monthly_schedule.html").events}
    later = {
        e["start_text"]: e["own_id"] for e in run("job_club_monthly_schedule.html", now=NOW + timedelta(days=40)).events
    }
    shared = one.keys() & later.keys()
    assert len(shared) == 9 and "2028-02-14T18:00:00-06:00" in later  # two meetings out, one in
    assert all(one[start] == later[start] for start in shared)
    assert len(set(one.values())) == len(one)


def test_the_pipelines_store_local_and_utc_times():
    html = (FIXTURES / "job_club_monthly_schedule.html").read_text(encoding="utf-8")
    source = Source(key="lakeshore", spider="schemaorg", urls=(CLUB_URL,), timezone="America/Chicago")
    records = extract_events(html, CLUB_URL, source, NOW, fmt="schemaorg", stats=Tally())
    april = next(r for r in records if r["start"].startswith("2027-04-12"))
    assert (april["start"], april["start_utc"]) == ("2027-04-12T18:00:00-05:00", "2027-04-12T23:00:00+00:00")
    assert (april["end"], april["end_utc"]) == ("2027-04-12T19:30:00-05:00", "2027-04-13T00:30:00+00:00")
    assert april["series_id"] == CLUB_ID and april["rrule"] == "FREQ=MONTHLY;BYDAY=2MO"
    assert len({r["id"] for r in records}) == len(records) == 11


# ------------------------------------------------------------------ a weekly schedule without an end


def test_a_weekly_schedule_without_an_end_is_expanded_within_the_window_only():
    x = run("networking_coffee_weekly_schedule.html", url=COFFEE_URL)
    assert x.errors == [] and len(x.events) == 56
    assert (x.events[0]["start_text"], x.events[0]["end_text"]) == (
        "2027-01-05T07:30:00-06:00",
        "2027-01-05T08:30:00-06:00",
    )  # times from the event's own start and end
    assert x.events[10]["start_text"] == "2027-03-16T07:30:00-05:00"
    assert x.events[-1]["start_text"] == "2028-01-25T07:30:00-06:00"  # the window ends 2028-02-01
    assert {e["rrule"] for e in x.events} == {"FREQ=WEEKLY;BYDAY=TU"}
    assert {e["series_id"] for e in x.events} == {COFFEE_URL}
    narrow = run("networking_coffee_weekly_schedule.html", url=COFFEE_URL, window_days_back=0, window_days_ahead=14)
    assert starts(narrow) == ["2027-02-02T07:30:00-06:00", "2027-02-09T07:30:00-06:00"]


def test_a_schedule_that_names_its_days_needs_no_start_date():
    html = page(
        event(
            {
                "@type": "Schedule",
                "repeatFrequency": "Weekly",
                "byDay": ["WE"],
                "startTime": "19:00",
                "duration": "PT90M",
                "scheduleTimezone": "US/Eastern",
            }
        )
    )
    x = run(html, window_days_back=0, window_days_ahead=21)
    assert [(e["start_text"], e["end_text"]) for e in x.events] == [
        ("2027-02-03T19:00:00-05:00", "2027-02-03T20:30:00-05:00"),
        ("2027-02-10T19:00:00-05:00", "2027-02-10T20:30:00-05:00"),
        ("2027-02-17T19:00:00-05:00", "2027-02-17T20:30:00-05:00"),
    ]
    assert x.events[0]["timezone"] == "America/New_York"
    later = run(html, now=NOW + timedelta(days=7), window_days_back=0, window_days_ahead=21)
    assert (
        later.events[0]["own_id"] == x.events[1]["own_id"] == "https://club.example/job-club#2027-02-10T19:00:00-05:00"
    )


# ------------------------------------------------------------------ the parts of a Schedule


@pytest.mark.parametrize(
    "schedule, rrule, first_starts",
    [
        (
            {
                "repeatFrequency": "P2W",
                "byDay": "https://schema.org/Thursday",
                "startDate": "2027-01-07",
                "startTime": "12:00",
            },
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
            ["2027-01-07T12:00:00", "2027-01-21T12:00:00", "2027-02-04T12:00:00"],
        ),
        (
            {
                "repeatFrequency": "P1M",
                "byMonthDay": 15,
                "startDate": "2027-01-01",
                "startTime": "8:00 AM",
                "repeatCount": 2,
            },
            "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=2",
            ["2027-01-15T08:00:00", "2027-02-15T08:00:00"],
        ),
        (
            {
                "repeatFrequency": "P1M",
                "byDay": "http://schema.org/Friday",
                "byMonthWeek": -1,
                "startDate": "2027-01-01",
                "endDate": "2027-03-31",
                "startTime": "16:00:00",
                "scheduleTimezone": "America/Denver",
            },
            "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270401T055959Z",
            ["2027-01-29T16:00:00-07:00", "2027-02-26T16:00:00-07:00", "2027-03-26T16:00:00-06:00"],
        ),
        (
            {
                "repeatFrequency": "P1W",
                "byDay": ["Monday", "Wednesday"],
                "startDate": "2027-01-11",
                "endDate": "2027-01-20",
                "startTime": "09:00",
            },
            "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270120T235959",
            ["2027-01-11T09:00:00", "2027-01-13T09:00:00", "2027-01-18T09:00:00", "2027-01-20T09:00:00"],
        ),
        (
            {"repeatFrequency": "P1D", "startDate": "2027-03-02", "endDate": "2027-03-04"},
            "FREQ=DAILY;UNTIL=20270304",
            ["2027-03-02", "2027-03-03", "2027-03-04"],
        ),
    ],
)
def test_schedule_parts_become_the_rule(schedule, rrule, first_starts):
    x = run(page(event({"@type": "Schedule", **schedule})))
    assert x.errors == []
    assert starts(x)[: len(first_starts)] == first_starts
    assert {e["rrule"] for e in x.events} == {rrule}


def test_exception_dates_of_an_all_day_schedule_remove_their_day():
    x = run(
        page(
            event(
                {
                    "@type": "Schedule",
                    "repeatFrequency": "P1D",
                    "startDate": "2027-03-01",
                    "endDate": "2027-03-05",
                    "exceptDate": ["2027-03-02", "2027-03-04T00:00:00"],
                }
            )
        )
    )
    assert starts(x) == ["2027-03-01", "2027-03-03", "2027-03-05"]


def test_several_schedules_are_several_series_and_a_schedule_without_repetition_is_one_event():
    x = run(
        page(
            event(
                [
                    {
                        "@type": "Schedule",
                        "startDate": "2029-06-01",
                        "startTime": "12:00",
                        "endTime": "14:00",
                        "scheduleTimezone": "Europe/Vienna",
                    },
                    {
                        "@type": "Schedule",
                        "repeatFrequency": "P1M",
                        "byDay": "https://schema.org/Sunday",
                        "byMonthWeek": 3,
                        "startDate": "2027-02-01",
                        "endDate": "2027-03-31",
                        "startTime": "15:00",
                        "endTime": "16:00",
                        "scheduleTimezone": "Europe/Vienna",
                    },
                ]
            )
        )
    )
    assert [(e["start_text"], e.get("series_id")) for e in x.events] == [
        ("2029-06-01T12:00:00+02:00", None),  # one date, however far ahead: a single event
        ("2027-02-21T15:00:00+01:00", "https://club.example/job-club#schedule-2"),
        ("2027-03-21T15:00:00+01:00", "https://club.example/job-club#schedule-2"),
    ]
    assert x.events[0]["own_id"] == "https://club.example/job-club" and "rrule" not in x.events[0]


def test_microdata_schedule():
    html = """<div itemscope itemtype="https://schema.org/Event"><h2 itemprop="name">Resume Lab</h2>
      <link itemprop="url" href="https://library.example/resume-lab">
      <div itemprop="eventSchedule" itemscope itemtype="https://schema.org/Schedule">
        <meta itemprop="repeatFrequency" content="P1W"><link itemprop="byDay" href="https://schema.org/Saturday">
        <meta itemprop="startTime" content="10:00"><meta itemprop="endTime" content="11:00">
        <meta itemprop="startDate" content="2027-01-02"><meta itemprop="endDate" content="2027-01-16">
      </div></div>"""
    x = run(f"<!DOCTYPE html><html><body>{html}</body></html>", window_days_back=60)
    assert [(e["start_text"], e["end_text"]) for e in x.events] == [
        ("2027-01-02T10:00:00", "2027-01-02T11:00:00"),
        ("2027-01-09T10:00:00", "2027-01-09T11:00:00"),
        ("2027-01-16T10:00:00", "2027-01-16T11:00:00"),
    ]  # no scheduleTimezone: wall times of the source
    assert x.events[0]["series_id"] == "https://library.example/resume-lab" and "timezone" not in x.events[0]


# ------------------------------------------------------------------ what cannot be read


def test_the_events_own_start_places_a_rule_that_names_no_day():
    x = run(
        page(
            event(
                {"@type": "Schedule", "repeatFrequency": "P2W", "endDate": "2027-04-01"},
                startDate="2027-03-04T18:00:00-06:00",
                endDate="2027-03-04T19:00:00-06:00",
            )
        )
    )
    assert [(e["start_text"], e["end_text"]) for e in x.events] == [
        ("2027-03-04T18:00:00", "2027-03-04T19:00:00"),
        ("2027-03-18T18:00:00", "2027-03-18T19:00:00"),
        ("2027-04-01T18:00:00", "2027-04-01T19:00:00"),
    ]  # every other Thursday, wall times of the source
    assert x.events[0]["rrule"] == "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270401T235959"


def test_a_schedule_that_cannot_be_placed_keeps_the_events_own_start():
    x = run(page(event({"@type": "Schedule", "repeatFrequency": "P2W"}, startDate="March 4, 2027 6:00 pm")))
    assert starts(x) == ["March 4, 2027 6:00 pm"] and "series_id" not in x.events[0]
    assert x.errors == ["event_schedule_unsupported"]
    hourly = run(page(event({"@type": "Schedule", "repeatFrequency": "PT1H"}, startDate="2027-03-04T18:00:00-06:00")))
    assert starts(hourly) == ["2027-03-04T18:00:00-06:00"] and hourly.errors == ["event_schedule_unsupported"]
    nothing = run(page(event({"@type": "Schedule", "repeatFrequency": "P2W", "byDay": "Monday"})))
    assert nothing.events == [] and nothing.errors == ["event_schedule_unsupported"]
    assert nothing.follow == ["https://club.example/job-club"]  # a dateless event: its own page may say more


def test_a_rule_that_matches_no_date_is_reported():
    x = run(
        page(
            event(
                {
                    "@type": "Schedule",
                    "repeatFrequency": "P1Y",
                    "byMonth": 2,
                    "byMonthDay": 30,
                    "startDate": "2027-01-01",
                }
            )
        )
    )
    assert x.events == [] and x.errors == ["event_schedule_unsupported"]


def test_without_a_context_the_schedule_is_not_expanded():
    x = schemaorg.extract_schemaorg((FIXTURES / "job_club_monthly_schedule.html").read_bytes(), CLUB_URL)
    assert x.events == [] and x.errors == ["event_without_start", "event_schedule_unsupported"]


# ------------------------------------------------------------------ the window applies to series only


def _vevent(start, end, rrule=None):
    from icalendar import Event

    component = Event()
    component.add("UID", "u")
    component.add("DTSTART", start)
    component.add("DTEND", end)
    if rrule:
        from icalendar import vRecur

        component.add("RRULE", vRecur.from_ical(rrule))
    return component


def test_a_single_event_is_kept_however_far_ahead_and_dropped_once_over():
    window = series.Window(Context(now=NOW, timezone="America/Chicago"))
    far = datetime(2029, 3, 20, 9, tzinfo=UTC)
    assert [
        c["DTSTART"].dt
        for c, _ in series.occurrences("u", [_vevent(far, far + timedelta(hours=8))], window, [], series.Budget())
    ] == [far]
    over = datetime(2026, 12, 1, 9, tzinfo=UTC)  # ended before the window's start (2027-01-02)
    assert list(series.occurrences("u", [_vevent(over, over + timedelta(hours=1))], window, [], series.Budget())) == []


def test_a_series_is_expanded_within_the_window_only():
    window = series.Window(Context(now=NOW, timezone="UTC", options={"window_days_back": 0, "window_days_ahead": 30}))
    start = datetime(2026, 1, 4, 9, tzinfo=UTC)  # a Monday
    component = _vevent(start, start + timedelta(hours=1), "FREQ=WEEKLY")
    series.prepare_recurrence(component, start, window, [])
    found = [
        c["DTSTART"].dt.date().isoformat() for c, _ in series.occurrences("u", [component], window, [], series.Budget())
    ]
    assert found == ["2027-02-07", "2027-02-14", "2027-02-21", "2027-02-28"]


# ------------------------------------------------------------------ end to end: a crawl over 127.0.0.1


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The job club and the networking coffee pages served on 127.0.0.1, crawled twice."""
    work = tmp_path_factory.mktemp("schedule-crawl")
    site = work / "site"
    (site / "programs").mkdir(parents=True)
    (site / "events").mkdir()
    for name, target in (
        ("job_club_monthly_schedule.html", site / "programs" / "job-club.html"),
        ("networking_coffee_weekly_schedule.html", site / "events" / "networking-coffee.html"),
    ):
        target.write_bytes((FIXTURES / name).read_bytes())
    with serve_directory(site) as base:
        sources = f"""
[sources.lakeshore-workforce]
spider = "schemaorg"
urls = ["{base}programs/job-club.html"]
timezone = "America/Chicago"
event_type = "job_club"

[sources.foxvalley-chamber]
spider = "schemaorg"
urls = ["{base}events/networking-coffee.html"]
timezone = "America/Chicago"
"""
        first, db = crawl(work, sources, now=NOW.isoformat())
        before = query(db, "select id, first_seen from events order by id")
        second, _ = crawl(work, sources, now=NOW.isoformat())
    return db, first, second, before


def test_crawl_stores_each_meeting_of_the_schedule(crawled):
    db, first, _, _ = crawled
    assert first.returncode == 0, first.stderr[-3000:]
    assert " ok " in summary(first, "lakeshore-workforce") and "events=11" in summary(first, "lakeshore-workforce")
    assert "events=56" in summary(first, "foxvalley-chamber")
    club = query(db, "select * from events where source = 'lakeshore-workforce' order by start_utc")
    assert [r["start"] for r in club][2:4] == ["2027-03-08T18:00:00-06:00", "2027-04-12T18:00:00-05:00"]
    assert not any(r["start"].startswith(("2027-05-10", "2027-10-11")) for r in club)
    assert {(r["series_id"], r["rrule"], r["timezone"], r["event_type"]) for r in club} == {
        (CLUB_ID, "FREQ=MONTHLY;BYDAY=2MO", "America/Chicago", "job_club")
    }
    coffee = query(db, "select start, end, series_id from events where source = 'foxvalley-chamber' order by start_utc")
    assert (coffee[0]["start"], coffee[0]["end"]) == ("2027-01-05T07:30:00-06:00", "2027-01-05T08:30:00-06:00")
    assert coffee[-1]["start"] == "2028-01-25T07:30:00-06:00"


def test_second_crawl_keeps_every_id(crawled):
    db, _, second, before = crawled
    assert second.returncode == 0
    assert query(db, "select id, first_seen from events order by id") == before
    assert len(before) == 11 + 56
