"""CostPipeline: `is_free` (1/0/None), `price_min`, `price_max` (floats) and `currency`.

Structured values win: the raw `price_min`, `price_max`, `currency`, `is_free` that the
schemaorg (offers, isAccessibleForFree) and tribe (The Events Calendar cost) extractors
write. A price value may be a number or a published text, possibly with several prices
("$25 members / $40 non-members", "Free – $15"): every amount in it counts, the lowest is
price_min and the highest price_max. `is_free` from true/false/yes/no/1/0 (or schema.org
True/False).

Without any of them, text is read: the raw `cost_text`, then the title, then the
description (the first that says something).

- Free: a cost text that is only "Free" (or "Free admission", "No cost", ...); in the title
  "Free" before anything but a perk ("FREE Resume Workshop" is free, "Free Parking" and
  "free ice cream" are not); in the description explicit phrases only ("free and open to
  the public", "free of charge", "free admission", "admission is free", "no cost to
  attend", "free to attend", "cost: free", "free for members" ...).
- Prices: amounts with a currency sign or code ("$15", "€10", "15 EUR", "CA$20") — in the
  description only in a sentence that speaks of cost (cost, price, fee, admission,
  tickets, members, guests, at the door, ...) and not of pay ("$18/hour", "salary",
  "wage", "scholarship", "prize", "raise"); in a cost text a bare number counts too.
  Amounts are read with price-parser.
- "Free for members, $15 for guests" is price_min 0, price_max 15, is_free 0: free
  (is_free 1) means free for everyone, i.e. no price above 0 was stated. A structured
  is_free is kept as published.

A free event with no price stated gets price_min = price_max = 0. A single price is both
price_min and price_max. Negative prices are dropped.

currency: a 3-letter code as published (upper-cased), else from the sign: $ is the source
country's dollar (CA -> CAD, AU -> AUD, NZ -> NZD, SG -> SGD, HK -> HKD, MX -> MXN), else
USD; € EUR, £ GBP, ¥ JPY, ₹ INR. None when no price is known.
"""

from __future__ import annotations

import math
import re

from price_parser.parser import parse_number

from pipelines.base import EventPipeline
from pipelines.text import fold, folded

