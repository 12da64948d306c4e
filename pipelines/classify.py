"""ClassifyPipeline: `career_score`, the event type (one of EVENT_TYPES) and why (`type_reason`).

A decisive schema.org type (`schema_type`: a concert is `other`) decides; otherwise the
career model (eventhound/relevance.py) does, reading the words of the event and the scores of
the phrase rules below. Under the model's threshold an event is `other` — dropped from a
`career_only` source, or given the type its text is sure of (else the source's default
`event_type`) when its source declares one. docs/architecture.md ("Career relevance") has
the details and the forms of `type_reason`.

The rules (TypeRules) live in eventhound/data/event_types.toml (its header explains them):
the source's own categories, weighted phrases of the title and description (negative phrases
hide the career words inside them) and name patterns (regexes on the text as published:
"DrupalCamp", a Greek-letter society). `TypeRules.classify` still decides by them alone, as
the old classifier benchmarks/classify.py compares the model with.

Speed: the phrases of every type are compiled into one regex (a character trie, so a
position is tried against few branches) when the class is built, never per item. Text is
normalized once (lower case, runs of punctuation and spaces -> one space) and the
normalized title and description are kept in the private `_norm` key for the topic and
audience pipelines.

The phrase matching (PhraseMatcher, load_rules, normalized_texts) is shared by
pipelines/topics.py.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

from eventhound.db import EVENT_TYPES
from pipelines.base import EventPipeline

_NON_WORD = re.compile(r"[\W_]+")
# ASCII text: lower case, and every character but a letter or digit a space, in one pass
_ASCII_WORDS = bytes(ord(chr(i).lower()) if chr(i).isalnum() else 32 for i in range(128)) + bytes(range(128, 256))


def normalize(text) -> str:
    """'Parent/Teacher Conference!' -> 'parent teacher conference'."""
    if not isinstance(text, str) or not text:
        return ""
    if text.isascii():  # the common case: a byte table, several times faster than the regex
        return " ".join(text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split())
    return _NON_WORD.sub(" ", text.lower()).strip()


@cache
def load_rules(name: str) -> dict:
    """A data file of eventhound/data, parsed (once per process)."""
    with resources.files("eventhound").joinpath("data", name).open("rb") as handle:
        return tomllib.load(handle)


def _trie_pattern(phrases: Iterable[str]) -> str:
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return pattern(trie)


class PhraseMatcher:
    """Finds whole-word phrases (normalized) in normalized text; a final "s"/"es" is allowed.

    At one position the longest phrase wins; matches do not overlap.
    """

    def __init__(self, phrases: Iterable[str]):
        keys = sorted({normalize(p) for p in phrases} - {""})
        # Text is normalized (words separated by one space) and padded with a space at both
        # ends, so a phrase starts after a space: the regex engine then only tries the
        # trie at word starts (about 3x faster than a leading \b).
        self.regex = re.compile(r" (" + _trie_pattern(keys) + r")(?:e?s)?(?= )") if keys else None

    def find(self, text: str) -> list[str]:
        """The distinct phrases found in normalized text, in order of first appearance."""
        if self.regex is None or not text:
            return []
        return list(dict.fromkeys(self.regex.findall(f" {text} ")))

    def remove(self, text: str) -> tuple[str, list[str]]:
        """The text with the phrases blanked out (so no phrase spans them), and the phrases found."""
        if self.regex is None or not text:
            return text, []
        found = self.find(text)
        return (self.regex.sub(" |", f" {text} ") if found else text), found


def normalized_texts(item, description_chars: int = 600) -> tuple[str, str]:
    """(title, description) normalized, cached in the item's private `_norm` key."""
    cached = item.get("_norm")
    if cached is None:
        description = item.get("description")
        if isinstance(description, str):
            description = description[:description_chars]
        cached = item["_norm"] = (normalize(item.get("title")), normalize(description))
    return cached


