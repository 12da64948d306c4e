"""eventhound health: each source's health from its runs, the alarms, the exit code."""

import json

from eventhound import db as database
from eventhound.sources import Source
from tests.kit import cli


def runs_of(db, source, crawls):
    for number, (items, errors, error) in enumerate(crawls, start=1):
        database.record_run(
            db,
            {
                "source": source,
                "started": f"2027-02-{number:02d}T08:00:00+00:00",
                "items": items,
                "errors": errors,
                "error": error,
            },
        )


def test_health_names_what_needs_attention(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    database.save_sources(
        db,
        [
            Source(key=k, spider="ical", urls=("https://x.example/c.ics",), timezone="UTC")
            for k in ("steady", "shrinking", "broken", "new")
        ],
    )
    runs_of(db, "steady", [(40, 0, None), (42, 0, None), (41, 0, None)])
    runs_of(db, "shrinking", [(40, 0, None), (44, 0, None), (42, 0, None), (12, 0, None)])
    runs_of(
        db,
        "broken",
        [
            (10, 0, None),
            (0, 1, "https://b.example/c.ics: HTTP 500"),
            (0, 1, "https://b.example/c.ics: DNS lookup failed"),
        ],
    )
    report = {h["source"]: h for h in database.source_health(db)}
    db.close()
    assert report["steady"]["alarms"] == [] and report["steady"]["usual_events"] == 41
    assert report["shrinking"]["alarms"] == ["fell by more than half (12 events, usually 42)"]
    assert (
        report["broken"]["failures_in_a_row"] == 2 and report["broken"]["last_success"] == "2027-02-01T08:00:00+00:00"
    )
    assert report["broken"]["alarms"][:2] == ["failed: https://b.example/c.ics: DNS lookup failed", "no events"]
    assert report["new"]["alarms"] == ["never crawled"]
    result = cli("health", "--db", tmp_path / "events.db", "--json")
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in rows][-1] == "steady"  # the ones needing attention first


def test_all_well_exits_0(tmp_path):
    db = database.open_db(tmp_path / "events.db")
    runs_of(db, "steady", [(40, 0, None), (41, 0, None)])
    db.close()
    result = cli("health", "--db", tmp_path / "events.db")
    assert result.exit_code == 0 and "steady" in result.stdout and "ok" in result.stdout
