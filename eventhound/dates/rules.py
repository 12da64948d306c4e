"""Recurring phrases: a text that announces a rule becomes an RFC 5545 RRULE and its next occurrence."""

from __future__ import annotations

from datetime import datetime, tzinfo

from eventhound.dates.finish import _pair_minutes
from eventhound.dates.grammar import _is_range_word, _sig, _time_follows
from eventhound.dates.kinds import (
    COUNT,
    DASH,
    DAY_MONTH,
    ISO_DATETIME,
    KEYWORD,
    MONTH,
    NUMBER,
    NUMERIC_DATE,
    ORDINAL,
    PUNCT,
    RELATIVE_DAY,
    TIME,
    WEEKDAY,
    WORD,
    YMD,
    ZONE_NAME,
)
from eventhound.dates.occurrences import _feasible, _next_occurrence
from eventhound.dates.tokens import _clock, _Tok
from eventhound.dates.values import RRULE_DAYS, When
from eventhound.dates.zones import _named_zone, _zone_label

_PERIOD_FREQ = {
    "day": "DAILY",
    "week": "WEEKLY",
    "month": "MONTHLY",
    "year": "YEARLY",
    "weekend": "WEEKLY",
    "weekday": "WEEKLY",
}
_ADVERB_FREQ = {
    "daily": ("DAILY", 1),
    "weekly": ("WEEKLY", 1),
    "monthly": ("MONTHLY", 1),
    "yearly": ("YEARLY", 1),
    "biweekly": ("WEEKLY", 2),
}
_DAYISH = {WEEKDAY, ORDINAL, NUMBER, MONTH, COUNT}
WEEKDAYS_SET = (0, 1, 2, 3, 4)
WEEKEND_SET = (5, 6)


def _is_recurring(toks: list[_Tok]) -> bool:
    """Whether a text announces a rule rather than a date: every/each, monthly, weekdays,
    Tuesdays, of every month, twice a day, "the fourth Thursday in November"."""
    n = len(toks)
    for i, t in enumerate(toks):
        k, v = t.kind, t.val
        if k == WEEKDAY and v[1]:
            return True
        if k != KEYWORD:
            continue
        if v in ("daily", "weekly", "monthly", "yearly", "biweekly"):
            return True
        if v in ("weekday", "weekend") and t.raw.lower().endswith("s"):
            return True
        if v == "every":
            for nxt in toks[i + 1 : i + 5]:
                if nxt.kind in _DAYISH or (
                    nxt.kind == KEYWORD
                    and nxt.val in ("other", "week", "month", "year", "day", "weekday", "weekend", "last", "first")
                ):
                    return True
        if v in ("once", "twice") and i + 2 < n and toks[i + 1].kind == KEYWORD and toks[i + 1].val == "a":
            return True
        if (
            v == "of"
            and i + 2 < n
            and toks[i + 1].kind == KEYWORD
            and toks[i + 1].val == "the"
            and toks[i + 2].kind == KEYWORD
            and toks[i + 2].val == "month"
        ):
            return True
    # "the fourth Thursday in November" (no year): the rule of a yearly event
    sig = [t for t in toks if t.kind not in (PUNCT, WORD)]
    if (
        len(sig) >= 5
        and sig[0].kind == KEYWORD
        and sig[0].val == "the"
        and sig[1].kind == ORDINAL
        and sig[2].kind == WEEKDAY
        and sig[3].kind == KEYWORD
        and sig[3].val in ("in", "of")
        and sig[4].kind == MONTH
        and not any(t.kind == NUMBER and t.val[1] == 4 for t in sig)
    ):
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
        if t.kind == KEYWORD and t.val == "between":
            between = True
        if t.kind == ZONE_NAME and ranges and i - 1 in used:
            zone_name = zone_name or t.val
        start = None
        if t.kind == TIME:
            start = t.val
        elif (
            t.kind == NUMBER
            and t.val[0] <= 23
            and _time_follows(toks, i + 1)
            and i + 1 < n
            and _is_range_word(toks[i + 1], between)
        ):
            start = _clock(t.val[0], 0, 0, None, padded=t.val[1] == 2 and t.val[0] < 10)
        elif t.kind == NUMBER and _at_hour(toks, i):
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
            if k < n and toks[k].kind == TIME:
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
    if not ((prev.kind == KEYWORD and prev.val in ("at", "à")) or (prev.kind == PUNCT and prev.val == "@")):
        return False
    nxt = _sig(toks, i + 1)
    return nxt is None or nxt.kind not in (MONTH, ORDINAL, NUMBER)


