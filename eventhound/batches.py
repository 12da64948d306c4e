"""BatchedPipelines: Scrapy's item pipelines run over batches of items, one pipeline at a time.

Scrapy's own item processor passes one item through every pipeline before it takes the
next, with downloading and parsing in between. Each pipeline then starts cold: its code,
its regexes and tables have left the CPU caches since the previous item, and measured in
a crawl that costs 3-4 times the work itself (classify: about 200 µs an event in a crawl,
45-70 µs in a loop). This processor (the ITEM_PROCESSOR setting) collects the items that
arrive within EVENTHOUND_BATCH_SECONDS, up to EVENTHOUND_BATCH_SIZE of them, and runs the
first pipeline over the whole batch, then the second, and so on. The stats count the
batches (`eventhound/item_batches`) and the largest (`eventhound/item_batch_max`).

Each item still gets exactly what Scrapy's processor would give it: the item its last
pipeline returned, or the DropItem (or error) its own pipeline raised, which drops that
item alone. The pipelines are the same ITEM_PIPELINES classes; `eventhound extract` runs
them one item at a time with the same results. Without the asyncio reactor, or when a
pipeline's process_item is a coroutine or takes the spider, items go through Scrapy's
processor unchanged. Only public parts of Scrapy are used: the ITEM_PROCESSOR setting,
ItemPipelineManager's `middlewares` and its process_item_async / close_spider_async.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

from scrapy.pipelines import ItemPipelineManager
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.python import global_object_name
from twisted.internet.defer import Deferred


class BatchedPipelines(ItemPipelineManager):
    def __init__(self, *pipelines: Any, crawler=None) -> None:
        super().__init__(*pipelines, crawler=crawler)
        self.batch_size = max(1, crawler.settings.getint("EVENTHOUND_BATCH_SIZE"))  # eventhound/settings.py
        self.batch_seconds = crawler.settings.getfloat("EVENTHOUND_BATCH_SECONDS")
        self.stats = crawler.stats
        self._pending: list[tuple[Any, asyncio.Future]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._batching: bool | None = None  # decided on the first item (the reactor runs by then)

    def _steps(self) -> list:
        """Each pipeline's process_item, in order (the pipelines Scrapy built: `middlewares`)."""
        return [pipeline.process_item for pipeline in self.middlewares if hasattr(pipeline, "process_item")]

    def _can_batch(self) -> bool:
        """Batch only pipelines whose process_item takes the item alone and is no coroutine."""

        def plain(method) -> bool:
            return not inspect.iscoroutinefunction(method) and "spider" not in inspect.signature(method).parameters

        return is_asyncio_available() and all(plain(m) for m in self._steps())

    async def process_item_async(self, item: Any) -> Any:
        if self._batching is None:
            self._batching = self._can_batch()
        if not self._batching:
            return await super().process_item_async(item)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self.batch_size:
            self._run_batch()
        elif self._timer is None:
            self._timer = loop.call_later(self.batch_seconds, self._run_batch)
        return await future

    def _run_batch(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending = self._pending, []
        self.stats.inc_value("eventhound/item_batches")
        self.stats.max_value("eventhound/item_batch_max", len(batch))
        for method in self._steps():
            going_on = []
            for item, future in batch:
                try:
                    item = method(item)
                    if type(item) is not dict and (isinstance(item, Deferred) or inspect.isawaitable(item)):
                        raise TypeError(
                            f"{global_object_name(method)} returned an awaitable: batched pipelines"
                            " must return the item (or set ITEM_PROCESSOR back to Scrapy's)"
                        )
                    going_on.append((item, future))
                except Exception as error:  # DropItem, or a pipeline's error: this item only
                    if not future.done():
                        future.set_exception(error)
            batch = going_on
        for item, future in batch:
            if not future.done():
                future.set_result(item)

    async def close_spider_async(self) -> None:
        if self._pending:  # nothing should wait by now; never lose an item if something does
            self._run_batch()
        await super().close_spider_async()
