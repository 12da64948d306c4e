"""How eventhound.db.upsert_events loads events: executemany of one
INSERT ... ON CONFLICT(id) DO UPDATE vs sqlite-utils upsert_all, both in ONE transaction.

    .venv/bin/python benchmarks/upsert.py [N]

Both variants have the same semantics (first_seen set on insert only, last_seen
refreshed, removed_at cleared, duplicate_of kept); upsert_all needs a second UPDATE for
that because it cannot express "set on insert only".
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from eventhound.db import EVENT_COLUMNS, open_db, upsert_events


def make_records(n: int) -> list[dict]:
    records = []
    for i in range(n):
        r = {c: None for c in EVENT_COLUMNS}
        r.update(
            id=f"bench:{i:06d}",
            source="bench",
            source_url=f"https://example.org/events?page={i // 20}",
            title=f"Spring Job Fair number {i}",
            description="Meet employers hiring now. " * 8,
            url=f"https://example.org/events/{i}",
            event_type="job_fair",
            topics='["tech"]',
            start="2027-03-04T18:30:00-06:00",
            end="2027-03-04T20:30:00-06:00",
            start_utc="2027-03-05T00:30:00Z",
            end_utc="2027-03-05T02:30:00Z",
            all_day=0,
            timezone="America/Chicago",
            time_text="March 4, 6:30-8:30pm",
            status="scheduled",
            attendance="in_person",
            venue_name="Convention Center",
            street="1 Main St",
            city="Springfield",
            region="IL",
            postal_code="62701",
            country="US",
            latitude=39.78,
            longitude=-89.65,
            organizer="Chamber of Commerce",
            is_free=1,
        )
        records.append(r)
    return records


def via_executemany(db, records, seen_at):
    upsert_events(db, records, seen_at)


def via_upsert_all(db, records, seen_at):
    rows = []
    for r in records:
        row = {k: v for k, v in r.items() if k not in ("first_seen", "duplicate_of", "removed_at")}
        row["last_seen"] = seen_at
        row["removed_at"] = None
        if r.get("duplicate_of") is not None:
            row["duplicate_of"] = r["duplicate_of"]
        rows.append(row)
    with db.atomic():
        db["events"].upsert_all(rows, pk="id")
        db.execute("UPDATE events SET first_seen = ? WHERE first_seen IS NULL", [seen_at])


def run(fn, records, repeats=5):
    fresh, again = [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            db = open_db(Path(tmp) / "bench.db")
            t = time.perf_counter()
            fn(db, records, "2027-03-01T00:00:00Z")
            fresh.append(time.perf_counter() - t)
            t = time.perf_counter()
            fn(db, records, "2027-03-02T00:00:00Z")
            again.append(time.perf_counter() - t)
            assert db["events"].count == len(records)
            assert (
                db.execute("SELECT count(*) FROM events WHERE first_seen != '2027-03-01T00:00:00Z'").fetchone()[0] == 0
            )
            db.close()
    return statistics.median(fresh), statistics.median(again)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    records = make_records(n)
    for name, fn in (("executemany ON CONFLICT", via_executemany), ("upsert_all + UPDATE", via_upsert_all)):
        fresh, again = run(fn, records)
        print(
            f"{name:26s} {n} records: insert {fresh * 1000:7.1f} ms   re-upsert {again * 1000:7.1f} ms  (median of 5)"
        )


if __name__ == "__main__":
    main()
