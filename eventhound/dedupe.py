"""One record per real event: matching event records across sources (pure; no clock, no SQL).

The same job fair listed by a workforce board, a chamber and a library is one event. Two
records are the same event when all three agree:

- **time**: both timed -> start instants (start_utc) at most ``TIME_TOLERANCE`` (2 h) apart;
  either one all-day or date-only -> the same local start date (the date part of ``start``).
- **place**: both online; or the same city, postal code, or an overlap of the distinctive
  words of venue/street/city (generic words like "center", "room", "library" left out).
  Different places: online vs in person (hybrid agrees with both); coordinates more than
  ``FAR_KM`` (25 km) apart; two different cities (a missing city is read from a one-line
  LOCATION: "Hilton, 700 E Adams St, Springfield, IL"); two named venues in one city with
  no word in common ("Union Hall", "Convention Center"; the city and filler such as
  "center" left out) unless a title names the other's venue (a hall renamed since); two
  venues with no distinctive word in common when no city or postal code settles it. When
  the place is unknown on either side (nothing stated) the title must match more strongly.
- **title**: ``normalize_title`` on both (the names of a job fair -- career fair, hiring
  event, employment expo, "career & job fair" -- all read "job fair"), then the Dice
  coefficient of the word sets, a
  word meeting its misspelling too ("Fiar"/"Fair"); words of either record's city or
  organizer, and venue words both records share, are left out of both when something is
  left. A title of three words or more wholly inside the other scores at least
  ``CONTAINED`` (0.85: "Spring Job Fair" in "Spring Job Fair: 60+ Employers Hiring").
  At least ``TITLE_MIN`` (0.82) with a place match, ``TITLE_MIN_NO_PLACE`` (0.9) without.
  A title that adds a sub-event word the other lacks ("Spring Job Fair – Employer
  Registration", "… Prep Workshop"), or a trade or audience ("Spring Healthcare Job Fair",
  "Veterans …"), names another event: never a duplicate.

Records of one source are matched only when they start at the same instant (or on the
same date, both date-only) with a title match of at least 0.9: the same event read from a
listing and from its detail page under two ids (the id comes from @id, else the URL, else
the title, so a listing without links and its detail page differ). A publisher's two
sessions at different times stay two events; a weekly series' occurrences never meet.

``find_duplicates`` compares only records whose times and places can match -- timed ones
starting in neighbouring 2-hour spans, else on one date; in one city (or one within the
other's name), one postal code, both online, or a record with no city meeting all -- and
that share a title word (blocking, linear at a fixed density of events per hour and
place). A word held by more than an eighth of the records ("job", "fair") links two
records only through a title with few other words, which provably loses no pair the
rules accept when their words match exactly or by transposed letters (_probes). It links
matching pairs best score first into groups (a group never takes two records of one
source, or two whose start or place rule each other out, that did not match each other
directly: A~B and B~C do not join two cities), and names one
canonical record per group: the one with the most information (url, venue, street, city,
end, registration, organizer, description in 200-character steps), then the earliest
first_seen, then the smallest id. Coarse description steps keep the choice stable
across crawls when a publisher edits a sentence.
"""

from __future__ import annotations

import gc
import math
import re
import unicodedata
from collections import defaultdict
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import combinations

TIME_TOLERANCE = timedelta(hours=2)
TITLE_MIN = 0.82
TITLE_MIN_NO_PLACE = 0.9
SAME_SOURCE_TITLE_MIN = 0.9
CONTAINED = 0.85
FAR_KM = 25.0  # two places with coordinates further apart than this are different places

