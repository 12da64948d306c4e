"""Zones, for every part of eventhound: IANA names (known, canonical, of a datetime), offsets,
DST gaps and slips, the zone names a date text may write, and instants in UTC."""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from eventhound.dates.values import UTC, _join

DEFAULT_ZONE = "UTC"  # the zone of a source or item that names none


@functools.lru_cache(maxsize=256)
def _zone(tz: str) -> tuple[tzinfo, str | None]:
    try:
        return ZoneInfo(tz), None
    except Exception:  # ZoneInfoNotFoundError, ValueError for odd keys, TypeError
        return UTC, f"unknown time zone {tz!r}: read as UTC"


def zone(tz: str) -> tzinfo:
    """The zone for an IANA name; UTC when the name is unknown."""
    return _zone(tz)[0]


def is_known(name) -> bool:
    """Whether a name is an IANA zone (what sources.toml and --tz must name)."""
    return isinstance(name, str) and _zone(name)[1] is None


@functools.cache
def _links() -> dict[str, str]:
    """Backward-compatible zone names -> canonical IANA names, from tzdata's tzdata.zi."""
    text = ""
    try:
        from importlib.resources import files

        text = files("tzdata.zoneinfo").joinpath("tzdata.zi").read_text(encoding="utf-8")
    except Exception:  # tzdata not installed: the system's copy, else no mapping
        try:
            text = Path("/usr/share/zoneinfo/tzdata.zi").read_text(encoding="utf-8")
        except OSError:
            pass
    links = {}
    for line in text.splitlines():
        if line.startswith("L "):
            parts = line.split()
            if len(parts) == 3:
                links[parts[2]] = parts[1]
    return links


@functools.lru_cache(maxsize=512)
def iana_name(name: str | None) -> str | None:
    """The canonical IANA name for a zone name (alias, Windows name, /vendor/Olson), or None."""
    if not name or not isinstance(name, str):
        return None
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    clean = name.strip().strip('"').strip()
    candidates = [clean.strip("/")]
    if clean in WINDOWS_TO_OLSON:
        candidates.append(WINDOWS_TO_OLSON[clean])
    if clean.startswith("/"):  # "globally unique" TZIDs: /freeassociation.sourceforge.net/Europe/Berlin
        parts = clean.strip("/").split("/")
        candidates.extend("/".join(parts[i:]) for i in range(1, len(parts)))
    for candidate in candidates:
        if not candidate or len(candidate) > 64:
            continue
        try:
            ZoneInfo(candidate)
        except Exception:  # ZoneInfoNotFoundError, ValueError for odd keys
            continue
        return _links().get(candidate, candidate)
    return None


def is_utc_name(name: str | None) -> bool:
    """Whether a canonical IANA name is UTC itself (an instant, not a place)."""
    return name in ("Etc/UTC", "Etc/GMT")


def name_of(tz: tzinfo | None) -> str | None:
    """The canonical IANA name of a datetime's zone, when it has one."""
    if tz is None:
        return None
    if tz is UTC:
        return "Etc/UTC"
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)  # zoneinfo / pytz
    return iana_name(key) if isinstance(key, str) else None


def _zone_label(z: tzinfo) -> str:
    key = getattr(z, "key", None)
    if key:
        return key
    if z is UTC:
        return "UTC"
    offset = z.utcoffset(None)
    return _fmt_offset(offset) if offset is not None else str(z)


def _fmt_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _local(wall: datetime, z: tzinfo) -> tuple[datetime, str | None]:
    """Naive local wall time in zone z -> aware; a time in a DST gap moves forward."""
    aware = wall.replace(tzinfo=z)
    if z is UTC or aware.utcoffset() == aware.replace(fold=1).utcoffset():
        return aware, None  # not in a DST gap or fold: the common case, no round trip
    normalized = aware.astimezone(UTC).astimezone(z)
    if normalized.replace(tzinfo=None) != wall:
        return normalized, f"{wall.isoformat()} does not exist in {_zone_label(z)}: moved to {normalized.isoformat()}"
    return aware, None


@functools.lru_cache(maxsize=1024)
def _seasons(z: tzinfo, year: int) -> tuple[timedelta, timedelta]:
    """The zone's offsets in mid-January and mid-July of a year."""
    return (datetime(year, 1, 15, 12, tzinfo=z).utcoffset(), datetime(year, 7, 15, 12, tzinfo=z).utcoffset())


