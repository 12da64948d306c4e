"""365 nights of growth (issue 13): the database's size and each night's database time.

    .venv/bin/python benchmarks/growth.py [--sources 10000] [--nights 365] [--prune-days 90]
        [--prune-every 30] [--no-prune] [--every 30] [--seed S]
    .venv/bin/python benchmarks/growth.py --steady-state [--sources 10000] [--sample N]

No HTTP (a crawl's fetching is measured in benchmarks/crawl.py): each night drives exactly the
database work a night of `eventhound crawl` does, through the project's own code, on a SQLite
file in a temporary directory. Per source, as its crawl does: StorePipeline built as `eventhound
crawl` builds it (EVENTHOUND_INDEX_EACH_SOURCE off: process_item for each event, then
close_spider: one upsert transaction, no index rebuild), then RunLog's record_crawl steps
(save_sources, record_run, and mark_missing when the crawl was complete,
eventhound.runlog.complete). After all sources, as report_results does: refresh_fts once,
mark_duplicates, maintain (PRAGMA optimize, WAL checkpoint). Every --prune-every nights, as
the monthly cron: db.prune(--older-than --prune-days).

The simulated publishers: each source lists its upcoming events up to its horizon (30-120
days ahead): 2-30 at a time, about 10 on average; one source in seven lists weekly series
(job clubs) too. Every night time moves one day: events pass and drop off their listings,
new ones are announced at the horizon; a listed event changes a tracked field (title, end,
venue, status, online URL) with probability 0.4% a night, is moved to another day (another
id: a reschedule) 0.1%, is deleted by its publisher 0.1%. One new event in eight is listed by
one or two other sources of its city too (duplicates). Most sources fail 1 night in 100,
some 1 in 10, a few every other night: a failed fetch stores nothing; a partial crawl or one
that ran out of time stores part of its events and marks nothing removed.

Printed every --every nights (and nights 1, 2 and the last): the rows of events (removed,
duplicates), event_changes, event_sources, runs; the database file and its WAL (before the
nightly checkpoint / after); that night's seconds by step. `store` is StorePipeline (its
open_db and upsert transaction), `runs` save_sources + record_run (with record_crawl's
open_db), `missing` mark_missing, `fts` the one index rebuild, `dups`, `maintain`, `prune`.
The timings share a machine with whatever else runs: noisy.

--steady-state skips the year: it loads, in bulk (the project's upsert in batches of 20,000,
executemany for the log tables), the database as --nights nights leave it under the prune
policy: what the sources list now, the events that started since the last prune's cutoff
(each stored as the last crawl before its start stored it; some removed by their publisher),
a tracked change for some, a runs row per source and kept night, duplicates marked, the
index built, ANALYZE. event_misses and digest_runs are left empty (both stay small). Then it
times night --nights + 1 on it, every source (or, with --sample N, N random sources, the
per-source steps scaled to all) and the once-a-night steps, and then a prune on it.
"""

from __future__ import annotations

import argparse
import math
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from eventhound import db as database
from eventhound.runlog import complete, run_row
from eventhound.sources import Source
from pipelines.identify import event_id
from pipelines.store import StorePipeline

