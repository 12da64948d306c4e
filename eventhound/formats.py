"""The publishing formats eventhound reads: the modules of eventhound/extractors/.

Every module there but the shared helpers (`HELPERS`) is a format. It declares `NAME` (its
own module name), `DETECTION` (its place in `detect_format`, lower tried first: the most
particular formats first, schema.org and css last), `OPTIONS` (its `[sources.KEY.<format>]`
table, name -> `eventhound.extractors.base.Option`), `looks_like(text)` (a cheap sniff of the
content) and `extract(text, url, context)` (pure: returns an Extraction); `spiders/<name>.py`
holds its spider, named the same. tests/test_formats.py checks every part of it.

`NAMES` lists the formats without importing them: every command reads it at start, and
importing all the extractors costs about 0.2 s. `FORMATS`, the same names in detection
order, imports them on first use.
"""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module
from types import ModuleType

from eventhound import extractors

HELPERS = frozenset({"base", "platform"})  # modules of eventhound/extractors/ that are shared code, not formats
NAMES: tuple[str, ...] = tuple(
    sorted(
        module.name
        for module in pkgutil.iter_modules(extractors.__path__)
        if module.name not in HELPERS and not module.name.startswith("_")
    )
)


@cache
def extractor(name: str) -> ModuleType:
    return import_module(f"eventhound.extractors.{name}")


@cache
def detection_order() -> tuple[str, ...]:
    """Every format, in the order `detect_format` tries them (by each module's DETECTION)."""
    return tuple(sorted(NAMES, key=lambda name: extractor(name).DETECTION))


def __getattr__(name: str):
    if name == "FORMATS":  # built on first use: it imports every extractor
        return detection_order()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def detect_format(text: str) -> str:
    """The format of a page or feed, judged from its content; any other page is read as schema.org."""
    for name in detection_order():
        if extractor(name).looks_like(text):
            return name
    return "schemaorg"
