"""NormalizeDatesPipeline: start_text/end_text as published -> start, end, *_utc, all_day, time_text.

Reads `start_text`, `end_text`, `timezone` (the source zone; "UTC" when missing) and
`_languages`; writes `start`, `end` (local ISO 8601 via `eventhound.dates.to_iso`),
`start_utc`, `end_utc` (`to_utc_iso`), `all_day` (the start's), `time_text` and `timezone`.

- An end that is only a time of day ("8:30 PM", "20:00") is read on the start's day.
- An end before the start is dropped (`eventhound/dates/end_before_start`); a date and a
  datetime are compared by their local dates, and each keeps the form it was parsed in.
- A start text that cannot be read leaves `start` None for ValidatePipeline to drop
  (`eventhound/dates/unparseable`); an unreadable end text leaves `end` None
  (`eventhound/dates/end_unparseable`). Each parser warning counts `eventhound/dates/warning`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from eventhound.dates import Moment, parse_moment, to_iso, to_utc_iso
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

    def _parse(self, text: str, tz: str, languages: tuple[str, ...]) -> Moment | None:
        moment = parse_moment(text, tz, self.now, languages)
        if moment is not None and moment.warning:
            self.stats.inc_value("eventhound/dates/warning")
            logger.debug("%r: %s", text, moment.warning)
        return moment

    def process_item(self, item):
        tz = item.get("timezone") or "UTC"
        languages = item.get("_languages") or ("en",)
        languages = tuple(languages) if not isinstance(languages, str) else (languages,)
        start_text, end_text = _text(item.get("start_text")), _text(item.get("end_text"))

        start = self._parse(start_text, tz, languages) if start_text else None
        if start_text and start is None:
            self.stats.inc_value("eventhound/dates/unparseable")
        end = self._parse(end_text, tz, languages) if end_text else None
        if end is None and end_text and start is not None and not start.all_day:
            # "8:30 PM" / "20:00": a time on the start's day
            end = self._parse(f"{start.value.date().isoformat()} {end_text}", tz, languages)
            if end is not None and end.all_day:
                end = None
        if end_text and end is None:
            self.stats.inc_value("eventhound/dates/end_unparseable")
        if start is not None and end is not None and _before(end.value, start.value):
            self.stats.inc_value("eventhound/dates/end_before_start")
            end = None

        item["timezone"] = tz
        item["start"] = to_iso(start.value) if start else None
        item["start_utc"] = to_utc_iso(start.value, tz) if start else None
        item["end"] = to_iso(end.value) if end else None
        item["end_utc"] = to_utc_iso(end.value, tz) if end else None
        item["all_day"] = bool(start.all_day) if start else False
        if start_text:
            item["time_text"] = f"{start_text} – {end_text}" if end_text else start_text
        else:
            item["time_text"] = end_text
        return item
