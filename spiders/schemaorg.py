"""schemaorg: events from schema.org Event markup (JSON-LD, microdata, RDFa) on HTML pages."""

from eventhound.spider import EventSpider


class SchemaorgSpider(EventSpider):
    name = "schemaorg"
