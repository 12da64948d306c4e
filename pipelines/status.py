"""StatusPipeline: `status` (scheduled, cancelled, postponed, rescheduled, moved_online) and
`previous_start`; status words are removed from the title.

Reads, most trusted first:

1. `event_status` as published: schema.org eventStatus (full URL, "schema:" prefix or bare
   name, any case), iCalendar STATUS (CANCELLED, TENTATIVE, CONFIRMED), Google's
   "cancelled". A value that says anything but "scheduled" is final.
2. The title: a status word or phrase at its start or end, or in brackets ("CANCELLED -
   Spring Job Fair", "Spring Job Fair (Canceled)", "[POSTPONED] Fair", "Fair – postponed
   until further notice", "Fair - NEW DATE", "Fair (now virtual)"); that phrase is removed
   from the stored title (a title that would be left empty is kept). A status word in
   capitals in a mixed-case title ("Job Fair CANCELLED due to weather") sets the status
   but is not removed.
3. The date text (`time_text`, else `start_text`): a status word anywhere in it.
4. The description, least trusted: only explicit statements ("this event has been
   cancelled", "the fair is postponed", "has been moved online", "will now be held
   virtually", or a description that opens with "CANCELLED"). A sentence with a condition
   or a policy in it ("if", "in case", "in the event of", "may", "policy", "refund", ...)
   never counts, so "Cancellation policy: ..." cancels nothing.

previous_start: the raw `previous_start_text` (schema.org previousStartDate; the original
start of an iCalendar occurrence moved by a RECURRENCE-ID override) or, in a status
phrase of the title or date text, "from <date>", "was <date>", "originally <date>"; read
with eventhound.dates.parse_moment in the item's zone, written as local ISO 8601
(eventhound.dates.to_iso). A previous start that names another time than `start` makes
an event nothing else marked (still scheduled) `rescheduled`; one equal to `start` changes
nothing. Counts `eventhound/status/<status>` for every status but scheduled.
"""

from __future__ import annotations

import re
from datetime import datetime

from eventhound.dates import parse_moment, to_iso
from eventhound.dates.zones import DEFAULT_ZONE
from pipelines.base import EventPipeline
from pipelines.text import fold, folded, has_any, sentence_spans

STRUCTURED = {
    "eventcancelled": "cancelled",
    "eventpostponed": "postponed",
    "eventrescheduled": "rescheduled",
    "eventmovedonline": "moved_online",
    "eventscheduled": "scheduled",
    # iCalendar STATUS and Google Calendar status
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "confirmed": "scheduled",
    "tentative": "scheduled",
    "scheduled": "scheduled",
    "postponed": "postponed",
    "rescheduled": "rescheduled",
}

# A status phrase. Group names say which status; the tail ("until ...", "to ...", "from ...")
# belongs to the phrase and is removed from a title with it.
_WORDS = (
    r"(?P<cancelled>cancell?ed|cancelled|canceled)"
    r"|(?P<postponed>postponed)"
    r"|(?P<rescheduled>re-?scheduled|new\s+date|(?:date\s+)?changed\s+to\s+(?=(?:(?:mon|tues?|wednes|thu(?:rs)?|fri|satur|sun)(?:day)?"
    r"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?)\b|\d{1,2}/\d)\w[^()\[\]|:–—]*?)"
    r"|(?P<moved_online>moved\s+online|moving\s+online|now\s+(?:virtual|online)|going\s+virtual"
    r"|moved\s+to\s+(?:zoom|virtual|online))"
)
_TAIL = r"(?:\s*(?:until|till|to|for|from|:)\s+[^()\[\]]*?)?"
_TAIL_NO_COLON = r"(?:\s+(?:until|till|to|for|from)\s+[^()\[\]:|]*?)?"
_SEP = r"[-–—:|~*!/]"
_TITLE_BRACKET_PREFIX = re.compile(rf"(?i)^\s*[\[(*]+\s*(?:{_WORDS}){_TAIL}\s*[\])*]+\s*[-–—:|~]*\s*")
_TITLE_PREFIX = re.compile(rf"(?i)^\s*(?:{_WORDS}){_TAIL_NO_COLON}\s*[-–—:|~*!]+\s*")
_TITLE_CAPS_PREFIX = re.compile(
    r"^\s*(?:(?P<cancelled>CANCELL?ED|CANCELED)|(?P<postponed>POSTPONED)"
    r"|(?P<rescheduled>RESCHEDULED))\s+(?=\S)"
)
_TITLE_BRACKET = re.compile(rf"(?i)\s*[\[(]\s*(?:{_WORDS}){_TAIL}\s*[\])]\s*")
_TITLE_SUFFIX = re.compile(rf"(?i)\s*(?:{_SEP}+|\s)\s*\**\s*(?:{_WORDS}){_TAIL}\s*\**!?\s*$")
_CAPS = re.compile(
    r"\b(?:(?P<cancelled>CANCELL?ED|CANCELED)|(?P<postponed>POSTPONED)"
    r"|(?P<rescheduled>RESCHEDULED))\b"
)
_ANYWHERE = re.compile(rf"(?i)\b(?:{_WORDS})\b")

