"""eventbrite: an Eventbrite organizer, through API v3 with a token, else through its public organizer page.

A source URL is an organizer page `https://www.eventbrite.com/o/<slug>-<id>`, or an API URL
(`/v3/organizers/<id>/events/`, `/v3/organizations/<id>/events/`). With the source's `token_env` set, an
organizer page becomes `https://www.eventbriteapi.com/v3/organizers/<id>/events/` with the listing
parameters and the window; an API URL keeps its host and gets the parameters it lacks. Without a token
the page itself is read; its next pages come from its showmore endpoint (see the extractor).

Options (`[sources.KEY.eventbrite]`): `window_days_ahead` (365), the API's `start_date.range_end`.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from eventhound.extractors.platform import with_query
from eventhound.spider import PlatformSpider

API = "https://www.eventbriteapi.com/v3/organizers/{id}/events/"
API_PATH = re.compile(r"/v3/(?:organizers|organizations)/\d+/events/?$")
ORGANIZER = re.compile(r"/o/(?:[^/]*-)?(\d{5,})/?$")
EXPAND = "venue,ticket_availability,category,subcategory,format,organizer"


class EventbriteSpider(PlatformSpider):
    name = "eventbrite"

    def api_url(self, url: str) -> str:
        path = urlsplit(url).path
        organizer = ORGANIZER.search(path)
        if API_PATH.search(path):
            api = url
        elif organizer and self.headers():
            api = API.format(id=organizer.group(1))
        else:
            return url  # the organizer page itself (or any other page) is read as published
        end = self.today() + timedelta(days=self.option("window_days_ahead"))
        return with_query(
            api,
            replace=False,
            status="live,started,canceled",
            order_by="start_asc",
            expand=EXPAND,
            time_filter="current_future",
            **{"start_date.range_end": f"{end.isoformat()}T23:59:59"},
        )
