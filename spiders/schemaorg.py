"""schemaorg: events from schema.org Event markup (JSON-LD, microdata, RDFa) on HTML pages."""

from scrapy.http import TextResponse

from eventhound.extractors.schemaorg import extract_schemaorg
from eventhound.spider import EventSpider


class SchemaorgSpider(EventSpider):
    name = "schemaorg"

    def parse(self, response):
        if not isinstance(response, TextResponse):
            self.count_errors(["not_text"])
            return
        self.crawler.stats.inc_value("eventhound/pages")
        extraction = extract_schemaorg(response.text, response.url)
        self.count_errors(extraction.errors)
        yield from self.items(extraction.events, response)
        for url in extraction.follow:
            if request := self.follow(url, self.parse):
                yield request
        if extraction.next_page and (request := self.follow(extraction.next_page, self.parse)):
            yield request
