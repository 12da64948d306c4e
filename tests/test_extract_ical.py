"""The ical extractor: iCalendar feeds to raw events, one per occurrence, on our own fixtures."""

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventhound.extract import Tally, extract_events
from eventhound.extractors import ical
from eventhound.extractors.base import Context
from eventhound.formats import detect_format
from eventhound.runlog import run_row
from eventhound.sources import Source

FIXTURES = Path(__file__).parent / "fixtures" / "ical"
NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)  # window: 2027-01-02 .. 2028-02-01


def read(name):
    return (FIXTURES / name).read_bytes().decode("utf-8")


def run(name_or_text, tz="America/New_York", url="https://www.capregionwb.example/events/?ical=1", **options):
    text = read(name_or_text) if name_or_text in {p.name for p in FIXTURES.iterdir()} else name_or_text
    return ical.extract(text, url, Context(now=NOW, timezone=tz, options=options))


def titled(extraction, title):
    return [e for e in extraction.events if e["title"] == title]


def calendar(*lines):
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines, "END:VCALENDAR", ""])


def vevent(*lines, uid="job-fair-1", summary="County Job Fair", start="DTSTART;TZID=America/Chicago:20270310T100000"):
    head = [f"UID:{uid}"] if uid else []
    head += [f"SUMMARY:{summary}"] if summary else []
    head += [start] if start else []
    return ["BEGIN:VEVENT", *head, *lines, "END:VEVENT"]


# ------------------------------------------------------------------ sniffing


