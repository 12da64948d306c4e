"""An event the publisher deletes: after two complete crawls that no longer list it, it is
marked removed (and leaves the digests); a failed crawl in between removes nothing; an event
that comes back is no longer removed."""

import json
from pathlib import Path

from eventhound import db as database
from eventhound.localsite import serve_directory
from tests.conftest import crawl, query

EVENTS = {
    "fair": ("Spring Job Fair", "2027-03-10T10:00:00-06:00"),
    "mixer": ("Business After Hours", "2027-03-12T17:30:00-06:00"),
    "past": ("January Luncheon", "2027-01-15T12:00:00-06:00"),
}


def publish(site: Path, keys) -> None:
    """The events page, listing these events (schema.org JSON-LD); None: the page is gone (404)."""
    page = site / "events" / "index.html"
    if keys is None:
        page.unlink(missing_ok=True)
        return
    blocks = "".join(
        '<script type="application/ld+json">'
        + json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "Event",
                "name": EVENTS[k][0],
                "startDate": EVENTS[k][1],
                "url": f"https://chamber.example/events/{k}",
                "location": {"@type": "Place", "name": "Hall"},
            }
        )
        + "</script>"
        for k in keys
    )
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<html><head>{blocks}</head><body>Events</body></html>")


def test_deleted_events_are_removed_after_two_complete_crawls_only(tmp_path):
    site, work = tmp_path / "site", tmp_path / "work"
    work.mkdir()
    with serve_directory(site) as base:
        sources = f'[sources.chamber]\nspider = "schemaorg"\nurls = ["{base}events/"]\ntimezone = "America/Chicago"\n'

        def night(day: int, keys):
            publish(site, keys)
            result, db = crawl(work, sources, now=f"2027-02-{day:02d}T08:00:00+00:00")
            removed = {r["title"]: r["removed_at"] for r in query(db, "select title, removed_at from events")}
            db.close()
            return result, removed

        _, removed = night(1, ["fair", "mixer", "past"])
        assert removed == {"Spring Job Fair": None, "Business After Hours": None, "January Luncheon": None}
        _, removed = night(2, ["fair"])  # the mixer and the past luncheon are no longer listed: one miss
        assert removed["Business After Hours"] is None
        failed, removed = night(3, None)  # the page is gone: a failed crawl says nothing
        assert failed.returncode == 1 and removed["Business After Hours"] is None
        _, removed = night(4, ["fair"])  # the second complete crawl without it
        assert removed["Business After Hours"] == "2027-02-04T08:00:00+00:00"
        assert removed["January Luncheon"] is None and removed["Spring Job Fair"] is None  # past; still listed
        db = database.open_db(work / "events.db")
        upcoming = [e["title"] for e in database.upcoming(db, "2027-02-04T09:00:00+00:00", 60)]
        db.close()
        assert upcoming == ["Spring Job Fair"]  # gone from what the digests show
        _, removed = night(5, ["fair", "mixer"])  # it comes back
        assert removed["Business After Hours"] is None
