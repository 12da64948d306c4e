"""Career relevance and event type on events no model was trained on: the learned model
against the old phrase rules, side by side.

Scores the `test` split of the labelled events (eventhound/data/relevance/labels.tsv:
publishers never trained or tuned on, whole city calendars in their natural mix):
career-vs-not precision and recall, nine-type accuracy, the type of career events, the
confusion matrix, and for each whole mixed calendar what `career_only` would keep; beside
them a second, blind human-style reading of the split (second_reading.tsv), scored the same
way: the ceiling that the labels themselves allow. Then
the same on ../shared/corpus/event_types.tsv when it is there, and the cost per event.

Example: python benchmarks/classify.py [--labels F] [--split test] [--misses]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventhound.training import LABELS, read_labels  # noqa: E402
from pipelines.classify import EVENT_TYPES, ClassifyPipeline, normalize, type_rules  # noqa: E402

NOW = datetime(2027, 1, 1, tzinfo=UTC)
CORPUS = ROOT.parent / "shared" / "corpus" / "event_types.tsv"
# A second, blind reading of the test split by the same guide: how far two readers agree
SECOND_READING = LABELS.parent / "second_reading.tsv"


class Stats(Counter):
    def inc_value(self, key, count=1, start=0):
        self[key] += count


def by_model(pipeline: ClassifyPipeline, row: dict) -> str:
    return pipeline.process_item({"title": row["title"], "description": row["description"]})["event_type"]


def by_rules(row: dict) -> str:
    rules = type_rules()
    return rules.classify(
        normalize(row["title"]),
        normalize(row["description"][: rules.description_chars]),
        raw_title=row["title"],
        raw_description=row["description"],
    )[0]


def second_reading(rows: list[dict], path: Path = SECOND_READING) -> list[str] | None:
    """The second reader's labels of these rows, when it read them all."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8", newline="") as handle:
        read = {r["id"]: r["label"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    return [read[r["id"]] for r in rows] if all(r["id"] in read for r in rows) else None


def figures(rows: list[dict], got: list[str]) -> dict:
    truth = [r["label"] != "other" for r in rows]
    said = [g != "other" for g in got]
    tp = sum(t and s for t, s in zip(truth, said))
    career = [(r["label"], g) for r, g in zip(rows, got) if r["label"] != "other"]
    return {
        "precision": tp / max(1, sum(said)),
        "recall": tp / max(1, sum(truth)),
        "said": sum(said),
        "career": sum(truth),
        "nine": sum(r["label"] == g for r, g in zip(rows, got)) / max(1, len(rows)),
        "career_typed": sum(want == g for want, g in career) / max(1, len(career)),
        "found_typed": sum(want == g for want, g in career) / max(1, sum(g != "other" for _, g in career)),
    }


def print_side_by_side(title: str, rows: list[dict], results: dict[str, list[str]]) -> None:
    print(f"\n## {title}: {len(rows)} events, {sum(r['label'] != 'other' for r in rows)} career events")
    print(f"{'':<8} {'precision':>9} {'recall':>7} {'nine-type':>9} {'career typed right':>19} {'of those found':>15}")
    for name, got in results.items():
        f = figures(rows, got)
        print(
            f"{name:<8} {f['precision']:9.3f} {f['recall']:7.3f} {f['nine']:9.1%} {f['career_typed']:19.1%}"
            f" {f['found_typed']:15.1%}   ({f['said']} said career)"
        )


def print_confusion(rows: list[dict], got: list[str]) -> None:
    counts = Counter((r["label"], g) for r, g in zip(rows, got))
    short = {t: t[:6] for t in EVENT_TYPES}
    print("\nconfusion (rows: label, columns: model)")
    print(f"{'':<20}" + "".join(f"{short[t]:>7}" for t in EVENT_TYPES))
    for want in EVENT_TYPES:
        print(f"{want:<20}" + "".join(f"{counts[(want, g)]:>7}" for g in EVENT_TYPES))


def print_calendars(rows: list[dict], got: list[str], whole_cities: set[str], least: int = 40) -> None:
    """What career_only keeps of each calendar of the split, and of each city's aggregated calendar
    (`whole_cities`: those labelled whole, in their natural mix)."""
    by_publisher = defaultdict(list)
    for row, g in zip(rows, got):
        by_publisher[row["publisher"]].append((row["label"], g))
    print(f"\ncareer_only on whole calendars of the split (≥ {least} events): kept, career among kept")
    kept_all = right_all = 0
    for publisher, pairs in sorted(by_publisher.items(), key=lambda p: -len(p[1])):
        kept = [want for want, g in pairs if g != "other"]
        kept_all += len(kept)
        right_all += sum(want != "other" for want in kept)
        if len(pairs) >= least:
            career = sum(want != "other" for want, _ in pairs)
            print(
                f"  {publisher[:44]:<44} {len(pairs):>4} events, {career:>3} career; kept {len(kept):>3}, "
                f"career {sum(w != 'other' for w in kept):>3}"
            )
    print(
        f"  all calendars of the split: kept {kept_all}, of them career {right_all} "
        f"({right_all / max(1, kept_all):.1%})"
    )
    by_city = defaultdict(lambda: [0, 0, 0])  # whole city aggregates ("davis:..."): events, kept, career kept
    for row, g in zip(rows, got):
        city, sep, _ = row["publisher"].partition(":")
        if sep and row["origin"].startswith("judell/community-calendar"):
            by_city[city][0] += 1
            by_city[city][1] += g != "other"
            by_city[city][2] += g != "other" and row["label"] != "other"
    for city, (events, kept, right) in sorted(by_city.items()):
        career = sum(r["label"] != "other" for r in rows if r["publisher"].startswith(city + ":"))
        whole = "the whole city calendar" if city in whole_cities else "this split's calendars of the city"
        print(
            f"  {city} ({whole}: {events} events, {career} career): kept {kept}, of them career {right} "
            f"({right / max(1, kept):.1%})"
        )


def corpus_rows() -> list[dict]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return [
            {"title": r["title"], "description": r.get("description_snippet", ""), "label": r["label"]}
            for r in csv.DictReader(handle, delimiter="\t")
        ]


def timing(rows: list[dict], repeat: int) -> None:
    items = [{"title": r["title"], "description": r["description"]} for r in rows]
    pipeline = ClassifyPipeline(NOW, Stats())
    judge = pipeline.judge  # uncached: every event read anew
    rules = pipeline.rules
    started = time.perf_counter()
    for _ in range(repeat):
        for item in items:
            title, description = normalize(item["title"]), normalize(item["description"][: rules.description_chars])
            judge(title, description, (), (), item["title"], item["description"][: rules.description_chars])
    model_us = (time.perf_counter() - started) / (repeat * len(items)) * 1e6
    started = time.perf_counter()
    for _ in range(repeat):
        for row in rows:
            by_rules(row)
    rules_us = (time.perf_counter() - started) / (repeat * len(items)) * 1e6
    print(
        f"\ncost per event, warm, uncached: model {model_us:.1f} µs, old rules {rules_us:.1f} µs "
        f"(ratio {model_us / rules_us:.2f})"
    )
    code = "import time; t=time.perf_counter(); import pipelines.classify as c; c.type_rules(); {}; print(time.perf_counter()-t)"
    load = "from eventhound.relevance import career_model; career_model()"
    for name, extra in (("rules only", "pass"), ("rules + model", load)):
        runs = sorted(
            float(
                subprocess.run(
                    [sys.executable, "-c", code.format(extra)], cwd=ROOT, text=True, capture_output=True, check=True
                ).stdout
            )
            for _ in range(5)
        )
        print(f"start-up ({name}): {runs[2] * 1000:.0f} ms (median of 5 processes)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--split", default="test", choices=("train", "dev", "test"))
    parser.add_argument("--misses", action="store_true", help="list the model's wrong answers")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the split for the timing")
    args = parser.parse_args(argv)

    rows = [r for r in read_labels(args.labels) if r["split"] == args.split]
    pipeline = ClassifyPipeline(NOW, Stats())
    model = [by_model(pipeline, r) for r in rows]
    rules = [by_rules(r) for r in rows]
    results = {"model": model, "rules": rules}
    reader = second_reading(rows)
    if reader:
        results["reader 2"] = reader  # a blind second reading, scored against the labels like the others
    print_side_by_side(f"{args.split} split (publishers never trained on)", rows, results)
    print_confusion(rows, model)
    every = read_labels(args.labels)
    cities = {r["publisher"].partition(":")[0] for r in every if r["origin"].startswith("judell/community-calendar")}
    whole = {c for c in cities if all(r["split"] == args.split for r in every if r["publisher"].startswith(c + ":"))}
    print_calendars(rows, model, whole)
    if args.misses:
        print("\nmisses of the model (label -> model)")
        for row, got in zip(rows, model):
            if got != row["label"]:
                print(f"  [{row['label']} -> {got}] {row['title'][:80]!r} ({row['publisher']})")
    if CORPUS.exists():
        corpus = corpus_rows()
        print_side_by_side(
            "../shared/corpus/event_types.tsv (never trained on)",
            corpus,
            {"model": [by_model(pipeline, r) for r in corpus], "rules": [by_rules(r) for r in corpus]},
        )
    timing(rows, args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
