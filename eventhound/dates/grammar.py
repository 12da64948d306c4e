"""The date grammar: a reader over the tokens that gives the moments a text names."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from eventhound.dates.days import _full_year, _valid
from eventhound.dates.iso import _INVALID, _parse_iso
from eventhound.dates.kinds import (
    ALL_DAY,
    DASH,
    DAY_MONTH,
    DOTTED_TIME,
    ISO_DATETIME,
    KEYWORD,
    MONTH,
    NUMBER,
    NUMERIC_DATE,
    OFFSET,
    ORDINAL,
    PUNCT,
    RELATIVE_DAY,
    TBA,
    TIME,
    WEEKDAY,
    YMD,
    ZONE_NAME,
)
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
        return (
            self.y is None
            and self.m is None
            and self.d is None
            and self.wd is None
            and self.nth is None
            and self.time is None
            and self.rel is None
            and self.iso is None
        )

    def __repr__(self):
        return (
            f"P({self.kind} y={self.y} m={self.m} d={self.d} wd={self.wd} nth={self.nth} t={self.time} "
            f"rel={self.rel} iso={self.iso} z={self.zone} off={self.off})"
        )


_DAYS_AHEAD = (MONTH, NUMBER, ORDINAL, NUMERIC_DATE, YMD, DAY_MONTH)
_SKIP_KW = {"of", "the", "at", "on", "day", "this", "next", "from", "starting", "begin"}


def _sig(toks: list[_Tok], i: int, skip=(PUNCT,)) -> _Tok | None:
    """The next token at or after i that is not punctuation (nor a skipped keyword)."""
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.kind in skip or (t.kind == KEYWORD and t.val in _SKIP_KW):
            i += 1
            continue
        return t
    return None


def _is_range_word(t: _Tok | None, between: bool) -> bool:
    if t is None:
        return False
    if t.kind == DASH:
        return True
    if t.kind == KEYWORD:
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


class _Reader:
    """Where the reader is in a text: the moment being filled (`cur`), the previous
    significant token, whether "between" opened a range, and what the text holds further on."""

    __slots__ = ("between", "cur", "day_first", "month_later", "prev", "r", "today", "toks", "tzname", "z")

    def __init__(self, toks: list[_Tok], day_first: bool, today: date, z: tzinfo, tzname: str):
        self.toks, self.day_first, self.today, self.z, self.tzname = toks, day_first, today, z, tzname
        self.r = _Reading()
        self.cur = self.r.parts[0]
        self.between = False
        self.prev = None
        n = len(toks)
        later = [False] * (n + 1)  # later[i]: a month name at or after token i
        for j in range(n - 1, -1, -1):
            later[j] = later[j + 1] or toks[j].kind in (MONTH, DAY_MONTH)
        self.month_later = later

    def new(self, kind: str) -> _Part:
        """Start another moment: "range" (the end of the range) or "list" (another date)."""
        self.cur = _Part(kind)
        self.r.parts.append(self.cur)
        if kind == "range":
            self.r.range_idx = len(self.r.parts) - 1
        return self.cur

    def open_range(self) -> None:
        if self.r.range_idx is None and not self.cur.empty():
            self.new("range")

    def date_slot(self) -> None:
        """ "March 4, 11am-1pm & March 5, 11am-1pm": a date after an end that is only a time
        of day starts another moment (a second session), not the end's day."""
        cur = self.cur
        if cur.kind == "range" and cur.time is not None and not _has_date(cur) and _has_date(self.r.parts[0]):
            self.new("list")

    def impossible(self, text: str) -> None:
        self.r.invalid = self.r.invalid or f"impossible date {text}"


def _read(toks: list[_Tok], day_first: bool, today: date, z: tzinfo, tzname: str) -> _Reading:
    """The moments the tokens name: each token goes to the handler of its kind."""
    s = _Reader(toks, day_first, today, z, tzname)
    handlers = _HANDLERS
    for i, t in enumerate(toks):
        if t.kind == PUNCT:  # not significant; "@" reads as "at"
            if t.val == "@":
                s.prev = _Tok(KEYWORD, "at", "@", t.pos)
            continue
        handler = handlers.get(t.kind)
        if handler is not None:
            handler(s, t, i)
        s.prev = t
    return s.r


