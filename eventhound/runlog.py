"""RunLog: a Scrapy extension that writes one `runs` row per crawl of a source.

Listed in settings EXTENSIONS. It reads the database path from EVENTHOUND_DB and the
counts from the crawl's stats. In Scrapy 2.19 `spider_closed` is sent before the stats
collector records `finish_reason`, so the reason comes from the signal itself. The item
pipelines (StorePipeline) are closed before the signal, so the run row is written after
the crawl's events are.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from scrapy import signals

from eventhound import db as database
from eventhound.clock import crawl_now


def extract_count(stats: dict, kind: str) -> int:
    """The extractors' reason codes of one kind, "errors" or "warnings" (eventhound.extractors.base)."""
    prefix = f"eventhound/extract_{kind}/"
    return sum(v for k, v in stats.items() if k.startswith(prefix))


def error_count(stats: dict) -> int:
    """Failed downloads (also those answered from the kept copy), unreadable markup blocks
    and exceptions in spider code."""
    return (
        stats.get("eventhound/fetch_errors", 0)
        + stats.get("httpcache/errorrecovery", 0)
        + extract_count(stats, "errors")
        + stats.get("spider_exceptions/count", 0)
    )


def last_error(stats: dict) -> str | None:
    """The last fetch failure in words; a download that failed and was answered from the copy
    kept from the last visit says so."""
    if stats.get("eventhound/last_error"):
        return stats["eventhound/last_error"]
    if stats.get("httpcache/errorrecovery"):
        return f"{stats.get('eventhound/last_download_fault', 'a download failed')}; read the copy kept from the last visit"
    return None


def warning_count(stats: dict) -> int:
    """Repairs that lost nothing (reason codes ending in `_repaired`)."""
    return extract_count(stats, "warnings")


def dropped_reasons(stats: dict) -> dict[str, int]:
    """Why events were dropped (the pipelines' `eventhound/dropped/<reason>` counts)."""
    prefix = "eventhound/dropped/"
    return {k[len(prefix) :]: v for k, v in stats.items() if k.startswith(prefix)}


def run_row(source_key: str, stats: dict, started: str, finished: str, reason: str) -> dict:
    """The `runs` row for one crawl, from its Scrapy stats."""
    return {
        "source": source_key,
        "started": started,
        "finished": finished,
        "pages": stats.get("response_received_count", 0),
        "items": stats.get("item_scraped_count", 0),
        "dropped": stats.get("item_dropped_count", 0),
        "errors": error_count(stats),
        "warnings": warning_count(stats),
        "finish_reason": reason,
        "error": last_error(stats),
        "dropped_reasons": json.dumps(dropped_reasons(stats), sort_keys=True),
    }


def complete(stats: dict, reason: str) -> bool:
    """A crawl that read its whole source: finished, nothing failed to fetch or to read, events."""
    return (
        reason == "finished"
        and stats.get("item_scraped_count", 0) > 0
        and error_count(stats) == 0
        and not stats.get("eventhound/fetch_errors")
        and not stats.get("eventhound/start_errors")
    )


class RunLog:
    def __init__(self, db_path: str, stats, seen_at: str | None = None):
        self.db_path = db_path
        self.stats = stats
        self.seen_at = seen_at  # the crawl's `now`, as StorePipeline stamps last_seen
        self.started: str | None = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.settings.get("EVENTHOUND_DB"), crawler.stats, database.iso_utc(crawl_now(crawler.settings)))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.started = database.iso_utc(datetime.now(UTC))

    def spider_closed(self, spider, reason):
        finished = database.iso_utc(datetime.now(UTC))
        source = getattr(spider, "source", None)
        removed = record_crawl(
            self.db_path,
            source,
            spider.name,
            self.stats.get_stats(),
            self.started or finished,
            finished,
            reason,
            self.seen_at,
        )
        if removed:
            spider.logger.info("%s: %d events no longer listed, marked removed", source.key, removed)


def record_crawl(
    db_path: str, source, spider_name: str, stats: dict, started: str, finished: str, reason: str, seen_at: str | None
) -> int:
    """After one source's crawl (here or on a Scrapyd node): its `runs` row, and, when the crawl
    was complete, a miss for each upcoming event it no longer lists. Returns how many events
    that marked removed."""
    key = source.key if source is not None else spider_name
    db = database.open_db(db_path)
    try:
        if source is not None:
            database.save_sources(db, [source])
        database.record_run(db, run_row(key, stats, started, finished, reason))
        if source is not None and seen_at and complete(stats, reason):
            return database.mark_missing(db, key, seen_at)
        return 0
    finally:
        db.close()