STOP_WORDS = frozenset(
    """
a an the and or of for at in on to with by from our your its new
annual yearly biannual semiannual edition inaugural
presents presented hosted host hosts sponsored welcome join us free event events
""".split()
)
MONTHS = frozenset(
    """
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split()
)
WEEKDAYS = frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday
mon tue tues wed thu thur thurs fri sat sun
""".split()
)
ORG_WORDS = frozenset(
    """
chamber commerce library libraries public workforce board county city inc llc
association assn society chapter council department dept university college
""".split()
)
# Words that name a part of or a companion to an event, not the event itself.
QUALIFIERS = frozenset(
    """
registration register deadline orientation prep preparation workshop webinar info
information session reception breakfast luncheon lunch dinner panel training
signup volunteer volunteers setup preview rehearsal
""".split()
)
# Trades and audiences (singular): a fair for one of them is another fair than the general
# one ("Spring Healthcare Job Fair" is not the "Spring Job Fair" of the same day).
SPECIALTIES = frozenset(
    """
healthcare health nursing nurse medical hospital pharmacy dental behavioral tech technology it
software cyber cybersecurity engineering engineer stem manufacturing construction trade
logistic warehouse transportation trucking driver cdl hospitality restaurant retail finance
financial banking accounting insurance education teacher government federal law legal
veteran military youth teen student graduate alumni senior women diversity agriculture energy
""".split()
)
GENERIC_PLACE = frozenset(
    """
center centre hall room rm building bldg suite floor campus auditorium conference
convention library public branch main street st avenue ave road rd boulevard blvd drive dr
plaza way lane ln court ct suite ste the of at and office offices hotel inn
""".split()
)
# Words that name no building: what is left of a venue's name tells two venues apart
# ("Union Hall" vs "Convention Center"), the kind of building included.
VENUE_FILLER = frozenset(
    """
center centre ctr the of at and building bldg suite ste floor room rm
""".split()
)
# The names of a job fair, read as one ("Career & Job Fair", "Hiring Event", "Jobs Expo" ->
# "job fair"; "fiar" is the common typo), on the lower-case words joined by single spaces;
# JOB_FAIR_CUT: a title cut short ("Healthcare Career…") after the first word of the name.
JOB_FAIR = re.compile(
    r"\b(?:(?:career|job|hiring|employment|recruitment)s? (?:and |or )?)+(?:fair|fiar|expo)s?\b"
    r"|\bhiring events?\b"
)
JOB_FAIR_CUT = re.compile(r"\b(?:career|job|hiring|employment|recruitment)s?$")
CUT_SHORT = ("…", "...")
ORDINAL = re.compile(r"^\d+(st|nd|rd|th)?$")
TIME_WORD = re.compile(r"^\d{1,2}(:\d\d)?(am|pm|a|p)?$|^(am|pm|noon)$")


@lru_cache(maxsize=65536)
def _key(word: str) -> str:
    """A title word's blocking key: its letters sorted when it has four or more, so a
    transposed typo ("fiar") meets the word ("fair"); a shorter word as it is."""
    return "".join(sorted(word)) if len(word) >= 4 else word


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
        if (
            word in STOP_WORDS
            or word in MONTHS
            or word in WEEKDAYS
            or word in ORG_WORDS
            or ORDINAL.match(word)
            or TIME_WORD.match(word)
        ):
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
    return _dice(set(a.split()), set(b.split()))


def _dice(ta: set, tb: set) -> float:
    if not ta or not tb:
        return 0.0
    common = len(ta & tb)
    rest_b = sorted(tb - ta)
    for word in sorted(ta - tb):
        near = next((other for other in rest_b if _near_word(word, other)), None)
        if near is not None:
            common += 1
            rest_b.remove(near)
    return 2 * common / (len(ta) + len(tb))


# ---------------------------------------------------------------------------- records


class _Event:
    """What matching needs of one record, computed once."""

    __slots__ = (
        "id",
        "source",
        "day",
        "instant",
        "timed",
        "words",
        "word_set",
        "keys",
        "context",
        "online",
        "physical",
        "city",
        "postal",
        "place",
        "venue",
        "point",
        "record",
    )

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
        self.keys = {w: _key(w) for w in self.word_set}  # word -> blocking key
        self._place(record)

    def _place(self, record: dict) -> None:
        self.context = _context(record.get("city"), record.get("organizer"))
        attendance = (record.get("attendance") or "").lower()
        self.city = _city_name(record.get("city") or _location_city(record.get("venue_name")))
        self.postal = (record.get("postal_code") or "").strip()[:5] or None
        self.place = (
            _place_words(record.get("venue_name"))
            | _place_words(record.get("street"))
            | _place_words(record.get("city"))
        )
        self.venue = _venue_words(record.get("venue_name"), self.city)
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
        self.point = (
            (float(lat), float(lon)) if isinstance(lat, (int, float)) and isinstance(lon, (int, float)) else None
        )


