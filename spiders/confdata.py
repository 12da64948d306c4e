"""confdata: tech-conferences/conference-data JSON files (`conferences/<year>/<topic>.json`); the source URLs are the files."""

from eventhound.spider import EventSpider


class ConfdataSpider(EventSpider):
    name = "confdata"
