"""The words the grammar knows, per language: months, weekdays, keywords, relative days."""

from __future__ import annotations

import re

_MONTHS_EN = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "febr": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_WEEKDAYS_EN = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "weds": 2,
    "wednsday": 2, "wensday": 2, "wendsday": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_ORDINALS_EN = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                "eighth": 8, "ninth": 9, "tenth": 10}
_KW_EN = {
    "to": "to", "through": "to", "thru": "to", "until": "to", "till": "to", "til": "to", "close": "to",
    "closes": "to", "closing": "to", "ends": "to", "ending": "to",
    "and": "and", "or": "or", "from": "from", "between": "between", "at": "at", "on": "on", "of": "of",
    "the": "the", "in": "in", "day": "day", "days": "day", "week": "week", "weeks": "week",
    "month": "month", "months": "month", "year": "year", "years": "year", "weekend": "weekend",
    "weekends": "weekend", "weekday": "weekday", "weekdays": "weekday", "this": "this", "next": "next",
    "every": "every", "each": "every", "other": "other", "alternate": "other", "daily": "daily",
    "weekly": "weekly", "monthly": "monthly", "yearly": "yearly", "annually": "yearly", "annual": "yearly",
    "biweekly": "biweekly", "fortnightly": "biweekly", "once": "once", "twice": "twice", "times": "times",
    "time": "time", "instance": "instance", "instances": "instance", "occurrence": "instance",
    "last": "last", "penultimate": "penultimate", "begin": "begin", "beginning": "begin", "start": "begin",
    "end": "end", "up": "up", "for": "for", "a": "a", "an": "a", "per": "a", "all": "all",
    "starting": "starting", "starts": "starting", "x": "x",
}
_REL_EN = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "yesterday": -1}
_TIMEWORDS_EN = {"noon": 12, "midday": 12, "midnight": 0}
_VAGUE = {"tba", "tbd", "tbc", "tbcs"}

_MONTHS_FR = {
    "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9,
    "sept": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "décembre": 12, "decembre": 12,
    "déc": 12, "dec": 12,
}
_WEEKDAYS_FR = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
_KW_FR = {
    "au": "to", "jusqu'au": "to", "jusqu’au": "to", "à": "à", "de": "de", "du": "de", "et": "and",
    "chaque": "every", "tous": "every", "toutes": "every", "mois": "month", "semaine": "week",
    "semaines": "week", "an": "year", "année": "year", "premier": "first", "première": "first",
    "dernier": "last", "dernière": "last",
}
_REL_FR = {"aujourd'hui": 0, "aujourd’hui": 0, "demain": 1, "hier": -1}
_TIMEWORDS_FR = {"midi": 12, "minuit": 0}

_MONTHS_ES = {
    "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "mar": 3, "abril": 4, "abr": 4, "mayo": 5,
    "may": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8, "septiembre": 9,
    "setiembre": 9, "sep": 9, "sept": 9, "octubre": 10, "oct": 10, "noviembre": 11, "nov": 11,
    "diciembre": 12, "dic": 12,
}
_WEEKDAYS_ES = {"lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
                "sábado": 5, "sabado": 5, "domingo": 6}
_KW_ES = {
    "al": "to", "hasta": "to", "a": "à", "de": "de", "del": "de", "desde": "de", "y": "and",
    "cada": "every", "todos": "every", "todas": "every", "mes": "month", "meses": "month",
    "semana": "week", "semanas": "week", "año": "year", "primer": "first", "primero": "first",
    "primera": "first", "último": "last", "última": "last", "ultimo": "last", "ultima": "last",
}
_REL_ES = {"hoy": 0, "mañana": 1, "manana": 1, "ayer": -1}
_TIMEWORDS_ES = {"mediodía": 12, "mediodia": 12, "medianoche": 0}

# Phrases rewritten before tokenizing, per language.
_PHRASES = {
    "en": [(re.compile(r"\b(?:to be (?:announced|determined|confirmed)|time tb[adc])\b", re.IGNORECASE), " tba "),
           (re.compile(r"\ball[\s-]day\b", re.IGNORECASE), " allday "),
           # "9 o'clock" is 9:00 (a time, also in a rule); "in the morning"/"evening" say am/pm
           (re.compile(r"\b(\d{1,2})\s*o['’]?\s?clock\s+in\s+the\s+morning\b", re.IGNORECASE), r" \1:00 am "),
           (re.compile(r"\b(\d{1,2})\s*o['’]?\s?clock\s+(?:in\s+the\s+(?:afternoon|evening)|at\s+night)\b",
                       re.IGNORECASE), r" \1:00 pm "),
           (re.compile(r"\b(\d{1,2})\s*o['’]?\s?clock\b", re.IGNORECASE), r" \1:00 "),
           (re.compile(r"\bo['’]?\s?clock\b", re.IGNORECASE), " ")],
    "fr": [(re.compile(r"\b(?:du matin)\b", re.IGNORECASE), " am "),
           (re.compile(r"(?:\bde l['’]après-midi|\bdu soir)\b", re.IGNORECASE), " pm "),
           (re.compile(r"\btoute la journée\b", re.IGNORECASE), " allday ")],
    "es": [(re.compile(r"\bde la (?:mañana|madrugada)\b", re.IGNORECASE), " am "),
           (re.compile(r"\bde la (?:tarde|noche)\b", re.IGNORECASE), " pm "),
           (re.compile(r"\btodo el día\b", re.IGNORECASE), " allday ")],
}


_GRAMMAR_LANGUAGES = ("en", "fr", "es")


def _unread(languages: tuple[str, ...]) -> bool:
    """Whether a language has no words in the grammar (its texts may need dateparser)."""
    return any(lang not in _GRAMMAR_LANGUAGES for lang in languages)
