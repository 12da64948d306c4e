"""One record per real event: matching event records across sources (pure; no clock, no SQL).

The same job fair listed by a workforce board, a chamber and a library is one event. Two
records are the same event when all three agree:

- **time**: both timed -> start instants (start_utc) at most ``TIME_TOLERANCE`` (2 h) apart;
  either one all-day or date-only -> the same local start date (the date part of ``start``).
- **place**: both online; or the same city, postal code, or an overlap of the distinctive
  words of venue/street/city (generic words like "center", "room", "library" left out).
  Different places: online vs in person (hybrid agrees with both); coordinates more than
  ``FAR_KM`` (25 km) apart; two different cities (a missing city is read from a one-line
  LOCATION: "Hilton, 700 E Adams St, Springfield, IL"); two venues with no distinctive
  word in common when no city or postal code settles it. When the place is unknown on
  either side (nothing stated) the title must match more strongly.
- **title**: ``normalize_title`` on both (the names of a job fair -- career fair, hiring
  event, employment expo, "career & job fair" -- all read "job fair"), then the Dice
  coefficient of the word sets, a
  word meeting its misspelling too ("Fiar"/"Fair"); words of either record's city or
  organizer, and venue words both records share, are left out of both when something is
  left. A title of three words or more wholly inside the other scores at least
  ``CONTAINED`` (0.85: "Spring Job Fair" in "Spring Job Fair: 60+ Employers Hiring").
  At least ``TITLE_MIN`` (0.82) with a place match, ``TITLE_MIN_NO_PLACE`` (0.9) without.
  A title that adds a sub-event word the other lacks ("Spring Job Fair – Employer
  Registration", "… Prep Workshop") names another event: never a duplicate.

Records of one source are matched only when they start at the same instant (or on the
same date, both date-only) with a title match of at least 0.9: the same event read from a
listing and from its detail page under two ids (the id comes from @id, else the URL, else
the title, so a listing without links and its detail page differ). A publisher's two
sessions at different times stay two events; a weekly series' occurrences never meet.

``find_duplicates`` compares only records dated within a day of each other that share a
title word (blocking), links matching pairs best score first into groups (a group never
takes two records of one source, or two whose start or place rule each other out, that
did not match each other directly: A~B and B~C do not join two cities), and names one
canonical record per group: the one with the most information (url, venue, street, city,
end, registration, organizer, description in 200-character steps), then the earliest
first_seen, then the smallest id. Coarse description steps keep the choice stable
across crawls when a publisher edits a sentence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from functools import lru_cache

TIME_TOLERANCE = timedelta(hours=2)
TITLE_MIN = 0.82
TITLE_MIN_NO_PLACE = 0.9
SAME_SOURCE_TITLE_MIN = 0.9
CONTAINED = 0.85
FAR_KM = 25.0  # two places with coordinates further apart than this are different places

STOP_WORDS = frozenset("""
a an the and or of for at in on to with by from our your its new
annual yearly biannual semiannual edition inaugural
presents presented hosted host hosts sponsored welcome join us free event events
""".split())
MONTHS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
WEEKDAYS = frozenset("""
monday tuesday wednesday thursday friday saturday sunday
mon tue tues wed thu thur thurs fri sat sun
""".split())
ORG_WORDS = frozenset("""
chamber commerce library libraries public workforce board county city inc llc
association assn society chapter council department dept university college
""".split())
# Words that name a part of or a companion to an event, not the event itself.
QUALIFIERS = frozenset("""
registration register deadline orientation prep preparation workshop webinar info
information session reception breakfast luncheon lunch dinner panel training
signup volunteer volunteers setup preview rehearsal
""".split())
GENERIC_PLACE = frozenset("""
center centre hall room rm building bldg suite floor campus auditorium conference
convention library public branch main street st avenue ave road rd boulevard blvd drive dr
plaza way lane ln court ct suite ste the of at and office offices hotel inn
""".split())
# The names of a job fair, read as one ("Career & Job Fair", "Hiring Event", "Jobs Expo" ->
# "job fair"; "fiar" is the common typo), on the lower-case words joined by single spaces;
# JOB_FAIR_CUT: a title cut short ("Healthcare Career…") after the first word of the name.
JOB_FAIR = re.compile(r"\b(?:(?:career|job|hiring|employment|recruitment)s? (?:and |or )?)+(?:fair|fiar|expo)s?\b"
                      r"|\bhiring events?\b")
JOB_FAIR_CUT = re.compile(r"\b(?:career|job|hiring|employment|recruitment)s?$")
CUT_SHORT = ("…", "...")
ORDINAL = re.compile(r"^\d+(st|nd|rd|th)?$")
TIME_WORD = re.compile(r"^\d{1,2}(:\d\d)?(am|pm|a|p)?$|^(am|pm|noon)$")


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text).replace("'", ""))


@lru_cache(maxsize=65536)  # cities, organizers and venues repeat across a crawl's records
def normalize_title(text: str) -> str:
    """The words that name the event: lower case, accents and punctuation gone, plurals
    singular, without stop words ("the", "annual"), numbers, years, ordinals ("13th"),
    months, weekdays, clock times and organisation boilerplate ("chamber", "library"); every
    name of a job fair ("career fair", "hiring event", "career & job expo") is "job fair".

    >>> normalize_title("The 13th Annual Spring Job Fairs – March 4, 2027 (Springfield Public Library)")
    'spring job fair springfield'
    >>> normalize_title("Spring Career & Job Expo")
    'spring job fair'
    """
    phrase = JOB_FAIR.sub("job fair", " ".join(_words(text)))
    if text.rstrip().endswith(CUT_SHORT):
        phrase = JOB_FAIR_CUT.sub("job fair", phrase)
    words = []
    for word in phrase.split():
        if (word in STOP_WORDS or word in MONTHS or word in WEEKDAYS or word in ORG_WORDS
                or ORDINAL.match(word) or TIME_WORD.match(word)):
            continue
        words.append(_stem(word))
    return " ".join(words)


def _tokens(text) -> frozenset[str]:
    return frozenset(normalize_title(text or "").split())


@lru_cache(maxsize=65536)
def _place_words(text) -> frozenset[str]:
    return frozenset(_stem(w) for w in _words(text or "") if w not in GENERIC_PLACE and not w.isdigit() and len(w) > 1)


@lru_cache(maxsize=65536)
def _near_word(a: str, b: str) -> bool:
    """A misspelling of the same word ("fiar"/"fair", "employment"/"employement")."""
    return len(a) >= 4 and len(b) >= 4 and a[0] == b[0] and SequenceMatcher(None, a, b).ratio() >= 0.75


def title_similarity(a: str, b: str) -> float:
    """Dice coefficient of the two word sets (0..1), where a word also meets its
    misspelling (difflib ratio >= 0.75, same first letter, four letters or more)."""
    ta, tb = set(a.split()), set(b.split())
    if not ta or not tb:
        return 0.0
    common = len(ta & tb)
    rest_b = tb - ta
    for word in ta - tb:
        near = next((other for other in rest_b if _near_word(word, other)), None)
        if near is not None:
            common += 1
            rest_b.discard(near)
    return 2 * common / (len(ta) + len(tb))


# ---------------------------------------------------------------------------- records


class _Event:
    """What matching needs of one record, computed once (the blocking keys at once, the rest when first asked)."""

    __slots__ = ("id", "source", "day", "instant", "timed", "words", "word_set", "keys", "context", "online",
                 "physical", "city", "postal", "place", "point", "rank", "record")

    def __init__(self, record: dict):
        self.record = record
        self.id = record.get("id")
        self.source = record.get("source")
        start = record.get("start") or record.get("start_utc") or ""
        self.day = _date(start)
        self.timed = "T" in start and not record.get("all_day")
        self.instant = _instant(record.get("start_utc") or start) if self.timed else None
        if self.instant is None:
            self.timed = False
        self.words = normalize_title(record.get("title") or "")
        self.word_set = frozenset(self.words.split())
        # blocking keys: the words, and the letters of each longer word sorted (a
        # transposed typo, "fiar", meets "fair")
        self.keys = self.word_set | {"~" + "".join(sorted(w)) for w in self.word_set if len(w) >= 4}

    def __getattr__(self, name: str):
        # The place, context and rank only a compared pair or a group needs: blocking leaves
        # most records uncompared, so these are worked out on first use.
        if name not in _Event.__slots__:  # __init__ sets the others: only _details' are ever unset
            raise AttributeError(name)
        self._details()
        return object.__getattribute__(self, name)

    def _details(self) -> None:
        record = self.record
        self.context = (_tokens(record.get("city")) | _tokens(record.get("organizer"))
                        | {_stem(w) for w in _words(record.get("city") or "")})
        attendance = (record.get("attendance") or "").lower()
        self.city = " ".join(_words(record.get("city") or _location_city(record.get("venue_name")) or "")) or None
        self.postal = (record.get("postal_code") or "").strip()[:5] or None
        self.place = (_place_words(record.get("venue_name")) | _place_words(record.get("street"))
                      | _place_words(record.get("city")))
        has_place = bool(self.place or self.postal or record.get("latitude") is not None)
        if attendance == "hybrid":
            self.online = self.physical = True
        elif attendance == "online" or record.get("status") == "moved_online":
            self.online, self.physical = True, False
        elif attendance == "in_person":
            self.online, self.physical = False, True
        else:
            self.online = bool(record.get("online_url")) and not has_place
            self.physical = has_place
        lat, lon = record.get("latitude"), record.get("longitude")
        self.point = (float(lat), float(lon)) if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) else None
        self.rank = _rank(record)


_STATE_ZIP = re.compile(r"\s*\b([A-Z]{2})?\s*(\d{5}(-\d{4})?)?\s*$")


def _location_city(text) -> str | None:
    """The city of a one-line place ("Hilton, 700 E Adams St, Springfield, IL 62701" ->
    "Springfield"; an ICS LOCATION): the last comma-separated part after the first with no
    digit once a trailing state code and ZIP are cut; None when there is none."""
    if not text or "," not in text:
        return None
    for part in reversed(text.split(",")[1:]):
        part = _STATE_ZIP.sub("", part.strip()).strip()
        if part and not any(c.isdigit() for c in part) and not re.fullmatch(r"[A-Z]{2}|USA?|United States", part):
            return part
    return None


def _km(p: tuple[float, float], q: tuple[float, float]) -> float:
    """Great-circle distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*p, *q))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except (ValueError, TypeError):
        return None


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (ValueError, TypeError, AttributeError):
        return None
    return moment if moment.tzinfo else None


