"""EventSpider: the base of every format spider, configured by one sources.toml entry."""

from __future__ import annotations

import os
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure
from w3lib.encoding import html_to_unicode

from eventhound.clock import crawl_now
from eventhound.extractors.base import Context, count_reasons, option_value
from eventhound.extractors.platform import api_message
from eventhound.faults import cause
from eventhound.formats import extractor
from eventhound.items import source_item
from eventhound.sources import Source, entry_source, load_sources


def page_text(response) -> str:
    """A response's text, by the encoding it declares (byte-order mark, Content-Type, meta
    charset), else UTF-8 when it is valid UTF-8, else Windows-1252: the superset of Latin-1
    that undeclared Western pages are written in, as browsers read them. (Scrapy guesses an
    undeclared encoding from the bytes, and took a Spanish page's "Año" for Central European.)"""
    content_type = response.headers.get(b"Content-Type")
    _, text = html_to_unicode(
        content_type.decode("latin-1") if content_type else None,
        response.body,
        default_encoding="cp1252",
        auto_detect_fun=_utf8_if_valid,
    )
    return text


def _utf8_if_valid(body: bytes) -> str | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "utf-8"


class EventSpider(scrapy.Spider):
    """Crawls one source: `scrapy crawl NAME -a source=KEY [-a sources=FILE]`, or the entry
    itself as JSON, `-a source_entry='{"key": ..., "entry": {...}}'` (a Scrapyd job's arguments).

    A format spider sets `name` to its format (eventhound.formats); `parse` hands each page
    to that format's extractor, yields its events, counts what it could not read, and
    follows the event pages and next page it names, on the source's site and bounded.
    A site that needs more overrides `parse` or adds callbacks, using the same helpers.
    """

    source: Source
    context: Context

    def __init__(
        self,
        source: Source | str | None = None,
        sources: str = "sources.toml",
        source_entry: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if source_entry is not None:
            source = entry_source(source_entry)
        elif isinstance(source, str):
            registry = load_sources(sources)
            if source not in registry:
                raise ValueError(f"{sources}: no source {source!r}; known: {', '.join(registry)}")
            source = registry[source]
        if source is None:
            raise ValueError(f"spider {self.name!r} needs a source: scrapy crawl {self.name} -a source=KEY")
        if source.spider != self.name:
            raise ValueError(f"source {source.key!r} is read by spider {source.spider!r}, not {self.name!r}")
        self.source = source
        self.start_urls = list(source.urls)
        self.sites = {urlsplit(u).netloc for u in source.urls}
        self.followed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Per-source Scrapy settings (e.g. DOWNLOAD_DELAY); settings are not frozen yet here.
        for name, value in spider.source.settings.items():
            crawler.settings.set(name, value, priority="spider")
        spider.context = Context(
            now=crawl_now(crawler.settings), timezone=spider.source.timezone, options=spider.source.options
        )
        crawler.signals.connect(spider.request_dropped, signal=scrapy.signals.request_dropped)
        return spider

    async def start(self):
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.fetch_failed, meta={"start_url": True})

    def parse(self, response):
        self.crawler.stats.inc_value("eventhound/pages")
        extraction = extractor(self.name).extract(page_text(response), response.url, self.context)
        self.count_errors(extraction.errors + self.beyond_depth(response, extraction.next_page))
        yield from self.items(extraction.events, response)
        for url in [*extraction.follow, *filter(None, [extraction.next_page])]:
            if request := self.follow(url, self.parse):
                yield request

    def option(self, name: str):
        """An option of the source's [sources.KEY.<spider>] table, else its default in the format's OPTIONS."""
        return option_value(extractor(self.name).OPTIONS, self.source.options, name)

    def beyond_depth(self, response, next_page: str | None) -> list[str]:
        """A next page Scrapy will not fetch (DEPTH_LIMIT): its events are lost, so it is an
        error, and the crawl is not complete (nothing is marked removed)."""
        limit = self.crawler.settings.getint("DEPTH_LIMIT")
        return ["listing_beyond_depth_limit"] if next_page and 0 < limit <= response.meta.get("depth", 0) else []

    def items(self, raw_events, response):
        for raw in raw_events:
            yield source_item(self.source, raw, response.url)

    def count_errors(self, reasons):
        count_reasons(self.crawler.stats, reasons)

    def follow(self, url: str, callback, **kwargs):
        """A request for url when it is on the source's site and within the follow budget."""
        if url in self.followed:
            return None
        if not self.source.follow_offsite and urlsplit(url).netloc not in self.sites:
            self.crawler.stats.inc_value("eventhound/follow/offsite")
            return None
        if len(self.followed) >= self.crawler.settings.getint("EVENTHOUND_MAX_FOLLOW"):
            self.crawler.stats.inc_value("eventhound/follow/over_limit")
            return None
        self.followed.add(url)
        return scrapy.Request(url, callback=callback, errback=self.fetch_failed, **kwargs)

    def fetch_failed(self, failure: Failure):
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        stats = self.crawler.stats
        stats.inc_value("eventhound/fetch_errors")
        if request is not None and request.meta.get("start_url"):
            stats.inc_value("eventhound/start_errors")
        if failure.check(HttpError):
            response = failure.value.response
            message = f"{url}: HTTP {response.status}"
            if said := api_message(response.body):  # an API's error answer, in its own words
                message += f" ({self.name} says: {said})"
                self.count_errors([f"{self.name}_api_error"])
        else:
            message = f"{url}: {cause(failure)}"
        stats.set_value("eventhound/last_error", message)
        self.logger.error("fetch failed: %s", message)

    def request_dropped(self, request, spider=None):
        """A redirect the scheduler dropped as already seen is a redirect loop: a fault, said so."""
        if not request.meta.get("redirect_urls"):
            return
        stats = self.crawler.stats
        stats.inc_value("eventhound/fetch_errors")
        if request.meta.get("start_url"):
            stats.inc_value("eventhound/start_errors")
        chain = " -> ".join([*request.meta["redirect_urls"], request.url])
        stats.set_value("eventhound/last_error", f"{request.meta['redirect_urls'][0]}: redirect loop ({chain})")
        self.logger.error("fetch failed: redirect loop: %s", chain)