DAY0 = datetime(2027, 1, 4, 8, 15, tzinfo=UTC)  # night 1's crawl time (03:15 in Chicago)
CITIES = [
    ("Springfield", "IL", "America/Chicago"),
    ("Peoria", "IL", "America/Chicago"),
    ("Madison", "WI", "America/Chicago"),
    ("Omaha", "NE", "America/Chicago"),
    ("Albany", "NY", "America/New_York"),
    ("Buffalo", "NY", "America/New_York"),
    ("Raleigh", "NC", "America/New_York"),
    ("Columbus", "OH", "America/New_York"),
    ("Denver", "CO", "America/Denver"),
    ("Boise", "ID", "America/Boise"),
    ("Oakland", "CA", "America/Los_Angeles"),
    ("Portland", "OR", "America/Los_Angeles"),
    ("Toronto", "ON", "America/Toronto"),
    ("Leeds", "England", "Europe/London"),
    ("Dublin", "Leinster", "Europe/Dublin"),
    ("Sydney", "NSW", "Australia/Sydney"),
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
    "City Hall",
    "Workforce Center",
    "University Ballroom",
    "Rotary Club",
    "Makerspace",
]
SEASON = ["Spring", "Summer", "Fall", "Winter", "Regional", "Annual", "Citywide", "Youth", "Veterans", "Tech"]
FIELD = ["", "", "Healthcare", "Manufacturing", "Logistics", "IT", "Construction", "Hospitality", "Finance"]
KINDS = [
    ("Job Fair", "job_fair"),
    ("Career Expo", "job_fair"),
    ("Hiring Event", "job_fair"),
    ("Networking Mixer", "networking"),
    ("Business After Hours", "networking"),
    ("Resume Workshop", "workshop"),
    ("Interview Skills Workshop", "workshop"),
    ("Employer Info Session", "info_session"),
    ("Industry Breakfast", "association_meeting"),
    ("Trade Show", "trade_show"),
    ("Leadership Conference", "conference"),
]
SENTENCES = [
    "Meet employers who are hiring now across the region.",
    "Bring several copies of your resume.",
    "Registration is free but space is limited, so please sign up in advance.",
    "Career coaches will review resumes and practise interviews with you.",
    "Parking is available in the garage on the north side of the building.",
    "Employers from healthcare, logistics and manufacturing will be on site.",
    "Light refreshments will be served; business attire is recommended.",
    "The session is open to job seekers of all experience levels.",
    "Veterans and their spouses are especially welcome.",
    "Doors open fifteen minutes before the start; the program runs about two hours.",
]
DESCRIPTIONS = [" ".join(random.Random(n).choices(SENTENCES, k=2 + n % 14)) for n in range(200)]  # ~100-1,100 chars
UPCOMING_MEAN, UPCOMING_MIN, UPCOMING_MAX = 10, 2, 30  # events a source lists at a time
HORIZONS = (30, 60, 60, 90, 120)  # how many days ahead a source lists
SERIES_SHARE = 1 / 7  # sources that list a weekly series too
CROSS_LISTED, CROSS_COPIES = 0.125, (1, 1, 2)  # new events also listed by 1-2 other sources of the city
P_CHANGE, P_RESCHEDULE, P_DELETE = 0.004, 0.001, 0.001  # per listed event and night
FLAKINESS = ((0.90, 0.01), (0.08, 0.10), (0.02, 0.5))  # (share of sources, chance to fail a night)
# How a crawl fails: (weight, share of its events still stored, stats it leaves, finish reason).
FAILURES = [
    (
        6,
        0.0,
        {
            "eventhound/start_errors": 1,
            "eventhound/fetch_errors": 1,
            "eventhound/last_error": "https://example.org/events/: timed out",
        },
        "finished",
    ),
    (3, 0.5, {"eventhound/fetch_errors": 2, "eventhound/last_error": "HTTP 503 Service Unavailable"}, "finished"),
    (1, 0.7, {}, "closespider_timeout"),
]


def tracked_change(rng: random.Random, record: dict) -> None:
    """One change of a tracked field (db.TRACKED_FIELDS), as publishers make them."""
    kind = rng.choice(("title", "title", "venue", "venue", "end", "status", "online"))
    if kind == "title":
        record["title"] = record["title"].removesuffix(" (updated)") + rng.choice((" (updated)", " 2027", " - Room B"))
    elif kind == "venue":
        record["venue_name"] = f"{record['city']} {rng.choice(VENUES)}"
        record["street"] = f"{rng.randint(1, 999)} {rng.choice(('Main', 'Oak', 'Market', 'Union'))} St"
    elif kind == "end" and record["end"] and "T" in record["end"]:
        end = datetime.fromisoformat(record["end"]) + timedelta(minutes=30)
        record["end"], record["end_utc"] = end.isoformat(), database.iso_utc(end)
    elif kind == "status":
        record["status"] = rng.choice(("cancelled", "postponed", "cancelled"))
    else:
        record["online_url"], record["attendance"] = "https://meet.example.org/" + record["id"][-8:], "hybrid"


@dataclass
class Site:
    """One simulated publisher: its source entry, how it lists, what it lists now."""

    source: Source
    city: tuple
    horizon: int
    rate: float  # one-off events announced a day
    fail: float  # chance a night's crawl fails
    series: list = field(default_factory=list)  # (own key, title, first local start)
    listed: dict = field(default_factory=dict)  # own key -> event record
    serial: int = 0

    def own_key(self) -> str:
        self.serial += 1
        return f"https://{self.source.key}.example.org/events/{self.serial}/"


