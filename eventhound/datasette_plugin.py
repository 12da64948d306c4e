"""eventhound's Datasette plugin: cells a job seeker can read.

- `start` and `end`: the date and time in words in the event's own zone ("Thu, Mar 4, 2027,
  6:30 PM CST"; a date alone: "Thu, Mar 4, 2027"), the ISO value kept in the cell's title;
- `title`: a link to the event's own page when the row has its `url`;
- `topics`, `audience` and `categories`: the tags as a list, not JSON;
- the `find` query's form: event types to tick, a distance, a time span and yes/no boxes
  instead of free text (a script that sends the same parameters).

Registered through the `datasette` entry point in pyproject.toml; rows of any table or
canned query that have these columns are shown so.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from datasette import hookimpl
from markupsafe import Markup, escape

from eventhound.db import ATTENDANCE_MODES, EVENT_TYPES
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


# The job seeker's `find` form: choices instead of free text (event types to tick, a
# distance, a time span, yes/no boxes), still sending the same query parameters.
FIND_CHOICES = {
    "types": [kind for kind in EVENT_TYPES if kind != "other"],
    "attendance": ["", *ATTENDANCE_MODES],
    "days": ["7", "14", "30", "60", "90", "180"],
    "km": ["", "10", "25", "40", "80", "160"],
}
FIND_SCRIPT = """
(function () {
  var choices = %s;
  function field(name) { return document.querySelector('form.sql input[name="' + name + '"]'); }
  function words(value) { return value ? value.replace(/_/g, ' ') : 'any'; }
  function hiddenWith(input) {
    var hidden = document.createElement('input');
    hidden.type = 'hidden'; hidden.name = input.name; hidden.value = input.value;
    input.replaceWith(hidden); return hidden;
  }
  var types = field('types');
  if (types) {
    var picked = types.value.split(',').filter(Boolean), box = document.createElement('span');
    box.className = 'find-types';
    var hidden = hiddenWith(types);
    hidden.after(box);
    choices.types.forEach(function (kind) {
      var label = document.createElement('label'), tick = document.createElement('input');
      tick.type = 'checkbox'; tick.value = kind; tick.defaultChecked = tick.checked = picked.indexOf(kind) >= 0;
      tick.addEventListener('change', function () {
        hidden.value = Array.from(box.querySelectorAll('input:checked')).map(function (t) { return t.value; }).join(',');
      });
      label.append(tick, ' ' + words(kind) + ' '); box.append(label);
    });
  }
  ['attendance', 'days', 'km'].forEach(function (name) {
    var input = field(name);
    if (!input) return;
    var select = document.createElement('select'), value = input.value || (name === 'days' ? '30' : '');
    select.name = name; select.id = input.id;
    choices[name].forEach(function (option) {
      var item = document.createElement('option');
      item.value = option; item.textContent = name === 'km' && option ? 'within ' + option + ' km' :
        name === 'days' ? 'next ' + option + ' days' : words(option);
      item.defaultSelected = item.selected = option === value; select.append(item);
    });
    input.replaceWith(select);
  });
  ['free', 'evening'].forEach(function (name) {
    var input = field(name);
    if (!input) return;
    var hidden = hiddenWith(input), tick = document.createElement('input');
    tick.type = 'checkbox'; tick.defaultChecked = tick.checked = hidden.value === '1'; tick.id = 'find-' + name;
    tick.addEventListener('change', function () { hidden.value = tick.checked ? '1' : ''; });
    hidden.after(tick);
  });
})();
"""


@hookimpl
def extra_body_script(template, database, table, columns, view_name, request, datasette):
    """The choices of the `find` canned query's form."""
    if request is not None and template.startswith("query") and request.path.rstrip("/").endswith("/find"):
        return FIND_SCRIPT % json.dumps(FIND_CHOICES)
    return None
