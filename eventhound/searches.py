"""Saved searches: the digests a job seeker subscribes to, from digests.toml.

    [digests.healthcare-springfield]
    title = "Healthcare job fairs and meetings near Springfield"
    types = ["job_fair", "association_meeting"]   # event types, any of them
    topics = ["healthcare"]                       # topic tags, any of them
    audience = ["veterans"]                       # audience tags, any of them
    near = "Springfield, IL"                      # a city (offline gazetteer), with km
    km = 40
    days = 30                                     # how far ahead
    free = true                                   # free events only
    evening = true                                # starting at 17:00 or later, local time
    attendance = "online"                         # in_person, online or hybrid
    text = "nursing"                              # a full-text query (SQLite FTS5)

Every key is optional but `title`. A bad file or entry stops the command with the file,
the digest and the problem. Without a file there is one digest, `upcoming`: every event
of the next 30 days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from eventhound.db import ATTENDANCE_MODES, EVENT_TYPES
from eventhound.sources import read_tables

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
DEFAULT_DAYS = 30


class SearchError(ValueError):
    """A digests file or one of its entries is not usable."""


@dataclass(frozen=True)
class SavedSearch:
    name: str
    title: str
    types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    near: str | None = None
    km: float = 40.0
    lat: float | None = None
    lon: float | None = None
    days: int = DEFAULT_DAYS
    free: bool = False
    evening: bool = False
    attendance: str | None = None
    text: str | None = None
    filters: dict = field(default_factory=dict, compare=False)  # as written, for the index page


UPCOMING = SavedSearch(name="upcoming", title="Upcoming career events", filters={"days": DEFAULT_DAYS})
KEYS = {"title", "types", "topics", "audience", "near", "km", "days", "free", "evening", "attendance", "text"}


def load_searches(path: str | Path | None) -> dict[str, SavedSearch]:
    """The saved searches of a digests.toml, by name in file order; `upcoming` alone without a file."""
    if path is None:
        return {UPCOMING.name: UPCOMING}
    table = read_tables(path, "digests", SearchError)
    return {name: parse_search(name, entry, str(path)) for name, entry in table.items()}


def parse_search(name: str, entry, path: str = "digests.toml") -> SavedSearch:
    """Check one [digests.NAME] table; the error names the file, the digest and the problem."""

    def fail(problem: str):
        raise SearchError(f"{path}: [digests.{name}]: {problem}")

    if not _NAME.fullmatch(name):
        fail("a digest's name is lower-case letters, digits, - and _ (it names its files)")
    if not isinstance(entry, dict):
        fail("must be a table")
    if unknown := set(entry) - KEYS:
        fail(f"unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KEYS))}")
    if not isinstance(entry.get("title"), str) or not entry["title"].strip():
        fail("title is required (the digest's name for people)")
    lists = {key: _words(entry, key, fail) for key in ("types", "topics", "audience")}
    if bad := [t for t in lists["types"] if t not in EVENT_TYPES]:
        fail(f"types: {', '.join(bad)} not event types ({', '.join(EVENT_TYPES)})")
    for flag in ("free", "evening"):
        if not isinstance(entry.get(flag, False), bool):
            fail(f"{flag} must be true or false")
    days, km = entry.get("days", DEFAULT_DAYS), entry.get("km", 40)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 730:
        fail("days must be a whole number from 1 to 730")
    if isinstance(km, bool) or not isinstance(km, (int, float)) or not 0 < km <= 20000:
        fail("km must be a number of kilometres above 0")
    attendance = entry.get("attendance")
    if attendance is not None and attendance not in ATTENDANCE_MODES:
        fail(f"attendance must be one of {', '.join(ATTENDANCE_MODES)}")
    text = entry.get("text")
    if text is not None and (not isinstance(text, str) or not text.strip()):
        fail("text must be a full-text query such as 'nursing OR healthcare'")
    lat = lon = None
    if (near := entry.get("near")) is not None:
        lat, lon = _place(near, fail)
    return SavedSearch(
        name=name,
        title=entry["title"].strip(),
        **lists,
        near=near,
        km=float(km),
        lat=lat,
        lon=lon,
        days=days,
        free=entry.get("free", False),
        evening=entry.get("evening", False),
        attendance=attendance,
        text=text.strip() if text else None,
        filters={k: v for k, v in entry.items() if k != "title"},
    )


def _words(entry: dict, key: str, fail) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(f"{key} must be a list of names such as ['{'job_fair' if key == 'types' else 'healthcare'}']")
    return tuple(v.strip().lower() for v in value)


def _place(near, fail) -> tuple[float, float]:
    """The coordinates of "City, Region[, Country]" by the offline gazetteer."""
    from eventhound.places import gazetteer

    parts = [p.strip() for p in near.split(",")] if isinstance(near, str) else []
    if not parts or not parts[0]:
        fail("near must name a city, such as 'Springfield, IL'")
    city = gazetteer().lookup(parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)
    if city is None:
        fail(f"near: no city {near!r} in the gazetteer (try 'City, Region' or 'City, Region, Country')")
    return city.latitude, city.longitude
