"""The date grammar: a reader over the tokens that gives the moments a text names."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from eventhound.dates.days import _full_year, _valid
from eventhound.dates.iso import _INVALID, _parse_iso
from eventhound.dates.tokens import _clock, _Time, _Tok


class _Part:
    """One moment as the text gives it, field by field."""

    __slots__ = ("d", "iso", "kind", "m", "nth", "off", "rel", "time", "wd", "y", "zone")

    def __init__(self, kind="start"):
        self.y = self.m = self.d = self.wd = self.nth = self.time = None
        self.zone = self.off = self.rel = self.iso = None
        self.kind = kind

    def has_day(self) -> bool:
        return self.d is not None or self.rel is not None or self.iso is not None or self.nth is not None

    def empty(self) -> bool:
        return (self.y is None and self.m is None and self.d is None and self.wd is None and self.nth is None
                and self.time is None and self.rel is None and self.iso is None)

    def __repr__(self):
        return (f"P({self.kind} y={self.y} m={self.m} d={self.d} wd={self.wd} nth={self.nth} t={self.time} "
                f"rel={self.rel} iso={self.iso} z={self.zone} off={self.off})")


_SKIP_KW = {"of", "the", "at", "on", "day", "this", "next", "from", "starting", "begin"}


def _sig(toks: list[_Tok], i: int, skip=("p",)) -> _Tok | None:
    """The next token at or after i that is not punctuation (nor a skipped keyword)."""
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.kind in skip or (t.kind == "kw" and t.val in _SKIP_KW):
            i += 1
            continue
        return t
    return None


def _is_range_word(t: _Tok | None, between: bool) -> bool:
    if t is None:
        return False
    if t.kind == "sep":
        return True
    if t.kind == "kw":
        return t.val == "to" or (between and t.val in ("and", "à"))
    return False


def _resolve_nd(a: int, b: int, c: str | None, sep: str, day_first: bool, today: date):
    """(y, m, d) of a numeric date; y None when the text has no year; None when impossible."""
    year = _full_year(c, today) if c else None
    first_day = day_first or sep == "."
    d, m = (a, b) if first_day else (b, a)
    check_year = year if year is not None else 2000  # a leap year: 29/02 is a valid yearless date
    if not (1 <= m <= 12 and _valid(check_year, m, d)):
        d, m = m, d
        if not (1 <= m <= 12 and _valid(check_year, m, d)):
            return None
    return year, m, d


class _Reading:
    """The grammar's reading of a text: its moments, flags and what kind of text it is."""

    __slots__ = ("allday", "evidence", "invalid", "parts", "range_idx", "vague")

    def __init__(self):
        self.parts = [_Part()]
        self.range_idx = None
        self.evidence = False
        self.vague = False
        self.allday = False
        self.invalid = None


