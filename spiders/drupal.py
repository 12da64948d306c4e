"""drupal: a Drupal event calendar. A site root is taken to be LibraryCalendar's and read
through its feed (`/events/feed/json?start=&end=`); a feed URL gets the window added; any other
URL (a views JSON export, a JSON:API collection, `/events/upcoming`, a FullCalendar View page)
is read as given, paged by what the extractor names.

Options (`[sources.KEY.drupal]`): `window_days_ahead` (365), `naive_utc` (false: see the extractor).
"""

from datetime import timedelta
from urllib.parse import urlsplit

from eventhound.extractors.platform import with_query
from eventhound.spider import PlatformSpider

FEED_PATH = "/events/feed/json"


class DrupalSpider(PlatformSpider):
    name = "drupal"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.path in ("", "/"):
            url = f"{parts.scheme}://{parts.netloc}{FEED_PATH}"
        elif not parts.path.rstrip("/").endswith(FEED_PATH):
            return url
        today = self.today()
        end = today + timedelta(days=self.option("window_days_ahead"))
        return with_query(url, replace=False, start=today.isoformat(), end=end.isoformat())
