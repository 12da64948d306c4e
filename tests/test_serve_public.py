"""`eventhound serve --public`: a real Datasette process on 127.0.0.1 that answers the canned
queries and refuses arbitrary SQL and the database download."""

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from eventhound import db as database
from tests.kit import stored_record


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture(scope="module")
def public_site(tmp_path_factory):
    path = tmp_path_factory.mktemp("serve") / "events.db"
    db = database.open_db(path)
    start = database.iso_utc(datetime.now(UTC) + timedelta(days=2))
    record = stored_record(
        id="demo:fair",
        source="demo",
        title="Spring Job Fair",
        start=start,
        start_utc=start,
        timezone="UTC",
        event_type="job_fair",
    )
    database.upsert_events(db, [record], start)
    database.refresh_fts(db)
    db.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "eventhound", "serve", "--db", str(path), "--public", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # at most about 20 s
            try:
                if status(base + "/-/versions.json") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_arbitrary_sql_is_refused(public_site):
    assert status(public_site + "/events.json?sql=select+1") == 403
    assert status(public_site + "/events/events.json?_where=1%3D1") == 403


def test_downloads_and_csv_streams_are_off(public_site):
    import json

    with urllib.request.urlopen(public_site + "/-/settings.json", timeout=10) as response:
        settings = json.loads(response.read())
    assert (settings["allow_download"], settings["allow_csv_stream"], settings["default_allow_sql"]) == (
        False,
        False,
        False,
    )
    assert status(public_site + "/events.db") in (403, 404)


def test_canned_queries_tables_and_search_answer(public_site):
    assert status(public_site + "/events/upcoming.json") == 200
    assert status(public_site + "/events/events.json?_search=fair") == 200
    with urllib.request.urlopen(public_site + "/events/upcoming.json?_shape=array", timeout=10) as response:
        assert b"Spring Job Fair" in response.read()
