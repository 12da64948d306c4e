"""Run a crawl of many sources in one Scrapy process and judge each source's result."""

from __future__ import annotations

import gc
import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from eventhound.httpcache import cache_dir
from eventhound.runlog import extract_count, last_error, run_row
from eventhound.sources import Source


@dataclass
class SourceResult:
    key: str
    pages: int
    events: int
    dropped: int
    errors: int
    warnings: int  # repairs that lost nothing
    unchanged: int  # pages the publisher answered 304 Not Modified (read from the kept copy)
    finish_reason: str
    seconds: float  # from the spider's opening to its closing
    problem: str | None  # why the source failed, None when it succeeded

    @property
    def ok(self) -> bool:
        return self.problem is None


def project_settings(overrides: dict | None = None) -> Settings:
    """eventhound.settings with `-s NAME=VALUE` overrides on top, as `scrapy crawl` does."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "eventhound.settings")
    settings = Settings()
    settings.setmodule("eventhound.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def unreadable(stats: dict, most: int = 3) -> str:
    """What could not be read, by reason code, most first: "localist_not_events 1, event_without_start 24"."""
    prefix = "eventhound/extract_errors/"
    codes = sorted(((n, k[len(prefix) :]) for k, n in stats.items() if k.startswith(prefix)), reverse=True)
    return ", ".join(f"{code} {n}" for n, code in codes[:most])


def judge(key: str, stats: dict) -> SourceResult:
    """A source failed when a start URL could not be fetched, it yielded no event, or its crawl broke off."""
    reason = stats.get("finish_reason", "unknown")
    events = stats.get("item_scraped_count", 0)
    extract_errors = extract_count(stats, "errors")
    row = run_row(key, stats, "", "", reason)
    problem = None
    if stats.get("eventhound/start_errors"):
        problem = f"could not fetch {stats.get('eventhound/last_error', 'a start URL')}"
    elif stats.get("httpcache/errorrecovery"):
        problem = f"could not fetch {last_error(stats)}"
    elif reason != "finished":
        problem = f"crawl ended early: {reason}"
    elif events == 0:
        problem = "no events found" + (f" ({extract_errors} unreadable: {unreadable(stats)})" if extract_errors else "")
    return SourceResult(
        key=key,
        pages=row["pages"],
        events=events,
        dropped=row["dropped"],
        errors=row["errors"],
        warnings=row["warnings"],
        unchanged=stats.get("httpcache/revalidate", 0),
        finish_reason=reason,
        seconds=stats.get("elapsed_time_seconds", 0.0),
        problem=problem,
    )


def run_crawl(sources: list[Source], db_path: str, now: datetime, overrides: dict | None = None) -> list[SourceResult]:
    """Crawl every source into db_path at once; returns one result per source, in order."""
    settings = project_settings(overrides)
    settings.set("EVENTHOUND_DB", str(db_path), priority="cmdline")
    settings.set("EVENTHOUND_NOW", now.isoformat(), priority="cmdline")
    settings.set("EVENTHOUND_INDEX_EACH_SOURCE", False, priority="cmdline")  # once, after all: report_results
    settings.set("HTTPCACHE_DIR", str(cache_dir(db_path)), priority="project")  # -s HTTPCACHE_DIR wins
    process = CrawlerProcess(settings)
    # Scrapy leaves the root logger at NOTSET and filters in its handler, so every DEBUG
    # line ("Crawled", "Scraped from") is built and then thrown away: two per page.
    logging.getLogger().setLevel(settings.get("LOG_LEVEL"))
    # A source whose robots.txt cannot be fetched is reported once, by the spider's own
    # fetch error, not also by a traceback per robots.txt attempt.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    crawlers = []
    for source in sources:
        crawler = process.create_crawler(process.spider_loader.load(source.spider))
        process.crawl(crawler, source=source)
        crawlers.append((source.key, crawler))
    with tuned_gc():
        process.start()
    return [judge(key, crawler.stats.get_stats()) for key, crawler in crawlers]


@contextmanager
def tuned_gc(young: int = 10_000):
    """Python's collector tuned for a crawl, restored afterwards.

    With the defaults (a young-generation pass every 700 allocations, every pass walking
    whatever survived earlier ones) a crawl spent about a tenth of its CPU collecting:
    measured in benchmarks/crawl.py. What is alive when the crawl starts (modules, settings,
    rules, spiders) is frozen out of collection, and young passes run every `young`
    allocations; the garbage of a page is still collected within the page or the next.
    """
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young, before[1], before[2])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
