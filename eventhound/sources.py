"""The source registry: load and validate sources.toml."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from eventhound.dates.zones import is_known
from eventhound.db import EVENT_TYPES
from eventhound.extractors.base import option_problems
from eventhound.formats import NAMES, extractor

SPIDERS = NAMES
KNOWN_KEYS = {
    "name",
    "spider",
    "urls",
    "timezone",
    "event_type",
    "country",
    "region",
    "enabled",
    "follow_offsite",
    "languages",
    "day_first",
    "settings",
    "career_only",
    "token_env",
    "include_categories",
    "exclude_categories",
    *NAMES,
}
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class SourceError(ValueError):
    """A sources file or one of its entries is not usable."""


@dataclass(frozen=True)
class Source:
    key: str
    spider: str
    urls: tuple[str, ...]
    timezone: str
    name: str = ""
    event_type: str | None = None
    country: str | None = None
    region: str | None = None
    enabled: bool = True
    follow_offsite: bool = False
    languages: tuple[str, ...] = ("en",)
    day_first: bool | None = None  # numeric dates day-first (31/08/2027); None: by the languages
    career_only: bool = False  # a mixed calendar: drop the events judged not career
    token_env: str | None = None  # the environment variable holding the platform API's token (never the token)
    include_categories: frozenset[str] = frozenset()  # keep only events in one of these categories (casefolded)
    exclude_categories: frozenset[str] = frozenset()  # drop events in any of these categories (casefolded)
    settings: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)  # the [sources.KEY.<spider>] table: format options
    entry: dict = field(default_factory=dict, compare=False, repr=False)  # the table as written

    def entry_json(self) -> str:
        """This source's entry as JSON (`entry_source` reads it back): a Scrapyd job's argument."""
        return json.dumps({"key": self.key, "entry": self.entry}, sort_keys=True)

    def defaults(self) -> dict:
        """The fields every event from this source starts with."""
        return {
            "source": self.key,
            "timezone": self.timezone,
            "event_type": self.event_type,
            "country": self.country,
            "region": self.region,
        }


def _fail(path, key, message):
    raise SourceError(f"{path}: [sources.{key}]: {message}")


def parse_source(key: str, entry: dict, path: str = "sources.toml") -> Source:
    """Validate one `[sources.KEY]` table; the error names the file, key and problem."""
    if not isinstance(entry, dict):
        _fail(path, key, "must be a table")
    for check in ENTRY_CHECKS:
        if problem := check(key, entry):
            _fail(path, key, problem)
    country = entry.get("country")
    return Source(
        key=key,
        name=entry.get("name") or key,
        spider=entry["spider"],
        urls=tuple(_urls(entry)),
        timezone=entry["timezone"],
        event_type=entry.get("event_type"),
        country=country.upper() if country else None,
        region=entry.get("region"),
        enabled=entry.get("enabled", True),
        follow_offsite=entry.get("follow_offsite", False),
        languages=tuple(entry.get("languages", ["en"])),
        day_first=entry.get("day_first"),
        career_only=entry.get("career_only", False),
        token_env=entry.get("token_env"),
        include_categories=_categories(entry, "include_categories"),
        exclude_categories=_categories(entry, "exclude_categories"),
        settings=entry.get("settings", {}),
        options=entry.get(entry["spider"], {}),
        entry=dict(entry),
    )


# --------------------------------------------------------------------------- the checks of one entry
# Each takes (key, entry) and returns what is wrong in words, or None; parse_source runs them in order.


def _unknown_keys(key, entry):
    if unknown := set(entry) - KNOWN_KEYS:
        return f"unknown key(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KNOWN_KEYS))}"


def _spider(key, entry):
    if (spider := entry.get("spider")) not in SPIDERS:
        return f"spider must be one of {', '.join(SPIDERS)}, not {spider!r}"


def _urls(entry) -> list | None:
    """The entry's urls as a list; webcal:// is how calendars are offered for subscription: it is https."""
    urls = entry.get("urls")
    if isinstance(urls, str):
        urls = [urls]
    if isinstance(urls, list):
        urls = [
            "https://" + u[len("webcal://") :] if isinstance(u, str) and u.lower().startswith("webcal://") else u
            for u in urls
        ]
    return urls