# --- one handler per construction: (reader, token, its index) -------------------------


def _on_iso_datetime(s: _Reader, t: _Tok, i: int) -> None:
    """ "2027-03-04T18:30:00-05:00" inside a text: read by the ISO fast path."""
    moment, _rest = _parse_iso(t.raw, s.z, s.tzname)
    if moment is _INVALID or moment is None:
        s.impossible(t.raw)
        return
    cur = s.cur
    if cur.has_day() or cur.time is not None:
        cur = s.new("list")
    v = moment.value
    cur.iso = moment if isinstance(v, datetime) else None
    cur.y, cur.m, cur.d = v.year, v.month, v.day
    if isinstance(v, datetime):
        cur.time = _Time(v.hour, v.minute, v.second, None, False)
    s.r.evidence = True


def _set_date(s: _Reader, t: _Tok, ymd: tuple | None) -> None:
    if ymd is None:
        s.impossible(t.raw.strip())
        return
    cur = s.cur
    if cur.has_day() or cur.m is not None:
        cur = s.new("list")
    cur.y, cur.m, cur.d = ymd
    s.r.evidence = True


def _on_ymd(s: _Reader, t: _Tok, i: int) -> None:
    """ "2027-03-04", "2027/03/04"."""
    s.date_slot()
    y, m, d, _ = t.val
    _set_date(s, t, (y, m, d) if _valid(y, m, d) else None)


def _on_numeric_date(s: _Reader, t: _Tok, i: int) -> None:
    """ "03/04/2027", "29.02.2020", "3/4": month-first unless day-first (or dotted)."""
    s.date_slot()
    a, b, c, sep = t.val
    _set_date(s, t, _resolve_nd(a, b, c, sep, s.day_first, s.today))


def _on_day_month(s: _Reader, t: _Tok, i: int) -> None:
    """ "20-aug", "aug-20", "4/Mar/2027"."""
    s.date_slot()
    d, m, ytext = t.val
    y = _full_year(ytext, s.today) if ytext else None
    _set_date(s, t, (y, m, d) if _valid(y or 2000, m, d) else None)


def _on_month(s: _Reader, t: _Tok, i: int) -> None:
    """A month name: after a full date it starts another date; "March April" keeps the last."""
    s.date_slot()
    cur = s.cur
    if cur.m is not None and (cur.d is not None or cur.nth is not None):
        cur = s.new("list")
    elif cur.m is not None:
        cur.d = None
    cur.m = t.val
    s.r.evidence = True


def _on_weekday(s: _Reader, t: _Tok, i: int) -> None:
    """A weekday name: a second one, or one after a day with a date to follow, starts another date."""
    s.date_slot()
    cur = s.cur
    if cur.wd is not None or cur.iso is not None:
        cur = s.new("list")
    elif cur.d is not None or cur.rel is not None:
        nxt = _sig(s.toks, i + 1)
        if nxt is not None and nxt.kind in _DAYS_AHEAD:
            cur = s.new("list")
    cur.wd = t.val[0]
    s.r.evidence = True


def _on_ordinal(s: _Reader, t: _Tok, i: int) -> None:
    """ "3rd Wednesday" (the n-th weekday of a month), else "the 3rd" (a day of the month)."""
    nxt = _sig(s.toks, i + 1)
    cur = s.cur
    if nxt is not None and nxt.kind == WEEKDAY and s.toks[i + 1].kind != PUNCT:
        if cur.nth is not None or cur.d is not None:
            cur = s.new("list")
        cur.nth = t.val
    elif 1 <= t.val <= 31:
        if cur.d is not None or cur.nth is not None:
            cur = s.new("list")
        cur.d = t.val
        s.r.evidence = True


