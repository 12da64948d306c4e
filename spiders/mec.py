"""mec: a Modern Events Calendar site through its iCal feed (`<site>/?mec-ical-feed=1`, read by
the ical extractor) when the site has it on; else (WordPress answers the feed URL with an HTML
page) through the source's listing page and its "load more" JSON (`next_page`).

The feed is preferred: its DTSTART is an instant computed with each event's own offset, with
categories, location and RRULE, where the listing shows localized dates and wall times only.
A source URL that already is the feed or the load-more call is read as it is.

Options (`[sources.KEY.mec]`): `window_days_ahead` (365), `prefer_ical` (true; false reads the
listing page given, e.g. a page showing one category).
"""

from eventhound.extractors.platform import site_root, with_query
from eventhound.spider import FeedFirstSpider

FEED = "mec-ical-feed"


class MecSpider(FeedFirstSpider):
    name = "mec"

    def api_url(self, url: str) -> str:
        if FEED in url or "mec_list_load_more" in url or not self.option("prefer_ical"):
            return url
        return with_query(site_root(url), **{FEED: 1})
