"""`eventhound when`: one date text, or JSON lines on stdin, to the engine's JSON fields."""

import json

from tests.kit import cli

FIELDS = ["start", "end", "all_day", "timezone", "rrule", "warning", "error"]


def run_when(*args, stdin=None):
    return cli("when", *args, input=stdin)


def when(*args) -> dict:
    result = run_when(*args)
    assert result.exit_code == 0, result.stderr
    [line] = result.stdout.splitlines()
    out = json.loads(line)
    assert list(out) == FIELDS
    return out


def test_help_has_a_purpose_and_an_example():
    result = run_when("--help")
    assert result.exit_code == 0
    assert "Example: eventhound when" in result.stdout
    assert "--jsonl" in result.stdout and "--day-first" in result.stdout and "--lang" in result.stdout


def test_the_help_example():
    out = when("second Tuesday of each month, 7:30-9 AM", "--tz", "America/Chicago", "--now", "2027-01-10T14:15:00Z")
    assert out == {
        "start": "2027-01-12T07:30:00-06:00",
        "end": "2027-01-12T09:00:00-06:00",
        "all_day": False,
        "timezone": "America/Chicago",
        "rrule": "FREQ=MONTHLY;BYDAY=2TU;BYHOUR=7;BYMINUTE=30",
        "warning": None,
        "error": None,
    }


def test_a_range_of_days_and_a_time_range():
    out = when("March 3-5, 2027", "--tz", "America/New_York", "--now", "2027-01-10T00:00:00Z")
    assert (out["start"], out["end"], out["all_day"]) == ("2027-03-03", "2027-03-05", True)
    out = when("Oct 12 | 6:30-8 p.m.", "--tz", "America/New_York", "--now", "2027-01-10T00:00:00Z")
    assert (out["start"], out["end"]) == ("2027-10-12T18:30:00-04:00", "2027-10-12T20:00:00-04:00")


def test_the_default_zone_is_utc_and_now_defaults_to_the_clock():
    out = when("July 4, 2031 6pm")  # a year given: the clock does not matter
    assert (out["start"], out["timezone"]) == ("2031-07-04T18:00:00+00:00", "UTC")


def test_no_usable_date_is_an_error_with_a_reason():
    out = when("TBA", "--now", "2027-01-10T00:00:00Z")
    assert out["start"] is None and "to be announced" in out["error"]


def test_a_weekday_contradiction_is_a_warning():
    out = when("Friday, March 4, 2027", "--now", "2027-01-10T00:00:00Z")
    assert out["start"] == "2027-03-04" and "Thursday" in out["warning"]


def test_day_first_and_languages():
    assert when("03/04/2027", "--now", "2027-01-10T00:00:00Z")["start"] == "2027-03-04"
    assert when("03/04/2027", "--day-first", "--now", "2027-01-10T00:00:00Z")["start"] == "2027-04-03"
    out = when("jeudi 4 mars 2027 à 18h30", "--lang", "fr", "--tz", "Europe/Paris", "--now", "2027-01-10T00:00:00Z")
    assert out["start"] == "2027-03-04T18:30:00+01:00"


def test_bad_options_are_usage_errors():
    result = run_when("March 3, 2027", "--tz", "Mars/Olympus")
    assert result.exit_code == 2 and "unknown time zone" in result.stderr
    result = run_when("March 3, 2027", "--now", "yesterday-ish")
    assert result.exit_code == 2 and "--now" in result.stderr
    result = run_when()
    assert result.exit_code == 2 and "--jsonl" in result.stderr


def test_jsonl_one_result_per_line_in_order_and_bad_lines_do_not_stop_the_stream():
    lines = [
        {"text": "March 3-5, 2027", "now": "2027-01-10T00:00:00Z", "tz": "America/Chicago"},
        "this is not json",
        {"text": "every Tuesday at 9:30 AM", "now": "2027-01-10T14:15:00Z", "tz": "America/New_York"},
        {"text": "March 3, 2027", "tz": "Mars/Olympus"},
        {"text": "Jan 8"},  # --now and --tz of the command
        {"now": "2027-01-10T00:00:00Z"},
        {"text": "TBA"},
        {"text": "Jan 8", "now": "not a time"},
        {"text": "3 mars 2027 à 18h", "tz": "Europe/Paris", "languages": ["fr"]},
    ]
    stdin = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n\n"
    result = run_when("--jsonl", "--now", "2026-12-20T00:00:00Z", "--tz", "America/Denver", stdin=stdin)
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert all(list(o) == FIELDS for o in out)
    assert (out[0]["start"], out[0]["end"]) == ("2027-03-03", "2027-03-05")
    assert "bad input line" in out[1]["error"]
    assert (out[2]["rrule"], out[2]["start"]) == (
        "FREQ=WEEKLY;BYDAY=TU;BYHOUR=9;BYMINUTE=30",
        "2027-01-12T09:30:00-05:00",
    )
    assert "unknown time zone" in out[3]["error"]
    assert (out[4]["start"], out[4]["timezone"]) == ("2027-01-08", "America/Denver")
    assert "text" in out[5]["error"]
    assert "to be announced" in out[6]["error"]
    assert "now" in out[7]["error"]
    assert out[8]["start"] == "2027-03-03T18:00:00+01:00"


def test_jsonl_many_lines_in_one_process():
    texts = [f"March {day}, 2027 {hour}:30 PM" for day in range(1, 29) for hour in range(1, 8)]
    stdin = "".join(json.dumps({"text": t, "tz": "America/Chicago"}) + "\n" for t in texts)
    result = run_when("--jsonl", "--now", "2027-01-01T00:00:00Z", stdin=stdin)
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(texts)
    assert out[0]["start"] == "2027-03-01T13:30:00-06:00"
    assert out[-1]["start"] == "2027-03-28T19:30:00-05:00"  # after the DST change of March 14
