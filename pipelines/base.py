"""EventPipeline: the base of the pipelines, built from `now` and a stats collector.

Because a pipeline needs only these two, `eventhound extract` runs the very same classes
without a crawl (eventhound.extract.Tally stands in for Scrapy's stats).
"""

from __future__ import annotations

from datetime import datetime

from scrapy.exceptions import DropItem

from eventhound.clock import crawl_now


class EventPipeline:
    def __init__(self, now: datetime, stats):
        self.now = now
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawl_now(crawler.settings), crawler.stats)

    def drop(self, reason: str):
        """Count the reason as `eventhound/dropped/<reason>` and drop the item."""
        self.stats.inc_value(f"eventhound/dropped/{reason}")
        raise DropItem(reason)
