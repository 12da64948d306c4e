"""StorePipeline: the last step, buffering a crawl's event records and upserting them.

Atomicity: the records of one crawl (one source) are written at close_spider in ONE
transaction, so a crawl that is killed leaves the database as it was: either all of a
source's events from this crawl are in, or none are.

Memory bound: when the buffer passes MAX_BUFFER (10,000) records it is written in a
transaction of its own and emptied, and the crawl goes on. Only a source that yields
more than that per crawl can therefore be left partly loaded by a kill (each flushed
batch is whole; later batches are missing). The search index is rebuilt when the source
ends (`scrapy crawl` of one source), except in `eventhound crawl`, which sets
EVENTHOUND_INDEX_EACH_SOURCE off and rebuilds it once after every source is stored
(eventhound.cli.report_results): a rebuild reads the whole table, 3.5 s at 115,000 events,
which per source would cost hours a night at 10,000 sources (benchmarks/growth.py).
"""

from __future__ import annotations

from datetime import datetime

from eventhound import db as database
from eventhound.clock import crawl_now


class StorePipeline:
    MAX_BUFFER = 10_000

    def __init__(self, db_path: str, now: datetime, stats, index_at_close: bool = True):
        self.db_path = db_path
        self.index_at_close = index_at_close  # rebuild the search index when the source ends
        self.seen_at = database.iso_utc(now)
        self.stats = stats
        # id -> record: within one crawl the same id is stored once, the last one wins.
        self.buffer: dict[str, dict] = {}
        self.stored_ids: set[str] = set()  # ids written by earlier flushes of this crawl

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            settings.get("EVENTHOUND_DB"),
            crawl_now(settings),
            crawler.stats,
            settings.getbool("EVENTHOUND_INDEX_EACH_SOURCE", True),
        )

    def process_item(self, item):
        record = dict(item)
        self.buffer[record["id"]] = record
        if len(self.buffer) > self.MAX_BUFFER:
            self.flush()
        return item

    def flush(self) -> int:
        """Write the buffer in one transaction and empty it; returns how many were written."""
        if not self.buffer:
            return 0
        db = database.open_db(self.db_path)
        try:
            count = database.upsert_events(db, self.buffer.values(), self.seen_at)
        finally:
            db.close()
        new = self.buffer.keys() - self.stored_ids
        if new:  # eventhound/stored counts distinct events, even across flushes
            self.stats.inc_value("eventhound/stored", len(new))
        self.stored_ids.update(new)
        self.buffer.clear()
        return count

    def close_spider(self):
        self.flush()
        if not (self.stored_ids and self.index_at_close):
            return
        db = database.open_db(self.db_path)
        try:
            database.refresh_fts(db)
        finally:
            db.close()
