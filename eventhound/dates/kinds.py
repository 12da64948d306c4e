"""The kinds of token the tokenizer gives the grammar (a token's `kind`; its `val` as said here)."""

WORD = "word"  # a word the lexicon does not know: its lower case (also a time that is no time: "25:00")
NUMBER = "num"  # a plain number: (value, digits written)
TIME = "time"  # a clock time (6:30, 6pm, 6 p.m., 18h, noon): a _Time
DOTTED_TIME = "hdot"  # "14.12": a time after a date ("29.02.2020 13.12"), else nothing: a _Time
ORDINAL = "ord"  # "3rd", "third", "1er", "1º": the number
YMD = "date"  # a year-first date (2027-03-04, 2027/03/04): (y, m, d, None)
NUMERIC_DATE = "nd"  # a day and month in either order, maybe a year (03/04/2027, 29.02.2020, 3/4):
#                      (first number, second number, year text or None, "/" or ".")
DAY_MONTH = "dmon"  # a day and an English month name joined by "-" or "/" (20-aug, aug-20, 4/Mar/2027):
#                     (day, month, year text or None)
ISO_DATETIME = "isodt"  # an ISO 8601 date-time inside a text (2027-03-04T18:30-05:00): the text
COUNT = "cnt"  # "3x", "3 x": how many times
OFFSET = "off"  # a UTC offset (-05:00, +0100, GMT+2) or a dash and a number it may be: the text
DASH = "sep"  # a range dash (-, –, —, ~): "-"
PUNCT = "p"  # punctuation (, ; @ / ( ) [ ] : & + |): the character
KEYWORD = "kw"  # a word the grammar reads (to, and, every, of, ...): its meaning, e.g. "until" -> "to"
MONTH = "month"  # a month name: 1..12
WEEKDAY = "wday"  # a weekday name: (0..6 from Monday, whether plural: "Tuesdays")
RELATIVE_DAY = "rel"  # today, tomorrow, demain, ayer: days from today
TBA = "vague"  # TBA, TBD, "to be announced": None
ALL_DAY = "allday"  # "all day", "toute la journée": None
ZONE_NAME = "zone"  # a zone name (EST, Pacific): its lower case; counts only right after a time
MERIDIEM = "mer"  # am / pm as a word of its own: "a" or "p" (joined to the time before it)
TIME_WORD = "tword"  # in the lexicon only: noon, midnight, midi (the tokenizer makes it a TIME)
