"""vtools: IEEE vTools Events through its public Events API (JSON:API), paged by `page`.

A source URL is turned into the API's events list (`/RST/events/api/public/v7/events/list`)
with `span=now~now+<window>.days`, `limit=500` and `sort=start-time`: the site
(`https://events.vtools.ieee.org/`) or any of its pages keeps the list filters it names
(`category_id`, `subcategory_id`, `tags`, `tags_connector`, `location_type`); an API URL (any
version; `.json/.ics/.rss/.xml/.csv/.html` read as JSON) keeps its own parameters. A section's
meetings list (`/meetings/<spoid>/...`) or an IEEE unit's own page is fetched as it is: the
extractor follows the API answer of each event it links.

Spacing: events.vtools.ieee.org's robots.txt asks for 60 s between requests (what public
crawlers of it report and honour), so DOWNLOAD_DELAY is 60 s, not randomized; a source's
`settings` table may lower it (tests do). One page holds 500 events.

Options (`[sources.KEY.vtools]`): `window_days_ahead` (365).
"""

import re
from urllib.parse import parse_qsl, urlsplit

from eventhound.extractors.platform import with_query
from eventhound.extractors.vtools import API, HOST
from eventhound.spider import PlatformSpider

FILTERS = ("category_id", "subcategory_id", "tags", "tags_connector", "location_type")
API_PATH = re.compile(r"(/RST/events/api/public/v\d+/events/list)(?:\.(?:json|ics|rss|xml|csv|html))?$")


class VtoolsSpider(PlatformSpider):
    name = "vtools"
    custom_settings = {"DOWNLOAD_DELAY": 60, "RANDOMIZE_DOWNLOAD_DELAY": False}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites.add(HOST)  # a unit's own page links its events there

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.netloc != HOST:
            return url if API_PATH.search(parts.path) is None else self._window(url, parts)
        if parts.path.startswith("/meetings/"):
            return url
        if API_PATH.search(parts.path):
            return self._window(url, parts)
        filtered = with_query(API, **{k: v for k, v in parse_qsl(parts.query) if k in FILTERS})
        return self._window(filtered, urlsplit(filtered))

    def _window(self, url: str, parts) -> str:
        path = API_PATH.search(parts.path).group(1)
        url = parts._replace(path=path).geturl()
        if "id" in dict(parse_qsl(parts.query)):
            return url
        days = self.option("window_days_ahead")
        return with_query(url, replace=False, span=f"now~now+{days}.days", limit=500, sort="start-time")
