"""What the platform adapters share: lenient JSON, paths, options checked on load, API tokens from the environment."""

import json
import os
import shutil
import subprocess
from datetime import UTC
from pathlib import Path

import pytest
import sqlite_utils

from eventhound.extractors import platform
from eventhound.sources import SourceError, parse_source
from tests.conftest import crawl_command, query
from tests.platform_site import ApiHandler, serve_api

FIXTURES = Path(__file__).parent / "fixtures"


def test_dig_follows_keys_lists_and_indexes():
    record = {"geo": {"city": "Riverton"}, "filters": {"types": [{"name": "A"}, {"name": "B"}]}, "times": [{"at": 1}]}
    assert platform.dig(record, "geo.city") == "Riverton"
    assert platform.dig(record, "filters.types[].name") == ["A", "B"]
    assert platform.dig(record, "times[0].at") == 1
    assert platform.dig(record, "geo.street") is None and platform.dig(record, "times[3].at") is None
    assert platform.dig(record, "missing[]") == []


def test_raw_event_by_a_table_of_paths():
    fields = {
        "title": "name",
        "url": ("link", "page"),
        "categories": ["tags[]", "types[].name"],
        "cost_text": lambda r: "Free" if r.get("free") else None,
        "latitude": "geo.lat",
    }
    record = {
        "name": "  Job Club ",
        "page": "/e/1",
        "tags": ["careers"],
        "types": [{"name": "Club"}, {"name": "careers"}],
        "free": True,
        "geo": {"lat": 40.5},
    }
    assert platform.raw_event(record, fields, "https://lib.example/api") == {
        "title": "Job Club",
        "url": "https://lib.example/e/1",
        "categories": ["careers", "Club"],
        "cost_text": "Free",
        "latitude": "40.5",
    }


@pytest.mark.parametrize(
    "body, parsed",
    [
        (')]}\',\n{"a": 1}', {"a": 1}),  # an anti-XSSI prefix
        ("\ufeff[1, 2]", [1, 2]),
        ('<br /><b>Notice</b>: Undefined index in x.php<br />{"a": 2}', {"a": 2}),  # PHP's notice before the JSON
    ],
)
def test_json_read_leniently(body, parsed):
    assert platform.load_json(body, "p") == (parsed, None)


@pytest.mark.parametrize("body", ["<!DOCTYPE html><html><body>Please accept cookies</body></html>", "{broken", ""])
def test_what_is_not_json_is_named_by_platform(body):
    assert platform.load_json(body, "localist") == (None, "localist_not_json")


def test_with_query_sets_or_keeps_parameters():
    assert platform.with_query("https://x.example/api?page=1&pp=10", page=2) == "https://x.example/api?pp=10&page=2"
    assert (
        platform.with_query("https://x.example/api?pp=10", replace=False, pp=100, days=5)
        == "https://x.example/api?pp=10&days=5"
    )


ENTRY = {"spider": "localist", "urls": ["https://calendar.example.edu/"], "timezone": "America/Chicago"}


