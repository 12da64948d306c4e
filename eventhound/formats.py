"""The publishing formats eventhound reads: for each, an extractor module and a spider of the same name.

An extractor module `eventhound/extractors/<format>.py` has `extract(text, url, context)`
(pure: returns an Extraction) and `looks_like(text)` (a cheap sniff of the content).
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

# In the order `detect_format` tries them: the most particular first; any HTML page last.
FORMATS: tuple[str, ...] = ("schemaorg",)


@cache
def extractor(name: str) -> ModuleType:
    return import_module(f"eventhound.extractors.{name}")


def detect_format(text: str) -> str:
    """The format of a page or feed, judged from its content."""
    for name in FORMATS:
        if extractor(name).looks_like(text):
            return name
    return FORMATS[-1]