def test_looks_like_a_calendar_after_bom_and_whitespace():
    assert ical.looks_like("\ufeff\r\n  BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert ical.looks_like("begin:vcalendar\n")
    assert not ical.looks_like('{"message":"Group not found"}')
    assert not ical.looks_like("<!DOCTYPE html><html><body><pre>\nBEGIN:VCALENDAR\n</pre>")


def test_content_detection_picks_ical_for_a_feed_not_for_html_or_json():
    assert detect_format(read("workforce_board_google.ics")) == "ical"
    assert detect_format(read("tec_ical_returned_html.html")) != "ical"
    assert detect_format(read("meetup_group_not_found.json")) != "ical"


# ------------------------------------------------------------------ recurring series


def test_weekly_series_expands_with_exdate_override_and_cancelled_occurrence():
    x = run("workforce_board_google.ics")
    assert x.errors == []
    club = [e for e in x.events if e.get("series_id") == "7q2k1jobclubtuesday0capregion@google.com"]
    assert [e["start_text"] for e in club] == [
        "2027-02-02T09:30:00-05:00",
        "2027-02-09T09:30:00-05:00",
        # 2027-02-16 is an EXDATE
        "2027-02-23T09:30:00-05:00",
        "2027-03-02T09:30:00-05:00",
        "2027-03-10T13:00:00-05:00",  # 03-09 moved to Wednesday afternoon (RECURRENCE-ID)
        "2027-03-16T09:30:00-04:00",  # after the DST change: still 09:30 local
        "2027-03-23T09:30:00-04:00",
        "2027-03-30T09:30:00-04:00",  # UNTIL is 23:59:59 local on the 30th
    ]
    assert all(e["rrule"] == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270331T035959Z" for e in club)
    assert all(e["timezone"] == "America/New_York" for e in club)
    assert len({e["own_id"] for e in club}) == len(club)
    assert club[0]["own_id"] == "7q2k1jobclubtuesday0capregion@google.com#2027-02-02T09:30:00-05:00"
    assert club[5]["end_text"] == "2027-03-16T11:00:00-04:00"


def test_moved_occurrence_carries_its_own_title_and_place():
    moved = next(e for e in run("workforce_board_google.ics").events if e["start_text"].startswith("2027-03-10"))
    assert moved["title"] == "Tuesday Morning Job Club (moved to Wednesday)"
    assert moved["venue_name"].startswith("Albany Public Library - Washington Ave Branch")
    assert moved["end_text"] == "2027-03-10T14:30:00-05:00"


def test_cancelled_occurrence_is_kept_with_its_status_and_the_series_title():
    x = run("workforce_board_google.ics")
    cancelled = [e for e in x.events if e.get("event_status") == "CANCELLED"]
    assert len(cancelled) == 1
    assert cancelled[0]["start_text"] == "2027-03-23T09:30:00-04:00"
    assert cancelled[0]["title"] == "Tuesday Morning Job Club"  # the override has no SUMMARY
    assert cancelled[0]["venue_name"].startswith("Capital Region One-Stop Career Center")
    others = [e for e in x.events if e.get("series_id") == cancelled[0]["series_id"] and e is not cancelled[0]]
    assert all(e["event_status"] == "CONFIRMED" for e in others)


def test_moved_occurrence_carries_its_original_start_in_the_event_zone():
    # Google writes the RECURRENCE-ID in UTC: 18:30Z on 10 March is 11:30 MST, before the DST change
    x = run("hr_chapter_monthly_moved.ics", tz="America/New_York")
    assert x.errors == []
    chapter = [e for e in x.events if e.get("series_id") == "5m0ch4pt3rlunch2027rmhra@google.com"]
    assert [e["start_text"][:10] for e in chapter][:4] == ["2027-01-13", "2027-02-10", "2027-03-17", "2027-04-14"]
    moved = chapter[2]
    assert moved["start_text"] == "2027-03-17T11:30:00-06:00"
    assert moved["previous_start_text"] == "2027-03-10T11:30:00-07:00"
    assert [e for e in chapter if "previous_start_text" in e] == [moved]
    # the moved meeting keeps the id it had before the move (UID + RECURRENCE-ID)
    blocks = read("hr_chapter_monthly_moved.ics").split("BEGIN:VEVENT")
    unmoved = "BEGIN:VEVENT".join(b for b in blocks if "RECURRENCE-ID:20270310T183000Z" not in b)
    before = next(e for e in run(unmoved, tz="America/New_York").events if e["start_text"].startswith("2027-03-10"))
    assert moved["own_id"] == before["own_id"] == "5m0ch4pt3rlunch2027rmhra@google.com#2027-03-10T11:30:00-07:00"
    # an override that only changes the text, and a cancelled one, moved nothing
    program = next(e for e in chapter if e["start_text"].startswith("2027-05-12"))
    assert program["title"] == "RMHRA Monthly Chapter Meeting: Skills-Based Hiring"
    cancelled = next(e for e in chapter if e["start_text"].startswith("2027-07-14"))
    assert cancelled["event_status"] == "CANCELLED"
    assert "previous_start_text" not in program and "previous_start_text" not in cancelled
    # the Google-style fixture: Tuesday 9:30 moved to Wednesday 13:00
    wednesday = next(e for e in run("workforce_board_google.ics").events if e["start_text"].startswith("2027-03-10"))
    assert wednesday["previous_start_text"] == "2027-03-09T09:30:00-05:00"


def test_original_start_of_moved_all_day_and_floating_occurrences():
    text = calendar(
        *vevent("RRULE:FREQ=WEEKLY;COUNT=3", uid="week", summary="Career Week", start="DTSTART;VALUE=DATE:20270302"),
        *vevent(
            "RECURRENCE-ID;VALUE=DATE:20270309", uid="week", summary="Career Week", start="DTSTART;VALUE=DATE:20270311"
        ),
        *vevent("RRULE:FREQ=WEEKLY;COUNT=3", uid="club", summary="Job Club", start="DTSTART:20270302T180000"),
        *vevent("RECURRENCE-ID:20270309T180000", uid="club", summary="Job Club", start="DTSTART:20270309T190000"),
    )
    x = run(text, tz="America/Chicago")
    assert [(e["start_text"], e.get("previous_start_text")) for e in titled(x, "Career Week")] == [
        ("2027-03-02", None),
        ("2027-03-11", "2027-03-09"),
        ("2027-03-16", None),
    ]
    assert [(e["start_text"], e.get("previous_start_text")) for e in titled(x, "Job Club")] == [
        ("2027-03-02T18:00:00", None),
        ("2027-03-09T19:00:00", "2027-03-09T18:00:00"),
        ("2027-03-16T18:00:00", None),
    ]


def test_a_series_changed_from_one_occurrence_on_is_not_a_moved_occurrence():
    text = calendar(
        *vevent(
            "RRULE:FREQ=WEEKLY;COUNT=4",
            uid="club",
            summary="Job Club",
            start="DTSTART;TZID=America/Chicago:20270302T180000",
        ),
        *vevent(
            "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=America/Chicago:20270316T180000",
            uid="club",
            summary="Job Club",
            start="DTSTART;TZID=America/Chicago:20270316T183000",
        ),
    )
    x = run(text, tz="America/Chicago")
    assert [e["start_text"][11:16] for e in x.events] == ["18:00", "18:00", "18:30", "18:30"]
    assert not any("previous_start_text" in e for e in x.events)


def test_rule_without_end_is_expanded_only_within_the_window():
    x = run("workforce_board_google.ics")
    nights = titled(x, "Veterans Career Networking Night")
    assert len(nights) == 13
    assert nights[0]["start_text"] == "2027-01-07T18:00:00-05:00"
    assert nights[-1]["start_text"] == "2028-01-06T18:00:00-05:00"
    assert nights[3]["start_text"] == "2027-04-01T18:00:00-04:00"
    assert not titled(x, "Fall Job Fair 2026")  # ended before the window


def test_the_window_applies_to_series_only_a_single_event_far_ahead_is_kept():
    x = run("workforce_board_google.ics")
    [fair] = titled(x, "Spring Job Fair 2028")  # 2028-04-06: beyond the 365 days of the window
    assert (fair["start_text"], fair["end_text"]) == ("2028-04-06T10:00:00-04:00", "2028-04-06T14:00:00-04:00")
    assert fair["own_id"] == "spring-job-fair-2028@google.com#2028-04-06T10:00:00-04:00"
    assert "series_id" not in fair and "rrule" not in fair
    assert not any(e["start_text"] > "2028-02-02" for e in x.events if e.get("series_id"))


def test_a_trade_show_two_years_ahead_beside_a_weekly_series():
    x = run("trade_show_and_weekly_series.ics", tz="America/Detroit")
    [expo] = titled(x, "Great Lakes Manufacturing & Automation Expo 2029")
    assert (expo["start_text"], expo["end_text"]) == ("2029-03-20T09:00:00-04:00", "2029-03-22T17:00:00-04:00")
    assert expo["own_id"] == "glma-expo-2029@glma.example#2029-03-20T09:00:00-04:00" and "series_id" not in expo
    weekly = titled(x, "Thursday Members Networking Breakfast")
    assert [e["start_text"] for e in weekly][:2] == ["2027-01-07T07:30:00-05:00", "2027-01-14T07:30:00-05:00"]
    assert len(weekly) == 56 and weekly[-1]["start_text"] == "2028-01-27T07:30:00-05:00"
    assert not titled(x, "Plant Safety Summit 2026")
    later = run("trade_show_and_weekly_series.ics", tz="America/Detroit", window_days_back=0)
    assert titled(later, "Great Lakes Manufacturing & Automation Expo 2029")[0]["own_id"] == expo["own_id"]
    ids = {e["start_text"]: e["own_id"] for e in weekly}
    assert all(ids[e["start_text"]] == e["own_id"] for e in titled(later, "Thursday Members Networking Breakfast"))


def test_window_is_configurable_through_the_source_options():
    x = run("workforce_board_google.ics", window_days_back=0, window_days_ahead=60)
    assert [e["start_text"][:10] for e in titled(x, "Veterans Career Networking Night")] == [
        "2027-02-04",
        "2027-03-04",
        "2027-04-01",
    ]
    assert [e["start_text"] for e in titled(x, "Healthcare Career Week")] == ["2027-04-12"]  # single: kept
    assert not titled(x, "Fall Job Fair 2026")  # ended before the window
    wide = run("workforce_board_google.ics", window_days_back=120, window_days_ahead=500)
    assert titled(wide, "Fall Job Fair 2026") and titled(wide, "Spring Job Fair 2028")


def test_rdate_only_series_and_single_events():
    text = calendar(
        *vevent(
            "DTEND;TZID=America/Chicago:20270310T150000",
            "RDATE;TZID=America/Chicago:20270414T100000,20270512T100000",
            uid="fairs",
        ),
        *vevent(uid="one-off", summary="Open House"),
    )
    x = run(text, tz="America/Chicago")
    fairs = titled(x, "County Job Fair")
    assert [e["start_text"] for e in fairs] == [
        "2027-03-10T10:00:00-06:00",
        "2027-04-14T10:00:00-05:00",
        "2027-05-12T10:00:00-05:00",
    ]
    assert all(e["series_id"] == "fairs" and "rrule" not in e for e in fairs)
    single = titled(x, "Open House")[0]
    assert "series_id" not in single and "rrule" not in single


def test_own_ids_are_stable_across_extractions():
    first = [e["own_id"] for e in run("workforce_board_google.ics").events]
    second = [e["own_id"] for e in run("workforce_board_google.ics").events]
    assert first == second and len(set(first)) == len(first)


# ------------------------------------------------------------------ times


def test_utc_times_are_shown_in_the_calendar_zone_x_wr_timezone():
    fair = titled(run("workforce_board_google.ics", tz="America/Chicago"), "Spring Hiring Fair 2027")[0]
    assert fair["start_text"] == "2027-03-18T10:00:00-04:00"
    assert fair["end_text"] == "2027-03-18T15:00:00-04:00"
    assert fair["timezone"] == "America/New_York"


def test_floating_time_in_a_calendar_with_x_wr_timezone_is_local_there():
    session = titled(
        run("workforce_board_google.ics", tz="America/Chicago"), "Employer Info Session: Albany Regional Hospital"
    )[0]
    assert session["start_text"] == "2027-05-05T12:00:00-04:00"
    assert session["timezone"] == "America/New_York"
    assert "end_text" not in session  # neither DTEND nor DURATION


def test_floating_times_without_a_calendar_zone_stay_wall_times_for_the_source_zone():
    x = run("chamber_floating_times.ics", tz="America/Chicago")
    breakfasts = titled(x, "Chamber Breakfast: Meet the Employers")
    assert [e["start_text"] for e in breakfasts] == [
        "2027-03-02T07:30:00",
        "2027-03-09T07:30:00",
        "2027-03-16T07:30:00",
        "2027-03-23T07:30:00",
    ]
    assert all("timezone" not in e for e in breakfasts)
    assert breakfasts[0]["end_text"] == "2027-03-02T09:00:00"


def test_all_day_events_end_on_their_inclusive_last_day():
    x = run("workforce_board_google.ics")
    week = titled(x, "Healthcare Career Week")[0]
    assert (week["start_text"], week["end_text"], week["all_day"]) == ("2027-04-12", "2027-04-14", "true")
    tours = titled(x, "Manufacturing Day Plant Tours")[0]  # no DTEND: one day
    assert tours["start_text"] == "2027-10-07" and "end_text" not in tours and tours["all_day"] == "true"
    closed = titled(run("library_tec_export.ics"), "Library Closed - Presidents Day")[0]
    assert closed["start_text"] == "2027-02-15" and "end_text" not in closed  # DTEND 02-16 exclusive


def test_duration_gives_the_end():
    workshop = titled(run("workforce_board_google.ics"), "LinkedIn Profile Workshop")[0]
    assert workshop["end_text"] == "2027-04-20T19:30:00-04:00"
    assert workshop["event_status"] == "TENTATIVE"


def test_tzid_gmt_without_vtimezone_is_a_utc_instant_shown_in_the_source_zone():
    desk = titled(run("library_tec_export.ics", tz="America/Los_Angeles"), "Job Search Help Desk")[0]
    assert desk["start_text"] == "2027-02-17T18:00:00+00:00"
    assert "timezone" not in desk  # GMT says when, not where


def test_custom_vtimezone_keeps_its_offsets_and_windows_names_map_to_iana():
    x = run("outlook_custom_tz_eastern.ics")
    lunch = titled(x, "Chapter Luncheon: Employment Law Update")[0]
    assert lunch["start_text"] == "2027-03-16T11:30:00-04:00"  # after the DST change of its own rules
    assert "timezone" not in lunch  # "Customized Time Zone" is no IANA zone
    board = titled(x, "Chapter Board Meeting")[0]
    assert board["start_text"] == "2027-01-20T17:00:00-05:00"
    assert board["timezone"] == "America/New_York"  # TZID "Eastern Standard Time"


def test_two_feeds_with_the_same_custom_tzid_do_not_share_it():
    # icalendar caches custom zones by TZID for the whole process: each feed must keep its own
    east1 = titled(run("outlook_custom_tz_eastern.ics"), "Chapter Luncheon: Employment Law Update")[0]
    west = titled(run("outlook_custom_tz_pacific.ics"), "Chapter Luncheon: Pay Transparency Rules")[0]
    east2 = titled(run("outlook_custom_tz_eastern.ics"), "Chapter Luncheon: Employment Law Update")[0]
    assert west["start_text"] == "2027-03-16T11:30:00-07:00"
    assert east1["start_text"] == east2["start_text"] == "2027-03-16T11:30:00-04:00"


def test_legacy_zone_alias_is_given_by_its_canonical_name():
    text = calendar(*vevent("DTEND;TZID=US/Pacific:20270310T110000", start="DTSTART;TZID=US/Pacific:20270310T100000"))
    event = run(text).events[0]
    assert event["start_text"] == "2027-03-10T10:00:00-08:00"
    assert event["timezone"] == "America/Los_Angeles"


def test_unknown_tzid_without_vtimezone_is_read_as_floating():
    text = calendar(*vevent(start="DTSTART;TZID=Central Office Time:20270310T100000"))
    x = run(text, tz="America/Chicago")
    assert x.events[0]["start_text"] == "2027-03-10T10:00:00"
    assert "ical_unknown_tzid" in x.errors


def test_unknown_x_wr_timezone_is_reported_and_ignored():
    text = calendar("X-WR-TIMEZONE:Chamber Standard Time", *vevent(start="DTSTART:20270310T100000"))
    x = run(text, tz="America/Chicago")
    assert x.events[0]["start_text"] == "2027-03-10T10:00:00"
    assert "ical_unknown_x_wr_timezone" in x.errors


# ------------------------------------------------------------------ fields


def test_place_link_organizer_categories_and_description():
    fair = titled(run("workforce_board_google.ics"), "Spring Hiring Fair 2027")[0]
    assert fair["venue_name"] == "Empire State Plaza Convention Center, Albany, NY 12242"
    assert (fair["latitude"], fair["longitude"]) == ("42.6503", "-73.7596")
    assert fair["url"] == "https://www.capregionwb.example/events/spring-hiring-fair-2027/"
    assert fair["organizer"] == "Capital Region Workforce Board"
    assert fair["categories"] == ["Job Fair", "Hiring Event"]
    assert fair["description"].startswith("<p>Meet 60+ employers hiring now in healthcare, manufacturing, logistics")
    assert fair["own_id"] == "3hvb0springhiringfair2027@google.com#2027-03-18T10:00:00-04:00"
    assert "series_id" not in fair and "rrule" not in fair


def test_relative_url_is_made_absolute_against_the_feed():
    desk = titled(
        run("library_tec_export.ics", url="https://www.riversidelibrary.example/events/?ical=1"), "Job Search Help Desk"
    )[0]
    assert desk["url"] == "https://www.riversidelibrary.example/event/job-search-help-desk/"


def test_method_cancel_cancels_every_event():
    text = calendar("METHOD:CANCEL", *vevent())
    assert run(text).events[0]["event_status"] == "CANCELLED"


# ------------------------------------------------------------------ broken feeds


def test_vtimezone_with_two_tzids_and_duplicate_blocks_do_not_sink_the_feed():
    x = run("library_tec_export.ics", tz="America/Los_Angeles")
    assert "ical_vtimezone_repaired" in x.errors
    assert len(x.events) == 4
    workshop = titled(x, "Résumé Writing Workshop")[0]
    assert workshop["start_text"] == "2027-02-10T14:00:00-06:00"
    assert workshop["timezone"] == "America/Chicago"
    assert titled(x, "Interview Skills for Career Changers")[0]["start_text"] == "2027-03-24T10:00:00-05:00"


def test_continuation_lines_that_lost_their_space_are_joined_back():
    x = run("library_tec_export.ics")
    assert "ical_folding_repaired" in x.errors
    workshop = titled(x, "Résumé Writing Workshop")[0]
    assert "Our career librarian reviews drafts one-on-one afterwards." in workshop["description"]
    assert "Room: Community Room B (second floor)" in workshop["description"]
    assert workshop["url"] == "https://www.riversidelibrary.example/event/resume-writing-workshop/"
    assert workshop["organizer"] == "Riverside Public Library"
    assert workshop["categories"] == ["Careers", "Adults"]


def test_a_repaired_calendar_counts_a_warning_and_a_broken_one_an_error():
    source = Source(
        key="library", spider="ical", urls=("https://library.example/events.ics",), timezone="America/Chicago"
    )

    def counts(text):
        stats = Tally()
        records = extract_events(text, source.urls[0], source, NOW, fmt="ical", stats=stats)
        row = run_row(source.key, stats, "S", "F", "finished")
        return [r["title"] for r in records], row["warnings"], row["errors"]

    folded = calendar(
        *vevent("DESCRIPTION:Bring a printed copy of your résumé; a librarian reviews it with y", "ou one-on-one.")
    )  # the continuation line lost its leading space
    assert counts(folded) == (["County Job Fair"], 1, 0)
    truncated = calendar(*vevent()).replace("END:VCALENDAR\r\n", "") + "BEGIN:VEVENT\r\nUID:cut\r\nSUMMARY:Cut off\r\n"
    assert counts(truncated) == (["County Job Fair"], 0, 1)  # ical_truncated: the cut event is lost


@pytest.mark.parametrize("name", ["meetup_group_not_found.json", "tec_ical_returned_html.html"])
def test_html_or_json_body_is_not_a_calendar(name):
    x = run(name)
    assert x.events == [] and x.errors == ["not_a_calendar"]


@pytest.mark.parametrize(
    "text", ["", "   ", "null", b'{"message":"Group not found"}', "Sorry, this calendar is private."]
)
def test_anything_else_is_not_a_calendar(text):
    assert ical.extract(text, "https://x.example/", Context(now=NOW)).errors == ["not_a_calendar"]


def test_text_before_the_calendar_and_a_truncated_end_lose_only_the_cut_event():
    x = run("truncated_with_php_warning.ics", tz="America/Denver")
    assert x.errors == ["ical_leading_junk_repaired", "ical_truncated"]
    assert [e["title"] for e in x.events] == ["Networking After Hours at Copper Kettle"]
    assert x.events[0]["start_text"] == "2027-02-25T17:30:00-07:00"


def test_events_without_uid_or_with_a_shared_uid_stay_distinct():
    x = run("chamber_floating_times.ics", tz="America/Chicago")
    mixers = titled(x, "Young Professionals Mixer")
    assert [e["start_text"][:10] for e in mixers] == ["2027-04-15", "2027-05-13"]
    assert len({e["own_id"] for e in mixers}) == 2
    assert [e["own_id"] for e in mixers] == [
        e["own_id"] for e in titled(run("chamber_floating_times.ics"), "Young Professionals Mixer")
    ]
    orientations = [e for e in x.events if e["title"].startswith("New Member Orientation")]
    assert len(orientations) == 2  # same UID, different starts, no RECURRENCE-ID


def test_unreadable_parts_of_an_event_are_dropped_not_the_event():
    text = calendar(
        *vevent("DTEND;TZID=America/Chicago:20270310T090000", uid="a", summary="End before start"),
        *vevent("DTEND:not-a-date", uid="b", summary="Broken end"),
        *vevent("RRULE:FREQ=WEEKLY;BYDAY=XX", uid="c", summary="Broken rule"),
        *vevent(uid="d", summary="No start", start=None),
        *vevent(uid="e", summary="Bad start", start="DTSTART:2027-03-10 10:00"),
        *vevent(uid="f", summary=None),
        *vevent("EXDATE:garbage", "RRULE:FREQ=DAILY;COUNT=2", uid="g", summary="Broken exdate"),
    )
    x = run(text, tz="America/Chicago")
    by_title = {e["title"]: e for e in x.events}
    assert set(by_title) == {"End before start", "Broken end", "Broken rule", "Broken exdate"}
    assert "end_text" not in by_title["End before start"] and "end_text" not in by_title["Broken end"]
    assert by_title["Broken rule"]["start_text"] == "2027-03-10T10:00:00-06:00"
    assert len(titled(x, "Broken exdate")) == 2
    for code in ("ical_bad_end", "ical_bad_rrule", "event_without_start", "event_without_name", "ical_bad_recurrence"):
        assert code in x.errors


def test_stray_lines_and_unclosed_components_are_survived():
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "END:VEVENT",
            *vevent(uid="a"),
            "END:VTODO",
            "BEGIN:VEVENT",
            "UID:b",
            "SUMMARY:Resume Lab",
            "DTSTART:20270311T150000Z",
            "END:VCALENDAR",
            "trailing junk",
            "",
        ]
    )
    x = run(text, tz="America/Chicago")
    assert sorted(e["title"] for e in x.events) == ["County Job Fair", "Resume Lab"]
    assert "ical_bad_line" in x.errors