def _express(wall: datetime, z: tzinfo, stated: timedelta, tzname: str) -> tuple[datetime, str | None]:
    """A wall time with a stated non-zero offset, against the source zone z.

    The zone's own offset then: in z. An offset z uses at another time of year (a DST
    slip by the publisher): the wall time is local time in z, with a warning. Any other
    offset: the instant as stated, with that fixed offset.
    """
    instant = wall.replace(tzinfo=timezone(stated))
    local = instant.astimezone(z)
    actual = local.utcoffset()
    if stated == actual:
        return local, None
    if z is not UTC and stated in _seasons(z, wall.year):
        value, gap = _local(wall, z)
        actual = value.utcoffset()
        return value, _join(
            f"offset {_fmt_offset(stated)} is not {tzname}'s offset on that date "
            f"({_fmt_offset(actual)}): read as local time in {tzname}",
            gap,
        )
    return instant, None


def _apply_offset(wall: datetime, off: str, z: tzinfo, tzname: str) -> tuple[datetime, str | None] | None:
    """A wall time followed by an offset text (Z, -0500, -05:00, +0:00, -00): aware.
    None when the text is not a real offset (the caller reads local time)."""
    if off in ("Z", "z"):
        return wall.replace(tzinfo=UTC).astimezone(z), None
    sign = -1 if off[0] in "-−" else 1
    digits = off[1:].replace(":", "")
    if len(digits) in (1, 3):  # +0:00, -5:00, +530: a one-digit hour
        hours, minutes = int(digits[0]), int(digits[1:] or 0)
        malformed = True
    else:
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        malformed = False
    if not -12 <= sign * hours <= 14 or minutes > 59:
        return None
    if hours == 0 and minutes == 0 and sign < 0 and len(digits) == 2:
        return _local(wall, z)  # "-00": the offset is unknown (RFC 3339 spirit): local wall time
    stated = sign * timedelta(hours=hours, minutes=minutes)
    if malformed and stated == timedelta(0):
        value, _ = _local(wall, z)
        return value, f"malformed offset {off} ignored: read as local time in {tzname}"
    if stated == timedelta(0):
        return wall.replace(tzinfo=UTC).astimezone(z), None  # how servers serialize, not where the event is
    value, warning = _express(wall, z, stated, tzname)
    if malformed:
        warning = _join(f"malformed offset {off} read as {_fmt_offset(stated)}", warning)
    return value, warning


# Zone names in the text -> IANA zones (so DST is right); used only right after a time.
_ZONE_NAMES = {
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "eastern": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "central": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "mountain": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "akst": "America/Anchorage",
    "akdt": "America/Anchorage",
    "alaska": "America/Anchorage",
    "hst": "Pacific/Honolulu",
    "hawaii": "Pacific/Honolulu",
    "gmt": "UTC",
    "utc": "UTC",
    "bst": "Europe/London",
    "cet": "Europe/Paris",
    "cest": "Europe/Paris",
    "eet": "Europe/Athens",
    "eest": "Europe/Athens",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "jst": "Asia/Tokyo",
}
_CASED_ZONES = {"ET", "CT", "MT", "PT"}  # two-letter names count only in capitals


@functools.lru_cache(maxsize=512)
def _named_zone(name: str, src: tzinfo, year: int) -> tzinfo:
    """The zone a name in the text means; the source's own zone when the name is its name
    (America/Detroit writes EST, America/Phoenix writes MST) or it keeps the same clocks."""
    key = _ZONE_NAMES[name]
    if key == "UTC":
        return UTC
    named = ZoneInfo(key)
    if src is not UTC:
        jan, jul = datetime(year, 1, 15, 12, tzinfo=src), datetime(year, 7, 15, 12, tzinfo=src)
        if name.upper() in (jan.tzname(), jul.tzname()):
            return src
        if _seasons(src, year) == _seasons(named, year):
            return src
    return named


def to_utc_iso(value: datetime | date, tz: str) -> str:
    """The instant in UTC as ``2027-03-05T00:30:00+00:00`` (always this form: sorts as text).

    A date counts from local midnight in tz. A naive datetime is taken as wall time in tz.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = _local(value, zone(tz))[0]
    else:
        value = _local(datetime.combine(value, time(0)), zone(tz))[0]
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")