def _rank(record: dict) -> tuple:
    """Sort key of the canonical choice: most information first, then first_seen, then id."""
    fields = ("url", "venue_name", "street", "city", "end", "registration_url", "organizer")
    info = sum(1 for f in fields if record.get(f)) + min(len(record.get("description") or ""), 1000) // 200
    return (-info, record.get("first_seen") or "~", record.get("id") or "")


def _time_match(a: _Event, b: _Event) -> tuple[bool, str]:
    if a.day is None or b.day is None:
        return False, "no start"
    if a.timed and b.timed:
        delta = abs(a.instant - b.instant)
        if delta > TIME_TOLERANCE:
            return False, f"starts {delta} apart"
        return True, "same start" if not delta else f"starts {delta} apart"
    if a.day != b.day:
        return False, "different dates"
    return True, "same date"


def _place_match(a: _Event, b: _Event) -> str:
    """'match', 'conflict' or 'unknown', with online/in-person and cities."""
    if a.online and b.online and not (a.physical and b.physical):
        return "match:both online"
    if (a.online and not a.physical and b.physical and not b.online) or \
       (b.online and not b.physical and a.physical and not a.online):
        return "conflict:online vs in person"
    if a.point and b.point and _km(a.point, b.point) > FAR_KM:
        return "conflict:far apart"
    if a.postal and b.postal and a.postal == b.postal:
        return "match:same postal code"
    common = a.place & b.place
    if a.city and b.city:
        if a.city == b.city:
            return "match:same city"
        if a.city not in b.city and b.city not in a.city:  # "Springfield" in "Springfield Township"
            return "conflict:different cities"
    if common:
        return "match:venue " + " ".join(sorted(common))
    if a.online and b.online:
        return "match:both online"
    if a.place and b.place:
        return "conflict:different venues"
    return "unknown:no comparable place"


