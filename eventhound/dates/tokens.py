"""The tokenizer: one compiled regex, and the tokens and clock times it gives the grammar."""

from __future__ import annotations

import functools
import re

from eventhound.dates.kinds import (
    ALL_DAY,
    COUNT,
    DASH,
    DAY_MONTH,
    DOTTED_TIME,
    ISO_DATETIME,
    KEYWORD,
    MERIDIEM,
    MONTH,
    NUMBER,
    NUMERIC_DATE,
    OFFSET,
    ORDINAL,
    PUNCT,
    RELATIVE_DAY,
    TBA,
    TIME,
    TIME_WORD,
    WEEKDAY,
    WORD,
    YMD,
    ZONE_NAME,
)
from eventhound.dates.words import (
    _KW_EN,
    _KW_ES,
    _KW_FR,
    _MONTHS_EN,
    _MONTHS_ES,
    _MONTHS_FR,
    _ORDINALS_EN,
    _REL_EN,
    _REL_ES,
    _REL_FR,
    _TIMEWORDS_EN,
    _TIMEWORDS_ES,
    _TIMEWORDS_FR,
    _VAGUE,
    _WEEKDAYS_EN,
    _WEEKDAYS_ES,
    _WEEKDAYS_FR,
)
from eventhound.dates.zones import _CASED_ZONES, _ZONE_NAMES

_MER = r"[ap]\.?\s?m(?![^\W\d_])\.?"
_EN_MONTH_RE = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_TOKEN = re.compile(
    r"\s*(?:"
    # words first (the commonest), "GMT+2" before them
    r"(?=[^\W\d_])(?:(?P<goff>(?:gmt|utc)\s?[+−-]\s?\d{1,2}(?::?\d{2})?(?!\d))"
    # "aug-20", "Aug-20-2027": a month, a dash and its day (never "aug-2027": a day has two digits)
    rf"|(?P<mond>(?P<mond_m>{_EN_MONTH_RE})-(?P<mond_d>\d{{1,2}})(?:-(?P<mond_y>\d{{4}}|\d{{2}}))?)"
    r"(?![\d:.]|[^\W\d_]|\s*[ap]\.?\s?m(?![^\W\d_]))"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)?)\.?)"
    # then everything that starts with a digit: first a plain number that nothing special
    # follows (the commonest), then clock times, then the rest
    r"|(?=\d)(?:(?P<pnum>\d+)(?![\d/.:~hxapsnrteº°ªè−–-]|\s*(?:[ap]\.?\s?m(?![^\W\d_])|h(?![^\W_])"
    r"|x(?![^\W_])|[.−–-]))"
    r"|(?P<hm>(?P<hm_h>\d{1,2}):(?P<hm_m>\d{2})(?::(?P<hm_s>\d{2})(?:[.,]\d+)?|\.(?P<hm_s2>\d{2})(?!\d))?(?!\d)"
    rf"(?:\s*(?P<hm_mer>{_MER}))?)"
    r"|(?P<isodt>\d{4}-\d{1,2}-\d{1,2}t\d{1,2}:?\d{2}(?::?\d{2}(?:[.,]\d+)?)?"
    r"(?:z(?![^\W\d_])|[+-]\d{1,2}(?::?\d{2})?(?!\d))?)"
    r"|(?P<ymd>(?P<ymd_y>\d{4})(?P<ymd_s>[-/.:])(?P<ymd_m>\d{1,2})(?P=ymd_s)(?P<ymd_d>\d{1,2}))(?!\d)"
    r"|(?P<nd>(?P<nd_a>\d{1,2})(?P<nd_s>[/-])(?P<nd_b>\d{1,2})(?P=nd_s)(?P<nd_c>\d{4}|\d{2}))(?!\d|:\d)"
    r"|(?P<ndot>(?P<ndot_a>\d{1,2})\s?\.\s?(?P<ndot_b>\d{1,2})\s?\.\s?(?P<ndot_c>\d{4}|\d{2}))(?!\d|[:.]\d)"
    r"|(?P<dm>(?P<dm_a>\d{1,2})/(?P<dm_b>\d{1,2}))(?![\d/])"
    rf"|(?P<dmon>(?P<dmon_d>\d{{1,2}})[-/](?P<dmon_m>{_EN_MONTH_RE})\.?(?:[-/](?P<dmon_y>\d{{4}}|\d{{2}})(?!\d))?)"
    r"(?![^\W\d_])"
    rf"|(?P<hx>(?P<hx_h>\d{{1,4}})(?:\.(?P<hx_m>\d{{2}}))?\s*(?P<hx_mer>{_MER}))"
    r"|(?P<hdot>(?P<hdot_h>\d{1,2})\.(?P<hdot_m>\d{2}))(?!\d|\.\d)"
    r"|(?P<hh>(?P<hh_h>\d{1,2})\s?h(?:\s?(?P<hh_m>\d{2}))?)(?![^\W_])"
    r"|(?P<ord>(?P<ord_n>\d{1,2})(?:st|nd|rd|th|er|re|ème|eme|e|º|ª|°)(?![^\W\d_]))"
    r"|(?P<cnt>(?P<cnt_n>\d{1,3})\s?x)(?![^\W_])"
    r"|(?P<num>\d+))"
    # offsets after a time, range dashes, punctuation
    rf"|(?P<off>[+−-]\d{{2}}:\d{{2}}(?!\d)(?!\s*{_MER})|[+−-]\d{{4}}(?!\d)|[+−-]0:00(?!\d))"
    r"|(?P<sep>[-–—~−])"
    r"|(?P<bar>\|)"
    r"|(?P<p>[,;@/()\[\]:&+]))",
    re.IGNORECASE,
)
# The same, case-sensitive, for the lower-cased text: faster (the usual case).
_TOKEN_LOWER = re.compile(_TOKEN.pattern)


