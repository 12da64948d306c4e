"""JobReport: a Scrapy extension for Scrapyd jobs that writes the crawl's stats beside its items.

A job on a Scrapyd node writes its records through FEEDS (`<items_dir>/<project>/<spider>/
<job>.jl`, set by Scrapyd); this extension writes `<job>.run.json` next to that file at the
end of the crawl: the source key, start and end instants, the finish reason and the stats,
which the coordinator (eventhound/scrapyd.py) turns into the same `runs` row a local crawl
writes. A job that dies before it ends leaves no report: the coordinator reports that.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured


def report_path(feeds: dict) -> Path | None:
    """The report's path: the local `.jl` feed's, with `.run.json` for `.jl`."""
    for uri in feeds:
        parts = urlsplit(str(uri))
        if parts.scheme in ("", "file") and parts.path.endswith(".jl"):
            return Path(unquote(parts.path)).with_suffix(".run.json")
    return None


def iso_now() -> str:
    """Now as eventhound.db.iso_utc writes it (`runs` rows sort as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class JobReport:
    def __init__(self, path: Path, stats):
        self.path, self.stats = path, stats
        self.started = iso_now()

    @classmethod
    def from_crawler(cls, crawler):
        path = report_path(crawler.settings.getdict("FEEDS"))
        if path is None:
            raise NotConfigured("JobReport needs a local .jl feed (Scrapyd's items_dir)")
        report = cls(path, crawler.stats)
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        return report

    def spider_closed(self, spider, reason):
        source = getattr(spider, "source", None)
        stats = {**self.stats.get_stats(), "finish_reason": reason}
        body = {
            "source": source.key if source is not None else spider.name,
            "started": self.started,
            "finished": iso_now(),
            "stats": stats,
        }
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, default=str, sort_keys=True))
        tmp.replace(self.path)
