"""How the career model grows with labelled data: fitted on a growing share of the train and
dev publishers (whole publishers drawn at random), scored on the test split.

Prints, per share, the labelled rows used, the average precision of career_score and the
best recall at precision 0.90 and 0.95: how much more labelling the model would need to
reach a target. Needs scikit-learn (the `train` extra). C is the packaged model's.

Example: python benchmarks/learning_curve.py [--labels F] [--draws 3]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventhound.relevance import CareerModel  # noqa: E402
from eventhound.training import LABELS, MODEL, fit, read_labels, row_features  # noqa: E402

SHARES = (0.125, 0.25, 0.5, 1.0)


def recall_at(scored: list[tuple[float, bool]], precision: float) -> float:
    """The best recall of any threshold whose precision reaches `precision`."""
    found = total = 0
    best = 0.0
    career = sum(truth for _, truth in scored)
    for _, truth in sorted(scored, reverse=True):
        total += 1
        found += truth
        if found / total >= precision:
            best = max(best, found / career)
    return best


def average_precision(scored: list[tuple[float, bool]]) -> float:
    found = total = 0
    summed = 0.0
    for _, truth in sorted(scored, reverse=True):
        total += 1
        if truth:
            found += 1
            summed += found / total
    return summed / max(1, found)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--draws", type=int, default=3, help="random draws of publishers per share under 1")
    args = parser.parse_args(argv)
    rows = read_labels(args.labels)
    featured = {r["id"]: row_features(r) for r in rows}
    learn = [r for r in rows if r["split"] != "test"]
    test = [r for r in rows if r["split"] == "test"]
    publishers = sorted({r["publisher"] for r in learn})
    c = json.loads(MODEL.read_text("utf-8"))["meta"]["C"]
    print(f"test split: {len(test)} events, {sum(r['label'] != 'other' for r in test)} career; C={c:g}")
    print(f"{'share':>6} {'rows':>6} {'AP':>6} {'R@P.90':>7} {'R@P.95':>7}")
    for share in SHARES:
        results = []
        for draw in range(args.draws if share < 1 else 1):
            draw_of = random.Random(draw)
            chosen = {p for p in publishers if draw_of.random() < share} if share < 1 else set(publishers)
            used = [r for r in learn if r["publisher"] in chosen]
            model = CareerModel(fit([featured[r["id"]] for r in used], [r["label"] for r in used], c))
            scored = [(model.judge(*featured[r["id"]]).career_score, r["label"] != "other") for r in test]
            results.append((len(used), average_precision(scored), recall_at(scored, 0.90), recall_at(scored, 0.95)))
        mean = [sum(column) / len(results) for column in zip(*results)]
        print(f"{share:6.3f} {mean[0]:6.0f} {mean[1]:6.3f} {mean[2]:7.3f} {mean[3]:7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
