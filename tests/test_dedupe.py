"""One record per real event: eventhound.dedupe (pure matching) and db.mark_duplicates / event_sources."""

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from eventhound import db as database
from eventhound.dedupe import find_duplicates, normalize_title, same_event
from tests.kit import stored_record

PAIRS = Path(__file__).resolve().parent / "fixtures" / "dedupe" / "pairs.jsonl"
SEEN = "2027-03-01T00:00:00+00:00"


def event(id, source, title, start, start_utc, **fields):
    return stored_record(
        dict(
            id=id,
            source=source,
            title=title,
            start=start,
            start_utc=start_utc,
            all_day=0,
            timezone="America/Chicago",
            source_url=f"https://{source}.example/events/",
        ),
        **fields,
    )


BOS = dict(
    venue_name="Bank of Springfield Center",
    street="1 Convention Center Plaza",
    city="Springfield",
    region="IL",
    postal_code="62701",
)


def chamber_fair(**fields):
    base = dict(
        id="chamber:fair",
        source="chamber",
        title="Spring Career & Job Fair",
        start="2027-03-04T10:00:00-06:00",
        start_utc="2027-03-04T16:00:00+00:00",
        url="https://chamber.example/events/spring-career-fair/",
        description="Meet 60+ employers.",
        end="2027-03-04T14:00:00-06:00",
        **BOS,
    )
    return event(**{**base, **fields})


def ics_fair(**fields):
    base = dict(
        id="workforce:fair",
        source="workforce",
        title="Spring Career and Job Fair 2027",
        start="2027-03-04T16:00:00+00:00",
        start_utc="2027-03-04T16:00:00+00:00",
        timezone="UTC",
        venue_name="Bank of Springfield Center, 1 Convention Center Plaza, Springfield, IL 62701",
        url="https://workforce.example/calendar/fair.ics",
    )
    return event(**{**base, **fields})


def library_fair(**fields):
    base = dict(
        id="library:fair",
        source="library",
        title="Spring Job Fair - March 4, 2027",
        start="2027-03-04",
        start_utc="2027-03-04",
        all_day=1,
        city="Springfield",
    )
    return event(**{**base, **fields})


# ---------------------------------------------------------------------------- normalize_title


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The 13th Annual Spring Job Fair 2027", "spring job fair"),
        ("Spring Job Fair - March 4, 2027", "spring job fair"),
        ("SPRING JOB FAIRS!", "spring job fair"),
        ("Résumé & LinkedIn Workshop", "resume linkedin workshop"),
        ("Springfield Chamber of Commerce presents: Business After Hours", "springfield business after hour"),
        ("Job Club (Tuesday, 10am) at the Public Library", "job club"),
        ("Veterans' Job Fair", "veteran job fair"),
    ],
)
def test_normalize_title(text, expected):
    assert normalize_title(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Spring Job Fair",
        "Spring Career Fair",
        "Spring Hiring Fair",
        "Spring Employment Fair",
        "Spring Jobs Fair",
        "Spring Career Expo",
        "Spring Job Expo",
        "Spring Hiring Event",
        "Spring Career & Job Fair",
        "Spring Job and Career Fair",
        "Spring Career/Job Fair",
        "SPRING CAREER FAIRS",
        "Hiring Event - Spring",
    ],
)
def test_every_name_of_a_job_fair_reads_job_fair(text):
    assert set(normalize_title(text).split()) == {"spring", "job", "fair"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Career Fair Prep Workshop", "job fair prep workshop"),  # the sub-event word stays
        ("Job Club", "job club"),
        ("Career Center Open House", "career center open house"),
        ("Fair Housing Workshop", "fair housing workshop"),
        ("Spring Job Fair: 60+ Employers Hiring Now", "spring job fair employer hiring now"),
        ("Regional Healthcare Career…", "regional healthcare job fair"),  # cut short inside the name
        ("Regional Healthcare Career", "regional healthcare career"),
    ],
)
def test_job_fair_names_leave_other_words_alone(text, expected):
    assert normalize_title(text) == expected


def test_normalize_title_keeps_the_words_that_tell_events_apart():
    assert normalize_title("Spring Job Fair – Employer Registration") == "spring job fair employer registration"
    assert normalize_title("Nursing Hiring Event") != normalize_title("Pharmacy Hiring Event")


