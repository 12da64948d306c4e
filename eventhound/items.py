"""The raw item a spider yields: a source's defaults under one raw extracted event."""

from __future__ import annotations

from eventhound.sources import Source


def source_item(source: Source, raw: dict, page_url: str) -> dict:
    """Merge a raw event over its source's defaults; extracted values win when present."""
    item = source.defaults()
    item.update({k: v for k, v in raw.items() if v not in (None, "")})
    item["source"] = source.key
    item["source_url"] = page_url
    item["_languages"] = source.languages
    if source.career_only:
        item["_career_only"] = True
    if source.include_categories:
        item["_include_categories"] = source.include_categories
    if source.exclude_categories:
        item["_exclude_categories"] = source.exclude_categories
    if source.day_first is not None:
        item["_day_first"] = source.day_first
    return item