class PlatformSpider(EventSpider):
    """A calendar platform's spider: each source URL (the site, its events page, or the
    platform's API itself) is turned into the platform's richest public request by
    `api_url`; the base `parse` then reads it and follows the pages the extractor names."""

    def api_url(self, url: str) -> str:
        return url

    def today(self):
        """The crawl's day in the source's zone (what an API's start date is)."""
        return self.context.now.astimezone(ZoneInfo(self.source.timezone)).date()

    def headers(self) -> dict[str, str]:
        """The API token from the environment variable the source's `token_env` names, as a
        bearer token (a token never comes from sources.toml itself)."""
        name = self.source.token_env
        return {"Authorization": f"Bearer {os.environ[name]}"} if name and os.environ.get(name) else {}

    async def start(self):
        name = self.source.token_env
        if name and not os.environ.get(name):
            stats = self.crawler.stats
            stats.inc_value("eventhound/start_errors")
            stats.set_value("eventhound/last_error", f"token_env {name}: the environment variable is not set")
            self.logger.error("source %s: token_env %s is not set", self.source.key, name)
            return
        for url in self.start_urls:
            api = self.api_url(url)
            self.sites.add(urlsplit(api).netloc)
            yield scrapy.Request(
                api, callback=self.parse, errback=self.fetch_failed, meta={"start_url": True}, headers=self.headers()
            )

    def follow(self, url: str, callback, **kwargs):
        return super().follow(url, callback, headers={**self.headers(), **kwargs.pop("headers", {})}, **kwargs)


class FeedFirstSpider(PlatformSpider):
    """A platform whose iCal feed is read first (`api_url` names it); when the site answers
    the feed with a page or an error, the source's listing (`listing_url`) is read instead,
    counted as `eventhound/<spider>/ical_feed_off`. The extractor reads both."""

    def listing_url(self, url: str) -> str:
        return url

    async def start(self):
        async for request in super().start():
            source = next((u for u in self.start_urls if self.api_url(u) == request.url), request.url)
            if request.url != source:  # the feed, asked for a listing source
                request = request.replace(
                    callback=self.parse_feed,
                    errback=self.feed_failed,
                    meta={**request.meta, "listing": self.listing_url(source)},
                )
            yield request

    def parse_feed(self, response):
        if response.body.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"BEGIN:VCALENDAR"):
            yield from self.parse(response)
            return
        self.crawler.stats.inc_value(f"eventhound/{self.name}/ical_feed_off")
        yield self.listing(response.meta["listing"])

    def feed_failed(self, failure):
        self.crawler.stats.inc_value(f"eventhound/{self.name}/ical_feed_off")
        yield self.listing(failure.request.meta["listing"])

    def listing(self, url: str) -> scrapy.Request:
        self.sites.add(urlsplit(url).netloc)
        return scrapy.Request(
            url, callback=self.parse, errback=self.fetch_failed, meta={"start_url": True}, dont_filter=True
        )