def test_a_broken_value_outside_any_event_loses_only_its_component():
    # icalendar refuses the whole text for an unreadable value in the header or a VTIMEZONE
    text = calendar(
        "X-WR-TIMEZONE:America/New_York",
        "REFRESH-INTERVAL;VALUE=DURATION:hourly",
        "BEGIN:VTIMEZONE",
        "TZID:Chamber Time",
        "BEGIN:STANDARD",
        "DTSTART:sometime",
        "TZOFFSETFROM:-0500",
        "TZOFFSETTO:-0500",
        "END:STANDARD",
        "END:VTIMEZONE",
        *vevent(start="DTSTART:20270310T150000Z"),
        *vevent(uid="2", summary="Mock Interviews", start="DTSTART;TZID=Chamber Time:20270311T100000"),
    )
    x = run(text, tz="America/Chicago")
    assert x.errors.count("ical_bad_component") == 2
    by_title = {e["title"]: e for e in x.events}
    assert by_title["County Job Fair"]["start_text"] == "2027-03-10T10:00:00-05:00"  # X-WR-TIMEZONE kept
    assert by_title["Mock Interviews"]["start_text"] == "2027-03-11T10:00:00-05:00"  # its zone lost: floating


# ------------------------------------------------------------------ bounds


def timed(text, tz="America/Chicago"):
    started = time.perf_counter()
    x = run(text, tz=tz)
    return x, time.perf_counter() - started


