"""series: recurring events expanded within a window, for every format that publishes a rule.

One code path for every recurring event the project reads: the iCalendar extractor (and
gcal, which builds a calendar from Google's JSON) and schema.org ``eventSchedule`` (whose
Schedule becomes an RRULE on a VEVENT) both expand here, with ``recurring_ical_events``.

- ``Window``: the span occurrences must overlap, ``now - window_days_back`` ..
  ``now + window_days_ahead`` (the source's options, by ``WINDOW_OPTIONS``), measured
  in the source's zone. The window applies to series only: a single event is kept however
  far ahead it is (a trade show announced two years ahead), and dropped only when it ended
  before the window's start.
- ``prepare_recurrence``: checks RDATE/EXDATE, keeps the published rule text
  (``RRULE_TEXT``) and bounds an endless rule at the window's end.
- ``occurrences``: a series' occurrences within the window, bounded in count
  (``MAX_PER_SERIES``, ``Budget``) and in the steps a rule may take to reach the window.
- ``occurrence_id``: an occurrence is known by its series' id and its original start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from eventhound.extractors.base import Context, Option, option_value

__all__ = [
    "Window",
    "Budget",
    "prepare_recurrence",
    "occurrences",
    "occurrence_id",
    "rrule_text",
    "first",
    "comparable",
    "rule_can_match",
    "NO_END",
    "RRULE_TEXT",
    "MAX_PER_SERIES",
]

MAX_PER_SERIES = 1000
MAX_TOTAL = 50_000
MAX_RULE_STEPS = 200_000  # per series
MAX_FEED_STEPS = 1_000_000  # per feed
MAX_WINDOW_DAYS = 3650  # a window option beyond this is taken as not given
# The options of a format that expands series (ical, gcal, schemaorg): their OPTIONS tables hold these.
WINDOW_OPTIONS = {
    "window_days_back": Option(
        int, 30, "keep events and occurrences that end after the crawl's start minus this many days"
    ),
    "window_days_ahead": Option(
        int,
        365,
        "expand a series' occurrences that start before the crawl's start plus "
        "this many days (a single event is kept however far ahead)",
    ),
}
UTC = UTC
NO_END = "X-EVENTHOUND-NO-END"  # marks a VEVENT that published neither DTEND nor DURATION
RRULE_TEXT = "X-EVENTHOUND-RRULE"  # the rule as published, kept before the expansion bounds it


def occurrence_id(series_id: str, original_start: str) -> str:
    """The own id of one occurrence: its series' id and its original start as ISO 8601."""
    return f"{series_id}#{original_start}"


def first(value):
    if isinstance(value, list):
        return value[0] if value else None
    return value


def comparable(a, b):
    """Two date/datetime values made comparable: dates as midnight; wall times unless both are aware."""
    a = a if isinstance(a, datetime) else datetime(a.year, a.month, a.day)
    b = b if isinstance(b, datetime) else datetime(b.year, b.month, b.day)
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a, b


def rrule_text(component) -> str | None:
    """The first RRULE as published (property order kept, values as icalendar writes them)."""
    rule = first(component.get("RRULE"))
    if rule is None:
        return None
    try:
        from icalendar.prop import vText

        parts = []
        for key, vals in rule.items():
            typ = rule.types.get(key, vText)
            vals = vals if isinstance(vals, (list, tuple)) else [vals]
            parts.append(f"{key}=" + ",".join(typ(v).to_ical().decode() for v in vals))
        return ";".join(parts)
    except Exception:
        return None


class Window:
    """The time span occurrences must overlap: now - days_back .. now + days_ahead."""

    def __init__(self, context: Context):
        back = _days(context.options, "window_days_back")
        ahead = _days(context.options, "window_days_ahead")
        now = context.now if context.now.tzinfo else context.now.replace(tzinfo=UTC)
        try:
            zone = ZoneInfo(context.timezone)
        except Exception:
            zone = UTC
        now = now.astimezone(zone)  # floating times compare as wall times of the source zone
        self.start = now - timedelta(days=back)
        self.stop = now + timedelta(days=ahead)


def _days(options, name: str) -> int:
    value = option_value(WINDOW_OPTIONS, options, name)
    return value if value <= MAX_WINDOW_DAYS else WINDOW_OPTIONS[name].default