@functools.lru_cache(maxsize=16)
def _lexicon(languages: tuple[str, ...]) -> dict[str, tuple[str, object]]:
    """word -> (kind, value) for the languages (English is always read for zone names)."""
    lex: dict[str, tuple[str, object]] = {}
    tables = {
        "en": (_MONTHS_EN, _WEEKDAYS_EN, _KW_EN, _REL_EN, _TIMEWORDS_EN),
        "fr": (_MONTHS_FR, _WEEKDAYS_FR, _KW_FR, _REL_FR, _TIMEWORDS_FR),
        "es": (_MONTHS_ES, _WEEKDAYS_ES, _KW_ES, _REL_ES, _TIMEWORDS_ES),
    }
    for lang in reversed(languages):  # the first language wins a conflict
        if lang not in tables:
            continue
        months, weekdays, kws, rels, timewords = tables[lang]
        for word, value in kws.items():
            lex[word] = (KEYWORD, value)
        for word, value in months.items():
            lex[word] = (MONTH, value)
        for word, value in weekdays.items():
            lex[word] = (WEEKDAY, (value, False))
            lex[word + "s"] = (WEEKDAY, (value, True))  # mondays, mardis, lunes
        for word, value in rels.items():
            lex[word] = (RELATIVE_DAY, value)
        for word, value in timewords.items():
            lex[word] = (TIME_WORD, value)
        if lang == "en":
            for word, value in _ORDINALS_EN.items():
                lex[word] = (ORDINAL, value)
    for word in ("lunes", "martes", "miércoles", "miercoles", "jueves", "viernes"):
        if word in lex and lex[word][0] == WEEKDAY:
            lex[word] = (WEEKDAY, (lex[word][1][0], False))  # the Spanish plural is the same word
    for word in _VAGUE:
        lex[word] = (TBA, None)
    lex["allday"] = (ALL_DAY, None)
    for word in _ZONE_NAMES:
        lex.setdefault(word, (ZONE_NAME, word))
    lex["am"], lex["pm"] = (MERIDIEM, "a"), (MERIDIEM, "p")  # "8 pm": joined to the number after tokenizing
    return lex


class _Tok:
    __slots__ = ("kind", "pos", "raw", "val")

    def __init__(self, kind, val, raw, pos):
        self.kind, self.val, self.raw, self.pos = kind, val, raw, pos

    def __repr__(self):
        return f"{self.kind}:{self.val!r}"


class _Time:
    """A clock time as written: the hour, minute, second and meridiem ('a'/'p'/None);
    `amb` when the meridiem is unknown (1 <= hour <= 12, not zero-padded)."""

    __slots__ = ("amb", "h", "mer", "mi", "pm_default", "s")

    def __init__(self, h, mi=0, s=0, mer=None, amb=False, pm_default=False):
        self.h, self.mi, self.s, self.mer, self.amb, self.pm_default = h, mi, s, mer, amb, pm_default

    def minutes(self) -> int:
        """Minutes since midnight, read alone."""
        h = self.h
        if self.mer:
            h = h % 12 + (12 if self.mer == "p" else 0)
        elif self.amb and self.pm_default and 1 <= h <= 6:
            h += 12
        return h * 60 + self.mi

    def candidates(self) -> tuple[int, int]:
        base = (self.h % 12) * 60 + self.mi
        return base, base + 720

    def __repr__(self):
        return f"T({self.h}:{self.mi:02d}{self.mer or ''}{'?' if self.amb else ''})"


