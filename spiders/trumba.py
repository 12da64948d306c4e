"""trumba: a Trumba Connect calendar through its JSON feed (`/calendars/<webName>.json`),
asked for the crawl's window (`startdate`, `days`) and continued by `Extraction.next_page`.

A source URL is the feed in any form (`https://www.trumba.com/calendars/<webName>`, `.ics`,
`.rss`, `.json`, with `filterview=` kept) or a page of the publisher's site that embeds the
calendar: that page is fetched and the extractor names the feed of its spud, on trumba.com.

Options (`[sources.KEY.trumba]`): `window_days_ahead` (365; one request spans at most 365).
"""

from urllib.parse import urlsplit

from eventhound.extractors.trumba import FEED_HOST, feed_url
from eventhound.spider import PlatformSpider


class TrumbaSpider(PlatformSpider):
    name = "trumba"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites.add(FEED_HOST)  # a publisher's page names its feed there

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        is_feed = parts.netloc.endswith("trumba.com") or parts.path.lstrip("/").startswith(("calendars/", "calendar/"))
        return (feed_url(url, self.today(), self.context) or url) if is_feed else url
