"""Cross-source deduplication: precision and recall, and how long it takes.

    .venv/bin/python benchmarks/dedupe.py [N] [--seed S] [--false K]

1. The labelled pairs in tests/fixtures/dedupe/pairs.jsonl (hand-written: the same fair
   from an ICS feed, a chamber's JSON-LD and a library's RSS; near misses): precision and
   recall of eventhound.dedupe.same_event, and the misses.
2. N synthetic records (default 20,000) from 10 sources over a year: real events (job
   fairs, mixers, workshops, job clubs … in 12 cities, several per city and day, titles
   from a small vocabulary so that look-alikes abound) each listed by one to three
   sources in their own format — a UTC instant with the place in one LOCATION string
   (ICS), local time with a structured address (JSON-LD), a date-only title with a date
   suffix (RSS); a job fair's listing names it in the source's own words three times in
   ten ("Career Fair", "Hiring Event", "Career & Job Fair" …) — plus weekly series whose
   occurrences must stay apart. Pairwise
   precision and recall of find_duplicates' groups against the truth, the time of
   find_duplicates, and of db.mark_duplicates on a SQLite file holding them. The false
   pairs are counted twice: all of them, and leaving out the indistinguishable ones --
   listings of two real events that tell nothing apart (same name, city and date; one
   an RSS listing with no venue or time, or the same venue within 2 h): the generator's
   look-alike vocabulary makes them, and no reader could split them. --false K prints K
   false pairs with the matcher's reason.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

from eventhound import db as database
from eventhound.db import EVENT_COLUMNS
from eventhound.dedupe import find_duplicates, same_event

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "dedupe" / "pairs.jsonl"
SOURCES = [f"src{i}" for i in range(10)]
CITIES = [
    ("Springfield", "IL", "America/Chicago"),
    ("Peoria", "IL", "America/Chicago"),
    ("Rockford", "IL", "America/Chicago"),
    ("Decatur", "IL", "America/Chicago"),
    ("Albany", "NY", "America/New_York"),
    ("Troy", "NY", "America/New_York"),
    ("Raleigh", "NC", "America/New_York"),
    ("Durham", "NC", "America/New_York"),
    ("Denver", "CO", "America/Denver"),
    ("Boulder", "CO", "America/Denver"),
    ("Oakland", "CA", "America/Los_Angeles"),
    ("San Jose", "CA", "America/Los_Angeles"),
]
VENUES = [
    "Civic Center",
    "Public Library",
    "Convention Center",
    "Community College",
    "Career Center",
    "Marriott Hotel",
    "Chamber Office",
    "Union Hall",
    "Innovation Hub",
    "Fairgrounds",
]
SEASON = ["Spring", "Summer", "Fall", "Winter", "Regional", "Annual", "Citywide", "Youth", "Veterans", "Tech"]
KIND = [
    "Job Fair",
    "Career Fair",
    "Hiring Event",
    "Career Expo",
    "Networking Mixer",
    "Business After Hours",
    "Resume Workshop",
    "Interview Skills Workshop",
    "LinkedIn Workshop",
    "Employer Info Session",
]
FAIR_NAMES = [
    "Job Fair",
    "Career Fair",
    "Hiring Event",
    "Career Expo",
    "Career & Job Fair",
    "Hiring Fair",
    "Employment Expo",
]
RENAMED = 0.3  # how often a source names a job fair in its own words
FIELD = ["", "", "", "Healthcare", "Manufacturing", "Logistics", "IT", "Construction", "Hospitality", "Finance"]


def percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def labelled_pairs() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    tp = fp = fn = 0
    misses = []
    started = time.perf_counter()
    for pair in pairs:
        found, score, reason = same_event(pair["a"], pair["b"])
        tp += found and pair["duplicate"]
        fp += found and not pair["duplicate"]
        fn += (not found) and pair["duplicate"]
        if found != pair["duplicate"]:
            misses.append(f"  {'false match' if found else 'missed'}: {pair['why']} ({reason})")
    elapsed = time.perf_counter() - started
    print(
        f"labelled pairs: {len(pairs)} ({sum(p['duplicate'] for p in pairs)} duplicates)  "
        f"precision {percent(tp / max(tp + fp, 1))}  recall {percent(tp / max(tp + fn, 1))}  "
        f"({1e6 * elapsed / len(pairs):.0f} µs a pair)"
    )
    print("\n".join(misses))


def listing(
    rng: random.Random,
    source: str,
    truth: str,
    n: int,
    title: str,
    local: datetime,
    city: str,
    region: str,
    venue: str,
    fmt: str,
    name: tuple = (),
) -> dict:
    record = {c: None for c in EVENT_COLUMNS}
    utc = local.astimezone(UTC)
    record.update(
        id=f"{source}:{n:07d}",
        source=source,
        all_day=0,
        event_type="job_fair",
        source_url=f"https://{source}.example/events/",
        first_seen="2027-01-01T00:00:00+00:00",
        start_utc=utc.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        _truth=truth,
        # what the listing tells of its event: the event's name (a job fair's
        # names as one), city, venue and local start (an RSS listing: neither)
        _told=(name or (title,), city, None if fmt == "rss" else venue, None if fmt == "rss" else local, local.date()),
    )
    if fmt == "ics":  # the instant in UTC, the place as one LOCATION string
        record.update(
            title=title,
            start=utc.isoformat(),
            timezone="UTC",
            venue_name=f"{city} {venue}, {rng.randint(1, 999)} Main St, {city}, {region}",
        )
    elif fmt == "jsonld":  # local time with offset, structured address
        record.update(
            title=title,
            start=local.isoformat(),
            timezone=str(local.tzinfo),
            venue_name=f"{city} {venue}",
            street=f"{rng.randint(1, 999)} Main St",
            city=city,
            region=region,
            url=f"https://{source}.example/events/{n}/",
            description="Meet employers hiring now. " * rng.randint(0, 20),
        )
    else:  # rss: a date suffix in the title, the date only, the city from the source's defaults
        record.update(
            title=f"{title} - {local:%B} {local.day}, {local.year}",
            start=local.date().isoformat(),
            start_utc=local.date().isoformat(),
            all_day=1,
            city=city,
            timezone=str(local.tzinfo),
        )
    return record


def synthetic(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    records: list[dict] = []
    day0 = datetime(2027, 1, 4)
    serial = 0
    real = 0
    clubs: set[tuple[str, str]] = set()
    while len(records) < n:
        real += 1
        city, region, zone = rng.choice(CITIES)
        venue = rng.choice(VENUES)
        kind = rng.choice(KIND)
        season, field = rng.choice(SEASON), rng.choice(FIELD)
        title = " ".join(w for w in (season, field, kind) if w)
        name = (season, field, "job fair" if kind in FAIR_NAMES else kind)
        start = day0 + timedelta(days=rng.randrange(365), minutes=30 * rng.randrange(8 * 2, 19 * 2))
        start = start.replace(tzinfo=ZoneInfo(zone))
        if rng.random() < 0.03 and (city, venue) not in clubs:
            # a job club (one per city and venue): one source, weekly occurrences, never duplicates
            clubs.add((city, venue))
            source = rng.choice(SOURCES)
            for week in range(rng.randint(2, 8)):
                serial += 1
                records.append(
                    listing(
                        rng,
                        source,
                        f"t{real}w{week}",
                        serial,
                        f"{city} {venue} Job Club",
                        start + timedelta(weeks=week),
                        city,
                        region,
                        venue,
                        "jsonld",
                    )
                )
            continue
        for source in rng.sample(SOURCES, rng.choice((1, 1, 2, 2, 3))):
            serial += 1
            fmt = rng.choice(("ics", "jsonld", "jsonld", "rss"))
            shift = timedelta(minutes=rng.choice((0, 0, 0, 30, -30, 60))) if fmt != "rss" else timedelta(0)
            named = title
            if kind in FAIR_NAMES and rng.random() < RENAMED:
                named = title.replace(kind, rng.choice(FAIR_NAMES))
            records.append(
                listing(rng, source, f"t{real}", serial, named, start + shift, city, region, venue, fmt, name)
            )
    return records[:n]


def indistinguishable(a: dict, b: dict) -> bool:
    """Two listings of two real events that tell nothing apart: the same name, city and
    local date, and a venue and start unknown on one side, or the same venue with starts
    at most 2 h apart (the matcher's tolerance). A reader would merge them too."""
    name_a, city_a, venue_a, start_a, day_a = a["_told"]
    name_b, city_b, venue_b, start_b, day_b = b["_told"]
    if (name_a, city_a, day_a) != (name_b, city_b, day_b):
        return False
    if venue_a is None or venue_b is None:
        return True
    return venue_a == venue_b and abs(start_a - start_b) <= timedelta(hours=2)


def pairwise(records: list[dict], found: list[tuple[str, str, float]]) -> dict:
    """Pairwise precision and recall of the found groups against the truth, the number of
    pairs found, the false pairs, and how many of them are indistinguishable."""
    truth = {r["id"]: r["_truth"] for r in records}
    predicted_group = {r["id"]: r["id"] for r in records}
    for dup, canonical, _ in found:
        predicted_group[dup] = canonical

    def same_pairs(group_of: dict) -> set:
        groups = defaultdict(list)
        for record_id, group in group_of.items():
            groups[group].append(record_id)
        return {tuple(sorted(p)) for ids in groups.values() for p in combinations(ids, 2)}

    true_pairs, found_pairs = same_pairs(truth), same_pairs(predicted_group)
    hits = len(true_pairs & found_pairs)
    by_id = {r["id"]: r for r in records}
    false = sorted(found_pairs - true_pairs)
    alike = sum(indistinguishable(by_id[a], by_id[b]) for a, b in false)
    return dict(
        precision=hits / max(len(found_pairs), 1),
        recall=hits / max(len(true_pairs), 1),
        found=len(found_pairs),
        false=false,
        alike=alike,
    )


def show_false(records: list[dict], false: list, count: int, seed: int) -> None:
    by_id = {r["id"]: r for r in records}
    for a, b in random.Random(seed).sample(false, min(count, len(false))):
        print(
            f"  false pair ({'indistinguishable' if indistinguishable(by_id[a], by_id[b]) else 'told apart'}): "
            f"{same_event(by_id[a], by_id[b])[2]}"
        )
        for r in (by_id[a], by_id[b]):
            print(f"    {r['id']} {r['title']!r} {r['start']} {r['venue_name'] or '-'} / {r['city'] or '-'}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 20_000
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 7
    labelled_pairs()

    records = synthetic(n, seed)
    started = time.perf_counter()
    found = find_duplicates(records)
    elapsed = time.perf_counter() - started
    score = pairwise(records, found)
    false, alike = score["false"], score["alike"]
    groups = len({r["_truth"] for r in records})
    print(
        f"synthetic: {len(records)} records from {len(SOURCES)} sources, {groups} real events "
        f"(seed {seed}): {len(found)} marked as duplicates; pairwise precision {percent(score['precision'])} "
        f"recall {percent(score['recall'])}; find_duplicates {elapsed:.2f}s"
    )
    print(
        f"false pairs: {len(false)} of {score['found']}, of which {alike} indistinguishable (two events of "
        f"one name, city and date, the venue and time unknown on one side or the same); precision not "
        f"counting those {percent(1 - (len(false) - alike) / max(score['found'] - alike, 1))}"
    )
    if "--false" in sys.argv:
        show_false(records, false, int(sys.argv[sys.argv.index("--false") + 1]), seed)

    with tempfile.TemporaryDirectory() as tmp:
        db = database.open_db(Path(tmp) / "bench.db")
        database.upsert_events(db, records, "2027-01-01T00:00:00+00:00")
        started = time.perf_counter()
        counts = database.mark_duplicates(db, "2027-01-01T00:00:00+00:00")
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = database.mark_duplicates(db, "2027-01-01T00:00:00+00:00")
        second = time.perf_counter() - started
        db.close()
    print(
        f"mark_duplicates on SQLite: {counts['considered']} rows, {counts['duplicates']} duplicates, "
        f"{first:.2f}s; again (nothing changes: {again['changed']} changed) {second:.2f}s"
    )


if __name__ == "__main__":
    main()
