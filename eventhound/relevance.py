"""Career relevance: a compact learned model that reads an event and says how likely it is
a career event (`career_score`, 0–1) and which of the eight career types it is.

The model is a multinomial logistic regression over the words and word pairs of the title
and description, the title's character 4-grams, and the hand-written phrase rules of
event_types.toml as features (their per-type scores, not their verdicts). It is trained by
`eventhound train` (eventhound/training.py) on the labelled events of
eventhound/data/relevance/labels.tsv and stored as JSON in eventhound/data/career_model.json:
inference is a dict look-up per feature and one numpy sum of the found weight rows.

`career_score` = 1 − P(other). An event is judged a career event when its score reaches the
model's threshold (chosen on the dev split when training); its type is then the likeliest
career type.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy

from pipelines.classify import EVENT_TYPES, TypeRules, normalize, type_rules

FORMAT = "eventhound-career-model/1"
CAREER_TYPES = EVENT_TYPES[:-1]
DESCRIPTION_CHARS = 300  # the labelled descriptions are cut at about 300 characters, like many feeds
RULE_CAP = 6.0


class ModelError(Exception):
    """The model file is missing, unreadable or not a career model."""


def _words_features(prefix: str, words: list[str], out: set[str]) -> None:
    out.update(prefix + w for w in words)
    out.update(f"{prefix}{a}_{b}" for a, b in zip(words, words[1:]))


def text_features(title: str, description: str) -> set[str]:
    """The binary features of normalized title and description (pure, cached by callers)."""
    feats: set[str] = set()
    title_words = title.split()
    _words_features("t:", title_words, feats)
    _words_features("d:", description[:DESCRIPTION_CHARS].split()[:-1] if len(description) > DESCRIPTION_CHARS
                    else description.split(), feats)
    for word in title_words:
        padded = f" {word} "
        feats.update("c:" + padded[i:i + 4] for i in range(max(1, len(padded) - 3)))
    if not description:
        feats.add("no_description")
    return feats


def rule_features(rules: TypeRules, title: str, description: str, raw_title: str, raw_description: str,
                  categories: tuple[str, ...] = (), schema_types: tuple[str, ...] = ()) -> dict[str, float]:
    """The phrase rules' per-type scores as features ("r:job_fair" -> 0..2), categories and
    schema.org hints included."""
    scores, _ = rules.text_scores(title, description, raw_title, raw_description)
    for kind, weight in rules.hints(categories, schema_types):
        scores[kind] = scores.get(kind, 0.0) + weight
    return {f"r:{kind}": min(score, RULE_CAP) / rules.threshold for kind, score in scores.items() if score > 0}


@dataclass(frozen=True)
class Judgement:
    career_score: float
    event_type: str          # a career type, or "other" when the score is under the threshold
    best_career_type: str    # the likeliest career type, whatever the score
    evidence: tuple[str, ...]  # the features that pushed most toward the decision, strongest first


class CareerModel:
    """A trained model: feature -> row of per-class weights."""

    def __init__(self, data: dict):
        if data.get("format") != FORMAT:
            raise ModelError(f"not a career model (format {data.get('format')!r}, expected {FORMAT!r})")
        self.classes: list[str] = data["classes"]
        if sorted(self.classes) != sorted(EVENT_TYPES):
            raise ModelError(f"career model classes {self.classes} are not the nine event types")
        self.threshold = float(data["threshold"])
        self.bias = numpy.array(data["bias"], dtype=numpy.float64)
        features: list[str] = data["features"]
        columns = data["weights"]
        if len(columns) != len(self.classes) or any(len(c) != len(features) for c in columns):
            raise ModelError("career model weights do not match its features and classes")
        # a row of per-class weights per feature: an event's logits are the sum of its rows
        self.rows = numpy.array(columns, dtype=numpy.float64).T.copy() if features else numpy.zeros((0, len(self.classes)))
        self.index = {name: i for i, name in enumerate(features)}
        self.features = features
        self.other = self.classes.index("other")
        self.meta = data.get("meta", {})

    @classmethod
    def load(cls, path: str | Path | None = None) -> "CareerModel":
        try:
            if path is None:
                text = resources.files("eventhound").joinpath("data", "career_model.json").read_text("utf-8")
                path = "eventhound/data/career_model.json"
            else:
                text = Path(path).read_text("utf-8")
            data = json.loads(text)
        except FileNotFoundError:
            raise ModelError(f"{path}: no career model file; build it with `eventhound train`") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ModelError(f"{path}: unreadable career model: {error}") from None
        try:
            return cls(data)
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(f"{path}: malformed career model: {error!r}") from None
        except ModelError as error:
            raise ModelError(f"{path}: {error}") from None

    def logits(self, binary: set[str], valued: dict[str, float]) -> list[float]:
        index = self.index
        total = self.bias + self.rows[[index[f] for f in binary if f in index]].sum(axis=0)
        for name, value in valued.items():
            row = index.get(name)
            if row is not None:
                total += self.rows[row] * value
        return total.tolist()

    def judge(self, binary: set[str], valued: dict[str, float]) -> Judgement:
        logits = self.logits(binary, valued)
        top = max(logits)
        exp = [math.exp(x - top) for x in logits]
        total = sum(exp)
        score = 1.0 - exp[self.other] / total
        career = [i for i in range(len(self.classes)) if i != self.other]
        best = max(career, key=lambda i: (logits[i], -i))
        kind = self.classes[best] if score >= self.threshold else "other"
        return Judgement(round(score, 4), kind, self.classes[best], self.evidence(binary, valued, best, score))

    def evidence(self, binary, valued, best: int, score: float, count: int = 3) -> tuple[str, ...]:
        """The features that moved the decision most: toward `best` (career) or toward other."""
        sign = 1.0 if score >= self.threshold else -1.0
        names = [name for name in (*binary, *valued) if name in self.index]
        if not names:
            return ()
        rows = self.rows[[self.index[name] for name in names]]
        values = numpy.array([valued.get(name, 1.0) for name in names])
        pushes = sign * (rows[:, best] - rows[:, self.other]) * values
        order = numpy.argsort(-pushes, kind="stable")[:count]
        return tuple(names[i] for i in order if pushes[i] > 0)


def describe_feature(name: str) -> str:
    """'t:career_fair' -> 'title "career fair"' (for type_reason)."""
    kind, _, value = name.partition(":")
    words = value.replace("_", " ").strip()
    return {"t": f'title "{words}"', "d": f'description "{words}"', "c": f'title "…{words}…"',
            "r": f"phrase rules for {value}"}.get(kind, name.replace("_", " "))


@lru_cache(maxsize=4)
def career_model(path: str | None = None) -> CareerModel:
    """The packaged model, or the one at `path` (loaded once per process)."""
    return CareerModel.load(path)


def features_of(title: str, description: str, raw_title: str = "", raw_description: str = "",
                categories: tuple[str, ...] = (), schema_types: tuple[str, ...] = (),
                rules: TypeRules | None = None) -> tuple[set[str], dict[str, float]]:
    """Both kinds of features of an event from its raw texts."""
    rules = rules or type_rules()
    norm_title, norm_description = normalize(title), normalize(description)
    return (text_features(norm_title, norm_description),
            rule_features(rules, norm_title, norm_description[:rules.description_chars], raw_title or title,
                          (raw_description or description)[:rules.description_chars], categories, schema_types))
