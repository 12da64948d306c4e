"""civicplus: a CivicPlus / CivicEngage calendar through its list view, one month a page.

The source URL may be the site, its `/Calendar.aspx?CID=<ids>` page, the calendar's
iCalendar export `/common/modules/iCalendar/iCalendar.aspx?catID=<id>` (read here as the
list view of the same calendar id: the HTML adds its name, the place in parts, cost and
links), an event page `Calendar.aspx?EID=<id>`, or a search range (`startDate`/`enddate`),
the last two read as they are. Options (`[sources.KEY.civicplus]`): `window_days_ahead`
(365; how many months the list view is followed).
"""

from urllib.parse import parse_qsl, urlsplit

from eventhound.extractors.platform import with_query
from eventhound.spider import PlatformSpider


class CivicplusSpider(PlatformSpider):
    name = "civicplus"

    def api_url(self, url: str) -> str:
        parts = urlsplit(url)
        query = {key.lower(): value for key, value in parse_qsl(parts.query)}
        path = parts.path.lower()
        if "eid" in query or (path.endswith("/calendar.aspx") and "startdate" in query):
            return url
        if path.endswith("/calendar.aspx"):
            listing = url
        elif path.endswith("/icalendar.aspx") and query.get("catid"):
            listing = f"{parts.scheme}://{parts.netloc}/Calendar.aspx?CID={query['catid']}"
        else:
            listing = f"{parts.scheme}://{parts.netloc}/Calendar.aspx"
        today = self.today()
        return with_query(listing, replace=False, view="list", month=today.month, year=today.year)
