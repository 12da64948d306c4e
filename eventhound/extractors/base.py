"""What every extractor takes and returns: a Context in, an Extraction out.

Reason codes (``Extraction.errors``) name what an extractor could not read as published;
each extractor's module docstring lists its own. A code whose name ends in ``_repaired``
(``REPAIRED_SUFFIX``) is a repair that lost nothing, such as the iCalendar extractor's
``ical_folding_repaired``: it is counted as a warning (``eventhound/extract_warnings/<code>``,
the `warnings` of a run). Every other code is an error, something lost or unreadable
(``eventhound/extract_errors/<code>``, counted in a run's `errors`). A new repair code must
end in ``_repaired``; nothing else may.

Options: a format module's ``OPTIONS`` table names each option of its
``[sources.KEY.<format>]`` table as an ``Option`` (kind, default, meaning). ``option_problems``
checks a source's table against it when sources.toml is read, and ``option_value`` is the one
way spiders and extractors read an option: the value given, else the table's default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

REPAIRED_SUFFIX = "_repaired"
# What each kind of option must be, in words (a whole number is never negative; a list holds texts).
OPTION_KINDS = {int: "a whole number", str: "a text", bool: "true or false", list: "a list of texts", dict: "a table"}


@dataclass(frozen=True)
class Option:
    """One option of a format's `[sources.KEY.<format>]` table."""

    kind: type  # a key of OPTION_KINDS
    default: Any  # the value when the source does not give one (None: not set)
    meaning: str  # what it does, in words (docs and error messages)


def is_kind(value: Any, kind: type) -> bool:
    """Whether a value is of an option's kind."""
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind is list:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, kind)


def option_value(table: Mapping[str, Option], given: Mapping | None, name: str) -> Any:
    """Option `name` as the source's table gives it, else (not given, or not of its kind) the default in `table`."""
    value = (given or {}).get(name)
    return value if value is not None and is_kind(value, table[name].kind) else table[name].default


def option_problems(fmt: str, table: Mapping[str, Option], given: Mapping) -> list[str]:
    """What is wrong with a source's `[sources.KEY.<fmt>]` table: unknown keys, values of the wrong kind."""
    problems = []
    for name, value in given.items():
        option = table.get(name)
        if option is None:
            problems.append(f"{fmt}.{name} is not a {fmt} option (known: {', '.join(sorted(table)) or 'none'})")
        elif not is_kind(value, option.kind):
            problems.append(f"{fmt}.{name} must be {OPTION_KINDS[option.kind]}, not {value!r}")
    return problems


@dataclass(frozen=True)
class Context:
    """What an extractor may know besides the text and its URL; never the clock itself."""

    now: datetime = datetime(1970, 1, 1, tzinfo=UTC)  # the crawl's start
    timezone: str = "UTC"  # the source's IANA zone, for floating times
    options: Mapping[str, Any] = field(default_factory=dict)  # the source's [sources.KEY.<format>] table


@dataclass
class Extraction:
    events: list[dict] = field(default_factory=list)  # raw events (docs/architecture.md)
    follow: list[str] = field(default_factory=list)  # event pages to fetch (listed without a date)
    next_page: str | None = None  # the listing's next page
    errors: list[str] = field(default_factory=list)  # reason codes for what could not be read


def is_repair(code: str) -> bool:
    """Whether a reason code is a repair that lost nothing (its name ends in ``_repaired``)."""
    return code.endswith(REPAIRED_SUFFIX)


def count_reasons(stats, codes) -> None:
    """Count reason codes into stats (anything with ``inc_value``): repairs as warnings, the rest as errors."""
    for code in codes:
        kind = "warnings" if is_repair(code) else "errors"
        stats.inc_value(f"eventhound/extract_{kind}/{code}")
