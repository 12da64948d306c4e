"""AttendancePipeline: `attendance` (in_person, online, hybrid or None) and `online_url`.

Reads:

- `attendance_mode`: schema.org eventAttendanceMode (full URL or bare name): Online and
  Mixed are taken as published. Offline is the default many calendar plugins write, so
  it yields to what the event says (an online link or words with no place -> online;
  with a place -> hybrid).
- `online_url` (the schemaorg extractor's VirtualLocation, iCalendar CONFERENCE, Google's
  hangoutLink); without one, the first meeting link (Zoom, Microsoft Teams, Google Meet,
  Webex, GoToMeeting) in the location fields, the description, or the hrefs of the links
  their HTML held (`_links`, kept by ValidatePipeline: "<a href=...zoom.us/j/...>Join
  here</a>") becomes `online_url`. A link to any other page is not an online sign.
- Words: "hybrid", "in person or online" (and the like) -> hybrid; an online marker in the
  title ("Virtual Job Fair", "Webinar", "(Online)", "via Zoom") or a location that is only
  an online marker ("Online", "Zoom", "Virtual") -> online; explicit phrases in the
  description ("via Zoom", "held virtually", "online event", "join us online",
  "webinar") -> online. Words that are about applying or registering online, virtual
  reality and the like never count.
- `status` moved_online (StatusPipeline), or a description that says the event moved online
  ("has been moved online", "will now be held virtually") whatever the status -> online.

A physical place is a venue name, street, city or postal code that is not an online
marker, or coordinates. Decision: hybrid words -> hybrid; structured Online/Mixed as
published; an online signal from the title or location, or moved_online -> online; an
online link or description words with a place -> hybrid, without one -> online; a place
alone -> in_person; nothing -> None. An online event keeps no coordinates (they would be
the organizer's office): `latitude`/`longitude` are cleared.
"""

from __future__ import annotations

import re

from pipelines.base import EventPipeline
from pipelines.status import description_status
from pipelines.text import fold, folded, has_any, sentence_spans

MODES = {
    "offlineeventattendancemode": "in_person",
    "onlineeventattendancemode": "online",
    "mixedeventattendancemode": "hybrid",
    "offline": "in_person",
    "online": "online",
    "mixed": "hybrid",
}
PLACE_FIELDS = ("venue_name", "street", "city", "postal_code")