# ---------------------------------------------------------------------------- same_event


def test_same_fair_from_three_formats():
    ok, score, reason = same_event(chamber_fair(), ics_fair())
    assert ok and score == 1.0 and "same start" in reason
    ok, score, reason = same_event(chamber_fair(), library_fair())
    assert ok and score >= 0.82 and "same date" in reason and "same city" in reason
    assert same_event(ics_fair(), library_fair())[0]


def test_same_title_a_week_later_is_another_event():
    later = chamber_fair(id="chamber:fair2", start="2027-03-11T10:00:00-06:00", start_utc="2027-03-11T16:00:00+00:00")
    assert same_event(chamber_fair(), later) == (False, 0.0, "starts 7 days, 0:00:00 apart")


def test_start_tolerance_is_two_hours():
    assert same_event(chamber_fair(), ics_fair(start_utc="2027-03-04T18:00:00+00:00"))[0]
    ok, _, reason = same_event(chamber_fair(), ics_fair(start_utc="2027-03-04T18:01:00+00:00"))
    assert not ok and reason == "starts 2:01:00 apart"


def test_another_event_at_the_same_hour_and_place():
    clinic = ics_fair(title="Résumé Review Clinic")
    ok, score, reason = same_event(chamber_fair(), clinic)
    assert not ok and score < 0.5 and reason.startswith("titles differ")


def test_employer_registration_is_not_the_fair():
    registration = ics_fair(
        title="Spring Career & Job Fair – Employer Registration", start_utc="2027-03-04T14:30:00+00:00"
    )
    assert same_event(chamber_fair(), registration) == (
        False,
        pytest.approx(0.75, abs=0.1),
        "a title adds registration",
    )
    assert not same_event(chamber_fair(), registration)[0]


def test_online_and_in_person_editions_differ():
    online = ics_fair(venue_name=None, attendance="online", online_url="https://zoom.us/j/1")
    assert same_event(chamber_fair(), online) == (False, 0.0, "online vs in person")
    both = same_event(online, dict(online, id="x:1", source="x", online_url="https://meet.example/2"))
    assert both[0] and "both online" in both[2]


def test_different_cities_differ():
    peoria = ics_fair(venue_name="Peoria Civic Center", city="Peoria")
    assert same_event(chamber_fair(), peoria) == (False, 0.0, "different cities")


def test_missing_place_needs_a_stronger_title():
    bare = ics_fair(venue_name=None, title="Spring Career and Job Fair")
    assert same_event(chamber_fair(), bare)[0]  # 1.0
    longer = ics_fair(venue_name=None, title="Spring Regional Job Fair")  # 0.86: enough with a place, not without
    assert not same_event(chamber_fair(), longer)[0]
    assert same_event(chamber_fair(), ics_fair(title="Spring Regional Job Fair"))[0]


def test_one_source_matches_only_the_same_instant():
    listing = chamber_fair(id="chamber:listing", url=None)
    assert same_event(chamber_fair(), listing)[0]
    afternoon = chamber_fair(id="chamber:pm", start_utc="2027-03-04T17:00:00+00:00")
    assert same_event(chamber_fair(), afternoon) == (False, 1.0, "one source, different starts")


def test_career_fair_and_job_fair_are_one_event():
    ok, score, reason = same_event(
        chamber_fair(title="Spring Career Fair"), library_fair(title="Spring Job Fair - March 4")
    )
    assert ok and score == 1.0 and "same city" in reason
    assert same_event(ics_fair(title="Job and Career Fair"), chamber_fair(title="Springfield Hiring Event"))[0]


def test_job_fair_synonyms_make_no_false_merges():
    fair = chamber_fair(title="Spring Career Fair")
    prep = ics_fair(title="Spring Job Fair Prep Workshop", start_utc="2027-03-04T14:30:00+00:00")
    assert same_event(fair, prep)[:1] == (False,) and same_event(fair, prep)[2] == "a title adds prep, workshop"
    week_later = ics_fair(
        title="Spring Job Fair", start="2027-03-11T16:00:00+00:00", start_utc="2027-03-11T16:00:00+00:00"
    )
    assert not same_event(fair, week_later)[0]
    peoria = ics_fair(title="Spring Job Fair", venue_name="Peoria Civic Center, 201 SW Jefferson Ave, Peoria, IL 61602")
    assert same_event(fair, peoria) == (False, 0.0, "different cities")
    other_sector = ics_fair(title="Nursing Hiring Event")
    assert not same_event(chamber_fair(title="Manufacturing Career Fair"), other_sector)[0]


