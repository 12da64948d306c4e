"""NormalizeDatesPipeline: start_text/end_text as published -> start, end, *_utc, all_day, time_text, rrule.

Every text goes through the date engine, `eventhound.dates.parse_when`. Reads
`start_text`, `end_text`, `timezone` (the source zone; "UTC" when missing), `_languages`
and `_day_first` (whether the source writes 03/04 for 3 April; when not given: day-first
exactly when none of the source's languages is English); writes `start`, `end` (local
ISO 8601 via `eventhound.dates.to_iso`), `start_utc`, `end_utc` (`to_utc_iso`), `all_day`
(the start's), `time_text`, `timezone` and `rrule`.

- A start text that holds a range ("March 3-5, 2027", "Oct 12 | 6:30-8 p.m.") and no end
  text: the range's end is the end.
- A recurring phrase ("second Tuesday of each month, 7:30-9 AM"): its RRULE goes to
  `rrule` (an `rrule` the extractor found is kept), start and end are its next occurrence.
- An end that is only a time of day ("8:30 PM", "20:00") is read on the start's day; one
  before the start's time of day is on the next day ("9 PM" to "1 AM").
- An end before the start is dropped (`eventhound/dates/end_before_start`); a date and a
  datetime are compared by their local dates, and each keeps the form it was parsed in.
- A start text that cannot be read leaves `start` None for ValidatePipeline to drop
  (`eventhound/dates/unparseable`); an unreadable end text leaves `end` None
  (`eventhound/dates/end_unparseable`). Each engine warning (a weekday that contradicts
  the date, a corrected offset, ...) counts `eventhound/dates/warning`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from eventhound.dates import When, parse_when, to_iso, to_utc_iso
from eventhound.dates.zones import DEFAULT_ZONE
from pipelines.base import EventPipeline

logger = logging.getLogger(__name__)


def _text(value) -> str | None:
    """A published date value as one whitespace-normalized string (first of a list)."""
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def _local_date(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _before(end: datetime | date, start: datetime | date) -> bool:
    if isinstance(end, datetime) and isinstance(start, datetime):
        return end < start
    return _local_date(end) < _local_date(start)


class NormalizeDatesPipeline(EventPipeline):
    def _parse(self, text: str, tz: str, languages: tuple[str, ...], day_first: bool) -> When:
        when = parse_when(text, self.now, tz, languages=languages, day_first=day_first)
        if when.warning:
            self.stats.inc_value("eventhound/dates/warning")
            logger.debug("%r: %s", text, when.warning)
        if when.error:
            logger.debug("%r: %s", text, when.error)
        return when

    def process_item(self, item):
        tz = item.get("timezone") or DEFAULT_ZONE
        languages = item.get("_languages") or ("en",)
        languages = tuple(languages) if not isinstance(languages, str) else (languages,)
        day_first = item.get("_day_first")
        if day_first is None:
            day_first = "en" not in languages
        start_text, end_text = _text(item.get("start_text")), _text(item.get("end_text"))

        when = self._parse(start_text, tz, languages, day_first) if start_text else None
        start = when.start if when is not None else None
        if start_text and start is None:
            self.stats.inc_value("eventhound/dates/unparseable")
        end = None
        if end_text:
            end = self._parse(end_text, tz, languages, day_first).start
            if end is None and isinstance(start, datetime):
                # "8:30 PM" / "20:00": a time on the start's day (the next day when earlier)
                on_day = self._parse(f"{start.date().isoformat()} {end_text}", tz, languages, day_first).start
                if isinstance(on_day, datetime):
                    end = on_day + timedelta(days=1) if on_day < start else on_day
            if end is None:
                self.stats.inc_value("eventhound/dates/end_unparseable")
        elif when is not None:
            end = when.end  # "March 3-5, 2027", "Oct 12 | 6:30-8 p.m."
        if start is not None and end is not None and _before(end, start):
            self.stats.inc_value("eventhound/dates/end_before_start")
            end = None
        if when is not None and when.rrule and not item.get("rrule"):
            item["rrule"] = when.rrule

        item["timezone"] = tz
        item["start"] = to_iso(start) if start is not None else None
        item["start_utc"] = to_utc_iso(start, tz) if start is not None else None
        item["end"] = to_iso(end) if end is not None else None
        item["end_utc"] = to_utc_iso(end, tz) if end is not None else None
        item["all_day"] = start is not None and not isinstance(start, datetime)
        if start_text:
            item["time_text"] = f"{start_text} – {end_text}" if end_text else start_text
        else:
            item["time_text"] = end_text
        return item
