"""Career relevance: a compact learned model that reads an event and says how likely it is
a career event (`career_score`, 0–1) and which of the eight career types it is.

The model is a multinomial logistic regression over the words of the title and the
description, the title's character 4-grams, and the hand-written phrase rules of
event_types.toml as features (their per-type scores, not their verdicts). It is trained by
`eventhound train` (eventhound/training.py) on the labelled events of
eventhound/data/relevance/labels.tsv and stored as JSON in eventhound/data/career_model.json:
inference is pure Python: a dict look-up per feature and one sum per class.

`career_score` = 1 − P(other). An event is judged a career event when its score reaches the
model's threshold (chosen on the dev split when training); its type is then the likeliest
career type.
"""

from __future__ import annotations

import json
import math
import unicodedata
from functools import lru_cache
from importlib import resources
from operator import itemgetter, sub
from pathlib import Path
from typing import NamedTuple

from eventhound.db import EVENT_TYPES
from pipelines.classify import TypeRules, load_rules, normalize, type_rules

FORMAT = "eventhound-career-model/1"
DESCRIPTION_CHARS = 200  # the gist comes first (200 scored better on the dev split than 300, and costs less)
RULE_CAP = 6.0
WORD_LIST_SCALE = 3.0  # a full list count weighs like three words (chosen on the dev split: 1, 2, 3)
EVIDENCE_WEIGHT = 0.1  # a feature whose class weights span less is never named as evidence
# Words too common to say why: a feature of only these is weighed but never named as evidence.
QUIET_WORDS = frozenset(
    "a an and are as at be by for from has have in is it of on or our s the this to "
    "we will with you your january february march april may june july august september "
    "october november december monday tuesday wednesday thursday friday saturday sunday "
    "2025 2026 2027 2028".split()
)


class ModelError(Exception):
    """The model file is missing, unreadable or not a career model."""


@lru_cache(maxsize=1 << 16)
def _word_grams(word: str) -> tuple[str, ...]:
    """'fair' -> ('c: fai', 'c:fair', 'c:air '): a word's character 4-grams, padded with spaces."""
    padded = f" {word} "
    return tuple("c:" + padded[i : i + 4] for i in range(max(1, len(padded) - 3)))


@lru_cache(maxsize=1 << 16)
def _title_word_features(word: str) -> tuple[str, ...]:
    """'fair' -> ('t:fair', 'c: fai', 'c:fair', 'c:air '): a title word and its 4-grams."""
    return ("t:" + word, *_word_grams(word))


def fold_accents(text: str) -> str:
    """'résumé' -> 'resume' (ASCII text is returned as it is)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def text_features(title: str, description: str) -> tuple[set[str], dict[str, float]]:
    """The features of normalized title and description, accents folded ("résumé" is
    "resume"): binary ones — the title's words and character 4-grams, the description's words
    (word pairs added nothing on the dev split) — and how many distinct words of each word list
    the title and the description hold ("lex:career_t" -> 0..1, times WORD_LIST_SCALE)."""
    title, description = fold_accents(title), fold_accents(description)
    title_words = title.split()
    words = description[:DESCRIPTION_CHARS].split()
    if len(description) > DESCRIPTION_CHARS:
        words = words[:-1]  # the last word may be cut
    binary = set(map("d:".__add__, words))
    for word in title_words:
        binary.update(_title_word_features(word))
    if not description:
        binary.add("no_description")
    counts = {}
    title_set, description_set = set(title_words), set(words)
    for name, listed in word_lists().items():
        for field, found, cap in (("t", title_set, 3), ("d", description_set, 4)):
            count = len(found & listed)
            if count:
                counts[f"lex:{name}_{field}"] = min(count, cap) / cap * WORD_LIST_SCALE
    return binary, counts


@lru_cache(maxsize=1)
def word_lists() -> dict[str, frozenset[str]]:
    """The career and leisure word lists of eventhound/data/career_words.toml."""
    return {name: frozenset(words.split()) for name, words in load_rules("career_words.toml").items()}


def rule_features(
    rules: TypeRules,
    title: str,
    description: str,
    raw_title: str,
    raw_description: str,
    categories: tuple[str, ...] = (),
    schema_types: tuple[str, ...] = (),
    said: dict | None = None,
) -> dict[str, float]:
    """The phrase rules' per-type scores as features ("r:job_fair" -> 0..2), the source's
    categories and weak schema.org types included. `said`, when given, gets each type's
    strongest phrase in words."""
    scores, reasons = rules.text_scores(
        title, description[:DESCRIPTION_CHARS], raw_title, raw_description[:DESCRIPTION_CHARS]
    )
    for kind, weight in rules.hints(categories, schema_types):
        scores[kind] = scores.get(kind, 0.0) + weight
    if said is not None:
        for kind, found in reasons.items():
            weight, field, phrase, _ = max(found)
            said[f"r:{kind}"] = f'{field} "{phrase}" ({kind} phrase)'
        for kind, category in rules.named_by_categories(categories).items():
            said.setdefault(f"r:{kind}", f'category "{category}"')
    return {f"r:{kind}": min(score, RULE_CAP) / rules.threshold for kind, score in scores.items() if score > 0}


def event_features(
    title: str,
    description: str,
    raw_title: str,
    raw_description: str,
    categories: tuple[str, ...] = (),
    schema_types: tuple[str, ...] = (),
    rules: TypeRules | None = None,
    said: dict | None = None,
) -> tuple[set[str], dict[str, float]]:
    """All the model's features of an event from its normalized and raw texts: (binary, valued)."""
    binary, valued = text_features(title, description)
    valued.update(
        rule_features(
            rules or type_rules(), title, description, raw_title, raw_description, categories, schema_types, said
        )
    )
    return binary, valued


