"""eventsmanager: an Events Manager site through its iCal feed (`<site>/events.ics`, read by the
ical extractor); when the site answers the feed with an HTML page or an error (a security plugin,
a cache, an old or unusual install), through the source's listing page, its `?pno=N` pages and
the event pages the listing names (`follow`) when it shows no time.

The feed is preferred: one request, DTSTART in each event's own zone (TZID) with categories,
location and geo, the same whatever formats the site gave its pages; the listing shows dates
and times as localized text in formats the site may have rewritten. The listing is what marks
cancelled events and online links; `prefer_ical = false` reads it (or a category page) instead.
Events Manager has no public REST route for events (`/wp-json/events-manager/v1/` only takes
uploads). Its RSS feed (`/events/feed/`, pubDate = the start in UTC) is the `rss` spider's.

Options (`[sources.KEY.eventsmanager]`): `window_days_ahead` (365; the listing's pages),
`prefer_ical` (true), `ical_url` (the feed's address when WordPress lives in a sub-folder, e.g.
`https://x.org/chamber/events.ics`), `day_first` (numeric dates are d/m/Y).
"""

from urllib.parse import urlsplit

from eventhound.extractors.platform import site_root
from eventhound.spider import FeedFirstSpider

FEED = "events.ics"


class EventsmanagerSpider(FeedFirstSpider):
    name = "eventsmanager"

    def api_url(self, url: str) -> str:
        if urlsplit(url).path.endswith(FEED) or not self.option("prefer_ical"):
            return url
        return self.option("ical_url") or site_root(url) + FEED

    def listing_url(self, url: str) -> str:
        """The events page for a source URL (the site's root: its default `/events/` page)."""
        return site_root(url) + "events/" if urlsplit(url).path in ("", "/") else url
