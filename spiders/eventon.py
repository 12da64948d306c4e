"""eventon: an EventON calendar page read as it is printed; when its calendars load their
events by AJAX (EventON 4.6+), the page's `eventon_init_load` POST (its nonce and each
calendar's shortcode, the window from today to `window_days_ahead`) is made and its JSON read.

Options (`[sources.KEY.eventon]`): `window_days_ahead` (365).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import scrapy

from eventhound.extractors import eventon
from eventhound.spider import PlatformSpider, page_text


class EventonSpider(PlatformSpider):
    name = "eventon"

    def parse(self, response):
        request = self.init_load(response)
        if request is None:
            yield from super().parse(response)
            return
        self.crawler.stats.inc_value("eventhound/pages")
        extraction = eventon.extract(page_text(response), response.url, self.context)
        self.count_errors([code for code in extraction.errors if code != "eventon_loaded_by_ajax"])
        yield from self.items(extraction.events, response)
        yield request

    def init_load(self, response):
        """The POST that loads the page's AJAX calendars over the window; None when there are none."""
        text = getattr(response, "text", "")
        if "ajax_loading_cal" not in text or text.lstrip().startswith("{"):
            return None
        start = datetime.combine(self.today(), time(0), ZoneInfo(self.source.timezone))
        end = start + timedelta(days=self.option("window_days_ahead"))
        found = eventon.init_load_request(text, response.url, start, end)
        if found is None:
            return None
        url, fields = found
        return scrapy.FormRequest(
            url,
            formdata=fields,
            callback=self.parse,
            errback=self.fetch_failed,
            headers={"X-Requested-With": "XMLHttpRequest"},
            dont_filter=True,
        )