def _clock(
    h: int, mi: int = 0, s: int = 0, mer: str | None = None, padded: bool = False, pm_default: bool = False
) -> _Time | None:
    if mer:
        if not 1 <= h <= 12 and not (h == 0 and mer == "a"):
            return None if h > 12 else _Time(h, mi, s, None)
        return _Time(h, mi, s, mer) if mi < 60 else None
    if h > 24 or mi > 59 or s > 60 or (h == 24 and (mi or s)):
        return None  # 24:00 is the end of the day: 1440 minutes, the next day's midnight
    amb = 1 <= h <= 12 and not padded
    return _Time(h, mi, min(s, 59), None, amb, pm_default)


def _tokenize(text: str, languages: tuple[str, ...]) -> list[_Tok]:
    """The tokens of a text: words (looked up in the languages' lexicon), numbers, clock
    times, dates, offsets, dashes and punctuation; what the regex skips is not a token."""
    lookup = _lexicon(languages).get
    english = "en" in languages
    toks: list[_Tok] = []
    append = toks.append
    meridiems = False
    lowered = text.lower()
    same = len(lowered) == len(text)  # lower() keeps positions (not so for a few letters, e.g. "İ")
    for m in _TOKEN_LOWER.finditer(lowered) if same else _TOKEN.finditer(text):
        group = m.lastgroup
        if group is None:
            continue
        pos, end = m.span(group)
        raw = text[pos:end]
        if group == "word":  # the commonest two first, without a call through the table
            low = lowered[pos:end] if same else raw.lower()
            entry = lookup(low)
            if entry is None:
                tok = _word(lookup, low, raw, pos) if "'" in low or "’" in low else _Tok(WORD, low, raw, pos)
            elif entry[0] in _WORDS_TO_LOOK_AT:
                tok = _known_word(entry, low, raw, pos)
            else:
                tok = _Tok(entry[0], entry[1], raw, pos)
            meridiems = meridiems or tok.kind == MERIDIEM
            append(tok)
        elif group == "pnum" or group == "num":
            append(_Tok(NUMBER, (int(raw), len(raw)), raw, pos))
        else:
            append(_GROUPS[group](m, raw, pos, english))
    _join_twelve(toks)
    return _join_meridiems(toks) if meridiems else toks


def _word(lookup, low: str, raw: str, pos: int) -> _Tok:
    """A word with an apostrophe: d'octobre as octobre, l'après-midi; else a WORD."""
    entry = lookup(low.replace("’", "'").partition("'")[2])
    if entry is None:
        return _Tok(WORD, low, raw, pos)
    return _known_word(entry, low, raw, pos)


_WORDS_TO_LOOK_AT = (ZONE_NAME, TIME_WORD)  # lexicon kinds that are not yet the token's kind


def _known_word(entry: tuple, low: str, raw: str, pos: int) -> _Tok:
    """A word the lexicon knows: "pt"/"et" in lower case are words; noon and midnight are times."""
    kind, value = entry
    if kind == ZONE_NAME and raw.upper() in _CASED_ZONES and raw != raw.upper():
        return _Tok(WORD, low, raw, pos)
    if kind == TIME_WORD:
        return _Tok(TIME, _Time(value, 0, 0, None, False), raw, pos)
    return _Tok(kind, value, raw, pos)


def _time_or_word(kind: str, t: _Time | None, raw: str, pos: int) -> _Tok:
    return _Tok(kind, t, raw, pos) if t else _Tok(WORD, raw, raw, pos)


def _hour_minute(m, raw: str, pos: int, english: bool) -> _Tok:
    """ "6:30", "18:30:00", "6:30 pm"; an English H:MM with an hour 1-6 is in the afternoon."""
    h_text, sec_text = m.group("hm_h"), m.group("hm_s") or m.group("hm_s2")
    mer = m.group("hm_mer")
    t = _clock(
        int(h_text),
        int(m.group("hm_m")),
        int(sec_text or 0),
        mer[0].lower() if mer else None,
        padded=(len(h_text) == 2 and h_text[0] == "0") or bool(sec_text),
        pm_default=english,
    )
    return _time_or_word(TIME, t, raw, pos)


def _hour_meridiem(m, raw: str, pos: int, english: bool) -> _Tok:
    """ "6pm", "6.30 p.m.", "630pm"."""
    digits = m.group("hx_h")
    if len(digits) >= 3:
        h, mi = int(digits[:-2]), int(digits[-2:])
    else:
        h, mi = int(digits), int(m.group("hx_m") or 0)
    return _time_or_word(TIME, _clock(h, mi, 0, m.group("hx_mer")[0].lower()), raw, pos)