_MEETING_HOST = (
    r"(?:[\w-]+\.)*(?:zoom\.us|zoomgov\.com|teams\.microsoft\.com|teams\.live\.com|meet\.google\.com"
    r"|webex\.com|gotomeeting\.com|meet\.goto\.com|gotomeet\.me|whereby\.com|meet\.jit\.si)"
)
_MEETING_LINK = re.compile(rf"(?i)\b(?:https?://)?{_MEETING_HOST}/[^\s<>\"'()\[\]]*")
_ONLINE_PLACE = re.compile(
    r"(?i)^\W*(?:online|virtual|virtually|zoom|webinar|web\s*ex|webex|microsoft\s+teams|ms\s+teams|teams|google\s+meet"
    r"|gotomeeting|go\s*to\s*meeting|live\s*stream|internet|web|remote|on\s*line)"
    r"(?:\s+(?:only|event|meeting|webinar|session|call|link|platform|location))?(?:\s*\(?(?:link|details)[^)]*\)?)?\W*$"
)
_HYBRID = folded(
    r"\bhybrid\s+(?:event|meeting|format|session|workshop|fair|conference|program|class|gathering)\b"
    r"|\b(?:this\s+(?:is\s+a|event\s+is)\s+hybrid)\b|^\W*hybrid\W*$|[(\[]\s*hybrid\s*[)\]]|[-–—|:]\s*hybrid\s*$"
)
# "in person or online": searched only in the sentences that say "person" (pipelines.text)
_IN_PERSON_AND_ONLINE = folded(
    r"\bin[-\s]person\s+(?:or|and|&|/|\+)\s+(?:online|virtual(?:ly)?|via\s+zoom|on\s+zoom|remote(?:ly)?)\b"
    r"|\b(?:online|virtual(?:ly)?|remote(?:ly)?|via\s+zoom)\s+(?:or|and|&|/|\+)\s+in[-\s]person\b"
    r"|\bboth\s+in[-\s]person\s+and\s+(?:online|virtual(?:ly)?)\b"
)
_NOT_ONLINE = r"(?!\s+(?:reality|assistants?|machines?|tours?\s+of\s+the\s+|private\s+network|memory|banking|application|registration|applications|marketing|presence|safety|sales|store|business))"
_TITLE_ONLINE = re.compile(
    rf"(?i)\b(?:virtual|online){_NOT_ONLINE}\s+(?:[\w&'-]+\s+){{0,3}}?(?:event|job\s+fair|career\s+fair|fair|expo|session"
    r"|info(?:rmation)?\s+session|workshop|meeting|meetup|networking|class|course|panel|seminar|training|conference"
    r"|summit|orientation|hiring\s+event|open\s+house|lunch|coffee|happy\s+hour|forum|chat|series|clinic|hour|bootcamp|boot\s+camp)s?\b"
    r"|\bwebinars?\b|\bvia\s+(?:zoom|teams|webex|google\s+meet)\b|\bon\s+zoom\b|\bzoom\s+(?:meeting|session|webinar)\b"
    r"|[(\[]\s*(?:virtual|online|zoom|webinar)(?:\s+(?:only|event))?\s*[)\]]"
    r"|[-–—|:]\s*(?:virtual|online|zoom)(?:\s+(?:only|event))?\s*$|^\s*(?:virtual|online)\s*[-–—|:]"
)
_DESCRIPTION_ONLINE = folded(
    r"\b(?:via|on|using|over|through)\s+(?:zoom|microsoft\s+teams|ms\s+teams|teams|webex|google\s+meet|gotomeeting)\b"
    r"|\bzoom\s+(?:link|meeting|webinar|session|call)\b|\b(?:held|hosted|offered|conducted|presented|delivered)\s+"
    r"(?:virtually|online|remotely|via\s+zoom)\b|\b(?:virtual|online)\s+(?:event|job\s+fair|career\s+fair|meeting|session"
    r"|workshop|webinar|networking|conference)\b|\bjoin\s+(?:us\s+)?(?:virtually|online|remotely)\b"
    r"|\battend\s+(?:virtually|online|remotely)\b|\bwebinar\b|\blive[-\s]?stream(?:ed)?\b"
    r"|\b(?:meeting|zoom|join(?:ing)?|webinar|access)\s+link\s+will\s+be\s+(?:sent|emailed|provided|shared)\b"
    r"|\bthis\s+(?:is\s+an?\s+|event\s+is\s+(?:an?\s+)?)(?:virtual|online)(?:\s+only)?\b"
)
_APPLY_ONLINE = folded(
    r"\b(?:apply|register|registration|sign\s+up|rsvp|buy|purchase|book|tickets?)\s+"
    r"(?:is\s+|are\s+)?(?:available\s+)?online\b"
)


def _mode(value) -> str | None:
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return None
    return MODES.get(re.split(r"[/:#]", value.strip().rstrip("/"))[-1].strip().lower())


# The lower-cased words every match of a pattern holds one of: the pattern is searched only
# in texts (or, where it cannot span a sentence end, sentences) that hold one (pipelines.text).
_HOSTS = (
    "zoom.us",
    "zoomgov.com",
    "teams.microsoft.com",
    "teams.live.com",
    "meet.google.com",
    "webex.com",
    "gotomeeting.com",
    "meet.goto.com",
    "gotomeet.me",
    "whereby.com",
    "meet.jit.si",
)
# what every "moved online" statement holds (pipelines.status)
_MOVED_WORDS = ("mov", "now", "going")
_ONLINE_WORDS = (
    "zoom",
    "teams",
    "webex",
    "google",
    "gotomeeting",
    "virtual",
    "online",
    "remote",
    "webinar",
    "stream",
    "link",
)


