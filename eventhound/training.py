"""`eventhound train`: the career model, rebuilt reproducibly from labelled events.

Reads a labels TSV (docs/labeling.md: id, split, label, title, description, category, …) and
fits a multinomial logistic regression (scikit-learn, the `train` extra). For each
regularization strength in C_GRID it judges every train and dev event by a model fitted on
the other publishers (5 folds by publisher), and picks the strength and the career
threshold with the best F0.5 of career-vs-not (precision counts twice) over those
out-of-fold judgements — thousands of events from a hundred publishers rather than the dev
split's few hundred — each event counted as often as its `weight` says, so that the choice
is made on the natural mix of the calendars, where career events are few; then it fits on
train + dev (unweighted). The `test` split is never read here.

The same labels give the same model file, byte for byte: rows are sorted by id, features
by name, the solver is deterministic and weights are rounded.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

from eventhound.db import EVENT_TYPES
from eventhound.relevance import FORMAT, CareerModel, features_of

LABELS = Path(__file__).parent / "data" / "relevance" / "labels.tsv"
MODEL = Path(__file__).parent / "data" / "career_model.json"
C_GRID = (0.5, 1.0, 2.0, 4.0)
MIN_COUNT = 2  # a feature seen in fewer training events is left out
MIN_SPAN = 0.05  # a feature whose class weights span less is left out of the model file
DIGITS = 4  # weights are rounded to this many decimals


class TrainingError(Exception):
    pass


def read_labels(path: str | Path) -> list[dict]:
    """The labelled rows, checked (a bad label or split names its line)."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except FileNotFoundError:
        raise TrainingError(f"{path}: no such labels file") from None
    for number, row in enumerate(rows, start=2):
        if row.get("label") not in EVENT_TYPES:
            raise TrainingError(f"{path}:{number}: label {row.get('label')!r} is not an event type")
        if row.get("split") not in ("train", "dev", "test"):
            raise TrainingError(f"{path}:{number}: split {row.get('split')!r} is not train, dev or test")
    return sorted(rows, key=lambda r: r["id"])


def row_features(row: dict) -> tuple[set[str], dict[str, float]]:
    categories = tuple(c for c in (row.get("category") or "").split(";") if c.strip())
    return features_of(row["title"], row.get("description") or "", categories=categories)


def _matrix(featured: list, vocabulary: dict[str, int]):
    from scipy.sparse import csr_matrix

    data, rows, cols = [], [], []
    for number, (binary, valued) in enumerate(featured):
        for name in binary:
            if name in vocabulary:
                data.append(1.0), rows.append(number), cols.append(vocabulary[name])
        for name, value in valued.items():
            if name in vocabulary:
                data.append(value), rows.append(number), cols.append(vocabulary[name])
    return csr_matrix((data, (rows, cols)), shape=(len(featured), len(vocabulary)))


