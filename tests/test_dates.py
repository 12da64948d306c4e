from datetime import date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from eventhound.dates import Moment, has_clock_time, parse_moment, to_iso, to_utc_iso

NOW = datetime(2027, 1, 10, 14, 15, tzinfo=timezone.utc)  # 09:15 in New York
NY = "America/New_York"


def iso(text, tz=NY, now=NOW, languages=("en",)):
    moment = parse_moment(text, tz, now, languages)
    assert moment is not None, text
    return to_iso(moment.value)


def test_iso_date_is_all_day_date():
    moment = parse_moment("2027-03-04", NY, NOW)
    assert moment == Moment(date(2027, 3, 4), True)
    assert type(moment.value) is date


def test_iso_forms():
    assert iso("2027-03-04T18:30") == "2027-03-04T18:30:00-05:00"
    assert iso("2027-03-04T18:30:15") == "2027-03-04T18:30:15-05:00"
    assert iso("2027-03-04T18:30:15.123456") == "2027-03-04T18:30:15-05:00"
    assert iso("2027-03-04T23:30:00Z") == "2027-03-04T18:30:00-05:00"
    assert iso("2027-03-04T23:30:00+00:00") == "2027-03-04T18:30:00-05:00"
    assert iso("2027-03-04T18:30:00-0500") == "2027-03-04T18:30:00-05:00"
    assert iso("2027-03-04T18:30:00-05:00") == "2027-03-04T18:30:00-05:00"


def test_local_time_is_dst_correct():
    assert iso("2027-01-15T18:00") == "2027-01-15T18:00:00-05:00"
    assert iso("2027-07-15T18:00") == "2027-07-15T18:00:00-04:00"
    assert to_utc_iso(parse_moment("2027-07-15T18:00", NY, NOW).value, NY) == "2027-07-15T22:00:00+00:00"


def test_matching_offset_uses_the_source_zone_object():
    moment = parse_moment("2027-07-15T18:00:00-04:00", NY, NOW)
    assert getattr(moment.value.tzinfo, "key", None) == NY
    assert moment.warning is None


def test_offset_of_another_zone_is_kept():
    moment = parse_moment("2017-06-10T19:30:00-0400", "Europe/London", NOW)
    assert to_iso(moment.value) == "2017-06-10T19:30:00-04:00"
    assert moment.value.utcoffset() == timedelta(hours=-4)
    assert moment.warning is None


def test_offset_of_the_zone_at_another_season_is_kept_with_a_warning():
    moment = parse_moment("2027-01-15T18:00:00-04:00", NY, NOW)
    assert to_iso(moment.value) == "2027-01-15T18:00:00-04:00"
    assert "-04:00" in moment.warning and "-05:00" in moment.warning


def test_broken_values_are_recovered():
    assert iso("2019-9-18T10-10-00-00") == "2019-09-18T10:10:00-04:00"
    moment = parse_moment("2027-03-04T18:30:00+0:00", "Europe/Paris", NOW)
    assert to_iso(moment.value) == "2027-03-04T18:30:00+01:00"
    assert "+0:00" in moment.warning
    assert iso("2027-03-04 18:30", "Europe/Paris") == "2027-03-04T18:30:00+01:00"
    assert iso("2027-03-04T18:30:00.000Z", "UTC") == "2027-03-04T18:30:00+00:00"
    assert iso("20270304T183000", "Europe/Berlin") == "2027-03-04T18:30:00+01:00"
    assert iso("  2027-03-04T18:30:00Z  </time> (CET)", "UTC") == "2027-03-04T18:30:00+00:00"
    assert iso("2027-03-04 6:30 pm") == "2027-03-04T18:30:00-05:00"
    assert iso("2027-03-04, 6:30 PM") == "2027-03-04T18:30:00-05:00"


def test_space_then_digits_is_not_a_time():
    assert parse_moment("2027-03-04 2027-03-06", NY, NOW) == Moment(date(2027, 3, 4), True)


def test_impossible_iso_values_are_none():
    assert parse_moment("2027-13-04", NY, NOW) is None
    assert parse_moment("2027-02-30T10:00", NY, NOW) is None
    assert parse_moment("2027-03-04T25:00", NY, NOW) is None


def test_time_in_dst_gap_moves_forward_with_warning():
    moment = parse_moment("2027-03-14T02:30", NY, NOW)
    assert to_iso(moment.value) == "2027-03-14T03:30:00-04:00"
    assert moment.warning