def test_a_rule_every_second_is_refused_quickly():
    x, seconds = timed(calendar(*vevent("RRULE:FREQ=SECONDLY", start="DTSTART;TZID=America/Chicago:20270201T090000")))
    assert x.events == [] and x.errors == ["ical_rrule_too_frequent"]
    assert seconds < 2


def test_a_dense_rule_is_capped_per_series():
    hours = ",".join(map(str, range(24)))
    minutes = ",".join(map(str, range(0, 60, 5)))
    x, seconds = timed(
        calendar(
            *vevent(
                f"RRULE:FREQ=DAILY;BYHOUR={hours};BYMINUTE={minutes}",
                start="DTSTART;TZID=America/Chicago:20270101T000000",
            )
        )
    )
    assert len(x.events) == ical.MAX_PER_SERIES
    assert x.errors == ["occurrences_capped"]
    assert x.events[0]["start_text"] == "2027-01-02T06:00:00-06:00"  # now - 30 days, in the source zone
    assert seconds < 3


def test_a_rule_that_matches_no_date_does_not_run_to_year_9999():
    x, seconds = timed(calendar(*vevent("RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30")))
    assert seconds < 2
    assert [e["start_text"] for e in x.events] == ["2027-03-10T10:00:00-06:00"]  # DTSTART is an occurrence
    assert "ical_bad_rrule" in x.errors


