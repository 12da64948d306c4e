"""StorePipeline and the RunLog extension: unit tests, and one real crawl in a subprocess."""

import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from eventhound import db as database
from eventhound.runlog import RunLog, run_row
from eventhound.sources import Source
from pipelines.store import StorePipeline
from tests.kit import Stats, stored_record

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


def item(id, **fields):
    return stored_record(
        dict(id=id, source="demo", title=f"Event {id}", start_utc="2027-03-05T00:30:00+00:00"), **fields
    )


def rows(path):
    db = database.open_db(path)
    try:
        return {r["id"]: r for r in db["events"].rows}
    finally:
        db.close()


def test_store_writes_at_close(tmp_path):
    path = tmp_path / "events.db"
    stats = Stats()
    store = StorePipeline(str(path), NOW, stats, index_at_close=False)  # as eventhound crawl runs it
    for it in (item("a", title="First"), item("b"), item("a", title="Spring Job Fair")):
        assert store.process_item(it) is it
    assert rows(path) == {}  # nothing written before the crawl ends
    store.close_spider()
    stored = rows(path)
    assert set(stored) == {"a", "b"}
    assert stored["a"]["title"] == "Spring Job Fair"  # last one wins
    assert stored["a"]["first_seen"] == stored["a"]["last_seen"] == "2027-03-01T12:00:00+00:00"
    assert stats["eventhound/stored"] == 2
    db = database.open_db(path)
    assert list(db["events"].search("spring")) == []  # the index: once per crawl, after every source
    database.refresh_fts(db)
    assert [r["id"] for r in db["events"].search("spring")] == ["a"]


def test_store_killed_crawl_writes_nothing(tmp_path):
    path = tmp_path / "events.db"
    store = StorePipeline(str(path), NOW, Stats())
    store.process_item(item("a"))
    del store  # the process died before close_spider
    assert rows(path) == {}


def test_store_flushes_a_big_buffer(tmp_path, monkeypatch):
    monkeypatch.setattr(StorePipeline, "MAX_BUFFER", 2)
    path = tmp_path / "events.db"
    stats = Stats()
    store = StorePipeline(str(path), NOW, stats)
    for id in "abc":
        store.process_item(item(id))
    assert set(rows(path)) == {"a", "b", "c"}  # the buffer passed 2: flushed
    store.process_item(item("a", title="changed"))
    store.process_item(item("d"))
    store.close_spider()
    assert rows(path)["a"]["title"] == "changed"
    assert stats["eventhound/stored"] == 4  # distinct events


def test_run_row_counts():
    stats = {
        "response_received_count": 5,
        "item_scraped_count": 9,
        "item_dropped_count": 2,
        "eventhound/dropped/not_career": 1,
        "eventhound/dropped/no_start": 1,
        "eventhound/fetch_errors": 1,
        "eventhound/extract_errors/json": 2,
        "eventhound/extract_errors/microdata": 1,
        "eventhound/extract_warnings/ical_folding_repaired": 1,
        "log_count/ERROR": 1,
        "spider_exceptions/count": 1,
        "spider_exceptions/ValueError": 1,
        "eventhound/last_error": "https://example.org/x: TimeoutError: took too long",
    }
    row = run_row("tcc", stats, "S", "F", "finished")
    assert row == {
        "source": "tcc",
        "started": "S",
        "finished": "F",
        "pages": 5,
        "items": 9,
        "dropped": 2,
        "errors": 5,
        "warnings": 1,
        "finish_reason": "finished",
        "error": "https://example.org/x: TimeoutError: took too long",
        "dropped_reasons": '{"no_start": 1, "not_career": 1}',
    }
    assert run_row("x", {}, "S", "F", "shutdown")["errors"] == 0
    assert run_row("x", {}, "S", "F", "shutdown")["warnings"] == 0


def test_runlog_writes_run_and_source(tmp_path):
    path = tmp_path / "events.db"
    source = Source(key="tcc", spider="schemaorg", urls=("https://example.org/",), timezone="America/Chicago")
    spider = type("Spider", (), {"name": "schemaorg", "source": source})()
    log = RunLog(str(path), Stats({"item_scraped_count": 3}))
    log.spider_opened(spider)
    log.spider_closed(spider, "finished")
    nameless = type("Spider", (), {"name": "adhoc"})()
    log.spider_closed(nameless, "shutdown")
    db = database.open_db(path)
    runs = list(db["runs"].rows)
    assert [(r["source"], r["items"], r["finish_reason"]) for r in runs] == [
        ("tcc", 3, "finished"),
        ("adhoc", 3, "shutdown"),
    ]
    assert runs[0]["started"] <= runs[0]["finished"]
    assert [r["key"] for r in db["sources"].rows] == ["tcc"]


CRAWL = textwrap.dedent("""
    import sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from eventhound.db import EVENT_COLUMNS
    from eventhound.sources import Source

    def item(id, title):
        record = {c: None for c in EVENT_COLUMNS}
        record.update(id=id, source="tcc", title=title, start_utc="2027-03-05T00:30:00+00:00")
        return record

    class Spider(scrapy.Spider):
        name = "fake"
        source = Source(key="tcc", spider="schemaorg", urls=("https://example.org/",),
                        timezone="America/Chicago", name="Tri-County Chamber")

        async def start(self):
            yield item("tcc:1", "Spring Job Fair")
            yield item("tcc:2", "Welding workshop")
            yield item("tcc:1", "Spring Job Fair & Expo")
            self.crawler.stats.inc_value("eventhound/fetch_errors")

    process = CrawlerProcess({
        "ITEM_PIPELINES": {"pipelines.store.StorePipeline": 900},
        "EXTENSIONS": {"eventhound.runlog.RunLog": 500},
        "EVENTHOUND_DB": sys.argv[1], "EVENTHOUND_NOW": "2027-03-01T06:00:00-06:00",
        "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING",
    })
    process.crawl(Spider)
    process.start()
""")


def test_real_crawl(tmp_path):
    path = tmp_path / "events.db"
    done = subprocess.run(
        [sys.executable, "-c", CRAWL, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    stored = rows(path)
    assert set(stored) == {"tcc:1", "tcc:2"}
    assert stored["tcc:1"]["title"] == "Spring Job Fair & Expo"
    assert stored["tcc:1"]["first_seen"] == "2027-03-01T12:00:00+00:00"  # EVENTHOUND_NOW, in UTC
    db = database.open_db(path)
    [run] = db["runs"].rows
    assert run["source"] == "tcc" and run["finish_reason"] == "finished"
    assert run["items"] == 3 and run["pages"] == 0 and run["errors"] == 1
    assert db["sources"].get("tcc")["name"] == "Tri-County Chamber"
    assert [r["id"] for r in db["events"].search("welding")] == ["tcc:2"]