# ---------------------------------------------------------------------------- find_duplicates


def test_find_duplicates_picks_the_richest_record_as_canonical():
    records = [library_fair(), ics_fair(), chamber_fair()]
    result = find_duplicates(records)
    assert [(d, c) for d, c, _ in result] == [("library:fair", "chamber:fair"), ("workforce:fair", "chamber:fair")]
    assert all(0.82 <= score <= 1.0 for _, _, score in result)
    assert find_duplicates(list(reversed(records))) == result  # order does not matter


def test_canonical_ties_go_to_the_earliest_first_seen_then_id():
    a = ics_fair(id="b:1", source="b", first_seen="2027-01-02T00:00:00+00:00")
    b = ics_fair(id="a:1", source="a", first_seen="2027-01-01T00:00:00+00:00")
    assert [(d, c) for d, c, _ in find_duplicates([a, b])] == [("b:1", "a:1")]
    c = ics_fair(id="c:1", source="c", first_seen="2027-01-01T00:00:00+00:00")
    assert [(d, c_) for d, c_, _ in find_duplicates([c, b])] == [("c:1", "a:1")]


def test_find_duplicates_leaves_near_misses_alone():
    week_later = chamber_fair(
        id="library:next", source="library", start="2027-03-11T10:00:00-06:00", start_utc="2027-03-11T16:00:00+00:00"
    )
    clinic = ics_fair(title="Résumé Review Clinic")
    assert find_duplicates([chamber_fair(), week_later, clinic]) == []


def test_a_group_never_takes_two_unmatched_records_of_one_source():
    # The library lists the fair at 10:00 and its evening edition at 11:30 (one source, two
    # events); the workforce board's undated-time listing could match either.
    morning = chamber_fair(id="library:am", source="library")
    evening = chamber_fair(id="library:pm", source="library", start_utc="2027-03-04T17:30:00+00:00")
    board = library_fair(id="board:1", source="board")
    result = find_duplicates([morning, evening, board])
    canonicals = {c for _, c, _ in result}
    duplicates = {d for d, _, _ in result}
    assert len(result) == 1 and not ({"library:am", "library:pm"} <= canonicals | duplicates)


def test_find_duplicates_groups_a_fair_listed_under_three_names():
    records = [
        chamber_fair(title="Spring Career Fair"),
        ics_fair(title="Spring Hiring Event"),
        library_fair(title="Spring Job Fair - March 4, 2027"),
    ]
    assert [(d, c) for d, c, _ in find_duplicates(records)] == [
        ("library:fair", "chamber:fair"),
        ("workforce:fair", "chamber:fair"),
    ]


def test_blocking_compares_across_midnight():
    late = ics_fair(start="2027-03-04T23:30:00-06:00", start_utc="2027-03-05T05:30:00+00:00")
    utc = chamber_fair(start="2027-03-05T05:00:00+00:00", start_utc="2027-03-05T05:00:00+00:00")
    assert [(d, c) for d, c, _ in find_duplicates([late, utc])] == [("workforce:fair", "chamber:fair")]


# ---------------------------------------------------------------------------- the measured pairs