def _title_score(a: _Event, b: _Event) -> float:
    ta, tb = set(a.words.split()), set(b.words.split())
    context = a.context | b.context | (a.place & b.place)
    if ta - context and tb - context:
        ta, tb = ta - context, tb - context
    score = title_similarity(" ".join(sorted(ta)), " ".join(sorted(tb)))
    # "Spring Job Fair" inside "Spring Job Fair: 60+ Employers Hiring": a title of three
    # words or more wholly inside the other (a bare "Career Fair" is too generic for it).
    if min(len(ta), len(tb)) >= 3 and (ta <= tb or tb <= ta):
        score = max(score, CONTAINED)
    return score


def _qualifier_mismatch(a: _Event, b: _Event) -> set[str]:
    ta, tb = set(a.words.split()), set(b.words.split())
    return (ta ^ tb) & QUALIFIERS


def _same(a: _Event, b: _Event) -> tuple[bool, float, str]:
    on_time, time_reason = _time_match(a, b)
    if not on_time:
        return False, 0.0, time_reason
    place = _place_match(a, b)
    verdict, _, place_reason = place.partition(":")
    if verdict == "conflict":
        return False, 0.0, place_reason
    score = round(_title_score(a, b), 3)
    extra = _qualifier_mismatch(a, b)
    if extra:
        return False, score, f"a title adds {', '.join(sorted(extra))}"
    same_source = a.source is not None and a.source == b.source
    if same_source:
        needed = SAME_SOURCE_TITLE_MIN
        if not (a.timed and b.timed and a.instant == b.instant) and not (
                not a.timed and not b.timed and a.day == b.day):
            return False, score, "one source, different starts"
    else:
        needed = TITLE_MIN if verdict == "match" else TITLE_MIN_NO_PLACE
    if score < needed:
        return False, score, f"titles differ ({score:.2f} < {needed})"
    return True, score, f"title {score:.2f}, {time_reason}, {place_reason}"