class Budget:
    """What one feed may still cost: occurrences yielded, and rule steps taken to reach the window."""

    def __init__(self):
        self.occurrences = MAX_TOTAL
        self.steps = MAX_FEED_STEPS


def prepare_recurrence(component, start, window: Window, errors: list[str]):
    for name in ("RDATE", "EXDATE"):
        prop = component.get(name)
        if prop is None:
            continue
        try:
            for p in prop if isinstance(prop, list) else [prop]:
                for d in p.dts:
                    d.dt  # noqa: B018  (a broken value raises here)
        except Exception:
            del component[name]
            errors.append("ical_bad_recurrence")
    if component.get("EXRULE") is not None:
        del component["EXRULE"]  # deprecated by RFC 5545; not expanded
    rules = component.get("RRULE")
    if rules is None:
        return
    rule = first(rules)
    try:
        rule.get("FREQ")
    except Exception:
        del component["RRULE"]
        errors.append("ical_bad_rrule")
        return
    # Keep the published rule text for the raw events before bounding the expansion.
    component[RRULE_TEXT] = rrule_text(component) or ""
    # An unbounded rule (or one bounded far beyond the window) is bounded at the window's
    # end, so that expansion never runs towards year 9999 looking for the next occurrence.
    if not rule.get("COUNT"):
        until = first(rule.get("UNTIL")) if rule.get("UNTIL") else None
        until_year = until.year if isinstance(until, (date, datetime)) else None
        if until_year is None or until_year > window.stop.year + 1:
            if isinstance(start, datetime):
                rule["UNTIL"] = [window.stop.astimezone(UTC) if start.tzinfo else window.stop.replace(tzinfo=None)]
            else:
                rule["UNTIL"] = [window.stop.date()]


_FREQ_SECONDS = {
    "SECONDLY": 1,
    "MINUTELY": 60,
    "HOURLY": 3600,
    "DAILY": 86400,
    "WEEKLY": 7 * 86400,
    "MONTHLY": 28 * 86400,
    "YEARLY": 365 * 86400,
}


def _rule_steps(master, window: Window) -> tuple[float, float]:
    """(steps from DTSTART to the window's end, an upper bound of occurrences per step) of master's RRULE."""
    rule = first(master.get("RRULE"))
    if rule is None:
        return 0, 1
    freq = str(first(rule.get("FREQ")) or "").upper()
    seconds = _FREQ_SECONDS.get(freq, 86400)
    try:
        interval = max(int(first(rule.get("INTERVAL")) or 1), 1)
    except (TypeError, ValueError):
        interval = 1
    start = master["DTSTART"].dt
    start, stop = comparable(start, window.stop)
    span = (stop - start).total_seconds()
    steps = max(span, 0) / (seconds * interval)
    count = first(rule.get("COUNT"))
    if isinstance(count, int) and count > 0:
        steps = min(steps, count * 366)
    per_step = 1
    for key in ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH"):
        values = rule.get(key)
        if values:
            n = len(values) if isinstance(values, list) else 1
            if key == "BYDAY" and freq in ("MONTHLY", "YEARLY"):
                n *= 53 if freq == "YEARLY" else 5
            per_step *= n
    return steps, per_step


def occurrences(uid: str, components: list, window: Window, errors: list[str], budget: Budget):
    """(occurrence component, recurrence id or None) within the window, from recurring_ical_events."""
    from recurring_ical_events import EventAdapter, Series

    if len(components) == 1 and not any(k in components[0] for k in ("RRULE", "RDATE", "RECURRENCE-ID")):
        # a single event: nothing to expand; kept however far ahead it is, unless it is over
        if _not_over(components[0], window):
            yield components[0], None
        return
    master = next((c for c in components if c.get("RECURRENCE-ID") is None), None)
    recurring = master is not None and master.get("RRULE") is not None
    try:
        if recurring:
            steps, per_step = _rule_steps(master, window)
            if steps > MAX_RULE_STEPS or steps > budget.steps:
                errors.append("ical_rrule_too_frequent")
                return
            budget.steps -= steps
            if not rule_can_match(master):
                raise ValueError("the rule matches no date")
        series = Series([EventAdapter(c) for c in components])
        if recurring:
            found = _chunked(series, window, per_step, first(master["RRULE"]))
        else:
            found = list(series.between(window.start, window.stop))
    except Exception:
        # a rule that cannot be expanded: keep what the components say by themselves
        errors.append("ical_bad_rrule")
        found = []
        for component in components:
            for key in ("RRULE", "RDATE", "EXDATE"):
                if key in component:
                    del component[key]
            try:
                found.extend(Series([EventAdapter(component)]).between(window.start, window.stop))
            except Exception:
                continue
    if len(found) > MAX_PER_SERIES:
        errors.append("occurrences_capped")
    found.sort(key=_sort_key)
    for occurrence in found[:MAX_PER_SERIES]:
        component = occurrence.as_component(False)
        yield component, (occurrence.recurrence_ids[0] if occurrence.recurrence_ids else None)