def new_record(
    site: Site, own_key: str, title: str, kind: str, start: datetime, venue: str, *, series_id: str | None = None
) -> dict:
    """An event record as IdentifyPipeline makes it (every EVENT_COLUMNS key)."""
    record = dict.fromkeys(database.EVENT_COLUMNS)
    city, region, zone = site.city
    all_day = series_id is None and site.serial % 10 == 0
    end = start + timedelta(hours=1 + site.serial % 3)
    description = DESCRIPTIONS[site.serial % len(DESCRIPTIONS)]
    record.update(
        source=site.source.key,
        source_url=site.source.urls[0],
        title=title,
        description=description,
        url=own_key,
        event_type=kind,
        type_reason=f"title: {title.split()[-1].lower()}",
        career_score=0.8,
        topics='["careers"]',
        audience="[]",
        categories='["Community", "Business"]',
        start=start.date().isoformat() if all_day else start.isoformat(),
        end=None if all_day else end.isoformat(),
        start_utc=start.date().isoformat() if all_day else database.iso_utc(start),
        end_utc=None if all_day else database.iso_utc(end),
        all_day=int(all_day),
        timezone=zone,
        time_text=f"{start:%A, %B} {start.day}, {start:%I:%M %p}",
        status="scheduled",
        attendance="in_person",
        venue_name=f"{city} {venue}",
        street=f"{len(venue) * 17} Main St",
        city=city,
        region=region,
        country="US",
        organizer=f"{city} Chamber of Commerce",
        is_free=1,
        series_id=series_id,
        rrule="FREQ=WEEKLY" if series_id else None,
        own_key=own_key,
    )
    record["id"] = event_id(record["source"], own_key, record["url"], title, record["start"])
    return record


def reschedule(rng: random.Random, record: dict, now: datetime) -> None:
    """The publisher moves the event to another day: same own key, another start, another id."""
    zone = ZoneInfo(record["timezone"])
    old = datetime.fromisoformat(record["start"]).replace(tzinfo=None)
    start = max(old + timedelta(days=rng.choice((-7, -2, 1, 3, 7, 14))), now.replace(tzinfo=None) + timedelta(days=2))
    start = start.replace(tzinfo=zone)
    if record["all_day"]:
        record.update(start=start.date().isoformat(), start_utc=start.date().isoformat())
    else:
        end = start + (datetime.fromisoformat(record["end"]) - datetime.fromisoformat(record["start"]))
        record.update(
            start=start.isoformat(),
            start_utc=database.iso_utc(start),
            end=end.isoformat(),
            end_utc=database.iso_utc(end),
        )
    record["id"] = event_id(record["source"], record["own_key"], record["url"], record["title"], record["start"])


def poisson(rng: random.Random, mean: float) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit and count < 1000:
        count += 1
        product *= rng.random()
    return count


