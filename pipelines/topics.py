"""TopicsPipeline (industry/field tags) and AudiencePipeline (who the event is for).

Both find the phrases of a readable data file in the title, the description (its first
characters, as ClassifyPipeline reads them) and the source's categories:

- eventhound/data/topics.toml   -> `topics`, a list (IdentifyPipeline stores a JSON array):
  several allowed, strongest first (a title or category mention counts 2, a description
  mention 1; a topic needs `min_score`).
- eventhound/data/audience.toml -> `audience`, a list of tags (students, veterans,
  members_only, youth, …) when stated.

Each file's `negative` phrases hide the phrases inside them ("members and non-members" is
not "members only"). Regexes are built once per process (pipelines.classify.PhraseMatcher).
"""

from __future__ import annotations

from functools import cache, lru_cache

from pipelines.base import EventPipeline
from pipelines.classify import PhraseMatcher, as_list, load_rules, normalize, normalized_texts


class Tagger:
    """Tags from a data file: [tags.NAME] phrases = [...]; optional [negative] phrases."""

    def __init__(self, data: dict, name: str):
        self.min_score = float(data.get("min_score", 1))
        self.description_chars = int(data.get("description_chars", 600))
        self.order: list[str] = []
        self.tag_of: dict[str, list[str]] = {}
        for tag, table in data.get("tags", {}).items():
            phrases = table.get("phrases", []) if isinstance(table, dict) else table
            if not phrases:
                raise ValueError(f"{name}: tags.{tag} has no phrases")
            self.order.append(tag)
            for phrase in phrases:
                self.tag_of.setdefault(normalize(phrase), []).append(tag)
        self.rank = {tag: i for i, tag in enumerate(self.order)}
        # negative phrases are in the same regex with no tag: the longest phrase at a
        # position wins and matches do not overlap, so they hide what they contain
        for phrase in data.get("negative", []):
            self.tag_of[normalize(phrase)] = []
        self.matcher = PhraseMatcher(self.tag_of)

    def tags(self, title: str, description: str, categories: list[str] = ()) -> list[str]:
        scores: dict[str, float] = {}
        texts = [(title, 2.0), (description, 1.0)] + [(normalize(c), 2.0) for c in categories]
        for text, weight in texts:
            if not text:
                continue
            found = {tag for phrase in self.matcher.find(text) for tag in self.tag_of[phrase]}
            for tag in found:
                scores[tag] = scores.get(tag, 0.0) + weight
        chosen = [tag for tag, score in scores.items() if score >= self.min_score]
        return sorted(chosen, key=lambda tag: (-scores[tag], self.rank[tag]))


@cache
def tagger(name: str) -> Tagger:
    return Tagger(load_rules(name), name)


class _TagPipeline(EventPipeline):
    data_file = ""
    field = ""

    def __init__(self, now, stats):
        super().__init__(now, stats)
        self.tagger = tagger(self.data_file)
        self._tags = lru_cache(maxsize=4096)(self.tagger.tags)  # a series' occurrences share their texts

    def process_item(self, item):
        title, description = normalized_texts(item, self.tagger.description_chars)
        tags = list(self._tags(title, description, tuple(as_list(item.get("categories")))))
        known = item.get(self.field)
        if isinstance(known, (list, tuple)):  # a list an extractor already set is kept first
            tags = list(dict.fromkeys([str(t) for t in known if t] + tags))
        item[self.field] = tags
        return item


class TopicsPipeline(_TagPipeline):
    """Sets `topics`: industry/field tags from eventhound/data/topics.toml."""

    data_file = "topics.toml"
    field = "topics"


class AudiencePipeline(_TagPipeline):
    """Sets `audience`: who the event is for, from eventhound/data/audience.toml."""

    data_file = "audience.toml"
    field = "audience"
