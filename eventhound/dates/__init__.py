"""The date engine: a published date text -> when the event is, in the source's time zone.

Pure: the text, ``now`` and the source's zone go in; nothing reads the clock.

``parse_when(text, now, tz, *, languages=("en",), day_first=False) -> When`` reads every
way an event page writes a date: absolute dates, clock times, ranges, zones and offsets,
recurring phrases. It tries, in order:

1. the ISO 8601 fast path (one compiled regex) that also recovers the broken values real
   pages carry: single-digit months/days, dashes as time separators (``10-10-00``), a
   space instead of ``T``, the compact ``20270304T183000``, fractions, ``Z``, ``-0500``,
   ``-00`` (unknown offset), ``+0:00`` (malformed offset), trailing junk;
2. the commonest shape, ``[Weekday,] Month D[-[Month] D], YYYY``, read by one regex
   straight into the grammar's parts (a test checks it reads as the grammar does);
3. the fast grammar: one compiled tokenizer regex and a hand-written reader over its
   tokens (month and weekday names in English, French and Spanish, ordinals, numeric
   dates, clock times, ranges with ``-``/``–``/``to``/``through``/``until``/``|``, zone
   names and offsets); a recurring phrase becomes an RFC 5545 RRULE;
4. dateparser, with the languages fixed (never auto-detected; its parser cached per
   languages, zone and now), only for a text with letters in which the grammar found
   nothing it knows, or that it could not read in a language it has no words for.

Rules (where the text leaves something open):

- Numeric dates: ``2027-03-04`` and ``2027/03/04`` are Y-M-D; ``03/04/2027`` is month-first
  unless ``day_first`` (a value that is only valid the other way round is read that way:
  ``13/03/2014``); dotted dates ``29.02.2020`` are day-first (the European convention).
  A two-digit year is the one within 50 years of now. A month name, a dash and a day is
  that day (``aug-20``, ``Aug-20-2027``, as ``20-aug``); ``aug-2027`` stays a month and a year.
- A missing year: the next occurrence on or after today minus a week (``GRACE``: listings
  keep last week's events on the page). A weekday that contradicts the date gives a
  ``warning``; when the year is missing the weekday picks it: the year after, or the year
  before when that is less than half a year ago (``Thursday, March 4`` read in 2026 ->
  2027). A missing month (``Thu 17th``) is the next such day on or after today minus a
  week. A weekday alone is the next such day, today included.
- A date without a time of day is a ``date`` (``all_day``), never an invented midnight
  (``TBA``, ``time TBD``, ``all day`` say the same). A time of day without a day, a month
  without a day, ``TBA`` alone: an ``error`` with the reason.
- Clock times: a meridiem is shared across a range (``6-8pm``, ``7:30-9 AM``; the reading
  that gives the shorter event wins: ``11-1pm`` is 11:00-13:00); an end before the start is
  on the next day (``9pm - 1am``). An English ``H:MM`` with an hour 1-6 and no am/pm is in
  the afternoon (``4:30`` -> 16:30: events are not held at 4:30 in the night); zero-padded
  and 24-hour values are taken as written. ``9 o'clock`` is 9:00 (``in the morning`` /
  ``in the evening`` after it say which half of the day).
- Ranges: what one end leaves out comes from the other (``March 3-5, 2027``, ``Dec 30 -
  Jan 2, 2027`` starts in 2026); a date, then a dash and a time, is that date's time
  (``2027-03-04 - 9:00 a.m.``); two times without a word between are a range (``4:30 pm
  6:00 pm``); a zone written once applies to both ends; an end before the start is dropped
  with a warning. Dates without a range word between them are a list: the first counts.
- Zones: the source's zone by default, DST-correct. Names in the text after a time
  (``EST``, ``PDT``, ``CT``, ``Eastern``, ``Pacific Time``, ...) map to IANA zones so DST is
  right, and to the source's own zone when it is that zone's name (Detroit writes EST);
  ``GMT``/``UTC`` are UTC; ``GMT+2``, ``-0500``, ``-05:00`` are offsets (next point). One
  time in two zones (``6 p.m. Eastern / 5 p.m. Central``) is one moment.
- Offsets: a zero offset (``Z``, ``+00:00``) is a UTC instant, expressed in the source
  zone; ``-00`` and the malformed ``+0:00`` are local time (the latter with a warning); an
  offset that is the source zone's own offset at another time of year (the DST slip of a
  known WordPress plugin, -04:00 in November for New York) is read as local wall time in
  the source zone, with a warning; any other offset is kept as stated.
- Recurring phrases (``every Tuesday at 9:30 AM``, ``1st and 3rd Wednesdays``, ``the 4th
  of every other month``, ``weekdays``, ...) give ``rrule`` (FREQ first; INTERVAL only when
  not 1; BYHOUR/BYMINUTE when a time is given) and, as ``start``/``end``, the next
  occurrence on or after now (a date when no time is given), on wall times in the zone
  (DST-correct): with ``dateutil.rrule`` from today, or a direct computation for the
  simple shapes (tested against dateutil). The text does not say which week an "every
  other" rule is in: the nearest day that fits is next. A rule that names no day
  (``monthly meeting``, ``every March``) is not a rule; one that never occurs (``the 30th
  of February``) is an error. A number right after "at" is an hour there as in a date
  (``Wednesdays at 9`` is weekly at 9:00, never the 9th of the month). ``the fourth
  Thursday in November`` (with "the", no year) is a yearly rule; ``3rd Wednesday in
  November`` is one date.

Never raises; results are cached by (text, now, tz, languages, day_first): ``now`` is
fixed within a crawl, so keying on it costs no hits and keeps relative phrases exact.
``parse_moment`` (the start as a `Moment`, or None) is kept for older callers;
``only_a_time`` says whether a text names a time and no day (a listing then gives the day).

The modules, in the order a text goes through them: ``parse`` (the entry points, the order
of attempts, the caches, the commonest shape), ``iso`` (1.), ``words`` (each language's
month, weekday and keyword tables), ``tokens`` (the tokenizer; ``kinds`` names each kind of
token), ``grammar`` (the reader: one handler per construction, by token kind), ``finish``
(a reading -> a `When`), ``rules`` and ``occurrences`` (recurring phrases: the RRULE, its
next occurrence), ``fallback`` (dateparser), with ``days`` (calendar helpers), ``values``
(`Moment`, `When`, ISO text) and ``zones`` (IANA names, offsets, DST: for all of eventhound).
"""

from eventhound.dates.fallback import has_clock_time

# The engine's inner steps, for the tests that compare one path with another.
from eventhound.dates.finish import _finish  # noqa: F401
from eventhound.dates.grammar import _read  # noqa: F401
from eventhound.dates.occurrences import _after, _fast_after, _feasible, _simple  # noqa: F401
from eventhound.dates.parse import (
    _shape,  # noqa: F401
    cache_clear,
    only_a_time,
    parse_moment,
    parse_when,
)
from eventhound.dates.tokens import _tokenize  # noqa: F401
from eventhound.dates.values import GRACE, ONLY_A_TIME, Moment, When, to_iso
from eventhound.dates.zones import to_utc_iso, zone

__all__ = [
    "GRACE",
    "ONLY_A_TIME",
    "Moment",
    "When",
    "cache_clear",
    "has_clock_time",
    "only_a_time",
    "parse_moment",
    "parse_when",
    "to_iso",
    "to_utc_iso",
    "zone",
]