def test_an_old_daily_rule_without_end_gives_the_window_only():
    x, seconds = timed(calendar(*vevent("RRULE:FREQ=DAILY", start="DTSTART;TZID=America/Chicago:19900105T080000")))
    assert len(x.events) == 395 and seconds < 3
    assert x.events[0]["start_text"] == "2027-01-02T08:00:00-06:00"
    assert x.events[-1]["start_text"] == "2028-01-31T08:00:00-06:00"


# ------------------------------------------------------------------ never raises

_LINES = st.one_of(
    st.sampled_from(
        [
            "BEGIN:VEVENT",
            "END:VEVENT",
            "BEGIN:VTIMEZONE",
            "END:VTIMEZONE",
            "RRULE:FREQ=WEEKLY",
            "DTSTART:20270301T100000Z",
            "DTSTART;VALUE=DATE:20270301",
            "DTEND:2027",
            "SUMMARY:Job Fair",
            "UID:x",
            "RECURRENCE-ID:20270308T100000Z",
            "EXDATE:20270308T100000Z",
            "TZID:Foo",
            "DTSTART;TZID=Foo:20270301T100000",
            "STATUS:CANCELLED",
            "DURATION:PT1H",
            " folded",
            "",
        ]
    ),
    st.text(max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINES, max_size=25))
def test_never_raises_on_arbitrary_lines(lines):
    x = ical.extract("\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR"]), "https://x.example/", Context(now=NOW))
    assert "ical_failed" not in x.errors
    for event in x.events:
        assert event["title"] and event["start_text"]