_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}
DOLLAR = {"CA": "CAD", "AU": "AUD", "NZ": "NZD", "SG": "SGD", "HK": "HKD", "MX": "MXN"}
SIGNS = {
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "CA$": "CAD",
    "C$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "US$": "USD",
    "S$": "SGD",
    "HK$": "HKD",
}
CODES = (
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "NZD",
    "CHF",
    "JPY",
    "INR",
    "SGD",
    "HKD",
    "MXN",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "ZAR",
    "BRL",
)
_NUM = r"\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SIGN = r"(?:CA\$|C\$|AU\$|A\$|NZ\$|US\$|S\$|HK\$|\$|€|£|¥|₹)"
_CODE = r"(?:" + "|".join(CODES) + r")"
_MONEY = re.compile(
    rf"(?P<pre>{_SIGN}|\b{_CODE})\s?(?P<a>{_NUM})(?![\d%])|(?<![\w.,])(?P<b>{_NUM})\s?(?P<post>{_SIGN}|{_CODE}\b)"
)
_BARE = re.compile(rf"(?<![\w.,/:-])(?:{_NUM})(?![\w%/:-]|\.\d)")
# A price followed by these is pay, not a cost ("$18/hour", "$50K", "$20 an hour").
_PAY_AFTER = re.compile(
    r"(?i)\s*(?:k\b|/\s*h|/\s*hr|/\s*hour|\s*(?:per|an|a)\s+(?:hour|hr|year|month)|/\s*yr"
    r"|/\s*year|\+?\s*(?:salary|per\s+annum)|\s*(?:million|billion)|m\b)"
)
_COST_WORDS = folded(
    r"\b(?:cost|costs|price|prices|pricing|fee|fees|admission|tickets?|entry|registration|register|members?"
    r"|non-?members?|guests?|per\s+person|at\s+the\s+door|door|advance|early[-\s]?bird|students?|general|"
    r"includes?|included|rsvp|attendees?|charge|pay\s+at|payable|seat|table\s+of|sponsorships?)\b"
)
_PAY_WORDS = folded(
    r"\b(?:salary|salaries|wages?|hourly|per\s+hour|an\s+hour|/\s*h(?:ou)?r|pay\s+(?:rate|range)|paying|"
    r"starting\s+pay|sign[-\s]on|bonus|scholarships?|prizes?|awards?|grants?|raised?|raising|donat\w*|funding|"
    r"investment|revenue|budget|worth|earn\w*|income|compensation|stipend)\b"
)
_FREE_COST = re.compile(
    r"(?i)^\W*(?:free|no\s+(?:cost|charge|fee)|complimentary|gratis|gratuit|gratuito)"
    r"(?:\s+(?:admission|entry|event|entrance|to\s+attend|of\s+charge|registration|and\s+open\s+to\s+(?:the\s+)?"
    r"(?:public|all|everyone)|for\s+(?:all|everyone|everybody)))?\W*$"
)
_FREE_PHRASE = folded(
    r"\bfree\s+(?:and\s+open\s+to|of\s+charge|admission|entry|entrance|to\s+(?:attend|register|join|participate)"
    r"|for\s+(?:all|everyone|everybody|the\s+public|(?:job\s*)?seekers|attendees|members|students|veterans|"
    r"participants|guests|chamber\s+members)|event|registration|workshop|webinar|seminar|job\s+fair|career\s+fair"
    r"|hiring\s+event|class|training|session|networking|program|community\s+event)\b"
    r"|\b(?:admission|entry|registration|attendance|the\s+event|this\s+event|it|participation|the\s+workshop|"
    r"the\s+fair|cost)\s+(?:is|are)\s+(?:completely\s+|totally\s+|always\s+)?free\b"
    r"|\bno\s+(?:cost|charge|fee|admission\s+fee|registration\s+fee)\s+(?:to|for)\s+(?:attend|attendees|job\s*seekers|"
    r"participants|register|join)\b|\bat\s+no\s+(?:cost|charge)\b|\bno[-\s]cost\s+(?:event|workshop|program|training)\b"
    r"|\b(?:cost|price|fee|admission|tickets?)\s*:\s*free\b|\bcomplimentary\s+(?:admission|registration|event)\b"
)
_FREE_FOR_SOME = folded(
    r"\bfree\s+(?:for|to)\s+(?P<who>members|students|veterans|(?:job\s*)?seekers|"
    r"chamber\s+members|guests|attendees|participants|all|everyone|everybody|the\s+public)\b"
)
# "Free" in a title before one of these is a perk, not the event's cost.
_PERK = (
    r"parking|food|lunch|breakfast|dinner|pizza|refreshments?|snacks?|drinks?|beverages?|coffee|beer|wine|"
    r"ice\s+cream|wi-?fi|gifts?|giveaways?|swag|t-?shirts?|headshots?|photos?|childcare|child\s+care|"
    r"raffle|samples?|books?|merch|shuttle|transportation|tickets?\s+for|resources|access\s+to|consultations?"
)
_TITLE_FREE = re.compile(rf"(?i)(?:^|[\s(\[:|–—-])free\b(?!\s*(?:{_PERK})\b)(?!\s*(?:&|and|with)\b)")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\n+")


def to_bool(value) -> int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)) and value in (0, 1):
        return int(value)
    if not isinstance(value, str) or not value.strip():
        return None
    name = re.split(r"[/:#]", value.strip().rstrip("/"))[-1].strip().lower()
    return 1 if name in _TRUE else 0 if name in _FALSE else None


def _plain_number(text: str) -> float | None:
    text = text.strip()
    if not text or not (text[0].isdigit() or text[0] == "-") or not text.replace(".", "", 1).lstrip("-").isdigit():
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _amount(text: str) -> float | None:
    value = parse_number(text)
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) and number >= 0 else None


def _currency(sign: str | None, country) -> str | None:
    if not sign:
        return None
    sign = sign.strip().upper()
    if sign in CODES:
        return sign
    if sign == "$":
        return DOLLAR.get(country.strip().upper() if isinstance(country, str) else "", "USD")
    return SIGNS.get(sign)


