"""css: plain HTML listings (and their event pages) read with the source's configured selectors."""

from eventhound.extractors import css
from eventhound.items import source_item
from eventhound.spider import EventSpider, page_text


class CssSpider(EventSpider):
    """A listing's blocks become events; with a `detail` table, each block's link is fetched
    and its page's values complete the block's (the block's fields travel in cb_kwargs).
    A detail page that cannot be fetched (or may not be: off site, over the follow budget)
    leaves the event as the listing gave it, when the listing gave a date."""

    name = "css"

    def parse(self, response):
        self.crawler.stats.inc_value("eventhound/pages")
        extraction, partials = css.read_listing(page_text(response), response.url, self.context)
        self.count_errors(extraction.errors)
        yield from self.items(extraction.events, response)
        for url in extraction.follow:
            already = url in self.followed
            request = self.follow(
                url, self.parse_detail, cb_kwargs={"listing": partials[url]}, meta={"listing_url": response.url}
            )
            if request is not None:
                yield request
            elif not already:
                yield from self.listing_only(partials[url], response.url)
        if extraction.next_page and (request := self.follow(extraction.next_page, self.parse)):
            yield request

    def parse_detail(self, response, listing):
        self.crawler.stats.inc_value("eventhound/pages")
        extraction = css.extract_detail(page_text(response), response.url, self.context, listing=listing)
        self.count_errors(extraction.errors)
        yield from self.items(extraction.events, response)

    def fetch_failed(self, failure):
        super().fetch_failed(failure)
        request = getattr(failure, "request", None)
        if request is not None and request.cb_kwargs.get("listing"):
            yield from self.listing_only(request.cb_kwargs["listing"], request.meta.get("listing_url", request.url))

    def listing_only(self, fields, listing_url):
        raw = css.raw_event(fields, [])
        if raw is not None:
            self.crawler.stats.inc_value("eventhound/css/listing_only")
            yield source_item(self.source, raw, listing_url)
