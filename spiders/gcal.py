"""gcal: events from Google Calendar API v3 event lists (JSON); the base parse follows nextPageToken pages."""

from eventhound.spider import EventSpider


class GcalSpider(EventSpider):
    name = "gcal"
