"""eventhound's Datasette plugin: cells a job seeker can read.

- `start` and `end`: the date and time in words in the event's own zone ("Thu, Mar 4, 2027,
  6:30 PM CST"; a date alone: "Thu, Mar 4, 2027"), the ISO value kept in the cell's title;
- `title`: a link to the event's own page when the row has its `url`;
- `topics`, `audience` and `categories`: the tags as a list, not JSON.

Registered through the `datasette` entry point in pyproject.toml; rows of any table or
canned query that have these columns are shown so.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from datasette import hookimpl
from markupsafe import Markup, escape

from eventhound.digest import _clock, _day, _local, _zone, _zone_label

DATE_COLUMNS = frozenset({"start", "end", "previous_start"})
TAG_COLUMNS = frozenset({"topics", "audience", "categories"})


def _field(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


def human_time(value: str, zone_name: str | None) -> str | None:
    """An ISO date or date-time in words, in the event's zone; None when it is not one."""
    moment = _local(value, _zone(zone_name))
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        return _day(moment) if isinstance(moment, date) else None
    label = _zone_label(moment) if moment.tzinfo else ""
    return f"{_day(moment)}, {_clock(moment)}" + (f" {label}" if label else "")


def tags(value: str) -> list[str] | None:
    try:
        found = json.loads(value)
    except ValueError:
        return None
    return [str(t) for t in found] if isinstance(found, list) else None


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not isinstance(value, str) or not value:
        return None
    if column in DATE_COLUMNS:
        words = human_time(value, _field(row, "timezone"))
        return Markup(f'<span title="{escape(value)}">{escape(words)}</span>') if words else None
    if column in TAG_COLUMNS:
        found = tags(value)
        return Markup(escape(", ".join(t.replace("_", " ") for t in found))) if found is not None else None
    if column == "title":
        link = _field(row, "url")
        if isinstance(link, str) and link.startswith(("http://", "https://")):
            return Markup(f'<a href="{escape(link)}">{escape(value)}</a>')
    return None
