"""rss: RSS 2.0 / RSS 1.0 / Atom feeds of events; with `follow_links`, the linked event pages.

Options (`[sources.KEY.rss]`): `pubdate_is_start` (the feed's pubDate is the event's start),
`follow_links` (read each item's page with the schema.org extractor; the item's own event
is kept when the page has none, cannot be fetched or is off the source's site).
"""

from __future__ import annotations

from urllib.parse import urldefrag

from eventhound.extractors import rss, schemaorg
from eventhound.items import source_item
from eventhound.spider import EventSpider, page_text


def _same(a: str | None, b: str) -> bool:
    return bool(a) and urldefrag(a)[0].rstrip("/") == urldefrag(b)[0].rstrip("/")


class RssSpider(EventSpider):
    name = "rss"

    def parse(self, response):
        self.crawler.stats.inc_value("eventhound/pages")
        extraction = rss.extract(page_text(response), response.url, self.context)
        self.count_errors(extraction.errors)
        for raw in extraction.events:
            link = raw.pop("_follow", None)
            request = self.follow(link, self.parse_linked) if link else None
            if request is not None:
                yield request.replace(
                    cb_kwargs={"item_event": raw, "feed_url": response.url}, errback=self.linked_failed
                )
            else:
                yield from self.own_event(raw, response.url)
        if extraction.next_page and (request := self.follow(extraction.next_page, self.parse)):
            yield request

    def parse_linked(self, response, item_event, feed_url):
        self.crawler.stats.inc_value("eventhound/pages")
        page = schemaorg.extract(page_text(response), response.url, self.context)
        self.count_errors(page.errors)
        events = [
            e for e in page.events if _same(e.get("url"), response.url) or _same(e.get("url"), response.request.url)
        ]
        events = events or page.events
        if events:
            yield from self.items(events, response)
        else:
            yield from self.own_event(item_event, feed_url)

    def linked_failed(self, failure):
        self.fetch_failed(failure)
        yield from self.own_event(failure.request.cb_kwargs["item_event"], failure.request.cb_kwargs["feed_url"])

    def own_event(self, raw, feed_url):
        """The item's own event, read from the feed; reported when it has no date."""
        if not raw.get("start_text"):
            self.count_errors(["rss_item_without_date"])
            return
        yield source_item(self.source, raw, feed_url)