def same_event(a: dict, b: dict) -> tuple[bool, float, str]:
    """Whether two event records are one real event: (verdict, title score 0..1, reason)."""
    return _same(_Event(a), _Event(b))


def find_duplicates(records) -> list[tuple[str, str, float]]:
    """[(duplicate_id, canonical_id, score)] over event records (dicts with id, source,
    title, start, start_utc, all_day, place fields, first_seen), sorted by duplicate id.

    Only records dated within a day of each other that share a title word (or the
    letters of one: a transposed typo) are compared (blocking). Matching pairs are joined best first into groups; a group never holds two
    records of one source unless those two matched each other. Each group's canonical
    record is the best ranked (see _rank); the score is the best match of the duplicate.
    """
    events = [_Event(r) for r in records if r.get("id")]
    by_day: dict[date, list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        if e.day is not None and e.words:
            by_day[e.day].append(i)
    pairs = []
    one_day = timedelta(days=1)
    for day, members in by_day.items():
        later = by_day.get(day + one_day, ())
        for pos, i in enumerate(members):
            a = events[i]
            for others in (members[pos + 1:], later):
                for j in others:
                    b = events[j]
                    if a.timed and b.timed and abs(a.instant - b.instant) > TIME_TOLERANCE:
                        continue
                    if not a.keys & b.keys:
                        continue  # no word in common: the title score would be 0
                    ok, score, _ = _same(a, b)
                    if ok:
                        pairs.append((score, i, j))
    pairs.sort(key=lambda p: (-p[0], events[p[1]].id, events[p[2]].id))

    parent = list(range(len(events)))
    members_of: dict[int, set[int]] = {i: {i} for i in range(len(events))}
    matched = {(i, j) for _, i, j in pairs} | {(j, i) for _, i, j in pairs}
    best: dict[int, float] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def clash(x: int, y: int) -> bool:
        """Two records that must not share a group: one source's two events, or a time
        or place that rules the pair out (A~B and B~C do not make A~C across cities)."""
        if (x, y) in matched:
            return False
        a, b = events[x], events[y]
        return (a.source == b.source or not _time_match(a, b)[0]
                or _place_match(a, b).startswith("conflict"))

    for score, i, j in pairs:
        ri, rj = root(i), root(j)
        if ri != rj:
            clash_found = any(clash(x, y) for x in members_of[ri] for y in members_of[rj])
            if clash_found:
                continue
            parent[rj] = ri
            members_of[ri] |= members_of.pop(rj)
        for k in (i, j):
            best[k] = max(best.get(k, 0.0), score)

    result = []
    for group in members_of.values():
        if len(group) < 2:
            continue
        canonical = min(group, key=lambda k: events[k].rank)
        for k in group:
            if k != canonical:
                result.append((events[k].id, events[canonical].id, best.get(k, 0.0)))
    return sorted(result)
