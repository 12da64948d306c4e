"""What every extractor takes and returns: a Context in, an Extraction out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


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
