"""ical: events from iCalendar feeds (.ics, webcal://), one per occurrence within the window."""

from eventhound.spider import EventSpider


class IcalSpider(EventSpider):
    name = "ical"