def money(text: str, country=None, bare: bool = False) -> tuple[list[float], str | None]:
    """The amounts a text states with a currency (every number when bare), and the currency."""
    amounts, currency = [], None
    for match in _MONEY.finditer(text):
        if _PAY_AFTER.match(text, match.end()):
            continue
        number = _amount(match.group("a") or match.group("b"))
        if number is None:
            continue
        amounts.append(number)
        currency = currency or _currency(match.group("pre") or match.group("post"), country)
    if not amounts and bare:
        for match in _BARE.finditer(text):
            if _PAY_AFTER.match(text, match.end()):
                continue
            number = _amount(match.group())
            if number is not None:
                amounts.append(number)
    return amounts, currency


def _text_cost(text: str, country, kind: str) -> tuple[int | None, list[float], str | None]:
    """(free, amounts, currency) that one text states; kind is cost, title or description."""
    if kind == "cost":
        if _FREE_COST.match(text):
            return 1, [0.0], None
        amounts, currency = money(text, country, bare=True)
        free = 1 if re.search(r"(?i)\bfree\b", text) else None
        if free:
            amounts.append(0.0)
        return free, amounts, currency
    if kind == "title":
        amounts, currency = (
            money(text, country) if any(c in text for c in "$€£¥₹") or re.search(_CODE, text) else ([], None)
        )
        free = 1 if "free" in text.lower() and _TITLE_FREE.search(text) else None
        if free:
            amounts.append(0.0)
        return free, amounts, currency
    free, amounts, currency = None, [], None
    lower = fold(text)
    if "free" in lower or "no cost" in lower or "no charge" in lower or "complimentary" in lower:
        if _FREE_PHRASE.search(lower):
            free = 1
            amounts.append(0.0)
    if any(c in text for c in "$€£¥₹") or re.search(_CODE, text):
        for sentence in _SENTENCES.split(text):
            folded_sentence = fold(sentence)
            if not _COST_WORDS.search(folded_sentence) or _PAY_WORDS.search(folded_sentence):
                continue
            found, sign = money(sentence, country)
            if found:
                amounts += found
                currency = currency or sign
                if _FREE_FOR_SOME.search(folded_sentence):
                    amounts.append(0.0)
    return free, amounts, currency


class CostPipeline(EventPipeline):
    def process_item(self, item):
        country = item.get("country")
        is_free = to_bool(item.get("is_free"))
        amounts, currency = [], None
        for key in ("price_min", "price_max"):
            value = item.get(key)
            if isinstance(value, bool):
                continue
            if isinstance(value, (int, float)):
                if math.isfinite(value) and value >= 0:
                    amounts.append(float(value))
            elif isinstance(value, str) and value.strip():
                plain = _plain_number(value)
                if plain is not None:  # "15", "25.00": most offers
                    if plain >= 0:
                        amounts.append(plain)
                    continue
                free, found, sign = _text_cost(value, country, "cost")
                amounts += found
                currency = currency or sign
        published = item.get("currency")
        if isinstance(published, str) and published.strip():
            code = published.strip().upper()
            currency = code if re.fullmatch(r"[A-Z]{3}", code) else _currency(code, country) or currency

        if is_free is None and not amounts:
            for key, kind in (("cost_text", "cost"), ("title", "title"), ("description", "description")):
                text = item.get(key)
                if not isinstance(text, str) or not text.strip():
                    continue
                free, found, sign = _text_cost(text, country, kind)
                if free or found:
                    is_free = 0 if found and max(found) > 0 else free
                    amounts, currency = found, currency or sign
                    self.stats.inc_value(f"eventhound/cost/from_{kind}")
                    break

        if amounts and max(amounts) > 0:
            if is_free is None:
                is_free = 0
        elif amounts and is_free is None:
            is_free = 1
        if is_free == 1 and not amounts:
            amounts = [0.0]
        item["price_min"] = min(amounts) if amounts else None
        item["price_max"] = max(amounts) if amounts else None
        item["is_free"] = is_free
        item["currency"] = currency if amounts else None
        return item
