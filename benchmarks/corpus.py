"""Accuracy over the shared corpus: expected events found with the right title and start, per kind.

Runs every jsonld/microdata/rdfa/hcalendar file listed in the corpus manifest through
`eventhound.extract.extract_events` (the extractor and every pipeline but the database),
with the publisher's zone as the source's zone (the file's `source_timezone`, else the
upstream spider's zone its notes name, else UTC), and
compares with the manifest's expected events: the title (entities and whitespace
normalized, case-insensitive; an expected title of null — a page that names no title —
matches any; a title that starts or ends with a status, "Canceled – Board Meeting", is
stored without it and its status recorded: that record must say the status) and the start — as an instant where the expectation has an offset, as a wall
time where it is floating, as a date where it is a date.

The plain-HTML files (html-listing, html-detail, tribe-html) are read by the css format
with the test-only entry `[sources.<file stem>]` of benchmarks/corpus_sources.toml (the
page's own selectors and zone); the hcalendar file by the schemaorg format. The feeds
(tribe-json, rss, xml-feed) are read by the format `eventhound extract` detects in them.

Example: python benchmarks/corpus.py ../shared/corpus
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from eventhound.extract import Tally, extract_events
from eventhound.sources import Source, load_sources
from pipelines.status import title_status

KINDS = (
    "jsonld",
    "microdata",
    "rdfa",
    "hcalendar",
    "html-listing",
    "html-detail",
    "tribe-html",
    "tribe-json",
    "rss",
    "xml-feed",
)
CSS_KINDS = ("html-listing", "html-detail", "tribe-html")
CSS_SOURCES = Path(__file__).resolve().parent / "corpus_sources.toml"
NOW = datetime(2026, 11, 28, tzinfo=UTC)


def norm_title(text: str | None) -> str:
    return re.sub(r"\s+", " ", html.unescape(text or "")).strip().casefold()


def same_title(expected: str | None, record: dict) -> bool:
    """The record's title is the expected one, or the expected one without its status words
    ("Canceled – PEDFA Board Meeting" is stored as "PEDFA Board Meeting", status cancelled)."""
    if expected is None or norm_title(record["title"]) == norm_title(expected):
        return True
    status, rest, phrase = title_status(html.unescape(expected))
    return phrase is not None and norm_title(record["title"]) == norm_title(rest) and record.get("status") == status


def same_start(expected: str, got: str | None) -> bool:
    if not got:
        return False
    if len(expected) == 10:  # a date, and nothing more: a time would be invented
        return got == expected
    want = datetime.fromisoformat(expected)
    have = datetime.fromisoformat(got) if len(got) > 10 else None
    if have is None:
        return False
    if want.tzinfo is None:  # floating: compare wall times
        return have.replace(tzinfo=None) == want
    return have == want


def instant(value: str) -> datetime:
    """An expected start as an instant (a date is its midnight; floating is read as UTC)."""
    moment = datetime.fromisoformat(value if len(value) > 10 else value + "T00:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def publisher_zone(entry: dict) -> str:
    """The zone a crawler's source entry would give this file: the manifest's
    `source_timezone`, else the upstream spider's zone its notes name ("spider timezone
    America/Detroit"), else UTC."""
    stated = next((e["source_timezone"] for e in entry["expected"] if e.get("source_timezone")), None)
    named = re.search(
        r"spider timezone ([A-Z][a-z]+/[A-Z][A-Za-z_]+)",
        f"{entry.get('expected_source') or ''} {entry.get('notes') or ''}",
    )
    return stated or (named[1] if named else "UTC")


def crawled_at(expected: list[dict]) -> datetime:
    """The file's "now": the day before its first expected event, as a crawl reads a calendar
    before its events (a series is expanded from there); NOW when nothing is dated."""
    starts = [instant(e["start"]) for e in expected if e.get("start")]
    return min(starts) - timedelta(days=1) if starts else NOW


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    parser.add_argument("corpus", nargs="?", default=str(default))
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--per-file", action="store_true", help="a line per file")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not (corpus / "manifest.json").exists():
        sys.exit(f"no corpus at {corpus}")
    found, expected_n, unexpected = defaultdict(int), defaultdict(int), defaultdict(int)
    css_sources = load_sources(CSS_SOURCES)
    for entry in json.loads((corpus / "manifest.json").read_text()):
        if entry["kind"] not in KINDS:
            continue
        kind, expected = entry["kind"], entry["expected"]
        tz = publisher_zone(entry)
        page_url = "https://corpus.example/" + Path(entry["file"]).name.replace(" ", "%20")
        source, fmt = Source(key="corpus", spider="schemaorg", urls=(page_url,), timezone=tz), None
        if kind in CSS_KINDS:
            source, fmt = css_sources[Path(entry["file"]).stem], "css"
        elif kind == "hcalendar":
            fmt = "schemaorg"
        text = (corpus / entry["file"]).read_bytes().decode("utf-8", errors="replace")
        records = extract_events(text, page_url, source, crawled_at(expected), fmt=fmt, stats=Tally())
        file_found = 0
        unmatched = list(records)
        for want in expected:
            hit = next(
                (r for r in unmatched if same_title(want["title"], r) and same_start(want["start"], r["start"])), None
            )
            expected_n[kind] += 1
            if hit:
                found[kind] += 1
                file_found += 1
                unmatched.remove(hit)
            elif args.verbose:
                near = [
                    (r["title"], r["start"]) for r in records if norm_title(r["title"]) == norm_title(want["title"])
                ]
                print(f"  miss {entry['file']}: {want['title']!r} {want['start']}  got {near[:3]}")
        if entry.get("expected_count") is not None:
            unexpected[kind] += len(unmatched)
        if args.per_file:
            print(f"  {kind:12s} {file_found:3d} / {len(expected):3d}, {len(unmatched)} unexpected  {entry['file']}")
    total_found, total = sum(found.values()), sum(expected_n.values())
    for kind in KINDS:
        print(
            f"{kind:12s} {found[kind]:3d} / {expected_n[kind]:3d} expected events right "
            f"({found[kind] / max(expected_n[kind], 1):.0%}), {unexpected[kind]} unexpected"
        )
    print(f"{'all':12s} {total_found:3d} / {total:3d} ({total_found / max(total, 1):.0%})")


if __name__ == "__main__":
    main()