def _on_number(s: _Reader, t: _Tok, i: int) -> None:
    """A plain number: a year, an hour or a day, by what stands around it."""
    value, length = t.val
    if length == 4 or value > 31:
        _number_as_year(s, t)
        return
    nxt = _sig(s.toks, i + 1)
    if not _number_as_hour(s, i, value, length, nxt):
        _number_as_day(s, t, i, value, length, nxt)


def _number_as_year(s: _Reader, t: _Tok) -> None:
    """ "2027" (another date's year when this one has its day), or "27" after a day and a month."""
    value, length = t.val
    cur = s.cur
    if length == 4 and 1000 <= value <= 2999:
        if cur.y is None:
            cur.y = value
        elif cur.has_day():
            s.new("list").y = value
    elif length == 2 and cur.m is not None and cur.d is not None and cur.y is None:
        cur.y = _full_year(t.raw, s.today)


def _number_as_hour(s: _Reader, i: int, value: int, length: int, nxt: _Tok | None) -> bool:
    """ "6-8pm", "between 9 and 10am" (an hour whose meridiem comes with the end), "at 9",
    "10am - 2" (the end's hour); False when the number is no hour."""
    cur, padded = s.cur, length == 2 and value < 10
    if (
        _is_range_word(nxt, s.between)
        and value <= 23
        and not (cur.m is not None and cur.d is None)
        and _time_follows(s.toks, i + 1)
    ):
        if cur.time is not None:
            s.open_range()
        s.cur.time = _clock(value, 0, 0, None, padded=padded)
    elif (
        s.prev is not None
        and s.prev.kind == KEYWORD
        and s.prev.val in ("at", "à")
        and value <= 23
        and cur.time is None
        and (nxt is None or nxt.kind != MONTH)
    ):
        cur.time = _clock(value, 0, 0, None, padded=padded, pm_default=True)
    elif (
        cur.kind == "range"
        and s.r.parts[0].time is not None
        and cur.time is None
        and cur.d is None
        and cur.m is None
        and value <= 24
        and not s.month_later[i + 1]
    ):
        cur.time = _clock(value, 0, 0, None, padded=padded)
    else:
        return False
    return True


def _number_as_day(s: _Reader, t: _Tok, i: int, value: int, length: int, nxt: _Tok | None) -> None:
    """A day of the month where a month, weekday or range start says so; else "27" as the
    year after a day and a month."""
    cur = s.cur
    if (
        cur.d is None
        and cur.nth is None
        and value >= 1
        and (
            cur.m is not None
            or (nxt is not None and nxt.kind == MONTH)
            or cur.wd is not None
            or s.month_later[i + 1]
            or (cur.kind == "range" and s.r.parts[0].d is not None and cur.time is None)
        )
    ):
        cur.d = value
        s.r.evidence = True
    elif (
        cur.d is not None
        and cur.m is not None
        and cur.y is None
        and length == 2
        and not (nxt is not None and nxt.kind == MONTH)
    ):
        cur.y = _full_year(t.raw, s.today)


def _on_time(s: _Reader, t: _Tok, i: int) -> None:
    """A clock time: a second one is the range's end (or, after a range, another moment)."""
    if s.cur.time is not None:
        s.new("range" if s.r.range_idx is None else "list")
    s.cur.time = t.val


def _on_dotted_time(s: _Reader, t: _Tok, i: int) -> None:
    """ "14.12" after a date is a time ("29.02.2020 13.12"); elsewhere a number."""
    cur = s.cur
    if (
        cur.has_day() or cur.m is not None or (s.prev is not None and _is_range_word(s.prev, s.between))
    ) and cur.time is None:
        cur.time = t.val


def _on_offset(s: _Reader, t: _Tok, i: int) -> None:
    """An offset after a time ("-05:00", "GMT+2"); else a dash and an end ("2014-2015", "1:30-02:30")."""
    raw, cur, prev = t.raw, s.cur, s.prev
    if (
        prev is not None
        and prev.kind == TIME
        and cur.time is not None
        and (raw[0] not in "+-−" or len(raw) == 5 or _offset_after_time(s.toks, i))
    ):
        cur.off = raw.replace("−", "-")
    elif raw[0] in "+-−" and raw[1:].replace(":", "").isdigit():
        s.open_range()
        cur = s.cur
        body = raw[1:]
        if ":" in body:
            hh, mm = body.split(":")
            if cur.time is None:
                cur.time = _clock(int(hh), int(mm), padded=hh.startswith("0"), pm_default=True)
        elif 1000 <= int(body) <= 2999 and cur.y is None:
            cur.y = int(body)
    elif raw[:3].lower() in ("gmt", "utc"):
        cur.off = raw


