"""Shared test fixtures: the bundled demo site served on 127.0.0.1, and `eventhound` in a subprocess."""

import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils

from eventhound.localsite import serve_directory

DEMO_SITE = Path(__file__).resolve().parent.parent / "eventhound" / "demo_site"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def demo_site_url():
    with serve_directory(DEMO_SITE) as base_url:
        yield base_url


def eventhound_command(*args) -> list[str]:
    return [sys.executable, "-m", "eventhound", *map(str, args)]


def run_eventhound(*args, cwd=None, timeout=120):
    """Run the eventhound command in a subprocess (the Twisted reactor cannot restart in one process)."""
    return subprocess.run(eventhound_command(*args), cwd=cwd, capture_output=True, text=True, timeout=timeout)


def crawl_command(work: Path, sources: str, *args, now: str) -> list[str]:
    """Write `sources` (sources.toml text) to work/sources.toml; the command that crawls it into
    work/events.db at `now`, AutoThrottle off, with `args` (e.g. "-s", "NAME=VALUE") added."""
    (work / "sources.toml").write_text(sources)
    return eventhound_command(
        "crawl",
        "--sources",
        work / "sources.toml",
        "--db",
        work / "events.db",
        "--now",
        now,
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        *args,
    )


def crawl(work: Path, sources: str, *args, now: str) -> tuple[subprocess.CompletedProcess, sqlite_utils.Database]:
    """`eventhound crawl` of `sources` in a subprocess (see crawl_command); its result and work/events.db.
    Crawling again in the same folder crawls into the same database."""
    result = subprocess.run(crawl_command(work, sources, *args, now=now), capture_output=True, text=True, timeout=120)
    return result, sqlite_utils.Database(work / "events.db")


def query(db: sqlite_utils.Database, sql: str, *params) -> list[dict]:
    """The rows of a query, as dicts."""
    return list(db.query(sql, params))


def summary(result: subprocess.CompletedProcess, key: str) -> str:
    """The crawl's summary line of one source (or the line that starts with `key`)."""
    return next(line for line in result.stdout.splitlines() if line.split() and line.split()[0] == key)
