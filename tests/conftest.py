"""Shared test fixtures: the bundled demo site served on 127.0.0.1."""

import subprocess
import sys
from pathlib import Path

import pytest

from eventhound.localsite import serve_directory

DEMO_SITE = Path(__file__).resolve().parent.parent / "eventhound" / "demo_site"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def demo_site_url():
    with serve_directory(DEMO_SITE) as base_url:
        yield base_url


def run_eventhound(*args, cwd=None, timeout=120):
    """Run the eventhound command in a subprocess (the Twisted reactor cannot restart in one process)."""
    return subprocess.run([sys.executable, "-m", "eventhound", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
