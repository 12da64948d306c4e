"""The eventhound command (in this process through CliRunner where it starts no reactor, else as a
person runs it) and `scrapy crawl` from the repository root."""

import json
import sqlite3
from pathlib import Path

import feedparser
import pytest

from eventhound.sources import SourceError, load_sources
from tests.conftest import FIXTURES, run_eventhound
from tests.kit import cli

REPO = Path(__file__).resolve().parent.parent


def test_extract_prints_the_stored_record_as_json_lines():
    page = FIXTURES / "schemaorg" / "job_fair.html"
    result = cli(
        "extract",
        page,
        "--url",
        "https://workforce.example/events/fair/",
        "--tz",
        "America/New_York",
        "--now",
        "2024-03-01T00:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert list(record)[:4] == ["id", "source", "source_url", "title"]
    assert record["id"].startswith("extract:") and record["source_url"] == "https://workforce.example/events/fair/"
    assert record["title"] == "Spring Job Fair & Hiring Expo 2024"
    assert record["start"] == "2024-04-04T10:00:00-04:00" and record["start_utc"] == "2024-04-04T14:00:00+00:00"
    assert record["timezone"] == "America/New_York" and record["all_day"] == 0
    assert record["venue_name"] == "Riverton Convention Center" and record["postal_code"] == "45750"
    assert record["latitude"] == pytest.approx(39.4512)


def test_extract_takes_zone_and_defaults_from_a_source_entry(tmp_path):
    (tmp_path / "my.toml").write_text(
        '[sources.springfield]\nspider = "schemaorg"\nurls = ["https://springfield.example/events/"]\n'
        'timezone = "America/Chicago"\nevent_type = "networking"\ncountry = "US"\nregion = "IL"\n'
    )
    page = REPO / "eventhound" / "demo_site" / "events" / "hfma-chapter-meeting-february" / "index.html"
    result = cli(
        "extract",
        page,
        "--url",
        "https://springfield.example/events/hfma/",
        "--sources",
        tmp_path / "my.toml",
        "--source",
        "springfield",
        "--now",
        "2027-01-01T00:00:00Z",
    )
    assert result.exit_code == 0, result.stderr
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["source"] == "springfield"
    assert record["start"] == "2027-02-09T18:30:00-06:00"  # local wall time in the source's zone
    assert record["region"] == "IL"
    # the title and description beat the source's default event_type (networking)
    assert record["event_type"] == "association_meeting"
    assert "association_meeting by the text" in record["type_reason"] or '"chapter meeting"' in record["type_reason"]
    assert record["career_score"] >= 0.5
    assert record["first_seen"] is None  # no database involved


def test_extract_counts_a_broken_page_on_stderr():
    result = cli("extract", FIXTURES / "schemaorg" / "broken_jsonld.html", "--url", "https://x.example/e/")
    assert result.exit_code == 0
    assert "jsonld_unparseable" in result.stderr


def test_extract_reports_a_missing_file_clearly():
    result = cli("extract", "no/such/page.html")
    assert result.exit_code == 1
    assert "cannot read no/such/page.html" in result.stderr


def test_bad_sources_entry_names_file_key_and_problem(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[sources.chamber]\nspider = "schemaorg"\nurls = ["https://c.example/"]\ntimezone = "Mars/Olympus"\n'
    )
    with pytest.raises(SourceError, match=r"bad.toml: \[sources.chamber\]: unknown time zone 'Mars/Olympus'"):
        load_sources(bad)
    result = cli("crawl", "--sources", bad, "--db", tmp_path / "x.db")
    assert result.exit_code == 2  # bad configuration
    assert "[sources.chamber]: unknown time zone" in result.stderr
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('spider = "icsfeed"\nurls = ["https://c.example/"]\ntimezone = "UTC"', "spider must be one of"),
        ('spider = "schemaorg"\nurls = ["ftp://c.example/"]\ntimezone = "UTC"', "not an absolute http(s) URL"),
        ('spider = "schemaorg"\nurls = ["https://c.example/"]', "timezone is required"),
        (
            'spider = "schemaorg"\nurls = ["https://c.example/"]\ntimezone = "UTC"\nevent_type = "party"',
            "event_type must be one of",
        ),
        ('spider = "schemaorg"\nurls = ["https://c.example/"]\ntimezone = "UTC"\ncountry = "USA"', "country must be"),
        (
            'spider = "schemaorg"\nurls = ["https://c.example/"]\ntimezone = "UTC"\nenable = false',
            "unknown key(s) enable",
        ),
    ],
)
def test_sources_validation(tmp_path, entry, problem):
    path = tmp_path / "s.toml"
    path.write_text(f"[sources.k]\n{entry}\n")
    with pytest.raises(SourceError) as error:
        load_sources(path)
    assert problem in str(error.value) and "[sources.k]" in str(error.value)


def test_css_source_without_selectors_is_refused(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[sources.board]\nspider = "css"\nurls = ["https://b.example/meetings"]\ntimezone = "UTC"\n'
        '[sources.board.css]\ntitle = "h3::text"\n'
    )
    with pytest.raises(SourceError, match=r"\[sources.board\]: .*event"):
        load_sources(path)


