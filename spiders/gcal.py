"""gcal: events from Google Calendar API v3 event lists (JSON); the base parse follows nextPageToken pages."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from eventhound.items import source_item
from eventhound.spider import EventSpider


def without_api_key(url: str) -> str:
    """The list's URL without its `key=` parameter: an API key is not to be stored with every event."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "key"]
    return urlunsplit(parts._replace(query=urlencode(query)))


class GcalSpider(EventSpider):
    name = "gcal"

    def items(self, raw_events, response):
        page_url = without_api_key(response.url)
        for raw in raw_events:
            yield source_item(self.source, raw, page_url)