class Judgement(NamedTuple):
    career_score: float
    event_type: str  # a career type, or "other" when the score is under the threshold
    best_career_type: str  # the likeliest career type, whatever the score
    type_share: float  # its share of the career probability: how sure the model is of the type
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
        self.bias: tuple[float, ...] = tuple(map(float, data["bias"]))
        features: list[str] = data["features"]
        columns = data["weights"]
        if len(columns) != len(self.classes) or any(len(c) != len(features) for c in columns):
            raise ModelError("career model weights do not match its features and classes")
        # feature -> its per-class weights: an event's logits are the bias plus the sum of its rows
        self.rows: dict[str, tuple[float, ...]] = dict(zip(features, zip(*columns)))
        self.known = frozenset(self.rows)
        self.other = self.classes.index("other")
        # the features worth naming in type_reason: a clear weight, and more than a common word
        self.telling = frozenset(
            name for name, row in self.rows.items() if _telling(name) and max(row) - min(row) >= EVIDENCE_WEIGHT
        )
        self.meta = data.get("meta", {})

    @classmethod
    def load(cls, path: str | Path | None = None) -> CareerModel:
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

    def _found(self, binary: set[str], valued: dict[str, float]) -> tuple[list[str], list[tuple[float, ...]]]:
        """The model's features among these, and their weight rows (times their values)."""
        rows = self.rows
        names = list(self.known.intersection(binary))
        weights = list(map(rows.__getitem__, names))
        for name, value in valued.items():
            row = rows.get(name)
            if row is not None:
                names.append(name)
                weights.append([w * value for w in row])
        return names, weights

    def judge(self, binary: set[str], valued: dict[str, float]) -> Judgement:
        names, weights = self._found(binary, valued)
        logits = list(map(float.__add__, self.bias, map(sum, zip(*weights)))) if weights else list(self.bias)
        top = max(logits)
        exp = [math.exp(x - top) for x in logits]
        total, other = sum(exp), exp[self.other]
        score = 1.0 - other / total
        logits[self.other] = -math.inf
        best = logits.index(max(logits))  # the likeliest career type (first of equals)
        kind = self.classes[best] if score >= self.threshold else "other"
        share = exp[best] / (total - other) if total > other else 0.0
        return Judgement(
            round(score, 4), kind, self.classes[best], round(share, 4), self._evidence(names, weights, best, score)
        )

    def _evidence(self, names: list[str], weights: list, best: int, score: float, count: int = 3) -> tuple[str, ...]:
        """The features that moved the decision most, toward `best` (career) or toward other;
        only telling ones (no bare "the", no weak weights) are named."""
        toward, away = itemgetter(best), itemgetter(self.other)
        if score < self.threshold:
            toward, away = away, toward
        named: list[str] = []
        for push, name in sorted(zip(map(sub, map(toward, weights), map(away, weights)), names), reverse=True):
            if push <= 0 or len(named) == count:  # strongest push first
                break
            if name in self.telling:
                named.append(name)
        return tuple(named)


def _telling(name: str) -> bool:
    kind, _, value = name.partition(":")
    return kind in ("r", "c", "lex") or value not in QUIET_WORDS


def describe_feature(name: str, title: str = "", said: dict | None = None) -> str:
    """'t:career' -> 'title "career"'; a title 4-gram names its word in `title` (normalized);
    'r:job_fair' -> the phrase the rules found, from `said` (for type_reason)."""
    if said and name in said:
        return said[name]
    if name == "no_description":
        return "no description"
    kind, _, value = name.partition(":")
    words = value.strip()
    if kind == "c":
        words = next((w for w in title.split() if value in f" {w} " and w not in QUIET_WORDS), "")
        if not words:
            return ""
    if kind == "lex":
        words_of, field = value.rsplit("_", 1)
        return f"{words_of} words in the {'title' if field == 't' else 'description'}"
    return {
        "t": f'title "{words}"',
        "d": f'description "{words}"',
        "c": f'title "{words}"',
        "r": f"{value} phrases",
    }.get(kind, name)


def describe_evidence(names, title: str = "", said: dict | None = None) -> str:
    """The evidence features in words, each said once, strongest first."""
    described = dict.fromkeys(describe_feature(name, title, said) for name in names)
    return ", ".join(d for d in described if d) or "no evidence"


@lru_cache(maxsize=4)
def career_model(path: str | None = None) -> CareerModel:
    """The packaged model, or the one at `path` (loaded once per process)."""
    return CareerModel.load(path)


def features_of(
    title: str,
    description: str,
    raw_title: str = "",
    raw_description: str = "",
    categories: tuple[str, ...] = (),
    schema_types: tuple[str, ...] = (),
    rules: TypeRules | None = None,
) -> tuple[set[str], dict[str, float]]:
    """All the model's features of an event from its raw texts (as the pipeline reads them)."""
    rules = rules or type_rules()
    chars = rules.description_chars
    return event_features(
        normalize(title),
        normalize(description[:chars]),
        raw_title or title,
        (raw_description or description)[:chars],
        categories,
        schema_types,
        rules,
    )
