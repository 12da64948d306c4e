"""Recurring phrases: a text that announces a rule becomes an RFC 5545 RRULE and its next occurrence."""

from __future__ import annotations

from datetime import datetime, tzinfo

from eventhound.dates.grammar import _is_range_word, _sig, _time_follows
from eventhound.dates.occurrences import _feasible, _next_occurrence
from eventhound.dates.tokens import _clock, _Tok
from eventhound.dates.finish import _pair_minutes
from eventhound.dates.values import RRULE_DAYS, When
from eventhound.dates.zones import _named_zone, _zone_label

_PERIOD_FREQ = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY", "weekend": "WEEKLY",
                "weekday": "WEEKLY"}
_ADVERB_FREQ = {"daily": ("DAILY", 1), "weekly": ("WEEKLY", 1), "monthly": ("MONTHLY", 1),
                "yearly": ("YEARLY", 1), "biweekly": ("WEEKLY", 2)}
_DAYISH = {"wday", "ord", "num", "month", "cnt"}
WEEKDAYS_SET = (0, 1, 2, 3, 4)
WEEKEND_SET = (5, 6)


def _is_recurring(toks: list[_Tok]) -> bool:
    """Whether a text announces a rule rather than a date: every/each, monthly, weekdays,
    Tuesdays, of every month, twice a day, "the fourth Thursday in November"."""
    n = len(toks)
    for i, t in enumerate(toks):
        k, v = t.kind, t.val
        if k == "wday" and v[1]:
            return True
        if k != "kw":
            continue
        if v in ("daily", "weekly", "monthly", "yearly", "biweekly"):
            return True
        if v in ("weekday", "weekend") and t.raw.lower().endswith("s"):
            return True
        if v == "every":
            for nxt in toks[i + 1:i + 5]:
                if nxt.kind in _DAYISH or (nxt.kind == "kw" and nxt.val in (
                        "other", "week", "month", "year", "day", "weekday", "weekend", "last", "first")):
                    return True
        if v in ("once", "twice") and i + 2 < n and toks[i + 1].kind == "kw" and toks[i + 1].val == "a":
            return True
        if v == "of" and i + 2 < n and toks[i + 1].kind == "kw" and toks[i + 1].val == "the" \
                and toks[i + 2].kind == "kw" and toks[i + 2].val == "month":
            return True
    # "the fourth Thursday in November" (no year): the rule of a yearly event
    sig = [t for t in toks if t.kind not in ("p", "word")]
    if (len(sig) >= 5 and sig[0].kind == "kw" and sig[0].val == "the" and sig[1].kind == "ord"
            and sig[2].kind == "wday" and sig[3].kind == "kw" and sig[3].val in ("in", "of")
            and sig[4].kind == "month"
            and not any(t.kind == "num" and t.val[1] == 4 for t in sig)):
        return True
    return False


def _time_ranges(toks: list[_Tok]) -> tuple[list[tuple[int, int | None, int]], set[int], str | None]:
    """The clock times of a rule: [(start minutes, end minutes or None, seconds)], the token
    indexes they used, and a zone name written after them."""
    ranges, used, zone_name = [], set(), None
    n = len(toks)
    i = 0
    between = False
    while i < n:
        t = toks[i]
        if t.kind == "kw" and t.val == "between":
            between = True
        if t.kind == "zone" and ranges and i - 1 in used:
            zone_name = zone_name or t.val
        start = None
        if t.kind == "time":
            start = t.val
        elif t.kind == "num" and t.val[0] <= 23 and _time_follows(toks, i + 1) and i + 1 < n and \
                _is_range_word(toks[i + 1], between):
            start = _clock(t.val[0], 0, 0, None, padded=t.val[1] == 2 and t.val[0] < 10)
        elif t.kind == "num" and _at_hour(toks, i):
            # "Wednesdays at 9": an hour, as in a dated text (never the 9th of the month)
            start = _clock(t.val[0], 0, 0, None, padded=t.val[1] == 2 and t.val[0] < 10, pm_default=True)
        if start is None:
            i += 1
            continue
        used.add(i)
        j = i + 1
        end = None
        if j < n and _is_range_word(toks[j], between):
            k = j + 1
            if k < n and toks[k].kind == "time":
                end = toks[k].val
                used.update((j, k))
                j = k + 1
        if end is not None:
            sm, em = _pair_minutes(start, end)
            ranges.append((sm, em, start.s))
        else:
            ranges.append((start.minutes(), None, start.s))
        between = False
        i = j
    return ranges, used, zone_name


