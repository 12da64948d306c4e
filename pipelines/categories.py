"""CategoriesPipeline: a source's `include_categories` / `exclude_categories` applied to
the publisher's own categories (case-insensitive, whole names).

An event of a source with `include_categories` is kept only when one of its categories is
listed (an event with no categories at all is kept: the filter cannot judge it, and the
career model still can); an event with an `exclude_categories` category is dropped. Drops
are counted as `eventhound/dropped/category_not_included` and
`eventhound/dropped/category_excluded`, and so land in the run's dropped reasons.
"""

from __future__ import annotations

from pipelines.base import EventPipeline


def folded(names) -> set[str]:
    return {" ".join(n.split()).casefold() for n in names or () if isinstance(n, str) and n.strip()}


class CategoriesPipeline(EventPipeline):
    def process_item(self, item):
        include, exclude = item.get("_include_categories"), item.get("_exclude_categories")
        if not include and not exclude:
            return item
        categories = folded(item.get("categories") if isinstance(item.get("categories"), (list, tuple)) else ())
        if exclude and categories & exclude:
            self.drop("category_excluded")
        if include and categories and not categories & include:
            self.drop("category_not_included")
        return item
