"""The publishing formats eventhound reads: for each, an extractor module and a spider of the same name.

An extractor module `eventhound/extractors/<format>.py` has `extract(text, url, context)`
(pure: returns an Extraction) and `looks_like(text)` (a cheap sniff of the content).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

# The order `detect_format` tries them in: the most particular first; any HTML page last.
DETECTION_ORDER = ("ical", "gcal", "tribe", "localist", "engage", "trumba", "libcal", "communico", "bibliocommons",
                   "livewhale", "vtools", "luma", "growthzone", "wildapricot", "eventbrite", "meetup", "civicplus",
                   "eventon", "mec", "eventsmanager", "drupal", "confdata", "rss", "schemaorg", "css")
FORMATS: tuple[str, ...] = tuple(
    name for name in DETECTION_ORDER if find_spec(f"eventhound.extractors.{name}") is not None
)


@cache
def extractor(name: str) -> ModuleType:
    return import_module(f"eventhound.extractors.{name}")


def detect_format(text: str) -> str:
    """The format of a page or feed, judged from its content; any other page is read as schema.org."""
    for name in FORMATS:
        if extractor(name).looks_like(text):
            return name
    return "schemaorg"
