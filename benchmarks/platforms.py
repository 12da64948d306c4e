"""Platform adapters, measured: events read right (title and start instant) per platform,
with the format detected from the content and no source entry, beside what the formats
that came before the adapters read of the same files.

Reads benchmarks/platform_corpus/<platform>.toml: `[[file]]` entries that are either the
project's own fixtures (`fixture = "tests/fixtures/..."`) or real public saved responses
(`repo`, `commit`, `path`), each with `url`, `timezone`, `now`, `expected_count` and
`[[file.event]]` (`title`, `start`) read by eye. A real file is read from the git mirror the
search tool's `fetch` made (`--mirrors`, default `.mirror` beside the project's folder:
`<owner>+<name>[/repo]`); a file
whose mirror is not there is skipped and said. Nothing real is copied into the project. A
response kept inside another file (a recorded HTTP cassette, a JSON literal in source code)
is cut out of it as its entry says (`embedded`).

An expected event is read right when an event with its title (entities and spaces folded,
case-insensitive) starts at its instant (a date: that date). Also printed: the events read
beyond the expected count, and the extractor's own time per event (best of 5 runs).

Example: python benchmarks/platforms.py [--mirrors DIR] [-v]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tomllib
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import same_start, same_title  # noqa: E402

from eventhound import formats  # noqa: E402
from eventhound.extract import Tally, extract_events  # noqa: E402
from eventhound.extractors.base import Context  # noqa: E402
from eventhound.sources import Source  # noqa: E402

CORPUS = ROOT / "benchmarks" / "platform_corpus"
# The formats the project read before the platform adapters: what a new user got.
BEFORE = ("ical", "gcal", "tribe", "confdata", "rss", "schemaorg", "css")


def detect_before(text: str) -> str:
    for name in BEFORE:
        if formats.extractor(name).looks_like(text):
            return name
    return "schemaorg"


def read_text(entry: dict, mirrors: Path) -> str | None:
    if "fixture" in entry:
        return (ROOT / entry["fixture"]).read_text(encoding="utf-8")
    owner, name = entry["repo"].split("/")
    for found in sorted(mirrors.glob(f"{owner}+{name}*")):
        git_dir = found / "repo" if (found / "repo").is_dir() else found
        shown = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{entry['commit']}:{entry['path']}"], capture_output=True
        )
        if shown.returncode == 0:
            return unwrap(entry, shown.stdout.decode("utf-8", errors="replace"))
    return None


def unwrap(entry: dict, text: str) -> str:
    """The served body inside a file that holds it: `embedded = "vcr"` (a recorded HTTP
    cassette: the `interaction`-th response body), or `embedded = "json"` (the JSON value
    right after the text `after` in source code, put in `wrap`'s %s when given)."""
    if entry.get("embedded") == "vcr":
        import yaml

        interaction = yaml.safe_load(text)["http_interactions"][entry.get("interaction", 0)]
        return interaction["response"]["body"]["string"]
    if entry.get("embedded") == "json":
        start = text.index(entry["after"]) + len(entry["after"])
        value, _ = json.JSONDecoder().raw_decode(text, start)
        body = json.dumps(value)
        return entry["wrap"] % body if "wrap" in entry else body
    return text


def score(entry: dict, text: str, fmt: str | None) -> tuple[int, int]:
    """(expected events read right, events read) for one file read as `fmt` (None: detected)."""
    source = Source(key="bench", spider=fmt or "schemaorg", urls=(entry["url"],), timezone=entry["timezone"])
    records = extract_events(text, entry["url"], source, datetime.fromisoformat(entry["now"]), fmt=fmt, stats=Tally())
    right = sum(
        any(same_title(e["title"], r) and same_start(e["start"], r.get("start")) for r in records)
        for e in entry.get("event", [])
    )
    return right, len(records)


def extractor_seconds(entry: dict, text: str, fmt: str, repeat: int = 5) -> float:
    """The extractor's own time on the file (best of `repeat`), without the pipelines."""
    context = Context(now=datetime.fromisoformat(entry["now"]), timezone=entry["timezone"])
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        formats.extractor(fmt).extract(text, entry["url"], context)
        best = min(best, time.perf_counter() - started)
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirrors", type=Path, default=ROOT.parent / ".mirror")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per file")
    args = parser.parse_args(argv)
    totals: dict[str, dict] = defaultdict(lambda: defaultdict(float))
    for toml in sorted(CORPUS.glob("*.toml")):
        for entry in tomllib.loads(toml.read_text(encoding="utf-8")).get("file", []):
            kind = "fixtures" if "fixture" in entry else "real"
            text = read_text(entry, args.mirrors)
            if text is None:
                print(
                    f"  skipped {entry['repo']}@{entry['commit'][:8]}:{entry['path']} (not in a fetched mirror: fetch the repository)"
                )
                continue
            detected = formats.detect_format(text)
            right, read = score(entry, text, None)
            right_before, _ = score(entry, text, detect_before(text))
            seconds = extractor_seconds(entry, text, detected)
            row = totals[(toml.stem, kind)]
            row["files"] += 1
            row["expected"] += len(entry.get("event", []))
            row["right"] += right
            row["before"] += right_before
            row["extra"] += max(0, read - entry.get("expected_count", read))
            row["detected"] += detected == entry["format"]
            row["seconds"] += seconds
            row["read"] += read
            if args.verbose:
                name = entry.get("fixture") or f"{entry['repo']}:{entry['path']}"
                print(
                    f"  {toml.stem:<12} {name[-60:]:<60} detected {detected:<10} right {right}/"
                    f"{len(entry.get('event', []))} (before {right_before}), read {read}"
                )
    print(
        f"{'platform':<12} {'files':<10} {'detected':>8} {'right':>11} {'%':>6} {'before':>7} {'extra':>6} {'µs/event':>9}"
    )
    for kind in ("real", "fixtures"):
        sums = defaultdict(float)
        for (platform, k), row in sorted(totals.items()):
            if k != kind:
                continue
            for key, value in row.items():
                sums[key] += value
            print(
                f"{platform:<12} {int(row['files']):>3} {kind:<6} {int(row['detected']):>8} "
                f"{int(row['right']):>5}/{int(row['expected']):<5} {row['right'] / max(1, row['expected']):6.1%} "
                f"{int(row['before']):>7} {int(row['extra']):>6} {row['seconds'] / max(1, row['read']) * 1e6:9.0f}"
            )
        if sums:
            print(
                f"{'all ' + kind:<12} {int(sums['files']):>3} {'':<6} {int(sums['detected']):>8} "
                f"{int(sums['right']):>5}/{int(sums['expected']):<5} {sums['right'] / max(1, sums['expected']):6.1%} "
                f"{int(sums['before']):>7} {int(sums['extra']):>6}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