def _vocabulary(featured: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for binary, valued in featured:
        for name in (*binary, *valued):
            counts[name] = counts.get(name, 0) + 1
    names = sorted(name for name, count in counts.items() if count >= MIN_COUNT)
    return {name: i for i, name in enumerate(names)}


def fit(featured: list, labels: list[str], c: float) -> dict:
    """A model file's data fitted on these events (threshold 0.5 until chosen)."""
    from sklearn.linear_model import LogisticRegression

    if len(set(labels)) < 2:
        raise TrainingError("the training events need at least two different labels")
    vocabulary = _vocabulary(featured)
    classes = list(EVENT_TYPES)
    model = LogisticRegression(C=c, max_iter=3000, tol=1e-6)
    model.fit(_matrix(featured, vocabulary), [classes.index(label) for label in labels])
    coef = {int(k): row for k, row in zip(model.classes_, model.coef_)}
    intercept = {int(k): b for k, b in zip(model.classes_, model.intercept_)}
    absent = -20.0  # a class with no training event is never predicted
    weights = [
        [round(float(w), DIGITS) for w in coef[i]] if i in coef else [0.0] * len(vocabulary)
        for i in range(len(classes))
    ]
    # weak features cost time at every event and change little (pruning at 0.05 cost 0.004
    # of dev average precision and halved the features)
    names = list(vocabulary)
    keep = [j for j in range(len(names)) if max(c[j] for c in weights) - min(c[j] for c in weights) >= MIN_SPAN]
    return {
        "format": FORMAT,
        "classes": classes,
        "threshold": 0.5,
        "bias": [round(float(intercept.get(i, absent)), DIGITS) for i in range(len(classes))],
        "features": [names[j] for j in keep],
        "weights": [[column[j] for j in keep] for column in weights],
    }


def f_beta(figures: dict, beta: float = 0.5) -> float:
    """F0.5 by default: precision counts twice as much as recall."""
    p, r = figures["precision"], figures["recall"]
    return (1 + beta**2) * p * r / (beta**2 * p + r) if p + r else 0.0


def choose_threshold(scores: list[float], truth: list[bool], weights: list[float] | None = None) -> tuple[float, dict]:
    """The score threshold with the best F0.5 on these events, each counted `weights` times
    (ties: the higher threshold)."""
    weights = weights or [1.0] * len(scores)
    best = (-1.0, 0.5, {})
    for threshold in sorted({round(s, 3) for s in scores} | {0.5}):
        figures = binary_figures([s >= threshold for s in scores], truth, weights)
        if f_beta(figures) >= best[0]:
            best = (f_beta(figures), threshold, figures)
    return best[1], best[2]


def binary_figures(predicted: list[bool], truth: list[bool], weights: list[float] | None = None) -> dict:
    weights = weights or [1.0] * len(predicted)
    tp = sum(w for p, t, w in zip(predicted, truth, weights) if p and t)
    fp = sum(w for p, t, w in zip(predicted, truth, weights) if p and not t)
    fn = sum(w for p, t, w in zip(predicted, truth, weights) if t and not p)
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


FOLDS = 5
WRITTEN = "eventhound:written"  # the publisher of our own exemplars: trained on, never scored


def fold_of(row: dict) -> int:
    """The cross-validation fold of a row: by publisher, so no publisher is in two folds."""
    return int(hashlib.sha1(row["publisher"].encode("utf-8")).hexdigest(), 16) % FOLDS


def sample_weight(row: dict) -> float:
    """How many events of its calendars' natural mix a labelled row stands for (the `weight`
    column: events sampled at random from a large pool stand for many; 1 when absent)."""
    try:
        return float(row.get("weight") or 1.0)
    except ValueError:
        raise TrainingError(f"row {row.get('id')}: weight {row.get('weight')!r} is not a number") from None


def out_of_fold(rows: list[dict], featured: dict, c: float) -> dict[str, object]:
    """Each row's judgement by a model fitted on the other folds' publishers."""
    judged = {}
    for fold in range(FOLDS):
        held = [r for r in rows if fold_of(r) == fold]
        fitted = [r for r in rows if fold_of(r) != fold]
        if not held or len({r["label"] for r in fitted}) < 2:
            continue
        model = CareerModel(fit([featured[r["id"]] for r in fitted], [r["label"] for r in fitted], c))
        judged.update({r["id"]: model.judge(*featured[r["id"]]) for r in held})
    return judged


def train(labels_path: str | Path = LABELS, out: str | Path = MODEL, log=print) -> dict:
    """Choose C and the threshold by cross-validation over train + dev (folds by publisher),
    fit on train + dev, write the model file; returns its meta."""
    rows = [r for r in read_labels(labels_path) if r["split"] != "test"]
    if not any(r["split"] == "train" for r in rows) or not any(r["split"] == "dev" for r in rows):
        raise TrainingError(f"{labels_path}: needs events in both the train and the dev split")
    featured = {r["id"]: row_features(r) for r in rows}
    best = None
    for c in C_GRID:
        judged = out_of_fold(rows, featured, c)
        scored = [r for r in rows if r["id"] in judged and r["publisher"] != WRITTEN]
        truth = [r["label"] != "other" for r in scored]
        threshold, figures = choose_threshold(
            [judged[r["id"]].career_score for r in scored], truth, [sample_weight(r) for r in scored]
        )
        typed = sum(judged[r["id"]].best_career_type == r["label"] for r in scored if r["label"] != "other")
        figures["type_accuracy"] = typed / max(1, sum(truth))
        log(
            f"C={c:g}: threshold {threshold:.3f}, out of fold precision {figures['precision']:.3f} "
            f"recall {figures['recall']:.3f} career type right {figures['type_accuracy']:.3f}"
        )
        key = (round(f_beta(figures), 6), figures["type_accuracy"])
        if best is None or key > best[0]:
            best = (key, c, threshold, figures)
    _, c, threshold, figures = best
    data = fit([featured[r["id"]] for r in rows], [r["label"] for r in rows], c)
    data["threshold"] = threshold
    data["meta"] = {
        "labels_sha256": hashlib.sha256(Path(labels_path).read_bytes()).hexdigest(),
        "trained_on": {split: sum(r["split"] == split for r in rows) for split in ("train", "dev")},
        "C": c,
        "out_of_fold": {k: round(v, 4) for k, v in figures.items()},
    }
    Path(out).write_text(json.dumps(data, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    log(f"chose C={c:g}, threshold {threshold:.3f}; {len(data['features'])} features; wrote {out}")
    return data["meta"]
