"""The tokenizer: one compiled regex, and the tokens and clock times it gives the grammar."""

from __future__ import annotations

import re

from eventhound.dates.words import _MONTHS_EN, _lexicon
from eventhound.dates.zones import _CASED_ZONES

_MER = r"[ap]\.?\s?m(?![^\W\d_])\.?"
_EN_MONTH_RE = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
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


def _clock(h: int, mi: int = 0, s: int = 0, mer: str | None = None, padded: bool = False,
           pm_default: bool = False) -> _Time | None:
    if mer:
        if not 1 <= h <= 12 and not (h == 0 and mer == "a"):
            return None if h > 12 else _Time(h, mi, s, None)
        return _Time(h, mi, s, mer) if mi < 60 else None
    if h > 24 or mi > 59 or s > 60 or (h == 24 and (mi or s)):
        return None  # 24:00 is the end of the day: 1440 minutes, the next day's midnight
    amb = 1 <= h <= 12 and not padded
    return _Time(h, mi, min(s, 59), None, amb, pm_default)


def _tokenize(text: str, languages: tuple[str, ...]) -> list[_Tok]:
    lex = _lexicon(languages)
    lookup = lex.get
    english = "en" in languages
    toks: list[_Tok] = []
    append = toks.append
    meridiems = False
    lowered = text.lower()
    same = len(lowered) == len(text)  # lower() keeps positions (not so for a few letters, e.g. "İ")
    for m in (_TOKEN_LOWER.finditer(lowered) if same else _TOKEN.finditer(text)):
        kind = m.lastgroup
        if kind is None:
            continue
        pos, end = m.span(kind)
        raw = text[pos:end]
        if kind == "word":
            low = lowered[pos:end] if same else raw.lower()
            entry = lookup(low)
            if entry is None and ("'" in low or "’" in low):  # d'octobre, l'après-midi
                entry = lookup(low.replace("’", "'").partition("'")[2])
            if entry is None:
                append(_Tok("word", low, raw, pos))
                continue
            ekind, value = entry
            if ekind == "zone" and raw.upper() in _CASED_ZONES and raw != raw.upper():
                append(_Tok("word", low, raw, pos))  # "pt", "et" in lower case are words
            elif ekind == "tword":
                append(_Tok("time", _Time(value, 0, 0, None, False), raw, pos))
            else:
                meridiems = meridiems or ekind == "mer"
                append(_Tok(ekind, value, raw, pos))
        elif kind == "pnum" or kind == "num":
            append(_Tok("num", (int(raw), len(raw)), raw, pos))
        elif kind == "hm":
            h_text, sec_text = m.group("hm_h"), m.group("hm_s") or m.group("hm_s2")
            mer = m.group("hm_mer")
            t = _clock(int(h_text), int(m.group("hm_m")), int(sec_text or 0), mer[0].lower() if mer else None,
                       padded=(len(h_text) == 2 and h_text[0] == "0") or bool(sec_text), pm_default=english)
            append(_Tok("time", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "hx":
            digits = m.group("hx_h")
            if len(digits) >= 3:
                h, mi = int(digits[:-2]), int(digits[-2:])
            else:
                h, mi = int(digits), int(m.group("hx_m") or 0)
            t = _clock(h, mi, 0, m.group("hx_mer")[0].lower())
            append(_Tok("time", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "p" or kind == "sep" or kind == "bar":
            append(_Tok("sep", "-", raw, pos) if kind == "sep" else _Tok("p", raw, raw, pos))
        elif kind == "ord":
            append(_Tok("ord", int(m.group("ord_n")), raw, pos))
        elif kind == "ymd":
            append(_Tok("date", (int(m.group("ymd_y")), int(m.group("ymd_m")), int(m.group("ymd_d")), None),
                        raw, pos))
        elif kind == "nd":
            append(_Tok("nd", (int(m.group("nd_a")), int(m.group("nd_b")), m.group("nd_c"), "/"), raw, pos))
        elif kind == "ndot":
            append(_Tok("nd", (int(m.group("ndot_a")), int(m.group("ndot_b")), m.group("ndot_c"), "."), raw, pos))
        elif kind == "dm":
            append(_Tok("nd", (int(m.group("dm_a")), int(m.group("dm_b")), None, "/"), raw, pos))
        elif kind == "dmon":
            month = _MONTHS_EN[m.group("dmon_m").lower()]
            append(_Tok("dmon", (int(m.group("dmon_d")), month, m.group("dmon_y")), raw, pos))
        elif kind == "mond":  # "aug-20" reads as "20-aug" does
            month = _MONTHS_EN[m.group("mond_m").lower()]
            append(_Tok("dmon", (int(m.group("mond_d")), month, m.group("mond_y")), raw, pos))
        elif kind == "hdot":
            t = _clock(int(m.group("hdot_h")), int(m.group("hdot_m")), 0, None,
                       padded=m.group("hdot_h")[0] == "0", pm_default=english)
            append(_Tok("hdot", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "hh":
            t = _clock(int(m.group("hh_h")), int(m.group("hh_m") or 0), 0, None, padded=True)
            append(_Tok("time", t, raw, pos) if t else _Tok("word", raw, raw, pos))
        elif kind == "isodt":
            append(_Tok("isodt", raw, raw, pos))
        elif kind == "cnt":
            append(_Tok("cnt", int(m.group("cnt_n")), raw, pos))
        else:  # off, goff
            append(_Tok("off", raw, raw, pos))
    # "12:00 Noon", "12 midnight": the word says which twelve o'clock it is
    for i in range(len(toks) - 1, 0, -1):
        tok, prev = toks[i], toks[i - 1]
        if tok.kind == "time" and tok.raw.isalpha() and prev.kind in ("time", "num") \
                and (prev.val.h if prev.kind == "time" else prev.val[0]) in (0, 12) \
                and (prev.kind == "num" or prev.val.mi == 0):
            toks[i - 1:i + 1] = [_Tok("time", tok.val, prev.raw + " " + tok.raw, prev.pos)]
    if not meridiems:
        return toks
    # "8 pm", "6:30 p m" with the am/pm as a word of its own
    out: list[_Tok] = []
    for tok in toks:
        if tok.kind == "mer" and out and out[-1].kind == "num" and 1 <= out[-1].val[0] <= 12:
            prev = out.pop()
            out.append(_Tok("time", _Time(prev.val[0], 0, 0, tok.val), prev.raw + " " + tok.raw, prev.pos))
        elif tok.kind == "mer" and out and out[-1].kind == "time" and out[-1].val.mer is None \
                and out[-1].val.amb:
            out[-1].val.mer, out[-1].val.amb = tok.val, False
        elif tok.kind == "mer":
            out.append(_Tok("word", tok.raw.lower(), tok.raw, tok.pos))
        else:
            out.append(tok)
    return out