def _read(toks: list[_Tok], day_first: bool, today: date, z: tzinfo, tzname: str) -> _Reading:
    r = _Reading()
    parts = r.parts
    cur = parts[0]
    between = False
    n = len(toks)
    has_month_later = [False] * (n + 1)
    for j in range(n - 1, -1, -1):
        has_month_later[j] = has_month_later[j + 1] or toks[j].kind in ("month", "dmon")

    def new(kind):
        nonlocal cur
        cur = _Part(kind)
        parts.append(cur)
        if kind == "range":
            r.range_idx = len(parts) - 1
        return cur

    def open_range():
        if r.range_idx is None and not cur.empty():
            new("range")

    def date_slot():
        # "March 4, 11am-1pm & March 5, 11am-1pm": a date after an end that is only a time
        # of day starts another moment (a second session), not the end's day
        if cur.kind == "range" and cur.time is not None and not _has_date(cur) and _has_date(parts[0]):
            new("list")

    prev = None  # the previous significant token
    i = 0
    while i < n:
        t = toks[i]
        k = t.kind
        if k == "p":
            i += 1
            if t.val == "@":
                prev = _Tok("kw", "at", "@", t.pos)
            continue
        if k == "isodt":
            moment, _rest = _parse_iso(t.raw, z, tzname)
            if moment is _INVALID or moment is None:
                r.invalid = r.invalid or f"impossible date {t.raw}"
            else:
                if cur.has_day() or cur.time is not None:
                    new("list")
                v = moment.value
                cur.iso = moment if isinstance(v, datetime) else None
                cur.y, cur.m, cur.d = v.year, v.month, v.day
                if isinstance(v, datetime):
                    cur.time = _Time(v.hour, v.minute, v.second, None, False)
                r.evidence = True
        elif k in ("date", "nd", "dmon"):
            date_slot()
            if k == "date":
                y, m, d, _ = t.val
                ymd = (y, m, d) if _valid(y, m, d) else None
            elif k == "nd":
                a, b, c, sep = t.val
                ymd = _resolve_nd(a, b, c, sep, day_first, today)
            else:
                d, m, ytext = t.val
                ymd = (_full_year(ytext, today) if ytext else None, m, d)
                if not _valid(ymd[0] or 2000, m, d):
                    ymd = None
            if ymd is None:
                r.invalid = r.invalid or f"impossible date {t.raw.strip()}"
            else:
                if cur.has_day() or cur.m is not None:
                    new("list")
                cur.y, cur.m, cur.d = ymd
                r.evidence = True
        elif k == "month":
            date_slot()
            if cur.m is not None and (cur.d is not None or cur.nth is not None):
                new("list")
            elif cur.m is not None:
                cur.d = None
            cur.m = t.val
            r.evidence = True
        elif k == "wday":
            wd = t.val[0]
            date_slot()
            if cur.wd is not None or cur.iso is not None:
                new("list")
            elif cur.d is not None or cur.rel is not None:
                nxt = _sig(toks, i + 1)
                if nxt is not None and nxt.kind in ("month", "num", "ord", "nd", "date", "dmon"):
                    new("list")
            cur.wd = wd
            r.evidence = True
        elif k == "ord":
            nxt = _sig(toks, i + 1)
            if nxt is not None and nxt.kind == "wday" and toks[i + 1].kind != "p":  # "3rd Wednesday"
                if cur.nth is not None or cur.d is not None:
                    new("list")
                cur.nth = t.val
            elif 1 <= t.val <= 31:
                if cur.d is not None or cur.nth is not None:
                    new("list")
                cur.d = t.val
                r.evidence = True
        elif k == "num":
            value, length = t.val
            nxt = _sig(toks, i + 1)
            if length == 4 and 1000 <= value <= 2999:
                if cur.y is None:
                    cur.y = value
                elif cur.has_day():
                    new("list").y = value
            elif length == 4 or value > 31:
                if length == 2 and cur.m is not None and cur.d is not None and cur.y is None:
                    cur.y = _full_year(t.raw, today)
            elif (_is_range_word(nxt, between) and value <= 23 and not (cur.m is not None and cur.d is None)
                  and _time_follows(toks, i + 1)):
                # "6-8pm", "between 9 and 10am": an hour whose meridiem comes with the end
                if cur.time is not None:
                    open_range()
                cur.time = _clock(value, 0, 0, None, padded=length == 2 and value < 10)
            elif prev is not None and prev.kind == "kw" and prev.val in ("at", "à") and value <= 23 \
                    and cur.time is None and (nxt is None or nxt.kind not in ("month",)):
                cur.time = _clock(value, 0, 0, None, padded=length == 2 and value < 10, pm_default=True)
            elif (cur.kind == "range" and parts[0].time is not None and cur.time is None and cur.d is None
                  and cur.m is None and value <= 24 and not has_month_later[i + 1]):
                # "10am - 2", "9pm-1": the end's hour
                cur.time = _clock(value, 0, 0, None, padded=length == 2 and value < 10)
            elif cur.d is None and cur.nth is None and value >= 1 and (
                    cur.m is not None or (nxt is not None and nxt.kind == "month") or cur.wd is not None
                    or has_month_later[i + 1]
                    or (cur.kind == "range" and parts[0].d is not None and cur.time is None)):
                cur.d = value
                r.evidence = True
            elif cur.d is not None and cur.m is not None and cur.y is None and length == 2 \
                    and not (nxt is not None and nxt.kind == "month"):
                cur.y = _full_year(t.raw, today)
        elif k == "time":
            if cur.time is not None:
                if r.range_idx is None:
                    new("range")
                else:
                    new("list")
            cur.time = t.val
        elif k == "hdot":
            # "14.12" after a date is a time ("29.02.2020 13.12"); elsewhere a number
            if (cur.has_day() or cur.m is not None or (prev is not None and _is_range_word(prev, between))) \
                    and cur.time is None:
                cur.time = t.val
        elif k == "off":
            raw = t.raw
            if prev is not None and prev.kind == "time" and cur.time is not None and (
                    raw[0] not in "+-−" or len(raw) == 5 or _offset_after_time(toks, i)):
                cur.off = raw.replace("−", "-")
            elif raw[0] in "+-−" and raw[1:].replace(":", "").isdigit():
                # "2014-2015" or "1:30-02:30": a range, not an offset
                open_range()
                body = raw[1:]
                if ":" in body:
                    hh, mm = body.split(":")
                    if cur.time is None:
                        cur.time = _clock(int(hh), int(mm), padded=hh.startswith("0"), pm_default=True)
                elif 1000 <= int(body) <= 2999 and cur.y is None:
                    cur.y = int(body)
            elif raw[:3].lower() in ("gmt", "utc"):
                cur.off = raw
        elif k == "zone":
            if prev is not None and prev.kind in ("time", "zone") and cur.zone is None:
                cur.zone = t.val  # a zone name counts only right after a time
        elif k == "rel":
            if cur.has_day():
                new("list")
            cur.rel = t.val
            r.evidence = True
        elif k == "vague":
            r.vague = True
        elif k == "allday":
            r.allday = True
        elif k == "sep":
            if r.range_idx is None and not cur.empty():
                new("range")
        elif k == "kw":
            v = t.val
            if v == "to" or (between and v in ("and", "à")):
                if r.range_idx is None and not cur.empty():
                    new("range")
            elif v == "between":
                between = True
            elif v == "de":
                nxt = toks[i + 1] if i + 1 < n else None
                if nxt is not None and (nxt.kind == "time" or (
                        nxt.kind == "num" and i + 2 < n and toks[i + 2].kind == "kw" and toks[i + 2].val in ("à", "to"))):
                    between = True
        prev = t
        i += 1
    return r


def _time_follows(toks: list[_Tok], i: int) -> bool:
    """After the range word at or after i, a clock time (or an hour with its am/pm) follows."""
    n = len(toks)
    while i < n and (toks[i].kind == "p" or (toks[i].kind in ("sep", "kw") and toks[i].val in ("-", "to", "and", "à"))):
        i += 1
    return i < n and toks[i].kind == "time"


def _offset_after_time(toks: list[_Tok], i: int) -> bool:
    """Whether "-05:00" after a time is its offset rather than the end of a range: when the
    time has seconds or an am/pm."""
    j = i - 1
    while j >= 0 and toks[j].kind == "p":
        j -= 1
    if j < 0 or toks[j].kind != "time":
        return False
    t = toks[j].val
    return t.mer is not None or t.s != 0 or toks[j].raw.count(":") >= 2


def _has_date(p: _Part) -> bool:
    return (p.d is not None or p.m is not None or p.y is not None or p.rel is not None or p.nth is not None
            or p.wd is not None or p.iso is not None)