def as_list(value) -> list[str]:
    """A raw value that may be one string or a list of them."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str) and v.strip()]
    return []


def _schema_name(value: str) -> str:
    """'https://schema.org/MusicEvent', 'schema:MusicEvent' -> 'MusicEvent'."""
    return re.split(r"[/:#]", value.strip().rstrip("/"))[-1].strip()


def _weight(number: float) -> str:
    return f"{number:g}" if number == int(number) else f"{number:.1f}"


class TypeRules:
    """The event-type decision, built from the parsed event_types.toml."""

    def __init__(self, data: dict):
        self.threshold = float(data.get("threshold", 3))
        self.description_factor = float(data.get("description_factor", 0.4))
        self.description_chars = int(data.get("description_chars", 600))
        order = list(data.get("tie_order", EVENT_TYPES))
        self.rank = {t: order.index(t) if t in order else len(order) for t in EVENT_TYPES}

        self.schema: dict[str, tuple[str, bool, float]] = {}
        for name, rule in data.get("schema_types", {}).items():
            self._check(rule["type"], f"schema_types.{name}")
            self.schema[name.lower()] = (rule["type"], bool(rule.get("decisive")), float(rule.get("weight", 0)))

        self.categories: dict[str, str] = {}
        for name, kind in data.get("categories", {}).items():
            self._check(kind, f"categories.{name}")
            self.categories[normalize(name)] = kind
        self.category_matcher = PhraseMatcher(self.categories)

        self.phrases: dict[str, list[tuple[str, float]]] = {}
        for kind, table in data.get("phrases", {}).items():
            self._check(kind, f"phrases.{kind}")
            for phrase, weight in table.items():
                self.phrases.setdefault(normalize(phrase), []).append((kind, float(weight)))

        # Negative phrases join the same regex: at a position the longest phrase wins and
        # matches do not overlap, so "chamber orchestra" consumes its "chamber" (one pass).
        self.negative = {normalize(p): float(w) for p, w in data.get("negative", {}).items()}
        for phrase in self.negative:
            self.phrases.pop(phrase, None)
        self.matcher = PhraseMatcher(list(self.phrases) + list(self.negative))
        # what a phrase found adds: (type, weight, note of the reason); a 0 negative adds nothing
        self.entries = {
            phrase: tuple((kind, weight, "") for kind, weight in kinds) for phrase, kinds in self.phrases.items()
        }
        self.entries.update(
            {
                phrase: (("other", weight, ", negative phrase"),) if weight else ()
                for phrase, weight in self.negative.items()
            }
        )

        # Name shapes a phrase cannot say ("MidCamp", "Epsilon Nu Tau"): regular expressions
        # on the text as published, case kept.
        self.patterns: list[tuple[str, re.Pattern, str, float, tuple[str, ...], frozenset[str]]] = []
        for name, rule in data.get("patterns", {}).items():
            self._check(rule["type"], f"patterns.{name}")
            fields = tuple(rule.get("fields", ["title"]))
            if not set(fields) <= {"title", "description"}:
                raise ValueError(f"event_types.toml: patterns.{name}: fields are title and/or description")
            try:
                regex = re.compile(rule["regex"])
            except re.error as error:
                raise ValueError(f"event_types.toml: patterns.{name}: bad regex: {error}") from None
            requires = rule.get("requires", [])
            if not isinstance(requires, list) or not all(isinstance(w, str) and normalize(w) for w in requires):
                raise ValueError(f"event_types.toml: patterns.{name}: requires is a list of words")
            self.patterns.append(
                (name, regex, rule["type"], float(rule["weight"]), fields, frozenset(normalize(w) for w in requires))
            )

    @staticmethod
    def _check(kind: str, where: str) -> None:
        if kind not in EVENT_TYPES:
            raise ValueError(f"event_types.toml: {where}: unknown event type {kind!r}")

    # ------------------------------------------------------------------ the decision

    def text_scores(
        self, title: str, description: str, raw_title: str = "", raw_description: str = ""
    ) -> tuple[dict, dict]:
        """Per-type scores of the texts, and per-type reasons (weight, field, phrase, note).

        Phrases are looked for in the normalized texts, patterns in the raw ones.
        """
        scores: dict[str, float] = {}
        reasons: dict[str, list] = {}
        entries = self.entries
        for field, text, factor in (("title", title, 1.0), ("description", description, self.description_factor)):
            if not text:
                continue
            for phrase in self.matcher.find(text):
                for kind, weight, note in entries[phrase]:
                    weight *= factor
                    scores[kind] = scores.get(kind, 0.0) + weight
                    reasons.setdefault(kind, []).append((weight, field, phrase, note))
        normalized = {"title": title, "description": description}
        for name, regex, kind, weight, fields, requires in self.patterns:
            for field, text, factor in (
                ("title", raw_title, 1.0),
                ("description", raw_description, self.description_factor),
            ):
                if field not in fields or not text:
                    continue
                if requires and requires.isdisjoint(normalized[field].split(" ")):
                    continue
                found = regex.search(text)
                if found:
                    scores[kind] = scores.get(kind, 0.0) + weight * factor
                    reasons.setdefault(kind, []).append((weight * factor, field, found.group().strip(), f", {name}"))
        return scores, reasons

    def _best(self, scores: dict, among: Iterable[str] | None = None) -> str | None:
        candidates = [k for k in (among if among is not None else scores) if k in self.rank]
        if not candidates:
            return None
        return min(candidates, key=lambda k: (-scores.get(k, 0.0), self.rank[k]))

    @staticmethod
    def _explain(reasons: dict, kind: str) -> str:
        parts = sorted(reasons.get(kind, []), key=lambda r: -r[0])[:3]
        return "; ".join(
            f'{field}: "{phrase}" (+{_weight(weight)}{note})'
            if field != "schema.org"
            else f"schema.org: {phrase} (+{_weight(weight)})"
            for weight, field, phrase, note in parts
        )

    def decisive_schema(self, schema_types: Iterable[str]) -> tuple[str, str] | None:
        """(type, schema name) of the first decisive schema.org type ("a concert is a concert")."""
        for value in schema_types:
            name = _schema_name(value)
            rule = self.schema.get(name.lower())
            if rule is not None and rule[1]:
                return rule[0], name
        return None

    def schema_hints(self, schema_types: Iterable[str]) -> list[tuple[str, float, str]]:
        """(type, weight, schema name) of the weak schema.org hints."""
        hints = []
        for value in schema_types:
            name = _schema_name(value)
            rule = self.schema.get(name.lower())
            if rule is not None and not rule[1] and rule[2]:
                hints.append((rule[0], rule[2], name))
        return hints

    def named_by_categories(self, categories: Iterable[str]) -> dict[str, str]:
        """type -> the first of the source's categories that names it."""
        named: dict[str, str] = {}
        for category in categories:
            for key in self.category_matcher.find(normalize(category)):
                named.setdefault(self.categories[key], category.strip())
        return named

    def hints(self, categories: Iterable[str], schema_types: Iterable[str]) -> list[tuple[str, float]]:
        """What the source's categories (a threshold's worth each) and weak schema.org types add."""
        return [(kind, self.threshold) for kind in self.named_by_categories(categories)] + [
            (kind, weight) for kind, weight, _ in self.schema_hints(schema_types)
        ]

    def classify(
        self,
        title: str,
        description: str,
        categories: list[str] = (),
        schema_types: list[str] = (),
        default: str | None = None,
        raw_title: str = "",
        raw_description: str = "",
    ) -> tuple[str, str]:
        """(event_type, type_reason) from normalized title and description (and the raw ones, for patterns)."""
        decisive = self.decisive_schema(schema_types)
        if decisive:
            return decisive[0], f"schema.org: {decisive[1]}"
        hints = self.schema_hints(schema_types)

        scores, reasons = self.text_scores(title, description, raw_title, raw_description)
        for kind, weight, name in hints:
            scores[kind] = scores.get(kind, 0.0) + weight
            reasons.setdefault(kind, []).append((weight, "schema.org", name, ""))

        named = self.named_by_categories(categories)
        if named:
            kind = self._best(scores, named)
            reason = f'category: "{named[kind]}"'
            if len(named) > 1:
                reason += f" (of {', '.join(sorted(named))}; by the text)"
            return kind, reason

        best = self._best(scores)
        if best is not None and scores[best] >= self.threshold:
            return best, self._explain(reasons, best)
        if default in self.rank:
            return default, "source default"
        if best is not None and scores[best] > 0:
            return "other", f"too little evidence ({self._explain(reasons, best)})"
        return "other", "no evidence"