@pytest.mark.parametrize(
    "options, problem",
    [
        ({"windw_days_ahead": 30}, "localist.windw_days_ahead is not a localist option (known: window_days_ahead)"),
        ({"window_days_ahead": "lots"}, "localist.window_days_ahead must be a whole number, not 'lots'"),
        ({"window_days_ahead": -1}, "localist.window_days_ahead must be a whole number"),
    ],
)
def test_a_platforms_options_are_checked_on_load(options, problem):
    with pytest.raises(SourceError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_source("campus", {**ENTRY, "localist": options}, "sources.toml")
    assert parse_source("campus", {**ENTRY, "localist": {"window_days_ahead": 90}}).options == {"window_days_ahead": 90}


def test_token_env_names_a_variable_never_a_token():
    assert parse_source("campus", {**ENTRY, "token_env": "CAMPUS_TOKEN"}).token_env == "CAMPUS_TOKEN"
    with pytest.raises(SourceError, match="token_env must name an environment variable"):
        parse_source("campus", {**ENTRY, "token_env": "Bearer abc.def-123"})


def test_the_token_goes_in_a_header_and_a_missing_one_fails_the_source_alone(tmp_path):
    api = tmp_path / "site" / "api" / "2" / "events"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "localist" / "events_page2.json", api / "index.json")
    seen, authorizations = [], []
    with serve_api(tmp_path / "site", seen, authorizations=authorizations) as base:
        sources = "".join(
            f"""
[sources.{key}]
spider = "localist"
urls = ["{base}"]
timezone = "America/Chicago"
token_env = "{env}"
"""
            for key, env in (("with-token", "EVENTHOUND_TEST_TOKEN"), ("without-token", "EVENTHOUND_TEST_UNSET"))
        )
        env = {k: v for k, v in os.environ.items() if k != "EVENTHOUND_TEST_UNSET"}
        env["EVENTHOUND_TEST_TOKEN"] = "t0ken-123"
        result = subprocess.run(
            crawl_command(tmp_path, sources, now="2027-09-01T12:00:00+00:00"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert authorizations == ["Bearer t0ken-123"]
    assert "EVENTHOUND_TEST_UNSET" in result.stdout + result.stderr
    db = sqlite_utils.Database(tmp_path / "events.db")
    assert {r["source"] for r in query(db, "select distinct source from events")} == {"with-token"}
    assert "t0ken" not in (tmp_path / "events.db").read_bytes().decode("latin-1")


def test_category_filters_are_checked_on_load():
    source = parse_source("campus", {**ENTRY, "include_categories": ["Career  Development"], "exclude_categories": []})
    assert source.include_categories == frozenset({"career development"})
    with pytest.raises(SourceError, match="exclude_categories must be a list of category names"):
        parse_source("campus", {**ENTRY, "exclude_categories": "Athletics"})


def test_category_filters_drop_and_count(tmp_path):
    api = tmp_path / "site" / "api" / "2" / "events"
    api.mkdir(parents=True)
    shutil.copy(FIXTURES / "localist" / "events_page1.json", api / "index.json")
    shutil.copy(FIXTURES / "localist" / "events_page2.json", api / "page=2.json")
    with serve_api(tmp_path / "site", []) as base:
        sources = f"""
[sources.careers-only]
spider = "localist"
urls = ["{base}"]
timezone = "America/Chicago"
include_categories = ["career DEVELOPMENT", "Workshop"]
exclude_categories = ["alumni"]
"""
        result = subprocess.run(
            crawl_command(tmp_path, sources, now="2027-09-01T12:00:00+00:00"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    db = sqlite_utils.Database(tmp_path / "events.db")
    # the fair is career development but also for alumni (excluded); the graduate week (Academic)
    # and the spotlight (Information Session) are not in the included categories
    assert [r["title"] for r in query(db, "select title from events order by start_utc")] == [
        "Résumé Lab (drop-in)",
        "Résumé Lab (drop-in)",
    ]
    reasons = query(db, "select dropped_reasons from runs")[0]["dropped_reasons"]
    assert json.loads(reasons) == {"category_excluded": 1, "category_not_included": 2}


def test_retry_after_read_as_seconds_or_a_date():
    from datetime import datetime

    from eventhound.middlewares import retry_after_seconds

    now = datetime(2027, 9, 1, 12, tzinfo=UTC)
    assert retry_after_seconds(b"2", now) == 2.0
    assert retry_after_seconds("Wed, 01 Sep 2027 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None and retry_after_seconds(None, now) is None


class Busy(ApiHandler):
    """Answers a path with 429 and its Retry-After (`retry_after`: path -> (value, how many times))."""

    retry_after: dict[str, tuple[str, int]] = {}

    def do_GET(self):
        path = self.path.split("?")[0]
        if path in self.retry_after and self.seen.count(path) < self.retry_after[path][1]:
            self.seen.append(path)
            self.send_response(429)
            self.send_header("Retry-After", self.retry_after[path][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


def test_429_waits_as_asked_within_the_budget_and_fails_alone_beyond_it(tmp_path):
    from eventhound.localsite import serve_directory

    for folder in ("patient", "hopeless"):
        api = tmp_path / "site" / folder / "api" / "2" / "events"
        api.mkdir(parents=True)
        shutil.copy(FIXTURES / "localist" / "events_page2.json", api / "index.json")
    seen: list[str] = []
    handler = type(
        "B",
        (Busy,),
        {
            "seen": seen,
            "paging": ("page",),
            "authorizations": [],
            "retry_after": {"/patient/api/2/events": ("1", 1), "/hopeless/api/2/events": ("3600", 9)},
        },
    )
    with serve_directory(tmp_path / "site", handler=handler) as base:
        sources = "".join(
            f"""
[sources.{folder}]
spider = "localist"
urls = ["{base}{folder}/api/2/events"]
timezone = "America/Chicago"
"""
            for folder in ("patient", "hopeless")
        )
        # Scrapy's own retry (immediate) off: only the Retry-After wait can read the patient source
        result = subprocess.run(
            crawl_command(tmp_path, sources, "-s", "RETRY_ENABLED=False", now="2027-09-01T12:00:00+00:00"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    db = sqlite_utils.Database(tmp_path / "events.db")
    stored = query(db, "select source, count(*) as n from events group by source")
    assert stored == [{"source": "patient", "n": 2}]  # asked again after 1 s, and read
    assert seen.count("/patient/api/2/events") == 1 and sum(p.startswith("/patient/api") for p in seen) == 2
    assert "429" in next(line for line in result.stdout.splitlines() if line.startswith("hopeless"))


@pytest.mark.parametrize(
    "body, said",
    [
        (
            '{"error": "INVALID_AUTH", "error_description": "The OAuth token you provided was invalid.", "status_code": 401}',
            "The OAuth token you provided was invalid.",
        ),
        ('{"errors": [{"message": "Group not found", "code": "NOT_FOUND"}]}', "Group not found"),
        (
            '{"Message": "Authorization has been denied for this request."}',
            "Authorization has been denied for this request.",
        ),
        ("<html><body>Forbidden</body></html>", None),
    ],
)
def test_an_apis_error_answer_in_its_own_words(body, said):
    assert platform.api_message(body) == said


class Refusing(ApiHandler):
    """Answers every API request with 401 and a platform's error JSON."""

    def do_GET(self):
        self.seen.append(self.path)
        if self.path == "/robots.txt":
            self.send_error(404)
            return
        body = b'{"error": "INVALID_AUTH", "error_description": "The OAuth token you provided was invalid."}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_refused_api_call_fails_its_source_with_the_apis_words(tmp_path):
    from eventhound.localsite import serve_directory

    handler = type("R", (Refusing,), {"seen": [], "paging": ("page",), "authorizations": []})
    with serve_directory(tmp_path, handler=handler) as base:
        result = subprocess.run(
            crawl_command(
                tmp_path,
                f"""
[sources.refused]
spider = "localist"
urls = ["{base}"]
timezone = "America/Chicago"
""",
                now="2027-09-01T12:00:00+00:00",
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
    line = next(line for line in result.stdout.splitlines() if line.startswith("refused"))
    assert "HTTP 401" in line and "localist says: The OAuth token you provided was invalid." in line
    assert result.returncode == 1