# Description: explicit statements only.
_STATEMENT = folded(
    r"\b(?:has|have|had)\s+(?:now\s+)?been\s+(?:(?P<cancelled>cancell?ed|canceled)|(?P<postponed>postponed)"
    r"|(?P<rescheduled>rescheduled)|(?P<moved_online>moved\s+(?:online|to\s+(?:an?\s+)?(?:virtual|online|zoom))))\b"
    r"|\b(?:event|fair|meeting|workshop|program|programme|class|luncheon|lunch|breakfast|session|webinar|"
    r"seminar|conference|expo|mixer|forum|summit|panel|training|orientation|gathering|tour)\s+(?:is|was)\s+"
    r"(?:now\s+)?(?:(?P<cancelled2>cancell?ed|canceled)|(?P<postponed2>postponed)|(?P<rescheduled2>rescheduled))\b"
    r"|\bwill\s+now\s+be\s+held\s+(?P<moved_online2>virtual(?:ly)?|online)\b"
    r"|\b(?:event|fair|meeting|workshop|program|class|luncheon|session|seminar|conference|expo|mixer|forum|summit"
    r"|panel|training|orientation|gathering|it|this)\s+(?:is|will)\s+now\s+(?:be\s+)?(?:a\s+)?"
    r"(?P<moved_online3>virtual|online)\b"
)
# Every statement holds one of these (lower-cased): the status word, or "now" and the mode.
_STATEMENT_WORDS = ("cancel", "postpon", "reschedul", "moved")
_STATEMENT_ANCHORS = _STATEMENT_WORDS + ("virtual", "online")
_OPENS = re.compile(rf"(?i)^\W*(?:update\s*:\s*)?(?:{_WORDS})\b(?!\s+(?:policy|polic|event|events|registrations?))")
_CONDITION = folded(
    r"\b(?:if|in\s+case|in\s+the\s+event|should|may|might|could|unless|whether|policy|policies|refunds?|"
    r"cancellations?|weather\s+permitting|inclement|subject\s+to|reserves?\s+the\s+right|possible|possibly)\b"
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_PREVIOUS = re.compile(
    r"(?i)\b(?:(?:re-?scheduled|moved|postponed|changed)\s+from|was|were|originally(?:\s+scheduled)?(?:\s+(?:for|on))?|previously"
    r"(?:\s+scheduled)?(?:\s+(?:for|on))?)\s+(?P<date>[^()\[\];]+)"
)


_HINTS = ("cancel", "postpon", "schedul", "new date", "online", "virtual", "changed to")


def _hint(text: str) -> bool:
    """Whether the text may hold a status word at all (a cheap test before the regexes)."""
    return has_any(text.lower(), _HINTS)


def _name(value) -> str | None:
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return None
    return re.split(r"[/:#]", value.strip().rstrip("/"))[-1].strip().lower()


def _which(match: re.Match) -> str:
    for name, value in match.groupdict().items():
        if value and name != "date":
            return name.rstrip("0123456789")
    return "scheduled"


def title_status(title: str) -> tuple[str | None, str, str | None]:
    """(status or None, the title without the status phrase, the phrase)."""
    for pattern in (_TITLE_BRACKET_PREFIX, _TITLE_PREFIX, _TITLE_CAPS_PREFIX, _TITLE_SUFFIX, _TITLE_BRACKET):
        match = pattern.search(title)
        if match:
            rest = (
                (title[: match.start()] + " " + title[match.end() :]).strip()
                if pattern is _TITLE_BRACKET
                else (title[: match.start()] + title[match.end() :]).strip()
            )
            rest = re.sub(rf"^(?:{_SEP}|\s)+|(?:\s|[-–—:|~/])+$", "", rest)
            rest = " ".join(rest.split())
            return _which(match), (rest or title), match.group()
    match = _ANYWHERE.fullmatch(title.strip(" *!-–—[]()"))
    if match:
        return _which(match), title, None
    if not title.isupper():
        match = _CAPS.search(title)
        if match:
            return _which(match), title, None
    return None, title, None


def text_status(text: str) -> tuple[str | None, str | None]:
    match = _ANYWHERE.search(text)
    return (_which(match), text[match.start() :]) if match else (None, None)


def description_status(text: str) -> str | None:
    if not text:
        return None
    lower = fold(text)
    head = text[:300]
    match = _OPENS.match(head)
    if match:
        sentence = _SENTENCE.split(lower[:300], maxsplit=1)[0]
        if not _CONDITION.search(sentence):
            return _which(match)
    if not (has_any(lower, _STATEMENT_WORDS) or ("now" in lower and has_any(lower, ("virtual", "online")))):
        return None
    for start, end in sentence_spans(lower, _STATEMENT_ANCHORS):
        for match in _STATEMENT.finditer(lower, start, end):
            line_start = lower.rfind("\n", start, match.start()) + 1 or start
            line_end = lower.find("\n", match.end(), end)
            if not _CONDITION.search(lower, line_start, line_end if line_end >= 0 else end):
                return _which(match)
    return None


def _moved(previous: str, start) -> bool:
    """Whether a previous start (local ISO 8601) names another time than the start.

    Two datetimes compare as instants (wall times when one is floating), a date and a
    datetime by their days.
    """
    try:
        a, b = datetime.fromisoformat(previous), datetime.fromisoformat(start)
    except (TypeError, ValueError):
        return False
    if len(previous) <= 10 or len(start) <= 10:
        return a.date() != b.date()
    if (a.tzinfo is None) != (b.tzinfo is None):
        a, b = a.replace(tzinfo=None), b.replace(tzinfo=None)
    return a != b


class StatusPipeline(EventPipeline):
    def _moment(self, text, tz: str) -> str | None:
        if isinstance(text, (list, tuple)):
            text = next((t for t in text if isinstance(t, str) and t.strip()), None)
        if not isinstance(text, str) or not text.strip():
            return None
        moment = parse_moment(" ".join(text.split()), tz, self.now)
        return to_iso(moment.value) if moment is not None else None

    def process_item(self, item):
        tz = item.get("timezone") or DEFAULT_ZONE
        status = STRUCTURED.get(_name(item.get("event_status")), "scheduled")
        phrases = []

        title = item.get("title")
        if isinstance(title, str) and title and _hint(title):
            found, stripped, phrase = title_status(title)
            if stripped != title:
                item["title"] = stripped
            if found and status == "scheduled":
                status = found
            if phrase:
                phrases.append(phrase)

        date_text = item.get("time_text") or item.get("start_text")
        if isinstance(date_text, str) and date_text and _hint(date_text):
            found, phrase = text_status(date_text)
            if found and status == "scheduled":
                status = found
            if phrase:
                phrases.append(date_text)

        if status == "scheduled":
            description = item.get("description")
            if isinstance(description, str):  # description_status looks for its words first
                status = description_status(description) or status

        previous = self._moment(item.get("previous_start_text"), tz)
        if previous is None:
            for phrase in phrases:
                match = _PREVIOUS.search(phrase)
                if match:
                    previous = self._moment(match.group("date").strip(" -–—:*!"), tz)
                    if previous is not None:
                        break
        if previous is not None:
            item["previous_start"] = previous
            if status == "scheduled" and _moved(previous, item.get("start")):
                status = "rescheduled"
        item["status"] = status
        if status != "scheduled":
            self.stats.inc_value(f"eventhound/status/{status}")
        return item