def test_default_sources_file_is_valid():
    from eventhound.formats import FORMATS

    sources = load_sources(REPO / "sources.toml")
    assert sum(s.enabled for s in sources.values()) >= 5
    assert {s.spider for s in sources.values()} <= set(FORMATS)
    text = (REPO / "sources.toml").read_text()
    for key in sources:  # every source carries its evidence in the comment just above it
        above = text[: text.index(f"[sources.{key}]")].rstrip().splitlines()
        comment = []
        while above and above[-1].startswith("#"):
            comment.append(above.pop())
        assert any("evidence" in line.lower() or "judell/" in line for line in comment), key


def test_scrapy_list_and_crawl_from_the_repository_root(tmp_path, demo_site_url):
    import subprocess
    import sys

    scrapy = [sys.executable, "-m", "scrapy"]
    listed = subprocess.run([*scrapy, "list"], cwd=REPO, capture_output=True, text=True, timeout=60)
    # one spider per format module in spiders/, each named after its module
    assert set(listed.stdout.split()) == {p.stem for p in (REPO / "spiders").glob("*.py") if p.stem != "__init__"}
    assert "schemaorg" in listed.stdout.split()
    (tmp_path / "s.toml").write_text(
        f'[sources.demo]\nspider = "schemaorg"\nurls = ["{demo_site_url}events/"]\ntimezone = "America/Chicago"\n'
    )
    db = tmp_path / "scrapy.db"
    crawled = subprocess.run(
        [
            *scrapy,
            "crawl",
            "schemaorg",
            "-a",
            "source=demo",
            "-a",
            f"sources={tmp_path / 's.toml'}",
            "-s",
            f"EVENTHOUND_DB={db}",
            "-s",
            "AUTOTHROTTLE_ENABLED=False",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert crawled.returncode == 0, crawled.stderr[-2000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from events where source = 'demo'").fetchone()[0] == 8
        assert conn.execute("select items from runs").fetchone()[0] == 8


def test_demo_runs_the_whole_path_offline(tmp_path):
    result = run_eventhound("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "demo-springfield  ok" in result.stdout
    with sqlite3.connect(tmp_path / "demo.db") as conn:
        assert conn.execute("select count(*) from events").fetchone()[0] == 8
    feed = feedparser.parse((tmp_path / "demo-digest.xml").read_bytes())
    assert feed.bozo == 0 and len(feed.entries) == 8


def test_every_command_has_help_with_an_example():
    from eventhound.cli import main

    assert {"crawl", "extract", "digest", "serve", "nightly", "demo", "discover"} <= set(main.commands)
    for command in main.commands:
        result = cli(command, "--help")
        assert result.exit_code == 0
        assert f"Example: eventhound {command}" in result.stdout, command


def test_extract_reads_a_url_and_resolves_links_against_it(demo_site_url):
    result = cli(
        "extract", f"{demo_site_url}events/page/2/", "--tz", "America/Chicago", "--now", "2027-01-01T00:00:00Z"
    )
    assert result.exit_code == 0, result.stderr
    records = {r["title"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(records) == {
        "Midwest Manufacturing & Skilled Trades Expo",
        "Employer Info Session: State Farm Claims Careers",
    }
    expo = records["Midwest Manufacturing & Skilled Trades Expo"]
    assert expo["url"] == f"{demo_site_url}events/manufacturing-expo/"
    assert expo["source_url"] == f"{demo_site_url}events/page/2/"
    assert (
        records["Employer Info Session: State Farm Claims Careers"]["online_url"]
        == "https://example.zoom.us/j/5551234567"
    )


def test_serve_runs_datasette_with_the_metadata(tmp_path):
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    assert run_eventhound("demo", cwd=tmp_path).returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eventhound",
            "serve",
            "--db",
            "demo.db",
            "--port",
            str(port),
            "--metadata",
            str(REPO / "datasette-metadata.json"),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        body = None
        for _ in range(100):  # up to ~20 s for Datasette to start
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/demo/upcoming.json?_shape=array&days=3650", timeout=5
                ) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "Datasette did not answer"
        assert {row["title"] for row in body} >= {"Spring Career & Job Fair", "Tuesday Morning Job Club"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=5) as r:
            metadata = json.loads(r.read())
        assert metadata["databases"]["demo"]["tables"]["events"]["columns"]["start_utc"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_webcal_urls_are_read_as_https(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[sources.k]\nspider = "schemaorg"\nurls = ["webcal://calendar.example.org/feed.ics"]\ntimezone = "UTC"\n'
    )
    assert load_sources(path)["k"].urls == ("https://calendar.example.org/feed.ics",)


def test_a_day_first_source_reads_numeric_dates_day_first(tmp_path):
    (tmp_path / "s.toml").write_text(
        '[sources.uk]\nspider = "schemaorg"\nurls = ["https://uk.example/events/"]\n'
        'timezone = "Europe/London"\nday_first = true\n'
    )
    page = tmp_path / "page.html"
    page.write_text(
        '<script type="application/ld+json">{"@type": "Event", "name": "Careers fair",'
        ' "startDate": "03/04/2027 10:00"}</script>'
    )
    result = cli(
        "extract",
        page,
        "--url",
        "https://uk.example/events/fair/",
        "--sources",
        tmp_path / "s.toml",
        "--source",
        "uk",
        "--now",
        "2027-01-01T00:00:00Z",
    )
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["start"] == "2027-04-03T10:00:00+01:00"


def test_a_zone_that_is_a_folder_of_the_zone_data_is_refused_in_words():
    result = cli("when", "next tuesday 6pm", "--tz", "America")  # a folder of tzdata, not a zone
    assert result.exit_code == 2 and "unknown time zone 'America'" in result.output
