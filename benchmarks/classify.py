"""Event-type accuracy and cost of pipelines/classify.py on a labeled corpus.

Reads a TSV with columns title, description_snippet (or description), label; classifies
each row from its title and description alone (no schema.org type, category or source
default: the hardest case) and prints accuracy per type, overall, the confusions, and the
time per item of ClassifyPipeline (and the topic and audience pipelines).

Example: python benchmarks/classify.py ../shared/corpus/event_types.tsv [--misses]
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipelines.classify import EVENT_TYPES, ClassifyPipeline  # noqa: E402
from pipelines.topics import AudiencePipeline, TopicsPipeline  # noqa: E402

NOW = datetime(2027, 1, 1, tzinfo=timezone.utc)


class Stats(Counter):
    def inc_value(self, key, count=1, start=0):
        self[key] += count


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [{"title": r["title"], "description": r.get("description_snippet", r.get("description", "")),
                 "label": r["label"]} for r in csv.DictReader(handle, delimiter="\t")]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tsv", type=Path, nargs="?", default=Path("../shared/corpus/event_types.tsv"))
    parser.add_argument("--misses", action="store_true", help="list every wrong answer with its reason")
    parser.add_argument("--repeat", type=int, default=200, help="passes over the corpus for the timing")
    args = parser.parse_args(argv)

    data = rows(args.tsv)
    classify = ClassifyPipeline(NOW, Stats())
    results = []
    for row in data:
        item = classify.process_item({"title": row["title"], "description": row["description"]})
        results.append((row, item["event_type"], item["type_reason"]))

    total = Counter(r["label"] for r, _, _ in results)
    right = Counter(r["label"] for r, got, _ in results if got == r["label"])
    print(f"{'type':<20} {'right':>5} / {'all':<4} accuracy")
    for kind in EVENT_TYPES:
        if total[kind]:
            print(f"{kind:<20} {right[kind]:>5} / {total[kind]:<4} {right[kind] / total[kind]:6.1%}")
    overall = sum(right.values()) / max(1, len(results))
    print(f"{'overall':<20} {sum(right.values()):>5} / {len(results):<4} {overall:6.1%}")

    confusions = Counter((r["label"], got) for r, got, _ in results if got != r["label"])
    if confusions:
        print("\nconfusions (expected -> got: count)")
        for (want, got), count in confusions.most_common():
            print(f"  {want} -> {got}: {count}")
    if args.misses:
        print("\nmisses")
        for row, got, reason in results:
            if got != row["label"]:
                print(f"  [{row['label']} -> {got}] {row['title']!r}  ({reason})")

    pipelines = [ClassifyPipeline(NOW, Stats()), TopicsPipeline(NOW, Stats()), AudiencePipeline(NOW, Stats())]
    items = [{"title": r["title"], "description": r["description"]} for r in data] * args.repeat
    for label, chain in (("classify", pipelines[:1]), ("classify+topics+audience", pipelines)):
        batch = [dict(i) for i in items]
        started = time.perf_counter()
        for item in batch:
            for pipeline in chain:
                item = pipeline.process_item(item)
        elapsed = time.perf_counter() - started
        print(f"\n{label}: {elapsed / len(batch) * 1e6:.1f} µs per item ({len(batch)} items)", end="")
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
