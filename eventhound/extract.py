"""What would be stored from one page: the extractor and every pipeline but the database."""

from __future__ import annotations

import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path

from scrapy.exceptions import DropItem
from scrapy.utils.misc import load_object

from eventhound import settings as project
from eventhound.extractors.base import Context, count_reasons
from eventhound.formats import detect_format, extractor
from eventhound.items import source_item
from eventhound.sources import Source


class Tally(Counter):
    """A stats collector for runs outside Scrapy: counts what the pipelines report."""

    def inc_value(self, key, count=1, start=0):
        self[key] += count

    def set_value(self, key, value):
        self[key] = value

    def max_value(self, key, value):
        self[key] = max(self.get(key, value), value)

    def get_value(self, key, default=None):
        return self.get(key, default)

    def get_stats(self):
        return dict(self)


def read_input(file_or_url: str, timeout: float = 30.0, max_bytes: int = project.DOWNLOAD_MAXSIZE) -> tuple[str, str]:
    """The text of a saved file or a fetched URL, and the URL it came from."""
    if file_or_url.startswith(("http://", "https://")):
        request = urllib.request.Request(file_or_url, headers={"User-Agent": project.USER_AGENT})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise ValueError(f"{file_or_url}: larger than {max_bytes} bytes")
            charset = response.headers.get_content_charset() or "utf-8"
            return body.decode(charset, errors="replace"), response.geturl()
    path = Path(file_or_url)
    return path.read_bytes().decode("utf-8", errors="replace"), path.resolve().as_uri()


def build_pipelines(now: datetime, stats) -> list:
    return [load_object(path)(now=now, stats=stats) for path in project.EXTRACT_PIPELINES]


EXPLAINED = ("title", "start", "event_type", "career_score", "type_reason")


def extract_events(
    text: str,
    url: str,
    source: Source,
    now: datetime,
    fmt: str | None = None,
    stats: Tally | None = None,
    explained: list | None = None,
) -> list[dict]:
    """The event records one page yields, through the same pipelines a crawl runs.

    `explained`, when given, gets every event's title, start, type, career score and reason,
    with `kept` and, for a dropped one, why (`dropped`)."""
    stats = stats if stats is not None else Tally()
    context = Context(now=now, timezone=source.timezone, options=source.options)
    extraction = extractor(fmt or detect_format(text)).extract(text, url, context)
    count_reasons(stats, extraction.errors)
    pipelines = build_pipelines(now, stats)
    records = []
    for raw in extraction.events:
        item = source_item(source, raw, url)
        try:
            for pipeline in pipelines:
                item = pipeline.process_item(item)
        except DropItem as drop:
            stats.inc_value("item_dropped_count")
            if explained is not None:
                explained.append({**{k: item.get(k) for k in EXPLAINED}, "kept": False, "dropped": str(drop)})
            continue
        records.append(item)
        if explained is not None:
            explained.append({**{k: item.get(k) for k in EXPLAINED}, "kept": True})
    return records
