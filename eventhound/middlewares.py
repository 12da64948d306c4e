"""Downloader middlewares: RetryAfterMiddleware and DownloadFaultMiddleware.

RetryAfterMiddleware: a 429 or 503 answer with a Retry-After header is asked again after
the wait the server names, while the source's time budget for such waits lasts.

Settings: EVENTHOUND_RETRY_AFTER_BUDGET (seconds one source may spend waiting, 120) and
EVENTHOUND_RETRY_AFTER_TIMES (how often one request is asked again, 3). A wait over the
budget, or a Retry-After that is not a number of seconds or an HTTP date, leaves the answer
as it is (Scrapy's retry and the spider's errback then see it: "HTTP 429"); the stats count
`eventhound/retry_after/waits`, `.../seconds` and `.../over_budget`.

DownloadFaultMiddleware (nearest the downloader) notes the cause of every failed download
(`eventhound/last_download_fault`). When the HTTP cache then answers with the copy kept
from the last visit (Scrapy's stat `httpcache/errorrecovery`), the run still reports the
fault in its own words (eventhound/runlog.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.task import deferLater

from eventhound.faults import cause

STATUSES = (429, 503)


def retry_after_seconds(value: bytes | str | None, now: datetime) -> float | None:
    """Seconds to wait by a Retry-After value: delta-seconds or an HTTP date; None when unreadable."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, stats, budget: float, times: int):
        self.stats, self.budget, self.times = stats, budget, times
        self.spent = 0.0  # one crawler crawls one source: its budget

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(
            crawler.stats,
            settings.getfloat("EVENTHOUND_RETRY_AFTER_BUDGET", 120.0),
            settings.getint("EVENTHOUND_RETRY_AFTER_TIMES", 3),
        )

    async def process_response(self, request, response, spider=None):
        if response.status not in STATUSES or "Retry-After" not in response.headers:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"), datetime.now(UTC))
        tries = request.meta.get("retry_after_times", 0)
        if wait is None or tries >= self.times or self.spent + wait > self.budget:
            self.stats.inc_value("eventhound/retry_after/over_budget")
            return response
        self.spent += wait
        self.stats.inc_value("eventhound/retry_after/waits")
        self.stats.inc_value("eventhound/retry_after/seconds", wait)
        await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        return request.replace(dont_filter=True, meta={**request.meta, "retry_after_times": tries + 1})


class DownloadFaultMiddleware:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_exception(self, request, exception, spider=None):
        self.stats.set_value("eventhound/last_download_fault", f"{request.url}: {cause(exception)}")
        return None
