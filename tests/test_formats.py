"""Every format is whole: an extractor module (NAME, DETECTION, OPTIONS, looks_like, extract), a
spider of its name, a row of the README's formats table naming each option, fixtures; and a
source's options table is checked against the format's OPTIONS when sources.toml is read."""

from __future__ import annotations

import importlib
import inspect
import re
import tomllib
from pathlib import Path

import pytest

from eventhound.extractors.base import OPTION_KINDS, Option, is_kind, option_value
from eventhound.formats import FORMATS, HELPERS, NAMES, extractor
from eventhound.sources import SourceError, load_sources
from eventhound.spider import EventSpider

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
OPTIONS = [(fmt, name) for fmt in NAMES for name in extractor(fmt).OPTIONS]


def readme_rows() -> dict[str, str]:
    """The rows of the README's formats table, by the spider each names first."""
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index("| spider | reads | options table |")
    rows = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows[re.match(r"\| `(\w+)` \|", line).group(1)] = line
    return rows


def test_every_module_but_the_helpers_is_a_format_and_detection_keeps_its_order():
    modules = {p.stem for p in (REPO / "eventhound" / "extractors").glob("*.py") if p.stem != "__init__"}
    assert set(NAMES) == modules - HELPERS and len(NAMES) >= 25
    assert sorted(FORMATS) == sorted(NAMES)
    ranks = [extractor(fmt).DETECTION for fmt in FORMATS]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)  # one place each, no ties
    assert FORMATS[:3] == ("ical", "gcal", "tribe") and FORMATS[-3:] == ("rss", "schemaorg", "css")
    for helper in HELPERS:  # shared code declares no format
        assert not hasattr(extractor(helper), "NAME")


@pytest.mark.parametrize("fmt", NAMES)
def test_a_format_has_its_extractor_spider_readme_row_and_fixtures(fmt):
    module = extractor(fmt)
    assert module.NAME == fmt
    assert isinstance(module.DETECTION, int) and isinstance(module.OPTIONS, dict)
    assert list(inspect.signature(module.extract).parameters)[:3] == ["text", "url", "context"]
    assert callable(module.looks_like)

    spider_module = importlib.import_module(f"spiders.{fmt}")
    spiders = [v for v in vars(spider_module).values() if isinstance(v, type) and issubclass(v, EventSpider)]
    assert fmt in {s.name for s in spiders if "name" in vars(s)}, f"spiders/{fmt}.py has no spider named {fmt!r}"

    row = readme_rows().get(fmt)
    assert row, f"README's formats table has no row for {fmt}"
    quoted = " ".join(re.findall(r"`([^`]*)`", row))
    for name in module.OPTIONS:
        assert re.search(rf"\b{name}\b", quoted), f"README's {fmt} row does not name option {name}"
    for name, value in re.findall(r"`(\w+) = ([^`]+)`", row):  # a default the row states is the table's
        assert tomllib.loads(f"v = {value}")["v"] == module.OPTIONS[name].default, (fmt, name)

    assert any(p.is_file() for p in (FIXTURES / fmt).rglob("*")), f"no fixtures in tests/fixtures/{fmt}/"


@pytest.mark.parametrize("fmt, name", OPTIONS)
def test_every_option_has_a_kind_a_default_of_that_kind_and_a_meaning(fmt, name):
    option = extractor(fmt).OPTIONS[name]
    assert isinstance(option, Option) and option.kind in OPTION_KINDS
    assert option.default is None or is_kind(option.default, option.kind)
    assert isinstance(option.meaning, str) and len(option.meaning.split()) >= 3


def test_an_option_is_read_as_given_else_by_its_tables_default():
    table = extractor("tribe").OPTIONS
    assert option_value(table, {}, "window_days_back") == 1
    assert option_value(table, None, "per_page") == 50
    assert option_value(table, {"window_days_back": 7}, "window_days_back") == 7
    assert option_value(table, {"window_days_back": -2}, "window_days_back") == 1  # not of its kind
    assert option_value(table, {"ical_url": "https://x.example/e.ics"}, "ical_url") == "https://x.example/e.ics"
    assert option_value(extractor("mec").OPTIONS, {}, "prefer_ical") is True


def test_a_spider_reads_its_options_with_the_formats_defaults():
    from eventhound.sources import parse_source

    entry = {"spider": "tribe", "urls": ["https://chamber.example/"], "timezone": "America/Chicago"}
    spider = importlib.import_module("spiders.tribe").TribeSpider(source=parse_source("c", entry))
    assert [spider.option(n) for n in ("window_days_back", "per_page", "max_pages", "ical_url")] == [1, 50, 20, None]
    spider = importlib.import_module("spiders.tribe").TribeSpider(
        source=parse_source("c", {**entry, "tribe": {"per_page": 10}})
    )
    assert spider.option("per_page") == 10


def write_source(tmp_path, spider: str, table: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[sources.library]\nspider = "{spider}"\nurls = ["https://library.example/events.ics"]\n'
        f'timezone = "America/Chicago"\n[sources.library.{spider}]\n{table}\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    "spider, table, problem",
    [
        (
            "ical",
            "windw_days_back = 5",
            "ical.windw_days_back is not a ical option (known: window_days_ahead, window_days_back)",
        ),
        ("ical", 'window_days_ahead = "lots"', "ical.window_days_ahead must be a whole number, not 'lots'"),
        ("ical", "window_days_back = 2.5", "ical.window_days_back must be a whole number, not 2.5"),
        ("schemaorg", "window_days_ahead = -1", "schemaorg.window_days_ahead must be a whole number, not -1"),
        ("rss", 'follow_links = "yes"', "rss.follow_links must be true or false, not 'yes'"),
        ("tribe", 'per_page = "50"', "tribe.per_page must be a whole number, not '50'"),
        ("growthzone", 'category_names = "1=Networking"', "growthzone.category_names must be a list of texts"),
        ("confdata", "window_days_ahead = 30", "confdata.window_days_ahead is not a confdata option (known: none)"),
        ("css", 'event = "div"\ndate = ".when::text"\ntitle = "h3::text"\ndates = "td"', "css: unknown key(s) dates"),
    ],
)
def test_a_bad_option_stops_the_load_naming_file_source_key_and_problem(tmp_path, spider, table, problem):
    path = write_source(tmp_path, spider, table)
    with pytest.raises(SourceError) as raised:
        load_sources(path)
    assert str(raised.value).startswith(f"{path}: [sources.library]: ")
    assert problem in str(raised.value)


def test_good_options_load_as_written(tmp_path):
    path = write_source(tmp_path, "ical", "window_days_back = 5\nwindow_days_ahead = 90")
    assert load_sources(path)["library"].options == {"window_days_back": 5, "window_days_ahead": 90}
    path = write_source(tmp_path, "rss", "follow_links = true")
    assert load_sources(path)["library"].options == {"follow_links": True}
