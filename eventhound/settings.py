"""Scrapy settings for eventhound: a polite, bounded, safe crawler."""

BOT_NAME = "eventhound"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = "eventhound/0.1 (+https://github.com/eventhound/eventhound; career-event calendar crawler)"
ROBOTSTXT_OBEY = True

# Politeness: a few requests per site at a time, adapted to how fast the site answers.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Items per response processed in parallel. Scrapy starts this many tasks for every
# callback's output; a page yields a handful of events and the pipelines are synchronous,
# so 100 (the default) only costs time: measured in benchmarks/crawl.py.
CONCURRENT_ITEMS = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Bounds: event pages are small; refuse anything huge or slow.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 1
# 429/503 with Retry-After: wait as asked, within a per-source budget (eventhound/middlewares.py)
DOWNLOADER_MIDDLEWARES = {
    "eventhound.middlewares.RetryAfterMiddleware": 560,
    "eventhound.middlewares.DownloadFaultMiddleware": 950,
}
EVENTHOUND_RETRY_AFTER_BUDGET = 120
EVENTHOUND_RETRY_AFTER_TIMES = 3
# A source's time budget: its crawl is closed after this many seconds (a partial crawl: it
# stores what it read, reports "crawl ended early" and marks nothing removed). Per source:
# settings = { CLOSESPIDER_TIMEOUT = 300 }.
CLOSESPIDER_TIMEOUT = 1800
# Repeat visits (eventhound/httpcache.py): every request asks again (max-age=0) with the
# validators of the copy kept from the last visit; a 304 is read from that copy. The
# copies are kept beside the database (`events.httpcache/`); `-s HTTPCACHE_ENABLED=False`
# downloads everything afresh.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en",
    "Cache-Control": "max-age=0",
}
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "eventhound.httpcache.RevalidatePolicy"
HTTPCACHE_GZIP = True
REDIRECT_MAX_TIMES = 5
DEPTH_LIMIT = 20

# Scrapy 2.19 starts a remote-control server by default that runs code sent to it.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

ITEM_PIPELINES = {
    "pipelines.locate.AddressPipeline": 80,
    "pipelines.locate.PlaceZonePipeline": 90,
    "pipelines.dates.NormalizeDatesPipeline": 100,
    "pipelines.validate.ValidatePipeline": 200,
    "pipelines.categories.CategoriesPipeline": 250,
    "pipelines.status.StatusPipeline": 300,
    "pipelines.attendance.AttendancePipeline": 310,
    "pipelines.cost.CostPipeline": 320,
    "pipelines.classify.ClassifyPipeline": 400,
    "pipelines.topics.TopicsPipeline": 410,
    "pipelines.topics.AudiencePipeline": 420,
    "pipelines.locate.GeocodePipeline": 500,
    "pipelines.identify.IdentifyPipeline": 790,
    "pipelines.identify.RecordPipeline": 800,
    "pipelines.store.StorePipeline": 900,
}
# Items go through the pipelines in batches, one pipeline at a time (eventhound/batches.py):
# up to EVENTHOUND_BATCH_SIZE items, or what arrives within EVENTHOUND_BATCH_SECONDS.
ITEM_PROCESSOR = "eventhound.batches.BatchedPipelines"
EVENTHOUND_BATCH_SIZE = 64
EVENTHOUND_BATCH_SECONDS = 0.05
# The pipelines `eventhound extract` runs: all of the above but the database.
EXTRACT_PIPELINES = [p for p in sorted(ITEM_PIPELINES, key=ITEM_PIPELINES.get) if not p.endswith("StorePipeline")]

EXTENSIONS = {
    "eventhound.runlog.RunLog": 500,
}

# Where the store pipeline writes; `eventhound crawl --db` overrides it.
EVENTHOUND_DB = "events.db"
# Rebuild the search index when each source's crawl ends (`scrapy crawl`); `eventhound crawl`
# turns it off and rebuilds once after every source.
EVENTHOUND_INDEX_EACH_SOURCE = True
# The crawl's "now" as ISO 8601; empty means the clock at crawl start.
EVENTHOUND_NOW = ""
# How many dateless event links a listing may make a spider follow.
EVENTHOUND_MAX_FOLLOW = 500
# The career model file (eventhound train writes one); empty: the one the package ships.
EVENTHOUND_CAREER_MODEL = ""
# Add each pipeline's process_item seconds to the stats (eventhound/seconds/<class>).
EVENTHOUND_TIME_PIPELINES = False

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
