"""growthzone: a GrowthZone / ChamberMaster calendar through `/api/events` (every upcoming event
in one XML answer), after its `/events/calendar` page for the category names; a calendar or
event page given as the source URL is read as it is (month pages, then the event pages).

Options (`[sources.KEY.growthzone]`): `window_days_ahead` (365; how far the month pages go),
`category_names` (["id=name", ...]; when given, the calendar page is not fetched).
"""

from dataclasses import replace
from urllib.parse import urlsplit

import scrapy

from eventhound.extractors.growthzone import category_names
from eventhound.spider import PlatformSpider, page_text

API_PATH = "/api/events"
PAGES = ("/events/calendar", "/events/details/", "/events/index")


class GrowthzoneSpider(PlatformSpider):
    name = "growthzone"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if API_PATH in parts.path or any(page in parts.path.lower() for page in PAGES):
            return url
        return f"{parts.scheme}://{parts.netloc}{API_PATH}"

    async def start(self):
        async for request in super().start():
            api = urlsplit(request.url)
            if api.path != API_PATH or self.option("category_names"):
                yield request
                continue
            yield scrapy.Request(
                f"{api.scheme}://{api.netloc}/events/calendar",
                callback=self.read_categories,
                errback=self.no_categories,
                meta={"api": request},
                dont_filter=True,
            )

    def read_categories(self, response):
        """The calendar's category names, then its API."""
        names = category_names(page_text(response))
        if names:
            self.context = replace(self.context, options={**self.context.options, "category_names": names})
        yield response.meta["api"]

    def no_categories(self, failure):
        yield failure.request.meta["api"]
