"""mec: a Modern Events Calendar site through its iCal feed (`<site>/?mec-ical-feed=1`, read by
the ical extractor) when the site has it on; else (WordPress answers the feed URL with an HTML
page) through the source's listing page and its "load more" JSON (`next_page`).

The feed is preferred: its DTSTART is an instant computed with each event's own offset, with
categories, location and RRULE, where the listing shows localized dates and wall times only.
A source URL that already is the feed or the load-more call is read as it is.

Options (`[sources.KEY.mec]`): `window_days_ahead` (365), `prefer_ical` (true; false reads the
listing page given, e.g. a page showing one category).
"""

from urllib.parse import urlsplit

import scrapy

from eventhound.extractors.platform import site_root, with_query
from eventhound.spider import PlatformSpider

FEED = "mec-ical-feed"


class MecSpider(PlatformSpider):
    name = "mec"

    def api_url(self, url: str) -> str:
        if FEED in url or "mec_list_load_more" in url or self.source.options.get("prefer_ical") is False:
            return url
        return with_query(site_root(url), **{FEED: 1})

    async def start(self):
        async for request in super().start():
            source = next((u for u in self.start_urls if self.api_url(u) == request.url), request.url)
            if FEED in request.url and FEED not in source:
                request = request.replace(callback=self.parse_feed, errback=self.feed_failed,
                                          meta={**request.meta, "listing": source})
            yield request

    def parse_feed(self, response):
        """The iCal feed; a page instead (the feed is off): the source's listing page."""
        if response.text.lstrip("\ufeff \r\n\t").startswith("BEGIN:VCALENDAR"):
            yield from self.parse(response)
            return
        self.crawler.stats.inc_value("eventhound/mec/ical_feed_off")
        yield self.listing(response.meta["listing"])

    def feed_failed(self, failure):
        self.crawler.stats.inc_value("eventhound/mec/ical_feed_off")
        yield self.listing(failure.request.meta["listing"])

    def listing(self, url: str) -> scrapy.Request:
        self.sites.add(urlsplit(url).netloc)
        return scrapy.Request(url, callback=self.parse, errback=self.fetch_failed, meta={"start_url": True},
                              dont_filter=True)
