"""libcal: a Springshare LibCal events calendar through the JSON of its public list view
(`/ajax/calendar/list`), paged by `page`; or its API 1.1 (`/1.1/events`) with `token_env`.

A source URL may be the site (`https://lib.libcal.com/`: every public calendar, `c=-1`), a
calendar page (`/calendar?cid=123` or `/calendar/slug?cid=123`; a slug without `cid` reads
every calendar), its RSS or iCal feed (`/rss.php?cid=`, `/ical_subscribe.php?src=p&cid=`),
the list URL itself, or an API 1.1 URL (`/1.1/events?cal_id=`). The list asks for every
upcoming event (`date=0000-00-00`; a real date filters to one day) 30 a page (bigger pages
have been seen cut short); the extractor stops paging past the window.

Options (`[sources.KEY.libcal]`): `window_days_ahead` (365; API 1.1 answers at most 365 days).
"""

from urllib.parse import urlsplit

from eventhound.extractors.platform import query_value, with_query
from eventhound.spider import PlatformSpider

LIST_PATH = "/ajax/calendar/list"
API_PATH = "/1.1/events"
PER_PAGE = 30


class LibcalSpider(PlatformSpider):
    name = "libcal"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.path.startswith(API_PATH):
            return with_query(
                url,
                replace=False,
                date=self.today().isoformat(),
                days=min(365, self.option("window_days_ahead")),
                limit=500,
            )
        if parts.path.startswith(LIST_PATH):
            return with_query(url, replace=False, date="0000-00-00", perpage=PER_PAGE, page=1)
        calendar = query_value(url, "cid") or query_value(url, "cal_id") or "-1"
        return with_query(
            f"{parts.scheme}://{parts.netloc}{LIST_PATH}",
            c=calendar,
            date="0000-00-00",
            perpage=PER_PAGE,
            page=1,
            audience="",
            cats="",
            camps="",
            inc=0,
        )
