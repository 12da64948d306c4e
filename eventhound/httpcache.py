"""Repeat visits: conditional requests through Scrapy's HTTP cache, so an unchanged feed is
not downloaded again.

Every night asks the publisher again (each request carries `Cache-Control: max-age=0`, set
in settings DEFAULT_REQUEST_HEADERS), with the validators of the copy kept from the last
visit (`If-None-Match` from its ETag, `If-Modified-Since` from its Last-Modified): Scrapy's
RFC 2616 policy adds them. A 304 answer is read from the kept copy, so its events are seen
as on any night. `RevalidatePolicy` narrows that policy in two ways:

- only a 200 answer with a validator is kept: anything else could not be asked about;
- only a 304 reuses the copy: a 5xx answer is the publisher's failure, reported as such,
  not hidden behind the copy (RFC 2616 allows serving it; a health report must not).

The copies live beside the database (`events.httpcache/` for `events.db`), gzipped, one
directory per request (Scrapy's FilesystemCacheStorage). `prune_cache` deletes the copies
not asked about for some days (`eventhound prune`).
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from scrapy.extensions.httpcache import RFC2616Policy


class RevalidatePolicy(RFC2616Policy):
    def should_cache_response(self, response, request) -> bool:
        cache_control = response.headers.get(b"Cache-Control", b"") or b""
        has_validator = b"ETag" in response.headers or b"Last-Modified" in response.headers
        return response.status == 200 and has_validator and b"no-store" not in cache_control.lower()

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304


def cache_dir(db_path: str | Path) -> Path:
    """Where the copies of a database's crawls are kept: `events.httpcache` beside `events.db`."""
    path = Path(db_path).resolve()
    return path.with_name(path.stem + ".httpcache")


def prune_cache(directory: str | Path, older_than_days: int, now: float | None = None) -> int:
    """Delete the kept copies not stored or revalidated for `older_than_days`; returns how many."""
    cutoff = (time.time() if now is None else now) - older_than_days * 86400
    removed = 0
    for meta in Path(directory).glob("*/*/*/pickled_meta"):  # spider/xx/fingerprint/
        if meta.stat().st_mtime < cutoff:
            shutil.rmtree(meta.parent, ignore_errors=True)
            removed += 1
    return removed