def _not_over(component, window: Window) -> bool:
    """Whether a single event ends after the window's start (as recurring_ical_events decides it).

    The window's end is for series only: a trade show announced two years ahead is kept.
    """
    start = component["DTSTART"].dt
    end = None if component.get(NO_END) else (component.get("DTEND").dt if component.get("DTEND") else None)
    if end is None and component.get("DURATION") is not None:
        end = start + first(component["DURATION"]).dt
    if end is None:
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    e, wstart = comparable(end, window.start)
    return e > wstart or (e == comparable(start, window.start)[0] and e >= wstart)


def _sort_key(occurrence):
    start = occurrence.start
    if not isinstance(start, datetime):
        start = datetime(start.year, start.month, start.day)
    if start.tzinfo is not None:
        start = start.astimezone(UTC).replace(tzinfo=None)
    return start


def rule_can_match(master) -> bool:
    """Whether the master's RRULE matches any date at all (probed in years 9970-9999).

    dateutil checks UNTIL and COUNT only on dates that match the rule, so a rule that
    matches none (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30, a BYSETPOS beyond the set) makes it
    walk every day up to year 9999. Only rules with the parts that can make that happen
    are probed; 30 years cover the 28-year cycle of weekdays and leap days.
    """
    from dateutil.rrule import rrulestr

    rule = first(master.get("RRULE"))
    if not any(rule.get(k) for k in ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")) and not any(
        isinstance(d, str) and d[:1] in "+-0123456789" for d in rule.get("BYDAY") or []
    ):
        return True
    start = master["DTSTART"].dt
    start = start.replace(tzinfo=None) if isinstance(start, datetime) else datetime(start.year, start.month, start.day)
    for year in (9970, 9971, 9972):
        try:
            probe_start = start.replace(year=year)
            break
        except ValueError:  # Feb 29
            continue
    text = ";".join(
        part for part in rule.to_ical().decode().split(";") if not part.upper().startswith(("UNTIL=", "COUNT="))
    )
    probe = rrulestr(text, dtstart=probe_start)
    return next(iter(probe), None) is not None


def _chunked(series, window: Window, per_step: float, rule) -> list:
    """A series' occurrences in the window, asked for in spans that hold a bounded number of them.

    dateutil lists every occurrence of a span at once, so a dense rule (FREQ=MINUTELY, or
    many BYHOUR/BYMINUTE values) asked for a whole year would fill the memory; spans start
    small enough to hold about 1,000 occurrences and double while they hold fewer.
    """
    freq = str(first(rule.get("FREQ")) or "").upper()
    try:
        interval = max(int(first(rule.get("INTERVAL")) or 1), 1)
    except (TypeError, ValueError):
        interval = 1
    period = timedelta(seconds=_FREQ_SECONDS.get(freq, 86400) * interval)
    total = window.stop - window.start
    span = max(min(period * MAX_PER_SERIES / max(per_step, 1), total), timedelta(minutes=1))
    found: dict = {}
    cursor = window.start
    while cursor < window.stop and len(found) <= MAX_PER_SERIES:
        stop = min(cursor + span, window.stop)
        got = 0
        for occurrence in series.between(cursor, stop):
            if occurrence.id not in found:
                found[occurrence.id] = occurrence
                got += 1
                if len(found) > MAX_PER_SERIES:
                    break
        cursor = stop
        if got < 100:
            span *= 2
    return list(found.values())
