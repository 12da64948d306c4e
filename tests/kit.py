"""The shared test kit: a stats double, a saved page as a Scrapy response, a spider's
callback run on it without a crawl (in milliseconds, as City Bureau's tests do), and the
command line in-process (click's CliRunner) for commands that start no reactor."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import scrapy
from click.testing import CliRunner
from scrapy.http import Request
from scrapy.responsetypes import responsetypes
from scrapy.utils.test import get_crawler

from eventhound.cli import main
from eventhound.db import EVENT_COLUMNS
from eventhound.extract import Tally as Stats  # the stats collector `eventhound extract` uses
from eventhound.sources import Source

__all__ = [
    "Stats",
    "file_response",
    "spider_for",
    "callback_output",
    "cli",
    "final_record",
    "stored_record",
    "calendar_event",
]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def file_response(
    name: str | Path, url: str, *, body: bytes | None = None, headers: dict | None = None
) -> scrapy.http.Response:
    """The response a fetch of `url` would give for a fixture (a path under tests/fixtures or
    absolute), of the class Scrapy picks by its headers, URL and body."""
    if body is None:
        path = Path(name)
        body = (path if path.is_absolute() else FIXTURES / path).read_bytes()
    headers = headers or {}
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, body=body, headers=headers, request=Request(url))


def spider_for(source: Source, now: datetime, **settings) -> scrapy.Spider:
    """The source's spider, set up as a crawl would set it up, with the crawl's `now`."""
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["spiders"]}))
    crawler = get_crawler(
        loader.load(source.spider),
        {"EVENTHOUND_NOW": now.isoformat(), "DEPTH_LIMIT": 20, "EVENTHOUND_MAX_FOLLOW": 500, **settings},
    )
    return crawler.spidercls.from_crawler(crawler, source=source)


def callback_output(spider: scrapy.Spider, response, callback: str = "parse") -> tuple[list[dict], list[Request]]:
    """What one callback yields for a response: the items (as dicts) and the requests."""
    items, requests = [], []
    for output in getattr(spider, callback)(response) or ():
        (requests if isinstance(output, Request) else items).append(
            output if isinstance(output, Request) else dict(output)
        )
    return items, requests


def cli(*args: str, input: str | None = None):
    """`eventhound ARGS` in this process, `input` as its stdin; the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def final_record(item: dict, now: datetime | None = None) -> dict:
    """What the last steps before the database make of an item: IdentifyPipeline, then
    RecordPipeline (the typed record in EVENT_COLUMNS order)."""
    from pipelines.identify import IdentifyPipeline, RecordPipeline

    now = now or datetime(2027, 1, 1)
    return RecordPipeline(now, Stats()).process_item(IdentifyPipeline(now, Stats()).process_item(dict(item)))


def stored_record(values: dict | None = None, /, **fields) -> dict:
    """A row of the events table: every column (db.EVENT_COLUMNS) None but those given;
    `fields` win over `values` (a test's defaults)."""
    return dict.fromkeys(EVENT_COLUMNS) | (values or {}) | fields


def calendar_event(id: str, start: str, start_utc: str, **fields) -> dict:
    """A stored row of the "demo" source's calendar in Springfield's zone (digest and saved-search tests)."""
    defaults = dict(
        id=id,
        source="demo",
        source_url="https://example.org/calendar",
        title=f"Event {id}",
        start=start,
        start_utc=start_utc,
        timezone="America/Chicago",
        all_day=0,
    )
    return stored_record(defaults, **fields)