@lru_cache(maxsize=1)
def type_rules() -> TypeRules:
    return TypeRules(load_rules("event_types.toml"))


class ClassifyPipeline(EventPipeline):
    """Sets `career_score`, `event_type` and `type_reason` (eventhound/relevance.py decides);
    drops the events judged not career from a `career_only` source."""

    def __init__(self, now, stats, model_path: str | None = None):
        super().__init__(now, stats)
        from eventhound import relevance  # it builds on this module's rules

        self.relevance = relevance
        self.rules = type_rules()
        self.model = relevance.career_model(model_path)
        # the occurrences of a series share their texts: decide once
        self._judge = lru_cache(maxsize=4096)(self.judge)

    @classmethod
    def options(cls, settings) -> dict:
        return {"model_path": settings.get("EVENTHOUND_CAREER_MODEL") or None}

    def judge(
        self, title: str, description: str, categories: tuple, schema_types: tuple, raw_title: str, raw_description: str
    ) -> tuple[float, str, str, str | None]:
        """(career_score, event_type, type_reason, sure_type) by the career model; `other` when
        not career. `sure_type` is the likeliest career type when the model is sure of the type
        (at least half the career probability), whatever the score."""
        relevance = self.relevance
        said: dict[str, str] = {}
        judged = self.model.judge(
            *relevance.event_features(
                title, description, raw_title, raw_description, categories, schema_types, self.rules, said
            )
        )
        evidence = relevance.describe_evidence(judged.evidence, title, said)
        sure = judged.best_career_type if judged.type_share >= 0.5 else None
        score = judged.career_score
        if judged.event_type == "other":
            return score, "other", f"not career ({score:.2f} < {self.model.threshold:.2f}): {evidence}", sure
        named = self.rules.named_by_categories(categories)
        kind = judged.event_type
        if named and judged.best_career_type not in named and any(k != "other" for k in named):
            kind = min((k for k in named if k != "other"), key=EVENT_TYPES.index)
            return score, kind, f'career ({score:.2f}), category: "{named[kind]}"', sure
        return score, kind, f"career ({score:.2f}): {evidence}", sure

    def process_item(self, item):
        rules = self.rules
        title, description = normalized_texts(item, rules.description_chars)
        raw_title, raw_description = item.get("title"), item.get("description")
        schema_types = tuple(as_list(item.get("schema_type")))
        decisive = rules.decisive_schema(schema_types)
        if decisive:  # a concert is a concert, whoever lists it
            score, kind, reason, sure = 0.0, decisive[0], f"schema.org: {decisive[1]}", None
        else:
            score, kind, reason, sure = self._judge(
                title,
                description,
                tuple(as_list(item.get("categories"))),
                schema_types,
                raw_title if isinstance(raw_title, str) else "",
                raw_description[: rules.description_chars] if isinstance(raw_description, str) else "",
            )
        default = item.get("event_type")
        item["career_score"] = score
        item["type_reason"] = reason
        if kind == "other" and item.get("_career_only"):
            item["event_type"] = "other"
            self.drop("not_career")
        if kind == "other" and not decisive and default in rules.rank and default != "other":
            # the source vouches for its events: the type the text is sure of, else the source's
            if sure:
                kind, item["type_reason"] = sure, f"career source; {sure} by the text ({score:.2f})"
            else:
                kind, item["type_reason"] = default, f"source default; {reason}"
        item["event_type"] = kind
        self.stats.inc_value(f"eventhound/event_type/{kind}")
        return item