def test_pairs_precision_and_recall():
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(pairs) >= 40
    assert sum(p["duplicate"] for p in pairs) >= 15 and sum(not p["duplicate"] for p in pairs) >= 15
    tp = fp = fn = 0
    for pair in pairs:
        found = same_event(pair["a"], pair["b"])[0]
        # the same verdict whichever record comes first
        assert same_event(pair["b"], pair["a"])[0] == found, pair["why"]
        tp += found and pair["duplicate"]
        fp += found and not pair["duplicate"]
        fn += (not found) and pair["duplicate"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.95, (precision, recall)
    assert recall >= 0.9, (precision, recall)


# ---------------------------------------------------------------------------- the database


@pytest.fixture
def db(tmp_path):
    conn = database.open_db(tmp_path / "events.db")
    yield conn
    conn.close()


def test_event_sources_schema_and_migration(db):
    assert list(db["event_sources"].columns_dict) == [
        "event_id",
        "source",
        "source_url",
        "url",
        "first_seen",
        "last_seen",
    ]
    assert db["event_sources"].pks == ["event_id", "source", "source_url"]


def test_mark_duplicates_across_sources(db):
    database.upsert_events(db, [chamber_fair()], SEEN)
    database.upsert_events(db, [ics_fair(), library_fair()], "2027-03-01T01:00:00+00:00")
    counts = database.mark_duplicates(db, "2027-03-02T00:00:00+00:00")
    assert counts == {"considered": 3, "duplicates": 2, "changed": 2}
    assert db["events"].get("workforce:fair")["duplicate_of"] == "chamber:fair"
    assert db["events"].get("library:fair")["duplicate_of"] == "chamber:fair"
    assert db["events"].get("chamber:fair")["duplicate_of"] is None
    # upcoming (the digest) shows the event once
    upcoming = database.upcoming(db, "2027-03-02T00:00:00+00:00", 30)
    assert [r["id"] for r in upcoming] == ["chamber:fair"]
    # every source's URL, reached from the canonical record
    provenance = database.event_provenance(db, "chamber:fair")
    assert {(r["source"], r["url"]) for r in provenance} == {
        ("chamber", "https://chamber.example/events/spring-career-fair/"),
        ("workforce", "https://workforce.example/calendar/fair.ics"),
        ("library", None),
    }
    assert {r["source_url"] for r in provenance} == {
        f"https://{s}.example/events/" for s in ("chamber", "workforce", "library")
    }
    assert database.event_provenance(db, "library:fair") == provenance  # from a duplicate too
    # running it again changes nothing
    assert database.mark_duplicates(db, "2027-03-02T00:00:00+00:00")["changed"] == 0


def test_mark_duplicates_clears_when_the_match_goes(db):
    database.upsert_events(db, [chamber_fair(), ics_fair()], SEEN)
    database.mark_duplicates(db, "2027-03-02T00:00:00+00:00")
    assert db["events"].get("workforce:fair")["duplicate_of"] == "chamber:fair"
    # the board moves its listing a week on: no longer the same event
    moved = ics_fair(start_utc="2027-03-11T16:00:00+00:00", start="2027-03-11T16:00:00+00:00")
    database.upsert_events(db, [moved], "2027-03-02T00:00:00+00:00")
    counts = database.mark_duplicates(db, "2027-03-02T00:00:00+00:00")
    assert counts["duplicates"] == 0 and counts["changed"] == 1
    assert db["events"].get("workforce:fair")["duplicate_of"] is None


def test_mark_duplicates_reads_coordinates(db):
    """Two fairs of one name and hour, known only by their coordinates 300 km apart, stay two."""
    here = chamber_fair(venue_name=None, street=None, city=None, postal_code=None, latitude=39.80, longitude=-89.64)
    there = ics_fair(venue_name=None, latitude=41.88, longitude=-87.63)
    assert same_event(here, there)[0] is False
    database.upsert_events(db, [here, there], SEEN)
    assert database.mark_duplicates(db, "2027-03-02T00:00:00+00:00")["duplicates"] == 0


def test_mark_duplicates_leaves_old_and_removed_events_alone(db):
    old = [chamber_fair(), ics_fair()]
    database.upsert_events(db, old, SEEN)
    counts = database.mark_duplicates(db, "2027-06-01T00:00:00+00:00")  # three months later
    assert counts == {"considered": 0, "duplicates": 0, "changed": 0}
    assert db["events"].get("workforce:fair")["duplicate_of"] is None


def test_event_sources_keep_every_page_and_last_seen(db):
    database.upsert_events(db, [chamber_fair()], SEEN)
    database.upsert_events(
        db, [chamber_fair(source_url="https://chamber.example/events/page/2/")], "2027-03-02T00:00:00+00:00"
    )
    database.upsert_events(db, [chamber_fair()], "2027-03-03T00:00:00+00:00")
    rows = db.execute("select source_url, first_seen, last_seen from event_sources order by source_url").fetchall()
    assert rows == [
        ("https://chamber.example/events/", SEEN, "2027-03-03T00:00:00+00:00"),
        ("https://chamber.example/events/page/2/", "2027-03-02T00:00:00+00:00", "2027-03-02T00:00:00+00:00"),
    ]


def test_migration_fills_event_sources_from_an_older_database(tmp_path):
    import sqlite_utils

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    database.MIGRATIONS[0](old)  # a version-1 database with one event
    old.execute("PRAGMA user_version = 1")
    old["events"].insert(dict(chamber_fair(), first_seen=SEEN, last_seen=SEEN))
    old.conn.commit()
    old.close()
    db = database.open_db(path)
    assert db.execute("select event_id, source, url from event_sources").fetchall() == [
        ("chamber:fair", "chamber", "https://chamber.example/events/spring-career-fair/")
    ]
    db.close()


# ---------------------------------------------------------------------------- places and chains


@pytest.mark.parametrize(
    "location, city",
    [
        ("Bank of Springfield Center, 1 Convention Center Plaza, Springfield, IL 62701", "Springfield"),
        ("Peoria Civic Center, 201 SW Jefferson Ave, Peoria IL", "Peoria"),
        ("Ellis Hospital, Schenectady", "Schenectady"),
        ("Prairie Brewing Co., 3 W Old State Capitol Plaza, Springfield, IL, USA", "Springfield"),
        ("Oakland Main Library, 125 14th St", None),
        ("Moriches Community Ctr.", None),
    ],
)
def test_city_read_from_a_one_line_location(location, city):
    from eventhound.dedupe import _location_city

    assert _location_city(location) == city


def test_ics_location_in_another_city_is_another_place():
    peoria = ics_fair(venue_name="Peoria Civic Center, 201 SW Jefferson Ave, Peoria, IL 61602")
    assert same_event(chamber_fair(), peoria) == (False, 0.0, "different cities")


def test_coordinates_far_apart_are_another_place():
    here = chamber_fair(latitude=39.80, longitude=-89.65, city=None, postal_code=None)
    there = ics_fair(latitude=40.69, longitude=-89.59, venue_name="Bank of Springfield Center")  # Peoria, ~100 km
    assert same_event(here, there) == (False, 0.0, "far apart")
    near = ics_fair(latitude=39.81, longitude=-89.64, venue_name="Bank of Springfield Center")
    assert same_event(here, near)[0]


def test_a_misspelled_word_still_matches():
    ok, score, _ = same_event(chamber_fair(title="Spring Career & Job Fiar"), ics_fair())
    assert ok and score == 1.0
    # no word in common: transposed letters still meet in the blocking
    assert [d for d, _, _ in find_duplicates([chamber_fair(title="Sprign Fiar"), ics_fair(title="Spring Fair")])] == [
        "workforce:fair"
    ]


def test_a_chain_does_not_join_two_cities():
    # A date-only listing with no place matches a Springfield fair and a Peoria fair with
    # the same title at the same hour; the two fairs must not end up in one group.
    springfield = chamber_fair(id="a:1", source="a")
    peoria = chamber_fair(
        id="b:1", source="b", venue_name="Peoria Civic Center", street=None, city="Peoria", postal_code="61602"
    )
    bare = event("c:1", "c", "Spring Career & Job Fair", "2027-03-04T10:00:00-06:00", "2027-03-04T16:00:00+00:00")
    result = find_duplicates([springfield, peoria, bare])
    groups = {}
    for dup, canonical, _ in result:
        groups.setdefault(canonical, {canonical}).add(dup)
    assert not any({"a:1", "b:1"} <= g for g in groups.values())
    assert len(result) == 1


# ---------------------------------------------------------------------------- blocking


def test_two_named_venues_in_one_city_are_two_events():
    union = chamber_fair(venue_name="Springfield Union Hall", street=None, postal_code=None)
    civic = ics_fair(venue_name="Springfield Civic Center, 12 Main St, Springfield, IL")
    assert same_event(union, civic) == (False, 0.0, "different venues")
    # a listing that names no venue, or the same hall written another way, still matches
    assert same_event(union, library_fair())[0]
    assert same_event(union, ics_fair(venue_name="Union Hall, 12 Main St, Springfield, IL"))[0]


def test_a_trade_added_to_the_title_is_another_fair():
    healthcare = library_fair(title="Spring Healthcare Job Fair - March 4, 2027")
    ok, score, reason = same_event(chamber_fair(title="Spring Career Fair"), healthcare)
    assert not ok and score >= 0.82 and reason == "a title adds healthcare"
    assert same_event(chamber_fair(title="Spring Healthcare Career Fair"), healthcare)[0]


def test_blocking_meets_across_place_cells_and_dates():
    township = library_fair(id="township:1", source="township", city="Springfield Township")
    same_zip = ics_fair(venue_name="Bank of Springfield Center", city="Capital City", postal_code="62701")
    online = ics_fair(id="web:1", source="web", venue_name=None, attendance="online", online_url="https://zoom.us/j/1")
    online_too = chamber_fair(
        id="zoom:1", source="zoom", venue_name=None, street=None, city=None, postal_code=None, attendance="online"
    )
    # 23:30 on the 4th in Chicago is 05:30 UTC on the 5th; the ICS date reads the 5th
    late = chamber_fair(
        id="late:1", source="late", start="2027-03-04T23:30:00-06:00", start_utc="2027-03-05T05:30:00+00:00"
    )
    late_utc = ics_fair(
        id="lateics:1", source="lateics", start="2027-03-05T05:00:00+00:00", start_utc="2027-03-05T05:00:00+00:00"
    )
    for a, b in [(chamber_fair(), township), (chamber_fair(), same_zip), (online, online_too), (late, late_utc)]:
        assert same_event(a, b)[0], (a["id"], b["id"])
        assert len(find_duplicates([a, b])) == 1, (a["id"], b["id"])


def _mixed_records(n: int, seed: int) -> list[dict]:
    """n records over two days made to meet every blocking rule: job-fair titles common
    enough to be skipped as a rare key, city spellings within one another, one postal code
    under two city names, online, hybrid and placeless records, organizers named in
    titles, starts across midnight UTC, transposed typos, date-only listings."""
    rng = random.Random(seed)
    titles = [
        "Job Fair",
        "Career Fair",
        "Hiring Event",
        "Spring Job Fair",
        "Sprign Job Fiar",
        "Acme Job Fair",
        "Globex Career Fair",
        "Acme Globex Job Fair",
        "Spring Resume Workshop",
        "Resume Workshop",
        "Tech Job Fair",
        "Springfield Job Fair",
        "Job Fair Prep Workshop",
        "Business After Hours",
        "Spring Business After Hours",
        "Job and Career Expo",
    ]
    places = [
        dict(city="Springfield", venue_name="Civic Center"),
        dict(city="Springfield Township"),
        dict(city="Springfield", postal_code="62701"),
        dict(city="Capital City", postal_code="62701"),
        dict(city="Peoria", venue_name="Civic Center"),
        dict(venue_name="Civic Center"),
        {},
        dict(attendance="online", online_url="https://zoom.us/j/1"),
        dict(attendance="hybrid", city="Peoria"),
        dict(venue_name="Union Hall, 1 Main St, Springfield, IL"),
        dict(venue_name="Springfield Union Hall"),
    ]
    offsets = ["-06:00", "+00:00", "-10:00", "+09:00"]
    records = []
    for k in range(n):
        day, hour, offset = rng.choice((4, 5)), rng.choice((0, 1, 10, 11, 12, 22, 23)), rng.choice(offsets)
        start = f"2027-03-0{day}T{hour:02d}:{rng.choice(('00', '30'))}:00{offset}"
        utc = datetime.fromisoformat(start).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        fields = dict(rng.choice(places), organizer=rng.choice((None, "Acme", "Globex")))
        if rng.random() < 0.25:
            start = utc = f"2027-03-0{day}"
            fields["all_day"] = 1
        records.append(event(f"s{k % 7}:{k}", f"s{k % 7}", rng.choice(titles), start, utc, **fields))
    return records


def test_blocking_loses_no_pair_that_all_pairs_would_find():
    from eventhound.dedupe import _candidates, _Event, _matches, _same

    records = _mixed_records(360, seed=3)
    events = [_Event(r) for r in records]
    share_a_key = [
        (i, j)
        for i in range(len(events))
        for j in range(i + 1, len(events))
        if set(events[i].keys.values()) & set(events[j].keys.values())
    ]
    every_match = {(i, j) for i, j in share_a_key if _same(events[i], events[j])[0]}
    found = {(min(i, j), max(i, j)) for _, i, j in _matches(events)}
    assert len(every_match) > 200  # the mix does match, in every kind of cell
    assert found == every_match
    # ... while comparing a fraction of the pairs that share a title key
    assert len(_candidates(events)) < len(share_a_key) / 3