@lru_cache(maxsize=65536)
def _context(city, organizer) -> frozenset[str]:
    """The words of a record's city and organizer, left out of both titles when compared."""
    return _tokens(city) | _tokens(organizer) | {_stem(w) for w in _words(city or "")}


@lru_cache(maxsize=65536)
def _city_name(city) -> str | None:
    return " ".join(_words(city or "")) or None


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


@lru_cache(maxsize=65536)
def _venue_words(text, city) -> frozenset[str]:
    """The words naming a venue, its city and filler left out ("Durham Union Hall" ->
    {"union", "hall"}); a one-line location gives its first part; a street address none."""
    name = (text or "").split(",")[0].strip()
    if not name or name[0].isdigit():
        return frozenset()
    city_words = set(_words(city or ""))
    return frozenset(
        _stem(w)
        for w in _words(name)
        if w not in VENUE_FILLER and w not in city_words and not w.isdigit() and len(w) > 1
    )


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
    if (a.online and not a.physical and b.physical and not b.online) or (
        b.online and not b.physical and a.physical and not a.online
    ):
        return "conflict:online vs in person"
    if a.point and b.point and _km(a.point, b.point) > FAR_KM:
        return "conflict:far apart"
    if a.postal and b.postal and a.postal == b.postal:
        return "match:same postal code"
    common = a.place & b.place
    if a.city and b.city:
        if a.city not in b.city and b.city not in a.city:  # "Springfield" in "Springfield Township"
            return "conflict:different cities"
        if _other_venues(a, b):
            return "conflict:different venues"
        if a.city == b.city:
            return "match:same city"
    if common:
        return "match:venue " + " ".join(sorted(common))
    if a.online and b.online:
        return "match:both online"
    if a.place and b.place:
        return "conflict:different venues"
    return "unknown:no comparable place"


def _other_venues(a: _Event, b: _Event) -> bool:
    """Two named venues with no word in common ("Union Hall", "Convention Center"), unless a
    title names the other record's venue (an event named after its hall, renamed since)."""
    if not a.venue or not b.venue or a.venue & b.venue:
        return False
    return not any(
        names and names <= other.word_set
        for names, other in ((a.venue - GENERIC_PLACE, b), (b.venue - GENERIC_PLACE, a))
    )


def _title_score(a: _Event, b: _Event) -> float:
    ta, tb = a.word_set, b.word_set
    context = a.context | b.context | (a.place & b.place)
    if ta - context and tb - context:
        ta, tb = ta - context, tb - context
    score = _dice(ta, tb)
    # "Spring Job Fair" inside "Spring Job Fair: 60+ Employers Hiring": a title of three
    # words or more wholly inside the other (a bare "Career Fair" is too generic for it).
    if min(len(ta), len(tb)) >= 3 and (ta <= tb or tb <= ta):
        score = max(score, CONTAINED)
    return score


def _qualifier_mismatch(a: _Event, b: _Event) -> set[str]:
    """The qualifier words one title has and the other lacks, and the trades and
    audiences (SPECIALTIES) unless they are the city or organizer of a record."""
    differ = a.word_set ^ b.word_set
    return (differ & QUALIFIERS) | (differ & SPECIALTIES) - a.context - b.context


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
            not a.timed and not b.timed and a.day == b.day
        ):
            return False, score, "one source, different starts"
    else:
        needed = TITLE_MIN if verdict == "match" else TITLE_MIN_NO_PLACE
    if score < needed:
        return False, score, f"titles differ ({score:.2f} < {needed})"
    return True, score, f"title {score:.2f}, {time_reason}, {place_reason}"


def same_event(a: dict, b: dict) -> tuple[bool, float, str]:
    """Whether two event records are one real event: (verdict, title score 0..1, reason)."""
    return _same(_Event(a), _Event(b))


ANYWHERE = ("anywhere",)  # the place cell of a record whose place can clash with none
ONLINE = ("online",)