def _url_list(key, entry):
    urls = _urls(entry)
    if not urls or not isinstance(urls, list):
        return "urls must be a non-empty list of http(s) URLs"
    for url in urls:
        parts = urlsplit(url) if isinstance(url, str) else None
        if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
            return f"not an absolute http(s) URL: {url!r}"


def _timezone(key, entry):
    if not (tz := entry.get("timezone")):
        return "timezone is required (an IANA zone such as 'America/Chicago')"
    if not is_known(tz):
        return f"unknown time zone {tz!r} (use an IANA zone such as 'America/Chicago')"


def _event_type(key, entry):
    if (event_type := entry.get("event_type")) is not None and event_type not in EVENT_TYPES:
        return f"event_type must be one of {', '.join(EVENT_TYPES)}, not {event_type!r}"


def _country(key, entry):
    country = entry.get("country")
    if country is not None and not (isinstance(country, str) and len(country) == 2 and country.isalpha()):
        return f"country must be an ISO 3166-1 alpha-2 code such as 'US', not {country!r}"


def _flags(key, entry):
    for flag in ("enabled", "follow_offsite", "day_first", "career_only"):
        if flag in entry and not isinstance(entry[flag], bool):
            return f"{flag} must be true or false"


def _languages(key, entry):
    languages = entry.get("languages", ["en"])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        return "languages must be a list of language codes such as ['en', 'es']"


def _settings(key, entry):
    if not isinstance(entry.get("settings", {}), dict):
        return "settings must be a table of Scrapy settings"


def _format_options(key, entry):
    """The [sources.KEY.<spider>] table: only the source's own format's, and as that format declares."""
    spider = entry["spider"]
    for name in NAMES:
        if name in entry and name != spider:
            return f"a [{key}.{name}] table is for spider {name!r}, but this source's spider is {spider!r}"
    options = entry.get(spider, {})
    if not isinstance(options, dict):
        return f"{spider} must be a table of {spider} options"
    return "; ".join(format_problems(spider, options)) or None


def _category_lists(key, entry):
    for name in ("include_categories", "exclude_categories"):
        listed = entry.get(name, [])
        if not isinstance(listed, list) or not all(isinstance(c, str) and c.strip() for c in listed):
            return f"{name} must be a list of category names such as ['Career Development']"


def _token_env(key, entry):
    token_env = entry.get("token_env")
    if token_env is not None and not (isinstance(token_env, str) and _ENV_NAME.fullmatch(token_env)):
        return "token_env must name an environment variable (such as 'MEETUP_TOKEN'), never hold the token"


ENTRY_CHECKS = (
    _unknown_keys,
    _spider,
    _url_list,
    _timezone,
    _event_type,
    _country,
    _flags,
    _languages,
    _settings,
    _format_options,
    _category_lists,
    _token_env,
)


def _categories(entry, name: str) -> frozenset[str]:
    return frozenset(" ".join(c.split()).casefold() for c in entry.get(name, []))


def format_problems(spider: str, options: dict) -> list[str]:
    """What is wrong with a format's options table: by the module's own `config_problems` where it
    has one (css: required keys, selectors that compile, a nested detail table), else by its OPTIONS."""
    module = extractor(spider)
    own_check = getattr(module, "config_problems", None)
    return own_check(options) if own_check else option_problems(spider, module.OPTIONS, options)


def read_tables(path: str | Path, kind: str, error: type[ValueError] = SourceError) -> dict:
    """The [KIND.NAME] tables of a TOML file ("sources", "digests"); `error` names the file and
    the problem when it is missing, not TOML, or has none."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{path}: no such {kind} file") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: not valid TOML: {exc}") from None
    table = data.get(kind)
    if not isinstance(table, dict) or not table:
        raise error(f"{path}: needs at least one [{kind}.{'KEY' if kind == 'sources' else 'NAME'}] table")
    return table


def entry_source(text: str) -> Source:
    """The Source of a `Source.entry_json()` text, checked as the file's entry would be."""
    try:
        data = json.loads(text)
        key, entry = data["key"], data["entry"]
    except (ValueError, TypeError, KeyError) as exc:
        raise SourceError(f"source_entry: not an entry as JSON ({exc})") from None
    return parse_source(key, entry, "source_entry")


def load_sources(path: str | Path) -> dict[str, Source]:
    """All sources in a sources.toml file, by key, in file order."""
    return {key: parse_source(key, entry, str(path)) for key, entry in read_tables(path, "sources").items()}