def _hour_dot(m, raw: str, pos: int, english: bool) -> _Tok:
    """ "14.12": maybe a time (the grammar decides)."""
    t = _clock(
        int(m.group("hdot_h")), int(m.group("hdot_m")), 0, None, padded=m.group("hdot_h")[0] == "0", pm_default=english
    )
    return _time_or_word(DOTTED_TIME, t, raw, pos)


def _hour_h(m, raw: str, pos: int, english: bool) -> _Tok:
    """ "18h", "18h30", "9 h"."""
    t = _clock(int(m.group("hh_h")), int(m.group("hh_m") or 0), 0, None, padded=True)
    return _time_or_word(TIME, t, raw, pos)


def _numeric_date(a: str, b: str, year: str | None, sep: str):
    """A builder of NUMERIC_DATE tokens from the regex groups a, b and year."""

    def build(m, raw: str, pos: int, english: bool) -> _Tok:
        return _Tok(NUMERIC_DATE, (int(m.group(a)), int(m.group(b)), year and m.group(year), sep), raw, pos)

    return build


def _day_month(day: str, month: str, year: str):
    """A builder of DAY_MONTH tokens: "20-aug", and "aug-20" read as "20-aug" is."""

    def build(m, raw: str, pos: int, english: bool) -> _Tok:
        value = (int(m.group(day)), _MONTHS_EN[m.group(month).lower()], m.group(year))
        return _Tok(DAY_MONTH, value, raw, pos)

    return build


def _ymd(m, raw: str, pos: int, english: bool) -> _Tok:
    value = (int(m.group("ymd_y")), int(m.group("ymd_m")), int(m.group("ymd_d")), None)
    return _Tok(YMD, value, raw, pos)


def _as_is(kind: str):
    """A builder of tokens whose value is their text."""
    return lambda m, raw, pos, english: _Tok(kind, raw, raw, pos)


# Regex group -> the builder of its token: (match, text, position, English?) -> _Tok.
_GROUPS = {
    "hm": _hour_minute,
    "hx": _hour_meridiem,
    "hdot": _hour_dot,
    "hh": _hour_h,
    "p": _as_is(PUNCT),
    "bar": _as_is(PUNCT),
    "sep": lambda m, raw, pos, english: _Tok(DASH, "-", raw, pos),
    "ord": lambda m, raw, pos, english: _Tok(ORDINAL, int(m.group("ord_n")), raw, pos),
    "cnt": lambda m, raw, pos, english: _Tok(COUNT, int(m.group("cnt_n")), raw, pos),
    "ymd": _ymd,
    "nd": _numeric_date("nd_a", "nd_b", "nd_c", "/"),
    "ndot": _numeric_date("ndot_a", "ndot_b", "ndot_c", "."),
    "dm": _numeric_date("dm_a", "dm_b", None, "/"),
    "dmon": _day_month("dmon_d", "dmon_m", "dmon_y"),
    "mond": _day_month("mond_d", "mond_m", "mond_y"),
    "isodt": _as_is(ISO_DATETIME),
    "off": _as_is(OFFSET),
    "goff": _as_is(OFFSET),
}


def _join_twelve(toks: list[_Tok]) -> None:
    """ "12:00 Noon", "12 midnight": the word says which twelve o'clock it is (in place)."""
    for i in range(len(toks) - 1, 0, -1):
        tok, prev = toks[i], toks[i - 1]
        if (
            tok.kind == TIME
            and tok.raw.isalpha()
            and prev.kind in (TIME, NUMBER)
            and (prev.val.h if prev.kind == TIME else prev.val[0]) in (0, 12)
            and (prev.kind == NUMBER or prev.val.mi == 0)
        ):
            toks[i - 1 : i + 1] = [_Tok(TIME, tok.val, prev.raw + " " + tok.raw, prev.pos)]


def _join_meridiems(toks: list[_Tok]) -> list[_Tok]:
    """ "8 pm", "6:30 p m": an am/pm written as a word of its own joins the time before it."""
    out: list[_Tok] = []
    for tok in toks:
        if tok.kind == MERIDIEM and out and out[-1].kind == NUMBER and 1 <= out[-1].val[0] <= 12:
            prev = out.pop()
            out.append(_Tok(TIME, _Time(prev.val[0], 0, 0, tok.val), prev.raw + " " + tok.raw, prev.pos))
        elif tok.kind == MERIDIEM and out and out[-1].kind == TIME and out[-1].val.mer is None and out[-1].val.amb:
            out[-1].val.mer, out[-1].val.amb = tok.val, False
        elif tok.kind == MERIDIEM:
            out.append(_Tok(WORD, tok.raw.lower(), tok.raw, tok.pos))
        else:
            out.append(tok)
    return out
