"""What the engine gives: `Moment` and `When`, the constants their readings share, ISO 8601 text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

UTC = UTC
MAX_FREE_TEXT = 200  # longer texts are not dates; dateparser is not asked about them
MAX_TEXT = 1000  # longer texts are not read at all
GRACE = timedelta(days=7)  # a yearless date this recent is in the past, not next year
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ONLY_A_TIME = "no day: only a time of day"  # the error of a text that names a time and no day


@dataclass(frozen=True)
class Moment:
    value: datetime | date  # aware datetime in a real zone, or a date when no time of day is known
    all_day: bool  # True when value is a date
    warning: str | None = None  # e.g. "malformed offset +0:00 ignored: read as local time in Europe/Paris"


@dataclass(frozen=True)
class When:
    """What a date text says. `start`/`end`: an aware datetime, a date (no time of day
    given) or None; `error` says why there is no start."""

    start: datetime | date | None = None
    end: datetime | date | None = None
    all_day: bool = False
    timezone: str = "UTC"
    rrule: str | None = None
    warning: str | None = None
    error: str | None = None

    def to_json(self) -> dict:
        """The `eventhound when` fields: ISO 8601 strings (with the UTC offset, or a date)."""
        return {
            "start": to_iso(self.start) if self.start is not None else None,
            "end": to_iso(self.end) if self.end is not None else None,
            "all_day": self.all_day,
            "timezone": self.timezone,
            "rrule": self.rrule,
            "warning": self.warning,
            "error": self.error,
        }


def _join(*warnings: str | None) -> str | None:
    return "; ".join(w for w in warnings if w) or None


def to_iso(value: datetime | date) -> str:
    """``2027-03-04T18:30:00-06:00`` for a datetime, ``2027-03-04`` for a date."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()
