"""localist: a Localist calendar through its API v2 (`/api/2/events`), paged by `page`.

Options (`[sources.KEY.localist]`): `window_days_ahead` (365; Localist answers at most 370).
"""

from urllib.parse import urlsplit

from eventhound.extractors.platform import with_query
from eventhound.spider import PlatformSpider

API_PATH = "/api/2/events"


class LocalistSpider(PlatformSpider):
    name = "localist"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        api = url if API_PATH in parts.path else f"{parts.scheme}://{parts.netloc}{API_PATH}"
        return with_query(
            api, replace=False, start=self.today().isoformat(), days=min(370, self.option("window_days_ahead")), pp=100
        )
