"""What every extractor takes and returns: a Context in, an Extraction out.

Reason codes (``Extraction.errors``) name what an extractor could not read as published;
each extractor's module docstring lists its own. A code whose name ends in ``_repaired``
(``REPAIRED_SUFFIX``) is a repair that lost nothing, such as the iCalendar extractor's
``ical_folding_repaired``: it is counted as a warning (``eventhound/extract_warnings/<code>``,
the `warnings` of a run). Every other code is an error, something lost or unreadable
(``eventhound/extract_errors/<code>``, counted in a run's `errors`). A new repair code must
end in ``_repaired``; nothing else may.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

REPAIRED_SUFFIX = "_repaired"


@dataclass(frozen=True)
class Context:
    """What an extractor may know besides the text and its URL; never the clock itself."""

    now: datetime = datetime(1970, 1, 1, tzinfo=timezone.utc)  # the crawl's start
    timezone: str = "UTC"  # the source's IANA zone, for floating times
    options: Mapping[str, Any] = field(default_factory=dict)  # the source's [sources.KEY.<format>] table


@dataclass
class Extraction:
    events: list[dict] = field(default_factory=list)  # raw events (docs/architecture.md)
    follow: list[str] = field(default_factory=list)  # event pages to fetch (listed without a date)
    next_page: str | None = None  # the listing's next page
    errors: list[str] = field(default_factory=list)  # reason codes for what could not be read


def is_repair(code: str) -> bool:
    """Whether a reason code is a repair that lost nothing (its name ends in ``_repaired``)."""
    return code.endswith(REPAIRED_SUFFIX)


def count_reasons(stats, codes) -> None:
    """Count reason codes into stats (anything with ``inc_value``): repairs as warnings, the rest as errors."""
    for code in codes:
        kind = "warnings" if is_repair(code) else "errors"
        stats.inc_value(f"eventhound/extract_{kind}/{code}")
