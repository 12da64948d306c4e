"""eventhound.batches: pipelines run over batches of items, one pipeline at a time, each item on its own."""

import asyncio
import re

from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from eventhound.batches import BatchedPipelines
from tests.conftest import crawl, query, summary

CALLS = []


class First:
    def process_item(self, item):
        CALLS.append(("first", item["n"]))
        if item["n"] == 2:
            raise DropItem("two is dropped")
        if item["n"] == 3:
            raise ValueError("three is broken")
        item["first"] = True
        return item


class Second:
    def process_item(self, item):
        CALLS.append(("second", item["n"]))
        item["second"] = True
        return item


def test_each_pipeline_runs_over_the_whole_batch_and_a_failure_drops_only_its_item():
    crawler = get_crawler(
        settings_dict={
            "ITEM_PIPELINES": {f"{__name__}.First": 1, f"{__name__}.Second": 2},
            "EVENTHOUND_BATCH_SIZE": 5,
            "EVENTHOUND_BATCH_SECONDS": 0.01,
        }
    )
    crawler._apply_settings()
    manager = BatchedPipelines.from_crawler(crawler)
    CALLS.clear()

    async def six_items():
        return await asyncio.gather(*(manager.process_item_async({"n": n}) for n in range(6)), return_exceptions=True)

    results = asyncio.run(six_items())
    # five items fill a batch: the first pipeline sees all five before the second sees any;
    # the sixth goes alone when the batch time is up
    assert CALLS == [("first", n) for n in range(5)] + [("second", n) for n in (0, 1, 4)] + [
        ("first", 5),
        ("second", 5),
    ]
    assert [r if isinstance(r, Exception) else r["n"] for r in results][:2] == [0, 1]
    assert isinstance(results[2], DropItem) and isinstance(results[3], ValueError)
    assert all(results[n] == {"n": n, "first": True, "second": True} for n in (0, 1, 4, 5))
    assert crawler.stats.get_value("eventhound/item_batches") == 2
    assert crawler.stats.get_value("eventhound/item_batch_max") == 5


def test_a_crawl_stores_in_batches_what_it_stored_one_by_one(demo_site_url, tmp_path):
    sources = (
        f'[sources.demo]\nspider = "schemaorg"\nurls = ["{demo_site_url}events/"]\ntimezone = "America/New_York"\n'
    )
    now = "2026-11-01T00:00:00+00:00"
    (tmp_path / "batched").mkdir()
    (tmp_path / "single").mkdir()
    batched, db = crawl(tmp_path / "batched", sources, "-s", "LOG_LEVEL=INFO", now=now)
    one_by_one, db_single = crawl(
        tmp_path / "single",
        sources,
        "-s",
        "LOG_LEVEL=INFO",
        "-s",
        "ITEM_PROCESSOR=scrapy.pipelines.ItemPipelineManager",
        now=now,
    )
    assert batched.returncode == one_by_one.returncode
    rows = query(db, "select * from events order by id")
    batches = int(re.search(r"'eventhound/item_batches': (\d+)", batched.stderr)[1])
    assert rows and 0 < batches < len(rows)
    assert "eventhound/item_batches" not in one_by_one.stderr
    counts = [re.sub(r"time=\S+", "", summary(result, "demo")) for result in (batched, one_by_one)]
    assert counts[0] == counts[1] and "events=" in counts[0]
    seen = {"first_seen", "last_seen"}
    assert [{k: v for k, v in r.items() if k not in seen} for r in rows] == [
        {k: v for k, v in r.items() if k not in seen} for r in query(db_single, "select * from events order by id")
    ]