class World:
    """Every simulated publisher and what each lists, moved on a night at a time."""

    def __init__(self, sources: int, seed: int):
        self.rng = random.Random(seed)
        self.sites = [self.make_site(n) for n in range(sources)]
        self.by_city: dict[str, list[Site]] = {}
        for site in self.sites:
            self.by_city.setdefault(site.city[0], []).append(site)

    def make_site(self, n: int) -> Site:
        rng = self.rng
        city = rng.choice(CITIES)
        key = f"s{n:05d}"
        source = Source(
            key=key,
            spider=rng.choice(("schemaorg", "ical", "tribe", "rss", "growthzone")),
            urls=(f"https://{key}.example.org/events/",),
            timezone=city[2],
            name=f"{city[0]} publisher {n}",
            region=city[1],
        )
        upcoming = min(UPCOMING_MAX, max(UPCOMING_MIN, round(rng.gammavariate(2.5, UPCOMING_MEAN / 2.5))))
        horizon = rng.choice(HORIZONS)
        fail = rng.choices([p for _, p in FLAKINESS], weights=[share for share, _ in FLAKINESS])[0]
        site = Site(source, city, horizon, upcoming / horizon, fail)
        if rng.random() < SERIES_SHARE:
            weekday, hour = rng.randrange(7), rng.choice((9, 10, 12, 17, 18))
            first = (DAY0 + timedelta(days=weekday)).astimezone(ZoneInfo(city[2])).replace(hour=hour, minute=30)
            site.series.append((site.own_key(), f"{city[0]} {rng.choice(VENUES)} Job Club", first))
            site.rate *= 0.6  # its weekly occurrences are part of what it lists
        return site

    def announce(self, site: Site, now: datetime, days_ahead_from: float) -> None:
        """New one-off events starting between days_ahead_from and the horizon; some cross-listed."""
        for lister, record in self.one_offs(site, now, days_ahead_from, site.horizon):
            lister.listed[record["own_key"]] = record

    def one_offs(self, site: Site, now: datetime, days_from: float, days_to: float) -> list[tuple[Site, dict]]:
        """The one-off events `site` lists that start between now + days_from and now + days_to,
        each with the sites that list it (itself, and other sources of its city for some)."""
        rng = self.rng
        found = []
        for _ in range(poisson(rng, site.rate * (days_to - days_from))):
            day = now + timedelta(days=rng.uniform(days_from, days_to))
            local = day.astimezone(ZoneInfo(site.city[2])).replace(
                hour=rng.randrange(8, 19), minute=rng.choice((0, 30)), second=0, microsecond=0
            )
            name, kind = rng.choice(KINDS)
            title = " ".join(w for w in (rng.choice(SEASON), rng.choice(FIELD), name) if w)
            venue = rng.choice(VENUES)
            for lister in [site] + self.cross_listers(site):
                found.append((lister, new_record(lister, lister.own_key(), title, kind, local, venue)))
        return found

    def cross_listers(self, site: Site) -> list[Site]:
        if self.rng.random() >= CROSS_LISTED:
            return []
        neighbours = self.by_city[site.city[0]]
        others = [s for s in self.rng.sample(neighbours, min(3, len(neighbours))) if s is not site]
        return others[: self.rng.choice(CROSS_COPIES)]

    def series_occurrences(self, site: Site, now: datetime) -> None:
        """Each weekly series lists its occurrences up to the horizon."""
        for record in self.series_between(site, now, now + timedelta(days=site.horizon)):
            key = f"{record['own_key']}#{record['start'][:10]}"
            if key not in site.listed:
                site.listed[key] = record

    def series_between(self, site: Site, since: datetime, until: datetime) -> list[dict]:
        """The occurrences of the site's weekly series that start in [since, until]."""
        found = []
        for own_key, title, first in site.series:
            start = first + timedelta(weeks=max(0, (since - first).days // 7))
            while start <= until:
                if start >= since:
                    found.append(
                        new_record(site, own_key, title, "job_club", start, "Public Library", series_id=own_key)
                    )
                start += timedelta(weeks=1)
        return found

    def churn(self, site: Site, now: datetime, counts: Counter) -> None:
        """Events pass and drop off; some change, are moved or are deleted by the publisher."""
        now_utc = database.iso_utc(now)
        rng = self.rng
        for key, record in list(site.listed.items()):
            if record["start_utc"] < now_utc[: len(record["start_utc"])]:
                del site.listed[key]
                continue
            draw = rng.random()
            if draw < P_DELETE:
                del site.listed[key]
                counts["deleted"] += 1
            elif draw < P_DELETE + P_RESCHEDULE and not record["series_id"]:
                reschedule(rng, record, now)
                counts["rescheduled"] += 1
            elif draw < P_DELETE + P_RESCHEDULE + P_CHANGE:
                tracked_change(rng, record)
                counts["changed"] += 1

    def night(self, site: Site, now: datetime, first: bool, counts: Counter) -> tuple[list[dict], dict, str]:
        """What a crawl of `site` tonight yields: its records, its Scrapy stats, the finish reason."""
        if first:
            self.announce(site, now, 0.0)
        else:
            self.churn(site, now, counts)
            self.announce(site, now, site.horizon - 1.0)
        self.series_occurrences(site, now)
        records = list(site.listed.values())
        stats, reason = {}, "finished"
        if self.rng.random() < site.fail:
            _, share, stats, reason = self.rng.choices(FAILURES, weights=[f[0] for f in FAILURES])[0]
            records = records[: int(len(records) * share)]
            counts["failed"] += 1
        stats = {
            **stats,
            "response_received_count": 1 + len(records) // 20,
            "item_scraped_count": len(records),
            "item_dropped_count": len(records) // 15,
        }
        return records, stats, reason


# ---------------------------------------------------------------------------- the database's night

STEPS = ("store", "runs", "missing", "fts", "dups", "maintain", "prune")
PER_SOURCE = ("store", "runs", "missing")


class Stats(dict):
    """The part of a Scrapy stats collector StorePipeline uses."""

    def inc_value(self, key, count=1, start=0):
        self[key] = self.get(key, start) + count


def store(db_path: Path, now: datetime, records: list[dict], seconds: Counter) -> None:
    """StorePipeline as `eventhound crawl` builds it (no index rebuild at close): every item,
    then close_spider, which upserts the buffer in one transaction."""
    started = time.perf_counter()
    pipeline = StorePipeline(str(db_path), now, Stats(), index_at_close=False)
    for record in records:
        pipeline.process_item(record)
    pipeline.close_spider()
    seconds["store"] += time.perf_counter() - started


def record_crawl(db_path: Path, source: Source, stats: dict, reason: str, seen_at: str, seconds: Counter) -> int:
    """eventhound.runlog.record_crawl, step by step so each step is timed."""
    started = time.perf_counter()
    db = database.open_db(db_path)
    try:
        database.save_sources(db, [source])
        database.record_run(db, run_row(source.key, stats, seen_at, seen_at, reason))
        seconds["runs"] += time.perf_counter() - started
        if not complete(stats, reason):
            return 0
        started = time.perf_counter()
        removed = database.mark_missing(db, source.key, seen_at)
        seconds["missing"] += time.perf_counter() - started
        return removed
    finally:
        db.close()


def timed(seconds: Counter, step: str, work):
    started = time.perf_counter()
    result = work()
    seconds[step] += time.perf_counter() - started
    return result


def finish_night(db_path: Path, now: datetime, prune_days: int | None, seconds: Counter) -> dict:
    """report_results: the one search-index rebuild, mark_duplicates, maintain; then the monthly
    prune when due. Returns the WAL size before the checkpoint and the pruned counts."""
    db = database.open_db(db_path)
    try:
        timed(seconds, "fts", lambda: database.refresh_fts(db))
        marked = timed(seconds, "dups", lambda: database.mark_duplicates(db, database.iso_utc(now)))
        wal = wal_bytes(db_path)
        timed(seconds, "maintain", lambda: database.maintain(db))
    finally:
        db.close()
    pruned = {}
    if prune_days is not None:
        pruned = prune(db_path, now, prune_days, seconds)
    return {"wal_before": wal, "duplicates": marked["duplicates"], "pruned": pruned}


def prune(db_path: Path, now: datetime, days: int, seconds: Counter) -> dict:
    """eventhound prune --older-than DAYS: its own command, its own connection."""
    db = database.open_db(db_path)
    try:
        return timed(seconds, "prune", lambda: database.prune(db, database.iso_utc(now), days))
    finally:
        db.close()


def wal_bytes(db_path: Path) -> int:
    wal = db_path.with_name(db_path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def crawl_sources(
    world: World, db_path: Path, now: datetime, sites: list[Site], first: bool, counts: Counter
) -> Counter:
    """Each site's crawl tonight as the database sees it: its events stored, its run recorded."""
    seen_at = database.iso_utc(now)
    seconds: Counter = Counter()
    for site in sites:
        started = time.perf_counter()
        records, stats, reason = world.night(site, now, first, counts)
        seconds["simulate"] += time.perf_counter() - started
        if records:
            store(db_path, now, records, seconds)
        counts["removed"] += record_crawl(db_path, site.source, stats, reason, seen_at, seconds)
    return seconds


def run_night(world: World, db_path: Path, night: int, args, counts: Counter) -> tuple[Counter, dict]:
    """One night: every source's crawl, then the night's end. Returns seconds by step, and facts."""
    now = night_time(night)
    seconds = crawl_sources(world, db_path, now, world.sites, night == 1, counts)
    prune_due = not args.no_prune and night % args.prune_every == 0
    facts = finish_night(db_path, now, args.prune_days if prune_due else None, seconds)
    return seconds, facts


def night_time(night: int) -> datetime:
    return DAY0 + timedelta(days=night - 1)


# ---------------------------------------------------------------------------- the steady state

BATCH = 20_000  # records per bulk upsert
# As the simulated year ends (500 sources, 365 nights): 8% of the events are removed (deleted by
# their publisher, or the earlier record of a rescheduled one), 0.28 event_changes rows an event.
DELETED_SHARE = 0.08
CHANGED_SHARE = 0.28


def kept_days(args) -> int:
    """How far back the database reaches after --nights nights: the last monthly prune's cutoff
    (with --no-prune: the first night)."""
    if args.no_prune:
        return args.nights - 1
    last_prune = args.nights - args.nights % args.prune_every
    return args.prune_days + (args.nights - last_prune)


def bulk_upsert(db, records: list[dict], seen_at: str) -> None:
    for start in range(0, len(records), BATCH):
        database.upsert_events(db, records[start : start + BATCH], seen_at)


def load_upcoming(world: World, db, last: datetime) -> list[str]:
    """What the sources list after the last night, stored as that night's crawl stored it; some
    events their publisher deleted (no longer listed, removed_at set). Returns every id."""
    for site in world.sites:
        world.announce(site, last, 0.0)
        world.series_occurrences(site, last)
    records = [record for site in world.sites for record in site.listed.values()]
    bulk_upsert(db, records, database.iso_utc(last))
    deleted = []
    for site in world.sites:
        for key in [k for k in site.listed if world.rng.random() < DELETED_SHARE / 2]:
            deleted.append(site.listed.pop(key)["id"])
    db.conn.executemany(
        "UPDATE events SET removed_at = ? WHERE id = ?", [(database.iso_utc(last), event_id) for event_id in deleted]
    )
    db.conn.commit()
    return [record["id"] for record in records]


def load_past(world: World, db, last: datetime, days: int) -> list[str]:
    """The events that started in the `days` before the last night, each stored as the last crawl
    before its start stored it; some removed by their publisher. Returns every id."""
    by_night: dict[int, list[dict]] = {}
    since = last - timedelta(days=days)
    for site in world.sites:
        records = [r for _, r in world.one_offs(site, last, -days, 0.0)] + world.series_between(site, since, last)
        for record in records:
            start = datetime.fromisoformat(record["start_utc"])
            if start.tzinfo is None:  # an all-day event: its date
                start = start.replace(tzinfo=UTC)
            by_night.setdefault(math.floor((start - DAY0) / timedelta(days=1)), []).append(record)
    ids = []
    for night, records in sorted(by_night.items()):
        bulk_upsert(db, records, database.iso_utc(DAY0 + timedelta(days=night)))
        ids += [record["id"] for record in records]
    removed = [(database.iso_utc(last), i) for i in ids if world.rng.random() < DELETED_SHARE]
    db.conn.executemany("UPDATE events SET removed_at = ? WHERE id = ?", removed)
    db.conn.commit()
    return ids


def load_changes(world: World, db, ids: list[str], last: datetime, days: int) -> int:
    """A tracked change logged for some of the events (its seen_at within the kept days)."""
    rows = [
        (
            event_id,
            database.iso_utc(last - timedelta(days=world.rng.randrange(days))),
            "title",
            "Job Fair",
            "Job Fair (updated)",
        )
        for event_id in ids
        if world.rng.random() < CHANGED_SHARE
    ]
    db.conn.executemany("INSERT INTO event_changes (event_id, seen_at, field, old, new) VALUES (?, ?, ?, ?, ?)", rows)
    db.conn.commit()
    return len(rows)


def load_runs(world: World, db, last: datetime, days: int) -> int:
    """A runs row for each source and night the prune keeps (as the night's crawl records it)."""
    columns = [c for c in database.RUN_COLUMNS if c != "id"]
    sql = f"INSERT INTO runs ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    count = 0
    for back in range(days, -1, -1):
        started = database.iso_utc(last - timedelta(days=back))
        rows = []
        for site in world.sites:
            stats, reason = {}, "finished"
            if world.rng.random() < site.fail:
                _, _, stats, reason = world.rng.choices(FAILURES, weights=[f[0] for f in FAILURES])[0]
            listed = len(site.listed)
            stats = {
                **stats,
                "response_received_count": 1 + listed // 20,
                "item_scraped_count": listed,
                "item_dropped_count": listed // 15,
            }
            row = run_row(site.source.key, stats, started, started, reason)
            rows.append([row[c] for c in columns])
        db.conn.executemany(sql, rows)
        db.conn.commit()
        count += len(rows)
    return count


def build_steady_state(world: World, db_path: Path, args) -> None:
    """The database as --nights nights with the prune policy leave it, loaded in bulk."""
    last, days = night_time(args.nights), kept_days(args)
    started = time.perf_counter()
    db = database.open_db(db_path)
    try:
        database.save_sources(db, [site.source for site in world.sites])
        ids = load_past(world, db, last, days) + load_upcoming(world, db, last)
        changes = load_changes(world, db, ids, last, days)
        runs = load_runs(world, db, last, days)
        database.mark_duplicates(db, database.iso_utc(last), days_back=days + 1)
        database.refresh_fts(db)
        db.execute("ANALYZE")
        database.maintain(db)
    finally:
        db.close()
    print(
        f"built the database after night {args.nights} ({days} days kept): {len(ids)} events, {changes} changes, "
        f"{runs} runs, in {time.perf_counter() - started:.0f}s",
        flush=True,
    )


def steady_state(args) -> None:
    """Night --nights + 1 on the steady-state database: every source (or a sample, scaled), then
    the once-a-night steps; then the monthly prune on it, timed apart."""
    world = World(args.sources, args.seed)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        db_path = Path(tmp) / "events.db"
        build_steady_state(world, db_path, args)
        counts: Counter = Counter()
        night = args.nights + 1
        now = night_time(night)
        sites = world.sites
        if args.sample and args.sample < len(sites):
            sites = random.Random(args.seed).sample(sites, args.sample)
            print(
                f"per-source steps timed on a random sample of {len(sites)} sources, scaled x"
                f"{len(world.sites) / len(sites):.2f} to {len(world.sites)}",
                flush=True,
            )
        seconds = crawl_sources(world, db_path, now, sites, False, counts)
        for step in PER_SOURCE:
            seconds[step] *= len(world.sites) / len(sites)
        facts = finish_night(db_path, now, None, seconds)
        print(HEADER, flush=True)
        report_line(db_path, night, seconds, facts)
        per_source = sum(seconds[s] for s in PER_SOURCE) / len(world.sites)
        print(
            f"per source: {per_source * 1000:.1f} ms (store {seconds['store'] / len(world.sites) * 1000:.1f}, "
            f"runs {seconds['runs'] / len(world.sites) * 1000:.1f}, "
            f"missing {seconds['missing'] / len(world.sites) * 1000:.1f})",
            flush=True,
        )
        print_table_sizes(db_path)
        pruned: Counter = Counter()
        deleted = prune(db_path, now, args.prune_days, pruned)
        print(
            f"eventhound prune --older-than {args.prune_days} on it: {pruned['prune']:.2f}s, deleted {deleted}; "
            f"file {db_path.stat().st_size / 1e6:.1f} MB",
            flush=True,
        )


# ---------------------------------------------------------------------------- the report


def print_table_sizes(db_path: Path) -> None:
    """MB on disk of each table with its indexes (SQLite's dbstat), largest first."""
    db = database.open_db(db_path)
    try:
        sizes = db.execute(
            "SELECT coalesce(m.tbl_name, s.name), sum(s.pgsize) FROM dbstat s "
            "LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    finally:
        db.close()
    print(
        "on disk, with indexes: " + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sizes if size > 1e5),
        flush=True,
    )


def table_counts(db_path: Path) -> dict:
    db = database.open_db(db_path)
    try:

        def one(sql: str):
            return db.execute(sql).fetchone()[0]

        return {
            "events": one("SELECT count(*) FROM events"),
            "removed": one("SELECT count(*) FROM events WHERE removed_at IS NOT NULL"),
            "dups": one("SELECT count(*) FROM events WHERE duplicate_of IS NOT NULL"),
            "changes": one("SELECT count(*) FROM event_changes"),
            "provenance": one("SELECT count(*) FROM event_sources"),
            "runs": one("SELECT count(*) FROM runs"),
            "free_pages": one("PRAGMA freelist_count"),
            "page_size": one("PRAGMA page_size"),
        }
    finally:
        db.close()


HEADER = (
    f"{'night':>5} {'events':>8} {'removed':>7} {'dups':>6} {'changes':>7} {'provnce':>8} {'runs':>8} "
    f"{'db MB':>7} {'free':>5} {'wal MB':>11} | " + " ".join(f"{s:>8}" for s in STEPS) + f" {'total s':>8}"
)


def report_line(db_path: Path, night: int, seconds: Counter, facts: dict) -> dict:
    counts = table_counts(db_path)
    size = db_path.stat().st_size
    total = sum(seconds[s] for s in STEPS)
    free = counts["free_pages"] * counts["page_size"]
    print(
        f"{night:>5} {counts['events']:>8} {counts['removed']:>7} {counts['dups']:>6} {counts['changes']:>7} "
        f"{counts['provenance']:>8} {counts['runs']:>8} {size / 1e6:>7.1f} {free / 1e6:>5.1f} "
        f"{facts['wal_before'] / 1e6:>5.1f}/{wal_bytes(db_path) / 1e6:<5.1f} | "
        + " ".join(f"{seconds[s]:>8.2f}" for s in STEPS)
        + f" {total:>8.2f}",
        flush=True,
    )
    if facts["pruned"]:
        pruned = facts["pruned"]
        print(
            f"      prune --older-than: deleted {pruned['events']} events, {pruned['event_changes']} changes, "
            f"{pruned['event_sources']} provenance rows, {pruned['event_misses']} misses, {pruned['runs']} runs",
            flush=True,
        )
    return {"size": size, "total": total, **counts}


def side_by_side(first: dict, second: dict, last: dict, nights: int) -> None:
    print(f"\n{'':>22} {'night 1':>12} {'night 2':>12} {f'night {nights}':>12} {'last/2':>8}")
    rows = [
        ("database file MB", "size", 1e6),
        ("night's DB seconds", "total", 1),
        ("events rows", "events", 1),
        ("event_changes rows", "changes", 1),
        ("runs rows", "runs", 1),
    ]
    for label, key, unit in rows:
        a, b, c = first[key] / unit, second[key] / unit, last[key] / unit
        print(f"{label:>22} {a:>12.1f} {b:>12.1f} {c:>12.1f} {c / b if b else float('nan'):>8.2f}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--prune-days", type=int, default=90, help="prune --older-than DAYS")
    parser.add_argument("--prune-every", type=int, default=30, help="prune every this many nights")
    parser.add_argument("--no-prune", action="store_true", help="never prune: what prune saves")
    parser.add_argument(
        "--steady-state",
        action="store_true",
        help="load the database as --nights nights leave it in bulk, then time one night on it",
    )
    parser.add_argument(
        "--sample",
        type=int,
        default=0,
        help="with --steady-state: time the per-source steps on this many sources and scale",
    )
    parser.add_argument("--every", type=int, default=30, help="print every this many nights")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--dir", help="keep the database in this directory (default: a temporary one)")
    return parser.parse_args()


def simulate(args) -> None:
    """--nights nights one after another, printing the growth."""
    world = World(args.sources, args.seed)
    counts: Counter = Counter()
    lines = {}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        db_path = Path(tmp) / "events.db"
        database.open_db(db_path).close()
        print(HEADER, flush=True)
        for night in range(1, args.nights + 1):
            seconds, facts = run_night(world, db_path, night, args, counts)
            if night in (1, 2, args.nights) or night % args.every == 0 or facts["pruned"]:
                lines[night] = report_line(db_path, night, seconds, facts)
        print(
            f"publishers over {args.nights} nights: {counts['changed']} tracked changes, {counts['rescheduled']} "
            f"reschedules, {counts['deleted']} deletions, {counts['failed']} failed crawls; "
            f"{counts['removed']} events marked removed; simulation itself {seconds['simulate']:.2f}s on the last night"
        )
        if args.nights >= 2:
            side_by_side(lines[1], lines[2], lines[args.nights], args.nights)


def main():
    args = parse_args()
    policy = "no prune" if args.no_prune else f"prune --older-than {args.prune_days} every {args.prune_every} nights"
    mode = "steady state after" if args.steady_state else "simulated"
    print(f"growth: {args.sources} sources, {mode} {args.nights} nights, {policy}, seed {args.seed}", flush=True)
    if args.steady_state:
        steady_state(args)
    else:
        simulate(args)


if __name__ == "__main__":
    main()
