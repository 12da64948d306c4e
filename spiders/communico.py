"""communico: a Communico Attend library calendar through the JSON its calendar page loads
(`/eeventcaldata?event_type=0&req=...`), paged by moving `req.date` forward.

Options (`[sources.KEY.communico]`): `window_days_ahead` (365) and `page_days` (90, the days
one request asks for; the extractor names the next page until the window is covered).
"""

from urllib.parse import urlsplit

from eventhound.extractors.communico import API_PATH, OPTIONS, first_request
from eventhound.extractors.platform import query_value
from eventhound.spider import PlatformSpider


class CommunicoSpider(PlatformSpider):
    name = "communico"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.path.rstrip("/").endswith(API_PATH) and query_value(url, "req"):
            return url  # the API request itself, as given
        base = f"{parts.scheme}://{parts.netloc}{API_PATH}"
        return first_request(
            base,
            self.today(),
            self.option("window_days_ahead"),
            self.option("page_days") or OPTIONS["page_days"].default,
        )