def _on_zone_name(s: _Reader, t: _Tok, i: int) -> None:
    """ "EST", "Pacific Time": counts only right after a time (or another zone name)."""
    if s.prev is not None and s.prev.kind in (TIME, ZONE_NAME) and s.cur.zone is None:
        s.cur.zone = t.val


def _on_relative_day(s: _Reader, t: _Tok, i: int) -> None:
    """ "today", "tomorrow", "demain"."""
    if s.cur.has_day():
        s.new("list")
    s.cur.rel = t.val
    s.r.evidence = True


def _on_tba(s: _Reader, t: _Tok, i: int) -> None:
    s.r.vague = True


def _on_all_day(s: _Reader, t: _Tok, i: int) -> None:
    s.r.allday = True


def _on_dash(s: _Reader, t: _Tok, i: int) -> None:
    """A range dash: what follows is the end."""
    s.open_range()


def _on_keyword(s: _Reader, t: _Tok, i: int) -> None:
    """ "to"/"until" (and "and"/"à" after "between"/"de") open the range's end."""
    v = t.val
    if v == "to" or (s.between and v in ("and", "à")):
        s.open_range()
    elif v == "between" or (v == "de" and _de_opens_range(s.toks, i)):
        s.between = True


def _de_opens_range(toks: list[_Tok], i: int) -> bool:
    """ "de 9h à 17h", "de 10 a 12": "de" before a time, or before an hour and "à"/"to"."""
    n = len(toks)
    nxt = toks[i + 1] if i + 1 < n else None
    return nxt is not None and (
        nxt.kind == TIME
        or (nxt.kind == NUMBER and i + 2 < n and toks[i + 2].kind == KEYWORD and toks[i + 2].val in ("à", "to"))
    )


# Token kind -> its handler; kinds not here (words, counts) only count as the previous token.
_HANDLERS = {
    ISO_DATETIME: _on_iso_datetime,
    YMD: _on_ymd,
    NUMERIC_DATE: _on_numeric_date,
    DAY_MONTH: _on_day_month,
    MONTH: _on_month,
    WEEKDAY: _on_weekday,
    ORDINAL: _on_ordinal,
    NUMBER: _on_number,
    TIME: _on_time,
    DOTTED_TIME: _on_dotted_time,
    OFFSET: _on_offset,
    ZONE_NAME: _on_zone_name,
    RELATIVE_DAY: _on_relative_day,
    TBA: _on_tba,
    ALL_DAY: _on_all_day,
    DASH: _on_dash,
    KEYWORD: _on_keyword,
}


def _time_follows(toks: list[_Tok], i: int) -> bool:
    """After the range word at or after i, a clock time (or an hour with its am/pm) follows."""
    n = len(toks)
    while i < n and (
        toks[i].kind == PUNCT or (toks[i].kind in (DASH, KEYWORD) and toks[i].val in ("-", "to", "and", "à"))
    ):
        i += 1
    return i < n and toks[i].kind == TIME


def _offset_after_time(toks: list[_Tok], i: int) -> bool:
    """Whether "-05:00" after a time is its offset rather than the end of a range: when the
    time has seconds or an am/pm."""
    j = i - 1
    while j >= 0 and toks[j].kind == PUNCT:
        j -= 1
    if j < 0 or toks[j].kind != TIME:
        return False
    t = toks[j].val
    return t.mer is not None or t.s != 0 or toks[j].raw.count(":") >= 2


def _has_date(p: _Part) -> bool:
    return (
        p.d is not None
        or p.m is not None
        or p.y is not None
        or p.rel is not None
        or p.nth is not None
        or p.wd is not None
        or p.iso is not None
    )