def _expand_days(a: int, b: int) -> list[int]:
    return [(a + k) % 7 for k in range((b - a) % 7 + 1)]


class _RuleReader:
    """A recurring phrase being read: its significant tokens, the rule's parts so far, and
    the context the last words set (a month's days, a week number, "day" after numbers)."""

    __slots__ = (
        "at_end",
        "at_start",
        "byday",
        "count",
        "day_ctx",
        "day_numbers",
        "freq",
        "interval",
        "month_ctx",
        "monthdays",
        "months",
        "n",
        "pending",
        "setpos",
        "sig",
        "week_ctx",
        "weeknos",
    )

    def __init__(self, sig: list[_Tok]):
        self.sig, self.n = sig, len(sig)
        self.freq, self.interval, self.count = None, 1, None
        self.byday: list[tuple[int | None, int]] = []
        self.monthdays: list[int] = []
        self.months: list[int] = []
        self.weeknos: list[int] = []
        self.setpos: list[int] = []
        self.pending: list[int] = []  # ordinals and numbers waiting for what they count (a weekday, "day")
        self.day_numbers = self.month_ctx = self.week_ctx = self.day_ctx = self.at_start = self.at_end = False

    def kw(self, j: int, *values: str) -> bool:
        return 0 <= j < self.n and self.sig[j].kind == KEYWORD and (not values or self.sig[j].val in values)

    def period(self, j: int) -> bool:
        return self.kw(j, "day", "week", "month", "year", "weekend", "weekday")

    def add_period(self, j: int) -> None:
        v = self.sig[j].val
        self.freq = self.freq or _PERIOD_FREQ[v]
        if v == "weekend":
            self.byday.extend((None, d) for d in WEEKEND_SET)
        elif v == "weekday":
            self.byday.extend((None, d) for d in WEEKDAYS_SET)


