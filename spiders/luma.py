"""luma: a Luma calendar through its items API (`/calendar/get-items`), paged by `pagination_cursor`.

A source URL that names the calendar's id (`cal-...`: the API itself, an embed
`https://lu.ma/embed/calendar/cal-.../events`, `?calendar_api_id=`) is asked the items API
directly (`period=future`, 50 a page). A calendar page by its name (`https://lu.ma/<slug>`)
is read itself: its `__NEXT_DATA__` gives the teaser events and the calendar's id, and the
extractor's next page is that calendar's items API (on api2.luma.com, added to the sites).

Options (`[sources.KEY.luma]`): `window_days_ahead` (365): the API has no date window, so the
extractor leaves out later events and stops paging past them.
"""

from urllib.parse import urlsplit

from eventhound.extractors.luma import API, CAL_ID, PAGE_SIZE, items_url
from eventhound.extractors.platform import with_query
from eventhound.spider import PlatformSpider


class LumaSpider(PlatformSpider):
    name = "luma"

    def api_url(self, url: str) -> str:
        self.sites.add(urlsplit(API).netloc)  # a calendar page's next page is the items API
        if "/calendar/get-items" in urlsplit(url).path:
            return with_query(url, replace=False, period="future", pagination_limit=PAGE_SIZE)
        if match := CAL_ID.search(url):
            return items_url(match.group(0))
        return url
