"""Accuracy over the shared corpus's iCalendar files: expected events found with the right title and start.

Runs every `ics` file of the corpus manifest through `eventhound.extract.extract_events`
(format detected from the content, then the same pipelines as a crawl) and compares with
the manifest's expected events: the title (entities and whitespace normalized,
case-insensitive) and the start — as an instant where the expectation has an offset, as
a wall time where it is floating, as a date where it is a date. Also checks the status
where the manifest states "cancelled".

Each file gets its own `now`: the earliest expected start + 30 days, so that the expected
occurrences fall inside the default window (30 days back, 365 days ahead). Where the
expected events span more than the window (calagator's Google export: 2007-01 to
2008-03) the ones outside it are reported as misses.

Unexpected events are split in two: occurrences of a series the manifest lists by its
master only (calagator's Google export lists the 47 VEVENTs "with no expansion counted":
their other occurrences are right, not noise), and the rest.

Example: python benchmarks/corpus_ical.py ../shared/corpus -v
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import timedelta
from pathlib import Path

from corpus import (  # the same matching rules as benchmarks/corpus.py
    instant,
    norm_title,
    same_start,
    same_title,
)

from eventhound.extract import Tally, extract_events
from eventhound.sources import Source

KINDS = ("ics",)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    parser.add_argument("corpus", nargs="?", default=str(default))
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not (corpus / "manifest.json").exists():
        sys.exit(f"no corpus at {corpus}")
    totals = {"found": 0, "expected": 0, "series_extra": 0, "unexpected": 0, "status_ok": 0, "status_n": 0}
    print(f"{'file':58s} {'now':10s} {'found':>9s} {'extra occ.':>10s} {'unexpected':>10s}  errors")
    for entry in json.loads((corpus / "manifest.json").read_text()):
        if entry["kind"] not in KINDS:
            continue
        expected = entry["expected"]
        tz = next((e.get("source_timezone") for e in expected if e.get("source_timezone")), None) or "UTC"
        now = min(instant(e["start"]) for e in expected) + timedelta(days=30)
        page_url = "https://corpus.example/" + Path(entry["file"]).name
        source = Source(key="corpus", spider="ical", urls=(page_url,), timezone=tz)
        text = (corpus / entry["file"]).read_bytes().decode("utf-8", errors="replace")
        stats = Tally()
        records = extract_events(text, page_url, source, now, stats=stats)
        unmatched = list(records)
        found = 0
        matched_series = set()
        for want in expected:
            hit = next(
                (r for r in unmatched if same_title(want["title"], r) and same_start(want["start"], r["start"])), None
            )
            if hit:
                found += 1
                unmatched.remove(hit)
                if hit.get("series_id"):
                    matched_series.add(hit["series_id"])
                if want.get("status") == "cancelled":
                    totals["status_n"] += 1
                    totals["status_ok"] += hit["status"] == "cancelled"
            elif args.verbose:
                near = [
                    (r["title"], r["start"]) for r in records if norm_title(r["title"]) == norm_title(want["title"])
                ]
                print(f"  miss {entry['file']}: {want['title']!r} {want['start']}  got {near[:3]}")
        listed_series = {e["title"] for e in expected if e.get("rrule")}
        series_extra = [
            r
            for r in unmatched
            if r.get("series_id") and (r["series_id"] in matched_series or r["title"] in listed_series)
        ]
        unexpected = [r for r in unmatched if r not in series_extra]
        if args.verbose:
            for r in unexpected:
                print(f"  unexpected {entry['file']}: {r['title']!r} {r['start']}")
        totals["found"] += found
        totals["expected"] += len(expected)
        totals["series_extra"] += len(series_extra)
        totals["unexpected"] += len(unexpected)
        errors = {
            k.rsplit("/", 1)[1]: v
            for k, v in stats.items()
            if k.startswith(("eventhound/extract_errors/", "eventhound/extract_warnings/"))
        }
        name = Path(entry["file"]).name
        print(
            f"{name[:58]:58s} {now.date().isoformat():10s} {found:4d}/{len(expected):<4d} "
            f"{len(series_extra):10d} {len(unexpected):10d}  {errors or ''}"
        )
    print(
        f"{'ics':58s} {'':10s} {totals['found']:4d}/{totals['expected']:<4d} {totals['series_extra']:10d} "
        f"{totals['unexpected']:10d}  ({totals['found'] / max(totals['expected'], 1):.0%} found; "
        f"cancelled status right {totals['status_ok']}/{totals['status_n']})"
    )


if __name__ == "__main__":
    main()