def _at_hour(toks: list[_Tok], i: int) -> bool:
    """Whether the number at i is an hour: right after "at" / "@" / "à", at most 23, and
    no month next ("at 9", not "at 9 March")."""
    value, length = toks[i].val
    if i == 0 or value > 23 or length > 2:
        return False
    prev = toks[i - 1]
    if not ((prev.kind == "kw" and prev.val in ("at", "à")) or (prev.kind == "p" and prev.val == "@")):
        return False
    nxt = _sig(toks, i + 1)
    return nxt is None or nxt.kind not in ("month", "ord", "num")


def _expand_days(a: int, b: int) -> list[int]:
    return [(a + k) % 7 for k in range((b - a) % 7 + 1)]


def _rule(toks: list[_Tok]) -> tuple[str, list, str | None] | None:
    """(RRULE, time ranges, zone name) of a recurring phrase; None when it is not one."""
    ranges, used, zone_name = _time_ranges(toks)
    sig = [t for i, t in enumerate(toks) if i not in used and t.kind not in ("p", "word", "zone")]
    n = len(sig)
    freq, interval, count = None, 1, None
    byday: list[tuple[int | None, int]] = []
    monthdays: list[int] = []
    months: list[int] = []
    weeknos: list[int] = []
    setpos: list[int] = []
    pending: list[int] = []
    day_numbers = month_ctx = week_ctx = day_ctx = at_start = at_end = False

    def kw(j, *values):
        return 0 <= j < n and sig[j].kind == "kw" and (not values or sig[j].val in values)

    def period(j):
        return kw(j, "day", "week", "month", "year", "weekend", "weekday")

    def add_period(j):
        nonlocal freq
        v = sig[j].val
        freq = freq or _PERIOD_FREQ[v]
        if v == "weekend":
            byday.extend((None, d) for d in WEEKEND_SET)
        elif v == "weekday":
            byday.extend((None, d) for d in WEEKDAYS_SET)

    i = 0
    while i < n:
        t = sig[i]
        k, v = t.kind, t.val
        if k == "kw" and v == "every":
            j = i + 1
            if kw(j, "other"):
                interval, j = 2, j + 1
            elif j < n and sig[j].kind in ("num", "ord") and period(j + 1):
                interval, j = (sig[j].val[0] if sig[j].kind == "num" else sig[j].val), j + 1
            if period(j):
                add_period(j)
                if sig[j].val == "week" and j + 1 < n and sig[j + 1].kind == "num":
                    pass
                j += 1
            i = j
            continue
        if k == "kw" and v in _ADVERB_FREQ:
            freq, step = _ADVERB_FREQ[v]
            interval = max(interval, step)
        elif k == "kw" and v in ("once", "twice"):
            if kw(i + 1, "a") and period(i + 2):
                p = sig[i + 2].val
                freq = _PERIOD_FREQ[p] if p != "weekend" else "WEEKLY"
                i += 3
                continue
            if v == "twice":
                count = 2
        elif k == "cnt":
            count = v
        elif k == "num":
            value = v[0]
            if kw(i + 1, "times", "x"):
                count = value
                i += 2
                continue
            if week_ctx:
                weeknos.append(value)
            elif (month_ctx or day_ctx) and 1 <= value <= 31:
                monthdays.append(value)
            elif 1 <= value <= 31:
                pending.append(value)
        elif k == "ord":
            if kw(i + 1, "to") and (kw(i + 2, "last") or (kw(i + 2, "the") and kw(i + 3, "last"))):
                pending.append(-v)
                i += 3 if kw(i + 2, "last") else 4
                continue
            if month_ctx and not (i + 1 < n and sig[i + 1].kind == "wday"):
                monthdays.append(v)
            else:
                pending.append(v)
        elif k == "kw" and v == "first":
            pending.append(1)
        elif k == "kw" and v == "last":
            pending.append(-1)
        elif k == "kw" and v == "penultimate":
            pending.append(-2)
        elif k == "wday":
            wd = v[0]
            if i + 2 < n and (sig[i + 1].kind == "sep" or kw(i + 1, "to")) and sig[i + 2].kind == "wday":
                byday.extend((None, d) for d in _expand_days(wd, sig[i + 2].val[0]))
                i += 3
                continue
            if pending:
                byday.extend((p, wd) for p in pending)
                pending = []
            else:
                byday.append((None, wd))
            month_ctx = False
        elif k == "kw" and v == "instance":
            setpos, pending = pending, []
        elif k == "kw" and v == "day":
            if pending:
                day_numbers = True
            else:
                day_ctx = True
        elif k == "kw" and v == "week":
            if i + 1 < n and sig[i + 1].kind == "num":
                week_ctx = True
            else:
                freq = freq or "WEEKLY"
        elif k == "kw" and v in ("weekend", "weekday"):
            add_period(i)
        elif k == "kw" and v == "month":
            freq = freq or "MONTHLY"
            month_ctx = False
        elif k == "kw" and v == "year":
            freq = freq or "YEARLY"
        elif k == "kw" and v == "begin":
            at_start = True
        elif k == "kw" and v == "end":
            at_end = True
        elif k == "month":
            months.append(v)
            month_ctx = True
            day_ctx = False
        elif k in ("date", "nd", "dmon", "isodt", "rel"):
            return None  # a full date: a dated event that mentions a rule, not a rule
        if k not in ("num", "ord", "month") and not (k == "kw" and v in ("and", "on", "the", "of", "in", "day")):
            month_ctx = False  # "december 21st and 31st": the month's days run until another word
        i += 1

    yeardays: list[int] = []
    if pending:
        if freq == "WEEKLY" and day_numbers:
            byday.extend((None, (p - 2) % 7) for p in pending if 1 <= p <= 7)  # the week starts on Sunday
        elif freq == "YEARLY" and not months and not byday:
            yeardays.extend(pending)  # "every year on the 31st": the 31st day of the year
        else:
            monthdays.extend(pending)
    if (at_start or at_end) and not monthdays and not byday and not yeardays:
        monthdays.append(1 if at_start else -1)
    if freq is None:
        if weeknos or months:
            freq = "YEARLY"
        elif monthdays or any(o is not None for o, _ in byday):
            freq = "MONTHLY"
        elif byday:
            freq = "WEEKLY"
        else:
            return None
    if weeknos and freq != "YEARLY":
        freq = "YEARLY"
    if freq == "WEEKLY" and any(o is not None for o, _ in byday):
        freq = "MONTHLY"  # "weekly on the first Monday": RFC 5545 allows no ordinal in a weekly BYDAY
    if freq in ("MONTHLY", "YEARLY") and not (byday or monthdays or weeknos or yeardays):
        return None  # "monthly meeting", "every March": the day is not known
    if freq == "WEEKLY" and not byday:
        return None
    starts = _unique(sm % 1440 for sm, _, _ in ranges)
    hours, minute = [], None
    if starts and len({m % 60 for m in starts}) == 1:
        hours, minute = sorted(m // 60 for m in starts), starts[0] % 60
    rule = {"FREQ": freq, "INTERVAL": interval if interval != 1 else None, "COUNT": count,
            "BYMONTH": _unique(months), "BYWEEKNO": _unique(weeknos), "BYYEARDAY": _unique(yeardays),
            "BYMONTHDAY": _unique(monthdays), "BYDAY": _unique(byday), "BYHOUR": hours,
            "BYMINUTE": [minute] if minute is not None else [], "BYSETPOS": _unique(setpos)}
    return rule, ranges, zone_name


def _unique(values):
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _rule_text(rule: dict) -> str:
    """RFC 5545 RRULE text: FREQ first, INTERVAL only when not 1."""
    parts = [f"FREQ={rule['FREQ']}"]
    for key in ("INTERVAL", "COUNT"):
        if rule[key]:
            parts.append(f"{key}={rule[key]}")
    for key in ("BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY"):
        if rule[key]:
            parts.append(f"{key}=" + ",".join(map(str, rule[key])))
    if rule["BYDAY"]:
        parts.append("BYDAY=" + ",".join(f"{o if o is not None else ''}{RRULE_DAYS[d]}" for o, d in rule["BYDAY"]))
    for key in ("BYHOUR", "BYMINUTE", "BYSETPOS"):
        if rule[key]:
            parts.append(f"{key}=" + ",".join(map(str, rule[key])))
    return ";".join(parts)


def _when_rule(toks: list[_Tok], now: datetime, z: tzinfo) -> When | None:
    parsed = _rule(toks)
    if parsed is None:
        return None
    parts, ranges, zone_name = parsed
    rule = _rule_text(parts)
    zz = _named_zone(zone_name, z, now.year) if zone_name else z
    if not _feasible(parts):
        return When(timezone=_zone_label(zz), rrule=rule, error="no occurrence: the rule names no real day")
    try:
        start, end, warning = _next_occurrence(parts, ranges, zz, now)
    except (ValueError, TypeError, OverflowError) as exc:
        return When(timezone=_zone_label(zz), rrule=rule, error=f"rule not usable: {exc}")
    if start is None:
        return When(timezone=_zone_label(zz), rrule=rule, error="no occurrence of the rule found")
    return When(start=start, end=end, all_day=not isinstance(start, datetime), timezone=_zone_label(zz),
                rrule=rule, warning=warning)