def _cells(e: _Event) -> tuple:
    """The place cells of a record: two records can only match when their cells meet
    (see _meeting_cells). Online (hybrid too) -> ONLINE; in person with a city -> its city
    and postal code; no city, or no place at all -> ANYWHERE, which meets every cell."""
    cells = [ONLINE] if e.online else []
    if e.physical or not e.online:
        if e.city and e.physical:
            cells.append(("city", e.city))
            if e.postal:
                cells.append(("postal", e.postal))
        else:
            cells.append(ANYWHERE)
    return tuple(cells)


def _meeting_cells(cells: set) -> dict:
    """For each cell, the cells it may match: itself, ANYWHERE, and a city within or around
    its city ("Springfield" / "Springfield Township"): _place_match rules out every other
    pair (online only vs in person; two cities; one postal code is no other's)."""
    cities = sorted(c for c in cells if c[0] == "city")
    meets = {cell: {cell, ANYWHERE} for cell in cells}
    for x in cities:
        for y in cities:
            if x != y and (x[1] in y[1] or y[1] in x[1]):
                meets[x].add(y)
    return meets


# A share of the records above which a title key is "common" ("job", "fair", "workshop"):
# a common key alone links a pair only through a title with few other words (see _probes).
COMMON_SHARE = 1 / 8
COMMON_MIN = 64
# A pair scoring TITLE_MIN (Dice) has at most this many unmatched words per matched word on a side.
SPARE = 2 / TITLE_MIN - 2


def _probes(e: _Event, common: set) -> list:
    """The keys a record looks up beyond its rare title keys (every record holding one of
    those meets every other: _rare_pairs).

    Every accepted pair whose title words match exactly or by transposed letters is found,
    which this proves. Say all its matched words have common keys (else a pair of matched
    words shares a rare key, and _rare_pairs pairs them). Dice >= TITLE_MIN gives
    on each side unmatched <= SPARE * matched <= SPARE * (words with a common key); a
    contained title (CONTAINED) has no unmatched word on its shorter side. The words the
    title score leaves out are the pair's context and shared place words: a rare word of A
    left out only because it is B's city or organizer is probed against B's context
    words (("@", word) keys); otherwise A's rare words outside its own context and place
    -- its core -- are all unmatched, so the side meeting the bound has a core <= SPARE *
    its common-key words, and such a record probes its common keys too.
    """
    core = [w for w, k in e.keys.items() if k not in common and w not in e.context and w not in e.place]
    more = [("@", w) for w in core]
    if len(core) <= SPARE * sum(1 for k in e.keys.values() if k in common):
        more += [k for k in set(e.keys.values()) if k in common]
    return more