def test_dateparser_free_text():
    assert iso("March 3, 2027 6:30 PM") == "2027-03-03T18:30:00-05:00"
    assert iso("July 4, 2027 6pm") == "2027-07-04T18:00:00-04:00"


def test_yearless_text_prefers_the_future_from_now():
    assert parse_moment("Tues., Nov. 15th", NY, NOW) == Moment(date(2027, 11, 15), True)
    later = datetime(2027, 12, 1, tzinfo=timezone.utc)
    assert parse_moment("Tues., Nov. 15th", NY, later) == Moment(date(2028, 11, 15), True)


def test_yearless_today_stays_today():
    assert parse_moment("Jan 10", NY, NOW) == Moment(date(2027, 1, 10), True)
    assert iso("Jan 10 8am") == "2027-01-10T08:00:00-05:00"


def test_date_only_free_text_is_a_date_not_midnight():
    moment = parse_moment("March 3, 2027", NY, NOW)
    assert moment == Moment(date(2027, 3, 3), True)
    assert not isinstance(moment.value, datetime)
    assert parse_moment("tomorrow", NY, NOW) == Moment(date(2027, 1, 11), True)
    assert parse_moment("tomorrow evening", NY, NOW) == Moment(date(2027, 1, 11), True)


def test_other_languages():
    assert iso("mardi 16 novembre 2027 à 18h30", "Europe/Paris", languages=("fr",)) == "2027-11-16T18:30:00+01:00"
    assert parse_moment("16 novembre 2027", "Europe/Paris", NOW, ("fr",)) == Moment(date(2027, 11, 16), True)
    assert parse_moment("16 novembre 2027", "Europe/Paris", NOW, ("en",)) is None  # no auto-detection


def test_no_usable_date():
    for text in ["", "   ", "garbage", "TBA", "6:30 PM", "from 6pm", "March 2027", "2027", "next week"]:
        assert parse_moment(text, NY, NOW) is None, text


def test_unknown_zone_reads_utc_with_warning():
    moment = parse_moment("2027-03-04T18:30", "Mars/Olympus", NOW)
    assert to_iso(moment.value) == "2027-03-04T18:30:00+00:00"
    assert "Mars/Olympus" in moment.warning


def test_entity_encoded_markup_around_a_date():
    assert parse_moment("&lt;time&gt;2027-03-04&lt;/time&gt;", NY, NOW) == Moment(date(2027, 3, 4), True)


def test_has_clock_time():
    for text in ["6:30", "6pm", "6 p.m.", "18h", "18h30", "18 Uhr", "noon", "at midnight", "6.30pm"]:
        assert has_clock_time(text), text
    for text in ["Nov. 15th", "2027-03-04", "15.11.2027", "3 hours", "March 3"]:
        assert not has_clock_time(text), text


def test_to_iso_and_to_utc_iso():
    assert to_iso(date(2027, 3, 4)) == "2027-03-04"
    chicago = parse_moment("2027-03-04T18:30", "America/Chicago", NOW).value
    assert to_iso(chicago) == "2027-03-04T18:30:00-06:00"
    assert to_utc_iso(chicago, "America/Chicago") == "2027-03-05T00:30:00+00:00"
    assert to_utc_iso(date(2027, 3, 4), "America/Chicago") == "2027-03-04T06:00:00+00:00"
    assert to_utc_iso(date(2027, 7, 4), "Europe/London") == "2027-07-03T23:00:00+00:00"


def test_results_are_cached_per_now():
    first = parse_moment("tomorrow", NY, NOW)
    assert parse_moment("tomorrow", NY, NOW) is first
    assert parse_moment("tomorrow", NY, NOW + timedelta(days=1)) == Moment(date(2027, 1, 12), True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from([NY, "UTC", "Europe/London", "Asia/Kolkata", "Nope/Zone"]))
def test_random_text_never_raises(text, tz):
    moment = parse_moment(text, tz, NOW)
    assert moment is None or isinstance(moment, Moment)
    if moment is not None:
        if isinstance(moment.value, datetime):
            assert moment.value.utcoffset() is not None and not moment.all_day
        else:
            assert isinstance(moment.value, date) and moment.all_day


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ][0-9]{1,2}[:-][0-9]{2}([:-][0-9]{2})?([Z+-][0-9:]{0,5})?)?\Z"))
def test_iso_shaped_text_never_raises(text):
    moment = parse_moment(text, NY, NOW)
    assert moment is None or isinstance(moment.value, date)