def meeting_link(*texts) -> str | None:
    """The first Zoom/Teams/Meet/Webex/GoToMeeting link in the texts, as an https URL."""
    texts = [text for text in texts if isinstance(text, str)]
    if not has_any("\n".join(texts).lower(), _HOSTS):  # most events: one look at all the texts
        return None
    for text in texts:
        match = _MEETING_LINK.search(text)
        if match:
            url = match.group().rstrip(".,;:!?")
            if not url.lower().startswith(("http://", "https://")):
                url = "https://" + url
            return url
    return None


def says_hybrid(text: str) -> bool:
    """ "Hybrid event", "(Hybrid)", "in person or online" and the like."""
    lower = fold(text)
    if "hybrid" in lower and _HYBRID.search(lower):
        return True
    return (
        "person" in lower
        and has_any(lower, ("online", "virtual", "remote", "zoom"))
        and any(_IN_PERSON_AND_ONLINE.search(lower, start, end) for start, end in sentence_spans(lower, ("person",)))
    )


def says_online(lower: str) -> bool:
    """Whether a (folded) description says the event is online ("via Zoom", "held virtually",
    "webinar"), not counting words about applying or registering online."""
    return any(
        _DESCRIPTION_ONLINE.search(_APPLY_ONLINE.sub(" ", lower[start:end]))
        for start, end in sentence_spans(lower, _ONLINE_WORDS)
    )


def _has_coordinates(item) -> bool:
    return item.get("latitude") not in (None, "") and item.get("longitude") not in (None, "")


class AttendancePipeline(EventPipeline):
    def process_item(self, item):
        mode = _mode(item.get("attendance_mode"))
        title = item.get("title") if isinstance(item.get("title"), str) else ""
        description = item.get("description") if isinstance(item.get("description"), str) else ""
        places = [item.get(k) for k in PLACE_FIELDS if isinstance(item.get(k), str) and item.get(k).strip()]
        links = item.get("_links")
        links = [link for link in links if isinstance(link, str)] if isinstance(links, (list, tuple)) else []
        # one look at all the texts for what few events have: meeting hosts, "hybrid", "person"
        everything = fold("\n".join([title, description, *places, *links]))
        any_link = has_any(everything, _HOSTS)
        online_places = [p for p in places if _ONLINE_PLACE.match(p) or (any_link and meeting_link(p))]
        online_place = bool(online_places) and any(_ONLINE_PLACE.match(p) for p in online_places)
        physical = len(online_places) < len(places) or (_has_coordinates(item) and not online_place)

        online_url = item.get("online_url") or (any_link and meeting_link(*places, description, *links)) or None
        if online_url and not item.get("online_url"):
            item["online_url"] = online_url
            self.stats.inc_value("eventhound/attendance/link_found")

        lower = fold(description)
        online_words = has_any(lower, _ONLINE_WORDS)
        if mode == "hybrid" or (
            ("hybrid" in everything or "person" in everything)
            and any(says_hybrid(text) for text in (title, description, *places))
        ):
            attendance = "hybrid"
        elif mode == "online":
            attendance = "online"
        elif (
            online_place
            or (has_any(title.lower(), _ONLINE_WORDS) and _TITLE_ONLINE.search(title))
            or item.get("status") == "moved_online"
            or (online_words and has_any(lower, _MOVED_WORDS) and description_status(description) == "moved_online")
        ):
            attendance = "online"
        elif online_url or (online_words and says_online(lower)):
            attendance = "hybrid" if physical else "online"
        elif physical or mode == "in_person":
            attendance = "in_person"
        else:
            attendance = None

        if attendance == "online" and (item.get("latitude") is not None or item.get("longitude") is not None):
            item["latitude"] = item["longitude"] = None
        item["attendance"] = attendance
        return item
