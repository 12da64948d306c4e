"""tribe: The Events Calendar's REST API, with its iCal export when the API is closed.

A source URL that is a site root or an events page asks the site's API
(`/wp-json/tribe/events/v1/events?start_date=&end_date=&per_page=`, the window around the
crawl's start); a source URL that already is the API is used as it is (start_date added
when missing). Pages are followed through `next_rest_url`, at most `max_pages`.

When the first API answer is not TEC's JSON (401/403/404 or any failed fetch, an HTML page,
a challenge, a WordPress REST error), the spider counts `tribe_api_closed` and reads the
events page's iCal export (`<events page>?ical=1`, or the `ical_url` option) with the ical
extractor.

Options (`[sources.KEY.tribe]`): `window_days_back` (1), `window_days_ahead` (365),
`per_page` (50), `max_pages` (20), `ical_url` (the fallback's URL).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import scrapy
from scrapy.spidermiddlewares.httperror import HttpError

from eventhound.extractors import tribe
from eventhound.formats import extractor
from eventhound.spider import EventSpider, page_text

API_PATH = "/wp-json/tribe/events/v1/events"
NOT_TRIBE = {"tribe_not_json", "tribe_not_events"}


def _with_query(url: str, **params) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = {k for k, _ in query}
    query += [(k, str(v)) for k, v in params.items() if k not in names]
    return urlunsplit(parts._replace(query=urlencode(query)))


class TribeSpider(EventSpider):
    name = "tribe"

    def endpoints(self, url: str) -> tuple[str, str]:
        """(the API URL to ask, the events page whose ?ical=1 is the fallback) for a source URL."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        today = self.context.now.astimezone(ZoneInfo(self.source.timezone)).date()
        start = today - timedelta(days=self.option("window_days_back"))
        if API_PATH in parts.path or "rest_route=%2Ftribe" in parts.query or "rest_route=/tribe" in parts.query:
            api = _with_query(url, start_date=start.isoformat())
            events_page = (
                site + parts.path.split("/wp-json/")[0] + "/events/" if "/wp-json/" in parts.path else site + "/events/"
            )
        else:
            end = today + timedelta(days=self.option("window_days_ahead"))
            api = f"{site}{API_PATH}?" + urlencode(
                {"start_date": start.isoformat(), "end_date": end.isoformat(), "per_page": self.option("per_page")}
            )
            events_page = url if parts.path not in ("", "/") else site + "/events/"
        return api, self.option("ical_url") or _with_query(events_page, ical=1)

    async def start(self):
        for url in self.start_urls:
            api, ical_url = self.endpoints(url)
            yield scrapy.Request(
                api, callback=self.parse_api, errback=self.api_failed, meta={"tribe_page": 1, "ical_url": ical_url}
            )

    def parse_api(self, response):
        self.crawler.stats.inc_value("eventhound/pages")
        page = response.meta.get("tribe_page", 1)
        extraction = tribe.extract(page_text(response), response.url, self.context)
        if page == 1 and NOT_TRIBE & set(extraction.errors):
            yield from self.fall_back(response.meta["ical_url"], f"{response.url}: not The Events Calendar's JSON")
            return
        if page == 1:  # the API's own host (after redirects) is the source's site too
            self.sites.add(urlsplit(response.url).netloc)
        self.count_errors(extraction.errors)
        yield from self.items(extraction.events, response)
        if extraction.next_page and extraction.next_page != response.url:
            if page >= self.option("max_pages"):
                self.crawler.stats.inc_value("eventhound/follow/over_limit")
            elif request := self.follow(
                extraction.next_page,
                self.parse_api,
                meta={"tribe_page": page + 1, "ical_url": response.meta["ical_url"]},
            ):
                yield request

    def api_failed(self, failure):
        request = failure.request
        response = failure.value.response if failure.check(HttpError) else None
        if (
            response is not None
            and response.status == 404
            and not tribe.extract(page_text(response), response.url, self.context).errors
        ):
            return  # TEC's own 404 for an empty archive: the API is open, nothing in the window
        reason = f"HTTP {response.status}" if response is not None else failure.getErrorMessage()
        yield from self.fall_back(request.meta["ical_url"], f"{request.url}: {reason}")

    def fall_back(self, ical_url: str, why: str):
        self.count_errors(["tribe_api_closed"])
        self.logger.info("The Events Calendar API closed (%s): reading %s", why, ical_url)
        yield scrapy.Request(ical_url, callback=self.parse_ical, errback=self.fetch_failed, meta={"start_url": True})

    def parse_ical(self, response):
        self.crawler.stats.inc_value("eventhound/pages")
        try:
            ical = extractor("ical")
        except ImportError:
            self.count_errors(["ical_unavailable"])
            self.logger.error("no ical extractor: cannot read %s", response.url)
            return
        extraction = ical.extract(page_text(response), response.url, self.context)
        self.count_errors(extraction.errors)
        yield from self.items(extraction.events, response)
