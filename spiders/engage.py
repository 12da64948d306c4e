"""engage: a Campus Labs Engage site through its public discovery API
(`[/engage]/api/discovery/event/search`), paged by `skip`/`take`.

A source URL may be the site (`https://school.campuslabs.com/engage/`), its events page,
a school's own domain (`https://getinvolved.example.edu/events`) or the API URL itself.

Options (`[sources.KEY.engage]`): `window_days_ahead` (365): events starting before then.
"""

from datetime import datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from eventhound.extractors.engage import API_MARK
from eventhound.extractors.platform import with_query
from eventhound.spider import PlatformSpider

PAGE_SIZE = 100


class EngageSpider(PlatformSpider):
    name = "engage"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if API_MARK in parts.path:
            api = url
        else:
            path = "/" + parts.path.lstrip("/")
            on_campuslabs = parts.netloc.endswith("campuslabs.com") or path.startswith("/engage")
            api = f"{parts.scheme}://{parts.netloc}{'/engage' if on_campuslabs else ''}{API_MARK}"
        zone = ZoneInfo(self.source.timezone)
        today = datetime.combine(self.today(), time(0), zone)
        until = today + timedelta(days=self.option("window_days_ahead"))
        return with_query(
            api,
            replace=False,
            endsAfter=today.isoformat(),
            startsBefore=until.isoformat(),
            orderByField="endsOn",
            orderByDirection="ascending",
            status="Approved",
            take=PAGE_SIZE,
            query="",
        )