def _rule(toks: list[_Tok]) -> tuple[str, list, str | None] | None:
    """(RRULE, time ranges, zone name) of a recurring phrase; None when it is not one."""
    ranges, used, zone_name = _time_ranges(toks)
    s = _RuleReader([t for i, t in enumerate(toks) if i not in used and t.kind not in (PUNCT, WORD, ZONE_NAME)])
    i = 0
    while i < s.n:
        t = s.sig[i]
        k, v = t.kind, t.val
        handler = _RULE_WORDS.get(v) if k == KEYWORD else _RULE_KINDS.get(k)
        jump = handler(s, i, v) if handler is not None else None
        if jump == _NOT_A_RULE:
            return None
        if jump is not None:  # the handler read more than one token
            i = jump
            continue
        if k not in (NUMBER, ORDINAL, MONTH) and not (k == KEYWORD and v in ("and", "on", "the", "of", "in", "day")):
            s.month_ctx = False  # "december 21st and 31st": the month's days run until another word
        i += 1
    rule = _rule_parts(s)
    if rule is None:
        return None
    starts = _unique(sm % 1440 for sm, _, _ in ranges)
    if starts and len({m % 60 for m in starts}) == 1:
        rule["BYHOUR"], rule["BYMINUTE"] = sorted(m // 60 for m in starts), [starts[0] % 60]
    return rule, ranges, zone_name


def _rule_parts(s: _RuleReader) -> dict | None:
    """The rule from what was read (without BYHOUR/BYMINUTE); None when it names no day."""
    yeardays: list[int] = []
    if s.pending:
        if s.freq == "WEEKLY" and s.day_numbers:
            s.byday.extend((None, (p - 2) % 7) for p in s.pending if 1 <= p <= 7)  # the week starts on Sunday
        elif s.freq == "YEARLY" and not s.months and not s.byday:
            yeardays.extend(s.pending)  # "every year on the 31st": the 31st day of the year
        else:
            s.monthdays.extend(s.pending)
    if (s.at_start or s.at_end) and not s.monthdays and not s.byday and not yeardays:
        s.monthdays.append(1 if s.at_start else -1)
    freq = _frequency(s)
    if freq is None:
        return None
    if freq in ("MONTHLY", "YEARLY") and not (s.byday or s.monthdays or s.weeknos or yeardays):
        return None  # "monthly meeting", "every March": the day is not known
    if freq == "WEEKLY" and not s.byday:
        return None
    return {
        "FREQ": freq,
        "INTERVAL": s.interval if s.interval != 1 else None,
        "COUNT": s.count,
        "BYMONTH": _unique(s.months),
        "BYWEEKNO": _unique(s.weeknos),
        "BYYEARDAY": _unique(yeardays),
        "BYMONTHDAY": _unique(s.monthdays),
        "BYDAY": _unique(s.byday),
        "BYHOUR": [],
        "BYMINUTE": [],
        "BYSETPOS": _unique(s.setpos),
    }


def _frequency(s: _RuleReader) -> str | None:
    """FREQ: as the text says, else by what the rule names; None when it names nothing."""
    freq = s.freq
    ordinals = any(o is not None for o, _ in s.byday)
    if freq is None:
        if s.weeknos or s.months:
            freq = "YEARLY"
        elif s.monthdays or ordinals:
            freq = "MONTHLY"
        elif s.byday:
            freq = "WEEKLY"
        else:
            return None
    if s.weeknos and freq != "YEARLY":
        freq = "YEARLY"
    if freq == "WEEKLY" and ordinals:
        freq = "MONTHLY"  # "weekly on the first Monday": RFC 5545 allows no ordinal in a weekly BYDAY
    return freq


# --- one handler per construction: (reader, index, value) -> None (one token read), the
# index to go on from, or _NOT_A_RULE ------------------------------------------------

_NOT_A_RULE = -1


def _every(s: _RuleReader, i: int, v) -> int:
    """ "every other week", "every 3 months", "every weekday", "every Tuesday"."""
    j = i + 1
    if s.kw(j, "other"):
        s.interval, j = 2, j + 1
    elif j < s.n and s.sig[j].kind in (NUMBER, ORDINAL) and s.period(j + 1):
        s.interval, j = (s.sig[j].val[0] if s.sig[j].kind == NUMBER else s.sig[j].val), j + 1
    if s.period(j):
        s.add_period(j)
        j += 1
    return j


def _adverb(s: _RuleReader, i: int, v) -> None:
    """ "daily", "weekly", "monthly", "yearly", "biweekly"."""
    s.freq, step = _ADVERB_FREQ[v]
    s.interval = max(s.interval, step)


def _once_twice(s: _RuleReader, i: int, v) -> int | None:
    """ "once a month", "twice a week"; "twice" alone is a count."""
    if s.kw(i + 1, "a") and s.period(i + 2):
        p = s.sig[i + 2].val
        s.freq = _PERIOD_FREQ[p] if p != "weekend" else "WEEKLY"
        return i + 3
    if v == "twice":
        s.count = 2
    return None


def _count(s: _RuleReader, i: int, v) -> None:
    """ "3x"."""
    s.count = v


def _number(s: _RuleReader, i: int, v) -> int | None:
    """ "3 times"; a week number after "week"; a day of the month; else a number waiting for what it counts."""
    value = v[0]
    if s.kw(i + 1, "times", "x"):
        s.count = value
        return i + 2
    if s.week_ctx:
        s.weeknos.append(value)
    elif (s.month_ctx or s.day_ctx) and 1 <= value <= 31:
        s.monthdays.append(value)
    elif 1 <= value <= 31:
        s.pending.append(value)
    return None


def _ordinal(s: _RuleReader, i: int, v) -> int | None:
    """ "2nd to last"; "March 3rd" (a day of a month); else waiting for a weekday or "day"."""
    if s.kw(i + 1, "to") and (s.kw(i + 2, "last") or (s.kw(i + 2, "the") and s.kw(i + 3, "last"))):
        s.pending.append(-v)
        return i + 3 if s.kw(i + 2, "last") else i + 4
    if s.month_ctx and not (i + 1 < s.n and s.sig[i + 1].kind == WEEKDAY):
        s.monthdays.append(v)
    else:
        s.pending.append(v)
    return None


def _nth(n: int):
    """ "first", "last", "penultimate": an ordinal waiting for what it counts."""

    def handler(s: _RuleReader, i: int, v) -> None:
        s.pending.append(n)

    return handler


def _weekday(s: _RuleReader, i: int, v) -> int | None:
    """ "Monday - Friday" (every day between); "1st and 3rd Wednesday"; "Tuesdays"."""
    wd = v[0]
    sig = s.sig
    if i + 2 < s.n and (sig[i + 1].kind == DASH or s.kw(i + 1, "to")) and sig[i + 2].kind == WEEKDAY:
        s.byday.extend((None, d) for d in _expand_days(wd, sig[i + 2].val[0]))
        return i + 3
    if s.pending:
        s.byday.extend((p, wd) for p in s.pending)
        s.pending = []
    else:
        s.byday.append((None, wd))
    s.month_ctx = False
    return None


def _instance(s: _RuleReader, i: int, v) -> None:
    """ "the 2nd instance": the ordinals waiting are BYSETPOS."""
    s.setpos, s.pending = s.pending, []


def _day(s: _RuleReader, i: int, v) -> None:
    """ "day 3 of the week" / "the 3rd day": numbers are days of the week; "day 15" a day of the month."""
    if s.pending:
        s.day_numbers = True
    else:
        s.day_ctx = True


def _week(s: _RuleReader, i: int, v) -> None:
    """ "week 12" (a week number), else weekly."""
    if i + 1 < s.n and s.sig[i + 1].kind == NUMBER:
        s.week_ctx = True
    else:
        s.freq = s.freq or "WEEKLY"


def _weekend_weekday(s: _RuleReader, i: int, v) -> None:
    s.add_period(i)


def _month(s: _RuleReader, i: int, v) -> None:
    s.freq = s.freq or "MONTHLY"
    s.month_ctx = False


def _year(s: _RuleReader, i: int, v) -> None:
    s.freq = s.freq or "YEARLY"


def _begin(s: _RuleReader, i: int, v) -> None:
    """ "at the beginning of the month": the 1st, when no other day is named."""
    s.at_start = True


def _end(s: _RuleReader, i: int, v) -> None:
    """ "at the end of the month": the last day, when no other day is named."""
    s.at_end = True


def _month_name(s: _RuleReader, i: int, v) -> None:
    """A month: BYMONTH, and the numbers after it are its days."""
    s.months.append(v)
    s.month_ctx = True
    s.day_ctx = False


def _full_date(s: _RuleReader, i: int, v) -> int:
    """A full date: a dated event that mentions a rule, not a rule."""
    return _NOT_A_RULE


# Keyword (its meaning) -> handler; token kind -> handler, for the other tokens.
_RULE_WORDS = {
    "every": _every,
    **dict.fromkeys(_ADVERB_FREQ, _adverb),
    "once": _once_twice,
    "twice": _once_twice,
    "first": _nth(1),
    "last": _nth(-1),
    "penultimate": _nth(-2),
    "instance": _instance,
    "day": _day,
    "week": _week,
    "weekend": _weekend_weekday,
    "weekday": _weekend_weekday,
    "month": _month,
    "year": _year,
    "begin": _begin,
    "end": _end,
}
_RULE_KINDS = {
    COUNT: _count,
    NUMBER: _number,
    ORDINAL: _ordinal,
    WEEKDAY: _weekday,
    MONTH: _month_name,
    **dict.fromkeys((YMD, NUMERIC_DATE, DAY_MONTH, ISO_DATETIME, RELATIVE_DAY), _full_date),
}


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
    return When(
        start=start,
        end=end,
        all_day=not isinstance(start, datetime),
        timezone=_zone_label(zz),
        rrule=rule,
        warning=warning,
    )