def _slots(e: _Event) -> tuple[tuple, tuple]:
    """(where a record is filed, where it looks) in time: two records can only match when
    both are timed and start at most TIME_TOLERANCE apart -- in the same or neighbouring
    spans of that length -- or share the date of ``start`` (see _time_match)."""
    if not e.timed:
        return (("date", e.day),), (("date", e.day), ("timed", e.day))
    span = int(e.instant.timestamp() // TIME_TOLERANCE.total_seconds())
    return (
        (("span", span), ("timed", e.day)),
        (("span", span - 1), ("span", span), ("span", span + 1), ("date", e.day)),
    )


def _reach(slot: tuple) -> tuple:
    """The slots whose records a record filed in ``slot`` can match (see _slots)."""
    kind, value = slot
    if kind == "span":
        return ("span", value - 1), slot, ("span", value + 1)
    return (("date", value), ("timed", value)) if kind == "date" else (("date", value),)


def _join(pairs: set, these: list[int], those: list[int]) -> None:
    pairs.update((i, j) if i < j else (j, i) for i in these for j in those if i != j)


def _rare_pairs(index: dict, meets: dict, common: set, pairs: set) -> None:
    """Every two records holding one rare title key in slots and cells that meet."""
    for (cell, key), slots in index.items():
        if cell is None or not isinstance(key, str) or key in common:
            continue
        for slot, these in slots.items():
            if slot[0] != "timed":  # records within one span or date; "timed" only meets "date"
                pairs.update(combinations(these, 2))
            later = slots.get(("span", slot[1] + 1) if slot[0] == "span" else ("timed", slot[1]))
            if later and slot[0] != "timed":
                _join(pairs, these, later)
        for other in meets[cell] - {cell}:
            elsewhere = index.get((other, key))
            for slot, these in slots.items() if elsewhere else ():
                for near in _reach(slot):
                    if near in elsewhere:
                        _join(pairs, these, elsewhere[near])


def _candidates(events: list[_Event]) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, worth comparing: in time slots and place cells that can meet,
    sharing a rare title key, or a key one of them probes beyond that (_probes): a common
    title key, or a title word that is the other's context word. Linear in the records
    for a fixed density of events per hour and place."""
    filed = [_slots(e) + (_cells(e),) if e.day is not None and e.words else None for e in events]
    anywhere = any(f and ANYWHERE in f[2] for f in filed)
    # (cell, key) -> slot -> records; key: a title key, or ("@", word) for a context word
    index: dict = defaultdict(lambda: defaultdict(list))
    counts: dict[str, int] = defaultdict(int)
    for e, f in zip(events, filed):
        for key in set(e.keys.values()) if f else ():
            counts[key] += 1
    common = {key for key, count in counts.items() if count > max(COMMON_MIN, COMMON_SHARE * len(events))}
    probes = [_probes(e, common) if f else () for e, f in zip(events, filed)]
    looked_up = {key for more in probes for key in more}  # the context words someone looks up
    for i, (e, f) in enumerate(zip(events, filed)):
        if f is None:
            continue
        keys = set(e.keys.values())
        keys.update(key for key in (("@", w) for w in e.context) if key in looked_up)
        for cell in f[2] + (None,) if anywhere else f[2]:  # None: every cell, for ANYWHERE's look-ups
            for key in keys:
                slots = index[cell, key]
                for slot in f[0]:
                    slots[slot].append(i)
    meets = _meeting_cells({cell for f in filed if f for cell in f[2]})
    pairs: set[tuple[int, int]] = set()
    _rare_pairs(index, meets, common, pairs)
    for i, (more, f) in enumerate(zip(probes, filed)):
        targets = {None} if more and ANYWHERE in f[2] else {t for cell in f[2] for t in meets[cell]} if more else ()
        for cell in targets:
            for key in more:
                slots = index.get((cell, key))
                for slot in f[1] if slots else ():
                    if slot in slots:
                        _join(pairs, (i,), slots[slot])
    return pairs


def _matches(events: list[_Event]) -> list[tuple[float, int, int]]:
    """The candidate pairs same_event accepts, (score, i, j) best first, i the smaller id."""
    found = []
    for i, j in _candidates(events):
        a, b = events[i], events[j]
        if a.timed and b.timed and abs(a.instant - b.instant) > TIME_TOLERANCE:
            continue
        if _qualifier_mismatch(a, b):  # _same's verdict, found sooner
            continue
        ok, score, _ = _same(a, b)
        if ok:
            found.append((score, i, j) if (a.id, i) < (b.id, j) else (score, j, i))
    found.sort(key=lambda p: (-p[0], events[p[1]].id, events[p[2]].id))
    return found


def find_duplicates(records) -> list[tuple[str, str, float]]:
    """[(duplicate_id, canonical_id, score)] over event records (dicts with id, source,
    title, start, start_utc, all_day, place fields, first_seen), sorted by duplicate id.

    Only records dated within a day of each other, in place cells that can meet, that
    share a title word (or the letters of one: a transposed typo) are compared
    (_candidates). Matching pairs are joined best first into groups; a group never holds two
    records of one source unless those two matched each other. Each group's canonical
    record is the best ranked (see _rank); the score is the best match of the duplicate.
    """
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small tuples and sets, no cycles: the collector's passes cost a third
    try:
        events = [_Event(r) for r in records if r.get("id")]
        return _groups(events, _matches(events))
    finally:
        if collecting:
            gc.enable()


def _groups(events: list[_Event], pairs: list[tuple[float, int, int]]) -> list[tuple[str, str, float]]:
    """Matching pairs joined best first into groups; (duplicate id, canonical id, score)."""
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
        return a.source == b.source or not _time_match(a, b)[0] or _place_match(a, b).startswith("conflict")

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
        canonical = min(group, key=lambda k: _rank(events[k].record))
        for k in group:
            if k != canonical:
                result.append((events[k].id, events[canonical].id, best.get(k, 0.0)))
    return sorted(result)
