"""EventPipeline: the base of the pipelines, built from `now` and a stats collector.

Because a pipeline needs only these two, `eventhound extract` runs the very same classes
without a crawl (eventhound.extract.Tally stands in for Scrapy's stats).

With the setting EVENTHOUND_TIME_PIPELINES each pipeline adds the seconds its
process_item took to the stat `eventhound/seconds/<class name>` (benchmarks/crawl.py
reads them to say what share of a crawl each step costs).
"""

from __future__ import annotations

import time
from datetime import datetime

from scrapy.exceptions import DropItem

from eventhound.clock import crawl_now


class EventPipeline:
    def __init__(self, now: datetime, stats):
        self.now = now
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawl_now(crawler.settings), crawler.stats, **cls.options(crawler.settings))
        if crawler.settings.getbool("EVENTHOUND_TIME_PIPELINES"):
            pipeline.process_item = _timed(pipeline.process_item, crawler.stats, f"eventhound/seconds/{cls.__name__}")
        return pipeline

    @classmethod
    def options(cls, settings) -> dict:
        """Keyword arguments of the constructor taken from Scrapy settings (none by default)."""
        return {}

    def drop(self, reason: str):
        """Count the reason as `eventhound/dropped/<reason>` and drop the item."""
        self.stats.inc_value(f"eventhound/dropped/{reason}")
        raise DropItem(reason)


def _timed(process_item, stats, key: str):
    clock = time.perf_counter

    def timed_process_item(item):
        started = clock()
        try:
            return process_item(item)
        finally:
            stats.inc_value(key, clock() - started, start=0.0)

    return timed_process_item
